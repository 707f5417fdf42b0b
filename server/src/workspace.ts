// The workspace as the server sees it on disk: kernel trees among the folders, the O= build dirs that belong
// to them (and which ABI each was configured for), and the files `memdesc.files` globs name.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { AbiName } from './engine';
import { kernelTreeAround } from '../../shared/kernel-tree';
import { configArch, isKernelTree } from './engine';

/** Walks up from a file to the kernel tree that contains it. */
export const findKernelRoot = kernelTreeAround;

const realpath = (p: string): string => {
  try {
    return fs.realpathSync(p);
  } catch {
    return path.resolve(p);
  }
};

const isFile = (p: string): boolean => {
  try {
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
};

function subdirs(dir: string): string[] {
  try {
    return fs
      .readdirSync(dir, { withFileTypes: true })
      .filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'node_modules')
      .map((d) => path.join(dir, d.name));
  } catch {
    return [];
  }
}

/** The ABI a .config was made for (engine/kernel/config-arch.ts); undefined when it is none of ours. */
export function configAbi(configText: string): AbiName | undefined {
  return configArch(configText)?.abi;
}

export interface BuildDir {
  dir: string;
  abi: AbiName | undefined;
}

/**
 * The folders the client opened, and what they hold. Discovery looks at each folder and its direct
 * children (a folder of several trees, or a tree beside its build dirs), never deeper.
 */
export class Workspace {
  private folderList: string[] = [];
  private trees: string[] | undefined;
  private builds = new Map<string, BuildDir[]>();

  get folders(): readonly string[] {
    return this.folderList;
  }

  setFolders(folders: string[]): void {
    this.folderList = [...new Set(folders.map((f) => path.resolve(f)))];
    this.rescan();
  }

  /** Something on disk may have changed (a watched file): look again on next use. */
  rescan(): void {
    this.trees = undefined;
    this.builds.clear();
  }

  private candidates(): string[] {
    const out: string[] = [];
    for (const f of this.folderList) out.push(f, ...subdirs(f));
    return out;
  }

  /** Kernel source trees among the workspace folders and their direct children, in folder order. */
  kernelTrees(): string[] {
    if (!this.trees) this.trees = this.candidates().filter((d) => isKernelTree(d));
    return this.trees;
  }

  /** The workspace folder that holds a file (the innermost one). */
  folderOf(file: string): string | undefined {
    let best: string | undefined;
    for (const f of this.folderList) {
      const rel = path.relative(f, file);
      if (!rel.startsWith('..') && !path.isAbsolute(rel) && (!best || f.length > best.length)) best = f;
    }
    return best;
  }

  /**
   * Build dirs of a tree: an in-tree build (a .config at the root), and O= dirs among the workspace folders
   * and their children (a .config beside the `source` link or the Makefile kbuild writes there).
   */
  buildDirsFor(root: string): BuildDir[] {
    const key = realpath(root);
    let found = this.builds.get(key);
    if (found) return found;
    found = [];
    const consider = (dir: string) => {
      const cfg = path.join(dir, '.config');
      if (!isFile(cfg)) return;
      const abi = configAbi(fs.readFileSync(cfg, 'utf8'));
      if (found!.some((b) => realpath(b.dir) === realpath(dir))) return;
      found!.push({ dir, abi });
    };
    consider(root);
    for (const d of this.candidates()) {
      if (realpath(d) === key) continue;
      if (fs.existsSync(path.join(d, 'source')) && realpath(path.join(d, 'source')) === key) consider(d);
      else {
        let mk = '';
        try {
          mk = fs.readFileSync(path.join(d, 'Makefile'), 'utf8');
        } catch {
          continue;
        }
        const m = /^include (.+)\/Makefile\s*$/m.exec(mk);
        if (m && mk.length < 1024 && realpath(m[1]) === key) consider(d);
      }
    }
    this.builds.set(key, found);
    return found;
  }

  /** The build dir to use for a tree and ABI: one configured for that ABI, else none. */
  buildDirFor(root: string, abi: AbiName): string | undefined {
    return this.buildDirsFor(root).find((b) => b.abi === abi)?.dir;
  }
}

// ---- globs ----

/** Glob → RegExp over '/'-separated relative paths: `**` (any depth), `*`, `?`, `[...]`, `{a,b}`. */
export function globToRegExp(glob: string): RegExp {
  let re = '';
  let inGroup = 0;
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i];
    if (c === '*') {
      if (glob[i + 1] === '*') {
        // `**/` matches zero or more directories; a trailing `**` matches anything.
        i++;
        if (glob[i + 1] === '/') {
          i++;
          re += '(?:[^/]*/)*';
        } else re += '.*';
      } else re += '[^/]*';
    } else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = glob.indexOf(']', i + 1);
      if (close < 0) re += '\\[';
      else {
        let body = glob.slice(i + 1, close).replace(/\\/g, '\\\\');
        if (body.startsWith('!')) body = '^' + body.slice(1);
        re += `[${body}]`;
        i = close;
      }
    } else if (c === '{') {
      inGroup++;
      re += '(?:';
    } else if (c === '}' && inGroup) {
      inGroup--;
      re += ')';
    } else if (c === ',' && inGroup) re += '|';
    else re += c.replace(/[.+^$()|\\]/g, '\\$&');
  }
  while (inGroup-- > 0) re += ')';
  return new RegExp(`^${re}$`);
}

const GLOB_CHARS = /[*?[{]/;

export interface GlobResult {
  files: string[];
  /** True when a limit stopped the walk (too many entries or matches). */
  truncated: boolean;
}

/**
 * Files matching globs, relative to `base` unless absolute; plain paths are taken as they are (existing or not:
 * an unsaved buffer may stand for them). Walks only below each glob's literal prefix, with limits.
 */
export function expandGlobs(globs: string[], base: string, limits = { entries: 200_000, matches: 2_000 }): GlobResult {
  const out = new Set<string>();
  let truncated = false;
  let entries = 0;
  for (const g0 of globs) {
    const g = g0.replace(/\\/g, '/');
    const abs = path.isAbsolute(g) ? g : path.join(base, g).replace(/\\/g, '/');
    if (!GLOB_CHARS.test(abs)) {
      out.add(path.normalize(abs));
      continue;
    }
    const parts = abs.split('/');
    const literal: string[] = [];
    for (const p of parts) {
      if (GLOB_CHARS.test(p)) break;
      literal.push(p);
    }
    const start = literal.join('/') || '/';
    const re = globToRegExp(parts.slice(literal.length).join('/'));
    const walk = (dir: string, rel: string, depth: number) => {
      if (depth > 32 || truncated) return;
      let list: fs.Dirent[];
      try {
        list = fs.readdirSync(dir, { withFileTypes: true });
      } catch {
        return;
      }
      for (const d of list) {
        if (++entries > limits.entries || out.size >= limits.matches) {
          truncated = true;
          return;
        }
        const r = rel ? `${rel}/${d.name}` : d.name;
        if (d.isDirectory()) {
          if (d.name !== '.git' && d.name !== 'node_modules') walk(path.join(dir, d.name), r, depth + 1);
        } else if (re.test(r)) out.add(path.join(dir, d.name));
      }
    };
    walk(start, '', 0);
  }
  return { files: [...out].sort(), truncated };
}
