// Preprocessor: the C standard's own examples, hideset rules, conditionals, includes, limits, positions.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FileHost } from '../../server/src/engine/base/host';
import { preprocess, PreprocessCache, PreprocessOptions, PreprocessSession } from '../../server/src/engine/pp/preprocessor';
import { Problems } from '../../server/src/engine/base/problems';
import { locationOf, Token } from '../../server/src/engine/base/token';

class MemHost implements FileHost {
  reads = new Map<string, number>();
  constructor(readonly files: Record<string, string>) {}
  readFile(p: string) {
    this.reads.set(p, (this.reads.get(p) ?? 0) + 1);
    return this.files[p];
  }
  fileExists(p: string) {
    return p in this.files;
  }
}

function pp(files: Record<string, string> | string, opts: Partial<PreprocessOptions> = {}) {
  const fs = typeof files === 'string' ? { '/m.c': files } : files;
  const host = new MemHost(fs);
  const problems = new Problems();
  const r = preprocess([Object.keys(fs)[0]], { includePaths: [], ...opts }, host, problems);
  const n = r.tokens.length - 1; // the EOF token
  const toks = r.tokens.slice(0, n);
  return { r, toks, exps: r.exps.slice(0, n), text: spell(toks, r.spaces), problems: problems.list, host };
}

/** Tokens joined with single spaces where the source had space. */
function spell(toks: Token[], spaces: boolean[]): string {
  return toks.map((t, i) => (i > 0 && spaces[i] ? ' ' : '') + t.text).join('');
}

describe('preprocessor: C11 6.10.3.5 examples', () => {
  it('example 3: rescanning and recursion', () => {
    const src = `#define x 3
#define f(a) f(x * (a))
#undef x
#define x 2
#define g f
#define z z[0]
#define h g(~
#define m(a) a(w)
#define w 0,1
#define t(a) a
#define p() int
#define q(x) x
#define r(x,y) x ## y
#define str(x) # x
f(y+1) + f(f(z)) % t(t(g)(0) + t)(1);
g(x+(3,4)-w) | h 5) & m
(f)^m(m);
p() i[q()] = { q(1), r(2,3), r(4,), r(,5), r(,) };
char c[2][6] = { str(hello), str() };`;
    const out = pp(src).toks.map((t) => t.text).join(' ');
    assert.equal(
      out,
      'f ( 2 * ( y + 1 ) ) + f ( 2 * ( f ( 2 * ( z [ 0 ] ) ) ) ) % f ( 2 * ( 0 ) ) + t ( 1 ) ; ' +
        'f ( 2 * ( 2 + ( 3 , 4 ) - 0 , 1 ) ) | f ( 2 * ( ~ 5 ) ) & f ( 2 * ( 0 , 1 ) ) ^ m ( 0 , 1 ) ; ' +
        'int i [ ] = { 1 , 23 , 4 , 5 , } ; ' +
        'char c [ 2 ] [ 6 ] = { "hello" , "" } ;',
    );
  });
  it('example 4: stringizing and xstr', () => {
    const src = `#define str(s) # s
#define xstr(s) str(s)
#define debug(s, t) printf("x" # s "= %d, x" # t "= %s", \\
 x ## s, x ## t)
#define INCFILE(n) vers ## n
#define glue(a, b) a ## b
#define xglue(a, b) glue(a, b)
#define HIGHLOW "hello"
#define LOW LOW ", world"
debug(1, 2);
fputs(str(strncmp("abc\\0d", "abc", '\\4') // this goes away
 == 0) str(: @\\n), s);
xstr(INCFILE(2).h)
glue(HIGH, LOW);
xglue(HIGH, LOW)`;
    const out = pp(src).toks.map((t) => t.text).join(' ');
    assert.equal(
      out,
      'printf ( "x" "1" "= %d, x" "2" "= %s" , x1 , x2 ) ; ' +
        'fputs ( "strncmp(\\"abc\\\\0d\\", \\"abc\\", \'\\\\4\') == 0" ": @\\n" , s ) ; ' +
        '"vers2.h" ' +
        '"hello" ; ' +
        '"hello" ", world"',
    );
  });
  it('example 5: placemarkers', () => {
    const src = '#define t(x,y,z) x ## y ## z\nint j[] = { t(1,2,3), t(,4,5), t(6,,7), t(8,9,), t(10,,), t(,11,), t(,,12), t(,,) };';
    assert.equal(pp(src).toks.map((t) => t.text).join(' '), 'int j [ ] = { 123 , 45 , 67 , 89 , 10 , 11 , 12 , } ;');
  });
  it('example 7: variable arguments', () => {
    const src = `#define debug(...) fprintf(stderr, __VA_ARGS__)
#define showlist(...) puts(#__VA_ARGS__)
#define report(test, ...) ((test)?puts(#test): printf(__VA_ARGS__))
debug("Flag");
debug("X = %d\\n", x);
showlist(The first, second, and third items.);
report(x>y, "x is %d but y is %d", x, y);`;
    assert.equal(
      pp(src).toks.map((t) => t.text).join(' '),
      'fprintf ( stderr , "Flag" ) ; fprintf ( stderr , "X = %d\\n" , x ) ; puts ( "The first, second, and third items." ) ; ' +
        '( ( x > y ) ? puts ( "x>y" ) : printf ( "x is %d but y is %d" , x , y ) ) ;',
    );
  });
  it('hash_hash: ## produced by # ## # is not an operator', () => {
    const src = '#define hash_hash # ## #\n#define mkstr(a) # a\n#define in_between(a) mkstr(a)\n#define join(c, d) in_between(c hash_hash d)\nchar p[] = join(x, y);';
    assert.equal(pp(src).toks.map((t) => t.text).join(' '), 'char p [ ] = "x ## y" ;');
  });
});

