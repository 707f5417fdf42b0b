// Bad input is normal input: positions past the end, unknown URIs, malformed params, garbage frames and
// notifications about documents nobody opened all get proper JSON-RPC answers (or none, for notifications),
// and the server keeps serving. 1,000 rapid edits end with the diagnostics of a fresh analysis, pulled or pushed.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Diag, TestClient, uriOf } from './client';
import { makeTree, MM_TYPES, pos } from './fixtures';

const INVALID_PARAMS = -32602;
const METHOD_NOT_FOUND = -32601;
const code = (e: unknown) => (e as { code?: number }).code;

describe('bad input gets proper answers and the server keeps serving', { timeout: 120_000 }, () => {
  let c: TestClient;
  let tree = '';
  let uri = '';
  const text = MM_TYPES;
  const good = () => c.hover(uri, pos(text, 'void *slab_cache;', 8));

  before(async () => {
    tree = makeTree();
    c = await TestClient.start({ folders: [tree] });
    uri = await c.open(path.join(tree, 'include/linux/mm_types.h'));
  });
  after(async () => {
    await c?.stop();
    fs.rmSync(tree, { recursive: true, force: true });
  });

  it('positions past the end of the document and on nothing', async () => {
    assert.equal(await c.request('textDocument/hover', { textDocument: { uri }, position: { line: 100000, character: 5 } }), null);
    assert.equal(await c.request('textDocument/hover', { textDocument: { uri }, position: { line: 3, character: 100000 } }), null);
    assert.deepEqual(await c.request('textDocument/definition', { textDocument: { uri }, position: { line: 100000, character: 0 } }), []);
    assert.deepEqual(await c.request('textDocument/references', { textDocument: { uri }, position: { line: 100000, character: 0 }, context: { includeDeclaration: true } }), []);
    assert.deepEqual(await c.request('textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 5000, character: 0 }, end: { line: 6000, character: 0 } } }), []);
    assert.match(await good(), /offset \*\*8\*\*/);
  });

  it('unknown URIs and URIs that are not files', async () => {
    for (const u of ['file:///no/such/file.h', 'untitled:Untitled-1', 'http://example.com/x.h', 'not a uri at all', '', 'file://%zz']) {
      assert.equal(await c.request('textDocument/hover', { textDocument: { uri: u }, position: { line: 0, character: 0 } }), null, u);
      assert.deepEqual(await c.request('textDocument/documentSymbol', { textDocument: { uri: u } }), [], u);
      assert.deepEqual(await c.request('textDocument/codeLens', { textDocument: { uri: u } }), [], u);
      assert.deepEqual(await c.request('textDocument/diagnostic', { textDocument: { uri: u } }), { kind: 'full', items: [] }, u);
      assert.equal(await c.request('memdesc/layout', { uri: u }), null, u);
    }
    assert.match(await good(), /offset \*\*8\*\*/);
  });

  it('malformed params answer InvalidParams, for every request', async () => {
    const bad: Array<[string, unknown]> = [
      ['textDocument/hover', {}],
      ['textDocument/hover', { textDocument: 5, position: { line: 0, character: 0 } }],
      ['textDocument/hover', { textDocument: { uri }, position: { line: -1, character: 0 } }],
      ['textDocument/hover', { textDocument: { uri }, position: { line: 'one', character: 0 } }],
      ['textDocument/hover', { textDocument: { uri }, position: { line: 1.5, character: 0 } }],
      ['textDocument/hover', { textDocument: { uri } }],
      ['textDocument/definition', { textDocument: { uri: 42 }, position: { line: 0, character: 0 } }],
      ['textDocument/references', { textDocument: { uri }, position: null }],
      ['textDocument/documentSymbol', { textDocument: null }],
      ['textDocument/codeLens', { nothing: true }],
      ['textDocument/inlayHint', { textDocument: { uri }, range: { start: { line: 0 } } }],
      ['textDocument/diagnostic', { textDocument: [] }],
      ['memdesc/layout', { uri: ['x'] }],
      ['memdesc/layout', 'a string'],
    ];
    for (const [method, params] of bad) {
      await assert.rejects(c.request(method, params), (e) => code(e) === INVALID_PARAMS, `${method} ${JSON.stringify(params)}`);
    }
    await assert.rejects(c.request('memdesc/noSuchRequest', {}), (e) => code(e) === METHOD_NOT_FOUND);
    assert.match(await good(), /offset \*\*8\*\*/);
  });

  it('notifications about documents nobody opened, and notifications with nonsense in them', async () => {
    const ghost = uriOf(path.join(tree, 'include/linux/ghost.h'));
    const notes: Array<[string, unknown]> = [
      ['textDocument/didChange', { textDocument: { uri: ghost, version: 3 }, contentChanges: [{ text: 'struct x {' }] }],
      ['textDocument/didClose', { textDocument: { uri: ghost } }],
      ['textDocument/didOpen', {}],
      ['textDocument/didOpen', { textDocument: { uri: 7 } }],
      ['textDocument/didChange', { textDocument: { uri, version: 'x' }, contentChanges: 'nope' }],
      ['workspace/didChangeConfiguration', null],
      ['workspace/didChangeConfiguration', { settings: { memdesc: { arch: 'vax', inlayHints: 42, defines: 'MEMCG' } } }],
      ['workspace/didChangeWatchedFiles', { changes: 5 }],
      ['workspace/didChangeWorkspaceFolders', { event: { added: 'x' } }],
      ['$/setTrace', { value: 'loud' }],
      ['$/cancelRequest', { id: 'never-sent' }],
      ['memdesc/unknownNotification', { a: 1 }],
    ];
    for (const [method, params] of notes) await c.conn.sendNotification(method, params);
    assert.ok(c.alive, c.stderr);
    assert.match(await good(), /offset \*\*8\*\*/);
  });

  it('garbage on the wire: bad JSON, JSON that is not JSON-RPC', async () => {
    const frame = (body: string) => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
    c.child.stdin!.write(frame('{"jsonrpc": "2.0", "id": 99, "method": "textDocument/hover", "params": {'));
    c.child.stdin!.write(frame('[1, 2, 3]'));
    c.child.stdin!.write(frame('{"hello": "world"}'));
    c.child.stdin!.write(frame('{"jsonrpc": "2.0", "id": {"weird": true}, "method": "textDocument/hover", "params": null}'));
    assert.match(await good(), /offset \*\*8\*\*/);
    assert.ok(c.alive, c.stderr);
  });
});

describe('1,000 rapid edits end with the diagnostics of a fresh analysis', { timeout: 180_000 }, () => {
  let tree = '';
  before(() => (tree = makeTree()));
  after(() => fs.rmSync(tree, { recursive: true, force: true }));

  const editText = (v: number) => (v % 3 === 0 ? MM_TYPES : MM_TYPES.replace('\tvoid *pad;\n', `\tvoid *pad;\n\tchar filler_${v}[${v % 7}];\n`));
  const final = MM_TYPES.replace('\tvoid *pad;\n', '\tvoid *pad;\n\tlong filler_last;\n');
  const key = (ds: Diag[]) => ds.map((d) => [d.code, d.message, d.range.start.line, d.severity]);

  const fresh = async (): Promise<Diag[]> => {
    const f = await TestClient.start({ folders: [tree] });
    try {
      const uri = await f.open(path.join(tree, 'include/linux/mm_types.h'), final);
      return await f.pull(uri);
    } finally {
      await f.stop();
    }
  };

  it('pulled', async () => {
    const c = await TestClient.start({ folders: [tree] });
    try {
      const uri = await c.open(path.join(tree, 'include/linux/mm_types.h'));
      for (let v = 2; v < 1002; v++) void c.change(uri, v, editText(v));
      await c.change(uri, 1002, final);
      const got = await c.pull(uri);
      const want = await fresh();
      assert.ok(want.some((d) => d.code === 'assert-fails'), 'the final text breaks an assertion');
      assert.deepEqual(key(got), key(want));
    } finally {
      await c.stop();
    }
  });

  it('pushed (a client without pull diagnostics): versions only move forward, the last one is the fresh analysis', async () => {
    const c = await TestClient.start({ folders: [tree], pull: false });
    try {
      const uri = await c.open(path.join(tree, 'include/linux/mm_types.h'));
      for (let v = 2; v < 1002; v++) void c.change(uri, v, editText(v));
      await c.change(uri, 1002, final);
      await c.waitFor(() => c.lastPublished(uri)?.version === 1002, 'diagnostics published for the last version');
      const versions = (c.published.get(uri) ?? []).map((p) => p.version ?? -1);
      assert.deepEqual(versions, [...versions].sort((a, b) => a - b), `published versions: ${versions.join(' ')}`);
      assert.deepEqual(key(c.lastPublished(uri)!.diagnostics as Diag[]), key(await fresh()));
    } finally {
      await c.stop();
    }
  });
});
