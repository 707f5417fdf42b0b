// What makes a folder a kernel tree, and the tree a file is in: the one test the engine, the server and the client
// share (the client decides which documents to hand the server by it; shared/kernel-tree.ts re-exports this).

import * as fs from 'node:fs';
import * as path from 'node:path';

/** A kernel tree: a top Makefile beside include/linux/mm_types.h. */
export function isKernelTree(dir: string): boolean {
  return fs.existsSync(path.join(dir, 'Makefile')) && fs.existsSync(path.join(dir, 'include/linux/mm_types.h'));
}

/** Walks up from a file to the kernel tree that contains it. */
export function kernelTreeAround(file: string): string | undefined {
  let dir = path.dirname(file);
  for (let i = 0; i < 64; i++) {
    if (isKernelTree(dir)) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}
