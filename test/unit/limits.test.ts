// Resource bounds: hostile inputs end with a clear diagnostic instead of a hang, a stack overflow or running out
// of memory. Each case is also a regression test for a bug the hardening work found (see the README's
// Reliability section). No timed assertions: a runaway case is caught by the suite's watchdog (the node:test
// timeout below), which turns a hang into a failure.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { analyze, Analysis } from '../../server/src/engine/analysis/analyze';
import { OverlayHost } from '../../server/src/engine/base/host';
import { IncrementalAnalysis } from '../../server/src/engine/analysis/incremental';
import { PreprocessCache } from '../../server/src/engine/pp/preprocessor';
import { layoutJson } from '../../server/src/engine/view/report';
import type { ProblemCode } from '../../server/src/engine/base/problems';
import { expandGlobs } from '../../server/src/workspace';
import { analyzeSources, analyzeText, json, struct } from '../helpers';

const codes = (a: Analysis) => a.problems.map((p) => p.code);
const has = (a: Analysis, code: ProblemCode) => assert.ok(codes(a).includes(code), `expected ${code}, got ${[...new Set(codes(a))].join(', ') || 'nothing'}`);
const noInternal = (a: Analysis) => assert.ok(!codes(a).includes('internal-error'), a.problems.find((p) => p.code === 'internal-error')?.message);
/** analyze() must return (never throw), report `code`, and keep going: the struct after the bad one is laid out. */
function boundedBy(src: string, code: ProblemCode): Analysis {
  const a = analyzeText(src + '\nstruct after { int ok; };\n');
  has(a, code);
  noInternal(a);
  assert.equal(struct(layoutJson(a, (f) => f.path), 'after').size, 4, 'analysis went on after the bad declaration');
  return a;
}

