// File access for the Kconfig front end: the disk for the CLI and tests, unsaved buffers for the language server.

import * as fs from 'node:fs';
import * as path from 'node:path';

/** What the Kconfig front end reads. Paths are absolute. Nothing is ever written or run. */
export interface KconfigHost {
  /** Text of a regular file, or undefined when it does not exist or cannot be read. */
  readFile(absPath: string): string | undefined;
  exists(absPath: string): boolean;
  /** Names in a directory (files and directories), or undefined when it cannot be listed. */
  list(absDir: string): string[] | undefined;
}

/** The disk, read on demand (each file once). */
export class DiskKconfigHost implements KconfigHost {
  private readonly texts = new Map<string, string | undefined>();

  readFile(absPath: string): string | undefined {
    if (this.texts.has(absPath)) return this.texts.get(absPath);
    let text: string | undefined;
    try {
      const st = fs.statSync(absPath);
      // Kconfig files are small; a huge file is not one (bounded memory on hostile trees).
      text = st.isFile() && st.size <= 16 * 1024 * 1024 ? fs.readFileSync(absPath, 'latin1') : undefined;
    } catch {
      text = undefined;
    }
    this.texts.set(absPath, text);
    return text;
  }

  exists(absPath: string): boolean {
    try {
      return fs.statSync(absPath).isFile();
    } catch {
      return false;
    }
  }

  list(absDir: string): string[] | undefined {
    try {
      return fs.readdirSync(absDir);
    } catch {
      return undefined;
    }
  }
}

/** Files held in memory (tests, unsaved buffers), optionally falling back to another host. */
export class MemoryKconfigHost implements KconfigHost {
  private readonly files = new Map<string, string>();

  constructor(
    files: Record<string, string> = {},
    private readonly root = '/',
    private readonly fallback?: KconfigHost,
  ) {
    for (const [p, text] of Object.entries(files)) this.set(p, text);
  }

  set(p: string, text: string): void {
    this.files.set(path.resolve(this.root, p), text);
  }

  readFile(absPath: string): string | undefined {
    return this.files.get(absPath) ?? this.fallback?.readFile(absPath);
  }

  exists(absPath: string): boolean {
    return this.files.has(absPath) || (this.fallback?.exists(absPath) ?? false);
  }

  list(absDir: string): string[] | undefined {
    const prefix = absDir.endsWith('/') ? absDir : absDir + '/';
    const names = new Set<string>();
    for (const p of this.files.keys()) if (p.startsWith(prefix)) names.add(p.slice(prefix.length).split('/')[0]);
    for (const n of this.fallback?.list(absDir) ?? []) names.add(n);
    return names.size || this.fallback ? [...names].sort() : undefined;
  }
}
