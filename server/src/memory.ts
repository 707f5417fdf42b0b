// Memory: V8 lets garbage pile up to a large multiple of what an analysis keeps alive (re-analysing a 7.x
// memdesc set allocates several hundred MB that die at once). The server collects when it is idle, and caps
// how far the heap may grow past what the last full collection kept (V8 allows up to 4x, which on a 7.x tree
// is 600 MB of mostly garbage while edits arrive): 1.5x by default, MEMDESC_HEAP_GROWING_PERCENT=0 for V8's own.

import * as v8 from 'node:v8';
import * as vm from 'node:vm';

/**
 * V8 flags set at run time change the flags V8's code cache was made under, so a cache written afterwards would be
 * rejected by the next process: the bundle's prologue (scripts/code-cache-prologue.js) writes it now, before.
 */
function beforeFlagsChange(): void {
  (globalThis as { __memdescCodeCacheFlush?: () => void }).__memdescCodeCacheFlush?.();
}

/** V8's gc(), found on first need (undefined: not looked for yet; null: this process has none). */
let gcFn: (() => void) | null | undefined;

function gcFunction(): (() => void) | null {
  if (gcFn !== undefined) return gcFn;
  gcFn = null;
  try {
    const g = (globalThis as { gc?: () => void }).gc;
    if (typeof g === 'function') gcFn = g;
    else {
      beforeFlagsChange();
      v8.setFlagsFromString('--expose-gc');
      const f = vm.runInNewContext('gc') as unknown;
      if (typeof f === 'function') gcFn = f as () => void;
    }
  } catch {
    gcFn = null;
  }
  return gcFn;
}

/** A full collection, when this process allows one; returns the milliseconds it took, or undefined. */
export function collectGarbage(): number | undefined {
  const gc = gcFunction();
  if (!gc) return undefined;
  const t0 = performance.now();
  gc();
  return performance.now() - t0;
}

export function heapUsedMiB(): number {
  return process.memoryUsage().heapUsed / 1048576;
}

/** The server's heap cap (a one-shot CLI run, which this module is bundled into too, keeps V8's own growth). */
export function capHeapGrowth(): void {
  const growing = Number(process.env.MEMDESC_HEAP_GROWING_PERCENT ?? 50);
  if (Number.isInteger(growing) && growing > 0) {
    beforeFlagsChange();
    v8.setFlagsFromString(`--heap-growing-percent=${growing}`);
  }
}
