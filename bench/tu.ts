// Whole-translation-unit benchmark: every struct of a real kernel .c file (default mm/page_alloc.c), laid out
// by memdesc-layout — cold in a fresh process, warm in-process — beside gcc -fsyntax-only with kbuild's exact
// flags on the same TU, and beside what one runs instead to see those layouts: compile the TU with -g and read
// it with pahole. All in the same run, so the ratios compare like with like.
//
// usage: node out/bench/tu.js [SRC BUILD] [TU] [--runs N] [--profile]
//   SRC BUILD: a kernel tree and its prepared O= build (default: the cache's 7.3 x86_64 defconfig, see bench/common.ts)
//   --profile: also a CPU profile of one fresh run (node --cpu-prof on the unbundled out/ files), summarised

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../server/src/engine/analysis/analyze';
import { kernelSetup, readCmdFile, tuCommand, tuOptions } from '../server/src/engine/kernel/kernel';
import { PreprocessCache } from '../server/src/engine/pp/preprocessor';
import { structJson } from '../server/src/engine/view/report';
import { recordName } from '../server/src/engine/sema/types';
import { cacheDir, findTree, kernelRelease, machine, median, ms, repo, summariseProfile, timed } from './common';

const argv = process.argv.slice(2);
const flag = (f: string) => argv.includes(f);
const opt = (f: string) => (argv.indexOf(f) >= 0 ? argv[argv.indexOf(f) + 1] : undefined);
const positional = argv.filter((a, i) => !a.startsWith('--') && !(i > 0 && argv[i - 1] === '--runs'));
const RUNS = Number(opt('--runs') ?? process.env.BENCH_RUNS ?? 5);

