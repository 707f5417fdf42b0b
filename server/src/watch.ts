// File watching for clients that cannot: each context's inputs outside the buffers (.config, build dir), by content.
// A file rewritten with the same content (a `make` in the build dir does that) changes nothing.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { AnalysisContext, hashText, Session } from './session';

export class InputWatcher {
  /** One watcher per directory. */
  private readonly watchers = new Map<string, fs.FSWatcher>();
  /** Watched directory → file name → content hash when last seen. */
  private readonly seen = new Map<string, Map<string, string>>();
  private stopped = false;

  /** `onChange` hears of a watched file whose content changed. */
  constructor(private readonly onChange: (file: string) => void) {}

  /** Watches what a context's analysis read outside the buffers. */
  watch(ctx: AnalysisContext): void {
    if (this.stopped) return;
    for (const p of Session.inputsOf(ctx)) {
      const dir = path.dirname(p);
      const names = this.seen.get(dir) ?? new Map<string, string>();
      if (!names.has(path.basename(p))) names.set(path.basename(p), contentOf(p));
      this.seen.set(dir, names);
      if (this.watchers.has(dir)) continue;
      try {
        const w = fs.watch(dir, { persistent: false }, (_event, name) => {
          const n = name?.toString();
          if (!n || !names.has(n)) return;
          const now = contentOf(path.join(dir, n));
          if (now === names.get(n)) return;
          names.set(n, now);
          this.onChange(path.join(dir, n));
        });
        w.on('error', () => this.watchers.delete(dir));
        this.watchers.set(dir, w);
      } catch {
        // A directory that cannot be watched: edits and settings changes still re-analyse.
      }
    }
  }

  dispose(): void {
    this.stopped = true;
    for (const w of this.watchers.values()) w.close();
    this.watchers.clear();
  }
}

function contentOf(p: string): string {
  try {
    return hashText(fs.readFileSync(p, 'latin1'));
  } catch {
    return 'absent';
  }
}
