// memdesc.* settings: as the server should see them (paths resolved against the workspace folder, the selected
// config variant folded into the defines), short labels for the status bar and panel, and the pickers' writes.

import * as os from 'node:os';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ConfigVariant } from '../../shared/protocol';

export const SECTION = 'memdesc';

/** Settings holding one path each, resolved for the server (memdesc.files are relative to the tree: left alone). */
const PATH_SETTINGS = ['config', 'buildDir', 'kernelRoot'] as const;

export function folderFor(uri?: vscode.Uri): vscode.WorkspaceFolder | undefined {
  return (uri && vscode.workspace.getWorkspaceFolder(uri)) ?? vscode.workspace.workspaceFolders?.[0];
}

/** `${workspaceFolder}`, `~/` and relative paths → absolute; empty stays empty ("not set"). */
export function resolvePath(p: string, folder: vscode.WorkspaceFolder | undefined): string {
  if (!p) return p;
  const base = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
  let s = base ? p.replace(/\$\{workspaceFolder\}/g, base) : p;
  if (s === '~' || s.startsWith('~/')) s = path.join(os.homedir(), s.slice(1));
  if (!path.isAbsolute(s) && base) s = path.join(base, s);
  return s;
}

/** One `memdesc` section as VS Code answered it → what the server is given. */
export function settingsForServer(raw: unknown, folder: vscode.WorkspaceFolder | undefined, variants: readonly ConfigVariant[] | undefined): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const s: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const k of PATH_SETTINGS) if (typeof s[k] === 'string') s[k] = resolvePath(s[k] as string, folder);
  if (Array.isArray(s.includePaths)) s.includePaths = s.includePaths.map((p) => (typeof p === 'string' ? resolvePath(p, folder) : p));
  const variant = typeof s.variant === 'string' && s.variant ? variants?.find((v) => v.name === s.variant) : undefined;
  // The user's own defines come last so that they win over the variant's.
  if (variant) s.defines = [...variant.defines, ...(Array.isArray(s.defines) ? s.defines : [])];
  return s;
}

export function get<T>(key: string, uri?: vscode.Uri): T | undefined {
  return vscode.workspace.getConfiguration(SECTION, uri).get<T>(key);
}

export function currentArch(uri?: vscode.Uri): string {
  return get<string>('arch', uri) || 'x86_64';
}

/** Where the pickers write: the workspace when one is open (a kernel tree is usually one), else the user. */
export async function update(key: string, value: unknown, uri?: vscode.Uri): Promise<void> {
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  const conf = vscode.workspace.getConfiguration(SECTION, uri);
  // Unset rather than write the default, so the settings file stays as the user left it.
  const inspect = conf.inspect(key);
  const isDefault = JSON.stringify(value) === JSON.stringify(inspect?.defaultValue);
  await conf.update(key, isDefault ? undefined : value, target);
}

/** A path as the user would like to read it: relative to its workspace folder when inside one. */
export function displayPath(p: string, folder: vscode.WorkspaceFolder | undefined): string {
  const abs = resolvePath(p, folder);
  const base = folder?.uri.scheme === 'file' ? folder.uri.fsPath : undefined;
  if (base && abs.startsWith(base + path.sep)) return path.relative(base, abs);
  return abs.startsWith(os.homedir() + path.sep) ? `~/${path.relative(os.homedir(), abs)}` : abs;
}

/** The config in a few characters: ".config", "build/ (build dir)", "default"; with the variant after a "+". */
export function configLabel(uri?: vscode.Uri): string {
  const folder = folderFor(uri);
  const config = get<string>('config', uri);
  const build = get<string>('buildDir', uri);
  let label = config ? displayPath(config, folder) : build ? `${displayPath(build, folder)}/ (build dir)` : 'default';
  const variant = get<string>('variant', uri);
  if (variant) label += ` + ${variant}`;
  return label;
}
