// Idle garbage collection: after analyses, once requests have been quiet a while, a full collection if the heap grew.
// Analyses leave hundreds of MB that die at once, which V8 would otherwise keep until the heap grows (memory.ts has the means).

import type { RequestActivity } from './activity';
import { collectGarbage, heapUsedMiB } from './memory';
import type { Tracer } from './trace';

/** Quiet time after an analysis before the garbage it left is collected. */
export const GC_IDLE_MS = 1000;

export class IdleCollector {
  private timer: NodeJS.Timeout | undefined;
  /** A collection is wanted, waiting for a quiet moment. */
  private pending = false;
  private heapAfterGc = 0;
  private stopped = false;

  constructor(
    private readonly activity: RequestActivity,
    private readonly tracer: Tracer,
  ) {}

  /** After an analysis: collect once requests have been quiet for GC_IDLE_MS. */
  schedule(): void {
    if (this.stopped) return;
    this.pending = true;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.collect(), GC_IDLE_MS);
  }

  /** A request ended: a collection still waiting starts its quiet time again. */
  requestEnded(): void {
    if (this.pending) this.schedule();
  }

  dispose(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  private collect(): void {
    if (this.activity.inFlight > 0 || this.activity.quietFor < GC_IDLE_MS) return this.schedule();
    this.pending = false;
    const before = heapUsedMiB();
    if (before < this.heapAfterGc * 1.25 + 16) return;
    const took = collectGarbage();
    if (took === undefined) return;
    this.heapAfterGc = heapUsedMiB();
    this.tracer.log(`collected garbage while idle: heap ${before.toFixed(0)} → ${this.heapAfterGc.toFixed(0)} MiB in ${took.toFixed(0)} ms`);
  }
}
