// A real kernel tree against gcc: Debian's linux-source, its x86_64 defconfig, kbuild's own compiler
// command. Every memdesc member offset, size and bitfield, and every assertion verdict on mutated trees.
// Set MEMDESC_KERNEL_SRC and MEMDESC_KERNEL_BUILD to use a prepared tree instead of the cached download.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';

const root = path.resolve(__dirname, '../../..');
const VERSION = process.env.MEMDESC_KERNEL_VERSION ?? '6.12';
let src = process.env.MEMDESC_KERNEL_SRC ?? '';
let build = process.env.MEMDESC_KERNEL_BUILD ?? '';

function node(script: string, args: string[]) {
  return spawnSync(process.execPath, [path.join(root, script), ...args], { cwd: root, encoding: 'utf8', maxBuffer: 1 << 26 });
}

describe(`real kernel tree (Linux ${VERSION}, x86_64 defconfig) against gcc`, { timeout: 30 * 60_000 }, () => {
  before(() => {
    if (src && build) return;
    const r = spawnSync('bash', [path.join(root, 'scripts/kernel/fetch-tree.sh'), VERSION, 'x86_64'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
    assert.equal(r.status, 0, 'fetching and preparing the kernel tree failed (see stderr); it needs Debian apt and gcc');
    [src, build] = r.stdout.trim().split('\n').slice(-2);
  });

  for (const mode of ['build dir', 'header-only'] as const) {
    it(`every memdesc member offset, size and bitfield equals gcc's (${mode})`, () => {
      const r = node('scripts/kernel/oracle.mjs', ['--kernel', src, '--build', build, '--arch', 'x86_64', '--json', ...(mode === 'header-only' ? ['--header-only'] : [])]);
      assert.equal(r.status === 0 || r.status === 1, true, r.stderr);
      const report = JSON.parse(r.stdout);
      console.log(`# ${report.kernel} x86_64 (${report.mode}): ${report.structs.join(', ')}: ${report.members} members, ${report.bitfields} bitfields, ${report.asserts} assertions, ${report.mismatches.length} mismatches`);
      assert.ok(report.structs.includes('page') && report.structs.includes('folio') && report.structs.includes('slab'), `memdescs found: ${report.structs}`);
      assert.ok(report.members > 50);
      assert.deepEqual(report.mismatches, []);
    });
  }

  it('on mutated trees, exactly the assertions gcc fails', () => {
    const r = node('scripts/kernel/mutate.mjs', ['--kernel', src, '--build', build, '--arch', 'x86_64', '--json']);
    const results = JSON.parse(r.stdout);
    for (const m of results) console.log(`# ${m.mutation}: ${m.applied ? `gcc fails ${m.gcc.length}, memdesc-layout fails ${m.ours.length}` : 'does not apply'}`);
    assert.ok(results.filter((m: { applied: boolean }) => m.applied).length >= 5, 'most mutations must apply to this tree');
    assert.ok(results.some((m: { gcc?: string[] }) => (m.gcc?.length ?? 0) > 0), 'some mutation must break an assertion');
    assert.equal(r.status, 0, JSON.stringify(results.filter((m: { missed?: string[]; extra?: string[] }) => m.missed?.length || m.extra?.length), null, 1));
  });
});
