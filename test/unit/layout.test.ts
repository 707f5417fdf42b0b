// Engine: declarations → types → layout, checked against values gcc and clang give (see test/diff for the oracle runs).

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeSources, json, offsets, struct } from '../helpers';

describe('layout: scalars and ABIs', () => {
  const src = `struct s { char c; long l; short h; long long q; double d; void *p; };`;
  it('x86_64 natural alignment', () => {
    const s = struct(json(src, 'x86_64'), 's');
    assert.deepEqual(offsets(s), { c: 0, l: 8, h: 16, q: 24, d: 32, p: 40 });
    assert.equal(s.size, 48);
    assert.equal(s.align, 8);
  });
  it('i386 aligns 8-byte scalars to 4 inside structs', () => {
    const s = struct(json(src, 'i386'), 's');
    assert.deepEqual(offsets(s), { c: 0, l: 4, h: 8, q: 12, d: 20, p: 28 });
    assert.equal(s.size, 32);
    assert.equal(s.align, 4);
  });
  it('arm aligns long long and double to 8', () => {
    const s = struct(json(src, 'arm'), 's');
    assert.deepEqual(offsets(s), { c: 0, l: 4, h: 8, q: 16, d: 24, p: 32 });
    assert.equal(s.size, 40);
  });
  it('long double and __int128 per ABI', () => {
    const t = `struct t { char c; long double ld; }; struct u { char c; __int128 i; };`;
    assert.equal(struct(json(t, 'x86_64'), 't').size, 32);
    assert.equal(struct(json(t, 's390x'), 'u').members[1].offset, 8);
    assert.equal(struct(json(t, 'arm64'), 'u').members[1].offset, 16);
    assert.equal(struct(json(`struct t { char c; long double ld; };`, 'i386'), 't').size, 16);
  });
});

describe('layout: anonymous members and unions', () => {
  const src = `
struct list { struct list *next, *prev; };
struct page {
  unsigned long flags;
  union {
    struct { struct list lru; void *mapping; unsigned long index; };
    struct { unsigned long compound_head; unsigned char order; };
  };
  union { int mapcount; unsigned int page_type; };
  int refcount;
};`;
  it('promotes members through anonymous structs and unions with absolute offsets', () => {
    const s = struct(json(src), 'page');
    assert.deepEqual(offsets(s), { flags: 0, lru: 8, mapping: 24, index: 32, compound_head: 8, order: 16, mapcount: 40, page_type: 40, refcount: 44 });
    assert.equal(s.size, 48);
    assert.equal(s.members.find((m) => m.name === 'lru')?.type, 'struct list');
  });
  it('union size is the largest member rounded to alignment', () => {
    const s = struct(json(`union u { char c[5]; int i; };`), 'u');
    assert.equal(s.kind, 'union');
    assert.equal(s.size, 8);
  });
  it('empty structs are zero bytes (GNU C)', () => {
    const s = struct(json(`struct e {}; struct h { int a; struct e e; int b; };`), 'h');
    assert.deepEqual(offsets(s), { a: 0, e: 4, b: 4 });
    assert.equal(s.size, 8);
  });
});

describe('layout: bitfields', () => {
  it('packs bitfields in allocation units and straddles to the next unit', () => {
    const s = struct(json(`struct b { unsigned a:3; unsigned b:30; unsigned char c; };`), 'b');
    assert.deepEqual(offsets(s), { a: 0, b: 32, c: 8 });
    assert.equal(s.size, 12);
    const b = s.members.find((m) => m.name === 'b')!;
    assert.equal(b.offset, 4);
    assert.equal(b.size, 4);
    assert.equal(b.bitSize, 30);
  });
  it('counters-style union of a word and bitfields', () => {
    const s = struct(json(`struct c { void *freelist; union { unsigned long counters; struct { unsigned inuse:16; unsigned objects:15; unsigned frozen:1; }; }; };`), 'c');
    assert.deepEqual(offsets(s), { freelist: 0, counters: 8, inuse: 64, objects: 80, frozen: 95 });
  });
  it('zero-width bitfield moves to the next unit without raising alignment on x86_64', () => {
    const s = struct(json(`struct z { char a; int :0; char b; };`), 'z');
    assert.deepEqual(offsets(s), { a: 0, b: 4 });
    assert.equal(s.size, 5);
    assert.equal(s.align, 1);
  });
  it('arm: unnamed bitfields raise the record alignment', () => {
    const s = struct(json(`struct z { char a; int :0; char b; };`, 'arm'), 'z');
    assert.equal(s.align, 4);
    assert.equal(s.size, 8);
  });
  it('i386: long long bitfields may span two 4-byte units', () => {
    const s = struct(json(`struct q { unsigned a:30; unsigned long long b:34; };`, 'i386'), 'q');
    assert.deepEqual(offsets(s), { a: 0, b: 30 });
    assert.equal(s.size, 8);
  });
  it('packed bitfields do not straddle-align', () => {
    const s = struct(json(`struct __attribute__((packed)) p { unsigned a:3; unsigned b:30; };`), 'p');
    assert.deepEqual(offsets(s), { a: 0, b: 3 });
    assert.equal(s.size, 5);
  });
});

