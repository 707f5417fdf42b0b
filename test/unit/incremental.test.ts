// An analysis brought up to date after edits equals a fresh analysis of the edited files: random edits of a
// kernel-shaped set of headers (guards, macros, conditionals, inline functions, struct overlays, assertions),
// in main files and in included headers, compared token by token (with source positions), struct by struct,
// assertion by assertion and diagnostic by diagnostic.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { rng } from '../helpers';
import { analyze, Analysis, isStale, StaleAnalysisError } from '../../server/src/engine/analysis/analyze';
import { OverlayHost } from '../../server/src/engine/base/host';
import { IncrementalAnalysis } from '../../server/src/engine/analysis/incremental';
import { PreprocessCache } from '../../server/src/engine/pp/preprocessor';
import { layoutJson } from '../../server/src/engine/view/report';
import { entityAt } from '../../server/src/engine/view/query';
import { buildModel } from '../../server/src/engine/memdesc/memdesc';
import { locationOf } from '../../server/src/engine/base/token';

const ROOT = '/inc';

const FILES: Record<string, string> = {
  'types.h': `#ifndef TYPES_H
#define TYPES_H
typedef unsigned long ulong_t;
typedef struct { int counter; } atomic_t;
struct list_head { struct list_head *next, *prev; };
#define offsetof(T, m) __builtin_offsetof(T, m)
#define __aligned(x) __attribute__((aligned(x)))
#define inline inline __attribute__((__gnu_inline__))
static inline int list_empty(const struct list_head *h) { return h->next == h; }
#endif
`,
  'config.h': `#ifndef CONFIG_H
#define CONFIG_H
#define CONFIG_MEMCG 1
#define NR_PAGEFLAGS 22
#endif
`,
  'page.h': `#ifndef PAGE_H
#define PAGE_H
#include "types.h"
#include "config.h"
struct page;
struct page {
	ulong_t flags;
	union {
		struct {
			struct list_head lru;
			void *mapping;
			ulong_t index;
		};
		struct { ulong_t compound_head; unsigned char order; };
	};
	ulong_t private;
	atomic_t _mapcount;
	atomic_t _refcount;
#ifdef CONFIG_MEMCG
	ulong_t memcg_data;
#endif
} __aligned(2 * sizeof(unsigned long));
static inline ulong_t page_flags(struct page *p) { return p->flags; }
#define FOLIO_MATCH(pg, fl) _Static_assert(offsetof(struct page, pg) == offsetof(struct folio, fl), #fl)
struct folio {
	union {
		struct { ulong_t flags; struct list_head lru; void *mapping; ulong_t index; ulong_t private; atomic_t _mapcount; atomic_t _refcount;
#ifdef CONFIG_MEMCG
			ulong_t memcg_data;
#endif
		};
		struct page page;
	};
	struct page __page_1;
};
FOLIO_MATCH(flags, flags);
FOLIO_MATCH(lru, lru);
FOLIO_MATCH(_refcount, _refcount);
#ifdef CONFIG_MEMCG
FOLIO_MATCH(memcg_data, memcg_data);
#endif
#endif
`,
  'slab.h': `#include "page.h"
#define SLAB_MATCH(pg, sl) _Static_assert(offsetof(struct page, pg) == offsetof(struct slab, sl), #sl)
struct slab {
	ulong_t flags;
	struct list_head slab_list;
	void *freelist;
	union { ulong_t counters; struct { unsigned inuse:16, objects:15, frozen:1; }; };
	atomic_t __page_refcount;
};
SLAB_MATCH(flags, flags);
SLAB_MATCH(compound_head, slab_list);
SLAB_MATCH(_refcount, __page_refcount);
_Static_assert(sizeof(struct slab) <= sizeof(struct page), "slab fits");
static inline struct slab *page_slab(struct page *p) { return (struct slab *)p; }
`,
};
const MAINS = ['page.h', 'slab.h'];

const SNIPPETS = ['\n', ' ', ';', '{', '}', '(', ')', 'int x;', '#define Q 3\n', '\n#endif\n', '#ifdef CONFIG_MEMCG\n', 'ulong_t', 'struct page', 'atomic_t y;', '/*', '*/', '"', '[Q]', ':3', 'inline', 'FOLIO_MATCH(index, index);', '__aligned(8)', '#include "config.h"\n'];

/** A random character-level edit: insert a snippet, or delete a short range. */
function edit(text: string, r: () => number): string {
  const at = Math.floor(r() * (text.length + 1));
  if (r() < 0.55) return text.slice(0, at) + SNIPPETS[Math.floor(r() * SNIPPETS.length)] + text.slice(at);
  return text.slice(0, at) + text.slice(at + 1 + Math.floor(r() * 12));
}

/** Everything an analysis says: tokens with positions, layouts, assertions, diagnostics. */
function digest(a: Analysis): string {
  const rel = (f: { path: string }) => f.path.slice(ROOT.length + 1);
  const toks = a.tokens.map((t, i) => {
    const l = locationOf(t, a.exps[i]);
    const p = l.file.position(l.offset);
    return `${t.kind}:${t.text}:${a.spaces[i] ? 1 : 0}:${rel(l.file)}:${p.line}:${p.column}`;
  });
  return JSON.stringify({ toks, json: layoutJson(a, rel) });
}

