// memdesc.selectArch: pick the ABI every layout is computed for (the memdesc.arch setting).

import * as vscode from 'vscode';
import { ABI_NAMES, AbiName } from '../../shared/settings';
import { currentArch, update } from './settings';

/** What each ABI means for layouts, in the quick pick. */
const ABI_NOTES: Record<AbiName, string> = {
  x86_64: 'LP64 · 8-byte words',
  i386: 'ILP32 · 4-byte words · long long 4-aligned in structs',
  arm64: 'LP64 · 8-byte words · char unsigned',
  arm: 'EABI hard-float · 4-byte words · long long 8-aligned',
  riscv64: 'LP64 · 8-byte words · char unsigned',
  s390x: 'LP64 · 8-byte words · big-endian',
  ppc64le: 'LP64 · 8-byte words · char unsigned',
};

export async function selectArch(arch?: unknown): Promise<void> {
  const uri = vscode.window.activeTextEditor?.document.uri;
  const named = ABI_NAMES.find((a) => a === arch);
  if (named) {
    await update('arch', named, uri);
    return;
  }
  const current = currentArch(uri);
  const items = ABI_NAMES.map((a) => ({ label: a, abi: a, description: a === current ? `${ABI_NOTES[a]} · current` : ABI_NOTES[a], picked: a === current }));
  const pick = await vscode.window.showQuickPick(items, { title: 'memdesc: Select ABI', placeHolder: `Lay out for which ABI? (now ${current})` });
  if (pick && pick.abi !== current) await update('arch', pick.abi, uri);
}
