// Skimming function declarations of included files: the same structs, layouts and assertion verdicts as parsing
// everything, for the constructs a prototype can hold (tags declared by a return type, function-pointer
// variables, attributes and asm labels, typeof of a function in an assertion).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyze, AnalyzeOptions } from '../../server/src/engine/analysis/analyze';
import { IncrementalAnalysis } from '../../server/src/engine/analysis/incremental';
import { PreprocessCache } from '../../server/src/engine/pp/preprocessor';
import { digest, hostOf, ROOT } from '../fuzz/lib';
import { layoutJson } from '../../server/src/engine/view/report';
import { analyzeSources } from '../helpers';

const HEADER = `
typedef unsigned long long u64;
typedef unsigned int u32;
struct later;
static inline __attribute__((always_inline)) u64 get_u64(const void *p) { return *(const u64 *)p; }
extern void (*hook)(int);
extern u64 (*read_counter)(void);
u32 plain_proto(int a, struct param_only *b);
struct made_by_return *make(void) __attribute__((warn_unused_result));
enum kind_by_return pick(int);
static inline int uses_asm(void) asm("renamed");
int twice(int), twice_again(int);
static inline void set_bit_generic(long nr, volatile unsigned long *addr) { }
static inline void set_bit_arch(long nr, volatile unsigned long *addr) { }
static inline unsigned set_bit_other(long nr, volatile unsigned long *addr) { return 0; }
int (*returns_fp(int))(void);
struct made_by_return { u64 a; u32 b; };
enum kind_by_return { K0, K1 = 1ULL << 40 };
struct later { struct made_by_return m; enum kind_by_return k; u64 (*fp)(void); };
`;

const MAIN = `#include "h.h"
struct user { struct later l; u64 x; };
_Static_assert(__builtin_types_compatible_p(typeof(set_bit_generic), typeof(set_bit_arch)), "same prototype");
_Static_assert(!__builtin_types_compatible_p(typeof(set_bit_generic), typeof(set_bit_other)), "another return type");
_Static_assert(sizeof(struct user) == 40, "size");
_Static_assert(sizeof(make()) == sizeof(void *), "a call's type");
`;

function view(opts: Partial<AnalyzeOptions>) {
  const a = analyzeSources({ 'main.c': MAIN, 'h.h': HEADER }, 'x86_64', opts);
  const j = layoutJson(a, (f) => f.path);
  return { a, structs: j.structs, asserts: j.asserts.map((x) => [x.text, x.holds, x.detail]) };
}

