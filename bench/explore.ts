// Every-configuration benchmark: the explorer on a real tree's memdesc set (every assertion decided over the arch's
// valid configurations), per arch, and its unit cost: the memdesc set analysed again under another config of the
// same tree with the files already lexed (from scratch, and replaying the first run's preprocessing).
// usage: node out/bench/explore.js SRC [--arches x86_64,i386|all] [--budget SECONDS]

import * as os from 'node:os';
import { IncrementalAnalysis } from '../server/src/engine/analysis/incremental';
import { ABI_NAMES, AbiName } from '../server/src/engine/base/abi';
import { DiskKconfigHost } from '../server/src/engine/kconfig';
import { exploreArch, ExploreResult } from '../server/src/engine/kernel/explore';
import { kernelSetup } from '../server/src/engine/kernel/kernel';
import { PreprocessCache } from '../server/src/engine/pp/preprocessor';
import { median, ms } from './common';

const argv = process.argv.slice(2);
const src = argv[0];
if (!src) {
  console.error('usage: node out/bench/explore.js SRC [--arches x86_64,i386|all] [--budget SECONDS]');
  process.exit(2);
}
const opt = (name: string) => (argv.indexOf(name) >= 0 ? argv[argv.indexOf(name) + 1] : undefined);
const archArg = opt('--arches') ?? 'x86_64';
const arches: AbiName[] = archArg === 'all' ? [...ABI_NAMES] : (archArg.split(',') as AbiName[]);
const budgetMs = Number(opt('--budget') ?? 600) * 1000;

/** The unit cost of exploring: one more config of a tree whose files are lexed. */
function reanalysis(): void {
  const cache = new PreprocessCache();
  const setup = kernelSetup({ root: src, arch: 'x86_64' }, undefined, cache);
  let t0 = performance.now();
  const inc = new IncrementalAnalysis(setup.files, setup.options, setup.host, cache);
  const first = ms(t0);
  const variants: Array<{ label: string; overrides: Array<{ name: string; value: string } | { undef: string }> }> = [
    { label: 'CONFIG_MEMCG off', overrides: [{ undef: 'CONFIG_MEMCG' }] },
    { label: 'CONFIG_DEBUG_SPINLOCK on', overrides: [{ name: 'CONFIG_DEBUG_SPINLOCK', value: '1' }] },
    { label: 'CONFIG_NR_CPUS=8', overrides: [{ name: 'CONFIG_NR_CPUS', value: '8' }] },
    { label: 'CONFIG_SMP off', overrides: [{ undef: 'CONFIG_SMP' }] },
  ];
  const fresh: number[] = [];
  const replay: number[] = [];
  const shares: string[] = [];
  for (let round = 0; round < 3; round++) {
    for (const v of variants) {
      const s2 = kernelSetup({ root: src, arch: 'x86_64', configOverrides: v.overrides }, undefined, cache);
      t0 = performance.now();
      const r = inc.replayed(s2.host, s2.options, s2.files);
      replay.push(ms(t0));
      t0 = performance.now();
      new IncrementalAnalysis(s2.files, s2.options, s2.host, cache);
      fresh.push(ms(t0));
      if (round === 0) shares.push(`${v.label}: ${((100 * r.stats.replayed) / r.stats.stretches).toFixed(0)}%`);
    }
  }
  console.log('| memdesc set of x86_64 defconfig, analysed again under another config (files lexed) | ms |');
  console.log('|---|---|');
  console.log(`| first analysis in this process (bounds.h aside) | ${first.toFixed(0)} |`);
  console.log(`| another config, from scratch with the lexing cache, median of ${fresh.length} | ${median(fresh).toFixed(0)} |`);
  console.log(`| another config, replaying the first run's preprocessing, median of ${replay.length} | ${median(replay).toFixed(0)} |`);
  console.log('');
  console.log(`stretches of the first run replayed: ${shares.join(', ')}`);
  console.log('');
}

function row(r: ExploreResult, wall: number): string {
  const holds = r.asserts.filter((a) => a.holds === true).length;
  const fails = r.asserts.filter((a) => a.holds === false).length;
  const open = r.asserts.filter((a) => a.holds === null).length;
  const cases = r.asserts.reduce((n, a) => n + a.cases, 0);
  return `| ${r.abi} | ${r.asserts.length} | ${holds} | ${fails} | ${open} | ${r.analyses} | ${cases} | ${r.layouts.length} | ${(wall / 1000).toFixed(1)} | ${r.complete ? 'yes' : 'no'} |`;
}

reanalysis();
console.log(`exploration of the memdesc set over every valid configuration, budget ${budgetMs / 1000} s per arch`);
console.log('');
console.log('| arch | assertions | hold everywhere | counterexample | not decided | analyses | cases | distinct layouts | s | complete |');
console.log('|---|---|---|---|---|---|---|---|---|---|');
const cache = new PreprocessCache();
let total = 0;
const notes: string[] = [];
for (const abi of arches) {
  const t0 = performance.now();
  const r = exploreArch({ root: src, abi, kconfigHost: new DiskKconfigHost(), budgetMs, cache, onProgress: (m, d, t) => process.stderr.write(`\r${abi} ${d}/${t} ${m.slice(0, 60).padEnd(60)}`) });
  const wall = ms(t0);
  total += wall;
  process.stderr.write('\n');
  console.log(row(r, wall));
  for (const a of r.asserts.filter((x) => x.holds !== true)) notes.push(`${abi}: ${a.text} (${a.file.replace(src + '/', '')}:${a.line}): ${a.holds === false ? `fails with ${JSON.stringify(a.counterexample?.assignment)}` : `not decided: ${a.note}`}`);
}
console.log('');
console.log(`total ${(total / 1000).toFixed(1)} s for ${arches.length} arch(es); load average at the end ${os.loadavg()[0].toFixed(1)}`);
if (notes.length) {
  console.log('');
  for (const n of notes) console.log(`- ${n}`);
}
