// Memory returns to its baseline after documents are closed: 10,000 open / edit / hover / close cycles against
// a server in this process (over in-memory streams, JSON-RPC as on the wire), the heap measured after full
// collections. Each cycle opens a document of its own (a new path), the case where per-document state would
// pile up; every 2,500 cycles the heap is sampled, and the last sample must be near the first.

import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { createProtocolConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { collectGarbage } from '../../server/src/memory';
import { startServer } from '../../server/src/server';
import { uriOf } from './client';

export const CYCLES = Number(process.env.MEMDESC_LEAK_CYCLES ?? 10_000);

const heapMiB = () => {
  for (let i = 0; i < 3; i++) collectGarbage();
  return process.memoryUsage().heapUsed / 1048576;
};

describe('memory over open/edit/close cycles', { timeout: 600_000 }, () => {
  it(`${CYCLES.toLocaleString('en')} cycles: the heap returns to its baseline`, async () => {
    assert.ok(collectGarbage() !== undefined, 'a full collection is available (memory.ts)');
    const toServer = new PassThrough();
    const toClient = new PassThrough();
    const server = createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient));
    startServer(server);
    const c = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
    c.onRequest('workspace/configuration', (p: { items: unknown[] }) => p.items.map(() => ({})));
    c.onNotification('textDocument/publishDiagnostics', () => undefined);
    c.listen();
    const dir = path.join(os.tmpdir(), 'memdesc-leak-none');
    await c.sendRequest('initialize', { processId: null, rootUri: null, capabilities: { textDocument: { diagnostic: {} }, workspace: { configuration: true } }, workspaceFolders: [] });
    await c.sendNotification('initialized', {});
    const text = (i: number) => `struct s${i % 7} {\n\tunsigned long flags;\n\tunion { void *a; long b[${(i % 5) + 1}]; };\n\tint x : 3;\n};\n_Static_assert(sizeof(struct s${i % 7}) == ${8 + 8 * ((i % 5) + 1) + 8}, "size");\n`;
    const samples: Array<[number, number]> = [];
    const t0 = performance.now();
    for (let i = 0; i < CYCLES; i++) {
      const uri = uriOf(path.join(dir, `doc-${i}.h`));
      await c.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: text(i) } });
      await c.sendNotification('textDocument/didChange', { textDocument: { uri, version: 2 }, contentChanges: [{ text: text(i + 1) }] });
      const h = (await c.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 1, character: 17 } })) as { contents: { value: string } } | null;
      if (i === 0) assert.match(h?.contents.value ?? '', /offset/, 'the hover is answered by an analysis');
      await c.sendRequest('textDocument/diagnostic', { textDocument: { uri } });
      await c.sendNotification('textDocument/didClose', { textDocument: { uri } });
      if (i === 199 || (i + 1) % 2500 === 0) samples.push([i + 1, heapMiB()]);
    }
    const ms = performance.now() - t0;
    await c.sendRequest('shutdown');
    c.dispose();
    server.dispose();
    const [first, last] = [samples[0][1], samples[samples.length - 1][1]];
    console.log(`heap after cycles: ${samples.map(([n, m]) => `${n}: ${m.toFixed(1)} MiB`).join(', ')}; ${(ms / CYCLES).toFixed(2)} ms per cycle`);
    // Baseline: after 200 cycles (caches and JIT warm). A leak of even 1 KiB per cycle would add ~10 MiB.
    assert.ok(last - first < 4, `heap grew from ${first.toFixed(1)} to ${last.toFixed(1)} MiB over ${CYCLES} cycles`);
  });
});
