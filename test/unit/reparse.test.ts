// Parsing again after an edit gives what parsing everything again gives: random token edits of kernel-shaped
// declarations (forward declarations completed later, anonymous typedefs, enums sizing arrays, sizeof and
// offsetof in assertions, redefinitions), checked declaration by declaration against a fresh parse.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rng } from '../helpers';
import { ABIS } from '../../server/src/engine/base/abi';
import { OverlayHost } from '../../server/src/engine/base/host';
import { Layouter } from '../../server/src/engine/sema/layout';
import { parse, ParseResult } from '../../server/src/engine/sema/parser';
import { preprocess, PreprocessCache, PreprocessResult } from '../../server/src/engine/pp/preprocessor';
import { Problems } from '../../server/src/engine/base/problems';
import { reparse, TokenSplice } from '../../server/src/engine/sema/reparse';
import { recordName, typeToString } from '../../server/src/engine/sema/types';

const abi = ABIS.x86_64;

const FIXTURE = `
#define offsetof(T, m) __builtin_offsetof(T, m)
#define MATCH(a, b) _Static_assert(offsetof(struct page, a) == offsetof(struct folio, b), #a)
struct page;
struct list_head { struct list_head *next, *prev; };
typedef struct { unsigned long f; } flags_t;
enum order { ORDER0, ORDER1, ORDER2, NR_ORDERS };
struct free_area { struct list_head free_list[NR_ORDERS]; unsigned long nr_free; };
struct zone { struct free_area area[NR_ORDERS]; char pad[sizeof(struct free_area) % 8 + 1]; };
struct page {
  flags_t flags;
  union {
    struct { struct list_head lru; void *mapping; unsigned long index; };
    struct { unsigned long compound_head; unsigned char order; };
  };
  unsigned long private;
  int _mapcount;
  int _refcount;
};
struct folio {
  union {
    struct { flags_t flags; struct list_head lru; void *mapping; unsigned long index; unsigned long private; int _mapcount; int _refcount; };
    struct page page;
  };
  struct page __page_1;
  unsigned int big : 3, small : 2;
};
MATCH(flags, flags);
MATCH(lru, lru);
MATCH(_refcount, _refcount);
_Static_assert(sizeof(struct folio) <= 3 * sizeof(struct page), "folio fits");
struct later;
struct user { struct later *p; int n; };
struct later { struct user u; long v[ORDER2]; };
typedef struct later later_t;
static inline int helper(struct page *p) { return p->_refcount; }
struct slab { flags_t flags; struct list_head slab_list; void *freelist; union { unsigned long counters; struct { unsigned inuse:16, objects:15, frozen:1; }; }; };
_Static_assert(offsetof(struct page, index) == offsetof(struct slab, freelist) + 8, "slab");
enum { EXTRA = sizeof(struct slab) };
struct tail { char c[EXTRA]; later_t l; };
`;

const VOCAB = ['int', 'long', 'x', ';', '{', '}', '(', ')', '*', 'struct', 'page', 'union', 'char', '[', ']', '2', ',', 'ORDER1', 'flags_t', ':', '3', 'typedef', 'enum', '='];

/** A random token-level edit of the source: delete, duplicate, insert a word, or swap two tokens. */
function mutate(src: string, r: () => number): string {
  const words = src.split(/(\s+)/);
  const idx = () => Math.floor(r() * words.length);
  const k = idx();
  switch (Math.floor(r() * 4)) {
    case 0:
      words.splice(k, 1);
      break;
    case 1:
      words.splice(k, 0, words[k] ?? '', ' ');
      break;
    case 2:
      words.splice(k, 0, ' ', VOCAB[Math.floor(r() * VOCAB.length)], ' ');
      break;
    default: {
      const j = idx();
      [words[k], words[j]] = [words[j], words[k]];
    }
  }
  return words.join('');
}

function stream(host: OverlayHost, cache: PreprocessCache): PreprocessResult {
  return preprocess(['/t/m.h'], { includePaths: [], predefines: abi.predefines, charSigned: abi.charSigned }, host, new Problems(), cache);
}

