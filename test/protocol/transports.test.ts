// The other ways editors start the server: `memdesc-layout lsp --stdio` (what Neovim and Emacs users
// configure) and node IPC (`--node-ipc`, what a VS Code client may use). Each answers a hover, and from the CLI
// bundle the config-matrix worker is found too. Every child is killed in finally.

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import {
  ConfigurationRequest,
  createProtocolConnection,
  DidOpenTextDocumentNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  IPCMessageReader,
  IPCMessageWriter,
  MessageReader,
  MessageWriter,
  ProtocolConnection,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { ROOT, serverReader, uriOf, withDeadline } from './client';
import { makeTree, MM_TYPES, pos } from './fixtures';

async function hoverThrough(reader: MessageReader, writer: MessageWriter, tree: string, settings: Record<string, unknown>): Promise<{ conn: ProtocolConnection; uri: string }> {
  const conn = createProtocolConnection(reader, writer);
  conn.onRequest(ConfigurationRequest.type, (p) => p.items.map(() => settings));
  conn.onRequest('client/registerCapability', () => null);
  conn.onRequest('workspace/diagnostic/refresh', () => null);
  conn.listen();
  await withDeadline(conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: { workspace: { configuration: true } }, workspaceFolders: [{ uri: uriOf(tree), name: 't' }] }), 20_000, 'initialize');
  await conn.sendNotification(InitializedNotification.type, {});
  const uri = uriOf(path.join(tree, 'include/linux/mm_types.h'));
  await conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'c', version: 1, text: MM_TYPES } });
  return { conn, uri };
}

describe('transports', { timeout: 120_000 }, () => {
  it('memdesc-layout lsp --stdio, with the background matrix', async () => {
    const tree = makeTree();
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/cli.js'), 'lsp', '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    try {
      const { conn, uri } = await hoverThrough(serverReader(child.stdout!), new StreamMessageWriter(child.stdin!), tree, { matrix: true });
      const at = pos(MM_TYPES, 'int __page_refcount;', 6);
      const end = Date.now() + 60_000;
      let h = '';
      for (;;) {
        h = ((await withDeadline(conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: at }), 20_000, 'hover')) as { contents: { value: string } } | null)?.contents.value ?? '';
        if (/config matrix: (?!evaluating)/.test(h) || Date.now() > end) break;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.match(h, /### slab\.__page_refcount/);
      assert.match(h, /config matrix: offset 28 on i386 \(all configs\)/, `${h}\n${stderr}`);
      conn.dispose();
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });

  it('node IPC (--node-ipc)', async () => {
    const tree = makeTree();
    const child = spawn(process.execPath, [path.join(ROOT, 'dist/server.js'), '--node-ipc'], { stdio: ['ignore', 'ignore', 'pipe', 'ipc'] });
    try {
      const { conn, uri } = await hoverThrough(new IPCMessageReader(child), new IPCMessageWriter(child), tree, {});
      const h = (await withDeadline(conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: pos(MM_TYPES, 'void *slab_cache;', 8) }), 20_000, 'hover')) as { contents: { value: string } } | null;
      assert.match(h?.contents.value ?? '', /### slab\.slab_cache[\s\S]*offset \*\*8\*\*/);
      conn.dispose();
    } finally {
      child.kill('SIGKILL');
      fs.rmSync(tree, { recursive: true, force: true });
    }
  });
});
