// The every-configuration worker thread, seen from the server: a job (one tree, some arches) goes in; progress, each
// arch's result and the paths the search read come back. Cancelling asks the worker to stop between analyses; a
// worker that does not stop soon (a long single step: loading a tree's Kconfig) is terminated. Its heap is capped.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { AbiName } from './engine';
import type { ArchRun } from './explore';

export interface ExploreJob {
  id: number;
  gen: number;
  root: string;
  arches: AbiName[];
  budgetMs: number;
  /** Files analysed with the memdesc set (memdesc.files, an open sketch). */
  files: string[];
  overlays: Array<[string, string]>;
  /** Per arch, .config texts made by the user's toolchain: toolchain probes read their values from them. */
  configs: Partial<Record<AbiName, string[]>>;
}

export type ExploreWorkerMessage =
  | { type: 'progress'; id: number; arch: AbiName; index: number; message: string; done: number; total: number }
  | { type: 'arch'; id: number; run: ArchRun }
  | { type: 'done'; id: number; read: string[] }
  | { type: 'cancelled'; id: number };

/** What a job's owner hears. */
export interface ExploreJobEvents {
  progress(arch: AbiName, index: number, message: string, done: number, total: number): void;
  arch(run: ArchRun): void;
  /** Every arch is done; `read`: every path the search read or looked for. */
  done(read: string[]): void;
  /** The worker failed (out of memory, a crash): no more events. */
  failed(message: string): void;
}

/** How long a cancelled job may take to stop before its worker is terminated. */
const CANCEL_GRACE_MS = 3000;
/** The worker's heap cap (MiB): a search of a 7.x tree for one arch needs about 1 GB. */
const HEAP_MB = Number(process.env.MEMDESC_EXPLORE_HEAP_MB) > 0 ? Number(process.env.MEMDESC_EXPLORE_HEAP_MB) : 3072;

/**
 * Runs exploration jobs in one worker thread, one at a time; starting one cancels the one before. The worker takes
 * a new job once the cancelled one has stopped (its lexing cache stays warm); a worker that keeps running a
 * cancelled job past CANCEL_GRACE_MS is terminated, and the job waiting behind it goes to a fresh one.
 */
export class ExploreRunner {
  private worker: Worker | undefined;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private gen = 0;
  private nextId = 1;
  private current: { job: ExploreJob; events: ExploreJobEvents } | undefined;
  /** Jobs cancelled that the worker has not yet said it stopped. */
  private readonly stopping = new Set<number>();
  private killTimer: NodeJS.Timeout | undefined;
  private idleTimer: NodeJS.Timeout | undefined;
  /** A worker idle this long is stopped (its caches and heap go with it). */
  static IDLE_MS = 60_000;

  constructor(
    private readonly log: (message: string) => void,
    private readonly workerPath = path.join(__dirname, 'explore-worker.js'),
  ) {}

  /** Starts a job (cancelling the one that runs); returns its id, or undefined when no worker could start. */
  run(job: Omit<ExploreJob, 'id' | 'gen'>, events: ExploreJobEvents): number | undefined {
    this.cancel();
    const w = this.ensureWorker();
    if (!w) return undefined;
    clearTimeout(this.idleTimer);
    const full: ExploreJob = { ...job, id: this.nextId++, gen: this.gen };
    this.current = { job: full, events };
    w.postMessage(full);
    return full.id;
  }

  /** Stops the running job (if any): between analyses, or by terminating the worker after a grace period. */
  cancel(): void {
    this.gen++;
    Atomics.store(this.flag, 0, this.gen);
    if (!this.current) return;
    this.stopping.add(this.current.job.id);
    this.current = undefined;
    if (!this.killTimer) {
      this.killTimer = setTimeout(() => {
        this.killTimer = undefined;
        if (!this.stopping.size) return;
        this.terminate('a cancelled search did not stop in time: worker terminated');
        // The job queued behind it starts again in a fresh worker.
        const c = this.current;
        if (c) {
          const w = this.ensureWorker();
          if (w) w.postMessage(c.job);
          else {
            this.current = undefined;
            c.events.failed('the worker could not start again');
          }
        }
      }, CANCEL_GRACE_MS);
      this.killTimer.unref();
    }
  }

  get busy(): boolean {
    return this.current !== undefined;
  }

  dispose(): void {
    this.cancel();
    clearTimeout(this.killTimer);
    clearTimeout(this.idleTimer);
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private terminate(why: string): void {
    this.log(`all configs: ${why}`);
    const w = this.worker;
    this.worker = undefined;
    this.stopping.clear();
    void w?.terminate();
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker) return this.worker;
    try {
      const w = new Worker(this.workerPath, { workerData: { flag: this.flag }, resourceLimits: { maxOldGenerationSizeMb: HEAP_MB } });
      w.on('message', (m: ExploreWorkerMessage) => {
        if (this.worker === w) this.onMessage(m);
      });
      w.on('error', (e) => {
        if (this.worker !== w) return;
        const oom = (e as { code?: string }).code === 'ERR_WORKER_OUT_OF_MEMORY';
        const message = oom ? `the search ran out of memory (its heap is capped at ${HEAP_MB} MiB: MEMDESC_EXPLORE_HEAP_MB)` : `the search's worker failed: ${e instanceof Error ? e.message : String(e)}`;
        this.log(`all configs: ${message}`);
        this.worker = undefined;
        this.stopping.clear();
        const c = this.current;
        this.current = undefined;
        c?.events.failed(message);
      });
      w.on('exit', () => {
        if (this.worker === w) this.worker = undefined;
      });
      w.unref();
      this.worker = w;
      return w;
    } catch (e) {
      this.log(`all configs: the worker could not start (${this.workerPath}): ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (!this.worker) return;
    this.idleTimer = setTimeout(() => {
      if (this.current || this.stopping.size || !this.worker) return;
      this.terminate('worker idle, stopped');
    }, ExploreRunner.IDLE_MS);
    this.idleTimer.unref();
  }

  private onMessage(m: ExploreWorkerMessage): void {
    if ((m.type === 'cancelled' || m.type === 'done') && this.stopping.delete(m.id)) {
      if (!this.current && !this.stopping.size) this.armIdle();
      return;
    }
    const c = this.current;
    if (!c || c.job.id !== m.id) return;
    switch (m.type) {
      case 'progress':
        c.events.progress(m.arch, m.index, m.message, m.done, m.total);
        return;
      case 'arch':
        c.events.arch(m.run);
        return;
      case 'done':
        this.current = undefined;
        this.armIdle();
        c.events.done(m.read);
        return;
      case 'cancelled':
        // Cancelled by a generation it was not told of (cannot happen: cancel() moves the job to `stopping`).
        this.current = undefined;
        c.events.failed('the search was cancelled');
        return;
    }
  }
}
