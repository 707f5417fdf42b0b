// Scaling benchmark: generated kernel-flavoured headers (bench/gen-header.ts) from 10k to 1M lines, each
// analysed in a fresh process (preprocess, parse, lay out and flatten every record): time and peak memory per
// size, a least-squares line through the times, and an SVG chart written to docs/scale.svg.
//
// usage: node out/bench/scale.js [--sizes 10000,30000,...] [--runs N] [--svg FILE]
//        node out/bench/scale.js --child FILE     (one measurement; prints JSON)

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { analyze } from '../server/src/engine/analysis/analyze';
import { machine, median, repo, timed } from './common';
import { generateHeader } from './gen-header';

const argv = process.argv.slice(2);
const opt = (f: string) => (argv.indexOf(f) >= 0 ? argv[argv.indexOf(f) + 1] : undefined);

function child(file: string): void {
  const t0 = performance.now();
  // The largest input (20 MB) is past the default file-size limit (8 MiB), which is for editors, not this.
  const a = analyze([file], { arch: 'x86_64', limits: { maxFileBytes: 64 * 2 ** 20 } });
  const stopped = a.problems.find((p) => p.code === 'file-too-large' || p.code === 'too-many-tokens');
  if (stopped) throw new Error(`the benchmark input hit a limit: ${stopped.message}`);
  let members = 0;
  for (const d of a.parse.records) members += a.layouter.flatten(d).length;
  const t = performance.now() - t0;
  console.log(JSON.stringify({ ms: t, records: a.parse.records.length, members, tokens: a.tokens.length, heapMB: process.memoryUsage().heapUsed / 2 ** 20 }));
}

interface Point {
  lines: number;
  bytes: number;
  ms: number;
  peakMB: number;
  records: number;
  tokens: number;
}