function main(): void {
  const tree = positional.length >= 2 ? { src: path.resolve(positional[0]), build: path.resolve(positional[1]), label: path.basename(positional[1]) } : findTree();
  const tu = (positional.length >= 2 ? positional[2] : positional[0]) ?? 'mm/page_alloc.c';
  if (!tree) {
    console.log('no prepared kernel tree found (scripts/kernel/prepare-build.sh 7.3 x86_64, or give SRC BUILD): TU benchmark skipped');
    return;
  }
  const { src, build } = tree;
  const arch = /^CONFIG_ARM64=y/m.test(fs.readFileSync(path.join(build, '.config'), 'utf8')) ? 'arm64' : 'x86_64';
  if (arch !== 'x86_64') throw new Error('bench/tu.ts runs on x86_64 builds');
  // kbuild's command for the TU, from its .cmd file (compiled once by kbuild if missing).
  let cmd = readCmdFile(build, tu);
  if (!cmd) {
    const r = spawnSync('flock', [path.join(cacheDir, '.make.lock'), 'make', '-s', '-C', src, `O=${build}`, 'ARCH=x86_64', tu.replace(/\.c$/, '.o')], { encoding: 'utf8' });
    cmd = readCmdFile(build, tu);
    if (!cmd) throw new Error(`kbuild could not compile ${tu}: ${r.stderr}`);
  }
  const base = cmd.words.filter((w) => !/^-Wp,-M/.test(w));
  const withoutOutput = (words: string[]) => words.filter((w, i) => w !== '-o' && words[i - 1] !== '-o');
  const gccWords = (extra: string[], out?: string) => {
    const ws = withoutOutput(base).flatMap((w) => (w === '-c' ? (out ? ['-c', '-o', out] : []) : [w]));
    return [...ws, ...extra];
  };
  const run = (words: string[]) => timed(words[0], words.slice(1), { cwd: build, stdio: ['ignore', 'ignore', 'pipe'] });

  // Size of the TU after preprocessing (for the memory target).
  const pre = spawnSync(base[0], [...gccWords(['-E', '-P']).slice(1)], { cwd: build, encoding: 'utf8', maxBuffer: 1 << 30 });
  const preBytes = Buffer.byteLength(pre.stdout ?? '');
  const preLines = (pre.stdout ?? '').split('\n').filter((l) => l.trim()).length;

  // gcc -fsyntax-only with kbuild's flags.
  const syntax: number[] = [];
  let syntaxPeak: number | undefined;
  for (let i = 0; i < RUNS; i++) {
    const r = run(gccWords(['-fsyntax-only']));
    if (r.status !== 0) throw new Error(`gcc -fsyntax-only failed: ${r.stderr}`);
    syntax.push(r.ms);
    syntaxPeak = r.peakMB;
  }

  // The pahole path: compile the TU with debug info for every type, then pahole every struct.
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-bench-tu-'));
  const obj = path.join(tmp, 'tu.o');
  const compileG: number[] = [];
  const pahole: number[] = [];
  let paholeStructs = 0;
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const c = run(gccWords(['-g', '-fno-eliminate-unused-debug-types', '-Wno-error'], obj));
    if (c.status !== 0) throw new Error(`gcc -g failed: ${c.stderr}`);
    compileG.push(c.ms);
    const t0 = performance.now();
    const p = spawnSync('pahole', [obj], { encoding: 'utf8', maxBuffer: 1 << 30 });
    pahole.push(ms(t0));
    paholeStructs = (p.stdout.match(/^(struct|union) \S+ \{/gm) ?? []).length;
  }
  fs.rmSync(tmp, { recursive: true, force: true });

  // memdesc-layout, a fresh process each time (node start included), the way a script runs it.
  const cli = path.join(repo, 'dist/cli.js');
  const coldAll: number[] = [];
  const coldOne: number[] = [];
  let coldPeak: number | undefined;
  let structs = 0;
  for (let i = 0; i < RUNS; i++) {
    const r = timed(process.execPath, [cli, 'layout', '--kernel', src, '--build', build, '--tu', tu, '--all', '--json'], { stdio: ['ignore', 'pipe', 'pipe'] });
    if (r.status !== 0) throw new Error(`memdesc-layout failed: ${r.stderr}`);
    coldAll.push(r.ms);
    coldPeak = Math.max(coldPeak ?? 0, r.peakMB ?? 0);
    structs = (JSON.parse(r.stdout) as { structs: unknown[] }).structs.length;
    coldOne.push(timed(process.execPath, [cli, 'layout', '--kernel', src, '--build', build, '--tu', tu, '--struct', 'page'], { stdio: ['ignore', 'ignore', 'pipe'] }).ms);
  }

  // memdesc-layout in-process, warm (JIT warmed up by a first run): no cache, and with unchanged files' lexing cached.
  const inProcess = (cache?: PreprocessCache) => {
    const setup = kernelSetup({ root: src, arch: 'x86_64', buildDir: build }, undefined, cache);
    const cmdTu = tuCommand(setup, tu);
    const a = analyze([cmdTu.file], tuOptions(setup, cmdTu), setup.host, cache);
    const show = (f: { path: string }) => f.path;
    let n = 0;
    for (const d of a.parse.records) if (d.members && recordName(d) !== undefined) n += structJson(a, d, show as never).members.length;
    return { a, n };
  };
  const first = inProcess();
  const tokens = first.a.tokens.length;
  const files = first.a.files.length;
  const warm: number[] = [];
  const cached: number[] = [];
  const cache = new PreprocessCache();
  inProcess(cache);
  for (let i = 0; i < RUNS; i++) {
    let t0 = performance.now();
    inProcess();
    warm.push(ms(t0));
    t0 = performance.now();
    inProcess(cache);
    cached.push(ms(t0));
  }

  const gccSyntax = median(syntax);
  const row = (what: string, t: number, peak?: number) => `| ${what} | ${t.toFixed(0)} | ${peak === undefined ? '' : peak.toFixed(0)} |`;
  console.log(`machine: ${machine()}`);
  console.log(`tree: Linux ${kernelRelease(src)}, ${tree.label} (prepared O= build); TU ${tu}: ${files} files, ${preLines} lines / ${(preBytes / 1e6).toFixed(1)} MB after gcc -E -P, ${tokens} tokens; ${structs} structs laid out (pahole prints ${paholeStructs}); median of ${RUNS} runs`);
  console.log('');
  console.log('| path | ms | peak RSS MB |');
  console.log('|---|---|---|');
  console.log(row(`gcc -fsyntax-only, kbuild's flags for ${tu}`, gccSyntax, syntaxPeak));
  console.log(row(`memdesc-layout layout --tu ${tu} --all --json, fresh process (node start included)`, median(coldAll), coldPeak));
  console.log(row(`memdesc-layout layout --tu ${tu} --struct page, fresh process`, median(coldOne)));
  console.log(row('memdesc-layout in-process, warm JIT, nothing cached (preprocess, parse, lay out and flatten every struct)', median(warm)));
  console.log(row('memdesc-layout in-process, warm, unchanged files\' tokens cached (PreprocessCache)', median(cached)));
  console.log(row('gcc -g -fno-eliminate-unused-debug-types (compile the TU to an object)', median(compileG)));
  console.log(row('pahole on that object (every struct)', median(pahole)));
  console.log(row('gcc -g + pahole, together', median(compileG) + median(pahole)));
  console.log('');
  console.log(`ratios: gcc -fsyntax-only / memdesc-layout = ${(gccSyntax / median(coldAll)).toFixed(2)} cold (fresh process), ${(gccSyntax / median(warm)).toFixed(2)} warm, ${(gccSyntax / median(cached)).toFixed(2)} warm with cache; (gcc -g + pahole) / memdesc-layout cold = ${((median(compileG) + median(pahole)) / median(coldAll)).toFixed(2)}`);
  console.log(`memory: peak RSS of the fresh process ${coldPeak?.toFixed(0) ?? '?'} MB = ${coldPeak ? ((coldPeak * 2 ** 20) / preBytes).toFixed(1) : '?'}x the preprocessed source (${(preBytes / 1e6).toFixed(1)} MB); node itself starts at about ${(timed(process.execPath, ['-e', '0']).peakMB ?? 0).toFixed(0)} MB`);

  if (flag('--profile')) profile(src, build, tu);
}

/** One fresh run under node --cpu-prof (the unbundled out/ files, so time is attributed to engine sources). */
function profile(src: string, build: string, tu: string): void {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-prof-'));
  const main = path.join(repo, 'out/server/src/cli/main.js');
  spawnSync(process.execPath, ['--cpu-prof', '--cpu-prof-dir', dir, '--cpu-prof-interval', '200', main, 'layout', '--kernel', src, '--build', build, '--tu', tu, '--all', '--json'], { stdio: 'ignore' });
  const file = fs.readdirSync(dir).find((f) => f.endsWith('.cpuprofile'));
  if (!file) return;
  const s = summariseProfile(path.join(dir, file), 20);
  fs.rmSync(dir, { recursive: true, force: true });
  const pct = (t: number) => `${((100 * t) / s.total).toFixed(1)}%`;
  console.log('');
  console.log(`profile: node --cpu-prof, one fresh run of layout --tu ${tu} --all --json, ${s.total.toFixed(0)} ms sampled`);
  console.log('');
  console.log('| self time by file | ms | share |');
  console.log('|---|---|---|');
  for (const [f, t] of s.byFile) console.log(`| ${f} | ${t.toFixed(0)} | ${pct(t)} |`);
  console.log('');
  console.log('| self time by function | ms | share |');
  console.log('|---|---|---|');
  for (const [f, t] of s.byFunction) console.log(`| ${f} | ${t.toFixed(0)} | ${pct(t)} |`);
}

main();