describe('layout: attributes', () => {
  it('packed struct and packed member', () => {
    const j = json(`struct p { char c; int i; } __attribute__((packed)); struct m { char c; int i __attribute__((packed)); long l; };`);
    assert.deepEqual(offsets(struct(j, 'p')), { c: 0, i: 1 });
    assert.equal(struct(j, 'p').size, 5);
    assert.deepEqual(offsets(struct(j, 'm')), { c: 0, i: 1, l: 8 });
  });
  it('aligned on struct (after the brace and before the tag) and on members', () => {
    const j = json(`
struct a { long x; } __attribute__((aligned(2 * sizeof(unsigned long))));
struct __attribute__((aligned(32))) b { char c; };
struct c { char c; int i __attribute__((aligned(16))); _Alignas(8) char d; };`);
    assert.equal(struct(j, 'a').size, 16);
    assert.equal(struct(j, 'a').align, 16);
    assert.equal(struct(j, 'b').size, 32);
    assert.deepEqual(offsets(struct(j, 'c')), { c: 0, i: 16, d: 24 });
    assert.equal(struct(j, 'c').size, 32);
  });
  it('aligned typedefs may lower alignment; packing overrides inherited alignment', () => {
    const j = json(`
typedef long __attribute__((aligned(4))) long4;
struct t { char c; long4 l; };
typedef struct { long x; } __attribute__((aligned(16))) a16;
struct u { char c; a16 v; } __attribute__((packed));
struct v { char c; long l __attribute__((packed, aligned(2))); };`);
    assert.deepEqual(offsets(struct(j, 't')), { c: 0, l: 4 });
    assert.equal(struct(j, 't').size, 12);
    assert.deepEqual(offsets(struct(j, 'u')), { c: 0, v: 1 });
    assert.deepEqual(offsets(struct(j, 'v')), { c: 0, l: 2 });
  });
});

describe('layout: enums, arrays, typedefs', () => {
  it('enum size follows the enumerators', () => {
    const j = json(`
enum small { A, B };
enum big { C = 0xffffffffffffffffUL };
enum __attribute__((packed)) tiny { D = 200 };
struct e { enum small s; enum big b; enum tiny t; };`);
    assert.deepEqual(offsets(struct(j, 'e')), { s: 0, b: 8, t: 16 });
    assert.equal(struct(j, 'e').size, 24);
  });
  it('arrays with constant expressions, zero-length and flexible arrays', () => {
    const j = json(`
enum { N = 3 };
struct a { int x[N * 2][2]; char z[0]; long tail[]; };`);
    const s = struct(j, 'a');
    assert.deepEqual(offsets(s), { x: 0, z: 48, tail: 48 });
    assert.equal(s.size, 48);
    assert.equal(s.members[0].type, 'int [6][2]');
  });
  it('typedef chains, function pointers, multiple declarators', () => {
    const j = json(`
typedef unsigned long ul; typedef ul pgoff;
struct f { pgoff a, *b, c[2]; void (*cb)(struct f *); int (*arr[2])(void); };`);
    const s = struct(j, 'f');
    assert.deepEqual(offsets(s), { a: 0, b: 8, c: 16, cb: 32, arr: 40 });
    assert.equal(s.members[0].type, 'pgoff');
    assert.equal(s.members[3].type, 'void (*)(struct f *)');
  });
  it('typedef names an anonymous struct', () => {
    const j = json(`typedef struct { unsigned long f; } flags_t; struct p { flags_t flags; };`);
    assert.equal(struct(j, 'flags_t').size, 8);
    assert.equal(struct(j, 'p').members[0].type, 'flags_t');
  });
});

