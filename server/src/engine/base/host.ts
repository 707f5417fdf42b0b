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

const FILE = 1;
const LINK = 2;

interface CachedText {
  text: string | undefined;
  mtimeMs: number;
  size: number;
}

/**
 * The disk, remembered: each file is read once and each directory listed once (include lookup asks
 * "does dir/name exist" thousands of times; one readdir answers them all). A long-lived process calls
 * `invalidate` when it learns of a change, or `revalidate` to re-check what it read against the disk.
 */
export class DiskHost implements FileHost {
  private readonly texts = new Map<string, CachedText>();
  /** Directory → its entries (name → FILE or LINK; other kinds are left out), null if unreadable. */
  private readonly dirs = new Map<string, Map<string, number> | null>();

  readFile(absPath: string): string | undefined {
    const hit = this.texts.get(absPath);
    if (hit) return hit.text;
    let entry: CachedText = { text: undefined, mtimeMs: -1, size: -1 };
    try {
      const st = fs.statSync(absPath);
      entry = { text: undefined, mtimeMs: st.mtimeMs, size: st.size };
      if (st.isFile() && st.size <= MAX_FILE_BYTES) entry.text = fs.readFileSync(absPath, 'utf8');
    } catch {
      // unreadable: remembered as such until invalidated
    }
    this.texts.set(absPath, entry);
    return entry.text;
  }

  fileExists(absPath: string): boolean {
    const dir = path.dirname(absPath);
    let listing = this.dirs.get(dir);
    if (listing === undefined) {
      listing = null;
      try {
        listing = new Map();
        for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
          // Symlinks are resolved on demand (below); everything else is known from the listing.
          if (d.isFile()) listing.set(d.name, FILE);
          else if (d.isSymbolicLink()) listing.set(d.name, LINK);
        }
      } catch {
        listing = null;
      }
      this.dirs.set(dir, listing);
    }
    const kind = listing?.get(path.basename(absPath));
    if (kind === undefined) return false;
    if (kind === FILE) return true;
    try {
      return fs.statSync(absPath).isFile();
    } catch {
      return false;
    }
  }

  /** Forget one file (and its directory's listing), or everything. */
  invalidate(absPath?: string): void {
    if (absPath === undefined) {
      this.texts.clear();
      this.dirs.clear();
      return;
    }
    this.texts.delete(absPath);
    this.dirs.delete(path.dirname(absPath));
  }

  /** Re-checks every remembered file against the disk (size and mtime); returns how many changed. */
  revalidate(): number {
    let changed = 0;
    for (const [p, e] of this.texts) {
      let mtimeMs = -1;
      let size = -1;
      try {
        const st = fs.statSync(p);
        mtimeMs = st.mtimeMs;
        size = st.size;
      } catch {
        // gone
      }
      if (mtimeMs !== e.mtimeMs || size !== e.size) {
        this.texts.delete(p);
        this.dirs.delete(path.dirname(p));
        changed++;
      }
    }
    // New files may have appeared anywhere on the search path.
    this.dirs.clear();
    return changed;
  }
}

/** Disk, with in-memory texts (open editor buffers) taking precedence. */
export class OverlayHost implements FileHost {
  readonly overlay = new Map<string, string>();
  constructor(readonly base: FileHost = new DiskHost()) {}
  readFile(absPath: string): string | undefined {
    return this.overlay.get(path.normalize(absPath)) ?? this.base.readFile(absPath);
  }
  fileExists(absPath: string): boolean {
    return this.overlay.has(path.normalize(absPath)) || this.base.fileExists(absPath);
  }
}
