// Answers are never built from a superseded analysis. An incremental update supersedes the analyses handed out
// before it, so a request suspended at an await while an edit arrives and another request brings the analysis
// forward must pick the analysis again once its awaits are over (docs/protocol.md, scheduling). Provoked here over
// stdio: edits and requests interleaved in one write (the order the server reads them in is then fixed), and a
// request held on the client's settings while edits and other requests go by; and in process, with a session that
// hands out a superseded analysis, the guard's answers (ContentModified, or the answer built again).

import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PassThrough } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { createProtocolConnection, Message, NotificationMessage, ResponseMessage, StreamMessageReader, StreamMessageWriter } from 'vscode-languageserver-protocol/node';
import { createConnection, ProposedFeatures } from 'vscode-languageserver/node';
import { LayoutRequest } from '../../shared/protocol';
import { Settings } from '../../shared/settings';
import { MemdescServer } from '../../server/src/server';
import { AnalysisResult, Session } from '../../server/src/session';
import { SERVER_JS, serverReader, TestClient, uriOf, withDeadline } from './client';
import { makeTree, MM_TYPES, pos } from './fixtures';

const CONTENT_MODIFIED = -32801;

/** The fixture with `n` ints inserted before slab.__page_refcount, which then sits at 48 + 4n (struct page's _refcount stays at 48). */
const withInts = (n: number) => MM_TYPES.replace('\tvoid *pad;\n', `\tvoid *pad;\n${Array.from({ length: n }, (_, i) => `\tint c${i};\n`).join('')}`);
const refcountAt = (n: number) => 48 + 4 * n;
const hoverText = (hover: unknown): string => (hover as { contents?: { value?: string } } | null)?.contents?.value ?? '';
const offsetIn = (hover: unknown): number | undefined => {
  const m = /offset \*\*(\d+)\*\*/.exec(hoverText(hover));
  return m ? Number(m[1]) : undefined;
};