describe('resource bounds', { timeout: 120_000 }, () => {
  it('left-deep expression chains count as nesting (they overflowed the stack of every later tree walk)', () => {
    const n = 20_000;
    const cases: Record<string, string> = {
      'a + b + ...': `struct t { char c[${'1+'.repeat(n)}1]; };`,
      'a, b, ...': `struct t { char c[(${'1,'.repeat(n)}1)]; };`,
      'a = b = ...': `struct t { char c[(${'a='.repeat(n)}1)]; };`,
      'x.a.a...': `struct t { char c[sizeof(x${'.a'.repeat(n)})]; };`,
      'x[0][0]...': `struct t { char c[sizeof(x${'[0]'.repeat(n)})]; };`,
      'x(0)(0)...': `struct t { char c[sizeof(x${'(0)'.repeat(n)})]; };`,
      '-- -- ...': `struct t { char c[${'-'.repeat(n)}1]; };`,
      'sizeof sizeof ...': `struct t { char c[${'sizeof '.repeat(n)}1]; };`,
      '__extension__ ...': `struct t { char c[${'__extension__ '.repeat(n)}1]; };`,
      'enumerator chain': `enum e { A = ${'1+'.repeat(n)}1 };`,
      'assertion chain': `_Static_assert(${'1+'.repeat(n)}1 == ${n + 1}, "x");`,
      '**** declarator': `struct t { int ${'*'.repeat(100_000)}p; };`,
      '[1][1] declarator': `struct t { int p${'[1]'.repeat(n)}; };`,
      '()() declarator': `struct t { int (*p)${'()'.repeat(n)}; };`,
      // Recovered inside the nesting (a member of the struct 200 deep), not at the top: the count restarted there
      // and the recursion went on (long fuzz run, case seed 759376906, a header including itself in a struct).
      'struct { struct { ...': `struct t { ${'struct { int a; '.repeat(n)}${'}; '.repeat(n)}};`,
    };
    for (const [name, src] of Object.entries(cases)) {
      let a: Analysis | undefined;
      assert.doesNotThrow(() => (a = boundedBy(src, 'nesting-too-deep')), name);
      void a;
    }
  });

  it('an assertion\'s detail quotes a long operand cut short (nested assertions quoted each other whole: 1 s of garbage)', () => {
    const members = Array.from({ length: 1000 }, (_, i) => `int m${i};`).join(' ');
    const a = analyzeText(`_Static_assert(sizeof(struct { ${members} }) == 4000, "big");`);
    assert.equal(a.asserts[0].holds, true);
    const detail = a.asserts[0].detail;
    assert.ok(detail.length < 2100 && detail.includes('int m0;') && detail.includes(' … = 4000 = 4000'), detail.slice(-200));
  });

  it('chains below the limit are evaluated as before', () => {
    assert.equal(struct(json(`struct t { char c[${'1+'.repeat(150)}1]; };`), 't').size, 151);
    assert.equal(struct(json(`struct t { char c[${'1?'.repeat(60)}1${':0'.repeat(60)}]; };`), 't').size, 1);
    assert.equal(struct(json(`struct t { int ${'*'.repeat(150)}p; };`), 't').size, 8);
    const a = analyzeText(`_Static_assert(${'2+'.repeat(150)}2 == 302, "sum");`);
    assert.equal(a.asserts[0].holds, true);
  });

  it('#if ternaries nested past the limit (a stack overflow reported as an internal error before)', () => {
    const deep = analyzeText(`#if ${'1?'.repeat(5000)}1${':1'.repeat(5000)}\n#endif\nstruct after { int ok; };`);
    has(deep, 'nesting-too-deep');
    noInternal(deep);
    const ok = analyzeText(`#if ${'1?'.repeat(500)}1${':0'.repeat(500)}\nstruct yes { int a; };\n#endif\n`);
    assert.deepEqual(codes(ok), []);
    assert.equal(ok.parse.records.length, 1);
  });

  it('macro invocations nested in arguments past the limit (a stack overflow and 1 GB before)', () => {
    const n = 4000;
    const a = analyzeText(`#define F(x) (x)\nstruct t { char c[${'F('.repeat(n)}1${')'.repeat(n)}]; };\nstruct after { int ok; };`);
    has(a, 'nesting-too-deep');
    noInternal(a);
    assert.match(a.problems.find((p) => p.code === 'nesting-too-deep')!.message, /macro invocations nested more than 256 deep/);
    assert.equal(struct(layoutJson(a, (f) => f.path), 'after').size, 4);
    // 100 deep is fine, and the limit is an option.
    const src = `#define F(x) x\nstruct t { char c[${'F('.repeat(100)}3${')'.repeat(100)}]; };`;
    assert.equal(struct(json(src), 't').size, 3);
    has(analyzeText(src, 'x86_64', { limits: { maxMacroNesting: 50 } }), 'nesting-too-deep');
  });

  const bomb = '#define A0 x\n' + Array.from({ length: 40 }, (_, i) => `#define A${i + 1} A${i} A${i}`).join('\n') + '\n';

  it('an exponential macro used 300 times costs its budget once (160 s for 200 uses before)', () => {
    const a = analyzeText(bomb + 'A40\n'.repeat(300) + 'struct after { int ok; };');
    assert.equal(codes(a).filter((c) => c === 'macro-expansion-limit').length, 300);
    assert.equal(a.parse.records.length, 1);
  });

  it('a remembered runaway expansion is exact: it is not reused once a macro it used changes, nor with more budget left', () => {
    // After A39 becomes `x`, A40 is `x x`: no limit.
    const a = analyzeText(bomb + 'A40\n#undef A39\n#define A39 x\nA40\nstruct after { int ok; };');
    assert.equal(codes(a).filter((c) => c === 'macro-expansion-limit').length, 1);
    assert.deepEqual(a.tokens.slice(0, 2).map((t) => t.text), ['x', 'x']);
    // B fits a budget at the top level, but not inside C = B B: the smallest budget B fits in, found by search.
    const bs = `#define B0 ; ; ; ; ; ;\n#define B1 B0 B0 B0 B0 B0 B0 B0 B0 B0 B0\n#define B B1 B1 B1 B1 B1 B1 B1 B1 B1 B1\n#define C B B\n`;
    const fits = (src: string, maxExpansionTokens: number) => !codes(analyzeText(bs + src, 'x86_64', { limits: { maxExpansionTokens } })).includes('macro-expansion-limit');
    let lo = 1;
    let hi = 100_000;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (fits('B\n', mid)) hi = mid;
      else lo = mid + 1;
    }
    assert.ok(fits('B\nB\n', lo) && !fits('B\n', lo - 1));
    assert.ok(!fits('C\n', lo));
    const over = analyzeText(bs + 'C\nB\nC\nB\n', 'x86_64', { limits: { maxExpansionTokens: lo } });
    assert.deepEqual(codes(over), ['macro-expansion-limit', 'macro-expansion-limit']);
    assert.equal(over.tokens.length - 1, 1200, 'each B after a runaway C still expands in full');
  });

  it('include cycles and include depth end at the configured depth', () => {
    const cyc = analyzeSources({ 'a.h': '#include "b.h"\nstruct a1 { int x; };', 'b.h': '#include "a.h"\n' });
    has(cyc, 'include-depth');
    const chain: Record<string, string> = {};
    for (let i = 0; i < 10; i++) chain[`h${i}.h`] = i < 9 ? `#include "h${i + 1}.h"\n` : 'struct deep { int x; };\n';
    assert.deepEqual(codes(analyzeSources(chain)), []);
    const limited = analyzeSources(chain, 'x86_64', { limits: { maxIncludeDepth: 5 } });
    has(limited, 'include-depth');
    assert.match(limited.problems[0].message, /more than 5 deep/);
  });

  it('an exponential tree of unguarded headers stops at the includes limit, with a diagnostic at the #include', () => {
    // Each header includes the next twice: 2^20 entries if nothing stopped it.
    const tree: Record<string, string> = { 'main.h': '#include "e0.h"\nstruct after_tree { int x; };\n' };
    for (let i = 0; i < 20; i++) tree[`e${i}.h`] = i < 19 ? `#include "e${i + 1}.h"\n#include "e${i + 1}.h"\nint v${i};\n` : 'int leaf;\n';
    const a = analyzeSources(tree, 'x86_64', { limits: { maxIncludes: 500 } });
    has(a, 'too-many-includes');
    noInternal(a);
    assert.equal(a.pp.entries, 500);
    const p = a.problems.find((x) => x.code === 'too-many-includes')!;
    assert.match(p.message, /more than 500 files/);
    assert.match(p.file!.path, /e\d+\.h$/);
    // Under the default limit a real translation unit's thousand entries pass.
    const ok = analyzeSources({ 'main.h': Array.from({ length: 1200 }, (_, i) => `#include "x${i % 3}.h"`).join('\n'), 'x0.h': 'int a;', 'x1.h': 'int b;', 'x2.h': 'int c;' });
    assert.ok(!codes(ok).includes('too-many-includes'));
    assert.equal(ok.pp.entries, 1202, 'the predefined macros, the main file and 1,200 includes');
  });

  it('array sizes that overflow 64 bits, and objects past 2^48 bytes', () => {
    for (const src of [
      'struct s { char a[0xffffffffffffffff][0xffffffffffffffff]; int b; };',
      'struct s { char a[18446744073709551615ULL]; };',
      'struct s { long a[1ULL << 61]; };',
      'struct s { char a[1ULL << 63]; };',
      'struct a { char x[1ULL << 40]; }; struct s { struct a y[1ULL << 40]; };',
      'struct s { char a[1ULL << 47]; char b[1ULL << 47]; char c[1ULL << 47]; };',
      'struct s { int a __attribute__((aligned(1ULL << 62))); };',
    ]) {
      const a = analyzeText(src);
      assert.ok(codes(a).some((c) => c === 'array-too-large' || c === 'size-overflow'), `${src}: ${codes(a).join(', ')}`);
      assert.equal(struct(layoutJson(a, (f) => f.path), 's').size, null, src);
    }
    has(analyzeText('struct s { char a[1 << 100]; };'), 'not-constant');
    has(analyzeText('struct s { int a : 0xffffffffffff; };'), 'bitfield-too-wide');
  });

  it('self-containing structs and typedef cycles are incomplete, never laid out forever', () => {
    for (const src of [
      'struct s { struct s x; int b; };',
      'struct b; struct a { struct b y; }; struct b { struct a x; }; struct s { struct a z; };',
      'typedef struct s T; struct s { T t; };',
      'typedef struct s T[2]; struct s { int a; T t; };',
      'struct s { union { struct s inner; int x; }; };',
    ]) {
      const a = analyzeText(src);
      has(a, 'incomplete-type');
      assert.equal(struct(layoutJson(a, (f) => f.path), 's').size, null, src);
    }
    // A typedef naming itself, or one another, before any is defined.
    for (const src of ['typedef A A; struct s { A x; };', 'typedef B A; typedef A B; struct s { A x; };', 'struct s { __typeof__(((struct s *)0)->x) x; };']) {
      const a = analyzeText(src);
      noInternal(a);
      assert.equal(struct(layoutJson(a, (f) => f.path), 's').size, null, src);
    }
  });

  it('a 50 MB file is reported and not read (it took 4 GB and then overflowed the stack); the size is an option', () => {
    const decl = 'struct s_N { unsigned long flags; union { struct { void *a, *b; }; long c[4]; }; int x : 3; };\n';
    const big = decl.repeat(Math.ceil(50e6 / decl.length));
    const a = analyzeSources({ 'main.h': '#include "big.h"\nstruct after { int ok; };\n', 'big.h': big });
    has(a, 'file-too-large');
    assert.match(a.problems[0].message, /big\.h' is 47\.7 MiB, more than the 8\.0 MiB/);
    assert.equal(a.problems[0].file?.path.endsWith('main.h'), true, 'reported at the #include');
    assert.equal(a.parse.records.length, 1);
    // As a main file (no place to point at), and with the limit raised.
    has(analyzeSources({ 'big.h': big }), 'file-too-large');
    const small = decl.repeat(2000);
    has(analyzeSources({ 'm.h': small }, 'x86_64', { limits: { maxFileBytes: 1000 } }), 'file-too-large');
    assert.equal(analyzeSources({ 'm.h': small }, 'x86_64', { limits: { maxFileBytes: 1e6 } }).parse.records.length, 3 * 2000);
  });

  it('millions of empty declarations stop at the token limit (a spread of every declaration overflowed the stack)', () => {
    const a = analyzeText(';'.repeat(3_000_000), 'x86_64', { limits: { maxOutputTokens: 2_500_000 } });
    has(a, 'too-many-tokens');
    assert.equal(a.tokens.length, 2_500_001);
    assert.equal(analyzeText(';'.repeat(300_000)).problems.length, 0);
  });

  it('an incremental analysis follows a file growing past the size limit and back', () => {
    const host = new OverlayHost({ readFile: () => undefined, fileExists: () => false });
    const opts = { arch: 'x86_64' as const, includePaths: ['/lim'], limits: { maxFileBytes: 2000 } };
    host.overlay.set('/lim/main.h', '#include "inc.h"\nstruct m { int a; };\n');
    host.overlay.set('/lim/inc.h', 'struct i { int b; };\n');
    const inc = new IncrementalAnalysis(['/lim/main.h'], opts, host, new PreprocessCache());
    const same = () => {
      const fresh = analyze(['/lim/main.h'], opts, host, new PreprocessCache());
      const rel = (f: { path: string }) => f.path;
      assert.deepEqual(layoutJson(inc.analysis, rel), layoutJson(fresh, rel));
    };
    for (const text of ['struct i { int b; };\n' + '/* pad */\n'.repeat(300), 'struct i { long b; };\n', 'struct i { int b; };\n'.repeat(200), 'struct j { int c; };\n']) {
      host.overlay.set('/lim/inc.h', text);
      inc.update(['/lim/inc.h']);
      same();
    }
  });

  it('binary files and random bytes end in lexical and syntax errors, bounded in number', () => {
    let x = 12345;
    let bin = '\x7fELF\x02\x01\x01\0';
    for (let i = 0; i < 300_000; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      bin += String.fromCharCode((x >>> 0) & 255);
    }
    const a = analyzeSources({ 'm.h': '#include "blob.o"\nstruct after { int ok; };\n', 'blob.o': bin });
    noInternal(a);
    assert.ok(a.problems.length > 0 && a.problems.length <= 10_000);
    for (const p of a.problems) if (p.file) assert.ok(p.offset >= 0 && p.end <= p.file.text.length);
  });

  it('symlink loops in a tree: globs do not follow them, includes through them end', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-loop-'));
    try {
      fs.mkdirSync(path.join(dir, 'a/b'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'a/b/x.h'), 'struct x { int a; };\n');
      fs.symlinkSync('..', path.join(dir, 'a/b/up'));
      fs.symlinkSync('self', path.join(dir, 'self'));
      fs.symlinkSync(path.join(dir, 'a'), path.join(dir, 'a/b/again'));
      const g = expandGlobs(['**/*.h'], dir);
      assert.deepEqual(g.files, [path.join(dir, 'a/b/x.h')]);
      fs.writeFileSync(path.join(dir, 'm.h'), `#include "self/x.h"\n#include "a/b/up/${'b/up/'.repeat(45)}b/x.h"\n#include "a/b/up/${'b/up/'.repeat(10)}b/x.h"\n`);
      const a = analyze([path.join(dir, 'm.h')], { arch: 'x86_64' });
      // A loop of links, and a path through more links than the system follows (ELOOP): not found.
      assert.deepEqual(codes(a), ['include-not-found', 'include-not-found']);
      assert.equal(a.parse.records.length, 1, 'a shorter way round through the loop is a path like any other');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('limits are configurable: --limit NAME=N and the memdesc.limits setting', () => {
  it('parses names and units, refuses nonsense', async () => {
    const { parseLimit } = await import('../../server/src/engine/pp/preprocessor.js');
    assert.deepEqual(parseLimit('tokens', '10M'), { key: 'maxOutputTokens', value: 10_000_000 });
    assert.deepEqual(parseLimit('file-size', '32M'), { key: 'maxFileBytes', value: 32 * 1024 * 1024 });
    assert.deepEqual(parseLimit('include-depth', 300), { key: 'maxIncludeDepth', value: 300 });
    for (const [n, v] of [['tokens', '-1'], ['tokens', 'lots'], ['tokens', '0'], ['speed', '3']]) assert.equal(typeof parseLimit(n, v), 'string', `${n}=${v}`);
  });

  it('the CLI takes them, and says what is wrong with a bad one', async () => {
    const { runCli } = await import('../../server/src/cli/main.js');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-limit-'));
    try {
      const f = path.join(dir, 'x.h');
      fs.writeFileSync(f, Array.from({ length: 100 }, (_, i) => `struct x${i} { int a; };\n`).join(''));
      let out = '';
      let err = '';
      assert.equal(runCli(['layout', f, '--json', '--limit', 'file-size=1k'], (s) => (out += s), (s) => (err += s)), 0);
      assert.ok(JSON.parse(out).diagnostics.some((d: { code: string }) => d.code === 'file-too-large'), out);
      out = '';
      assert.equal(runCli(['layout', f, '--json', '--limit=file-size=1M'], (s) => (out += s), (s) => (err += s)), 0);
      assert.equal(JSON.parse(out).diagnostics.length, 0);
      assert.equal(runCli(['layout', f, '--limit', 'speed=3'], () => undefined, (s) => (err += s)), 2);
      assert.match(err, /unknown limit 'speed'/);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the server setting reaches the analysis, and is part of what keys it', async () => {
    const { Session } = await import('../../server/src/session.js');
    const { normalizeSettings } = await import('../../server/src/settings.js');
    const s = normalizeSettings({ limits: { tokens: '1k', 'file-size': 'x', bogus: 3 } });
    assert.deepEqual(s.limits, { maxOutputTokens: 1000 });
    const session = new Session();
    const f = path.join(os.tmpdir(), 'memdesc-limit-setting.h');
    session.setBuffer(f, ';'.repeat(5000));
    const r = session.analysisFor(f, s)!;
    assert.ok(r.analysis.problems.some((p) => p.code === 'too-many-tokens'));
    const plain = session.analysisFor(f, normalizeSettings({}))!;
    assert.ok(!plain.analysis.problems.some((p) => p.code === 'too-many-tokens'));
  });
});
