// The config matrix's results: each run as plain data, compared with the primary analysis for diagnostics and hovers.
// Runs cross from the worker thread (matrix-worker.ts) as they are; labels stay structured ({ abi, variant }) until
// they are written for people.

import { labelText } from './engine';
import type { MatrixLabel } from './engine';
import type { AnalysisResult } from './session';

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
  label: MatrixLabel;
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
  /** The primary analysis's combination (the configured ABI and config), which is not re-run. */
  primary: MatrixLabel;
  runs: MatrixRun[];
}

/** A run's results as plain data (what crosses from the worker). */
export function extractRun(r: Omit<AnalysisResult, 'stamp'>, label: MatrixLabel): MatrixRun {
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

/** A run that failed (an engine exception), as plain data. */
export function failedRun(label: MatrixLabel, e: unknown, ms: number): MatrixRun {
  return { label, asserts: [], findings: [], members: {}, sizes: {}, errors: 0, failure: e instanceof Error ? e.message : String(e), ms };
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
  labels: MatrixLabel[];
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
export function assertElsewhere(r: AnalysisResult, file: string, offset: number): Record<'fails' | 'unknown' | 'holds' | 'absent', MatrixLabel[]> {
  const out = { fails: [] as MatrixLabel[], unknown: [] as MatrixLabel[], holds: [] as MatrixLabel[], absent: [] as MatrixLabel[] };
  for (const run of r.matrix?.runs ?? []) {
    const v = run.asserts.find((x) => x.file === file && x.offset === offset);
    (v === undefined ? out.absent : v.holds === true ? out.holds : v.holds === false ? out.fails : out.unknown).push(run.label);
  }
  return out;
}

const placement = (m: MatrixMember | undefined): string =>
  !m ? 'absent' : m.offset === null ? 'unknown' : m.bitOffset !== undefined ? `${m.offset} (bit ${m.bitOffset})` : String(m.offset);

/** Where a member's offset differs from the primary analysis: groups of combinations with the same placement. */
export function offsetsElsewhere(r: AnalysisResult, struct: string, member: string, here: MatrixMember): { differs: Array<{ placement: string; labels: MatrixLabel[] }>; same: number } {
  const groups = new Map<string, MatrixLabel[]>();
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
export function sizesElsewhere(r: AnalysisResult, struct: string, here: number | undefined): Array<{ size: string; labels: MatrixLabel[] }> {
  const groups = new Map<string, MatrixLabel[]>();
  for (const run of r.matrix?.runs ?? []) {
    if (run.failure || !(struct in run.sizes)) continue;
    const s = run.sizes[struct];
    if (s === (here ?? null)) continue;
    const k = s === null ? 'unknown' : String(s);
    groups.set(k, [...(groups.get(k) ?? []), run.label]);
  }
  return [...groups].map(([size, labels]) => ({ size, labels }));
}

/** Labels for people: every combination of one ABI becomes `i386 (all configs)`. */
export function compactLabels(labels: readonly MatrixLabel[], r: AnalysisResult): string {
  const all = r.matrix?.runs.map((x) => x.label) ?? [];
  const named = new Set(labels.map(labelText));
  const out: string[] = [];
  const done = new Set<string>();
  for (const l of labels) {
    if (done.has(l.abi)) continue;
    const ofAbi = all.filter((x) => x.abi === l.abi);
    if (ofAbi.length > 1 && ofAbi.every((x) => named.has(labelText(x)))) {
      done.add(l.abi);
      out.push(`${l.abi} (all ${l.abi === r.matrix!.primary.abi ? 'other ' : ''}configs)`);
    } else out.push(labelText(l));
  }
  return out.join(', ');
}
