// The architecture's rules, read from the imports of every source file (rust-analyzer's "tidy" tests): the rooms
// (engine, server, client) open one way only, and inside the engine each stage imports only the stages below it.

import { describe, it } from 'node:test';
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import ts from 'typescript';

const root = path.resolve(__dirname, '../../..');
const engineDir = path.join(root, 'server/src/engine');

/** What each engine stage may import, besides itself. Lower stages first. */
const STAGE_DEPS: Record<string, string[]> = {
  base: [],
  pp: ['base'],
  kconfig: ['base'],
  sema: ['base', 'pp'],
  analysis: ['base', 'pp', 'sema'],
  memdesc: ['base', 'pp', 'sema', 'analysis'],
  kernel: ['base', 'pp', 'kconfig', 'sema', 'analysis', 'memdesc'],
  view: ['base', 'pp', 'kconfig', 'sema', 'analysis', 'memdesc', 'kernel'],
};

interface Import {
  from: string;
  /** The resolved file for a relative import; the bare specifier otherwise. */
  to: string;
  relative: boolean;
  typeOnly: boolean;
  line: number;
}

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    if (!fs.existsSync(d)) return;
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (/\.(ts|mts)$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
    }
  };
  walk(dir);
  return out;
}

function resolve(from: string, spec: string): string {
  const base = path.resolve(path.dirname(from), spec.replace(/\.js$/, ''));
  for (const c of [base, `${base}.ts`, `${base}.mts`, path.join(base, 'index.ts')]) if (fs.existsSync(c) && fs.statSync(c).isFile()) return c;
  return base;
}

function importsOf(file: string): Import[] {
  const text = fs.readFileSync(file, 'utf8');
  const sf = ts.createSourceFile(file, text, ts.ScriptTarget.ES2022, true);
  const out: Import[] = [];
  const add = (spec: string, typeOnly: boolean, node: ts.Node) => {
    const relative = spec.startsWith('.');
    out.push({ from: file, to: relative ? resolve(file, spec) : spec, relative, typeOnly, line: sf.getLineAndCharacterOfPosition(node.getStart()).line + 1 });
  };
  const visit = (n: ts.Node) => {
    if (ts.isImportDeclaration(n) && ts.isStringLiteral(n.moduleSpecifier)) {
      const c = n.importClause;
      const typeOnly = !!c && (c.isTypeOnly || (!c.name && !!c.namedBindings && ts.isNamedImports(c.namedBindings) && c.namedBindings.elements.every((e) => e.isTypeOnly)));
      add(n.moduleSpecifier.text, typeOnly, n);
    } else if (ts.isExportDeclaration(n) && n.moduleSpecifier && ts.isStringLiteral(n.moduleSpecifier)) {
      add(n.moduleSpecifier.text, n.isTypeOnly, n);
    } else if (ts.isCallExpression(n) && n.arguments.length === 1 && ts.isStringLiteral(n.arguments[0])) {
      const callee = n.expression;
      if (callee.kind === ts.SyntaxKind.ImportKeyword || (ts.isIdentifier(callee) && callee.text === 'require')) add(n.arguments[0].text, false, n);
    } else if (ts.isImportEqualsDeclaration(n) && ts.isExternalModuleReference(n.moduleReference) && ts.isStringLiteral(n.moduleReference.expression)) {
      add(n.moduleReference.expression.text, n.isTypeOnly, n);
    }
    ts.forEachChild(n, visit);
  };
  visit(sf);
  return out;
}

const rel = (p: string) => path.relative(root, p);
const stageOf = (file: string): string | undefined => {
  const r = path.relative(engineDir, file);
  if (r.startsWith('..')) return undefined;
  const parts = r.split(path.sep);
  return parts.length > 1 ? parts[0] : '(entry)';
};
const inside = (file: string, dir: string) => !path.relative(path.join(root, dir), file).startsWith('..');

/** Cycles among the given files over runtime (not type-only) imports; each cycle once, as a path. */
function cycles(files: string[], imports: Map<string, Import[]>): string[][] {
  const found: string[][] = [];
  const state = new Map<string, 1 | 2>();
  const stack: string[] = [];
  const visit = (f: string) => {
    state.set(f, 1);
    stack.push(f);
    for (const i of imports.get(f) ?? []) {
      if (!i.relative || i.typeOnly || !imports.has(i.to)) continue;
      const s = state.get(i.to);
      if (s === 1) found.push([...stack.slice(stack.indexOf(i.to)), i.to].map(rel));
      else if (s === undefined) visit(i.to);
    }
    stack.pop();
    state.set(f, 2);
  };
  for (const f of files) if (!state.has(f)) visit(f);
  return found;
}

const LSP_OR_EDITOR = /^(vscode|vscode-languageserver|vscode-languageclient|vscode-jsonrpc)(\/|$)/;

