// `npm run bench`: engine throughput per stage on a generated 100k-line header, and clang on the same input.
// Prints a table and the machine it ran on; BENCHMARKS.md records the figures.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ABIS } from '../server/src/engine/base/abi';
import { analyze } from '../server/src/engine/analysis/analyze';
import { OverlayHost } from '../server/src/engine/base/host';
import { lex } from '../server/src/engine/pp/lexer';
import { Layouter } from '../server/src/engine/sema/layout';
import { parse } from '../server/src/engine/sema/parser';
import { preprocess } from '../server/src/engine/pp/preprocessor';
import { Problems } from '../server/src/engine/base/problems';
import { SourceFile } from '../server/src/engine/base/source';
import { generateHeader } from './gen-header';

const LINES = Number(process.env.BENCH_LINES ?? 100_000);
const RUNS = Number(process.env.BENCH_RUNS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function time(f: () => void): number {
  const t0 = performance.now();
  f();
  return performance.now() - t0;
}

function main(): void {
  const text = generateHeader(LINES);
  const bytes = Buffer.byteLength(text);
  const mb = bytes / 1e6;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-bench-'));
  const file = path.join(dir, 'bench.h');
  fs.writeFileSync(file, text);
  const host = new OverlayHost();
  host.overlay.set(file, text);
  const abi = ABIS.x86_64;
  const ppOpts = { includePaths: [], predefines: abi.predefines };

  // Warm up the JIT once, then take medians.
  analyze([file], { arch: 'x86_64' }, host);
  const lexT: number[] = [];
  const ppT: number[] = [];
  const parseT: number[] = [];
  const totalT: number[] = [];
  let structs = 0;
  for (let i = 0; i < RUNS; i++) {
    lexT.push(time(() => lex(new SourceFile(0, file, text), new Problems())));
    let tokens: ReturnType<typeof preprocess> | undefined;
    ppT.push(time(() => (tokens = preprocess([file], ppOpts, host, new Problems()))));
    parseT.push(
      time(() => {
        const problems = new Problems();
        const lay = new Layouter(abi, problems);
        const r = parse(tokens!, lay, problems, { msExtensions: false });
        for (const d of r.records) lay.layout(d);
        structs = r.records.length;
      }),
    );
    totalT.push(
      time(() => {
        const a = analyze([file], { arch: 'x86_64' }, host);
        for (const d of a.parse.records) a.layouter.flatten(d);
      }),
    );
  }
  const clangArgs = ['--target=x86_64-linux-gnu', '-ffreestanding', '-fsyntax-only', '-Xclang', '-fdump-record-layouts-complete', '-x', 'c', file];
  const clangT: number[] = [];
  let clangOk = true;
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const t0 = performance.now();
    const r = spawnSync('clang', clangArgs, { stdio: ['ignore', 'ignore', 'pipe'], maxBuffer: 1 << 30 });
    clangT.push(performance.now() - t0);
    if (r.status !== 0) clangOk = false;
  }
  const clangSyntaxT: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const t0 = performance.now();
    spawnSync('clang', ['--target=x86_64-linux-gnu', '-ffreestanding', '-fsyntax-only', '-x', 'c', file], { stdio: 'ignore' });
    clangSyntaxT.push(performance.now() - t0);
  }
  fs.rmSync(dir, { recursive: true, force: true });

  const row = (name: string, ms: number) => `| ${name.padEnd(44)} | ${ms.toFixed(1).padStart(8)} | ${(mb / (ms / 1000)).toFixed(1).padStart(7)} |`;
  const clangVersion = spawnSync('clang', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  console.log(`input: ${LINES} lines, ${(bytes / 1e6).toFixed(2)} MB, ${structs} records; median of ${RUNS} runs`);
  console.log(`machine: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}, ${clangVersion}`);
  console.log('| stage                                        |   ms     |  MB/s   |');
  console.log('|----------------------------------------------|----------|---------|');
  console.log(row('lexer', median(lexT)));
  console.log(row('preprocessor (includes lexing)', median(ppT)));
  console.log(row('parser + layout of every record', median(parseT)));
  console.log(row('whole pipeline (analyze + flatten all)', median(totalT)));
  console.log(row(`clang -fsyntax-only${clangOk ? '' : ' (FAILED)'}`, median(clangSyntaxT)));
  console.log(row('clang -fsyntax-only -fdump-record-layouts-complete', median(clangT)));
  console.log(`ratio: memdesc-layout is ${(median(clangT) / median(totalT)).toFixed(1)}x faster than clang's layout dump, ${(median(clangSyntaxT) / median(totalT)).toFixed(1)}x faster than clang -fsyntax-only`);
}

main();
