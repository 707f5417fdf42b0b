// Our text output against pahole's own (dwarves 1.24, Debian's): hand-written fixtures and the differential
// generator's random records, compiled with each ABI's gcc, every struct and union block byte for byte.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ABI_NAMES, ABIS } from '../../server/src/engine/base/abi';
import { generate } from './generator';
import { requireTool } from './oracle';
import { paholeGolden, paholeVersion } from './pahole';

const FIXTURES = path.join(__dirname, '../../../test/diff/pahole-fixtures');
// A fixed seed (as the differential tests); MEMDESC_PAHOLE_SEED=N explores another.
const SEED = Number(process.env.MEMDESC_PAHOLE_SEED ?? 5150);

describe("text output equals pahole's", () => {
  it('has pahole 1.24 and the compilers', () => {
    const v = paholeVersion();
    assert.ok(v !== undefined, 'pahole is needed for these tests: apt-get install dwarves');
    assert.equal(v, 'v1.24', `the golden comparisons are with pahole 1.24 (Debian bookworm's dwarves); this is ${v}`);
    for (const abi of ABI_NAMES) requireTool(ABIS[abi].gcc);
  });

  for (const file of fs.readdirSync(FIXTURES).filter((f) => f.endsWith('.c'))) {
    it(`${file}: every block, on every ABI`, () => {
      const source = fs.readFileSync(path.join(FIXTURES, file), 'utf8');
      const failures: string[] = [];
      let compared = 0;
      for (const abi of ABI_NAMES) {
        const r = paholeGolden(source, abi);
        compared += r.compared;
        failures.push(...r.differences, ...r.missing.map((m) => `${abi}: ${m}: pahole printed no block`));
      }
      assert.ok(compared >= ABI_NAMES.length * 3, `only ${compared} blocks compared`);
      assert.deepEqual(failures, []);
    });
  }

  it(`the generator's random records (seed ${SEED}): 500 on x86_64, 250 on each other ABI, a batch with -fms-extensions`, () => {
    const failures: string[] = [];
    let compared = 0;
    const batches: Array<{ abi: (typeof ABI_NAMES)[number]; seed: number; ms: boolean }> = [
      { abi: 'x86_64', seed: SEED, ms: false },
      { abi: 'x86_64', seed: SEED + 1, ms: true },
      ...ABI_NAMES.filter((a) => a !== 'x86_64').map((abi, i) => ({ abi, seed: SEED + 2 + i, ms: false })),
    ];
    for (const b of batches) {
      const g = generate(b.seed, 250, { abi: b.abi, msExtensions: b.ms });
      const r = paholeGolden(g.source, b.abi, b.ms);
      compared += r.compared;
      failures.push(...r.differences.map((d) => `seed ${b.seed}${b.ms ? ' (ms)' : ''}: ${d}`), ...r.missing.map((m) => `seed ${b.seed}: ${b.abi}: ${m}: pahole printed no block`));
    }
    console.log(`# ${compared} blocks compared with pahole's`);
    assert.ok(compared >= 250 * batches.length * 0.95, `only ${compared} blocks compared`);
    assert.deepEqual(failures.slice(0, 20), []);
  });
});