describe('preprocessor: rules the kernel leans on', () => {
  it('blocks recursion, including mutual recursion', () => {
    assert.equal(pp('#define foo foo\n#define a b\n#define b a\nfoo a b').toks.map((t) => t.text).join(' '), 'foo a b');
  });
  it('GNU comma swallowing and named variadics', () => {
    const src = '#define e(fmt, args...) p(fmt, ## args)\n#define v(fmt, ...) p(fmt, ##__VA_ARGS__)\ne(1) e(1, 2, 3) v(1) v(1, 2)';
    assert.equal(pp(src).toks.map((t) => t.text).join(' '), 'p ( 1 ) p ( 1 , 2 , 3 ) p ( 1 ) p ( 1 , 2 )');
  });
  it('__VA_OPT__', () => {
    assert.equal(pp('#define F(a, ...) f(a __VA_OPT__(,) __VA_ARGS__)\nF(1) F(1, 2)').toks.map((t) => t.text).join(' '), 'f ( 1 ) f ( 1 , 2 )');
  });
  it('a function-like macro name without ( is not expanded; the ( may be on the next line', () => {
    assert.equal(pp('#define f(x) [x]\nf + f\n(1)').toks.map((t) => t.text).join(' '), 'f + [ 1 ]');
  });
  it('#undef and #define take effect in order (FOLIO_MATCH style)', () => {
    const src = '#define M(a, b) x ## a == y ## b\nM(1, 2);\n#undef M\n#define M(a, b) x ## a == y ## b + 1\nM(1, 2);';
    assert.equal(pp(src).toks.map((t) => t.text).join(' '), 'x1 == y2 ; x1 == y2 + 1 ;');
  });
  it('directives inside macro arguments are processed as GNU cpp does (struct_group with #ifdef)', () => {
    // The kernel writes conditionals inside struct_group(...) arguments (struct sk_buff's headers group).
    const src = '#define G(n, ...) struct n { __VA_ARGS__ };\nG(s,\n int a;\n#ifdef X\n int b;\n#else\n int nb;\n#endif\n#define Y 7\n int c[Y];\n)\nY';
    const off = pp(src);
    assert.equal(off.toks.map((t) => t.text).join(' '), 'struct s { int a ; int nb ; int c [ 7 ] ; } ; 7');
    assert.deepEqual(off.problems, []);
    const on = pp(src, { defines: [{ name: 'X' }] });
    assert.equal(on.toks.map((t) => t.text).join(' '), 'struct s { int a ; int b ; int c [ 7 ] ; } ; 7');
    // Nested inactive groups inside arguments, and an unterminated call still reported.
    assert.equal(pp('#define F(x) [x]\nF(1\n#if 0\n#if 1\n2\n#endif\n3\n#endif\n)').toks.map((t) => t.text).join(' '), '[ 1 ]');
    assert.deepEqual(pp('#define F(x) [x]\nF(1\n#ifdef Z\n').problems.map((p) => p.code).sort(), ['unterminated-if', 'unterminated-macro-call']);
  });
  it('IS_ENABLED-style macros work in #if and in text', () => {
    const src = `#define __ARG_PLACEHOLDER_1 0,
#define __take_second_arg(__ignored, val, ...) val
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define __is_defined(x) ___is_defined(x)
#define IS_ENABLED(option) __is_defined(option)
#define CONFIG_ON 1
#if IS_ENABLED(CONFIG_ON) && !IS_ENABLED(CONFIG_OFF)
yes
#endif
IS_ENABLED(CONFIG_ON) IS_ENABLED(CONFIG_OFF)`;
    assert.equal(pp(src).toks.map((t) => t.text).join(' '), 'yes 1 0');
  });
  it('#if arithmetic: unsigned comparison, shifts, ternary, char constants, defined', () => {
    const src = `#if -1 > 0u
a
#endif
#if (1 << 62) > 0 && 0x7fffffffffffffff > 0
b
#endif
#if defined(X) || defined Y
no
#elif 'A' == 65 ? 1 : 0
c
#else
no
#endif
#if 0
#if garbage ((
#endif
#else
d
#endif`;
    const r = pp(src);
    assert.equal(r.toks.map((t) => t.text).join(' '), 'a b c d');
    assert.deepEqual(r.problems, []);
  });
  it('#if division by zero is a problem, not a crash', () => {
    const r = pp('#if 1 / 0\nx\n#endif\ny');
    assert.equal(r.toks.map((t) => t.text).join(' '), 'y');
    assert.equal(r.problems[0].code, 'pp-div-zero');
  });
  it('__has_attribute, __has_builtin, __has_include', () => {
    const r = pp({ '/m.c': '#if __has_attribute(__packed__) && !__has_attribute(counted_by) && __has_builtin(__builtin_offsetof) && __has_include("h.h") && !__has_include(<nope.h>)\nok\n#endif', '/h.h': '' });
    assert.equal(r.toks.map((t) => t.text).join(' '), 'ok');
  });
});

