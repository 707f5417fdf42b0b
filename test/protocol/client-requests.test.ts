// What the VS Code client relies on, over stdio on the examples tree: memdesc/layout's verdict counts, config
// source and the members of a failing assertion, and memdesc/configVariants (whose defines do change the layout).
// Sent as the client sends them, through the typed request objects of shared/protocol.ts. Every spawned server is
// killed in `after`, pass or fail.

import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, describe, it } from 'node:test';
import {
  createProtocolConnection,
  ExitNotification,
  InitializedNotification,
  InitializeRequest,
  ProtocolConnection,
  ShutdownRequest,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';
import { ConfigVariantsRequest, LayoutNode, LayoutParams, LayoutRequest, LayoutResult } from '../../shared/protocol';
import { serverReader } from './client';

const root = path.resolve(__dirname, '../../..');
const tree = path.join(root, 'examples/linux');
const sketchUri = pathToFileURL(path.join(tree, 'mm/balloon.memdesc')).toString();
const slabUri = pathToFileURL(path.join(tree, 'mm/slab.h')).toString();

const servers: Array<{ child: ChildProcess; conn: ProtocolConnection }> = [];

async function start(settings: Record<string, unknown>): Promise<ProtocolConnection> {
  const child = spawn(process.execPath, [path.join(root, 'dist/server.js'), '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(serverReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  servers.push({ child, conn });
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, { processId: process.pid, rootUri: null, capabilities: {}, workspaceFolders: null, initializationOptions: { settings } });
  await conn.sendNotification(InitializedNotification.type, {});
  return conn;
}

/** memdesc/layout for a document that has a model (null fails the test). */
async function layout(conn: ProtocolConnection, params: LayoutParams): Promise<LayoutResult> {
  const r = await conn.sendRequest(LayoutRequest, params);
  assert.ok(r, `memdesc/layout answered null for ${JSON.stringify(params)}`);
  return r;
}

function find(nodes: LayoutNode[], name: string): LayoutNode | undefined {
  for (const n of nodes) {
    if (n.name === name) return n;
    const c = n.children && find(n.children, name);
    if (c) return c;
  }
  return undefined;
}

describe('requests the VS Code client uses', { timeout: 60_000 }, () => {
  after(async () => {
    for (const s of servers) {
      try {
        await Promise.race([s.conn.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
        await s.conn.sendNotification(ExitNotification.type);
      } catch {
        // already gone
      }
      s.conn.dispose();
      if (s.child.exitCode === null) s.child.kill('SIGKILL');
    }
  });

  it('memdesc/layout: verdict counts, config source, the members of a failing assertion', async () => {
    const conn = await start({ config: path.join(tree, '.config') });
    const r = await layout(conn, { uri: sketchUri });
    assert.deepEqual(r.structs.map((s) => s.name), ['page', 'folio', 'ptdesc', 'slab', 'zpdesc', 'netmem_desc', 'balloondesc']);
    assert.deepEqual(r.asserts, { holding: 53, failing: 1, unknown: 0 });
    assert.equal(r.configSource, path.join(tree, '.config'));
    const fail = r.findings.find((f) => f.code === 'assert-fails');
    assert.ok(fail, JSON.stringify(r.findings));
    assert.deepEqual(fail.members, [{ struct: 'page', member: '_refcount' }, { struct: 'balloondesc', member: '__page_refcount' }]);
    const slab = await layout(conn, { uri: slabUri });
    assert.deepEqual(slab.asserts, { holding: 46, failing: 0, unknown: 0 });
  });

  it('memdesc/layout outside a kernel tree has no config source', async () => {
    const conn = await start({});
    const r = await layout(conn, { uri: pathToFileURL(path.join(root, 'examples/page-sketch.h')).toString() });
    assert.equal(r.configSource, null);
    assert.equal(r.asserts.failing, 0);
  });

  it('memdesc/configVariants per ABI, and a variant applied through memdesc.defines', async () => {
    const conn = await start({});
    const all = await conn.sendRequest(ConfigVariantsRequest, {});
    assert.deepEqual(all.map((v) => v.name), ['memcg', 'no-memcg', 'lockdep', 'preempt-rt', 'highmem', 'phys64']);
    const i386 = await conn.sendRequest(ConfigVariantsRequest, { arch: 'i386' });
    assert.deepEqual(i386.map((v) => v.name), ['memcg', 'no-memcg', 'lockdep', 'highmem', 'phys64']);
    // phys64 with the ABI named: that arch's own switch (PAE adds a page-table level), not the others'.
    const pae = i386.find((v) => v.name === 'phys64')!.defines;
    assert.ok(pae.includes('X86_PAE') && pae.includes('PGTABLE_LEVELS=3') && !pae.includes('ARM_LPAE'), pae.join(' '));
    const ppc32 = (await conn.sendRequest(ConfigVariantsRequest, { arch: 'ppc32' })).find((v) => v.name === 'phys64')!.defines;
    assert.ok(ppc32.includes('PHYS_64BIT') && !ppc32.includes('PGTABLE_LEVELS=3'), ppc32.join(' '));
    const noMemcg = all.find((v) => v.name === 'no-memcg')!;
    assert.ok(noMemcg.defines.includes('MEMCG=n'));

    const plain = await layout(conn, { uri: slabUri });
    assert.equal(find(plain.structs.find((s) => s.name === 'ptdesc')!.nodes, 'ptl')?.type, 'spinlock_t');
    const lockdep = await start({ defines: all.find((v) => v.name === 'lockdep')!.defines });
    const r = await layout(lockdep, { uri: slabUri });
    assert.equal(find(r.structs.find((s) => s.name === 'ptdesc')!.nodes, 'ptl')?.type, 'spinlock_t *');
    const memcg = await start({ config: path.join(tree, '.config'), defines: noMemcg.defines });
    const m = await layout(memcg, { uri: slabUri });
    assert.equal(find(m.structs[0].nodes, 'memcg_data'), undefined);
    assert.equal(m.structs[0].size, 64, 'struct page keeps its 16-byte alignment padding');
  });
});
