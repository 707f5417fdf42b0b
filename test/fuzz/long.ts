// The long fuzz run: `npm run fuzz -- [--minutes N] [--seed S] [--jobs J] [--out DIR] [--seeds FILE...] [--no-tree-seeds]`.
// Besides the given seed files, the real memdesc headers of every kernel tree in the cache are mutation seeds
// (read from ~/.cache/memdesc-layout, never committed), unless --no-tree-seeds.
// The campaign runs in a worker thread; the main thread is its watchdog: an input that makes no progress for
// --hang seconds (default 60) of CPU time is a hang, reported with its case seed, and the run goes on with a new
// worker. CPU time, not wall time: on a loaded machine (a niced run sharing 2 cores at load 11) a chain of 12
// edits that needs 8 s of CPU went past 60 s of wall time (case seeds 1878486382 and 1467969712 of seed 4242117).
// Ten times --hang of wall time is still a hang (something waiting instead of computing).
// --jobs J runs J campaigns at once, one per core (job j's rounds take seeds S + j * 1,000,003 + r; job 0's are a
// single-job run's), and the figures add up. Each worker's stack is the main thread's size (V8's 984 KB), not a
// worker's default 4 MB: the server parses on its main thread, and a 4 MB stack hid a stack overflow there as a
// 5 s edit (case seed 759376906).
// Failures are written to --out (default fuzz-out/) with their minimized reproductions; the figures are
// printed as the README's table. Run it niced, away from benchmarks: `nice -n 19 npm run fuzz`.

import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { isMainThread, parentPort, Worker, workerData } from 'node:worker_threads';
import { campaign, Failure, Kind, KindStats, table } from './campaign';

interface Args {
  minutes: number;
  jobs: number;
  seed: number;
  out: string;
  hang: number;
  seeds: string[];
  treeSeeds: boolean;
}

/** The memdesc headers of the kernel trees in the cache (MEMDESC_CACHE), as mutation seeds. */
function treeSeedFiles(): string[] {
  const cache = process.env.MEMDESC_CACHE ?? path.join(os.homedir(), '.cache/memdesc-layout');
  const trees = path.join(cache, 'trees');
  const headers = ['include/linux/mm_types.h', 'mm/slab.h', 'mm/zpdesc.h', 'include/net/netmem.h', 'include/linux/spinlock_types.h', 'drivers/iommu/iommu-pages.h', 'include/linux/page-flags.h'];
  const out: string[] = [];
  if (!fs.existsSync(trees)) return out;
  for (const v of fs.readdirSync(trees).sort()) {
    const dir = path.join(trees, v);
    const roots = [path.join(dir, 'src'), ...fs.readdirSync(dir).filter((d) => d.startsWith('linux-source-')).map((d) => path.join(dir, d))];
    const root = roots.find((r) => fs.existsSync(path.join(r, 'include/linux/mm_types.h')));
    if (root) for (const h of headers) if (fs.existsSync(path.join(root, h))) out.push(path.join(root, h));
  }
  return out;
}

function args(argv: string[]): Args {
  const a: Args = { minutes: 10, jobs: 1, seed: Date.now() % 2 ** 31, out: 'fuzz-out', hang: 60, seeds: [], treeSeeds: true };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    if (argv[i] === '--minutes') (a.minutes = Number(v)), i++;
    else if (argv[i] === '--seed') (a.seed = Number(v)), i++;
    else if (argv[i] === '--jobs') (a.jobs = Math.max(1, Number(v))), i++;
    else if (argv[i] === '--out') (a.out = v), i++;
    else if (argv[i] === '--hang') (a.hang = Number(v)), i++;
    else if (argv[i] === '--no-tree-seeds') a.treeSeeds = false;
    else if (argv[i] === '--seeds') {
      while (argv[i + 1] && !argv[i + 1].startsWith('--')) a.seeds.push(argv[++i]);
    }
  }
  return a;
}