describe('preprocessor: includes', () => {
  it('finds "..." next to the includer, then the include path; <...> in the include path only', () => {
    const r = pp({ '/src/m.c': '#include "a.h"\n#include <b.h>\n#include "b.h"', '/src/a.h': 'A', '/inc/b.h': 'B', '/src/b.h': 'LOCAL_B' }, { includePaths: ['/inc'] });
    assert.equal(r.toks.map((t) => t.text).join(' '), 'A B LOCAL_B');
  });
  it('include guards and #pragma once skip re-reading', () => {
    const r = pp({ '/m.c': '#include "g.h"\n#include "g.h"\n#include "o.h"\n#include "o.h"', '/g.h': '#ifndef G_H\n#define G_H\nG\n#endif\n', '/o.h': '#pragma once\nO' });
    assert.equal(r.toks.map((t) => t.text).join(' '), 'G O');
    assert.equal(r.host.reads.get('/g.h'), 1);
  });
  it('#include_next continues after the directory the file was found in', () => {
    const r = pp({ '/m.c': '#include <x.h>', '/a/x.h': 'first\n#include_next <x.h>', '/b/x.h': 'second' }, { includePaths: ['/a', '/b'] });
    assert.equal(r.toks.map((t) => t.text).join(' '), 'first second');
  });
  it('computed includes', () => {
    const r = pp({ '/m.c': '#define HDR <h.h>\n#include HDR', '/inc/h.h': 'H' }, { includePaths: ['/inc'] });
    assert.equal(r.toks.map((t) => t.text).join(' '), 'H');
  });
  it('a missing include is an error at the directive; analysis goes on', () => {
    const r = pp('int a;\n#include "missing.h"\nint b;');
    assert.equal(r.problems[0].code, 'include-not-found');
    assert.equal(r.problems[0].file?.position(r.problems[0].offset).line, 2);
    assert.equal(r.toks.map((t) => t.text).join(' '), 'int a ; int b ;');
  });
  it('include cycles stop at the depth limit with one problem', () => {
    const r = pp({ '/m.c': '#include "a.h"\nend', '/a.h': '#include "b.h"\n', '/b.h': '#include "a.h"\n' }, { limits: { maxIncludeDepth: 50 } });
    assert.ok(r.problems.some((p) => p.code === 'include-depth'));
    assert.equal(r.toks.map((t) => t.text).join(' '), 'end');
  });
});

