// The short fuzz run of `npm test`: random bytes, mutated kernel-shaped headers, random declarations, and
// chains of random edits followed by the incremental engine, every invariant checked (test/fuzz/lib.ts).
// A fixed seed, so that npm test is deterministic (a test that fails on some days is a failing test); other
// seeds are for the long run, `npm run fuzz`, and MEMDESC_FUZZ_SEED=N here.
// Hangs: no timed assertion; the suite's timeout is the watchdog (a hang is a failure, a slow input is not).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeText } from '../helpers';
import { campaign, table } from './campaign';
import { invariants } from './lib';

const seed = Number(process.env.MEMDESC_FUZZ_SEED ?? 20261201);

describe(`fuzzing (seed ${seed})`, { timeout: 240_000 }, () => {
  it('no input breaks an invariant', () => {
    const { stats, failures } = campaign({ seed, perKind: { bytes: 1000, mutation: 2500, generated: 600, incremental: 300 }, chainSteps: 8 });
    console.log(table(stats));
    const report = failures.map((f) => `${f.kind} case ${f.case} (case seed ${f.seed}): ${f.violations.map((v) => `${v.invariant}: ${v.detail}`).join('; ').slice(0, 1500)}\n--- reproduction ---\n${f.repro.slice(0, 3000)}`);
    assert.deepEqual(report, [], `seed ${seed}`);
    // The campaign ran what it was asked to, and the incremental path was taken (else it tested nothing).
    assert.equal(stats.bytes.inputs + stats.mutation.inputs + stats.generated.inputs, 4100);
    assert.ok(stats.incremental.incrementalEdits! > stats.incremental.edits! / 3, JSON.stringify(stats.incremental));
  });

  it('the invariants catch what they claim to: a broken analysis fails them', () => {
    const a = analyzeText('struct s { int a; char b; };\nunion u { int x; long y; };');
    assert.deepEqual(invariants(a), []);
    const rec = a.parse.records.find((d) => d.kind === 'union')!;
    const lay = a.layouter.layout(rec);
    lay.fields[1].bitOffset = 32;
    const s = a.layouter.layout(a.parse.records[0]);
    s.size = 2;
    a.problems.push({ severity: 'error', code: 'syntax-error', message: 'x', file: a.files[0], offset: 10_000, end: 10_001 });
    const broken = new Set(invariants(a).map((v) => v.invariant));
    assert.deepEqual([...broken].sort(), ['members inside their struct', 'positions inside the document', 'union members start at the union']);
  });
});
