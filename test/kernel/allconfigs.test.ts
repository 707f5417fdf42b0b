// Every configuration, confirmed by gcc, on a real Linux 7.3 tree (issue 13, items 4 and 5):
// - reproductions: mutations of the tree (the 0-day bot's zpdesc memcg_data guard mismatch on i386 and ppc32's
//   64-bit dma_addr_t hole, recreated; two of our own). The explorer must find each with a counterexample; the
//   counterexample's .config is built with the arch's real cross gcc (kbuild must keep it as it is) and gcc must
//   reject exactly the assertions our plain analysis of that .config says fail, the target among them. Each is also
//   run through the old config matrix's plan (analysis only), which must miss our own mutations.
// - spot checks: the kernel's own randconfigs (KCONFIG_SEED, rotating by the day) built with gcc: gcc and our
//   plain analysis fail the same assertions, and every assertion the explorer says holds everywhere holds there.
//
// Cost: each gcc confirmation is an olddefconfig, a `make prepare` for that config (15-90 s on two cores) and one
// syntax-only compile in a build dir of ours ($MEMDESC_CACHE/builds/allcfg-gcc-7.3-ABI). A run does the four
// reproductions and RANDCONFIGS_PER_RUN randconfigs. MEMDESC_RANDCONFIGS="x86_64:7 ppc32:12" picks arches and seeds.
// The tree: MEMDESC_ALLCFG_SRC (an unpacked 7.3 tree, used as it is), else scripts/kernel/fetch-trees.sh --full 7.3.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { before, describe, it } from 'node:test';
import type { AbiName } from '../../server/src/engine/base/abi';
import { analyze } from '../../server/src/engine/analysis/analyze';
import { DiskHost, type FileHost } from '../../server/src/engine/base/host';
import { DiskKconfigHost } from '../../server/src/engine/kconfig/index';
import { exploreArch, gccRejects, type ExploreResult } from '../../server/src/engine/kernel/explore';
import { kernelSetup } from '../../server/src/engine/kernel/kernel';
import { labelText, matrixPlan } from '../../server/src/engine/kernel/matrix';
import { PreprocessCache } from '../../server/src/engine/pp/preprocessor';
import { engineVerdicts, GccBuild, lineOf, missingTools, mutatedFiles, overlayHost, writtenSites } from './gcc-confirm';
import { REPRODUCTIONS } from './reproductions';

const root = path.resolve(__dirname, '../../..');
const VERSION = '7.3';
/** The explorer's budget per reproduction (generous: a reproduction not found in it fails the test). */
const EXPLORE_BUDGET_MS = Number(process.env.MEMDESC_ALLCFG_BUDGET_MS ?? 240_000);

/** Arches the randconfig spot checks rotate through, with what KCONFIG_ALLCONFIG keeps fixed so that the ABI stays. */
const RANDCONFIG_ARCHES: Array<{ abi: AbiName; allconfig?: string }> = [{ abi: 'x86_64' }, { abi: 'i386' }, { abi: 'ppc32', allconfig: '# CONFIG_PPC64 is not set\n' }, { abi: 'arm64' }];
const RANDCONFIGS_PER_RUN = 2;

/** The randconfigs of this run: MEMDESC_RANDCONFIGS ("abi:seed ..."), else one arch and two seeds chosen by the day. */
export function randconfigsForRun(env = process.env.MEMDESC_RANDCONFIGS, day = Math.floor(Date.now() / 86_400_000)): Array<{ abi: AbiName; seed: number }> {
  if (env) return env.split(/[\s,]+/).filter(Boolean).map((x) => ({ abi: x.split(':')[0] as AbiName, seed: Number(x.split(':')[1] ?? 1) }));
  const { abi } = RANDCONFIG_ARCHES[day % RANDCONFIG_ARCHES.length];
  return Array.from({ length: RANDCONFIGS_PER_RUN }, (_, i) => ({ abi, seed: day * RANDCONFIGS_PER_RUN + i + 1 }));
}

/** Assertions near the start of their structs: the explorer decides them in few analyses; their "holds" is spot-checked. */
const HOLD_CANDIDATES: Array<{ file: string; text: string }> = [
  { file: 'include/linux/mm_types.h', text: 'FOLIO_MATCH(flags, flags);' },
  { file: 'include/linux/mm_types.h', text: 'FOLIO_MATCH(lru, lru);' },
  { file: 'include/linux/mm_types.h', text: 'FOLIO_MATCH(mapping, mapping);' },
  { file: 'include/linux/mm_types.h', text: 'FOLIO_MATCH(private, private);' },
  { file: 'include/linux/mm_types.h', text: 'FOLIO_MATCH(_refcount, _refcount);' },
  { file: 'include/linux/mm_types.h', text: 'TABLE_MATCH(flags, pt_flags);' },
  { file: 'include/linux/mm_types.h', text: 'TABLE_MATCH(mapping, __page_mapping);' },
  { file: 'mm/slab.h', text: 'SLAB_MATCH(flags, flags);' },
  { file: 'mm/slab.h', text: 'SLAB_MATCH(compound_info, slab_cache);' },
  { file: 'mm/zpdesc.h', text: 'ZPDESC_MATCH(lru, lru);' },
  { file: 'mm/zpdesc.h', text: 'ZPDESC_MATCH(private, zspage);' },
  { file: 'include/net/netmem.h', text: 'NETMEM_DESC_ASSERT_OFFSET(pp, pp);' },
  { file: 'drivers/iommu/iommu-pages.c', text: 'IOPTDESC_MATCH(lru, iopt_freelist_elm);' },
];

