// Kernel benchmark: the memdesc set of a real tree — cold analysis, re-analysis after an edit of mm_types.h
// (from scratch with the lexing cache, and incrementally as the language server does), a fresh CLI process — beside what a developer would run instead: compile a probe in a prepared tree
// with -g and read it with pahole.
// usage: node out/bench/kernel.js SRC [BUILD]   (BUILD: a prepared O= dir, for the gcc + pahole path)

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../server/src/engine/analysis/analyze';
import { OverlayHost } from '../server/src/engine/base/host';
import { IncrementalAnalysis } from '../server/src/engine/analysis/incremental';
import { kernelSetup } from '../server/src/engine/kernel/kernel';
import { buildModel } from '../server/src/engine/memdesc/memdesc';
import { PreprocessCache } from '../server/src/engine/pp/preprocessor';

const [src, build] = process.argv.slice(2);
if (!src) {
  console.error('usage: node out/bench/kernel.js SRC [BUILD]');
  process.exit(2);
}
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const ms = (t0: number) => performance.now() - t0;

// Cold: the first analysis in a process (setup with bounds.h, preprocess, parse, layout, model).
let t0 = performance.now();
const setup = kernelSetup({ root: src, arch: 'x86_64', configFile: build ? path.join(build, '.config') : undefined });
let a = analyze(setup.files, setup.options, setup.host);
buildModel(a);
const cold = ms(t0);
const files = a.files.length;
const tokens = a.tokens.length;

// Warm: the same analysis again with the lexing cache, after an edit of mm_types.h (unsaved-buffer style).
const cache = new PreprocessCache();
analyze(setup.files, setup.options, setup.host, cache);
const mmTypes = path.join(src, 'include/linux/mm_types.h');
const original = fs.readFileSync(mmTypes, 'utf8');
const warm: number[] = [];
for (let i = 0; i < RUNS; i++) {
  setup.host.generated.set(mmTypes, original.replace('struct page {', `struct page { /* edit ${i} */`));
  t0 = performance.now();
  a = analyze(setup.files, setup.options, setup.host, cache);
  buildModel(a);
  warm.push(ms(t0));
}
setup.host.generated.delete(mmTypes);

// Incremental (what the language server does on each edit): a member added inside struct page, then removed.
const host = new OverlayHost(setup.host);
const inc = new IncrementalAnalysis(setup.files, setup.options, host, new PreprocessCache());
const incr: number[] = [];
let redone = '';
for (let i = 0; i < 4 * RUNS + 10; i++) {
  host.overlay.set(mmTypes, i % 2 ? original : original.replace('struct page {\n', `struct page {\n\tunsigned long bench_${i};\n`));
  t0 = performance.now();
  buildModel(inc.update([mmTypes]));
  if (i >= 10) incr.push(ms(t0)); // after the JIT has warmed up
  const st = inc.lastStats;
  redone = `${st.tokensRedone} of ${st.tokens} tokens, ${st.declsEdited} + ${st.declsDependent} declarations`;
}

// A fresh CLI process, as a script or CI job runs it.
const cli = path.resolve(__dirname, '../../dist/cli.js');
const proc: number[] = [];
for (let i = 0; i < 3; i++) {
  t0 = performance.now();
  spawnSync(process.execPath, [cli, 'check', '--kernel', src, ...(build ? ['--config', path.join(build, '.config')] : [])], { stdio: 'ignore' });
  proc.push(ms(t0));
}

// What one would do instead: compile a probe in the prepared tree with debug info, then pahole.
let gccPath: number | undefined;
let paholeOnly: number | undefined;
if (build) {
  const probe = path.join(src, 'mm/memdesc_bench.c');
  fs.writeFileSync(probe, '#include <linux/mm_types.h>\n#include "slab.h"\nstruct page *bench_page; struct slab *bench_slab; struct folio *bench_folio; struct ptdesc *bench_ptdesc;\n');
  try {
    t0 = performance.now();
    // Serialised with the other kernel scripts' makes (they share the cache's trees).
    const lock = path.join(process.env.MEMDESC_CACHE ?? path.join(require('node:os').homedir(), '.cache/memdesc-layout'), '.make.lock');
    const r = spawnSync('flock', [lock, 'make', '-s', `O=${path.resolve(build)}`, 'ARCH=x86_64', 'KCFLAGS=-g -fno-eliminate-unused-debug-types', 'mm/memdesc_bench.o'], { cwd: src, stdio: 'ignore' });
    const t1 = performance.now();
    const p = spawnSync('pahole', ['-C', 'page,folio,slab,ptdesc', path.join(build, 'mm/memdesc_bench.o')], { encoding: 'utf8' });
    if (r.status === 0 && p.status === 0) {
      gccPath = ms(t0);
      paholeOnly = ms(t1);
    }
  } finally {
    fs.rmSync(probe, { force: true });
    fs.rmSync(path.join(build, 'mm/memdesc_bench.o'), { force: true });
  }
}

const version = /VERSION = (\d+)\nPATCHLEVEL = (\d+)\nSUBLEVEL = (\d+)\nEXTRAVERSION =\s*(\S*)/.exec(fs.readFileSync(path.join(src, 'Makefile'), 'utf8'));
console.log(`tree: Linux ${version ? `${version[1]}.${version[2]}.${version[3]}${version[4]}` : '?'}, x86_64 ${build ? 'defconfig (.config of the build dir)' : 'built-in default'}; ${files} files, ${tokens} tokens after preprocessing`);
console.log('| path | ms |');
console.log('|---|---|');
console.log(`| memdesc-layout, cold (first analysis in a process: bounds.h, preprocess, parse, layout, model) | ${cold.toFixed(0)} |`);
console.log(`| memdesc-layout, re-analysis after an edit of mm_types.h from scratch (lexing cached), median of ${RUNS} | ${median(warm).toFixed(0)} |`);
console.log(`| memdesc-layout, incremental update after an edit inside struct page (as the language server does; ${redone}), median of ${incr.length} | ${median(incr).toFixed(1)} |`);
console.log(`| memdesc-layout check, fresh process (node start included), median of 3 | ${median(proc).toFixed(0)} |`);
if (gccPath !== undefined) {
  console.log(`| gcc -g probe in the prepared tree + pahole (needs a configured, prepared tree) | ${gccPath.toFixed(0)} |`);
  console.log(`| of which pahole alone | ${paholeOnly!.toFixed(0)} |`);
  console.log(`ratio: the fresh CLI process is ${(gccPath / median(proc)).toFixed(1)}x faster than gcc + pahole, and needs no prepared tree`);
}