describe('incremental analysis: the same as a fresh analysis after every edit', () => {
  it('300 random edits in main files and included headers, in chains with undo', () => {
    const seed = Number(process.env.MEMDESC_INCREMENTAL_SEED ?? 20261201);
    const r = rng(seed);
    let steps = 0;
    let incremental = 0;
    for (let chain = 0; chain < 30; chain++) {
      const host = new OverlayHost({ readFile: () => undefined, fileExists: () => false });
      const texts = { ...FILES };
      for (const [n, t] of Object.entries(texts)) host.overlay.set(`${ROOT}/${n}`, t);
      const opts = { arch: 'x86_64' as const, includePaths: [ROOT] };
      const inc = new IncrementalAnalysis(MAINS.map((m) => `${ROOT}/${m}`), opts, host, new PreprocessCache());
      for (let step = 0; step < 10; step++) {
        const names = Object.keys(texts);
        const name = names[Math.floor(r() * names.length)];
        texts[name] = r() < 0.12 ? FILES[name] : edit(texts[name], r);
        host.overlay.set(`${ROOT}/${name}`, texts[name]);
        const a = inc.update([`${ROOT}/${name}`]);
        const b = analyze(MAINS.map((m) => `${ROOT}/${m}`), opts, host, new PreprocessCache());
        const da = digest(a);
        const db = digest(b);
        if (da !== db) {
          let i = 0;
          while (da[i] === db[i]) i++;
          assert.fail(`seed ${seed}, chain ${chain}, step ${step}, edited ${name}: differs at\n  incremental: ${da.slice(Math.max(0, i - 150), i + 150)}\n  fresh:       ${db.slice(Math.max(0, i - 150), i + 150)}\n--- ${name} ---\n${texts[name]}`);
        }
        if (inc.lastStats.mode === 'incremental') incremental++;
        steps++;
      }
    }
    assert.equal(steps, 300);
    // Most updates must have taken the incremental path, or this test would not be testing it.
    assert.ok(incremental > 200, `only ${incremental} of 300 updates were incremental`);
  });

  it('an edit inside a struct body re-does only that file\'s rest and the declarations that depend on it', () => {
    const host = new OverlayHost({ readFile: () => undefined, fileExists: () => false });
    for (const [n, t] of Object.entries(FILES)) host.overlay.set(`${ROOT}/${n}`, t);
    const opts = { arch: 'x86_64' as const, includePaths: [ROOT] };
    const inc = new IncrementalAnalysis(MAINS.map((m) => `${ROOT}/${m}`), opts, host, new PreprocessCache());
    host.overlay.set(`${ROOT}/page.h`, FILES['page.h'].replace('\tulong_t private;', '\tulong_t private;\n\tint added;'));
    const a = inc.update([`${ROOT}/page.h`]);
    assert.equal(inc.lastStats.mode, 'incremental');
    // Neither the headers before the edit nor slab.h after page.h were preprocessed or parsed again.
    assert.ok(inc.lastStats.tokensRedone < inc.lastStats.tokens, JSON.stringify(inc.lastStats));
    assert.ok(inc.lastStats.declsEdited < a.parse.state.decls.length / 2, JSON.stringify(inc.lastStats));
    // The slab assertions (another file) were evaluated again against the new struct page.
    const refcount = a.asserts.find((v) => v.text.includes('__page_refcount'));
    assert.equal(refcount?.holds, false);
    assert.ok(inc.lastStats.declsDependent > 0);
  });

  it('an analysis held across an edit says it was superseded when read, never answers from a mix of versions', () => {
    const host = new OverlayHost({ readFile: () => undefined, fileExists: () => false });
    for (const [n, t] of Object.entries(FILES)) host.overlay.set(`${ROOT}/${n}`, t);
    const opts = { arch: 'x86_64' as const, includePaths: [ROOT] };
    const inc = new IncrementalAnalysis(MAINS.map((m) => `${ROOT}/${m}`), opts, host, new PreprocessCache());
    const old = inc.analysis;
    const pageAt = FILES['page.h'].indexOf('struct page {') + 'struct '.length;
    assert.equal(entityAt(old, `${ROOT}/page.h`, pageAt)?.kind, 'record');
    assert.equal(isStale(old), false);
    host.overlay.set(`${ROOT}/page.h`, FILES['page.h'].replace('\tulong_t private;', '\tulong_t private;\n\tint added;'));
    const now = inc.update([`${ROOT}/page.h`]);
    assert.equal(isStale(old), true);
    assert.equal(isStale(now), false);
    // Every reader of the old analysis is told, with the generations; the current one reads as before.
    assert.throws(() => entityAt(old, `${ROOT}/page.h`, pageAt), StaleAnalysisError);
    assert.throws(() => layoutJson(old, (f) => f.path), StaleAnalysisError);
    assert.throws(() => buildModel(old), (e: unknown) => e instanceof StaleAnalysisError && e.generation === old.generation && e.current === now.generation);
    assert.equal(entityAt(now, `${ROOT}/page.h`, pageAt)?.kind, 'record');
    assert.ok(layoutJson(now, (f) => f.path).structs.some((s) => s.members.some((m) => m.name === 'added')));
    // A standalone analysis belongs to no series and is never superseded.
    const fresh = analyze(MAINS.map((m) => `${ROOT}/${m}`), opts, host, new PreprocessCache());
    inc.update([`${ROOT}/page.h`]);
    assert.equal(isStale(fresh), false);
    assert.doesNotThrow(() => layoutJson(fresh, (f) => f.path));
  });
});