const sorted = (xs: Iterable<string>) => [...xs].sort();

describe(`every configuration on a real Linux ${VERSION} tree, confirmed by gcc`, { timeout: 90 * 60_000 }, () => {
  let src = process.env.MEMDESC_ALLCFG_SRC ?? '';
  const builds = new Map<AbiName, GccBuild>();
  const cache = new PreprocessCache();

  before(() => {
    if (src) return;
    const r = spawnSync('bash', [path.join(root, 'scripts/kernel/fetch-trees.sh'), '--full', VERSION], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    assert.equal(r.status, 0, `fetching Linux ${VERSION} failed (it needs Debian apt: see scripts/kernel/README.md)`);
    src = r.stdout.trim().split('\n').pop()!.split(' ').pop()!;
  });

  const buildFor = (abi: AbiName): GccBuild => {
    const missing = missingTools(abi);
    assert.equal(missing, undefined, `${missing} (.ci/run installs every cross gcc)`);
    let b = builds.get(abi);
    if (!b) builds.set(abi, (b = new GccBuild(src, abi, VERSION)));
    return b;
  };

  /**
   * A counterexample's .config made real: kbuild keeps it as it is, and gcc rejects exactly the assertions our plain
   * analysis of it fails (on the mutated tree when `files` are given), `target` among them.
   */
  const confirm = (abi: AbiName, config: string, files: Map<string, string>, host: FileHost, target: string | undefined, what: string) => {
    const ours = engineVerdicts(src, abi, config, host, cache);
    const b = buildFor(abi);
    const gcc = b.confirm(config, new Set([...ours.sites, ...writtenSites(src, files)]), files);
    console.log(
      `# ${what}: olddefconfig ${(gcc.configureMs / 1000).toFixed(0)} s, prepare ${(gcc.prepareMs / 1000).toFixed(0)} s, gcc ${(gcc.ms / 1000).toFixed(1)} s; ` +
        `gcc rejects [${sorted(gcc.failing.keys()).join(', ')}], ours [${sorted(ours.failing.keys()).join(', ')}] of ${ours.sites.size} assertions` +
        (gcc.failingElsewhere.size ? `; gcc also rejects outside the memdesc set: ${sorted(gcc.failingElsewhere.keys()).join(', ')}` : '') +
        (gcc.otherErrors.length ? `; other gcc errors: ${gcc.otherErrors.slice(0, 2).join(' | ')}` : ''),
    );
    assert.deepEqual(gcc.changedByKbuild, [], `${what}: kbuild's olddefconfig changed the .config (not a full valid .config)`);
    assert.deepEqual(sorted(gcc.failing.keys()), sorted(ours.failing.keys()), `${what}: gcc's failing assertions (with its errors) ${JSON.stringify([...gcc.failing])} vs ours ${JSON.stringify([...ours.failing])}`);
    assert.deepEqual([...ours.unknown], [], `${what}: assertions we could not decide`);
    if (target) assert.ok(gcc.failing.has(target), `${what}: gcc does not reject ${target}`);
    return { gcc, ours };
  };

  for (const rep of REPRODUCTIONS) {
    it(`${rep.name}: found on ${rep.abi} with a counterexample gcc confirms`, () => {
      const files = mutatedFiles(src, rep.mutations);
      const host = overlayHost(src, files, new DiskHost());
      const b = buildFor(rep.abi);
      const line = lineOf(files.get(rep.target.file)!, rep.target.text);
      const site = `${rep.target.file}:${line}`;
      const r: ExploreResult = exploreArch({ root: src, abi: rep.abi, kconfigHost: new DiskKconfigHost(), host, configs: [b.defconfig()], budgetMs: EXPLORE_BUDGET_MS, only: [{ file: path.join(src, rep.target.file), line }] });
      const a = r.asserts.find((x) => x.file === path.join(src, rep.target.file) && x.line === line);
      console.log(`# ${rep.name}: ${rep.story}`);
      console.log(`# explorer on ${rep.abi}: ${site} ${a ? `holds=${a.holds}, ${a.cases} cases, symbols ${a.symbols.join(' ')}` : 'not reported'}; ${r.analyses} analyses in ${(r.ms / 1000).toFixed(1)} s`);
      assert.ok(a, `the explorer does not report ${site}`);
      assert.equal(a.holds, false, `${site}: ${a.note ?? 'no counterexample'}`);
      const cex = a.counterexample!;
      console.log(`# counterexample: ${JSON.stringify(cex.assignment)}, offsets ${JSON.stringify(cex.offsets)}; ${cex.detail}; why: ${cex.why}`);
      assert.ok(Object.keys(cex.assignment).length > 0, 'the assignment names what differs from the defconfig');
      confirm(rep.abi, cex.config, files, host, site, `${rep.abi} counterexample for ${rep.target.text}`);

      // The old matrix (every ABI, each with its variants; the configured ABI on its toolchain's defconfig), analysis only.
      const runs = matrixRuns(src, rep.abi, b.defconfig(), host, cache, site);
      const caught = runs.filter((x) => x.fails);
      console.log(`# old matrix: ${runs.length} runs, the assertion fails in ${caught.length} (${caught.map((x) => x.label).join(', ') || 'none'}); present in ${runs.filter((x) => x.present).length}`);
      if (rep.matrixMisses) assert.deepEqual(caught.map((x) => x.label), [], 'the old matrix must miss this one');
    });
  }

  it('randconfigs (the kernel\'s own, KCONFIG_SEED): gcc and our plain analysis reject the same assertions; what the explorer says holds everywhere holds', () => {
    const picks = randconfigsForRun();
    console.log(`# randconfigs this run (MEMDESC_RANDCONFIGS="abi:seed ..." to choose): ${picks.map((p) => `${p.abi}:${p.seed}`).join(' ')}`);
    const holding = new Map<AbiName, string[]>();
    for (const { abi, seed } of picks) {
      const b = buildFor(abi);
      if (!holding.has(abi)) {
        const only = HOLD_CANDIDATES.filter((c) => fs.existsSync(path.join(src, c.file))).map((c) => ({ file: path.join(src, c.file), line: lineOf(fs.readFileSync(path.join(src, c.file), 'utf8'), c.text) }));
        const r = exploreArch({ root: src, abi, kconfigHost: new DiskKconfigHost(), configs: [b.defconfig()], budgetMs: EXPLORE_BUDGET_MS, only });
        const holds = r.asserts.filter((x) => x.holds === true).map((x) => `${path.relative(src, x.file)}:${x.line}`);
        const fails = r.asserts.filter((x) => x.holds === false);
        console.log(`# explorer on ${abi}: ${holds.length} of ${only.length} assertions hold everywhere, ${fails.length} with a counterexample, ${r.asserts.filter((x) => x.holds === null).length} undecided (${r.analyses} analyses, ${(r.ms / 1000).toFixed(1)} s)`);
        const undecided = r.asserts.filter((x) => x.holds === null);
        for (const x of undecided) console.log(`#   undecided: ${x.text}: ${x.note}`);
        assert.deepEqual(fails.map((x) => `${x.text}: ${JSON.stringify(x.counterexample?.assignment)}`), [], 'the real tree has no counterexample among these');
        // The budget may leave one undecided; the search contradicting itself may not (ppc32's PHYSICAL_ALIGN, unwritten at 0x0, once looped).
        assert.deepEqual(undecided.filter((x) => /internal/.test(x.note ?? '')).map((x) => `${x.text}: ${x.note}`), [], `the explorer's search went wrong on ${abi}`);
        assert.ok(holds.length > 0, `the explorer decided none of ${only.length} assertions on ${abi} within ${EXPLORE_BUDGET_MS} ms: nothing to spot-check`);
        holding.set(abi, holds);
      }
      const allconfig = RANDCONFIG_ARCHES.find((x) => x.abi === abi)?.allconfig;
      const config = b.randconfig(seed, allconfig);
      const { gcc, ours } = confirm(abi, config, new Map(), new DiskHost(), undefined, `${abi} randconfig KCONFIG_SEED=0x${seed.toString(16)}`);
      for (const s of holding.get(abi)!) {
        assert.ok(!gcc.failing.has(s), `the explorer says ${s} holds everywhere on ${abi}; gcc rejects it under randconfig seed ${seed}`);
        assert.ok(!ours.failing.has(s));
      }
      console.log(`# ${abi} seed ${seed}: the ${holding.get(abi)!.length} assertions the explorer proved hold here (${holding.get(abi)!.filter((s) => ours.sites.has(s)).length} present in this config)`);
    }
  });
});

/** The old matrix's runs for a tree (every ABI with the variants made for it; `abi` on its toolchain's defconfig), and the verdict at one site in each. */
function matrixRuns(src: string, abi: AbiName, defconfig: string, host: FileHost, cache: PreprocessCache, site: string): Array<{ label: string; present: boolean; fails: boolean }> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-matrix-'));
  try {
    const configFile = path.join(dir, '.config');
    fs.writeFileSync(configFile, defconfig);
    const plan = matrixPlan({ configured: abi, kernel: true, scope: 'all', configOf: (x) => (x === abi ? { config: configFile } : undefined), withPrimary: true });
    return plan.map((p) => {
      const setup = kernelSetup({ root: src, arch: p.abi, configFile: p.config, configOverrides: p.overrides }, host, cache);
      const a = analyze(setup.files, setup.options, setup.host, cache);
      const v = a.asserts.find((x) => `${path.relative(src, x.file.path)}:${x.file.position(x.offset).line}` === site);
      return { label: labelText(p.label), present: !!v, fails: !!v && (v.holds === false || gccRejects(v)) };
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
