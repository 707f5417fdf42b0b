// memdesc.selectConfig: pick a .config (found in the workspace or /boot, or browsed to), an O= build directory,
// the built-in default, and a config variant from the server's matrix on top (memdesc.config/buildDir/variant).

import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { ConfigVariant, ConfigVariantsRequest } from '../../shared/protocol';
import { currentArch, displayPath, folderFor, get, resolvePath, update } from './settings';

type Choice = vscode.QuickPickItem & { apply?: () => Promise<void> };

const MAX_FOUND = 30;

async function foundConfigs(): Promise<vscode.Uri[]> {
  const inWorkspace = await vscode.workspace.findFiles('**/.config', '{**/node_modules/**,**/.git/**}', MAX_FOUND);
  // The running distribution kernel's config is often the one a developer wants to compare with.
  let boot: vscode.Uri[] = [];
  try {
    boot = fs
      .readdirSync('/boot')
      .filter((f) => f.startsWith('config-'))
      .sort()
      .reverse()
      .slice(0, 5)
      .map((f) => vscode.Uri.file(path.join('/boot', f)));
  } catch {
    // no /boot here
  }
  return [...inWorkspace.sort((a, b) => a.fsPath.localeCompare(b.fsPath)), ...boot];
}

const isBuildDir = (dir: string) => fs.existsSync(path.join(dir, '.config')) && fs.existsSync(path.join(dir, 'include/generated'));

export async function selectConfig(client: LanguageClient): Promise<void> {
  const uri = vscode.window.activeTextEditor?.document.uri;
  const folder = folderFor(uri);
  const arch = currentArch(uri);
  const config = get('config', uri) ?? '';
  const build = get('buildDir', uri) ?? '';
  const variant = get('variant', uri) ?? '';
  const setConfig = (c: string, b: string) => async () => {
    await update('config', c, uri);
    await update('buildDir', b, uri);
  };
  const describe = (text: string, current: boolean) => [text, current ? 'current' : ''].filter(Boolean).join(' · ');

  const items: Choice[] = [{ label: 'Config', kind: vscode.QuickPickItemKind.Separator }];
  items.push({
    label: '$(circle-large-outline) Automatic',
    description: describe(`an O= build dir among the workspace folders, else the tree's own .config, else ${arch || 'the'} built-in default (a defconfig of the tree's version, memdesc symbols only)`, !config && !build),
    apply: setConfig('', ''),
  });
  const configs = await foundConfigs();
  for (const c of configs) {
    const dir = path.dirname(c.fsPath);
    const shown = displayPath(c.fsPath, folder);
    items.push({ label: `$(file) ${shown}`, description: describe('', !!config && resolvePath(config, folder) === c.fsPath), apply: setConfig(shown.startsWith('~/') ? c.fsPath : shown, '') });
    if (isBuildDir(dir)) {
      const d = displayPath(dir, folder);
      items.push({ label: `$(folder) ${d}/`, description: describe('build directory (.config and include/generated)', !!build && resolvePath(build, folder) === dir), apply: setConfig('', d) });
    }
  }
  items.push({
    label: '$(folder-opened) Browse for a .config…',
    apply: async () => {
      const picked = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectFolders: false, title: 'A kernel .config', defaultUri: folder?.uri });
      if (picked?.[0]) await setConfig(displayPath(picked[0].fsPath, folder), '')();
    },
  });
  items.push({
    label: '$(folder-opened) Browse for a build directory…',
    apply: async () => {
      const picked = await vscode.window.showOpenDialog({ canSelectFiles: false, canSelectFolders: true, title: 'An O= build directory', defaultUri: folder?.uri });
      if (picked?.[0]) await setConfig('', displayPath(picked[0].fsPath, folder))();
    },
  });

  let variants: ConfigVariant[] = [];
  try {
    variants = await client.sendRequest(ConfigVariantsRequest, arch ? { arch } : {});
  } catch {
    // An old or failed server: pick a config without variants.
  }
  if (variants.length) {
    items.push({ label: `Variant on top${arch ? ` (${arch})` : ''}`, kind: vscode.QuickPickItemKind.Separator });
    items.push({ label: '$(close) No variant', description: describe('', !variant), apply: () => update('variant', '', uri) });
    for (const v of variants) items.push({ label: `$(beaker) ${v.name}`, description: describe(v.description, variant === v.name), apply: () => update('variant', v.name, uri) });
  }
  const pick = await vscode.window.showQuickPick(items, { title: 'memdesc: Select Kernel Config', placeHolder: 'Which config do the headers see?', matchOnDescription: true });
  await pick?.apply?.();
}
