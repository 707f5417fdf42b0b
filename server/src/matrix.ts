// The config matrix in the background (memdesc.matrix): a context re-analysed under every ABI × config
// variant in a worker thread, so that requests never wait for it. Runs come back as plain data; the
// functions here compare them with the primary analysis for the diagnostics and hover modules.

import * as path from 'node:path';
import { Worker } from 'node:worker_threads';
import { ABI_NAMES } from './engine';
import { matrixCombinations, variantOverrides } from './engine';
import type { AnalysisContext, AnalysisResult, RunSpec } from './session';
import type { Workspace } from './workspace';

export interface MatrixAssert {
  file: string;
  offset: number;
  end: number;
  text: string;
  holds: boolean | null;
  detail: string;
}

export interface MatrixFinding {
  code: string;
  file: string;
  offset: number;
  end: number;
  message: string;
}

export interface MatrixMember {
  offset: number | null;
  bitOffset?: number;
  bitSize?: number;
  size: number | null;
}

/** One ABI × config combination's results, as plain data. */
export interface MatrixRun {
  label: string;
  asserts: MatrixAssert[];
  findings: MatrixFinding[];
  /** `struct.member` → placement, for struct page and every descriptor. */
  members: Record<string, MatrixMember>;
  /** struct name → size, for struct page and every descriptor. */
  sizes: Record<string, number | null>;
  /** Engine errors in that combination (not shown as diagnostics; traced). */
  errors: number;
  /** The run itself failed (an engine exception). */
  failure?: string;
  ms: number;
}

export interface MatrixSummary {
  /** The state (Session.stamp) the runs were computed for. */
  stamp: string;
  /** Label of the primary analysis (the configured ABI and config), which is not re-run. */
  primary: string;
  runs: MatrixRun[];
}

export interface PlannedRun extends RunSpec {
  label: string;
}

export function primaryLabel(ctx: AnalysisContext): string {
  return ctx.kind === 'kernel' ? `${ctx.arch}·${ctx.config || ctx.buildDir ? 'config' : 'default'}` : ctx.arch;
}

/**
 * The combinations to evaluate besides the primary one. Kernel mode: x86_64, arm64, i386 and the configured
 * ABI × the config variants of `check --matrix`; the configured ABI keeps its .config / build dir, the others
 * use a build dir the workspace has for them, else their built-in default config. A sketch or file outside a
 * tree has no configs: every other ABI.
 */
export function matrixPlan(ctx: AnalysisContext, workspace: Workspace): PlannedRun[] {
  if (ctx.kind !== 'kernel' || !ctx.root) return ABI_NAMES.filter((a) => a !== ctx.arch).map((abi) => ({ abi, overrides: [], label: abi }));
  const out: PlannedRun[] = [];
  for (const { abi, variant: v } of matrixCombinations(ctx.arch, 'main', ABI_NAMES)) {
    const own = abi === ctx.arch;
    const config = own ? ctx.config : undefined;
    const buildDir = own ? ctx.buildDir : workspace.buildDirFor(ctx.root, abi);
    if (own && v.name === 'config') continue;
    out.push({ abi, config, buildDir, overrides: variantOverrides(v, abi), label: `${abi}·${v.name === 'config' ? (config || buildDir ? 'config' : 'default') : v.name}` });
  }
  return out;
}

/** A run's results as plain data (what crosses from the worker). */
export function extractRun(r: Omit<AnalysisResult, 'stamp'>, label: string): MatrixRun {
  const a = r.analysis;
  const members: Record<string, MatrixMember> = {};
  const sizes: Record<string, number | null> = {};
  for (const s of [r.model.base, ...r.model.memdescs]) {
    if (!s) continue;
    sizes[s.name] = s.size ?? null;
    for (const m of s.members) {
      const fm = m.flat;
      members[`${s.name}.${fm.name}`] = {
        offset: fm.bitOffset === undefined ? null : Math.floor(fm.bitOffset / 8),
        ...(fm.isBitfield && fm.bitOffset !== undefined ? { bitOffset: fm.bitOffset, bitSize: fm.bitSize } : {}),
        size: fm.size ?? null,
      };
    }
  }
  return {
    label,
    asserts: a.asserts.map((v) => ({ file: v.file.path, offset: v.offset, end: v.end, text: v.text, holds: v.holds, detail: v.detail })),
    findings: r.model.findings.map((f) => ({ code: f.code, file: f.at.file.path, offset: f.at.offset, end: f.at.end, message: f.message })),
    members,
    sizes,
    errors: a.problems.filter((p) => p.severity === 'error').length,
    ms: r.ms,
  };
}

// ---- comparisons with the primary analysis ----

const where = (file: string, offset: number) => `${file}:${offset}`;

export interface MatrixOnly {
  kind: 'assert' | 'finding';
  code: string;
  file: string;
  offset: number;
  end: number;
  /** The assertion as written, or the first run's finding message. */
  text: string;
  detail: string;
  labels: string[];
}

