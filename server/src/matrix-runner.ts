// The config matrix's worker thread, seen from the server: jobs go in, each run's plain-data results come back.
// A newer job cancels the older ones between combinations.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import type { MatrixLabel, MatrixRunPlan } from './engine';
import { labelText } from './engine';
import type { MatrixRun, MatrixSummary } from './matrix';
import type { AnalysisContext } from './session';

export interface MatrixJob {
  id: number;
  gen: number;
  ctx: AnalysisContext;
  plan: MatrixRunPlan[];
  overlays: Array<[string, string]>;
}

export type WorkerMessage = { type: 'run'; id: number; run: MatrixRun } | { type: 'done'; id: number } | { type: 'cancelled'; id: number };

/**
 * Runs matrix jobs in one worker thread, one at a time. A newer request cancels the older ones: the worker
 * checks a shared generation counter before each combination, so at most one stale combination runs on.
 */
export class MatrixRunner {
  private worker: Worker | undefined;
  private readonly flag = new Int32Array(new SharedArrayBuffer(4));
  private gen = 0;
  private nextId = 1;
  private idleTimer: NodeJS.Timeout | undefined;
  /** A worker idle this long is stopped (its lexing cache and heap go with it); the next run starts another. */
  static IDLE_MS = 30_000;
  private readonly jobs = new Map<number, { key: string; stamp: string; primary: MatrixLabel; runs: MatrixRun[]; t0: number }>();

  constructor(
    private readonly log: (message: string, verbose?: string) => void,
    private readonly onDone: (key: string, summary: MatrixSummary) => void,
    private readonly workerPath = path.join(__dirname, 'matrix-worker.js'),
  ) {}

  /** Cancels whatever runs and evaluates these contexts at this state. */
  run(items: Array<{ ctx: AnalysisContext; plan: MatrixRunPlan[]; primary: MatrixLabel }>, stamp: string, overlays: Array<[string, string]>): void {
    this.cancel();
    if (!items.length) return;
    clearTimeout(this.idleTimer);
    const w = this.ensureWorker();
    if (!w) return;
    for (const { ctx, plan, primary } of items) {
      const id = this.nextId++;
      this.jobs.set(id, { key: ctx.key, stamp, primary, runs: [], t0: performance.now() });
      const job: MatrixJob = { id, gen: this.gen, ctx, plan, overlays };
      w.postMessage(job);
      this.log(`matrix: ${plan.length} combinations queued for ${ctx.root ?? ctx.files[0]}`);
    }
  }

  /** Stops the current job after the combination in progress; drops queued ones. */
  cancel(): void {
    this.gen++;
    Atomics.store(this.flag, 0, this.gen);
    this.jobs.clear();
    this.armIdle();
  }

  private armIdle(): void {
    clearTimeout(this.idleTimer);
    if (!this.worker) return;
    this.idleTimer = setTimeout(() => {
      if (this.jobs.size || !this.worker) return;
      this.log('matrix: worker idle, stopped');
      void this.worker.terminate();
      this.worker = undefined;
    }, MatrixRunner.IDLE_MS);
    this.idleTimer.unref();
  }

  get busy(): boolean {
    return this.jobs.size > 0;
  }

  dispose(): void {
    clearTimeout(this.idleTimer);
    this.cancel();
    void this.worker?.terminate();
    this.worker = undefined;
  }

  private ensureWorker(): Worker | undefined {
    if (this.worker) return this.worker;
    try {
      const w = new Worker(this.workerPath, { workerData: { flag: this.flag } });
      w.on('message', (m: WorkerMessage) => this.onMessage(m));
      w.on('error', (e) => {
        this.log(`matrix worker failed: ${e instanceof Error ? e.stack : String(e)}`);
        this.worker = undefined;
        this.jobs.clear();
      });
      w.on('exit', () => {
        if (this.worker === w) this.worker = undefined;
      });
      w.unref();
      this.worker = w;
      return w;
    } catch (e) {
      this.log(`matrix worker could not start (${this.workerPath}): ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  private onMessage(m: WorkerMessage): void {
    const job = this.jobs.get(m.id);
    if (!job) return;
    if (m.type === 'run') {
      job.runs.push(m.run);
      this.log(`matrix: ${labelText(m.run.label)} ${m.run.failure ? `failed: ${m.run.failure}` : `in ${m.run.ms.toFixed(0)} ms`}`, m.run.errors ? `${m.run.errors} engine errors in that combination` : undefined);
    } else {
      this.jobs.delete(m.id);
      if (m.type === 'done') {
        this.log(`matrix: ${job.runs.length} combinations in ${(performance.now() - job.t0).toFixed(0)} ms`);
        this.onDone(job.key, { stamp: job.stamp, primary: job.primary, runs: job.runs });
      }
      if (!this.jobs.size) this.armIdle();
    }
  }
}
