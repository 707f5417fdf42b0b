// The memdesc settings as the server is given them: paths resolved against the workspace folder and the
// selected config variant folded into the defines. Plain functions (no vscode import), unit-tested.

import * as os from 'node:os';
import * as path from 'node:path';
import type { ConfigVariant } from '../../shared/protocol';
import { PATH_LIST_SETTINGS, PATH_SETTINGS } from '../../shared/settings';

/** `${workspaceFolder}`, `~/` and relative paths → absolute, against `base` (the workspace folder); empty stays empty. */
export function resolvePath(p: string, base: string | undefined): string {
  if (!p) return p;
  let s = base ? p.replace(/\$\{workspaceFolder\}/g, base) : p;
  if (s === '~' || s.startsWith('~/')) s = path.join(os.homedir(), s.slice(1));
  if (!path.isAbsolute(s) && base) s = path.join(base, s);
  return s;
}

/** One `memdesc` section as VS Code answered it → what the server is given. */
export function settingsForServer(raw: unknown, base: string | undefined, variants: readonly ConfigVariant[] | undefined): unknown {
  if (!raw || typeof raw !== 'object' || Array.isArray(raw)) return raw;
  const s: Record<string, unknown> = { ...(raw as Record<string, unknown>) };
  for (const k of PATH_SETTINGS) if (typeof s[k] === 'string') s[k] = resolvePath(s[k] as string, base);
  for (const k of PATH_LIST_SETTINGS) {
    const list = s[k];
    if (Array.isArray(list)) s[k] = list.map((p) => (typeof p === 'string' ? resolvePath(p, base) : p));
  }
  const variant = typeof s.variant === 'string' && s.variant ? variants?.find((v) => v.name === s.variant) : undefined;
  // The user's own defines come last so that they win over the variant's.
  if (variant) s.defines = [...variant.defines, ...(Array.isArray(s.defines) ? s.defines : [])];
  return s;
}
