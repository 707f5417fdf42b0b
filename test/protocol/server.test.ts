// The bundled language server over stdio, driven by a real LSP client library: hover, pull diagnostics
// after an edit that breaks an assertion (and after undoing it), symbols, inlay hints, memdesc/layout,
// and bad input answered properly. Every spawned server is killed in `after`, pass or fail.

import assert from 'node:assert/strict';
import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, it } from 'node:test';
import {
  CodeLensRequest,
  createProtocolConnection,
  DefinitionRequest,
  DidChangeTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticRequest,
  DocumentSymbolRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  InlayHintRequest,
  ProtocolConnection,
  ReferencesRequest,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

const root = path.resolve(__dirname, '../../..');
const serverJs = path.join(root, 'dist/server.js');

interface Client {
  child: ChildProcess;
  conn: ProtocolConnection;
}

async function startClient(): Promise<Client> {
  const child = spawn(process.execPath, [serverJs, '--stdio'], { stdio: ['pipe', 'pipe', 'inherit'] });
  const conn = createProtocolConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
  conn.listen();
  await conn.sendRequest(InitializeRequest.type, {
    processId: process.pid,
    rootUri: null,
    capabilities: { textDocument: { diagnostic: { dynamicRegistration: false }, hover: { contentFormat: ['markdown'] } } },
    workspaceFolders: null,
  });
  await conn.sendNotification(InitializedNotification.type, {});
  return { child, conn };
}

async function stopClient(c: Client | undefined): Promise<void> {
  if (!c) return;
  try {
    await Promise.race([c.conn.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
    await c.conn.sendNotification(ExitNotification.type);
  } catch {
    // already gone
  }
  c.conn.dispose();
  if (c.child.exitCode === null) c.child.kill('SIGKILL');
}

const hoverText = (h: unknown): string => {
  const c = (h as { contents?: { value?: string } } | null)?.contents;
  return c?.value ?? '';
};

/** A small kernel-shaped tree of our own declarations. */
function makeTree(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-lsp-'));
  const files: Record<string, string> = {
    Makefile: 'VERSION = 9\nPATCHLEVEL = 1\nSUBLEVEL = 0\nEXTRAVERSION =\n',
    'include/linux/kconfig.h': '#include <generated/autoconf.h>\n',
    'include/linux/mm_types.h': `#ifndef MM_TYPES_H
#define MM_TYPES_H
#define offsetof(T, M) __builtin_offsetof(T, M)
struct page {
	unsigned long flags;
	union {
		struct { void *next, *prev; void *mapping; };
		unsigned long compound_head;
	};
	int _refcount;
};
struct slab {
	unsigned long __page_flags;
	void *slab_cache;
	unsigned long counters;
	void *pad;
	int __page_refcount;
};
#define SLAB_MATCH(pg, sl) _Static_assert(offsetof(struct page, pg) == offsetof(struct slab, sl), #pg)
SLAB_MATCH(flags, __page_flags);
SLAB_MATCH(compound_head, slab_cache);
SLAB_MATCH(_refcount, __page_refcount);
#endif
`,
  };
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

describe('language server over stdio', { timeout: 120_000 }, () => {
  let c: Client | undefined;
  let tree = '';
  const example = path.join(root, 'examples/page-sketch.h');
  const exampleUri = pathToFileURL(example).toString();
  const exampleText = fs.readFileSync(example, 'utf8');
  const pos = (text: string, needle: string, plus = 0) => {
    const at = text.indexOf(needle) + plus;
    const before = text.slice(0, at).split('\n');
    return { line: before.length - 1, character: before[before.length - 1].length };
  };

  before(async () => {
    tree = makeTree();
    c = await startClient();
    await c.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri: exampleUri, languageId: 'c', version: 1, text: exampleText } });
  });
  after(async () => {
    await stopClient(c);
    fs.rmSync(tree, { recursive: true, force: true });
  });

  it('hovers a member with its absolute offset and size', async () => {
    const h = await c!.conn.sendRequest(HoverRequest.type, { textDocument: { uri: exampleUri }, position: pos(exampleText, 'int refcount;', 5) });
    const text = hoverText(h);
    assert.match(text, /### demo_page\.refcount/);
    assert.match(text, /`int` · offset \*\*52\*\* · size 4 · align 4/);
  });

  it('hovers a struct tag with size, alignment and holes', async () => {
    const h = await c!.conn.sendRequest(HoverRequest.type, { textDocument: { uri: exampleUri }, position: pos(exampleText, 'struct demo_page {', 8) });
    assert.match(hoverText(h), /### struct demo_page[\s\S]*size \*\*64\*\* · align 16/);
  });

  it('pull diagnostics: an edit that breaks an assertion, then its undo', async () => {
    const d0 = await c!.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: exampleUri } });
    assert.deepEqual((d0 as { items: unknown[] }).items, []);
    const broken = exampleText.replace('\tint page_refcount;', '\tint extra;\n\tint page_refcount;');
    await c!.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: exampleUri, version: 2 }, contentChanges: [{ text: broken }] });
    const d1 = (await c!.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: exampleUri } })) as { items: Array<{ code: string; message: string; range: { start: { line: number } }; relatedInformation?: unknown[] }> };
    const fail = d1.items.find((d) => d.code === 'assert-fails');
    assert.ok(fail, JSON.stringify(d1.items));
    assert.match(fail.message, /DEMO_MATCH\(refcount, page_refcount\) fails on x86_64: offsetof\(struct demo_page, refcount\) is 52 but offsetof\(struct demo_slab, page_refcount\) is 56/);
    assert.equal(fail.range.start.line, pos(broken, 'DEMO_MATCH(refcount').line);
    assert.equal(fail.relatedInformation?.length, 2);
    await c!.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri: exampleUri, version: 3 }, contentChanges: [{ text: exampleText }] });
    const d2 = await c!.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri: exampleUri } });
    assert.deepEqual((d2 as { items: unknown[] }).items, []);
  });

  it('document symbols and inlay hints', async () => {
    const syms = (await c!.conn.sendRequest(DocumentSymbolRequest.type, { textDocument: { uri: exampleUri } })) as Array<{ name: string; detail: string; children: Array<{ name: string; detail: string }> }>;
    const page = syms.find((s) => s.name === 'struct demo_page')!;
    assert.equal(page.detail, 'size 64, align 16');
    assert.equal(page.children.find((m) => m.name === 'refcount')?.detail, 'offset 52, size 4');
    const hints = (await c!.conn.sendRequest(InlayHintRequest.type, { textDocument: { uri: exampleUri }, range: { start: { line: 0, character: 0 }, end: { line: 999, character: 0 } } })) as Array<{ label: string; position: { line: number } }>;
    assert.ok(hints.some((h) => h.label === '/* 52 4 */' && h.position.line === pos(exampleText, 'int refcount;').line));
  });

  it('kernel mode: overlaps in the hover, and memdesc/layout', async () => {
    const file = path.join(tree, 'include/linux/mm_types.h');
    const uri = pathToFileURL(file).toString();
    const text = fs.readFileSync(file, 'utf8');
    await c!.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'c', version: 1, text } });
    const h = hoverText(await c!.conn.sendRequest(HoverRequest.type, { textDocument: { uri }, position: pos(text, 'slab_cache;', 2) }));
    assert.match(h, /### slab\.slab_cache/);
    assert.match(h, /\| page \| compound_head \| same bytes, asserted \|/);
    assert.match(h, /SLAB_MATCH\(compound_head, slab_cache\)` holds/);
    const layout = (await c!.conn.sendRequest('memdesc/layout', { uri })) as { structs: Array<{ name: string; nodes: Array<{ kind: string; name?: string; children?: unknown[] }> }>; wordSize: number; findings: unknown[] };
    assert.deepEqual(layout.structs.map((s) => s.name), ['page', 'slab']);
    assert.equal(layout.wordSize, 8);
    assert.deepEqual(layout.findings, []);
    assert.deepEqual(layout.structs[0].nodes.map((n) => n.kind), ['member', 'union', 'member']);
    const i386 = (await c!.conn.sendRequest('memdesc/layout', { uri, arch: 'i386' })) as { wordSize: number };
    assert.equal(i386.wordSize, 4);
  });

  it('kernel mode: definition and references through MATCH invocations, and code lens', async () => {
    const file = path.join(tree, 'include/linux/mm_types.h');
    const uri = pathToFileURL(file).toString();
    const text = fs.readFileSync(file, 'utf8');
    const match = 'SLAB_MATCH(compound_head, slab_cache);';
    const toSlab = (await c!.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: pos(text, match, match.indexOf('slab_cache') + 2) })) as Array<{ range: { start: { line: number } } }>;
    assert.equal(toSlab[0].range.start.line, pos(text, 'void *slab_cache;').line);
    const toPage = (await c!.conn.sendRequest(DefinitionRequest.type, { textDocument: { uri }, position: pos(text, match, match.indexOf('compound_head') + 2) })) as Array<{ range: { start: { line: number } } }>;
    assert.equal(toPage[0].range.start.line, pos(text, 'unsigned long compound_head;').line);
    const refs = (await c!.conn.sendRequest(ReferencesRequest.type, { textDocument: { uri }, position: pos(text, 'void *slab_cache;', 8), context: { includeDeclaration: true } })) as Array<{ range: { start: { line: number; character: number } } }>;
    assert.deepEqual(refs.map((r) => r.range.start), [pos(text, 'slab_cache;'), pos(text, match, match.indexOf('slab_cache'))]);
    const lenses = (await c!.conn.sendRequest(CodeLensRequest.type, { textDocument: { uri } })) as Array<{ command?: { title: string; command: string } }>;
    assert.equal(lenses.length, 2);
    assert.match(lenses[1].command!.title, /^40 bytes · 0 holes · overlays page · 3\/3 assertions hold$/);
    assert.equal(lenses[1].command!.command, 'memdesc.openLayout');
  });

  it('answers bad input properly and keeps serving', async () => {
    const far = await c!.conn.sendRequest(HoverRequest.type, { textDocument: { uri: exampleUri }, position: { line: 100000, character: 5 } });
    assert.equal(far, null);
    const unknown = await c!.conn.sendRequest(HoverRequest.type, { textDocument: { uri: 'file:///no/such/file.h' }, position: { line: 0, character: 0 } });
    assert.equal(unknown, null);
    const weird = await c!.conn.sendRequest(HoverRequest.type, { textDocument: { uri: 'untitled:Untitled-1' }, position: { line: 0, character: 0 } });
    assert.equal(weird, null);
    await assert.rejects(c!.conn.sendRequest('memdesc/layout', { nope: 1 }));
    await assert.rejects(c!.conn.sendRequest('memdesc/noSuchRequest', {}));
    const still = await c!.conn.sendRequest(HoverRequest.type, { textDocument: { uri: exampleUri }, position: pos(exampleText, 'int refcount;', 5) });
    assert.match(hoverText(still), /offset \*\*52\*\*/);
  });

  it('1,000 rapid edits end with the diagnostics of a fresh analysis', async () => {
    const uri = exampleUri;
    for (let v = 10; v < 1010; v++) {
      const text = v % 2 ? exampleText.replace('\tint page_refcount;', `\tchar filler_${v};\n\tint page_refcount;`) : exampleText;
      void c!.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: v }, contentChanges: [{ text }] });
    }
    const last = exampleText.replace('\tint page_refcount;', '\tchar filler_last;\n\tint page_refcount;');
    await c!.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version: 2000 }, contentChanges: [{ text: last }] });
    const d = (await c!.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as { items: Array<{ code: string; message: string }> };
    const fresh = await startClient();
    try {
      await fresh.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId: 'c', version: 1, text: last } });
      const f = (await fresh.conn.sendRequest(DocumentDiagnosticRequest.type, { textDocument: { uri } })) as { items: Array<{ code: string; message: string }> };
      assert.ok(f.items.length > 0);
      assert.deepEqual(d.items.map((x) => [x.code, x.message]), f.items.map((x) => [x.code, x.message]));
    } finally {
      await stopClient(fresh);
    }
  });
});
