// A fuzzing campaign: so many inputs of each kind (or for so long), every invariant checked, figures kept
// (inputs, failures, the slowest input with its size), each failure minimized to a reproduction.

import { generated, KERNELISH, KERNELISH_MAINS, minimize, mutate, randomBytes, Rng, runCase, runIncrementalChain, seedTexts, Violation } from './lib';

export type Kind = 'bytes' | 'mutation' | 'generated' | 'incremental';

export interface KindStats {
  inputs: number;
  failures: number;
  /** Incremental chains: edits applied, and how many took the incremental path. */
  edits?: number;
  incrementalEdits?: number;
  /** The slowest input, with its case seed so that it can be re-run alone. */
  slowest: { ms: number; bytes: number; case: number; seed: number } | undefined;
  bytes: number;
  ms: number;
}

export interface Failure {
  kind: Kind;
  seed: number;
  case: number;
  violations: Violation[];
  /** The minimized input (single-file kinds), or the edit that broke the incremental analysis. */
  repro: string;
}

export interface CampaignOptions {
  seed: number;
  /** Inputs per kind, or a time budget shared by all kinds (whichever ends first). */
  perKind?: Partial<Record<Kind, number>>;
  ms?: number;
  /** Steps per incremental chain. */
  chainSteps?: number;
  /** Called for each failure as it is found (the long run saves them). */
  onFailure?: (f: Failure) => void;
  /** Called before each input (a watchdog names the input that hung). */
  onCase?: (kind: Kind, n: number, caseSeed: number) => void;
  /** Extra single-file seeds for mutation (the long run can add real headers; never committed). */
  extraSeeds?: string[];
  /** Called after each input (progress). */
  onProgress?: (stats: Record<Kind, KindStats>) => void;
}

export function campaign(o: CampaignOptions): { stats: Record<Kind, KindStats>; failures: Failure[] } {
  const seeds = [...seedTexts(), ...(o.extraSeeds ?? [])];
  const stats = {} as Record<Kind, KindStats>;
  const kinds: Kind[] = ['bytes', 'mutation', 'generated', 'incremental'];
  for (const k of kinds) stats[k] = { inputs: 0, failures: 0, slowest: undefined, bytes: 0, ms: 0 };
  stats.incremental.edits = 0;
  stats.incremental.incrementalEdits = 0;
  const failures: Failure[] = [];
  const seen = new Set<string>();
  const t0 = performance.now();
  const r = new Rng(o.seed);
  const want = (k: Kind) => o.perKind?.[k] ?? Infinity;
  const record = (kind: Kind, n: number, seed: number, ms: number, bytes: number, meanMs = ms) => {
    const s = stats[kind];
    s.inputs++;
    s.ms += meanMs;
    s.bytes += bytes;
    if (!s.slowest || ms > s.slowest.ms) s.slowest = { ms, bytes, case: n, seed };
  };
  const fail = (f: Failure) => {
    stats[f.kind].failures++;
    // One report per invariant and first line of detail: the same bug found again is counted, not repeated.
    const key = `${f.kind}:${f.violations[0].invariant}:${f.violations[0].detail.split('\n')[0].replace(/\d+/g, 'N')}`;
    if (seen.has(key)) return;
    seen.add(key);
    failures.push(f);
    o.onFailure?.(f);
  };
  for (let n = 0; ; n++) {
    if (o.ms !== undefined && performance.now() - t0 > o.ms) break;
    const open = kinds.filter((k) => stats[k].inputs < want(k));
    if (!open.length) break;
    const kind = open[n % open.length];
    // Each case has a seed of its own, so it can be re-run alone.
    const caseSeed = r.int(2 ** 31);
    const cr = new Rng(caseSeed);
    o.onCase?.(kind, n, caseSeed);
    if (kind === 'incremental') {
      const base = cr.chance(0.5) ? { ...KERNELISH } : { ...KERNELISH, 'mm_types.h': mutate(KERNELISH['mm_types.h'], cr, seeds) };
      const res = runIncrementalChain(base, KERNELISH_MAINS, cr, o.chainSteps ?? 8, seeds);
      // The slowest input of a chain is its slowest single edit (the update alone, not the fresh comparison).
      record(kind, n, caseSeed, res.slowestEditMs, Object.values(base).reduce((a, t) => a + t.length, 0), res.ms / Math.max(1, res.steps));
      stats.incremental.edits! += res.steps;
      stats.incremental.incrementalEdits! += res.incremental;
      if (res.violations.length) {
        const rp = res.repro!;
        fail({ kind, seed: caseSeed, case: n, violations: res.violations, repro: `files before the edit:\n${Object.entries(rp.before).map(([k, v]) => `--- ${k}\n${v}`).join('\n')}\n--- ${rp.edited} after the edit:\n${rp.after}` });
      }
    } else {
      const text = kind === 'bytes' ? randomBytes(cr, 3000) : kind === 'mutation' ? mutate(cr.pick(seeds), cr, seeds) : cr.chance(0.5) ? generated(cr) : mutate(generated(cr), cr, seeds);
      // Mutated kernel-shaped headers are analysed with the others as includable neighbours.
      const files = kind === 'mutation' ? { 'main.h': text, ...KERNELISH } : { 'main.h': text };
      const res = runCase(files, cr);
      record(kind, n, caseSeed, res.ms, text.length);
      if (res.violations.length) {
        const inv = res.violations[0].invariant;
        const still = (t: string) => runCase({ ...files, 'main.h': t }, new Rng(caseSeed)).violations.some((v) => v.invariant === inv);
        let small = text;
        try {
          small = minimize(text, still, 400);
        } catch {
          // keep the unminimized input
        }
        fail({ kind, seed: caseSeed, case: n, violations: res.violations, repro: small });
      }
    }
    o.onProgress?.(stats);
  }
  return { stats, failures };
}

/** A Markdown table of the figures. */
export function table(stats: Record<Kind, KindStats>): string {
  const rows = ['| inputs | tried | failures | slowest input | mean |', '|---|---|---|---|---|'];
  const names: Record<Kind, string> = { bytes: 'random bytes', mutation: 'mutated kernel-shaped headers', generated: 'random declarations (and their mutations)', incremental: 'incremental: edit chains vs a fresh analysis' };
  for (const [k, s] of Object.entries(stats) as Array<[Kind, KindStats]>) {
    const tried = k === 'incremental' ? `${s.inputs} chains, ${s.edits} edits (${s.incrementalEdits} incremental)` : String(s.inputs);
    const slow = s.slowest ? `${s.slowest.ms.toFixed(0)} ms (${(s.slowest.bytes / 1024).toFixed(1)} KiB${k === 'incremental' ? ', one edit' : ''}, case seed ${s.slowest.seed})` : '-';
    rows.push(`| ${names[k]} | ${tried} | ${s.failures} | ${slow} | ${(s.ms / Math.max(1, s.inputs)).toFixed(1)} ms |`);
  }
  return rows.join('\n');
}
