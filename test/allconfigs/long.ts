// The long brute-force run of the every-configuration search: random trees (test/kernel-random-tree.ts) over many
// seeds, each judged by brute force (brute.ts). Finds the explorer's bugs; `npm test` runs a fixed few seeds only.
//
// usage: node out/test/allconfigs/long.js [--first S] [--seeds N] [--int-width W] [--int-depends] [--quiet]
// Prints one line per seed with a problem (and a summary); exits 1 on any problem.

import { checkSeed } from './brute';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : dflt;
}

const first = Number(arg('first', '1'));
const count = Number(arg('seeds', '100'));
const intWidth = process.argv.includes('--int-width') ? Number(arg('int-width', '2')) : undefined;
const intDepends = process.argv.includes('--int-depends');
const quiet = process.argv.includes('--quiet');
let problems = 0;
let remarks = 0;
let agreeing = 0;
let sites = 0;
let configs = 0;
const ms = { brute: 0, explore: 0 };
let analyses = 0;
for (let seed = first; seed < first + count; seed++) {
  const r = checkSeed(seed, { intWidth, intDepends });
  ms.brute += r.ms.brute;
  ms.explore += r.ms.explore;
  analyses += r.explored?.analyses ?? 0;
  sites += r.sites;
  configs += r.validConfigs;
  problems += r.problems.length;
  remarks += r.remarks.length;
  if (!r.problems.length) agreeing++;
  if (r.problems.length || (!quiet && r.remarks.length)) {
    console.log(`seed ${seed} (${r.abi}, ${r.validConfigs} valid configs, ${r.sites} assertions, explore ${r.ms.explore.toFixed(0)} ms):`);
    for (const p of r.problems) console.log(`  PROBLEM ${p}`);
    if (!quiet) for (const x of r.remarks) console.log(`  remark ${x}`);
  }
}
console.log(
  `seeds ${first}..${first + count - 1}${intWidth ? ` int-width ${intWidth}` : ''}${intDepends ? ' int-depends' : ''}: ${agreeing} of ${count} agree with brute force; ${problems} problems, ${remarks} remarks; ` +
    `${sites} assertions, ${configs} valid configs; brute force ${(ms.brute / 1000).toFixed(1)} s, explorer ${(ms.explore / 1000).toFixed(1)} s (${analyses} analyses)`,
);
process.exit(problems ? 1 : 0);
