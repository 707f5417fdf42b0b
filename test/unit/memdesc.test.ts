// The memdesc model on small kernel-shaped trees written for these tests (our own declarations): discovery,
// overlaps, multi-page descriptors, every rule, check's exit status and SARIF, and the config matrix.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { buildModel } from '../../server/src/engine/memdesc/memdesc';
import { PROBLEM_CODES } from '../../server/src/engine/base/problems';
import { analyzeSources } from '../helpers';

const cli = path.resolve(__dirname, '../../../dist/cli.js');

/** A minimal tree: enough of kbuild's shape (Makefile, kconfig.h, bounds.c) for kernel mode. */
function makeTree(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-tree-'));
  const base: Record<string, string> = {
    Makefile: 'VERSION = 9\nPATCHLEVEL = 1\nSUBLEVEL = 0\nEXTRAVERSION =\n',
    'include/linux/kconfig.h': '#include <generated/autoconf.h>\n',
    'include/linux/compiler_types.h': '#define __aligned(x) __attribute__((__aligned__(x)))\n',
    'include/linux/kbuild.h': '',
    'kernel/bounds.c': '#include <linux/kbuild.h>\nint main(void) { DEFINE(NR_DEMO_FLAGS, 3 + 4); return 0; }\n',
    'include/linux/stddef.h': '#define offsetof(T, M) __builtin_offsetof(T, M)\n#define static_assert(e, ...) _Static_assert(e, #e)\n',
  };
  for (const [rel, text] of Object.entries({ ...base, ...files })) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const PAGE = `#include <linux/stddef.h>
#include <generated/bounds.h>
struct list_node { struct list_node *next, *prev; };
struct page {
	unsigned long flags;
	union {
		struct { struct list_node lru; void *mapping; unsigned long index; };
		struct { unsigned long compound_head; };
	};
	unsigned long private;
	union { int _mapcount; unsigned int page_type; };
	int _refcount;
#ifdef CONFIG_MEMCG
	unsigned long memcg_data;
#endif
} __aligned(2 * sizeof(unsigned long));
`;

/** Wraps a header in an include guard, as every kernel header is. */
function guarded(name: string, body: string): string {
  return `#ifndef ${name}\n#define ${name}\n${body}\n#endif\n`;
}

/** A slab-like descriptor that lines up with PAGE; `edit` changes it for the failing cases. */
function slabHeader(edit: (s: string) => string = (x) => x): string {
  return guarded('_DEMO_SLAB_H', edit(`#include <linux/mm_types.h>
struct slab {
	unsigned long __page_flags;
	void *slab_cache;
	void *freelist;
	unsigned long counters;
	unsigned long pad;
	unsigned long pad2;
	unsigned int __page_type;
	int __page_refcount;
#ifdef CONFIG_MEMCG
	unsigned long obj_exts;
#endif
};
#define SLAB_MATCH(pg, sl) static_assert(offsetof(struct page, pg) == offsetof(struct slab, sl))
SLAB_MATCH(flags, __page_flags);
SLAB_MATCH(compound_head, slab_cache);
SLAB_MATCH(_refcount, __page_refcount);
#ifdef CONFIG_MEMCG
SLAB_MATCH(memcg_data, obj_exts);
#endif
static_assert(sizeof(struct slab) <= sizeof(struct page));`));
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((l) => l.includes(needle)) + 1;
}

function run(args: string[]) {
  const r = spawnSync(process.execPath, [cli, ...args], { encoding: 'utf8' });
  return { status: r.status, out: r.stdout, err: r.stderr };
}

describe('memdesc model on a small tree', () => {
  let tree = '';
  before(() => {
    tree = makeTree({
      'include/linux/mm_types.h': guarded('_DEMO_MM_TYPES_H', `${PAGE}
struct folio {
	union {
		struct { unsigned long flags; struct list_node lru; void *mapping; unsigned long index; unsigned long private; int _mapcount; int _refcount; };
		struct page page;
	};
	union {
		struct { unsigned long _flags_1; unsigned long _head_1; int _nr_pages; };
		struct page __page_1;
	};
};
#define FOLIO_MATCH(pg, fl) static_assert(offsetof(struct page, pg) == offsetof(struct folio, fl))
FOLIO_MATCH(flags, flags);
FOLIO_MATCH(compound_head, lru);
FOLIO_MATCH(_refcount, _refcount);
#undef FOLIO_MATCH
#define FOLIO_MATCH(pg, fl) static_assert(offsetof(struct folio, fl) == offsetof(struct page, pg) + sizeof(struct page))
FOLIO_MATCH(flags, _flags_1);
FOLIO_MATCH(compound_head, _head_1);
#undef FOLIO_MATCH
static_assert(sizeof(struct folio) <= 2 * sizeof(struct page));
`),
      'mm/slab.h': slabHeader(),
    });
  });
  after(() => fs.rmSync(tree, { recursive: true, force: true }));

  it('discovers descriptors through their assertions, with pages and overlaps', () => {
    const r = run(['layout', '--kernel', tree, '--json']);
    assert.equal(r.status, 0, r.err);
    const j = JSON.parse(r.out);
    assert.deepEqual(j.memdescs, ['folio', 'slab']);
    assert.equal(j.kernel.version, '9.1.0');
    assert.equal(j.kernel.bounds.NR_DEMO_FLAGS, 7);
    const folio = j.structs.find((s: { name: string }) => s.name === 'folio');
    assert.equal(folio.overlays, 'page');
    assert.equal(folio.pages, 2);
    const head1 = folio.members.find((m: { name: string }) => m.name === '_head_1');
    assert.equal(head1.page, 1);
    assert.deepEqual(head1.overlaps.find((o: { struct: string; member: string }) => o.struct === 'page' && o.member === 'compound_head'), { struct: 'page', member: 'compound_head', exact: true, asserted: true });
    const slab = j.structs.find((s: { name: string }) => s.name === 'slab');
    const cache = slab.members.find((m: { name: string }) => m.name === 'slab_cache');
    assert.deepEqual(cache.overlaps.filter((o: { struct: string }) => o.struct === 'page').map((o: { member: string; asserted: boolean }) => `${o.member}:${o.asserted}`), ['lru:false', 'compound_head:true']);
    assert.ok(cache.overlaps.some((o: { struct: string; member: string }) => o.struct === 'folio' && o.member === 'lru'));
    assert.ok(j.structs.some((s: { name: string }) => s.name === 'list_node'), 'structs embedded by value are listed');
    assert.deepEqual(j.diagnostics, []);
  });

  it('check passes on the unmodified tree and prints the overlap table', () => {
    const r = run(['check', '--kernel', tree]);
    assert.equal(r.status, 0, r.out + r.err);
    assert.match(r.out, /: 10 assertions: 10 hold, 0 fail, 0 cannot be evaluated; 0 rule findings/);
    const o = run(['overlaps', '--kernel', tree]);
    assert.match(o.out, /^offset\s+page\s+folio \(2 pages\)\s+slab/m);
    assert.match(o.out, /^8\s+lru \| compound_head\s+lru \| page\s+slab_cache/m);
  });

  it('the config matrix finds the failure only MEMCG configurations have, and names them', () => {
    const r = run(['check', '--kernel', tree, '--matrix', '--format', 'json']);
    assert.equal(r.status, 0, 'the memcg assertion holds here (obj_exts lines up)');
    // Only MEMCG builds misplace obj_exts (4 bytes late); nothing else changes.
    const bad = makeTree({
      'include/linux/mm_types.h': guarded('_DEMO_MM_TYPES_H', PAGE),
      'mm/slab.h': slabHeader((x) => x.replace('\tunsigned long obj_exts;', '\tunsigned int obj_lo;\n\tunsigned int obj_exts;')),
    });
    try {
      const m = run(['check', '--kernel', bad, '--matrix', '--format', 'json', '--fail-on', 'never']);
      assert.equal(m.status, 1);
      const j = JSON.parse(m.out);
      const fails = j.items.filter((i: { kind: string; holds: boolean }) => i.kind === 'assert' && i.holds === false);
      assert.equal(fails.length, 1, JSON.stringify(fails));
      assert.equal(fails[0].text, 'SLAB_MATCH(memcg_data, obj_exts)');
      // arm64's defconfig already has MEMCG on: every arm64 combination but no-memcg fails; so do the other ABIs whose
      // defconfig has it (the matrix takes every ABI with its own default, and its own variants).
      assert.deepEqual(fails[0].in.sort(), [
        'arm64·default', 'arm64·lockdep', 'arm64·memcg', 'arm64·preempt-rt', 'i386·memcg',
        'mips64el·default', 'mips64·default', 'mipsel·default', 'mipsel·phys64', 'mips·default', 'mips·phys64',
        'parisc64·default', 'ppc64le·default', 'ppc64·default', 'riscv64·default', 'riscv64·preempt-rt', 's390x·default', 'x86_64·memcg',
      ]);
    } finally {
      fs.rmSync(bad, { recursive: true, force: true });
    }
  });

  it('a failing assertion: both offsets in the message, exit 1, and valid SARIF 2.1.0', () => {
    const slab = slabHeader((x) => x.replace('\tunsigned long pad2;\n', ''));
    const line = lineOf(slab, 'SLAB_MATCH(_refcount');
    const bad = makeTree({ 'include/linux/mm_types.h': guarded('_DEMO_MM_TYPES_H', PAGE), 'mm/slab.h': slab });
    try {
      const t = run(['check', '--kernel', bad]);
      assert.equal(t.status, 1);
      assert.ok(t.out.includes(`mm/slab.h:${line}:1: error: SLAB_MATCH(_refcount, __page_refcount) fails: offsetof(struct page, _refcount) is 52 but offsetof(struct slab, __page_refcount) is 44 [assert-fails]`), t.out);
      const s = JSON.parse(run(['check', '--kernel', bad, '--format', 'sarif']).out);
      assert.equal(s.version, '2.1.0');
      const res = s.runs[0].results.find((x: { ruleId: string }) => x.ruleId === 'assert-fails');
      assert.equal(res.level, 'error');
      assert.deepEqual(res.locations[0].physicalLocation.region, { startLine: line, startColumn: 1 });
      assert.equal(res.locations[0].physicalLocation.artifactLocation.uri, 'mm/slab.h');
      // Each rule is described in the problem registry's words (the README's table of codes).
      const rule = s.runs[0].tool.driver.rules.find((r: { id: string }) => r.id === 'assert-fails');
      assert.equal(rule?.shortDescription.text, PROBLEM_CODES['assert-fails'].meaning);
    } finally {
      fs.rmSync(bad, { recursive: true, force: true });
    }
  });
});

describe('memdesc rules', () => {
  function findings(descriptor: string, asserts: string): Array<{ code: string; message: string }> {
    const tree = makeTree({ 'include/linux/mm_types.h': guarded('_DEMO_MM_TYPES_H', `${PAGE}\n${descriptor}\n#define M(pg, d) static_assert(offsetof(struct page, pg) == offsetof(struct demo, d))\n${asserts}\n`) });
    try {
      const r = run(['layout', '--kernel', tree, '--json']);
      const j = JSON.parse(r.out);
      assert.deepEqual(j.memdescs, ['demo']);
      return j.diagnostics.filter((d: { code: string }) => d.code.startsWith('memdesc-'));
    } finally {
      fs.rmSync(tree, { recursive: true, force: true });
    }
  }

  it('memdesc-partial-overlap: an asserted member that covers only part of its page member', () => {
    const f = findings('struct demo { unsigned int half_flags; };', 'M(flags, half_flags);');
    assert.deepEqual(f.map((x) => x.code), ['memdesc-partial-overlap']);
    assert.match(f[0].message, /demo.half_flags \(bytes 0..3\) covers only part of page.flags \(bytes 0..7\)/);
  });
  it('memdesc-straddles-page-field: a member across the _mapcount/_refcount boundary, unasserted', () => {
    const f = findings('struct demo { unsigned long flags; void *owner; char pad[34]; int across; } __attribute__((packed));', 'M(flags, flags);');
    assert.deepEqual([...new Set(f.map((x) => x.code))], ['memdesc-straddles-page-field']);
    assert.ok(f.some((x) => /demo.across straddles a boundary of page._refcount/.test(x.message)));
  });
  it('memdesc-too-large: bigger than the pages it overlays', () => {
    const f = findings('struct demo { unsigned long flags; void *owner; char big[72]; };', 'M(flags, flags);');
    assert.deepEqual(f.map((x) => x.code), ['memdesc-too-large']);
    assert.match(f[0].message, /struct demo is 88 bytes, larger than the 1 page \(64 bytes\) it overlays/);
  });
  it('memdesc-compound-head-bit0: an integer over compound_head, unless asserted', () => {
    const f = findings('struct demo { unsigned long flags; unsigned long counter; };', 'M(flags, flags);');
    assert.deepEqual(f.map((x) => x.code), ['memdesc-compound-head-bit0']);
    assert.deepEqual(findings('struct demo { unsigned long flags; void *owner; };', 'M(flags, flags);'), []);
    assert.deepEqual(findings('struct demo { unsigned long flags; unsigned long head; };', 'M(flags, flags);\nM(compound_head, head);'), []);
  });
});

describe('memdesc model: assertions in included headers', () => {
  it('pairs point at their own verdicts when an included header has static assertions of its own', () => {
    const a = analyzeSources({
      'm.h': '#include "other.h"\nstruct page { unsigned long flags; int _refcount; };\nstruct slab { unsigned long f; int r; };\n_Static_assert(__builtin_offsetof(struct page, flags) == __builtin_offsetof(struct slab, f), "flags");\n_Static_assert(__builtin_offsetof(struct page, _refcount) == __builtin_offsetof(struct slab, r) + 1, "refcount");\n',
      'other.h': '_Static_assert(sizeof(long) == 8, "long");\n_Static_assert(1, "one");\n',
    });
    const m = buildModel(a);
    assert.deepEqual(a.asserts.map((v) => v.text), ['_Static_assert(__builtin_offsetof(struct page, flags) == __builtin_offsetof(struct slab, f), "flags")', '_Static_assert(__builtin_offsetof(struct page, _refcount) == __builtin_offsetof(struct slab, r) + 1, "refcount")']);
    assert.deepEqual(m.pairs.map((p) => [p.a.member, p.b.member, p.assert?.message, p.assert?.holds]), [['flags', 'f', 'flags', true], ['_refcount', 'r', 'refcount', false]]);
  });
});
