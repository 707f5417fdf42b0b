// Protocol abuse, over stdio against the bundled server: invalid URIs in every notification, positions far past
// the end, out-of-order and repeated document versions, edits with ranges outside the document, requests for
// closed documents, huge documents, cancellation storms, requests after shutdown. The server answers each with
// a result or a proper JSON-RPC error, and keeps serving.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Diag, TestClient, uriOf } from './client';
import { makeTree, MM_TYPES, pos } from './fixtures';

const REQUEST_CANCELLED = -32800;
const code = (e: unknown) => (e as { code?: number }).code;

describe('protocol abuse: proper answers, and the server keeps serving', { timeout: 180_000 }, () => {
  let c: TestClient;
  let tree = '';
  let uri = '';
  /** A folder outside the tree: its files are analysed alone. */
  let loose = '';
  const good = async () => assert.match(await c.hover(uri, pos(MM_TYPES, 'void *slab_cache;', 8)), /offset \*\*8\*\*/);

  before(async () => {
    tree = makeTree();
    loose = fs.mkdtempSync(path.join(path.dirname(tree), 'memdesc-loose-'));
    c = await TestClient.start({ folders: [tree] });
    uri = await c.open(path.join(tree, 'include/linux/mm_types.h'));
  });
  after(async () => {
    await c?.stop();
    fs.rmSync(tree, { recursive: true, force: true });
    fs.rmSync(loose, { recursive: true, force: true });
  });

  it('invalid URIs in didOpen, didChange and didClose, then requests for them', async () => {
    const bad = ['not a uri', 'file://%zz/x.h', 'file:', 'untitled:Untitled-1', 'http://example.com/x.h', 'file:///' + 'a/'.repeat(3000) + 'x.h', 'file:///dev/zero', 'file:///proc/self/mem', 'file:///etc/..%2f..%2fpasswd', 'file:///tmp/<script>alert(1)</script>.h'];
    for (const u of bad) {
      await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: u, languageId: 'c', version: 1, text: 'struct x { int a; };' } });
      await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri: u, version: 2 }, contentChanges: [{ text: 'struct x { long a; };' }] });
      const h = await c.request('textDocument/hover', { textDocument: { uri: u }, position: { line: 0, character: 12 } });
      assert.ok(h === null || typeof h === 'object', u);
      const d = (await c.request('textDocument/diagnostic', { textDocument: { uri: u } })) as { kind: string };
      assert.equal(d.kind, 'full', u);
      await c.conn.sendNotification('textDocument/didClose', { textDocument: { uri: u } });
    }
    assert.ok(c.alive, c.stderr);
    await good();
  });

  it('positions far past the end, and in a document that just got shorter', async () => {
    for (const position of [{ line: 2 ** 31 - 1, character: 0 }, { line: 0, character: 2 ** 31 - 1 }, { line: Number.MAX_SAFE_INTEGER, character: Number.MAX_SAFE_INTEGER }]) {
      assert.equal(await c.request('textDocument/hover', { textDocument: { uri }, position }), null);
      assert.deepEqual(await c.request('textDocument/references', { textDocument: { uri }, position, context: { includeDeclaration: true } }), []);
    }
    const huge = { start: { line: 0, character: 0 }, end: { line: 2 ** 31 - 1, character: 2 ** 31 - 1 } };
    assert.ok(Array.isArray(await c.request('textDocument/inlayHint', { textDocument: { uri }, range: huge })));
    const reversed = { start: { line: 50, character: 0 }, end: { line: 1, character: 0 } };
    assert.ok(Array.isArray(await c.request('textDocument/inlayHint', { textDocument: { uri }, range: reversed })));
    const short = uriOf(path.join(loose, 'short.h'));
    await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: short, languageId: 'c', version: 1, text: 'struct s {\n\tint a;\n\tint b;\n};\n'.repeat(50) } });
    const late = c.request('textDocument/hover', { textDocument: { uri: short }, position: { line: 190, character: 5 } });
    await c.change(short, 2, 'struct s { int a; };\n');
    assert.equal(await late, null);
    await c.close(short);
    await good();
  });

  it('out-of-order and repeated versions: the text last sent is the text analysed', async () => {
    const f = path.join(loose, 'versions.h');
    const u = uriOf(f);
    const v = (n: number) => `struct ver { char c[${n}]; };\n_Static_assert(sizeof(struct ver) == 1, "one");\n`;
    await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: u, languageId: 'c', version: 10, text: v(1) } });
    for (const [version, n] of [[5, 2], [5, 3], [3, 4], [11, 5], [-1, 6], [2 ** 31 - 1, 7]] as const) await c.change(u, version, v(n));
    // Edits with ranges outside the document are clamped by the document model, not fatal.
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri: u, version: 99 }, contentChanges: [{ range: { start: { line: 500, character: 3 }, end: { line: 400, character: 0 } }, text: '/* tail */' }] });
    await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri: u, version: 100 }, contentChanges: [] });
    const h = await c.hover(u, { line: 0, character: 19 });
    assert.match(h, /`char \[7\]`/, h);
    await c.close(u);
    await good();
  });

  it('requests for a closed document answer from the disk, never from the closed buffer', async () => {
    const f = path.join(loose, 'closed.h');
    fs.writeFileSync(f, 'struct closed { int on_disk; };\n');
    const u = await c.open(f, 'struct closed { long in_buffer; };\n');
    assert.match(await c.hover(u, { line: 0, character: 23 }), /in_buffer/);
    await c.close(u);
    const h = await c.request('textDocument/hover', { textDocument: { uri: u }, position: { line: 0, character: 22 } });
    assert.doesNotMatch(JSON.stringify(h), /in_buffer/);
    const d = (await c.request('textDocument/diagnostic', { textDocument: { uri: u } })) as { kind: string };
    assert.equal(d.kind, 'full');
    await c.change(u, 7, 'struct closed { char after_close; };');
    assert.doesNotMatch(JSON.stringify(await c.request('textDocument/hover', { textDocument: { uri: u }, position: { line: 0, character: 22 } })), /after_close/);
    await good();
  });

  it('huge documents: 20 MB is reported as too large, 3 MB is analysed; the server stays up', async () => {
    // A sketch: every diagnostic is shown (a plain C file outside a tree shows only failing assertions).
    const big = uriOf(path.join(loose, 'huge.memdesc'));
    const line = 'struct huge_N { unsigned long a; void *b; };\n';
    await c.conn.sendNotification('textDocument/didOpen', { textDocument: { uri: big, languageId: 'memdesc', version: 1, text: line.repeat(Math.ceil(20e6 / line.length)) } });
    const ds = (await c.pull(big)) as Diag[];
    assert.ok(ds.some((d) => d.code === 'file-too-large'), JSON.stringify(ds.slice(0, 3)));
    await c.change(big, 2, 'struct huge_ok { int a; };\n' + '/* padding */\n'.repeat(Math.ceil(3e6 / 14)));
    assert.match(await c.hover(big, { line: 0, character: 22 }), /offset/);
    await c.close(big);
    assert.ok(c.alive, c.stderr);
    await good();
  });

  it('a cancellation storm: 1,000 requests, each cancelled at once or soon after, all answered', async () => {
    const pending: Array<Promise<unknown>> = [];
    let cancelled = 0;
    let answered = 0;
    for (let i = 0; i < 1000; i++) {
      // Edits in between make most requests real work (a cached answer would not give cancellation a chance).
      if (i % 50 === 0) await c.change(uri, 1000 + i, MM_TYPES + `\nstruct storm_${i} { int a; };\n`);
      const ctl = new (require('vscode-jsonrpc').CancellationTokenSource)();
      const p = c.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: pos(MM_TYPES, 'void *slab_cache;', 8) }, ctl.token).then(
        () => answered++,
        (e: unknown) => {
          assert.equal(code(e), REQUEST_CANCELLED, String(e));
          cancelled++;
        },
      );
      if (i % 3 === 0) ctl.cancel();
      else if (i % 3 === 1) setImmediate(() => ctl.cancel());
      pending.push(p);
    }
    await Promise.all(pending);
    assert.equal(cancelled + answered, 1000);
    assert.ok(cancelled >= 333, `${cancelled} cancelled`);
    await c.change(uri, 5000, MM_TYPES);
    await good();
  });
});

describe('after shutdown', { timeout: 60_000 }, () => {
  it('requests are refused with InvalidRequest, exit ends the process with status 0', async () => {
    const tree = makeTree();
    const c = await TestClient.start({ folders: [tree] });
    try {
      const uri = await c.open(path.join(tree, 'include/linux/mm_types.h'));
      assert.match(await c.hover(uri, pos(MM_TYPES, 'void *slab_cache;', 8)), /offset/);
      await c.request('shutdown', undefined);
      await assert.rejects(c.request('textDocument/hover', { textDocument: { uri }, position: { line: 0, character: 0 } }), (e) => code(e) === -32600, 'InvalidRequest');
      await assert.rejects(c.request('memdesc/layout', { uri }), (e) => code(e) === -32600);
      await c.conn.sendNotification('textDocument/didChange', { textDocument: { uri, version: 9 }, contentChanges: [{ text: 'x' }] });
      const exited = new Promise<number | null>((resolve) => c.child.once('exit', (status) => resolve(status)));
      await c.conn.sendNotification('exit');
      assert.equal(await exited, 0);
    } finally {
      await c.stop();
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });
});