/** Everything the parse means, without source positions (an edit moves them; the pipeline test checks them). */
function meaning(r: ParseResult): string {
  const lay = new Layouter(abi, new Problems());
  const records = r.records.map((d) => {
    const l = lay.layout(d);
    return [recordName(d) ?? '?', d.kind, l.size, l.align, (d.members ?? []).map((m) => [m.name, typeToString(m.type), m.bitWidth, lay.sizeOf(m.type)])];
  });
  const asserts = r.asserts.map((a) => [a.s, a.e, a.result?.ok, a.result?.ok ? String(a.result.value.v) : a.result?.reason]);
  const problems = r.problems.map((p) => [p.code, p.message]);
  const ordinary = [...r.ordinary].map(([k, v]) => [k, v.kind, typeToString(v.type), v.kind === 'enumerator' ? String(v.value) : '']).sort();
  const tags = [...r.tags].map(([k, v]) => [k, v.kind, v.kind === 'enum' ? 'enum' : recordName(v.def)]).sort();
  const enums = r.enums.map((e) => [e.tag, e.underlying, e.enumerators.map((x) => `${x.name}=${x.value}`)]);
  return JSON.stringify({ records, asserts, problems, ordinary, tags, enums });
}

/** The tokens that differ between two streams (by spelling), as a splice. */
function diff(a: PreprocessResult, b: PreprocessResult): TokenSplice {
  let i = 0;
  const n = Math.min(a.tokens.length, b.tokens.length);
  const same = (x: number, y: number) => a.tokens[x].kind === b.tokens[y].kind && a.tokens[x].text === b.tokens[y].text && a.spaces[x] === b.spaces[y];
  while (i < n && same(i, i)) i++;
  let ea = a.tokens.length;
  let eb = b.tokens.length;
  while (ea > i && eb > i && same(ea - 1, eb - 1)) {
    ea--;
    eb--;
  }
  return { a: i, oldEnd: ea, newEnd: eb };
}

describe('reparse: declarations parsed again after an edit', () => {
  it('the fixture itself parses cleanly and its assertions evaluate', () => {
    const host = new OverlayHost({ readFile: () => undefined, fileExists: () => false });
    host.overlay.set('/t/m.h', FIXTURE);
    const r = parse(stream(host, new PreprocessCache()), new Layouter(abi, new Problems()), new Problems(), { msExtensions: false });
    assert.deepEqual(r.problems.map((p) => p.message), []);
    assert.equal(r.asserts.length, 5);
    assert.ok(r.asserts.every((a) => a.result?.ok));
  });

  it('400 chains of random edits: the same records, layouts, names, assertions and problems as a fresh parse', () => {
    const seed = Number(process.env.MEMDESC_REPARSE_SEED ?? 20261201);
    const r = rng(seed);
    let checked = 0;
    let reparsedDecls = 0;
    for (let chain = 0; chain < 40; chain++) {
      const host = new OverlayHost({ readFile: () => undefined, fileExists: () => false });
      const cache = new PreprocessCache();
      let src = FIXTURE;
      host.overlay.set('/t/m.h', src);
      let prev = stream(host, cache);
      let state = parse(prev, new Layouter(abi, new Problems()), new Problems(), { msExtensions: false, track: true }).state;
      for (let step = 0; step < 10; step++) {
        // Mostly small edits, sometimes undoing back to the original (the common editing rhythm).
        src = r() < 0.15 ? FIXTURE : mutate(src, r);
        host.overlay.set('/t/m.h', src);
        const next = stream(host, cache);
        const inc = reparse(state, next, diff(prev, next), new Layouter(abi, new Problems()));
        const full = parse(next, new Layouter(abi, new Problems()), new Problems(), { msExtensions: false });
        const a = meaning(inc.result);
        const b = meaning(full);
        if (a !== b) {
          let i = 0;
          while (a[i] === b[i]) i++;
          assert.fail(`seed ${seed}, chain ${chain}, step ${step}: differs at\n  reparsed: ${a.slice(Math.max(0, i - 200), i + 200)}\n  fresh:    ${b.slice(Math.max(0, i - 200), i + 200)}\n${src}`);
        }
        reparsedDecls += inc.stats.edited + inc.stats.dependents;
        checked++;
        state = inc.result.state;
        prev = next;
      }
    }
    assert.equal(checked, 400);
    assert.ok(reparsedDecls > 0);
  });
});