describe('skimming function declarations of included files', () => {
  it('gives the structs, layouts and verdicts a full parse gives', () => {
    const skimmed = view({});
    const full = view({ skimIncludedPrototypes: false });
    assert.deepEqual(skimmed.structs, full.structs);
    assert.deepEqual(skimmed.asserts, full.asserts);
    // And those are right (gcc agrees: the first three hold; a call's type is not evaluated by either).
    assert.deepEqual(full.asserts.slice(0, 3).map((x) => x[1]), [true, true, true]);
  });

  it('does skim: a prototype with an unknown type in an included file is not parsed (and so not reported)', () => {
    const files = { 'main.c': '#include "h.h"\nstruct ok { int x; };\n', 'h.h': 'int f(undeclared_t x);\nundeclared_t g(void);\n' };
    const skimmed = analyzeSources(files);
    const full = analyzeSources(files, 'x86_64', { skimIncludedPrototypes: false });
    assert.deepEqual(skimmed.problems.map((p) => p.code), []);
    assert.ok(full.problems.some((p) => p.code === 'unknown-type'));
  });

  it('never skims the analysed (main) files, a typedef, or a declaration that defines a type', () => {
    const main = 'struct s { int x; };\nundeclared_t g(void);\ntypedef int (*fn_t)(void);\nstruct r { int y; } *h(void);\n';
    const a = analyzeSources({ 'main.c': main });
    assert.ok(a.problems.some((p) => p.code === 'unknown-type'), 'the main file is parsed in full');
    const inc = analyzeSources({ 'main.c': '#include "h.h"\nstruct user { fn_t f; struct r r; };\n', 'h.h': 'typedef int (*fn_t)(void);\nstruct r { int y; } *h(void);\n' });
    const user = layoutJson(inc, (f) => f.path).structs.find((s) => s.name === 'user')!;
    assert.equal(user.size, 16);
  });

  // A skimmed prototype's type is parsed when first asked for, from where its declaration stands then: an edit in a
  // header before it moves it (the token arrays change in place; the preprocessor converges after the edited
  // header), and an assertion added later reads its type there.
  it('an incremental analysis reads a moved prototype where it is now', () => {
    const pad = 'struct pad { int a; };\n';
    const header = 'static inline unsigned long long wide(int x) { return x; }\nstatic inline int narrow(int x) { return x; }\n';
    const main = '#include "a.h"\n#include "h.h"\nstruct user { int u; };\n';
    const host = hostOf({ 'a.h': pad, 'h.h': header, 'main.c': main });
    const opts = { arch: 'x86_64' as const, includePaths: [ROOT] };
    const mains = [`${ROOT}/main.c`];
    const inc = new IncrementalAnalysis(mains, opts, host, new PreprocessCache());
    const steps: Array<[string, string]> = [
      ['a.h', 'struct pad { int a; long b; char c[3]; };\n'],
      ['main.c', main + 'unsigned long long wide_main(int);\n_Static_assert(__builtin_types_compatible_p(typeof(wide), typeof(wide_main)), "same");\n_Static_assert(__builtin_types_compatible_p(typeof(wide), typeof(narrow)), "differ");\n'],
      ['a.h', 'typedef int moved_t;\n' + pad],
    ];
    for (const [name, text] of steps) {
      host.overlay.set(`${ROOT}/${name}`, text);
      const a = inc.update([`${ROOT}/${name}`]);
      assert.equal(inc.lastStats.mode, 'incremental', `${name} followed incrementally`);
      assert.equal(digest(a), digest(analyze(mains, opts, host, new PreprocessCache())), `after editing ${name}`);
    }
    const verdicts = layoutJson(inc.update([]), (f) => f.path).asserts.map((x) => x.holds);
    assert.deepEqual(verdicts, [true, false]);
  });

  // Fuzz cases (the 45-minute run with real headers as seeds, seed 4242117). An edit that re-parses a header's
  // prototypes compares each old binding with the new one: the old prototype's tokens are gone by then (here the
  // stream got shorter than where it stood), and its type, which nothing had asked for, must not be read.
  it('an edit above prototypes in the same header never reads the old ones (fuzz case seed 1739552013)', () => {
    const big = Array.from({ length: 40 }, (_, i) => `struct big${i} { long a, b, c, d; };`).join('\n');
    const header = `${big}\nstatic inline unsigned long long wide(int x) { return x; }\nstatic inline int narrow(int x) { return x; }\n`;
    const main = '#include "h.h"\nunsigned long long wide_main(int);\n_Static_assert(__builtin_types_compatible_p(typeof(wide), typeof(wide_main)), "same");\n';
    const host = hostOf({ 'h.h': header, 'main.c': main });
    const opts = { arch: 'x86_64' as const, includePaths: [ROOT] };
    const mains = [`${ROOT}/main.c`];
    const inc = new IncrementalAnalysis(mains, opts, host, new PreprocessCache());
    for (const text of [header.slice(big.length + 1), 'struct pad { int a; };\n' + header.slice(big.length + 1), header]) {
      host.overlay.set(`${ROOT}/h.h`, text);
      const a = inc.update([`${ROOT}/h.h`]);
      assert.equal(inc.lastStats.mode, 'incremental');
      assert.equal(digest(a), digest(analyze(mains, opts, host, new PreprocessCache())));
      assert.deepEqual(layoutJson(a, (f) => f.path).asserts.map((x) => x.holds), [true]);
    }
  });

  // A prototype whose own declarator names it (seed 2055396326, minimized): its type asked for while it is being
  // parsed. A full parse binds the name only after its declarator; the skim reads it as unknown there, and ends.
  it('a prototype naming itself in its declarator (fuzz case seed 2055396326)', () => {
    // Two main files, the header entered twice: the second prototype's declarator finds the name bound by itself.
    const host = hostOf({ 'types.h': 'pad[BITS_PER_LONG]BITS_PER_LONG(){', 'mm_types.h': '#include"types.h"\n}pad', 'slab.h': '#include"mm_types.h"' });
    const a = analyze([`${ROOT}/mm_types.h`, `${ROOT}/slab.h`], { arch: 'x86_64', includePaths: [ROOT] }, host, new PreprocessCache());
    assert.ok(!a.problems.some((p) => p.code === 'internal-error'), a.problems.map((p) => p.message).join('\n'));
  });
});