function main(): void {
  const sizes = (opt('--sizes') ?? '10000,30000,100000,300000,1000000').split(',').map(Number);
  const runs = Number(opt('--runs') ?? process.env.BENCH_SCALE_RUNS ?? 3);
  const svgFile = opt('--svg') ?? path.join(repo, 'docs/scale.svg');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-scale-'));
  const self = path.join(repo, 'out/bench/scale.js');
  const baseline = timed(process.execPath, ['-e', '0']).peakMB ?? 0;
  const points: Point[] = [];
  try {
    for (const lines of sizes) {
      const text = generateHeader(lines);
      const file = path.join(dir, `gen-${lines}.h`);
      fs.writeFileSync(file, text);
      const times: number[] = [];
      const peaks: number[] = [];
      let info = { records: 0, tokens: 0 };
      for (let i = 0; i < runs; i++) {
        // A generous heap limit so the largest input measures memory rather than V8's default cap.
        const r = timed(process.execPath, ['--max-old-space-size=8192', self, '--child', file], { stdio: ['ignore', 'pipe', 'pipe'] });
        if (r.status !== 0) throw new Error(`child failed at ${lines} lines: ${r.stderr}`);
        const j = JSON.parse(r.stdout) as { ms: number; records: number; tokens: number };
        times.push(j.ms);
        peaks.push(r.peakMB ?? NaN);
        info = j;
      }
      points.push({ lines, bytes: Buffer.byteLength(text), ms: median(times), peakMB: median(peaks), records: info.records, tokens: info.tokens });
      fs.rmSync(file, { force: true });
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  // Least squares through (lines, ms) and (lines, MB): linear growth means a good fit and a steady per-line cost.
  const fit = (ys: number[]) => {
    const xs = points.map((p) => p.lines);
    const n = xs.length;
    const mx = xs.reduce((a, b) => a + b, 0) / n;
    const my = ys.reduce((a, b) => a + b, 0) / n;
    const b = xs.reduce((a, x, i) => a + (x - mx) * (ys[i] - my), 0) / xs.reduce((a, x) => a + (x - mx) ** 2, 0);
    const a = my - b * mx;
    const ssRes = ys.reduce((acc, y, i) => acc + (y - (a + b * xs[i])) ** 2, 0);
    const ssTot = ys.reduce((acc, y) => acc + (y - my) ** 2, 0);
    return { a, b, r2: 1 - ssRes / ssTot };
  };
  const tf = fit(points.map((p) => p.ms));
  const mf = fit(points.map((p) => p.peakMB));
  console.log(`machine: ${machine()}`);
  console.log(`input: bench/gen-header.ts (macros, IS_ENABLED conditionals, structs with nested unions and bitfields, inline functions, assertions); each size analysed in a fresh process, median of ${runs}; time excludes node start; peak RSS includes node's own ${baseline.toFixed(0)} MB`);
  console.log('');
  console.log('| lines | MB | records | tokens | ms | µs / line | MB/s | peak RSS MB | peak / input size |');
  console.log('|---|---|---|---|---|---|---|---|---|');
  for (const p of points) {
    const mb = p.bytes / 1e6;
    console.log(`| ${p.lines.toLocaleString('en-US')} | ${mb.toFixed(1)} | ${p.records} | ${p.tokens} | ${p.ms.toFixed(0)} | ${((1000 * p.ms) / p.lines).toFixed(2)} | ${(mb / (p.ms / 1000)).toFixed(1)} | ${p.peakMB.toFixed(0)} | ${((p.peakMB * 2 ** 20) / p.bytes).toFixed(1)}x |`);
  }
  console.log('');
  console.log(`fit: time = ${tf.a.toFixed(0)} ms + ${(tf.b * 1000).toFixed(2)} µs × lines (R² = ${tf.r2.toFixed(4)}); peak RSS = ${mf.a.toFixed(0)} MB + ${(mf.b * 1000).toFixed(3)} MB per 1,000 lines (R² = ${mf.r2.toFixed(4)})`);
  fs.mkdirSync(path.dirname(svgFile), { recursive: true });
  fs.writeFileSync(svgFile, chart(points, tf, mf));
  console.log(`chart: ${path.relative(repo, svgFile)}`);
}

/** A two-axis line chart: time (left axis) and peak memory (right axis) against lines, linear axes. */
function chart(points: Point[], tf: { a: number; b: number; r2: number }, mf: { a: number; b: number; r2: number }): string {
  const W = 720;
  const H = 420;
  const L = 70;
  const R = 70;
  const T = 50;
  const B = 60;
  const maxX = Math.max(...points.map((p) => p.lines));
  const nice = (v: number) => {
    const e = 10 ** Math.floor(Math.log10(v));
    return [1, 2, 2.5, 5, 10].map((m) => m * e).find((m) => m >= v)!;
  };
  const maxS = nice(Math.max(...points.map((p) => p.ms)) / 1000);
  const maxM = nice(Math.max(...points.map((p) => p.peakMB)));
  const x = (v: number) => L + ((W - L - R) * v) / maxX;
  const yS = (s: number) => H - B - ((H - T - B) * s) / maxS;
  const yM = (mb: number) => H - B - ((H - T - B) * mb) / maxM;
  const out: string[] = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`);
  out.push(`<rect width="${W}" height="${H}" fill="white"/>`);
  out.push(`<text x="${W / 2}" y="24" text-anchor="middle" font-size="15">memdesc-layout: time and peak memory vs header size (generated, fresh process each)</text>`);
  for (let i = 0; i <= 5; i++) {
    const xv = (maxX * i) / 5;
    out.push(`<line x1="${x(xv)}" y1="${T}" x2="${x(xv)}" y2="${H - B}" stroke="#eee"/>`);
    out.push(`<text x="${x(xv)}" y="${H - B + 18}" text-anchor="middle">${xv >= 1e6 ? `${xv / 1e6}M` : `${xv / 1e3}k`}</text>`);
    const s = (maxS * i) / 5;
    out.push(`<line x1="${L}" y1="${yS(s)}" x2="${W - R}" y2="${yS(s)}" stroke="#eee"/>`);
    out.push(`<text x="${L - 8}" y="${yS(s) + 4}" text-anchor="end" fill="#1f5fbf">${+s.toFixed(2)}</text>`);
    const m = (maxM * i) / 5;
    out.push(`<text x="${W - R + 8}" y="${yM(m) + 4}" fill="#c0392b">${+m.toFixed(0)}</text>`);
  }
  out.push(`<line x1="${L}" y1="${H - B}" x2="${W - R}" y2="${H - B}" stroke="#333"/>`);
  out.push(`<line x1="${L}" y1="${T}" x2="${L}" y2="${H - B}" stroke="#1f5fbf"/>`);
  out.push(`<line x1="${W - R}" y1="${T}" x2="${W - R}" y2="${H - B}" stroke="#c0392b"/>`);
  out.push(`<text x="${(L + W - R) / 2}" y="${H - 18}" text-anchor="middle">lines of header</text>`);
  out.push(`<text transform="translate(20 ${(T + H - B) / 2}) rotate(-90)" text-anchor="middle" fill="#1f5fbf">time (s)</text>`);
  out.push(`<text transform="translate(${W - 18} ${(T + H - B) / 2}) rotate(90)" text-anchor="middle" fill="#c0392b">peak RSS (MB)</text>`);
  // Fitted lines (dashed), then the measurements.
  out.push(`<line x1="${x(0)}" y1="${yS(tf.a / 1000)}" x2="${x(maxX)}" y2="${yS((tf.a + tf.b * maxX) / 1000)}" stroke="#1f5fbf" stroke-dasharray="4 4" opacity="0.6"/>`);
  out.push(`<line x1="${x(0)}" y1="${yM(mf.a)}" x2="${x(maxX)}" y2="${yM(mf.a + mf.b * maxX)}" stroke="#c0392b" stroke-dasharray="4 4" opacity="0.6"/>`);
  out.push(`<polyline fill="none" stroke="#1f5fbf" stroke-width="2" points="${points.map((p) => `${x(p.lines).toFixed(1)},${yS(p.ms / 1000).toFixed(1)}`).join(' ')}"/>`);
  out.push(`<polyline fill="none" stroke="#c0392b" stroke-width="2" points="${points.map((p) => `${x(p.lines).toFixed(1)},${yM(p.peakMB).toFixed(1)}`).join(' ')}"/>`);
  for (const p of points) {
    out.push(`<circle cx="${x(p.lines).toFixed(1)}" cy="${yS(p.ms / 1000).toFixed(1)}" r="4" fill="#1f5fbf"><title>${p.lines} lines: ${p.ms.toFixed(0)} ms</title></circle>`);
    out.push(`<rect x="${(x(p.lines) - 4).toFixed(1)}" y="${(yM(p.peakMB) - 4).toFixed(1)}" width="8" height="8" fill="#c0392b"><title>${p.lines} lines: ${p.peakMB.toFixed(0)} MB</title></rect>`);
  }
  out.push(`<g transform="translate(${L + 16} ${T + 10})"><rect width="300" height="46" fill="white" stroke="#ccc"/>`);
  out.push(`<circle cx="14" cy="14" r="4" fill="#1f5fbf"/><text x="26" y="18">time, fit R² = ${tf.r2.toFixed(4)} (${(tf.b * 1000).toFixed(2)} µs/line)</text>`);
  out.push(`<rect x="10" y="28" width="8" height="8" fill="#c0392b"/><text x="26" y="36">peak RSS, fit R² = ${mf.r2.toFixed(4)}</text></g>`);
  out.push('</svg>');
  return out.join('\n') + '\n';
}

if (argv[0] === '--child') child(argv[1]);
else main();
