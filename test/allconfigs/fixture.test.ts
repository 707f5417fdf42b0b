// The every-configuration search on the named fixture tree (test/kernel-fixture.ts), checked exactly: which
// assertions hold everywhere, each counterexample's assignment, offsets (worked out by hand from the fixture's
// structs, not taken from the engine) and .config (a fixed point of our olddefconfig, with the values the
// assignment needs), on both x86 ABIs; and the whole tree judged by brute force (every valid configuration of its
// thirteen symbols analysed one by one).

import assert from 'node:assert/strict';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { DiskKconfigHost, loadKconfig, olddefconfig } from '../../server/src/engine/kconfig/index';
import { checkConfig, configValues } from '../../server/src/engine/kconfig/olddefconfig';
import { exploreArch, type ExploredAssertion } from '../../server/src/engine/kernel/explore';
import { FIXTURE_MM_TYPES_H, FIXTURE_SLAB_H, kernelFixture, lineOf, removeTree, writeTree } from '../kernel-fixture';
import { checkSeed } from './brute';

/** The fixture's thirteen changeable symbols (the arch's own follow the ABI). */
const FIXTURE_SYMBOLS = ['MODULES', 'EXPERT', 'SMP', 'MEMCG', 'SLAB_OBJ_EXT', 'MEM_ALLOC_PROFILING', 'PAGE_TRACE', 'PAGE_TRACE_OWNER', 'STRICT_FOLIO', 'FOLIO_GUARD', 'SLUB_TINY', 'SLUB_TINY_STATS', 'SLUB_CPU_PARTIAL'];

/**
 * Offsets by hand. struct page and struct folio agree up to _mapcount; with _guard_owner (4 bytes after _mapcount)
 * the folio's _refcount moves 4 down and its memcg_data (8-aligned on x86_64, 4 on i386) follows.
 */
const EXPECTED = {
  x86_64: { refcount: [52, 56], memcg: [56, 64], folioSize: [72, 64], slabSizeNoMemcg: [64, 56] },
  i386: { refcount: [28, 32], memcg: [32, 36], folioSize: [40, 36], slabSizeNoMemcg: [36, 32] },
} as const;

