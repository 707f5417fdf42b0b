// What the benchmarks share: medians, the machine they ran on, timing a child process with its peak memory,
// the kernel trees in the cache, and a summary of a V8 CPU profile.

import { spawnSync, SpawnSyncOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export const repo = path.resolve(__dirname, '../..');
export const cacheDir = process.env.MEMDESC_CACHE ?? path.join(os.homedir(), '.cache/memdesc-layout');

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? s[Math.floor(s.length / 2)] : NaN;
}

export const ms = (t0: number) => performance.now() - t0;

function firstLine(cmd: string, args: string[]): string {
  const r = spawnSync(cmd, args, { encoding: 'utf8' });
  return r.error ? `${cmd}: not installed` : (r.stdout || r.stderr).split('\n')[0].trim();
}

/** One line describing the machine and the tools' versions. */
export function machine(): string {
  const cpus = os.cpus();
  const debian = fs.existsSync('/etc/debian_version') ? `Debian ${fs.readFileSync('/etc/debian_version', 'utf8').trim()}` : os.type();
  return [
    `${cpus[0]?.model.trim() ?? '?'} × ${cpus.length}`,
    `${(os.totalmem() / 2 ** 30).toFixed(0)} GiB`,
    debian,
    `node ${process.version}`,
    `gcc ${firstLine('gcc', ['-dumpfullversion'])}`,
    firstLine('clang', ['--version']).replace(/^Debian /, ''),
    `pahole ${firstLine('pahole', ['--version'])}`,
    // Others share this machine: the load when the run started says how much to trust small differences.
    `load average ${os.loadavg()[0].toFixed(1)} at start`,
  ].join(', ');
}

/** Runs a command; wall time in ms and, through GNU time, its peak resident memory in MB. */
export function timed(cmd: string, args: string[], opts: SpawnSyncOptions = {}): { ms: number; peakMB: number | undefined; status: number | null; stdout: string; stderr: string } {
  const useTime = fs.existsSync('/usr/bin/time');
  const t0 = performance.now();
  const r = useTime
    ? spawnSync('/usr/bin/time', ['-f', '@@peak %M', cmd, ...args], { encoding: 'utf8', maxBuffer: 1 << 30, ...opts })
    : spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 1 << 30, ...opts });
  const t = ms(t0);
  const stderr = String(r.stderr ?? '');
  const peak = /@@peak (\d+)/.exec(stderr)?.[1];
  return { ms: t, peakMB: peak ? Number(peak) / 1024 : undefined, status: r.status, stdout: String(r.stdout ?? ''), stderr: stderr.replace(/@@peak \d+\n?/, '') };
}

/** A prepared kernel tree: the source dir and an O= build dir. */
export interface Tree {
  src: string;
  build: string;
  label: string;
}

/** The tree to benchmark: MEMDESC_BENCH_SRC/BUILD, else 7.3 x86_64 defconfig in the cache, else 6.12's. */
export function findTree(): Tree | undefined {
  const env = (src?: string, build?: string) => (src && build ? { src, build, label: path.basename(build) } : undefined);
  const given = env(process.env.MEMDESC_BENCH_SRC, process.env.MEMDESC_BENCH_BUILD);
  if (given) return given;
  const candidates: Tree[] = [
    { src: path.join(cacheDir, 'trees/7.3/src'), build: path.join(cacheDir, 'builds/7.3-x86_64-defconfig'), label: '7.3-x86_64-defconfig' },
    { src: path.join(cacheDir, 'trees/6.12/linux-source-6.12'), build: path.join(cacheDir, 'trees/6.12/build-x86_64'), label: '6.12-x86_64-defconfig' },
  ];
  return candidates.find((t) => fs.existsSync(path.join(t.build, 'include/generated/bounds.h')) && fs.existsSync(path.join(t.src, 'Makefile')));
}

