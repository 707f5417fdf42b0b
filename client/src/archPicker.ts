// memdesc.selectArch: pick the ABI every layout is computed for (the memdesc.arch setting).

import * as vscode from 'vscode';
import { ABI_NAMES, AbiName } from '../../shared/settings';
import { currentArch, update } from './settings';

/** What each ABI means for layouts, in the quick pick (the README's ABI table in a line). */
const ABI_NOTES: Record<AbiName, string> = {
  x86_64: 'LP64 · 8-byte words',
  i386: 'ILP32 · 4-byte words · long long 4-aligned in structs',
  arm64: 'LP64 · 8-byte words · char unsigned',
  arm: 'EABI hard-float · 4-byte words · long long 8-aligned',
  riscv64: 'LP64 · 8-byte words · char unsigned',
  s390x: 'LP64 · 8-byte words · big-endian',
  ppc64le: 'LP64 · 8-byte words · char unsigned',
  ppc32: 'powerpc 32-bit · big-endian · char unsigned',
  ppc64: 'powerpc 64-bit · big-endian (ELFv2 as 7.x builds it) · char unsigned',
  mips: 'MIPS o32 · big-endian · long long 8-aligned',
  mipsel: 'MIPS o32 · little-endian · long long 8-aligned',
  mips64: 'MIPS n64 · big-endian · 8-byte words',
  mips64el: 'MIPS n64 · little-endian · 8-byte words',
  m68k: '680x0 · big-endian · nothing aligned past 2 bytes, int included',
  sparc64: 'SPARC V9 · big-endian · 8-byte words',
  parisc: 'PA-RISC 32-bit · big-endian',
  parisc64: 'PA-RISC 64-bit · big-endian · 8-byte words',
  sh4: 'SuperH · little-endian · long long 4-aligned',
  alpha: 'Alpha · little-endian · 8-byte words',
  arc: 'ARC HS · little-endian · long long 4-aligned · char unsigned',
};

/** The quick pick's first item: no ABI named, so the kernel .config decides it. */
const FOLLOW_CONFIG = 'Follow the .config';

export async function selectArch(arch?: unknown): Promise<void> {
  const uri = vscode.window.activeTextEditor?.document.uri;
  // A command argument: an ABI name, or '' to follow the config.
  const named = arch === '' ? '' : ABI_NAMES.find((a) => a === arch);
  if (named !== undefined) {
    await update('arch', named, uri);
    return;
  }
  const current = currentArch(uri);
  const follow = { label: FOLLOW_CONFIG, abi: '' as const, description: `the ABI of the kernel config in use (x86_64 when there is none)${current === '' ? ' · current' : ''}`, picked: current === '' };
  const items = [follow, ...ABI_NAMES.map((a) => ({ label: a, abi: a, description: a === current ? `${ABI_NOTES[a]} · current` : ABI_NOTES[a], picked: a === current }))];
  const pick = await vscode.window.showQuickPick(items, { title: 'memdesc: Select ABI', placeHolder: `Lay out for which ABI? (now ${current || 'the config\'s'})` });
  if (pick && pick.abi !== current) await update('arch', pick.abi, uri);
}
