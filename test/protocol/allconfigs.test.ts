// memdesc.allConfigs over stdio, on a small tree with a Kconfig (kconfig-fixture.ts) where ZPDESC_MATCH(_refcount,
// _refcount) fails only under a combination of symbols: the search runs in the background after the open, with
// work-done progress; the config-counterexample warning names the smallest assignment and the arch, with both members
// as related locations; its code actions show the layout under that config and give its full .config; the hover
// lists the relevant symbols; an edit of a comment keeps the results (moved with the text), an edit fixing the header
// clears the warning; a zero budget claims nothing; Kconfig's $(shell,...) is never run.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ExploredConfig, ExploredResult, LayoutResult } from '../../shared/protocol';
import { Diag, TestClient } from './client';
import { pos, tmpdir } from './fixtures';
import { KCONFIG_ZPDESC, KCONFIG_ZPDESC_FIXED, makeKconfigTree } from './kconfig-fixture';

const CODE = 'config-counterexample';
const warnings = (ds: Diag[]) => ds.filter((d) => d.code === CODE);

interface Action {
  title: string;
  kind?: string;
  diagnostics?: Diag[];
  command?: { title: string; command: string; arguments?: unknown[] };
}

describe('every configuration in the background (memdesc.allConfigs)', { timeout: 240_000 }, () => {
  let c: TestClient;
  let tree = '';
  let scratch = '';
  let marker = '';
  let zpdesc = '';
  let uri = '';

  /** Pulls until `ok` holds for the config-counterexample warnings (the search finishes in the background). */
  const pullUntil = async (what: string, ok: (ws: Diag[]) => boolean, ms = 60_000): Promise<Diag[]> => {
    const end = Date.now() + ms;
    for (;;) {
      const ws = warnings(await c.pull(uri));
      if (ok(ws)) return ws;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(ws)}; traces: ${c.traces.filter((t) => t.startsWith('all configs')).join(' | ')}; stderr: ${c.stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const explored = () => c.request('memdesc/explored', { uri }) as Promise<ExploredResult | null>;
  const untilDone = async (what: string): Promise<ExploredResult> => {
    const end = Date.now() + 60_000;
    for (;;) {
      const r = await explored();
      if (r?.state === 'done') return r;
      if (Date.now() > end) throw new Error(`the search never finished (${what}): ${JSON.stringify(r)}; ${c.stderr}`);
      await new Promise((res) => setTimeout(res, 100));
    }
  };

  before(async () => {
    scratch = tmpdir('allconfigs');
    marker = path.join(scratch, 'shell-ran');
    tree = makeKconfigTree(marker);
    zpdesc = path.join(tree, 'mm/zpdesc.h');
    c = await TestClient.start({ folders: [tree], progress: true, trace: 'messages' });
    uri = await c.open(zpdesc, KCONFIG_ZPDESC);
  });
  after(async () => {
    await c?.stop();
    fs.rmSync(tree, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('finds the combination that breaks ZPDESC_MATCH(_refcount, _refcount) and warns with its own code', async () => {
    const t0 = Date.now();
    const [w] = await pullUntil('the counterexample warning', (ws) => ws.length === 1);
    console.error(`# first search: warning after ${Date.now() - t0} ms`);
    assert.equal(w.severity, 2);
    assert.equal(w.range.start.line, pos(KCONFIG_ZPDESC, 'ZPDESC_MATCH(_refcount, _refcount);').line);
    // The smallest assignment among the symbols the verdict reads, and the arch; what else Kconfig needed.
    assert.match(w.message, /^ZPDESC_MATCH\(_refcount, _refcount\) fails on x86_64 with CONFIG_MEMCG=n \(its \.config also sets CONFIG_MEM_ALLOC_PROFILING=y\): offsetof\(struct page, _refcount\) is 24 but offsetof\(struct zpdesc, _refcount\) is 16\. Why: struct zpdesc: '_refcount' moved from offset 24 to 16/);
    // Both members, at their declarations.
    const rel = w.relatedInformation ?? [];
    assert.equal(rel.length, 2, JSON.stringify(rel));
    const page = rel.find((r) => r.message.startsWith('page._refcount'))!;
    const zp = rel.find((r) => r.message.startsWith('zpdesc._refcount'))!;
    assert.ok(page.location.uri.endsWith('/include/linux/mm_types.h'), page.location.uri);
    assert.equal(page.location.range.start.line, pos(fs.readFileSync(path.join(tree, 'include/linux/mm_types.h'), 'utf8'), 'int _refcount;').line);
    assert.match(page.message, /offset 24 there/);
    assert.ok(zp.location.uri.endsWith('/mm/zpdesc.h'));
    assert.equal(zp.location.range.start.line, pos(KCONFIG_ZPDESC, 'int _refcount;').line);
    assert.match(zp.message, /offset 16 there/);
    // The other assertion holds everywhere: no warning for it, and the search says so.
    const r = await untilDone('first');
    assert.deepEqual(r.arches.map((a) => [a.arch, a.complete]), [['x86_64', true]]);
    const flags = r.asserts.find((a) => a.text === 'ZPDESC_MATCH(flags, flags)')!;
    assert.equal(flags.holds, true);
    assert.deepEqual(flags.symbols, ['MEMCG', 'SLAB_OBJ_EXT']);
    // The distinct layouts met: the defconfig's, and the ones where zpdesc (and page) differ.
    assert.deepEqual(r.layouts[0], { arch: 'x86_64', assignment: {}, differs: [] });
    assert.ok(r.layouts.some((l) => l.differs.includes('struct zpdesc')), JSON.stringify(r.layouts));
  });

  it('reports its work as work-done progress: begin, reports, end', async () => {
    const tokens = new Set(c.progress.map((p) => p.token));
    assert.ok(tokens.size >= 1);
    const first = c.progress.filter((p) => p.token === c.progressTokens[0]);
    assert.equal(first[0].kind, 'begin');
    assert.equal(first[0].title, 'memdesc: every configuration');
    assert.equal(first[0].cancellable, true);
    assert.equal(first[first.length - 1].kind, 'end');
    assert.ok(first.some((p) => p.kind === 'report' && /1 counterexample/.test(p.message ?? '')), JSON.stringify(first));
  });

  it('offers two code actions on the warning; the .config one gives the full text, the layout one a diagram model', async () => {
    const [w] = warnings(await c.pull(uri));
    const actions = (await c.request('textDocument/codeAction', { textDocument: { uri }, range: w.range, context: { diagnostics: [w] } })) as Action[];
    assert.deepEqual(actions.map((a) => a.title), ['Show layout under this config (x86_64: CONFIG_MEMCG=n)', 'Open counterexample .config (x86_64: CONFIG_MEMCG=n)']);
    for (const a of actions) {
      assert.equal(a.kind, 'quickfix');
      assert.equal(a.diagnostics?.[0]?.code, CODE);
    }
    assert.equal(actions[0].command?.command, 'memdesc.showExploredLayout');
    assert.equal(actions[1].command?.command, 'memdesc.openExploredConfig');
    // Elsewhere in the file: nothing.
    assert.deepEqual(await c.request('textDocument/codeAction', { textDocument: { uri }, range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, context: { diagnostics: [] } }), []);
    const config = (await c.request('memdesc/exploredConfig', actions[1].command!.arguments![0])) as ExploredConfig;
    assert.equal(config.arch, 'x86_64');
    assert.match(config.label, /x86_64 defconfig \+ CONFIG_MEMCG=n/);
    assert.match(config.config, /^# CONFIG_MEMCG is not set$/m);
    assert.match(config.config, /^CONFIG_MEM_ALLOC_PROFILING=y$/m);
    assert.match(config.config, /^CONFIG_SLAB_OBJ_EXT=y$/m);
    // The diagram under that .config: zpdesc lost memcg_data, page kept it.
    const model = (await c.request('memdesc/layout', { uri, arch: config.arch, configText: config.config, configLabel: config.label })) as LayoutResult;
    assert.equal(model.configKind, 'text');
    assert.equal(model.configSource, config.label);
    const member = (s: string, m: string) => model.structs.find((x) => x.name === s)?.nodes.find((n) => n.name === m);
    assert.equal(member('zpdesc', '_refcount')?.offset, 16);
    assert.equal(member('zpdesc', 'memcg_data'), undefined);
    assert.equal(member('page', '_refcount')?.offset, 24);
    assert.ok(model.findings.some((f) => f.code === 'assert-fails' && f.message.startsWith('ZPDESC_MATCH(_refcount, _refcount)')));
    // A layout of the picker: the defconfig with its assignment applied.
    const r = await untilDone('layouts');
    const other = r.layouts.find((l) => l.differs.includes('struct page'))!;
    const lc = (await c.request('memdesc/exploredConfig', { uri, arch: 'x86_64', assignment: other.assignment })) as ExploredConfig;
    for (const [k, v] of Object.entries(other.assignment)) assert.match(lc.config, v === 'n' ? new RegExp(`^# ${k} is not set$`, 'm') : new RegExp(`^${k}=${v}$`, 'm'));
  });

  it('the hover on an assertion lists the Kconfig symbols its verdict reads, and its verdict in every configuration', async () => {
    const h = await c.hover(uri, pos(KCONFIG_ZPDESC, 'ZPDESC_MATCH(_refcount, _refcount);', 2));
    // (The engine also counts the symbols autoconf.h defines right before struct page, the first tokens of this small
    // tree: an over-approximation that a real tree, with declarations before struct page, does not show.)
    const symbols = /Kconfig symbols its verdict reads \(x86_64, this config\): ([^\n]*)/.exec(h)?.[1] ?? '';
    for (const s of ['MEMCG', 'SLAB_OBJ_EXT']) assert.match(symbols, new RegExp(`\`${s}\``), h);
    assert.doesNotMatch(symbols, /MEM_ALLOC_PROFILING|DEBUG_VM/);
    assert.match(h, /every configuration of x86_64: \*\*fails\*\* with CONFIG_MEMCG=n/);
    const f = await c.hover(uri, pos(KCONFIG_ZPDESC, 'ZPDESC_MATCH(flags, flags);', 2));
    assert.match(f, /every configuration of x86_64: holds in all valid configurations \(\d+ cases?; symbols MEMCG, SLAB_OBJ_EXT\)/);
  });

  it('an edit of a comment keeps the results (moved with the text) without searching again', async () => {
    const began = c.progress.filter((p) => p.kind === 'begin').length;
    const commented = KCONFIG_ZPDESC.replace('struct zpdesc {', '/* a comment\n   over two lines */\nstruct zpdesc {');
    await c.change(uri, 2, commented);
    const [w] = await pullUntil('the warning moved two lines down', (ws) => ws.length === 1 && ws[0].range.start.line === pos(commented, 'ZPDESC_MATCH(_refcount, _refcount);').line);
    assert.match(w.message, /with CONFIG_MEMCG=n/);
    // Past the debounce: no new search began.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(c.progress.filter((p) => p.kind === 'begin').length, began, 'no search for an edit of a comment');
    assert.equal((await explored())?.state, 'done');
    await c.change(uri, 3, KCONFIG_ZPDESC);
  });

  it('an edit that fixes the header clears the warning once the search for the new text is done', async () => {
    const began = c.progress.filter((p) => p.kind === 'begin').length;
    await c.change(uri, 4, KCONFIG_ZPDESC_FIXED);
    // Results for the old text are never shown for the new one.
    assert.deepEqual(warnings(await c.pull(uri)), []);
    assert.equal((await explored())?.state, 'pending');
    const r = await untilDone('after the fix');
    assert.ok(r.asserts.every((a) => a.holds === true), JSON.stringify(r.asserts));
    assert.deepEqual(warnings(await c.pull(uri)), []);
    assert.ok(c.progress.filter((p) => p.kind === 'begin').length > began, 'the edit started a search');
    // And back: the warning returns.
    await c.change(uri, 5, KCONFIG_ZPDESC);
    await pullUntil('the warning again', (ws) => ws.length === 1);
  });

  it('an edit of another header the search read (struct page, open in an editor) searches again; a comment there does not', async () => {
    const begins = () => c.progress.filter((p) => p.kind === 'begin').length;
    const mmFile = path.join(tree, 'include/linux/mm_types.h');
    const mmText = fs.readFileSync(mmFile, 'utf8');
    const mm = await c.open(mmFile, mmText);
    await untilDone('after opening mm_types.h');
    const began = begins();
    await c.change(mm, 2, mmText.replace('struct page {', '/* a comment */\nstruct page {'));
    // Past the debounce: no new search, and the warning stands.
    await new Promise((r) => setTimeout(r, 2500));
    assert.equal(begins(), began, 'no search for a comment in mm_types.h');
    assert.equal(warnings(await c.pull(uri)).length, 1);
    // struct page's guard follows MEMCG too: zpdesc's assertion now holds everywhere, once searched again.
    await c.change(mm, 3, mmText.replace('#ifdef CONFIG_SLAB_OBJ_EXT', '#ifdef CONFIG_MEMCG'));
    assert.notEqual((await explored())?.state, 'done', 'the results for the old struct page are not current');
    const r = await untilDone('after the edit of mm_types.h');
    assert.ok(r.asserts.every((a) => a.holds === true), JSON.stringify(r.asserts));
    assert.deepEqual(warnings(await c.pull(uri)), []);
    assert.ok(begins() > began, 'the edit of mm_types.h started a search');
    await c.change(mm, 4, mmText);
    await c.close(mm);
    await pullUntil('the warning again', (ws) => ws.length === 1);
  });

  it('never runs what the Kconfig asks to run (a toolchain probe is a free variable)', () => {
    assert.equal(fs.existsSync(marker), false, 'the $(shell,...) of CC_HAS_MARKER was not run');
  });

  it('a zero budget claims nothing: no warning, assertions not decided', async () => {
    c.settings = { allConfigs: { budget: 0 } };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const r = await untilDone('with a zero budget');
    assert.ok(r.asserts.every((a) => a.holds === null && /time budget/.test(a.note ?? '')), JSON.stringify(r.asserts));
    assert.deepEqual(r.arches.map((a) => a.complete), [false]);
    assert.deepEqual(warnings(await c.pull(uri)), []);
    const h = await c.hover(uri, pos(KCONFIG_ZPDESC, 'ZPDESC_MATCH(_refcount, _refcount);', 2));
    assert.match(h, /every configuration of x86_64: not decided \(the time budget ended/);
  });

  it('two arches, then off: each arch searched on its own; the switch turns it all off', async () => {
    c.settings = { allConfigs: { arches: ['configured', 'i386'] } };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const ws = await pullUntil('a warning per arch', (x) => x.length === 2);
    assert.deepEqual(ws.map((w) => /fails on (\w+)/.exec(w.message)?.[1]).sort(), ['i386', 'x86_64']);
    assert.match(ws.find((w) => w.message.includes('on i386'))!.message, /offsetof\(struct page, _refcount\) is 12 but offsetof\(struct zpdesc, _refcount\) is 8/);
    c.settings = { allConfigs: { enabled: false } };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    assert.deepEqual(warnings(await c.pull(uri)), []);
    assert.equal((await explored())?.state, 'off');
  });
});
