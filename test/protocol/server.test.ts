// The bundled server over stdio, driven by a real LSP client library, on a kernel-shaped fixture tree:
// every feature of the issue (hover on members, in MATCH invocations and on tags; pull diagnostics after an
// edit that breaks an assertion and after its undo; inlay hints in each mode; code lens; symbols; definition;
// references; memdesc/layout) and which documents are served at all.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CodeLensRequest, DefinitionRequest, DocumentSymbolRequest, InlayHintRequest, ReferencesRequest } from 'vscode-languageserver-protocol/node';
import { loud, TestClient } from './client';
import { makeTree, MM_TYPES, pos, SKETCH, tmpdir, write } from './fixtures';

const WHOLE = { start: { line: 0, character: 0 }, end: { line: 9999, character: 0 } };

describe('language server features on a kernel-shaped tree', { timeout: 180_000 }, () => {
  let c: TestClient;
  let tree = '';
  let mm = '';
  let uri = '';
  const text = MM_TYPES;

  before(async () => {
    tree = makeTree();
    mm = path.join(tree, 'include/linux/mm_types.h');
    c = await TestClient.start({ folders: [tree] });
    uri = await c.open(mm);
  });
  after(async () => {
    await c?.stop();
    fs.rmSync(tree, { recursive: true, force: true });
  });

  it('hovers a member: absolute offset, size, alignment, the overlap table and the governing assertion', async () => {
    const h = await c.hover(uri, pos(text, 'void *slab_cache;', 8));
    assert.match(h, /^### slab\.slab_cache$/m);
    assert.match(h, /`void \*` · offset \*\*8\*\* · size 8 · align 8 · x86_64/);
    assert.match(h, /\| page \| compound_head \| same bytes, asserted \|/);
    assert.match(h, /\| folio \| lru \| partly \|/);
    assert.match(h, /`SLAB_MATCH\(compound_head, slab_cache\)` holds: /);
  });

  it('hovers a bitfield with its bit range, and a member on the second page of a descriptor', async () => {
    const frozen = await c.hover(uri, pos(text, 'unsigned frozen:1;', 10));
    assert.match(frozen, /### slab\.frozen/);
    assert.match(frozen, /bits 7\.\.7 of byte 27 \(bit 223, 1 wide\)/);
    const head1 = await c.hover(uri, pos(text, 'unsigned long _head_1;', 15));
    assert.match(head1, /offset \*\*64\*\*/);
    assert.match(head1, /on page 1 of the descriptor/);
    assert.match(head1, /\| page \| compound_head \| same bytes, asserted \|/);
  });

  it('hovers a member named inside a MATCH invocation, on either side', async () => {
    const line = 'SLAB_MATCH(_refcount, __page_refcount);';
    const pageSide = await c.hover(uri, pos(text, line, 12));
    assert.match(pageSide, /^### page\._refcount$/m);
    assert.match(pageSide, /offset \*\*48\*\*/);
    const slabSide = await c.hover(uri, pos(text, line, line.indexOf('__page_refcount') + 3));
    assert.match(slabSide, /^### slab\.__page_refcount$/m);
    assert.match(slabSide, /`SLAB_MATCH\(_refcount, __page_refcount\)` holds/);
    // Between the names, the invocation itself: its verdict.
    const verdict = await c.hover(uri, pos(text, line, 2));
    assert.match(verdict, /^`SLAB_MATCH\(_refcount, __page_refcount\)` holds/);
  });

  it('hovers a struct tag: size, alignment, cachelines, holes, padding, overlay, assertion summary, diagram link', async () => {
    const h = await c.hover(uri, pos(text, 'struct slab {', 8));
    assert.match(h, /^### struct slab$/m);
    assert.match(h, /size \*\*56\*\* · align 8 · 1 cacheline · x86_64/);
    assert.match(h, /0 holes \(0 bytes\) · 4 bytes padding/);
    assert.match(h, /overlays struct page/);
    assert.match(h, /assertions: 3 hold, 0 fail/);
    assert.match(h, /\[Open layout diagram\]\(command:memdesc\.openLayout\?[^)]+\)/);
    const folio = await c.hover(uri, pos(text, 'struct folio {', 8));
    assert.match(folio, /overlays struct page \(2 pages\)/);
  });

  it('pull diagnostics: an edit that breaks an assertion, then its undo', async () => {
    assert.deepEqual(loud(await c.pull(uri)), []);
    const broken = text.replace('\tvoid *pad;\n', '\tvoid *pad;\n\tint inserted;\n');
    await c.change(uri, 2, broken);
    const d1 = await c.pull(uri);
    const fail = d1.find((d) => d.code === 'assert-fails');
    assert.ok(fail, JSON.stringify(d1));
    assert.equal(fail.severity, 1);
    assert.match(fail.message, /^SLAB_MATCH\(_refcount, __page_refcount\) fails on x86_64: offsetof\(struct page, _refcount\) is 48 but offsetof\(struct slab, __page_refcount\) is 52/);
    assert.equal(fail.range.start.line, pos(broken, 'SLAB_MATCH(_refcount').line);
    assert.deepEqual(fail.relatedInformation?.map((r) => [r.location.range.start.line, r.message]), [
      [pos(broken, 'int _refcount;').line, 'page._refcount at offset 48'],
      [pos(broken, 'int __page_refcount;').line, 'slab.__page_refcount at offset 52'],
    ]);
    assert.match(fail.codeDescription?.href ?? '', /README\.md#rules$/);
    await c.change(uri, 3, text);
    assert.deepEqual(loud(await c.pull(uri)), []);
  });

  it('inlay hints: pahole-style offsets, full mode with holes and pairs, hex, and off', async () => {
    const hints = async () => (await c.request(InlayHintRequest.type.method, { textDocument: { uri }, range: WHOLE })) as Array<{ label: string; position: { line: number } }>;
    const at = (hs: Array<{ label: string; position: { line: number } }>, needle: string) => hs.find((h) => h.position.line === pos(text, needle).line)?.label;
    let hs = await hints();
    assert.equal(at(hs, 'int __page_refcount;'), '/* 48 4 */');
    assert.equal(at(hs, 'unsigned frozen:1;'), '/* 27:7 4 */');
    c.settings = { inlayHints: 'full', numberFormat: 'hex' };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    hs = await hints();
    assert.equal(at(hs, 'int __page_refcount;'), '/* 0x30 0x4 */ /* XXX 4-byte hole */ = page._refcount');
    c.settings = { inlayHints: 'off' };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    assert.deepEqual(await hints(), []);
    c.settings = {};
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
  });

  it('document symbols: the struct/union tree with offsets in detail', async () => {
    type Sym = { name: string; detail: string; children?: Sym[] };
    const syms = (await c.request(DocumentSymbolRequest.type.method, { textDocument: { uri } })) as Sym[];
    assert.deepEqual(syms.map((s) => s.name), ['struct list_head', 'struct page', 'struct slab', 'struct folio']);
    const page = syms.find((s) => s.name === 'struct page')!;
    assert.deepEqual(page.children!.map((m) => [m.name, m.detail]), [['flags', 'offset 0, size 8'], ['union', 'offset 8, size 32'], ['private', 'offset 40, size 8'], ['_refcount', 'offset 48, size 4']]);
    // Union arms side by side, each an anonymous struct holding its members at absolute offsets.
    assert.deepEqual(page.children![1].children!.map((arm) => [arm.name, arm.children!.map((m) => `${m.name}@${m.detail}`)]), [
      ['struct', ['lru@offset 8, size 16', 'mapping@offset 24, size 8', 'index@offset 32, size 8']],
      ['struct', ['compound_head@offset 8, size 8', 'order@offset 16, size 1']],
    ]);
    const find = (ss: Sym[], name: string): Sym | undefined => ss.map((x) => (x.name === name ? x : find(x.children ?? [], name))).find((x) => x);
    const slab = syms.find((s) => s.name === 'struct slab')!;
    assert.equal(slab.detail, 'size 56, align 8');
    assert.equal(find([slab], 'counters')?.detail, 'offset 24, size 8');
    assert.equal(find([slab], 'objects')?.detail, 'offset 26, size 4, bits 0+15');
  });

  it('go to definition: type names, and member names inside MATCH invocations on both sides', async () => {
    const def = async (needle: string, plus: number) => ((await c.request(DefinitionRequest.type.method, { textDocument: { uri }, position: pos(text, needle, plus) })) as Array<{ uri: string; range: { start: { line: number } } }>);
    const match = 'SLAB_MATCH(compound_head, slab_cache);';
    assert.equal((await def(match, match.indexOf('slab_cache') + 2))[0].range.start.line, pos(text, 'void *slab_cache;').line);
    assert.equal((await def(match, match.indexOf('compound_head') + 2))[0].range.start.line, pos(text, 'unsigned long compound_head;').line);
    const folioMatch = 'FOLIO_MATCH(compound_head, _head_1);';
    assert.equal((await def(folioMatch, folioMatch.indexOf('_head_1') + 1))[0].range.start.line, pos(text, 'unsigned long _head_1;').line);
    const tag = await def('struct list_head lru;', 'struct list'.length);
    assert.equal(tag[0].range.start.line, pos(text, 'struct list_head {').line);
    assert.equal(tag[0].uri, uri);
  });

  it('references: a member\'s declaration and every assertion that names it', async () => {
    const refs = (await c.request(ReferencesRequest.type.method, { textDocument: { uri }, position: pos(text, 'unsigned long compound_head;', 16), context: { includeDeclaration: true } })) as Array<{ range: { start: { line: number; character: number } } }>;
    const a = 'SLAB_MATCH(compound_head, slab_cache);';
    const b = 'FOLIO_MATCH(compound_head, _head_1);';
    assert.deepEqual(refs.map((r) => r.range.start), [pos(text, 'compound_head;'), pos(text, a, a.indexOf('compound_head')), pos(text, b, b.indexOf('compound_head'))]);
    const noDecl = (await c.request(ReferencesRequest.type.method, { textDocument: { uri }, position: pos(text, 'unsigned long compound_head;', 16), context: { includeDeclaration: false } })) as unknown[];
    assert.equal(noDecl.length, 2);
  });

  it('code lens on struct page and each descriptor', async () => {
    const lenses = (await c.request(CodeLensRequest.type.method, { textDocument: { uri } })) as Array<{ range: { start: { line: number } }; command?: { title: string; command: string; arguments?: unknown[] } }>;
    assert.deepEqual(lenses.map((l) => l.range.start.line), [pos(text, 'struct page {').line, pos(text, 'struct slab {').line, pos(text, 'struct folio {').line]);
    assert.equal(lenses[0].command!.title, '56 bytes · 0 holes · 8/8 assertions hold · Open layout diagram');
    assert.equal(lenses[1].command!.title, '56 bytes · 0 holes · overlays page · 3/3 assertions hold · Open layout diagram');
    assert.equal(lenses[2].command!.title, '112 bytes · 0 holes · overlays page ×2 · 5/5 assertions hold · Open layout diagram');
    assert.equal(lenses[1].command!.command, 'memdesc.openLayout');
    assert.deepEqual(lenses[1].command!.arguments, [uri]);
  });

  it('memdesc/layout: the model the diagram draws, for another ABI, a config variant, or by kernel root', async () => {
    type L = { arch: string; wordSize: number; pageSize: number; configSource: string | null; asserts: { holding: number; failing: number; unknown: number }; variant?: string; structs: Array<{ name: string; size: number; overlays?: string; pages: number; nodes: Array<{ kind: string; name?: string; offset: number | null; children?: Array<{ kind: string; children?: Array<{ name?: string; offset: number | null }> }>; overlaps?: unknown[] }> }>; findings: Array<{ code: string }> };
    const l = (await c.request('memdesc/layout', { uri })) as L;
    assert.deepEqual(l.structs.map((s) => [s.name, s.size, s.overlays ?? null, s.pages]), [['page', 56, null, 1], ['slab', 56, 'page', 1], ['folio', 112, 'page', 2]]);
    assert.equal(l.wordSize, 8);
    assert.equal(l.pageSize, 56);
    assert.deepEqual(l.findings, []);
    assert.match(l.configSource ?? '', /built-in default/);
    assert.deepEqual(l.asserts, { holding: 8, failing: 0, unknown: 0 });
    const page = l.structs[0];
    assert.deepEqual(page.nodes.map((n) => [n.kind, n.name ?? null, n.offset]), [['member', 'flags', 0], ['union', null, 8], ['member', 'private', 40], ['member', '_refcount', 48]]);
    // Union arms side by side: the two anonymous structs both start at 8.
    assert.deepEqual(page.nodes[1].children!.map((a) => [a.kind, a.children![0].name, a.children![0].offset]), [['struct', 'lru', 8], ['struct', 'compound_head', 8]]);
    const i386 = (await c.request('memdesc/layout', { uri, arch: 'i386' })) as L;
    assert.equal(i386.wordSize, 4);
    assert.deepEqual(i386.findings.map((f) => f.code), ['assert-fails']);
    assert.deepEqual((i386.findings[0] as { members?: unknown }).members, [{ struct: 'page', member: '_refcount' }, { struct: 'slab', member: '__page_refcount' }]);
    const memcg = (await c.request('memdesc/layout', { uri, variant: 'memcg' })) as L;
    assert.equal(memcg.variant, 'memcg');
    assert.equal(memcg.pageSize, 64);
    assert.ok(memcg.structs[0].nodes.some((n) => n.name === 'memcg_data' && n.offset === 56));
    const byRoot = (await c.request('memdesc/layout', { root: tree })) as L;
    assert.deepEqual(byRoot.structs.map((s) => s.name), ['page', 'slab', 'folio']);
    for (const bad of [{ uri, arch: 'vax' }, { uri, variant: 'nope' }, { uri: 5 }, {}, { uri, config: 7 }]) {
      await assert.rejects(c.request('memdesc/layout', bad), (e: { code?: number }) => e.code === -32602, JSON.stringify(bad));
    }
  });

  it('memdesc/configVariants: the matrix variants per ABI, as memdesc.defines entries', async () => {
    const all = (await c.request('memdesc/configVariants', {})) as Array<{ name: string; defines: string[] }>;
    assert.deepEqual(all.map((v) => v.name), ['memcg', 'no-memcg', 'lockdep', 'preempt-rt', 'highmem', 'phys64']);
    assert.deepEqual(((await c.request('memdesc/configVariants', { arch: 'arm64' })) as Array<{ name: string }>).map((v) => v.name), ['memcg', 'no-memcg', 'lockdep', 'preempt-rt']);
    assert.ok(all.find((v) => v.name === 'no-memcg')!.defines.includes('MEMCG=n'));
    await assert.rejects(c.request('memdesc/configVariants', { arch: 5 }), (e: { code?: number }) => e.code === -32602);
  });

  it('no request failed inside the server', () => {
    assert.deepEqual(c.logs.filter((l) => / failed/.test(l)), []);
  });
});

describe('which documents are served', { timeout: 120_000 }, () => {
  let c: TestClient;
  let tree = '';
  let work = '';
  before(async () => {
    tree = makeTree();
    work = tmpdir('work');
    write(work, {
      'sketch.memdesc': SKETCH,
      'inc/demo/base.h': '#ifndef DEMO_BASE_H\n#define DEMO_BASE_H\nstruct demo_base { unsigned long word; void *ptr; };\n#endif\n',
      'standalone.memdesc': '#include <demo/base.h>\nstruct demo_desc {\n\tstruct demo_base base;\n\tint refs;\n};\n',
      'listed/extra.h': 'struct listed_one {\n\tchar c;\n\tlong l;\n};\n#include <nowhere.h>\n',
      'unlisted.h': 'struct unlisted {\n\tchar c;\n\tlong l;\n};\n#include <stdio.h>\n',
    });
    // The sketch dir and the tree are both workspace folders: the sketch is analysed against the tree.
    c = await TestClient.start({ folders: [tree, work], settings: { includePaths: ['inc'], files: ['listed/*.h'] } });
  });
  after(async () => {
    await c?.stop();
    fs.rmSync(tree, { recursive: true, force: true });
    fs.rmSync(work, { recursive: true, force: true });
  });

  it('a .memdesc sketch outside the tree is analysed with the workspace\'s kernel tree', async () => {
    const file = path.join(work, 'sketch.memdesc');
    const uri = await c.open(file);
    const h = await c.hover(uri, pos(SKETCH, 'int zrefcount;', 6));
    assert.match(h, /### zdesc\.zrefcount/);
    assert.match(h, /offset \*\*48\*\*/);
    assert.match(h, /\| page \| _refcount \| same bytes, asserted \|/);
    assert.match(h, /\| slab \| __page_refcount \| same bytes \|/);
    assert.deepEqual(loud(await c.pull(uri)), []);
    // Its own assertions are checked: break one.
    const broken = SKETCH.replace('\tint zrefcount;', '\tint extra;\n\tint zrefcount;');
    await c.change(uri, 2, broken);
    const d = await c.pull(uri);
    assert.ok(d.some((x) => x.code === 'assert-fails' && /ZDESC_MATCH\(_refcount, zrefcount\)/.test(x.message)), JSON.stringify(d));
    await c.close(uri);
  });

  it('a document in language memdesc is a sketch whatever its file name', async () => {
    const file = path.join(work, 'proposal.h');
    fs.writeFileSync(file, SKETCH);
    // As C, outside the tree: analysed alone, so <linux/mm_types.h> is not found and there is no struct page.
    const asC = await c.open(file, SKETCH, 'c');
    const alone = await c.hover(asC, pos(SKETCH, 'int zrefcount;', 6));
    assert.match(alone, /### zdesc\.zrefcount/);
    assert.doesNotMatch(alone, /\| page \|/);
    await c.close(asC);
    const asMemdesc = await c.open(file, SKETCH, 'memdesc');
    assert.match(await c.hover(asMemdesc, pos(SKETCH, 'int zrefcount;', 6)), /### zdesc\.zrefcount[\s\S]*\| page \| _refcount \| same bytes, asserted \|/);
    await c.close(asMemdesc);
  });

  it('a .memdesc outside any tree #includes headers through memdesc.includePaths', async () => {
    const alone = tmpdir('alone');
    try {
      const text = fs.readFileSync(path.join(work, 'standalone.memdesc'), 'utf8');
      fs.writeFileSync(path.join(alone, 'standalone.memdesc'), text);
      const lone = await TestClient.start({ folders: [alone], settings: { includePaths: [path.join(work, 'inc')] } });
      try {
        const uri = await lone.open(path.join(alone, 'standalone.memdesc'));
        assert.match(await lone.hover(uri, pos(text, 'int refs;', 5)), /### demo_desc\.refs[\s\S]*offset \*\*16\*\*/);
        assert.deepEqual(loud(await lone.pull(uri)), []);
        lone.settings = {};
        await lone.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
        const d = await lone.pull(uri);
        assert.ok(d.some((x) => x.code === 'include-not-found' && x.severity === 1 && x.range.start.line === 0), JSON.stringify(d));
      } finally {
        await lone.stop();
      }
    } finally {
      fs.rmSync(alone, { recursive: true, force: true });
    }
  });

  it('a C header outside a tree is analysed alone; engine problems show only when memdesc.files names it', async () => {
    const listed = await c.open(path.join(work, 'listed/extra.h'));
    assert.match(await c.hover(listed, { line: 2, character: 6 }), /### listed_one\.l[\s\S]*offset \*\*8\*\*/);
    assert.ok((await c.pull(listed)).some((d) => d.code === 'include-not-found' && d.severity === 1));
    const unlisted = await c.open(path.join(work, 'unlisted.h'));
    assert.match(await c.hover(unlisted, { line: 2, character: 6 }), /### unlisted\.l[\s\S]*offset \*\*8\*\*/);
    // No wall of include errors for <stdio.h> in someone else's C project; a failing assertion still shows.
    assert.deepEqual(await c.pull(unlisted), []);
    const failing = fs.readFileSync(path.join(work, 'unlisted.h'), 'utf8') + '_Static_assert(sizeof(struct unlisted) == 12, "size");\n';
    await c.change(unlisted, 2, failing);
    assert.deepEqual((await c.pull(unlisted)).map((d) => d.code), ['assert-fails']);
  });

  it('memdesc.files adds files of the tree to its analysed set', async () => {
    write(tree, { 'mm/extra_desc.h': '#include <linux/mm_types.h>\nstruct extra_desc {\n\tunsigned long f;\n\tvoid *p;\n};\n_Static_assert(__builtin_offsetof(struct page, flags) == __builtin_offsetof(struct extra_desc, f), "f");\n' });
    const uri = await c.open(path.join(tree, 'mm/extra_desc.h'));
    // Not in the tree's memdesc set: nothing.
    assert.equal(await c.hover(uri, { line: 3, character: 8 }), '');
    c.settings = { ...c.settings, files: ['mm/*_desc.h'] };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const h = await c.hover(uri, { line: 3, character: 8 });
    assert.match(h, /### extra_desc\.p/);
    assert.match(h, /\| page \| lru \| partly \|/);
  });
});
