// The memdesc settings as the server is given them: paths resolved against the workspace folder and the
// selected config variant passed on for the server to apply. Plain functions (no vscode import), unit-tested.

import * as os from 'node:os';
import * as path from 'node:path';
import { PATH_LIST_SETTINGS, PATH_SETTINGS } from '../../shared/settings';

/** `${workspaceFolder}`, `~/` and relative paths → absolute, against `base` (the workspace folder); empty stays empty. */
export function resolvePath(p: string, base: string | undefined): string {
  if (!p) return p;
  let s = base ? p.replace(/\$\{workspaceFolder\}/g, base) : p;
  if (s === '~' || s.startsWith('~/')) s = path.join(os.homedir(), s.slice(1));
  if (!path.isAbsolute(s) && base) s = path.join(base, s);
  return s;
}

/**
 * One `memdesc` section as VS Code answered it → what the server is given: paths resolved. `variant` goes as it is:
 * the server applies it for the ABI it chooses (phys64's switches differ by arch), before the user's own defines.
 */
export function settingsForServer(raw: unknown, base: string | undefined): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const s: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const k of PATH_SETTINGS) if (typeof s[k] === 'string') s[k] = resolvePath(s[k] as string, base);
  for (const k of PATH_LIST_SETTINGS) {
    const list = s[k];
    if (Array.isArray(list)) s[k] = list.map((p) => (typeof p === 'string' ? resolvePath(p, base) : p));
  }
  return s;
}
