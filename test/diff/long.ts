// The long differential run: thousands of random declarations per ABI against gcc, for every ABI base/abi.ts
// lists (an ABI whose cross gcc is not installed is reported and skipped). `npm run diff -- --count 20000
// --abi all [--seed N] [--batch 250] [--pahole]`; nice it, it keeps a core busy for minutes. --pahole also
// compares every batch's text output with pahole's. Exits 1 on any mismatch.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ABI_NAMES, ABIS, AbiName } from '../../server/src/engine/base/abi';
import { diffSource, DiffStats, newStats } from './diff';
import { generate } from './generator';
import { paholeGolden } from './pahole';

interface Options {
  count: number;
  abis: AbiName[];
  seed: number;
  batch: number;
  pahole: boolean;
}

function parseArgs(argv: string[]): Options {
  const opts: Options = { count: 20000, abis: [...ABI_NAMES], seed: Math.floor(Math.random() * 1e6), batch: 250, pahole: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--count') opts.count = Number(next());
    else if (a === '--seed') opts.seed = Number(next());
    else if (a === '--batch') opts.batch = Number(next());
    else if (a === '--pahole') opts.pahole = true;
    else if (a === '--abi') {
      const v = next();
      if (v !== 'all') {
        const names = v.split(',');
        for (const n of names) if (!(ABI_NAMES as readonly string[]).includes(n)) throw new Error(`unknown ABI '${n}' (known: ${ABI_NAMES.join(' ')})`);
        opts.abis = names as AbiName[];
      }
    } else throw new Error(`unknown option ${a} (usage: --count N --abi all|A,B --seed N --batch N --pahole)`);
  }
  if (!(opts.count > 0) || !(opts.batch > 0) || !Number.isInteger(opts.seed)) throw new Error('--count, --batch and --seed take positive integers');
  return opts;
}

function hasTool(cmd: string): boolean {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  return !r.error && r.status === 0;
}

interface AbiResult {
  abi: AbiName;
  skipped?: string;
  stats: DiffStats;
  mismatches: number;
  failedBatches: string[];
  seconds: number;
  /** With --pahole: blocks compared with pahole's, and those that differ. */
  paholeBlocks: number;
  paholeDiffering: number;
}

function runAbi(abi: AbiName, opts: Options, failuresDir: string): AbiResult {
  const stats = newStats();
  const result: AbiResult = { abi, stats, mismatches: 0, failedBatches: [], seconds: 0, paholeBlocks: 0, paholeDiffering: 0 };
  if (!hasTool(ABIS[abi].gcc)) {
    result.skipped = `no ${ABIS[abi].gcc} on this machine`;
    return result;
  }
  const t0 = Date.now();
  const index = ABI_NAMES.indexOf(abi);
  for (let b = 0; b * opts.batch < opts.count; b++) {
    // Every fourth batch with -fms-extensions, as in npm test.
    // Every fourth batch with MS extensions; every fourth (another) only what clang compiles too, its second opinion.
    const ms = b % 4 === 3;
    const seed = opts.seed * 1000 + b + index * 100_000;
    const g = generate(seed, Math.min(opts.batch, opts.count - b * opts.batch), { abi, msExtensions: ms, clang: b % 4 === 1 });
    const f = diffSource(g.source, g.records, abi, ms, stats, { members: g.members, types: g.types });
    result.mismatches += f.length;
    if (opts.pahole) {
      const p = paholeGolden(g.source, abi, ms);
      result.paholeBlocks += p.compared;
      result.paholeDiffering += p.differences.length + p.missing.length;
      f.push(...p.differences.map((d) => `pahole: ${d}`), ...p.missing.map((m) => `pahole: ${abi}: ${m}: pahole printed no block`));
    }
    if (f.length) {
      fs.mkdirSync(failuresDir, { recursive: true });
      const file = path.join(failuresDir, `${abi}-${seed}.c`);
      fs.writeFileSync(file, g.source);
      result.failedBatches.push(`${file}${ms ? ' (ms-extensions)' : ''}: ${f.slice(0, 5).join('; ')}`);
    }
    if ((b + 1) % 20 === 0) process.stderr.write(`  ${abi}: ${stats.records} records, ${result.mismatches} mismatches\n`);
  }
  result.seconds = (Date.now() - t0) / 1000;
  return result;
}

function main(): void {
  const opts = parseArgs(process.argv.slice(2));
  const failuresDir = path.join(__dirname, '../../../test/diff/failures');
  console.log(`differential run: ${opts.count} records per ABI, seed ${opts.seed}, batches of ${opts.batch}, ABIs ${opts.abis.join(' ')}`);
  const results: AbiResult[] = [];
  for (const abi of opts.abis) {
    const r = runAbi(abi, opts, failuresDir);
    results.push(r);
    if (r.skipped) console.log(`${abi}: skipped (${r.skipped})`);
    else console.log(`${abi}: ${r.stats.records} records, ${r.stats.members} members, ${r.stats.bitfields} bitfields, ${r.stats.typeValues} type values, ${r.stats.unknowns} unknown, ${r.mismatches} mismatches${opts.pahole ? `, ${r.paholeBlocks} blocks compared with pahole's, ${r.paholeDiffering} differ` : ''} (${r.seconds.toFixed(0)} s)`);
    for (const f of r.failedBatches.slice(0, 10)) console.log(`  ${f}`);
  }
  const ph = opts.pahole ? ' pahole blocks (differ) |' : '';
  console.log(`\n| ABI | declarations | members | bitfields | type values | unknown | mismatches | clang 14 rejected / differs |${ph}`);
  console.log(`|---|---|---|---|---|---|---|---|${opts.pahole ? '---|' : ''}`);
  for (const r of results) {
    if (r.skipped) console.log(`| ${r.abi} | skipped: ${r.skipped} | | | | | | |${opts.pahole ? ' |' : ''}`);
    else console.log(`| ${r.abi} | ${r.stats.records} | ${r.stats.members} | ${r.stats.bitfields} | ${r.stats.typeValues} | ${r.stats.unknowns} | ${r.mismatches} | ${r.stats.clangRejected} batches / ${r.stats.clangDisagrees.length} values |${opts.pahole ? ` ${r.paholeBlocks} (${r.paholeDiffering}) |` : ''}`);
  }
  const bad = results.some((r) => r.mismatches > 0 || r.paholeDiffering > 0);
  if (results.every((r) => r.skipped)) {
    console.log('no ABI could be checked: install the cross gccs (apt-get install gcc-i686-linux-gnu gcc-aarch64-linux-gnu ...)');
    process.exit(1);
  }
  process.exit(bad ? 1 : 0);
}

main();
