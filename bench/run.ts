// `npm run bench`: the whole benchmark suite in one command — engine stages, the kernel memdesc set, a whole
// kernel translation unit against gcc, scaling 10k → 1M lines (and docs/scale.svg), and the language server's
// figures when bench/lsp.ts exists — then each section of BENCHMARKS.md between its markers is rewritten
// with the figures, the machine and the exact command. Prose outside the markers is left alone.
//
// usage: node out/bench/run.js [--only engine,kernel,tu,scale,explore,lsp] [--no-write]
//   the kernel and TU benchmarks use MEMDESC_BENCH_SRC/MEMDESC_BENCH_BUILD, else the cache's prepared 7.3 (or 6.12)
//   x86_64 defconfig tree; without one they are reported as skipped.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { findTree, machine, repo } from './common';

const argv = process.argv.slice(2);
const only = argv.indexOf('--only') >= 0 ? argv[argv.indexOf('--only') + 1].split(',') : undefined;
const write = !argv.includes('--no-write');

interface Section {
  name: string;
  title: string;
  args: () => string[] | string;
}

const tree = findTree();
const home = (p: string) => p.replace(os.homedir(), '~');

const sections: Section[] = [
  { name: 'engine', title: 'Engine throughput', args: () => ['out/bench/engine.js'] },
  { name: 'kernel', title: 'Kernel memdesc set', args: () => (tree ? ['out/bench/kernel.js', tree.src, tree.build] : 'no prepared kernel tree (scripts/kernel/prepare-build.sh 7.3 x86_64): skipped') },
  { name: 'tu', title: 'Whole translation unit', args: () => (tree ? ['out/bench/tu.js', tree.src, tree.build, 'mm/page_alloc.c', '--profile'] : 'no prepared kernel tree (scripts/kernel/prepare-build.sh 7.3 x86_64): skipped') },
  { name: 'scale', title: 'Scaling', args: () => ['out/bench/scale.js'] },
  // Every configuration: x86_64 by default; MEMDESC_BENCH_ARCHES=all for every ABI (about as long as the rest together).
  { name: 'explore', title: 'Every configuration', args: () => (tree ? ['out/bench/explore.js', tree.src, '--arches', process.env.MEMDESC_BENCH_ARCHES ?? 'x86_64'] : 'no kernel tree in the cache (scripts/kernel/fetch-trees.sh --full 7.3): skipped') },
  {
    name: 'lsp',
    title: 'Language server and extension',
    args: () => (!fs.existsSync(path.join(repo, 'out/bench/lsp.js')) ? 'bench/lsp.ts is not in this tree: not measured here' : tree ? ['out/bench/lsp.js', tree.src, tree.build] : 'no prepared kernel tree (scripts/kernel/prepare-build.sh 7.3 x86_64): skipped'),
  },
];

/** Each text line its own paragraph and blank lines around tables, so that the output renders as markdown. */
function tidy(text: string): string {
  const out: string[] = [];
  for (const l of text.trimEnd().split('\n')) {
    const prev = out[out.length - 1];
    const table = l.startsWith('|');
    if (l !== '' && prev !== undefined && prev !== '' && !(table && prev.startsWith('|'))) out.push('');
    out.push(l);
  }
  return out.join('\n');
}

function main(): void {
  const date = new Date().toISOString().slice(0, 10);
  const results = new Map<string, string>();
  const failed: string[] = [];
  for (const s of sections) {
    if (only && !only.includes(s.name)) continue;
    const a = s.args();
    let body: string;
    if (typeof a === 'string') body = a;
    else {
      console.error(`bench: ${s.name}: node ${a.join(' ')}`);
      const r = spawnSync(process.execPath, a, { cwd: repo, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 28 });
      process.stdout.write(r.stdout);
      const cmd = `node ${a.map(home).join(' ')}`;
      if (r.status !== 0) {
        // Keep the figures BENCHMARKS.md has; say so and fail at the end.
        failed.push(`${s.name} (${cmd}: exit ${r.status})`);
        continue;
      }
      body = `Command: \`${cmd}\` (from \`npm run bench\`, ${date})\n\n${tidy(r.stdout)}`;
    }
    results.set(s.name, body);
  }
  if (failed.length) {
    console.error(`bench: failed, BENCHMARKS.md keeps their previous figures: ${failed.join('; ')}`);
    process.exitCode = 1;
  }
  if (!write) return;
  const file = path.join(repo, 'BENCHMARKS.md');
  let md = fs.readFileSync(file, 'utf8');
  const put = (name: string, title: string, body: string) => {
    const begin = `<!-- bench:${name}:begin (written by npm run bench; edit the prose outside these markers) -->`;
    const end = `<!-- bench:${name}:end -->`;
    const re = new RegExp(`<!-- bench:${name}:begin[^>]*-->[\\s\\S]*?<!-- bench:${name}:end -->`);
    const block = `${begin}\n${body}\n${end}`;
    md = re.test(md) ? md.replace(re, () => block) : `${md.trimEnd()}\n\n## ${title}\n\n${block}\n`;
  };
  put('machine', 'Machine', `Last full run: ${date}, ${machine()}.`);
  for (const s of sections) if (results.has(s.name)) put(s.name, s.title, results.get(s.name)!);
  fs.writeFileSync(file, md);
  console.error(`bench: BENCHMARKS.md updated (${[...results.keys()].join(', ')})`);
}

main();
