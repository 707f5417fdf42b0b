// memdesc.* settings in VS Code terms: reads and writes typed by shared/settings.ts, the workspace folder a document
// belongs to, short labels for the status bar and panel (the translation for the server is in serverSettings.ts).

import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { SECTION_DEFAULTS, SETTINGS_SECTION, SettingsSection } from '../../shared/settings';
import { resolvePath as resolveAgainst, settingsForServer as settingsFor } from './serverSettings';

const folderPath = (folder: vscode.WorkspaceFolder | undefined) => (folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined);

export function folderFor(uri?: vscode.Uri): vscode.WorkspaceFolder | undefined {
  return (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
}

/** A setting's path, absolute, against its workspace folder (see serverSettings.resolvePath). */
export function resolvePath(p: string, folder: vscode.WorkspaceFolder | undefined): string {
  return resolveAgainst(p, folderPath(folder));
}

/** One `memdesc` section as VS Code answered it → what the server is given. */
export function settingsForServer(raw: unknown, folder: vscode.WorkspaceFolder | undefined): unknown {
  return settingsFor(raw, folderPath(folder));
}

/** A setting's value for a document's folder (VS Code fills in the manifest's default). */
export function get<K extends keyof SettingsSection>(key: K, uri?: vscode.Uri): SettingsSection[K] | undefined {
  return vscode.workspace.getConfiguration(SETTINGS_SECTION, uri).get<SettingsSection[K]>(key);
}

/** memdesc.arch: an ABI, or '' to follow the kernel config. */
export function currentArch(uri?: vscode.Uri): string {
  return get('arch', uri) ?? SECTION_DEFAULTS.arch;
}

/** Where the pickers write: the workspace when one is open (a kernel tree is usually one), else the user. */
export async function update<K extends keyof SettingsSection>(key: K, value: SettingsSection[K], uri?: vscode.Uri): Promise<void> {
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const conf = vscode.workspace.getConfiguration(SETTINGS_SECTION, uri);
  // Unset rather than write the default, so the settings file stays as the user left it; but when the user
  // settings hold another value, unsetting would bring that back: write the default then.
  const inspect = conf.inspect(key);
  const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);
  const below = target === vscode.ConfigurationTarget.Workspace ? inspect?.globalValue : undefined;
  const unset = same(value, inspect?.defaultValue) && (below === undefined || same(below, inspect?.defaultValue));
  await conf.update(key, unset ? undefined : value, target);
}

/** A path as the user would like to read it: relative to its workspace folder when inside one. */
export function displayPath(p: string, folder: vscode.WorkspaceFolder | undefined): string {
  const abs = resolvePath(p, folder);
  const base = folderPath(folder);
  if (base && abs.startsWith(base + path.sep)) return path.relative(base, abs);
  return abs.startsWith(os.homedir() + path.sep) ? `~/${path.relative(os.homedir(), abs)}` : abs;
}

/** The config in a few characters: ".config", "build/ (build dir)", "default"; with the variant after a "+". */
export function configLabel(uri?: vscode.Uri): string {
  const folder = folderFor(uri);
  const config = get('config', uri);
  const build = get('buildDir', uri);
  let label = config ? displayPath(config, folder) : build ? `${displayPath(build, folder)}/ (build dir)` : 'default';
  const variant = get('variant', uri);
  if (variant) label += ` + ${variant}`;
  return label;
}