describe('layout: MS extensions', () => {
  const src = `struct fc { void *freelist; unsigned long counters; }; struct slab { unsigned long flags; struct fc; int ref; };`;
  it('promotes members of a tagged member without a name under msExtensions', () => {
    const s = struct(json(src, 'x86_64', { msExtensions: true }), 'slab');
    assert.deepEqual(offsets(s), { flags: 0, freelist: 8, counters: 16, ref: 24 });
  });
  it('ignores it (with a warning) without msExtensions, as gcc does', () => {
    const j = json(src);
    assert.deepEqual(offsets(struct(j, 'slab')), { flags: 0, ref: 8 });
    assert.ok(j.diagnostics.some((d) => d.code === 'declaration-does-not-declare'));
  });
});

describe('static assertions', () => {
  it('evaluates offsetof/sizeof comparisons through macros and explains failures', () => {
    const j = json(`
#define offsetof(T, M) __builtin_offsetof(T, M)
struct page { unsigned long flags; int mapcount; int refcount; };
struct slab { unsigned long flags; void *cache; int refcount; };
#define MATCH(pg, sl) _Static_assert(offsetof(struct page, pg) == offsetof(struct slab, sl), "")
MATCH(flags, flags);
MATCH(refcount, refcount);
_Static_assert(sizeof(struct slab) <= sizeof(struct page) * 2, "fits");`);
    assert.equal(j.asserts.length, 3);
    assert.equal(j.asserts[0].holds, true);
    assert.equal(j.asserts[0].text, 'MATCH(flags, flags)');
    assert.equal(j.asserts[1].holds, false);
    assert.equal(j.asserts[1].detail, 'offsetof(struct page, refcount) is 12 but offsetof(struct slab, refcount) is 16');
    assert.equal(j.asserts[1].line, 7);
    assert.equal(j.asserts[2].holds, true);
  });
  it('reports assertions it cannot evaluate as null with the reason', () => {
    const j = json(`struct fwd; _Static_assert(sizeof(struct fwd) == 8, "x"); _Static_assert(__builtin_offsetof(struct fwd2, a) == 0, "y");`);
    assert.equal(j.asserts.length, 2);
    assert.equal(j.asserts[0].holds, null);
    assert.match(j.asserts[0].detail, /cannot evaluate sizeof\(struct fwd\): size of 'struct fwd' is not known/);
    assert.equal(j.asserts[1].holds, null);
    const bad = json(`_Static_assert(frob(struct s, a) == 0, "x");`);
    assert.equal(bad.asserts[0].holds, null);
    assert.match(bad.asserts[0].detail, /could not be parsed/);
  });
  it('multi-page offsets: offset + k * sizeof', () => {
    const j = json(`
struct pg { unsigned long flags; unsigned long head; void *a; void *b; };
struct big { union { struct { unsigned long f; unsigned long h; void *x; void *y; }; struct pg p0; }; union { struct { unsigned long f1; unsigned long h1; }; struct pg p1; }; };
_Static_assert(__builtin_offsetof(struct big, h1) == __builtin_offsetof(struct pg, head) + 1 * sizeof(struct pg), "h1");`);
    assert.equal(j.asserts[0].holds, true);
  });
});

