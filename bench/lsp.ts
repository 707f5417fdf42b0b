// Language-server benchmark: the bundled server over stdio with a real kernel tree open (and its build dir as
// a second workspace folder). Hover p50/p99 on the members of struct page and its descriptors; edit →
// diagnostics p50/p95 (a member inserted into struct page, then undone; didChange to the pull answer, and to
// the publish for a client without pull); RSS after open and after 1,000 edits. For comparison, clangd's
// first hover on mm_types.h with a compile_commands.json from the kernel's own gen_compile_commands.py.
// usage: node out/bench/lsp.js SRC [BUILD]     (npm run bench:lsp -- SRC [BUILD])
// env: BENCH_HOVERS (500), BENCH_EDITS (20 round trips), BENCH_STORM (1000), BENCH_CLANGD=0 to skip clangd.

import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  CancellationTokenSource,
  createProtocolConnection,
  InitializeRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { TestClient } from '../test/protocol/client';

const [srcArg, buildArg] = process.argv.slice(2);
if (!srcArg) {
  console.error('usage: node out/bench/lsp.js SRC [BUILD]');
  process.exit(2);
}
const src = path.resolve(srcArg);
const build = buildArg ? path.resolve(buildArg) : undefined;
const HOVERS = Number(process.env.BENCH_HOVERS ?? 500);
const EDITS = Number(process.env.BENCH_EDITS ?? 20);
const STORM = Number(process.env.BENCH_STORM ?? 1000);
const mmTypes = path.join(src, 'include/linux/mm_types.h');
const original = fs.readFileSync(mmTypes, 'utf8');

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)];
};
const f1 = (x: number) => x.toFixed(x < 10 ? 2 : 0);
const ms = (t0: number) => performance.now() - t0;
const sleep = (n: number) => new Promise((r) => setTimeout(r, n));
/** Resident set size of a process, MiB (VmRSS; VmHWM is the peak). */
function rss(pid: number | undefined): { now: number; peak: number } {
  const s = pid ? fs.readFileSync(`/proc/${pid}/status`, 'utf8') : '';
  const kb = (k: string) => Number(new RegExp(`^${k}:\\s+(\\d+) kB`, 'm').exec(s)?.[1] ?? NaN);
  return { now: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
}

/** The text with a member inserted at the top of struct page (every offset after it moves). */
const inserted = (name: string) => original.replace(/(\nstruct page \{\n)/, `$1\tunsigned long ${name};\n`);
if (inserted('x') === original) throw new Error('no "struct page {" line in mm_types.h');

type Sym = { name: string; selectionRange: { start: { line: number; character: number } }; children?: Sym[] };

async function memdescLayout(): Promise<string[]> {
  const rows: string[] = [];
  const out = (s: string) => {
    rows.push(s);
    console.log(s);
  };
  const folders = build ? [src, build] : [src];
  // ---- pull client ----
  // Tracing at `messages` level: the server reports each analysis with its duration (one short notification).
  // The every-configuration search is left out here: it runs in a worker thread of its own for up to its budget
  // after an open and would share the two cores with what is measured (its cost: BENCHMARKS.md, Every configuration).
  const c = await TestClient.start({ folders, trace: 'messages', settings: { allConfigs: { enabled: false } } });
  const analysesMs = () => c.traces.map((t) => /^analysed .* in (\d+) ms/.exec(t)).filter((m) => m).map((m) => Number(m![1]));
  const pid = c.child.pid;
  let t0 = performance.now();
  const uri = await c.open(mmTypes, original);
  const first = await c.pull(uri);
  const openMs = ms(t0);
  const afterOpen = rss(pid);
  // The server collects the garbage of an analysis once it has been idle for a second.
  await sleep(2500);
  const afterOpenIdle = rss(pid);
  const layout = (await c.request('memdesc/layout', { uri })) as { structs: Array<{ name: string }>; configSource: string | null };
  const model = new Set(layout.structs.map((s) => s.name));
  const syms = (await c.request('textDocument/documentSymbol', { textDocument: { uri } })) as Sym[];
  const leaves = (ss: Sym[]): Sym[] => ss.flatMap((x) => (x.children?.length ? leaves(x.children) : x.name === 'struct' || x.name === 'union' ? [] : [x]));
  const targets = leaves(syms.filter((s) => model.has(s.name.replace(/^(struct|union) /, ''))).flatMap((s) => s.children ?? [])).map((m) => ({ line: m.selectionRange.start.line, character: m.selectionRange.start.character + 1 }));
  if (!targets.length) throw new Error('no memdesc members found through documentSymbol');

  // Hover: every member of page and the descriptors in turn, analysis warm.
  const hovers: number[] = [];
  let empty = 0;
  for (let i = 0; i < HOVERS; i++) {
    t0 = performance.now();
    const h = await c.hover(uri, targets[i % targets.length]);
    hovers.push(ms(t0));
    if (!h) empty++;
  }

  // Edit → diagnostics (pull): insert a member into struct page, then undo; didChange to the pull answer.
  const edits: number[] = [];
  const hoverAfterEdit: number[] = [];
  const analysesBefore = analysesMs().length;
  let version = 1;
  let failing = 0;
  for (let i = 0; i < EDITS; i++) {
    for (const text of [inserted(`bench_${i}`), original]) {
      version++;
      t0 = performance.now();
      await c.change(uri, version, text);
      const d = await c.pull(uri);
      edits.push(ms(t0));
      if (text !== original) failing = d.filter((x) => x.code === 'assert-fails').length;
    }
    // A hover as the first request after an edit pays for the re-analysis.
    version++;
    await c.change(uri, version, inserted(`bench_h${i}`));
    t0 = performance.now();
    await c.hover(uri, targets[0]);
    hoverAfterEdit.push(ms(t0));
    version++;
    await c.change(uri, version, original);
    await c.pull(uri);
  }

  const engine = analysesMs().slice(analysesBefore);
  // 1,000 edits as an editor sends them while typing fast: each followed by a pull that the next edit cancels.
  let answered = 0;
  let cancelled = 0;
  let pending: { source: CancellationTokenSource; p: Promise<unknown> } | undefined;
  t0 = performance.now();
  for (let i = 0; i < STORM; i++) {
    version++;
    pending?.source.cancel();
    await c.change(uri, version, i % 2 ? original : inserted(`storm_${i}`));
    const source = new CancellationTokenSource();
    const p = c.conn.sendRequest('textDocument/diagnostic', { textDocument: { uri } }, source.token).then(
      () => answered++,
      () => cancelled++,
    );
    pending = { source, p };
  }
  await pending?.p;
  const stormMs = ms(t0);
  const final = await c.pull(uri);
  const afterStorm = rss(pid);
  await sleep(2500);
  const afterStormIdle = rss(pid);
  await c.stop();

  // ---- push client (no pull diagnostics): didChange to the publish of that version ----
  const p = await TestClient.start({ folders, pull: false, settings: { allConfigs: { enabled: false } } });
  const puri = await p.open(mmTypes, original);
  await p.waitFor(() => p.lastPublished(puri)?.version === 1, 'the first publish', 120_000);
  const pushes: number[] = [];
  let pv = 1;
  for (let i = 0; i < Math.max(3, Math.floor(EDITS / 2)); i++) {
    for (const text of [inserted(`push_${i}`), original]) {
      pv++;
      t0 = performance.now();
      await p.change(puri, pv, text);
      await p.waitFor(() => p.lastPublished(puri)?.version === pv, `the publish of version ${pv}`, 120_000);
      pushes.push(ms(t0));
    }
  }
  await p.stop();

  out(`tree: ${src}${build ? `, build dir ${build} (found as a workspace folder)` : ''}; config: ${layout.configSource ?? '?'}`);
  out(`memdesc set: ${[...model].join(', ')}; ${targets.length} members hovered in turn; ${first.length} diagnostics on open (${first.filter((d) => d.severity === 1 || d.severity === 2).length} at error/warning)`);
  out('| measure (memdesc-layout over stdio) | value |');
  out('|---|---|');
  out(`| open mm_types.h → first pull answer (cold: bounds.h, whole memdesc set) | ${f1(openMs)} ms |`);
  out(`| hover p50 / p99 (${HOVERS} hovers, analysis cached; ${empty} empty) | ${f1(pct(hovers, 50))} / ${f1(pct(hovers, 99))} ms |`);
  out(`| edit → diagnostics (pull) p50 / p95 (${edits.length} edits: insert into struct page, undo; ${failing} assertions fail after the insert) | ${f1(pct(edits, 50))} / ${f1(pct(edits, 95))} ms |`);
  out(`| of which the engine's re-analysis of the memdesc set (server-side, all ${engine.length} analyses of that phase) p50 / p95 | ${f1(pct(engine, 50))} / ${f1(pct(engine, 95))} ms |`);
  out(`| edit → diagnostics (publish, 100 ms debounce included) p50 / p95 (${pushes.length} edits) | ${f1(pct(pushes, 50))} / ${f1(pct(pushes, 95))} ms |`);
  out(`| first hover after an edit (pays the re-analysis) p50 / p95 (${hoverAfterEdit.length}) | ${f1(pct(hoverAfterEdit, 50))} / ${f1(pct(hoverAfterEdit, 95))} ms |`);
  out(`| ${STORM} edits, each followed by a pull the next edit cancels: wall time; pulls answered / cancelled | ${f1(stormMs)} ms; ${answered} / ${cancelled} |`);
  out(`| diagnostics after those edits = the unedited file's | ${JSON.stringify(final.map((d) => d.message)) === JSON.stringify(first.map((d) => d.message)) ? 'yes' : 'NO'} |`);
  out(`| server RSS after open: at the answer / after 2.5 s idle | ${f1(afterOpen.now)} / ${f1(afterOpenIdle.now)} MiB |`);
  out(`| server RSS after ${HOVERS} hovers, ${edits.length + 2 * EDITS} measured edits and ${STORM} more: at the last answer / after 2.5 s idle (peak over the run) | ${f1(afterStorm.now)} / ${f1(afterStormIdle.now)} MiB (${f1(afterStormIdle.peak)}) |`);
  return rows;
}

// ---- clangd, for comparison ----

function clangdCdb(): { dir: string; note: string } | { error: string } {
  if (spawnSync('clangd', ['--version']).status !== 0) return { error: 'clangd is not installed (apt-get install clangd)' };
  if (!build) return { error: 'no build dir given: clangd needs compile_commands.json from a configured, prepared build' };
  const gen = path.join(src, 'scripts/clang-tools/gen_compile_commands.py');
  if (!fs.existsSync(gen)) return { error: `${gen} is missing` };
  // gen_compile_commands.py reads kbuild's .cmd files: build one mm/ object if the build dir has none.
  const mmDir = path.join(build, 'mm');
  let note = '';
  if (!fs.existsSync(mmDir) || !fs.readdirSync(mmDir).some((f) => f.endsWith('.o.cmd'))) {
    const cache = process.env.MEMDESC_CACHE ?? path.join(os.homedir(), '.cache/memdesc-layout');
    const t0 = performance.now();
    const r = spawnSync('flock', [path.join(cache, '.make.lock'), 'make', '-s', '-C', src, `O=${build}`, `-j${os.cpus().length}`, 'mm/slab_common.o'], { stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' });
    if (r.status !== 0) return { error: `make mm/slab_common.o failed: ${r.stderr.slice(-500)}` };
    note = `built mm/slab_common.o for its .cmd file in ${f1(ms(t0) / 1000)} s; `;
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-bench-cdb-'));
  // Only mm/'s commands: clangd infers a header's command from the nearest source file in the database.
  const r = spawnSync('python3', [gen, '-d', build, '-o', path.join(dir, 'compile_commands.json'), mmDir], { cwd: src, encoding: 'utf8' });
  if (r.status !== 0) return { error: `gen_compile_commands.py failed: ${r.stderr}` };
  const n = (JSON.parse(fs.readFileSync(path.join(dir, 'compile_commands.json'), 'utf8')) as unknown[]).length;
  return { dir, note: `${note}compile_commands.json: ${n} commands from ${mmDir}` };
}

async function clangd(): Promise<string[]> {
  const rows: string[] = [];
  const out = (s: string) => {
    rows.push(s);
    console.log(s);
  };
  const cdb = clangdCdb();
  if ('error' in cdb) {
    out(`clangd: not measured: ${cdb.error}`);
    return rows;
  }
  const child = spawn('clangd', [`--compile-commands-dir=${cdb.dir}`, '--background-index=false', '--log=error', '-j=2'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d) => (stderr = (stderr + d).slice(-4000)));
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  conn.onNotification('textDocument/publishDiagnostics', () => undefined);
  conn.onRequest('window/workDoneProgress/create', () => null);
  conn.listen();
  try {
    const uri = pathToFileURL(mmTypes).toString();
    await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: pathToFileURL(src).toString(), capabilities: { textDocument: { hover: { contentFormat: ['markdown', 'plaintext'] } } }, workspaceFolders: null });
    await conn.sendNotification('initialized', {});
    const lines = original.split('\n');
    const pageAt = lines.findIndex((l) => l === 'struct page {');
    const mappingAt = lines.findIndex((l, i) => i > pageAt && /\sstruct address_space \*mapping;/.test(l));
    const pos = { line: mappingAt, character: lines[mappingAt].indexOf('mapping') + 2 };
    const t0 = performance.now();
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: original } });
    let text = '';
    let tries = 0;
    const deadline = Date.now() + 300_000;
    while (!text && Date.now() < deadline) {
      tries++;
      const h = (await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: pos })) as { contents?: { value?: string } } | null;
      text = h?.contents?.value ?? '';
      if (!text) await new Promise((r) => setTimeout(r, 50));
    }
    const firstHover = ms(t0);
    const warm: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t = performance.now();
      await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: pos });
      warm.push(ms(t));
    }
    const mem = rss(child.pid);
    const said = text.split('\n').filter((l) => /Offset|Size|offset|size/.test(l)).join(' / ').slice(0, 160);
    out(`clangd: ${spawnSync('clangd', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0]}; ${cdb.note}`);
    out('| measure (clangd over stdio, same file) | value |');
    out('|---|---|');
    out(`| didOpen mm_types.h → first hover with content (page.mapping; ${tries} request${tries === 1 ? '' : 's'}) | ${f1(firstHover)} ms |`);
    out(`| hover p50 / p99 after that (100 hovers) | ${f1(pct(warm, 50))} / ${f1(pct(warm, 99))} ms |`);
    out(`| clangd RSS after the first hover | ${f1(mem.now)} MiB |`);
    out(`| what clangd's hover says about page.mapping | ${said || '(no offset or size line)'} |`);
  } catch (e) {
    out(`clangd: failed: ${e instanceof Error ? e.message : String(e)}; stderr: ${stderr.slice(-300)}`);
  } finally {
    conn.dispose();
    child.kill('SIGKILL');
    fs.rmSync(cdb.dir, { recursive: true, force: true });
  }
  return rows;
}

void (async () => {
  console.log(`machine: ${os.cpus()[0]?.model ?? '?'} x${os.cpus().length}, node ${process.version}, load average ${os.loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  await memdescLayout();
  if (process.env.BENCH_CLANGD !== '0') await clangd();
})().catch((e) => {
  console.error(e);
  process.exit(1);
});