describe('answers are never built from a superseded analysis', { timeout: 120_000 }, () => {
  let tree = '';
  let mm = '';
  before(() => {
    tree = makeTree();
    mm = path.join(tree, 'include/linux/mm_types.h');
  });
  after(() => fs.rmSync(tree, { recursive: true, force: true }));

  it('edits and requests interleaved in one write: every answer is built from the analysis current when it is built', async () => {
    // Raw frames, so that each round reaches the server in one write: a request that works on the analysis is then
    // still suspended (at its turn) when the next edit and a request that brings the analysis forward are read.
    const child = spawn(process.execPath, [SERVER_JS, '--stdio'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr!.on('data', (d) => (stderr += d));
    const reader = serverReader(child.stdout!);
    try {
      const replies = new Map<number, ResponseMessage>();
      const logs: string[] = [];
      reader.listen((m: Message) => {
        const r = m as ResponseMessage;
        if (typeof r.id === 'number' && ('result' in r || 'error' in r)) replies.set(r.id, r);
        const n = m as NotificationMessage;
        if (n.method === 'window/logMessage') logs.push(String((n.params as { message?: unknown }).message));
      });
      const frame = (o: object) => {
        const body = JSON.stringify({ jsonrpc: '2.0', ...o });
        return `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;
      };
      const reply = async (id: number) => {
        const end = Date.now() + 30_000;
        while (!replies.has(id)) {
          if (Date.now() > end) throw new Error(`no reply to request ${id}; server stderr: ${stderr}`);
          await new Promise((r) => setTimeout(r, 5));
        }
        return replies.get(id)!;
      };
      const uri = uriOf(mm);
      let id = 1;
      child.stdin!.write(frame({ id, method: 'initialize', params: { processId: null, rootUri: null, capabilities: { textDocument: { diagnostic: {} } }, workspaceFolders: [{ uri: uriOf(tree), name: 'tree' }] } }));
      await reply(id);
      let version = 1;
      child.stdin!.write(frame({ method: 'initialized', params: {} }) + frame({ method: 'textDocument/didOpen', params: { textDocument: { uri, languageId: 'c', version, text: withInts(0) } } }));
      const change = (n: number) => frame({ method: 'textDocument/didChange', params: { textDocument: { uri, version: ++version }, contentChanges: [{ text: withInts(n) }] } });
      const hover = (n: number) => frame({ id: ++id, method: 'textDocument/hover', params: { textDocument: { uri }, position: pos(withInts(n), 'int __page_refcount;', 6) } });
      const pull = () => frame({ id: ++id, method: 'textDocument/diagnostic', params: { textDocument: { uri } } });
      // The first analysis, so that every round below updates it incrementally (each update supersedes the last).
      child.stdin!.write(hover(0));
      assert.equal(offsetIn((await reply(id)).result), refcountAt(0));

      for (let round = 0, n = 0; round < 12; round++, n += 2) {
        // Edit to n+1; A and B ask (A works and is suspended); edit to n+2; D pulls and C asks after it.
        let batch = change(n + 1) + hover(n + 1);
        const a = id;
        batch += hover(n + 1);
        const b = id;
        batch += change(n + 2) + pull();
        const d = id;
        batch += hover(n + 2);
        const c = id;
        child.stdin!.write(batch);
        for (const [which, rid, least] of [['A', a, n + 1], ['B', b, n + 1], ['C', c, n + 2]] as const) {
          const r = await reply(rid);
          assert.equal(r.error, undefined, `round ${round}, hover ${which}: ${JSON.stringify(r.error)}`);
          // Sent after edit `least`: the answer shows that edit or the newer one, never an older text, never nothing.
          assert.ok([refcountAt(least), refcountAt(n + 2)].includes(offsetIn(r.result)!), `round ${round}, hover ${which}: ${JSON.stringify(r.result)}`);
        }
        const report = await reply(d);
        assert.equal(report.error, undefined, `round ${round}, diagnostics: ${JSON.stringify(report.error)}`);
        const items = (report.result as { kind: string; items: Array<{ message: string }> }).items;
        assert.ok(
          items.some((x) => x.message.includes(`offsetof(struct page, _refcount) is 48 but offsetof(struct slab, __page_refcount) is ${refcountAt(n + 2)}`)),
          `round ${round}: the diagnostics are those of the text as it was when they were pulled: ${JSON.stringify(items.map((x) => x.message))}`,
        );
      }
      assert.deepEqual(logs.filter((l) => /failed|superseded/.test(l)), [], 'no request failed or met a superseded analysis');
    } finally {
      reader.dispose();
      child.kill('SIGKILL');
    }
  });

  it('a request held on the client\'s settings while edits and other requests go by answers from the analysis current when it resumes', async () => {
    const uri = uriOf(mm);
    /** Set by the test: the next settings ask for `uri` is held until `release` resolves. */
    let gate: { asked: () => void; release: Promise<void> } | undefined;
    const c = await TestClient.start({
      folders: [tree],
      onConfiguration: async (p) => {
        const g = gate;
        if (!g || p.items[0]?.scopeUri !== uri) return;
        gate = undefined;
        g.asked();
        await g.release;
      },
    });
    let release = () => {};
    try {
      await c.open(mm, withInts(0));
      // Hovers on struct slab's tag, above the edits: the same position throughout, a size that grows with them.
      const at = pos(withInts(0), 'struct slab {', 8);
      assert.match(await c.hover(uri, at), /size \*\*56\*\*/);
      // A settings change: the server asks for every document's settings again. The hover's ask is held.
      const asked = new Promise<void>((resolve) => (gate = { asked: resolve, release: new Promise<void>((r) => (release = r)) }));
      await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
      const held = c.request('textDocument/hover', { textDocument: { uri }, position: at });
      await withDeadline(asked, 20_000, 'the server asking for the hover\'s settings');
      // Meanwhile two edits, each followed by a pull on another document of the tree (same analysis, settings of
      // its own, answered at once) that brings the analysis forward: the second update supersedes the first.
      const user = path.join(tree, 'mm/slab-user.h');
      fs.mkdirSync(path.dirname(user), { recursive: true });
      fs.writeFileSync(user, '#include <linux/mm_types.h>\n');
      const other = await c.open(user);
      for (const n of [1, 2]) {
        await c.change(uri, n + 1, withInts(n));
        await c.pull(other);
      }
      release();
      // Two ints more: slab.__page_refcount ends at 60, the struct is 64 bytes.
      assert.match(hoverText(await withDeadline(held, 20_000, 'the held hover')), /size \*\*64\*\*/);
      assert.deepEqual(c.logs.filter((l) => /failed|superseded/.test(l)), []);
    } finally {
      release();
      await c.stop();
    }
  });

  describe('the guard, with a session that hands out a superseded analysis', () => {
    /** A session whose next `trap` picks return an analysis an edit (an appended comment) has just superseded. */
    class SupersedingSession extends Session {
      trap = 0;
      supersededHandedOut = 0;
      override analysisFor(file: string, settings: Settings): AnalysisResult | undefined {
        const r = super.analysisFor(file, settings);
        if (!r || this.trap === 0) return r;
        this.trap--;
        this.setBuffer(file, `${this.host.overlay.get(path.normalize(file)) ?? fs.readFileSync(file, 'utf8')}\n/* edited */\n`);
        const now = super.analysisFor(file, settings);
        assert.notEqual(now?.analysis.generation, r.analysis.generation, 'the edit superseded the analysis');
        this.supersededHandedOut++;
        return r;
      }
    }

    const inProcess = async () => {
      const session = new SupersedingSession();
      const toServer = new PassThrough();
      const toClient = new PassThrough();
      const server = new MemdescServer(createConnection(ProposedFeatures.all, new StreamMessageReader(toServer), new StreamMessageWriter(toClient)), { session });
      server.listen();
      const conn = createProtocolConnection(new StreamMessageReader(toClient), new StreamMessageWriter(toServer));
      const logs: string[] = [];
      conn.onNotification('window/logMessage', (p: { message: string }) => {
        logs.push(p.message);
      });
      conn.listen();
      // A pull client: the server pushes nothing in the background, so that only the test's requests pick analyses (and spring the trap).
      await conn.sendRequest('initialize', { processId: null, rootUri: null, capabilities: { textDocument: { diagnostic: {} } }, workspaceFolders: [{ uri: uriOf(tree), name: 'tree' }] });
      await conn.sendNotification('initialized', {});
      const uri = uriOf(mm);
      await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'c', version: 1, text: withInts(0) } });
      const at = pos(withInts(0), 'int __page_refcount;', 6);
      const hover = () => withDeadline(conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: at }), 20_000, 'hover');
      assert.equal(offsetIn(await hover()), refcountAt(0), 'a first, untrapped answer');
      const stop = async () => {
        await conn.sendRequest('shutdown');
        conn.dispose();
      };
      return { session, conn, uri, hover, logs, stop };
    };

    it('hover answers ContentModified, and the next one is answered', async () => {
      const t = await inProcess();
      try {
        t.session.trap = 1;
        await assert.rejects(t.hover(), (e: { code?: number }) => e.code === CONTENT_MODIFIED);
        assert.equal(t.session.supersededHandedOut, 1);
        assert.equal(offsetIn(await t.hover()), refcountAt(0));
        assert.ok(t.logs.some((l) => /superseded analysis/.test(l)), t.logs.join('\n'));
      } finally {
        await t.stop();
      }
    });

    it('memdesc/layout builds its answer again from the current analysis', async () => {
      const t = await inProcess();
      try {
        t.session.trap = 1;
        const r = await withDeadline(t.conn.sendRequest(LayoutRequest, { uri: t.uri }), 20_000, 'memdesc/layout');
        assert.equal(t.session.supersededHandedOut, 1);
        assert.deepEqual(r?.structs.map((s) => s.name), ['page', 'slab', 'folio']);
        // Built twice over would be one superseded pick more: the guard builds once more, then gives up.
        t.session.trap = 2;
        await assert.rejects(withDeadline(t.conn.sendRequest(LayoutRequest, { uri: t.uri }), 20_000, 'memdesc/layout'), (e: { code?: number }) => e.code === CONTENT_MODIFIED);
      } finally {
        await t.stop();
      }
    });
  });
});