describe('architecture: imports follow the rooms and the stages', () => {
  const all = [...sourceFiles(path.join(root, 'server/src')), ...sourceFiles(path.join(root, 'shared')), ...sourceFiles(path.join(root, 'client'))];
  const imports = new Map(all.map((f) => [f, importsOf(f)] as const));
  const engine = all.filter((f) => stageOf(f) !== undefined);

  it('finds the sources and their imports (the rules below read something)', () => {
    assert.ok(engine.length > 20, `engine files: ${engine.length}`);
    const stages = new Set(engine.map(stageOf));
    for (const s of ['base', 'pp', 'sema', 'analysis', 'memdesc', 'kernel', 'view']) assert.ok(stages.has(s), `stage folder ${s}`);
    assert.ok([...imports.values()].flat().length > 200);
  });

  it('every engine file lives in a known stage folder (or is the entry module)', () => {
    const bad = engine.filter((f) => {
      const s = stageOf(f)!;
      return s === '(entry)' ? path.basename(f) !== 'index.ts' : !(s in STAGE_DEPS);
    });
    assert.deepEqual(bad.map(rel), []);
  });

  it('the engine imports no LSP, VS Code or protocol code, nothing of the server or client, and not shared/', () => {
    const bad: string[] = [];
    for (const f of engine)
      for (const i of imports.get(f)!) {
        if (i.relative ? stageOf(i.to) === undefined : LSP_OR_EDITOR.test(i.to)) bad.push(`${rel(f)}:${i.line} imports ${i.relative ? rel(i.to) : i.to}`);
      }
    assert.deepEqual(bad, []);
  });

  it('each stage imports only the stages below it, never the entry module', () => {
    const bad: string[] = [];
    for (const f of engine) {
      const s = stageOf(f)!;
      if (s === '(entry)') continue;
      for (const i of imports.get(f)!) {
        if (!i.relative) continue;
        const t = stageOf(i.to);
        if (t === undefined || t === s) continue;
        if (t === '(entry)' || !STAGE_DEPS[s]?.includes(t)) bad.push(`${rel(f)}:${i.line}: stage ${s} imports ${t} (${rel(i.to)})`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('no import cycles among the engine modules (type-only imports aside)', () => {
    assert.deepEqual(cycles(engine, imports), []);
  });

  it('the server and the CLI use the engine through its entry module only', () => {
    const bad: string[] = [];
    for (const f of all) {
      if (!inside(f, 'server/src') || stageOf(f) !== undefined) continue;
      for (const i of imports.get(f)!) if (i.relative && stageOf(i.to) !== undefined && stageOf(i.to) !== '(entry)') bad.push(`${rel(f)}:${i.line} imports ${rel(i.to)}`);
    }
    assert.deepEqual(bad, []);
  });

  it('the client imports neither the server nor the engine (only shared/), and shared/ no server or client code', () => {
    const bad: string[] = [];
    for (const f of all) {
      const client = inside(f, 'client');
      const shared = inside(f, 'shared');
      if (!client && !shared) continue;
      for (const i of imports.get(f)!) {
        if (!i.relative) {
          if (shared && LSP_OR_EDITOR.test(i.to) && !i.to.startsWith('vscode-languageserver-protocol') && !i.to.startsWith('vscode-jsonrpc')) bad.push(`${rel(f)}:${i.line} imports ${i.to}`);
          continue;
        }
        if (client && inside(i.to, 'server/src')) bad.push(`${rel(f)}:${i.line} imports ${rel(i.to)}`);
        // shared/ may name the engine's one leaf test of what a kernel tree is, nothing else of the server.
        if (shared && inside(i.to, 'server/src') && rel(i.to) !== 'server/src/engine/kernel/tree.ts') bad.push(`${rel(f)}:${i.line} imports ${rel(i.to)}`);
        if (shared && inside(i.to, 'client')) bad.push(`${rel(f)}:${i.line} imports ${rel(i.to)}`);
      }
    }
    assert.deepEqual(bad, []);
  });

  it('the rules catch what they are meant to (a wrong door, a cycle)', () => {
    // The checks above on a made-up graph, so that a rule that silently passes everything is caught.
    const a = path.join(engineDir, 'base/a.ts');
    const b = path.join(engineDir, 'pp/b.ts');
    const fake = new Map<string, Import[]>([
      [a, [{ from: a, to: b, relative: true, typeOnly: false, line: 1 }]],
      [b, [{ from: b, to: a, relative: true, typeOnly: false, line: 1 }]],
    ]);
    assert.equal(cycles([a, b], fake).length, 1);
    assert.ok(!STAGE_DEPS.base.includes(stageOf(b)!), 'base may not import pp');
  });
});