/** Assertions that fail, and rule findings that fire, only in other combinations than the primary one. */
export function matrixOnly(r: AnalysisResult): MatrixOnly[] {
  if (!r.matrix) return [];
  const failsHere = new Set(r.analysis.asserts.filter((v) => v.holds === false).map((v) => where(v.file.path, v.offset)));
  const firesHere = new Set(r.model.findings.map((f) => `${f.code}|${where(f.at.file.path, f.at.offset)}`));
  const out = new Map<string, MatrixOnly>();
  for (const run of r.matrix.runs) {
    for (const v of run.asserts) {
      const k = where(v.file, v.offset);
      if (v.holds !== false || failsHere.has(k)) continue;
      const e = out.get(`a|${k}`);
      if (e) e.labels.push(run.label);
      else out.set(`a|${k}`, { kind: 'assert', code: 'matrix-assert-fails', file: v.file, offset: v.offset, end: v.end, text: v.text, detail: v.detail, labels: [run.label] });
    }
    for (const f of run.findings) {
      const k = `${f.code}|${where(f.file, f.offset)}`;
      if (firesHere.has(k)) continue;
      const e = out.get(`f|${k}`);
      if (e) e.labels.push(run.label);
      else out.set(`f|${k}`, { kind: 'finding', code: f.code, file: f.file, offset: f.offset, end: f.end, text: f.message, detail: f.message, labels: [run.label] });
    }
  }
  return [...out.values()];
}

/** Labels of the other combinations where an assertion (at file:offset) fails too, or cannot be evaluated. */
export function assertElsewhere(r: AnalysisResult, file: string, offset: number): { fails: string[]; unknown: string[]; holds: string[]; absent: string[] } {
  const out = { fails: [] as string[], unknown: [] as string[], holds: [] as string[], absent: [] as string[] };
  for (const run of r.matrix?.runs ?? []) {
    const v = run.asserts.find((x) => x.file === file && x.offset === offset);
    (v === undefined ? out.absent : v.holds === true ? out.holds : v.holds === false ? out.fails : out.unknown).push(run.label);
  }
  return out;
}

const placement = (m: MatrixMember | undefined): string =>
  !m ? 'absent' : m.offset === null ? 'unknown' : m.bitOffset !== undefined ? `${m.offset} (bit ${m.bitOffset})` : String(m.offset);

/** Where a member's offset differs from the primary analysis: groups of combinations with the same placement. */
export function offsetsElsewhere(r: AnalysisResult, struct: string, member: string, here: MatrixMember): { differs: Array<{ placement: string; labels: string[] }>; same: number } {
  const groups = new Map<string, string[]>();
  let same = 0;
  const mine = placement(here);
  for (const run of r.matrix?.runs ?? []) {
    if (run.failure) continue;
    const p = placement(run.members[`${struct}.${member}`]);
    if (p === mine) same++;
    else groups.set(p, [...(groups.get(p) ?? []), run.label]);
  }
  return { differs: [...groups].map(([placement, labels]) => ({ placement, labels })), same };
}

/** Where a descriptor's size differs from the primary analysis. */
export function sizesElsewhere(r: AnalysisResult, struct: string, here: number | undefined): Array<{ size: string; labels: string[] }> {
  const groups = new Map<string, string[]>();
  for (const run of r.matrix?.runs ?? []) {
    if (run.failure || !(struct in run.sizes)) continue;
    const s = run.sizes[struct];
    if (s === (here ?? null)) continue;
    const k = s === null ? 'unknown' : String(s);
    groups.set(k, [...(groups.get(k) ?? []), run.label]);
  }
  return [...groups].map(([size, labels]) => ({ size, labels }));
}

// ---- the worker, seen from the server ----

export interface MatrixJob {
  id: number;
  gen: number;
  ctx: AnalysisContext;
  plan: PlannedRun[];
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
  private readonly jobs = new Map<number, { key: string; stamp: string; primary: string; runs: MatrixRun[]; t0: number }>();

  constructor(
    private readonly log: (message: string, verbose?: string) => void,
    private readonly onDone: (key: string, summary: MatrixSummary) => void,
    private readonly workerPath = path.join(__dirname, 'matrix-worker.js'),
  ) {}

  /** Cancels whatever runs and evaluates these contexts at this state. */
  run(items: Array<{ ctx: AnalysisContext; plan: PlannedRun[] }>, stamp: string, overlays: Array<[string, string]>): void {
    this.cancel();
    if (!items.length) return;
    clearTimeout(this.idleTimer);
    const w = this.ensureWorker();
    if (!w) return;
    for (const { ctx, plan } of items) {
      const id = this.nextId++;
      this.jobs.set(id, { key: ctx.key, stamp, primary: primaryLabel(ctx), runs: [], t0: performance.now() });
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
      this.log(`matrix: ${m.run.label} ${m.run.failure ? `failed: ${m.run.failure}` : `in ${m.run.ms.toFixed(0)} ms`}`, m.run.errors ? `${m.run.errors} engine errors in that combination` : undefined);
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

/** Labels for people: every combination of one ABI becomes `i386 (all configs)`. */
export function compactLabels(labels: string[], r: AnalysisResult): string {
  const all = r.matrix?.runs.map((x) => x.label) ?? [];
  const abiOf = (l: string) => l.split('·')[0];
  const out: string[] = [];
  const done = new Set<string>();
  for (const l of labels) {
    const abi = abiOf(l);
    if (done.has(abi)) continue;
    const ofAbi = all.filter((x) => abiOf(x) === abi);
    if (ofAbi.length > 1 && ofAbi.every((x) => labels.includes(x))) {
      done.add(abi);
      out.push(`${abi} (all ${abi === abiOf(r.matrix!.primary) ? 'other ' : ''}configs)`);
    } else out.push(l);
  }
  return out.join(', ');
}
