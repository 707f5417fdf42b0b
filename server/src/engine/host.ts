// File access for the engine: the CLI reads the disk, the language server overlays unsaved buffers.

import * as fs from 'node:fs';
import * as path from 'node:path';

export interface FileHost {
  /** Text of the file at an absolute, normalised path, or undefined if it cannot be read as text. */
  readFile(absPath: string): string | undefined;
  /** True when a regular file exists at the path (used by include lookup before reading). */
  fileExists(absPath: string): boolean;
}

/** Largest file the engine will read; bigger files are reported, not read (bounded memory). */
export const MAX_FILE_BYTES = 64 * 1024 * 1024;

export class DiskHost implements FileHost {
  readFile(absPath: string): string | undefined {
    try {
      const st = fs.statSync(absPath);
      if (!st.isFile() || st.size > MAX_FILE_BYTES) return undefined;
      return fs.readFileSync(absPath, 'utf8');
    } catch {
      return undefined;
    }
  }
  fileExists(absPath: string): boolean {
    try {
      return fs.statSync(absPath).isFile();
    } catch {
      return false;
    }
  }
}

/** Disk, with in-memory texts (open editor buffers) taking precedence. */
export class OverlayHost implements FileHost {
  readonly overlay = new Map<string, string>();
  constructor(private readonly base: FileHost = new DiskHost()) {}
  readFile(absPath: string): string | undefined {
    return this.overlay.get(path.normalize(absPath)) ?? this.base.readFile(absPath);
  }
  fileExists(absPath: string): boolean {
    return this.overlay.has(path.normalize(absPath)) || this.base.fileExists(absPath);
  }
}