type Msg = { t: 'case'; kind: Kind; n: number; seed: number } | { t: 'failure'; f: Failure } | { t: 'progress'; stats: Record<Kind, KindStats> } | { t: 'done'; stats: Record<Kind, KindStats> };

/** V8's default stack for the main thread (--stack-size, 984 KB), where the server and the CLI analyse. */
const MAIN_THREAD_STACK_MB = 984 / 1024;

/** Inputs of the single-file kinds plus the edits of the incremental chains: the figure the long-run bar counts. */
function inputsAndEdits(stats: Record<string, KindStats>): number {
  return Object.entries(stats).reduce((n, [k, s]) => n + (k === 'incremental' ? (s.edits ?? 0) : s.inputs), 0);
}

if (!isMainThread) {
  const { seed, ms, extraSeeds } = workerData as { seed: number; ms: number; extraSeeds: string[] };
  const post = (m: Msg) => parentPort!.postMessage(m);
  // A progress line a minute, so that a long run shows its rate and its slowest edit while it runs.
  let lastProgress = Date.now();
  const onProgress = (stats: Record<Kind, KindStats>) => {
    if (Date.now() - lastProgress < 60_000) return;
    lastProgress = Date.now();
    post({ t: 'progress', stats });
  };
  const { stats } = campaign({ seed, ms, extraSeeds, chainSteps: 12, onCase: (kind, n, s) => post({ t: 'case', kind, n, seed: s }), onFailure: (f) => post({ t: 'failure', f }), onProgress });
  post({ t: 'done', stats });
} else {
  const a = args(process.argv.slice(2));
  fs.mkdirSync(a.out, { recursive: true });
  // Each seed file once: the given seeds are often among the trees' headers too.
  const seedFiles = [...new Set([...a.seeds, ...(a.treeSeeds ? treeSeedFiles() : [])].filter((f) => fs.existsSync(f)).map((f) => fs.realpathSync(f)))];
  console.log(`seed files (${seedFiles.length}): ${seedFiles.join(' ')}`);
  const extraSeeds = seedFiles.map((f) => fs.readFileSync(f, 'utf8'));
  const startedAt = Date.now();
  const deadline = startedAt + a.minutes * 60_000;
  const total: Record<string, KindStats> = {};
  const failures: Failure[] = [];
  const hangs: Array<{ kind: Kind; n: number; seed: number }> = [];
  let rss = 0;
  const save = (f: Failure) => {
    failures.push(f);
    const file = path.join(a.out, `${f.kind}-${f.seed}.txt`);
    fs.writeFileSync(file, `${f.violations.map((v) => `${v.invariant}: ${v.detail}`).join('\n')}\n\n--- reproduction (case seed ${f.seed}) ---\n${f.repro}\n`);
    console.log(`FAILURE ${f.kind} case seed ${f.seed}: ${f.violations[0].invariant} -> ${file}`);
  };
  const merge = (stats: Record<Kind, KindStats>) => {
    for (const [k, s] of Object.entries(stats)) {
      const t = (total[k] ??= { inputs: 0, failures: 0, slowest: undefined, bytes: 0, ms: 0, edits: s.edits === undefined ? undefined : 0, incrementalEdits: s.incrementalEdits === undefined ? undefined : 0 });
      t.inputs += s.inputs;
      t.failures += s.failures;
      t.bytes += s.bytes;
      t.ms += s.ms;
      if (s.edits !== undefined) t.edits! += s.edits;
      if (s.incrementalEdits !== undefined) t.incrementalEdits! += s.incrementalEdits;
      if (s.slowest && (!t.slowest || s.slowest.ms > t.slowest.ms)) t.slowest = s.slowest;
    }
  };
  // Each job's figures so far in its current round (a round's are merged into the total when it ends).
  const latest: Array<Record<Kind, KindStats> | undefined> = [];
  const soFar = () => inputsAndEdits(total) + latest.reduce((n, s) => n + (s ? inputsAndEdits(s) : 0), 0);
  const slowestEdit = () =>
    [total.incremental?.slowest, ...latest.map((s) => s?.incremental.slowest)].reduce<KindStats['slowest']>((m, e) => (e && (!m || e.ms > m.ms) ? e : m), undefined);
  const round = (seed: number, job: number): Promise<void> =>
    new Promise((resolve) => {
      const w = new Worker(__filename, { workerData: { seed, ms: Math.max(1000, deadline - Date.now()), extraSeeds }, resourceLimits: { stackSizeMb: MAIN_THREAD_STACK_MB } });
      let current: { kind: Kind; n: number; seed: number } | undefined;
      let last = Date.now();
      // The process's CPU time is the workers' (the main thread only waits here): with J jobs, J times as much.
      const cpuSeconds = () => {
        const u = process.cpuUsage();
        return (u.user + u.system) / 1e6;
      };
      let lastCpu = cpuSeconds();
      const timer = setInterval(() => {
        rss = Math.max(rss, process.memoryUsage().rss);
        const cpu = cpuSeconds() - lastCpu;
        const wall = (Date.now() - last) / 1000;
        if (cpu > a.hang * a.jobs || wall > a.hang * 10) {
          clearInterval(timer);
          if (current) {
            hangs.push(current);
            const what = `no progress for ${cpu.toFixed(0)} s of CPU time (${wall.toFixed(0)} s of wall time)`;
            console.log(`HANG ${current.kind} case seed ${current.seed}: ${what}`);
            fs.writeFileSync(path.join(a.out, `hang-${current.kind}-${current.seed}.txt`), `${what}; re-run with campaign({ seed }) case seed ${current.seed}\n`);
          }
          void w.terminate().then(() => resolve());
        }
      }, 1000);
      w.on('message', (m: Msg) => {
        last = Date.now();
        lastCpu = cpuSeconds();
        if (m.t === 'case') current = m;
        else if (m.t === 'failure') save(m.f);
        else if (m.t === 'progress') {
          latest[job] = m.stats;
          // One line a minute for the run (job 0 reports; the figures are every job's).
          if (job === 0) {
            const e = slowestEdit();
            console.log(`${((Date.now() - startedAt) / 60_000).toFixed(0)} min: ${soFar()} inputs and edits, ${failures.length} failures, ${hangs.length} hangs, slowest edit ${e ? `${e.ms.toFixed(0)} ms (case seed ${e.seed})` : '-'}`);
          }
        } else {
          latest[job] = undefined;
          merge(m.stats);
        }
      });
      w.on('error', (e) => {
        console.log(`worker died: ${String(e)}`);
        if (current) save({ kind: current.kind, seed: current.seed, case: current.n, violations: [{ invariant: 'the process survives', detail: String(e) }], repro: '(re-run the case seed)' });
      });
      w.on('exit', () => {
        clearInterval(timer);
        resolve();
      });
    });
  void (async () => {
    const t0 = Date.now();
    await Promise.all(
      Array.from({ length: a.jobs }, async (_, j) => {
        for (let r = 0; Date.now() < deadline; r++) await round(a.seed + j * 1_000_003 + r, j);
      }),
    );
    const minutes = ((Date.now() - t0) / 60_000).toFixed(1);
    const summary = `${table(total as Record<Kind, KindStats>)}\n\nseed ${a.seed}, ${a.jobs} job${a.jobs > 1 ? 's' : ''}, ${minutes} min, ${inputsAndEdits(total)} inputs and edits, ${failures.length} distinct failures, ${hangs.length} hangs (watchdog ${a.hang} s of CPU time), ${extraSeeds.length} extra seed files, peak RSS ${(rss / 2 ** 20).toFixed(0)} MiB`;
    console.log(summary);
    fs.writeFileSync(path.join(a.out, 'summary.md'), summary + '\n');
  })();
}