describe('preprocessor: diagnostics, limits and positions', () => {
  it('#error and #warning are problems with their text', () => {
    const r = pp('#error "bad config"\n#warning careful');
    assert.deepEqual(r.problems.map((p) => [p.code, p.severity, p.message]), [['pp-error', 'error', '#error "bad config"'], ['pp-warning', 'warning', '#warning careful']]);
  });
  it('unterminated #if, stray #endif and #else', () => {
    const r = pp('#endif\n#else\n#if 1\nx');
    assert.deepEqual(r.problems.map((p) => p.code).sort(), ['unbalanced-else', 'unbalanced-endif', 'unterminated-if']);
  });
  it('macro argument problems', () => {
    const r = pp('#define f(a, b) a b\nf(1) f(1, 2, 3) f(1,');
    assert.deepEqual(r.problems.map((p) => p.code), ['macro-arg-count', 'macro-arg-count', 'unterminated-macro-call']);
  });
  it('stops an exponential macro bomb at the budget, quickly', () => {
    let src = '#define a0 x\n';
    for (let i = 1; i <= 40; i++) src += `#define a${i} a${i - 1} a${i - 1}\n`;
    src += 'a40 after';
    const t0 = Date.now();
    const r = pp(src, { limits: { maxExpansionTokens: 100_000 } });
    assert.ok(Date.now() - t0 < 10_000);
    assert.equal(r.problems[0].code, 'macro-expansion-limit');
    assert.equal(r.problems[0].file?.position(r.problems[0].offset).line, 42);
    assert.deepEqual(r.toks.map((t) => t.text), ['after']);
  });
  it('expanded tokens remember where they were written and which invocation made them', () => {
    const r = pp('#define T int\n#define DECL(n) T n;\n\n\nDECL(x)');
    const intTok = r.toks[0];
    assert.equal(intTok.text, 'int');
    assert.equal(intTok.file.position(intTok.offset).line, 1);
    assert.equal(r.exps[0]?.macro, 'T');
    assert.equal(r.exps[0]?.parent?.macro, 'DECL');
    const loc = locationOf(intTok, r.exps[0]);
    assert.equal(loc.file.position(loc.offset).line, 5);
    const x = r.toks[1];
    assert.equal(x.file.position(x.offset).line, 5);
    assert.equal(r.exps[1]?.macro, 'DECL');
    const outer = r.exps[0]!.parent!;
    assert.equal(outer.at.file.text.slice(outer.at.offset, outer.callEnd), 'DECL(x)');
  });
  it('-D/-U and predefines apply in order, before the main file', () => {
    const r = pp('A B C', { predefines: '#define A 1\n', defines: [{ name: 'B', value: '2' }, { name: 'C' }, { undef: 'C' }] });
    assert.equal(r.toks.map((t) => t.text).join(' '), '1 2 C');
  });
});

// The journal keeps what each macro lookup found as the index of the logged change that made it (Lookups), and an
// update cuts those at its restart point and appends the previous run's back after convergence. Whatever the edit,
// each lookup must name the table's definition at its place in the run: the last logged change to its name before
// it, or the built-in state when there is none.
describe('journal lookups across updates', () => {
  const files: Record<string, string> = {
    '/inc/a.h': '#ifndef A_H\n#define A_H\n#define W 4\n#define F(x) ((x) * W)\ntypedef int a_t;\n#endif\n',
    '/inc/b.h': '#include "a.h"\n#define W 8\nstruct b { char c[F(1)]; };\n#undef W\n#define W 2\n',
    '/m.c': '#include "a.h"\n#include "b.h"\n#if F(2) > 3\nstruct m { a_t x[F(3)]; };\n#endif\nint z = W + F(W);\n',
  };
  const edits = [
    '#include "a.h"\n#define EXTRA 1\n#define W 8\nstruct b { char c[F(1)]; };\n#undef W\n#define W 2\n',
    '#include "a.h"\nstruct b { char c[F(1)]; };\n#define W 3\n',
    '#include "a.h"\n#define W 8\nstruct b { char c[F(1)]; };\n#undef W\n#define W 2\n',
    '#undef F\n#define F(x) x\n#include "a.h"\n',
  ];
  it('each lookup finds the definition the log says, after every update', () => {
    const host = new MemHost({ ...files });
    const session = new PreprocessSession(['/m.c'], { includePaths: ['/inc'] }, host, new PreprocessCache());
    session.run();
    let checked = 0;
    for (const text of [undefined, ...edits]) {
      if (text !== undefined) {
        host.files['/inc/b.h'] = text;
        assert.ok(session.update('/inc/b.h'), 'updated incrementally');
      }
      const { journal } = session.relevanceSource();
      const l = journal.lookups;
      const latest = new Map<number, number>();
      let li = 0;
      for (let k = 0; k < l.length; k++) {
        while (li < l.logAt(k)) latest.set(journal.logId[li], li++);
        const c = latest.get(l.id(k));
        const want = c === undefined ? journal.initially(l.id(k)) : journal.logNext[c];
        assert.equal(l.def(k), want, `lookup ${k} of ${session.relevanceSource().spelling(l.id(k))}`);
        checked++;
      }
      assert.ok(l.length > 20, 'the run made lookups');
    }
    assert.ok(checked > 100);
  });
});
