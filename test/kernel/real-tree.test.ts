// A real kernel tree against gcc: Debian's linux-source, its x86_64 defconfig, kbuild's own compiler
// command. Every memdesc member offset, size and bitfield, every assertion verdict on mutated trees, and
// every struct of a whole translation unit (mm/page_alloc.c) against the object's DWARF, pahole and offsetof.
// The tests run in order in one file: the mutation test edits the tree's headers and restores them.
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

  it('every struct of the mm/page_alloc.c translation unit equals gcc\'s (scripts/kernel/tu-fidelity.mjs, .cmd file and header-only)', () => {
    const r = node('scripts/kernel/tu-fidelity.mjs', ['--build', build, '--tu', 'mm/page_alloc.c', '--mode', 'both', '--json']);
    assert.ok(r.status === 0 || r.status === 1, `tu-fidelity.mjs could not run (it needs gcc, readelf and pahole: apt-get install dwarves):\n${r.stderr}`);
    const report = JSON.parse(r.stdout);
    assert.equal(report.results.length, 2, JSON.stringify(report.skipped));
    for (const x of report.results) {
      const onlyGcc = Object.entries(x.onlyGcc as Record<string, { count: number }>).map(([why, v]) => `${why}: ${v.count}`);
      console.log(`# ${report.kernel} ${report.arch} ${x.tu} (${x.mode}, ${x.command}): ${x.structs} structs, ${x.members} members, ${x.mismatches.length} mismatches; assertions ${x.asserts.hold}/${x.asserts.total} hold; pahole sizes ${x.pahole.agree}/${x.pahole.checked}; gcc only: ${onlyGcc.join('; ')}; ours only: ${x.onlyOurs.count}`);
      assert.ok(x.structs > 500 && x.members > 3000, `only ${x.structs} structs / ${x.members} members compared`);
      assert.deepEqual(x.mismatches, []);
      assert.equal(x.onlyOurs.count, 0, JSON.stringify(x.onlyOurs));
      // What gcc has and we do not is explained: block scope, untagged types compared elsewhere or nameless, built-ins.
      for (const why of Object.keys(x.onlyGcc)) assert.match(why, /^(untagged|defined inside a function body|the compiler's built-in)/, why);
      assert.equal(x.asserts.fail, 0);
      assert.equal(x.pahole.agree, x.pahole.checked);
      assert.ok(x.pahole.checked > 500);
      assert.deepEqual(x.errors, []);
    }
    const [viaCmd, synthesised] = report.results;
    assert.equal(viaCmd.command, 'cmd-file');
    assert.deepEqual(viaCmd.commandDifferences, [], 'the synthesised command equals kbuild\'s');
    assert.equal(synthesised.command, 'synthesised');
  });

  it('on mutated trees, exactly the assertions gcc fails', () => {
    const r = node('scripts/kernel/mutate.mjs', ['--kernel', src, '--build', build, '--arch', 'x86_64', '--json']);
    const results = JSON.parse(r.stdout);
    for (const m of results) console.log(`# ${m.mutation}: ${m.applied ? `gcc fails ${m.gcc.length}, memdesc-layout fails ${m.ours.length}` : 'does not apply'}`);
    assert.ok(results.filter((m: { applied: boolean }) => m.applied).length >= 5, 'most mutations must apply to this tree');
    assert.ok(results.some((m: { gcc?: string[] }) => (m.gcc?.length ?? 0) > 0), 'some mutation must break an assertion');
    assert.equal(r.status, 0, JSON.stringify(results.filter((m: { missed?: string[]; extra?: string[] }) => m.missed?.length || m.extra?.length), null, 1));
  });
});
