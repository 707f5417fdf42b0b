// Every ABI on a real Linux 7.3 tree against gcc: each arch's defconfig (and, for 32-bit arches with one, its 64-bit
// physical address config) prepared with that arch's Debian cross gcc; gcc's DWARF gives every member of struct page
// and every descriptor (scripts/kernel/gcc-oracle.mjs), memdesc-layout is given only the .config (header-only, no
// --arch: the ABI must come from the config), and every offset, size, bitfield and assertion verdict must agree
// (scripts/kernel/compare-oracles.mjs).
//
// Preparing a build takes a minute or two on two cores, so a run takes a rotating subset: BUILDS_PER_RUN builds,
// chosen by the day (printed); every build once a week. MEMDESC_ARCHES=all runs all of them, MEMDESC_ARCHES="ppc32
// m68k mips:phys64" those. The tree: MEMDESC_ARCHES_SRC (an unpacked 7.3 tree, used as it is), else
// scripts/kernel/fetch-trees.sh --full 7.3 into the cache; builds go to $MEMDESC_CACHE/builds (MEMDESC_BUILDS).

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';

const root = path.resolve(__dirname, '../../..');
const VERSION = '7.3';
/** Every build: each ABI's defconfig, and the 64-bit physical address config of the 32-bit arches that have one. */
export const ALL_BUILDS = [
  'x86_64', 'i386', 'arm64', 'arm', 'riscv64', 's390x', 'ppc64le', 'ppc32', 'ppc64', 'mips', 'mipsel', 'mips64', 'mips64el',
  'm68k', 'sparc64', 'parisc', 'parisc64', 'sh4', 'alpha', 'arc',
  'i386:phys64', 'arm:phys64', 'ppc32:phys64', 'mips:phys64', 'mipsel:phys64', 'arc:phys64',
];
const BUILDS_PER_RUN = 4;

/** The builds of this run: MEMDESC_ARCHES, else a window of the list that moves by BUILDS_PER_RUN each day. */
export function buildsForRun(env = process.env.MEMDESC_ARCHES, day = Math.floor(Date.now() / 86_400_000)): string[] {
  if (env === 'all') return [...ALL_BUILDS];
  if (env) return env.split(/[\s,]+/).filter(Boolean);
  const start = (day * BUILDS_PER_RUN) % ALL_BUILDS.length;
  return Array.from({ length: BUILDS_PER_RUN }, (_, i) => ALL_BUILDS[(start + i) % ALL_BUILDS.length]);
}

describe(`every ABI on a real Linux ${VERSION} tree against gcc`, { timeout: 60 * 60_000 }, () => {
  const builds = buildsForRun();
  let src = process.env.MEMDESC_ARCHES_SRC ?? '';
  let oracleDir = '';
  before(() => {
    console.log(`# builds this run (MEMDESC_ARCHES=all for every one): ${builds.join(' ')}`);
    for (const b of builds) assert.ok(ALL_BUILDS.includes(b), `unknown build '${b}' (one of ${ALL_BUILDS.join(' ')})`);
    oracleDir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-arches-'));
    if (src) return;
    const r = spawnSync('bash', [path.join(root, 'scripts/kernel/fetch-trees.sh'), '--full', VERSION], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    assert.equal(r.status, 0, `fetching Linux ${VERSION} failed (it needs Debian apt: see scripts/kernel/README.md)`);
    src = r.stdout.trim().split('\n').pop()!.split(' ').pop()!;
  });
  after(() => oracleDir && fs.rmSync(oracleDir, { recursive: true, force: true }));

  for (const b of builds) {
    const [abi, variant = 'defconfig'] = b.split(':');
    it(`${abi} ${variant}: every memdesc member and assertion as gcc has them, from the .config alone`, () => {
      const env = { ...process.env, MEMDESC_SRC: src };
      const prep = spawnSync('bash', [path.join(root, 'scripts/kernel/prepare-build.sh'), VERSION, abi, variant], { encoding: 'utf8', env, stdio: ['ignore', 'pipe', 'pipe'] });
      assert.equal(prep.status, 0, `prepare-build.sh ${VERSION} ${abi} ${variant} failed (the cross gcc is apt-get install gcc-...-linux-gnu; .ci/run installs them all):\n${prep.stderr}`);
      const build = prep.stdout.trim().split('\n').pop()!;
      const out = path.join(oracleDir, `${VERSION}-${abi}-${variant}.json`);
      const oracle = spawnSync(process.execPath, [path.join(root, 'scripts/kernel/gcc-oracle.mjs'), build, '--out', out], { encoding: 'utf8', env });
      assert.equal(oracle.status, 0, oracle.stderr);
      const cmp = spawnSync(process.execPath, [path.join(root, 'scripts/kernel/compare-oracles.mjs')], { encoding: 'utf8', env: { ...env, MEMDESC_ORACLE_DIR: oracleDir } });
      const line = cmp.stdout.split('\n').find((l) => l.startsWith(`${VERSION}-${abi}-${variant} `));
      console.log(`# ${line ?? cmp.stdout}`);
      assert.ok(line, cmp.stdout + cmp.stderr);
      assert.match(line, new RegExp(`^\\S+\\s+${abi}\\s`), 'the ABI the .config names');
      assert.match(line, /\b0 not holding\), 0 engine errors, 0 mismatches$/);
      fs.rmSync(out);
    });
  }
});