export function kernelRelease(src: string): string {
  const m = /VERSION = (\d+)\nPATCHLEVEL = (\d+)\nSUBLEVEL = (\d+)\nEXTRAVERSION =\s*(\S*)/.exec(fs.readFileSync(path.join(src, 'Makefile'), 'utf8'));
  return m ? `${m[1]}.${m[2]}.${m[3]}${m[4]}` : '?';
}

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number; columnNumber: number };
  hitCount?: number;
  children?: number[];
}

/** Self time of a .cpuprofile by function and by source file (paths relative to the repo), top N each. */
export function summariseProfile(file: string, top = 15): { total: number; byFunction: Array<[string, number]>; byFile: Array<[string, number]> } {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8')) as { nodes: ProfileNode[]; samples: number[]; timeDeltas: number[] };
  const self = new Map<number, number>();
  prof.samples.forEach((id, i) => self.set(id, (self.get(id) ?? 0) + (prof.timeDeltas[i] ?? 0) / 1000));
  const byFn = new Map<string, number>();
  const byFile = new Map<string, number>();
  let total = 0;
  for (const n of prof.nodes) {
    const t = self.get(n.id) ?? 0;
    if (!t) continue;
    total += t;
    const url = n.callFrame.url.replace(/^file:\/\//, '');
    const src = url ? originalPosition(url, n.callFrame.lineNumber, n.callFrame.columnNumber) : undefined;
    const rel = src ? path.relative(repo, src.file) : url ? path.relative(repo, url) : '';
    const fileKey = rel || n.callFrame.functionName || '(native)';
    const fnKey = `${n.callFrame.functionName || '(anonymous)'}${rel ? ` ${rel}:${src ? src.line + 1 : n.callFrame.lineNumber + 1}` : ''}`;
    byFn.set(fnKey, (byFn.get(fnKey) ?? 0) + t);
    byFile.set(fileKey, (byFile.get(fileKey) ?? 0) + t);
  }
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]).slice(0, top);
  return { total, byFunction: sorted(byFn), byFile: sorted(byFile) };
}

// ---- source maps (tsc's out/*.js.map), so profile positions name the .ts line ----

const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const maps = new Map<string, { sources: string[]; lines: Array<Array<[number, number, number]>> } | null>();

function decodeVlq(seg: string): number[] {
  const out: number[] = [];
  let v = 0;
  let shift = 0;
  for (const ch of seg) {
    const d = B64.indexOf(ch);
    v += (d & 31) << shift;
    if (d & 32) shift += 5;
    else {
      out.push(v & 1 ? -(v >>> 1) : v >>> 1);
      v = 0;
      shift = 0;
    }
  }
  return out;
}

function loadMap(js: string) {
  if (maps.has(js)) return maps.get(js)!;
  let m: { sources: string[]; lines: Array<Array<[number, number, number]>> } | null = null;
  try {
    const raw = JSON.parse(fs.readFileSync(`${js}.map`, 'utf8')) as { sources: string[]; sourceRoot?: string; mappings: string };
    const dir = path.dirname(js);
    const sources = raw.sources.map((s) => path.resolve(dir, raw.sourceRoot ?? '', s));
    let src = 0;
    let line = 0;
    const lines = raw.mappings.split(';').map((l) => {
      let col = 0;
      const segs: Array<[number, number, number]> = [];
      for (const seg of l.split(',')) {
        if (!seg) continue;
        const f = decodeVlq(seg);
        col += f[0];
        if (f.length >= 4) {
          src += f[1];
          line += f[2];
          segs.push([col, src, line]);
        }
      }
      return segs;
    });
    m = { sources, lines };
  } catch {
    m = null;
  }
  maps.set(js, m);
  return m;
}

/** Where generated position (0-based line, column) of a compiled file came from, if it has a source map. */
export function originalPosition(js: string, line: number, column: number): { file: string; line: number } | undefined {
  const m = loadMap(js);
  const segs = m?.lines[line];
  if (!m || !segs || segs.length === 0) return undefined;
  let best = segs[0];
  for (const s of segs) if (s[0] <= column) best = s;
  return { file: m.sources[best[1]], line: best[2] };
}
