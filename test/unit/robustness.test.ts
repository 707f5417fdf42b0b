// Bad input is normal input: random bytes, truncations and mutations of real-looking headers never throw,
// always finish, and keep every reported position inside its file.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyzeText } from '../helpers';
import { layoutJson } from '../../server/src/engine/view/report';

const root = path.resolve(__dirname, '../../..');
const sample = fs.readFileSync(path.join(root, 'examples/page-sketch.h'), 'utf8');

function prng(seed: number) {
  let s = seed >>> 0 || 1;
  return (n: number) => {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    return (s >>> 0) % n;
  };
}

function check(text: string): void {
  checkAnalysis(analyzeText(text), text);
}

function checkAnalysis(a: ReturnType<typeof analyzeText>, text: string): void {
  // The engine reports what it cannot handle; an internal error is a bug it caught in itself, and fails here.
  const internal = a.problems.find((p) => p.code === 'internal-error');
  assert.equal(internal, undefined, `internal error: ${internal?.message}\n--- input ---\n${text.slice(0, 2000)}`);
  const j = layoutJson(a, (f) => f.path);
  for (const def of a.parse.records) {
    // Direct members of a union start at the union's start.
    if (def.kind === 'union') for (const f of a.layouter.layout(def).fields) assert.ok(f.bitOffset === undefined || f.bitOffset === 0);
  }
  for (const p of a.problems) {
    if (!p.file) continue;
    assert.ok(p.offset >= 0 && p.offset <= p.file.text.length, `problem offset ${p.offset} outside ${p.file.path}`);
  }
  for (const s of j.structs) {
    for (const m of s.members) {
      if (s.size !== null && m.offset !== null && m.size !== null && m.bitSize === undefined) assert.ok(m.offset + m.size <= s.size, `${s.name}.${m.name} outside its struct`);
    }
  }
}

describe('robustness', () => {
  it('random bytes', () => {
    const r = prng(7);
    for (let i = 0; i < 200; i++) {
      const len = r(2000);
      let s = '';
      for (let k = 0; k < len; k++) s += String.fromCharCode(r(256));
      check(s);
    }
  });
  it('every truncation of a real-looking header', () => {
    for (let n = 0; n <= sample.length; n += 7) check(sample.slice(0, n));
  });
  it('token-level mutations: deletion, duplication, brace and #if imbalance', () => {
    const r = prng(11);
    const words = sample.split(/(\s+)/);
    const extras = ['{', '}', '(', ')', '#if 1\n', '#endif\n', '#define X X X\n', ';', ':', '[', ']', '__attribute__((', '"', "'", '/*', '\\\n'];
    for (let i = 0; i < 300; i++) {
      const w = [...words];
      for (let k = 0; k < 1 + r(5); k++) {
        const at = r(w.length);
        const op = r(3);
        if (op === 0) w.splice(at, 1);
        else if (op === 1) w.splice(at, 0, w[r(w.length)]);
        else w.splice(at, 0, extras[r(extras.length)]);
      }
      check(w.join(''));
    }
  });
  it('every truncation of the GNU C attribute forms (found by the long fuzz run: mode( at the end read past it)', () => {
    const forms = ['typedef int qi_t __attribute__((mode(QI)));', 'struct s { int a __attribute__((mode(__DI__), aligned(8))); };', 'typedef int v4 __attribute__((vector_size(16)));', 'int x __attribute__((aligned(sizeof(long))));'];
    for (const f of forms) for (let i = 0; i <= f.length; i++) check(f.slice(0, i));
  });
  it('deeply nested declarations and expressions end with a diagnostic', () => {
    const deep = 'struct s { ' + 'struct { '.repeat(3000) + 'int x;' + ' };'.repeat(3000) + ' };';
    const a = analyzeText(deep);
    assert.ok(a.problems.some((p) => p.code === 'nesting-too-deep'));
    assert.ok(!a.problems.some((p) => p.code === 'internal-error'));
    const expr = `struct t { char c[${'('.repeat(5000)}1${')'.repeat(5000)}]; };`;
    const b = analyzeText(expr);
    assert.ok(b.problems.some((p) => p.code === 'nesting-too-deep'));
    assert.ok(!b.problems.some((p) => p.code === 'internal-error'));
  });
  it('the checks above fail on an internal error (they are not vacuous)', () => {
    const a = analyzeText('struct s { int x; };');
    assert.doesNotThrow(() => checkAnalysis(a, 'struct s { int x; };'));
    a.problems.push({ severity: 'error', code: 'internal-error', message: 'planted', file: a.files[0], offset: 0, end: 0 });
    assert.throws(() => checkAnalysis(a, 'struct s { int x; };'), /internal error: planted/);
  });
});