describe('every configuration of the named fixture tree', { timeout: 300_000 }, () => {
  for (const abi of ['x86_64', 'i386'] as const) {
    it(`${abi}: the folio assertions fail only under PAGE_TRACE_OWNER and FOLIO_GUARD together (valid with PAGE_TRACE, STRICT_FOLIO, EXPERT); the rest as worked out`, () => {
      const root = writeTree(kernelFixture());
      try {
        const r = exploreArch({ root, abi, kconfigHost: new DiskKconfigHost(), budgetMs: 120_000 });
        assert.deepEqual(r.kconfigProblems, []);
        assert.equal(r.complete, true, 'every assertion decided');
        const model = loadKconfig(new DiskKconfigHost(), { srctree: root, arch: abi });
        const at = (file: string, text: string, needle: string): ExploredAssertion => {
          const line = lineOf(text, needle);
          const a = r.asserts.find((x) => x.file === path.join(root, file) && x.line === line);
          assert.ok(a, `${file}:${line} ${needle} not reported`);
          return a;
        };
        const mm = (needle: string) => at('include/linux/mm_types.h', FIXTURE_MM_TYPES_H, needle);
        const slab = (needle: string) => at('mm/slab.h', FIXTURE_SLAB_H, needle);
        const e = EXPECTED[abi];

        /** A counterexample: exactly this assignment and these offsets; its .config valid and carrying `needs` too. */
        const fails = (a: ExploredAssertion, assignment: Record<string, string>, offsets: readonly number[], needs: Record<string, string>) => {
          assert.equal(a.holds, false, `${a.text}: ${a.note ?? ''}`);
          const c = a.counterexample!;
          assert.deepEqual(c.assignment, assignment, a.text);
          assert.deepEqual(c.offsets, [...offsets], a.text);
          const check = checkConfig(model, c.config);
          assert.ok(check.valid, `${a.text}: its .config is not a fixed point of olddefconfig: ${JSON.stringify(check.changed)}`);
          const values = configValues(c.config);
          for (const [k, v] of Object.entries({ ...assignment, ...needs })) assert.equal(values.get(k.replace(/^CONFIG_/, '')) ?? 'n', v, `${a.text}: ${k} in its .config`);
          assert.ok(c.why.length > 0);
          // Reproducible: the arch's defconfig plus every changed symbol that has a prompt gives this very .config.
          const before = configValues(r.defconfig!);
          const prompted = [...new Set([...values.keys(), ...before.keys()])].filter((n) => (values.get(n) ?? 'n') !== (before.get(n) ?? 'n') && model.byName.get(n)?.props.some((p) => p.kind === 'prompt'));
          const input = kernelFixture()[`arch/x86/configs/${abi}_defconfig`] + prompted.map((n) => `CONFIG_${n}=${values.get(n) ?? 'n'}\n`).join('');
          assert.equal(olddefconfig(model, input).config, c.config, `${a.text}: defconfig + ${prompted.join(' ')}`);
          return c;
        };
        const holds = (a: ExploredAssertion, symbols: string[]) => {
          assert.equal(a.holds, true, `${a.text}: ${a.note ?? JSON.stringify(a.counterexample?.assignment)}`);
          assert.deepEqual(a.symbols, symbols, a.text);
          assert.equal(a.counterexample, undefined);
        };

        const guard = { CONFIG_FOLIO_GUARD: 'y', CONFIG_PAGE_TRACE_OWNER: 'y' };
        const guardNeeds = { CONFIG_PAGE_TRACE: 'y', CONFIG_STRICT_FOLIO: 'y', CONFIG_EXPERT: 'y' };
        const c = fails(mm('FOLIO_MATCH(_refcount, _refcount)'), guard, e.refcount, guardNeeds);
        assert.match(c.why, /'_guard_owner' appeared/);
        assert.match(c.why, /under '#if defined\(CONFIG_PAGE_TRACE_OWNER\) && defined\(CONFIG_FOLIO_GUARD\)'/);
        fails(mm('FOLIO_MATCH(memcg_data, memcg_data)'), guard, e.memcg, guardNeeds);
        fails(mm('static_assert(sizeof(struct folio)'), guard, e.folioSize, guardNeeds);
        for (const n of ['FOLIO_MATCH(flags, flags)', 'FOLIO_MATCH(lru, lru)', 'FOLIO_MATCH(mapping, mapping)', 'FOLIO_MATCH(compound_head, lru)', 'FOLIO_MATCH(index, index)', 'FOLIO_MATCH(private, private)', 'FOLIO_MATCH(_mapcount, _mapcount)']) holds(mm(n), []);

        // struct slab: __stats needs SLUB_TINY_STATS (so SLUB_TINY) and SLUB_CPU_PARTIAL (so !SLUB_TINY): never.
        holds(slab('SLAB_MATCH(_refcount, __page_refcount)'), ['SLUB_CPU_PARTIAL', 'SLUB_TINY_STATS']);
        holds(slab('SLAB_MATCH(flags, flags)'), []);
        holds(slab('SLAB_MATCH(compound_head, slab_list)'), []);
        holds(slab('SLAB_MATCH(memcg_data, obj_exts)'), ['MEMCG', 'SLAB_OBJ_EXT', 'SLUB_CPU_PARTIAL', 'SLUB_TINY_STATS']);
        // Without MEMCG, page loses memcg_data while MEM_ALLOC_PROFILING keeps the slab's obj_exts (it selects SLAB_OBJ_EXT).
        fails(slab('static_assert(sizeof(struct slab)'), { CONFIG_MEMCG: 'n' }, e.slabSizeNoMemcg, { CONFIG_MEM_ALLOC_PROFILING: 'y', CONFIG_SLAB_OBJ_EXT: 'y' });
        assert.equal(r.asserts.length, 15);
      } finally {
        removeTree(root);
      }
    });
  }

  it('brute force agrees on both ABIs (every valid configuration of the thirteen symbols analysed)', () => {
    for (const abi of ['x86_64', 'i386'] as const) {
      const tree = { seed: 0, abi, files: kernelFixture(), vary: FIXTURE_SYMBOLS.map((name) => ({ name, values: ['y', 'n'] })) };
      const r = checkSeed(0, { tree });
      console.log(`# fixture on ${abi}: ${r.validConfigs} valid configurations, ${r.sites} assertions; brute force ${(r.ms.brute / 1000).toFixed(1)} s, explorer ${(r.ms.explore / 1000).toFixed(1)} s (${r.explored?.analyses} analyses); ${r.remarks.length} remarks`);
      for (const x of r.remarks) console.log(`#   remark: ${x}`);
      assert.deepEqual(r.problems, []);
      assert.equal(r.sites, 15);
      assert.ok(r.validConfigs > 20, `${r.validConfigs} valid configurations`);
    }
  });
});