describe('unknowns and errors are data', () => {
  it('an unknown type makes later offsets unknown, not guessed', () => {
    const j = json(`struct s { int a; mystery_t m; int b; };`);
    const s = struct(j, 's');
    // m's alignment is unknown, so even its offset is: never guessed.
    assert.deepEqual(offsets(s), { a: 0, m: null, b: null });
    assert.equal(s.size, null);
    assert.equal(s.complete, false);
    const d = j.diagnostics.find((x) => x.code === 'unknown-type')!;
    assert.equal(d.line, 1);
    assert.equal(d.column, 19);
  });
  it('in a union, an unknown member leaves the other offsets known', () => {
    const s = struct(json(`union u { int a; mystery_t m; long b; };`), 'u');
    assert.deepEqual(offsets(s), { a: 0, m: 0, b: 0 });
    assert.equal(s.size, null);
  });
  it('a syntax error loses only the declaration it is in', () => {
    const j = json(`struct a { int x; int y z; int w; };\nstruct b { long q; };\nint f(void) { return 1 +; }\nstruct c { char c; };`);
    assert.equal(struct(j, 'b').size, 8);
    assert.equal(struct(j, 'c').size, 1);
    assert.ok(j.diagnostics.some((d) => d.code === 'syntax-error' && d.line === 1));
  });
  it('reports duplicate members, too-wide bitfields, self-containing structs', () => {
    const j = json(`struct d { int a; int a; }; struct w { char c:9; }; struct r { struct r inner; };`);
    const codes = j.diagnostics.map((d) => d.code);
    assert.ok(codes.includes('duplicate-member'));
    assert.ok(codes.includes('bitfield-too-wide'));
    assert.ok(codes.includes('incomplete-type'));
    assert.equal(struct(j, 'r').size, null);
  });
  it('skips function bodies, initialisers and asm without losing sync', () => {
    const j = json(`
static inline int f(struct s *p) { struct { int x; } y = { 1 }; if (p) { return 0; } return 1; }
int table[] = { 1, 2, { 3 } };
asm(".section foo");
struct after { int a; };`);
    assert.equal(struct(j, 'after').size, 4);
    assert.equal(j.diagnostics.filter((d) => d.severity === 'error').length, 0);
  });
});

describe('character constants', () => {
  it('follow the ABI: plain char is signed on x86_64, unsigned on arm64; the same in #if', () => {
    const src = `#if '\\xff' < 0
#define SIGNED 1
#else
#define SIGNED 0
#endif
struct s { char c[SIGNED + 1]; char d['\\xff' < 0 ? 3 : 4]; int e['ab' == 0x6162 ? 1 : 9]; };`;
    assert.deepEqual(offsets(struct(json(src, 'x86_64'), 's')), { c: 0, d: 2, e: 8 });
    assert.deepEqual(offsets(struct(json(src, 'arm64'), 's')), { c: 0, d: 1, e: 8 });
  });
});

describe('layout: the flattened members of a record, kept per layouter', () => {
  const src = `struct inner; struct outer { int a; struct inner in; struct { long deep; }; };\nstruct inner { long x; };\n`;
  const records = (text = src) => {
    const a = analyzeSources({ 'm.h': text }, 'x86_64');
    const find = (tag: string) => a.parse.records.find((r) => r.tag === tag)!;
    return { lay: a.layouter.fresh(), outer: find('outer'), inner: find('inner') };
  };

  it('a member whose type was incomplete at the first lookup has its size once the type is complete', () => {
    const { lay, outer, inner } = records();
    // The parser gives such a member an unknown type; the layouter's contract holds for any caller all the same.
    outer.members!.find((m) => m.name === 'in')!.type = { kind: 'record', def: inner };
    const members = inner.members;
    // As while parsing between `struct outer` and the definition of `struct inner`.
    inner.members = undefined;
    assert.equal(lay.findMember(outer, 'in')?.size, undefined);
    const before = lay.flatten(outer);
    inner.members = members;
    assert.equal(lay.findMember(outer, 'in')?.size, 8);
    assert.equal(lay.flatten(outer).find((m) => m.name === 'in')?.size, 8);
    // What was handed out before is never edited.
    assert.equal(before.find((m) => m.name === 'in')?.size, undefined);
  });

  it('a lookup answered from what was kept reports the same reads as the first (a declaration\'s dependencies)', () => {
    const { lay, outer } = records(`struct inner { long x; };\nstruct outer { int a; struct inner in; struct { long deep; }; };\n`);
    const readsOf = (f: () => void) => {
      const seen = new Set<unknown>();
      lay.onRead = (d) => seen.add(d);
      f();
      lay.onRead = undefined;
      return seen;
    };
    const first = readsOf(() => lay.findMember(outer, 'deep'));
    const again = readsOf(() => lay.findMember(outer, 'a'));
    assert.ok(first.size >= 3, 'outer, the anonymous struct and inner');
    assert.deepEqual([...again].sort(), [...first].sort());
    assert.equal(lay.findMember(outer, 'deep')?.bitOffset, 128);
  });
});
