// Stale work is cancelled: a request cancelled before the server dispatched it, and one cancelled while it
// waited, both answer RequestCancelled (-32800) and the server goes on; a request sees every edit sent
// before it. Ordering is made certain by the wire itself (one write, or the server waiting on the client).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { CancellationTokenSource, Message, ResponseMessage } from 'vscode-languageserver-protocol/node';
import { SERVER_JS, serverReader, TestClient, uriOf, withDeadline } from './client';
import { makeTree, MM_TYPES, pos } from './fixtures';

const REQUEST_CANCELLED = -32800;

describe('cancellation and ordering', { timeout: 120_000 }, () => {
  let tree = '';
  let mm = '';
  before(() => {
    tree = makeTree();
    mm = path.join(tree, 'include/linux/mm_types.h');
  });
  after(() => fs.rmSync(tree, { recursive: true, force: true }));

  it('a request cancelled before it was dispatched answers RequestCancelled, without work', async () => {
    // Raw frames, so that the request and its cancellation reach the server in one write.
    const child = spawn(process.execPath, [SERVER_JS, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
    try {
      const replies = new Map<number | string, ResponseMessage>();
      const reader = serverReader(child.stdout!);
      reader.listen((m: Message) => {
        const r = m as ResponseMessage;
        if (r.id !== undefined && r.id !== null && ('result' in r || 'error' in r)) replies.set(r.id, r);
      });
      const frame = (o: unknown) => {
        const body = JSON.stringify({ jsonrpc: '2.0', ...(o as object) });
        return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      };
      const uri = uriOf(mm);
      child.stdin!.write(frame({ id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {}, workspaceFolders: null } }));
      const until = async (id: number) => {
        const end = Date.now() + 20_000;
        while (!replies.has(id)) {
          if (Date.now() > end) throw new Error(`no reply to request ${id}`);
          await new Promise((r) => setTimeout(r, 10));
        }
        return replies.get(id)!;
      };
      await until(1);
      child.stdin!.write(
        frame({ method: 'initialized', params: {} }) +
          frame({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'c', version: 1, text: MM_TYPES } } }) +
          frame({ id: 2, method: 'textDocument/hover', params: { textDocument: { uri }, position: pos(MM_TYPES, 'void *slab_cache;', 8) } }) +
          frame({ method: '$/cancelRequest', params: { id: 2 } }) +
          frame({ id: 3, method: 'textDocument/hover', params: { textDocument: { uri }, position: pos(MM_TYPES, 'void *slab_cache;', 8) } }),
      );
      const cancelled = await until(2);
      assert.equal(cancelled.error?.code, REQUEST_CANCELLED, JSON.stringify(cancelled));
      const served = await until(3);
      assert.match(JSON.stringify(served.result), /slab\.slab_cache/);
      reader.dispose();
    } finally {
      child.kill('SIGKILL');
    }
  });

  it('a request cancelled while it waited (here: on the client\'s settings) answers RequestCancelled', async () => {
    const source = new CancellationTokenSource();
    let asked = 0;
    const c = await TestClient.start({
      folders: [tree],
      // The server asks for the document's settings inside the hover; we cancel before answering.
      onConfiguration: () => {
        if (++asked === 1) source.cancel();
      },
    });
    try {
      const uri = await c.open(mm);
      const hover = c.conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: pos(MM_TYPES, 'void *slab_cache;', 8) }, source.token);
      await assert.rejects(withDeadline(hover, 20_000, 'hover'), (e) => (e as { code?: number }).code === REQUEST_CANCELLED);
      assert.equal(asked >= 1, true);
      assert.match(await c.hover(uri, pos(MM_TYPES, 'void *slab_cache;', 8)), /slab\.slab_cache/);
    } finally {
      await c.stop();
    }
  });

  it('a request sees every edit sent before it', async () => {
    const c = await TestClient.start({ folders: [tree] });
    try {
      const uri = await c.open(mm);
      let text = MM_TYPES;
      for (let i = 0; i < 20; i++) {
        text = text.replace('\tvoid *pad;\n', `\tvoid *pad;\n\tchar c${i};\n`);
        void c.change(uri, i + 2, text);
        const h = await c.hover(uri, pos(text, 'int __page_refcount;', 6));
        // Each char shifts nothing until the int's alignment is crossed: 48 for 1..4 chars, 52 for 5..8, ...
        assert.match(h, new RegExp(`offset \\*\\*${48 + 4 * Math.ceil((i + 1) / 4)}\\*\\*`), `after ${i + 1} inserted chars`);
      }
    } finally {
      await c.stop();
    }
  });
});
