// The TextMate grammars (syntaxes/): vscode-tmgrammar-test runs the scope assertions in test/grammar/cases (the
// memdesc language, and the layout-assertion injection into C), and a deliberately wrong case must fail it.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(__dirname, '../../..');
const here = path.join(root, 'test/grammar');
const tool = path.join(root, 'node_modules/vscode-tmgrammar-test/dist/unit.js');

function runTool(pattern: string): { status: number | null; out: string } {
  const r = spawnSync(process.execPath, [tool, '--config', path.join(here, 'grammars.json'), pattern], { cwd: root, encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

describe('TextMate grammars', () => {
  it('every scope assertion in test/grammar/cases holds', () => {
    const cases = fs.readdirSync(path.join(here, 'cases'));
    assert.ok(cases.length >= 2);
    const r = runTool('test/grammar/cases/*');
    assert.equal(r.status, 0, r.out);
    for (const c of cases) assert.match(r.out, new RegExp(`✓ test/grammar/cases/${c.replace(/\./g, '\\.')} run successfuly`), r.out);
  });

  it('a wrong assertion fails (the check can fail)', () => {
    const r = runTool('test/grammar/must-fail/*');
    assert.notEqual(r.status, 0, r.out);
    assert.match(r.out, /missing required scopes: entity\.name\.function\.memdesc/);
  });

  it('the test configuration declares the grammars exactly as package.json does', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const test = JSON.parse(fs.readFileSync(path.join(here, 'grammars.json'), 'utf8'));
    const norm = (g: { scopeName: string; path: string; injectTo?: string[]; language?: string }, base: string) => ({ scopeName: g.scopeName, path: path.resolve(base, g.path), injectTo: g.injectTo, language: g.language });
    const ours = pkg.contributes.grammars.map((g: never) => norm(g, root));
    const tested = test.contributes.grammars.filter((g: { scopeName: string }) => g.scopeName !== 'source.c').map((g: never) => norm(g, here));
    assert.deepEqual(tested, ours);
    for (const g of ours) {
      const grammar = JSON.parse(fs.readFileSync(g.path, 'utf8'));
      assert.equal(grammar.scopeName, g.scopeName);
    }
  });

  it('language-configuration.json: comments, brackets and folding markers that compile', () => {
    const conf = JSON.parse(fs.readFileSync(path.join(root, 'language-configuration.json'), 'utf8'));
    assert.equal(conf.comments.lineComment, '//');
    assert.deepEqual(conf.comments.blockComment, ['/*', '*/']);
    assert.deepEqual(conf.brackets, [['{', '}'], ['[', ']'], ['(', ')']]);
    const start = new RegExp(conf.folding.markers.start);
    const end = new RegExp(conf.folding.markers.end);
    assert.ok(start.test('#ifdef CONFIG_MEMCG') && start.test('  #  if defined(X)') && start.test('#ifndef X'));
    assert.ok(!start.test('#include <x.h>'));
    assert.ok(end.test('#endif /* X */'));
  });
});
