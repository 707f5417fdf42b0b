// The long Kconfig oracle run: for every arch (or those named), our olddefconfig of the arch's defconfig and of
// random partial assignments drawn from N randconfigs, against the kernel's conf, symbol by symbol.
//
// usage: npm run test:kconfig-oracle -- [--version 7.3] [--arches a,b|all] [--seeds N] [--first S]
// Prints one line per arch and a summary; exits 1 on any difference.

import { defconfigText, DiskKconfigHost, loadKconfig, olddefconfig, KCONFIG_ARCHES, kconfigArch } from '../../server/src/engine/kconfig/index';
import { inferProbes } from '../../server/src/engine/kconfig/probes';
import { checkTools, compareConfigs, ConfOracle, kernelTree, perturb } from './oracle';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

export interface ArchReport {
  arch: string;
  compared: number;
  identical: number;
  failures: string[];
  parseMs: number;
}

/** Runs defconfig + `seeds` randconfig-derived cases for one arch; every case compared symbol by symbol. */
export function runArch(version: string, archName: string, seeds: number[], log: (s: string) => void = () => {}): ArchReport {
  const arch = kconfigArch(archName)!;
  const tree = kernelTree(version);
  const oracle = new ConfOracle(tree.src, tree.stamp, version, arch);
  const host = new DiskKconfigHost();
  const t0 = Date.now();
  const model = loadKconfig(host, { srctree: tree.src, arch: arch.name });
  const parseMs = Date.now() - t0;
  const report: ArchReport = { arch: arch.name, compared: 0, identical: 0, failures: [], parseMs };
  const problems = model.problems.filter((p) => p.severity === 'error');
  if (problems.length) {
    // conf refuses a tree with errors: reporting one where conf reads the tree is a difference too.
    report.compared++;
    report.failures.push(`parse: ${problems.length} errors, first: ${JSON.stringify(problems[0])}`);
  }
  const check = (label: string, input: string, conf: string) => {
    const probes = inferProbes(model, conf);
    const ours = olddefconfig(model, input, probes.values).config;
    const d = compareConfigs(ours, conf);
    report.compared++;
    if (d.identical) report.identical++;
    else {
      const what = d.differ.slice(0, 6).map((x) => `${x.name}: ours ${x.ours ?? '(absent)'}, conf ${x.conf ?? '(absent)'}`);
      report.failures.push(`${label}: ${d.differ.length} symbols differ${d.orderDiffers ? ', order differs' : ''}${d.otherLines ? `, ${d.otherLines} other lines` : ''}; ${what.join('; ')}`);
    }
    log(`  ${arch.name} ${label}: ${d.identical ? 'identical' : 'DIFFERENT'} (${d.symbols} symbols)`);
  };
  const def = oracle.defconfig();
  check('defconfig', defconfigText(host, tree.src, arch) ?? '', def);
  for (const seed of seeds) {
    const rand = oracle.randconfig(seed);
    // A randconfig is what conf wrote: olddefconfig must leave it as it is.
    check(`randconfig seed ${seed} (unchanged)`, rand, rand);
    const input = perturb(model, rand, seed);
    check(`randconfig seed ${seed} perturbed`, input, oracle.olddefconfig(input));
    const fromDef = perturb(model, def, seed ^ 0x5bd1e995);
    check(`defconfig perturbed seed ${seed}`, fromDef, oracle.olddefconfig(fromDef));
  }
  log(`  (conf ran ${oracle.runs} times, ${oracle.cached} outputs cached)`);
  return report;
}

if (require.main === module) {
  const missing = checkTools();
  if (missing) {
    console.error(missing);
    process.exit(2);
  }
  const version = arg('version', '7.3');
  const archArg = arg('arches', 'all');
  const names = archArg === 'all' ? KCONFIG_ARCHES.map((a) => a.name) : archArg.split(',');
  const n = Number(arg('seeds', '5'));
  const first = Number(arg('first', '1'));
  const seeds = Array.from({ length: n }, (_, i) => first + i);
  let compared = 0;
  let identical = 0;
  const t0 = Date.now();
  for (const name of names) {
    let r: ArchReport;
    try {
      r = runArch(version, name, seeds, process.env.VERBOSE ? (s) => console.error(s) : undefined);
    } catch (e) {
      r = { arch: name, compared: 1, identical: 0, failures: [`could not run: ${(e as Error).message.slice(0, 500)}`], parseMs: 0 };
    }
    compared += r.compared;
    identical += r.identical;
    console.log(`${version} ${r.arch}: ${r.identical}/${r.compared} identical (parse ${r.parseMs} ms)`);
    for (const f of r.failures) console.log(`    ${f}`);
  }
  console.log(`${identical}/${compared} identical, ${names.length} arches, ${seeds.length} seeds, ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  process.exit(identical === compared ? 0 : 1);
}
