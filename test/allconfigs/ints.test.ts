// Int symbols the every-configuration search cannot cover: values of a range the SAT layer's domain leaves out
// (the headers compare with constants Kconfig does not), and an int left unset where its dependencies are unmet
// (the SAT layer's 0, which #ifdef tells apart). Each tree fails in some valid configuration (brute force says
// which); the explorer must not claim it holds: a counterexample or "not decided".

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { baseTree, topKconfig } from '../kernel-fixture';
import { checkSeed } from './brute';

const header = (cond: string) => `/* An int-guarded member, written for memdesc-layout's tests. */
#ifndef _INT_MM_TYPES_H
#define _INT_MM_TYPES_H
#include <linux/types.h>
struct page {
	unsigned long p_flags;
#if ${cond}
	u64 p_pad;
#endif
	unsigned long p_tail;
};
struct rdesc {
	unsigned long d_flags;
	unsigned long d_tail;
};
#define RDESC_MATCH(pg, d) static_assert(offsetof(struct page, pg) == offsetof(struct rdesc, d))
RDESC_MATCH(p_tail, d_tail);
#endif
`;

const SHIFT = 'config B\n\tbool "b"\n\nconfig SHIFT\n\tint "shift"\n\tdepends on B\n\trange 0 3\n\tdefault 2\n';
const WIDE = 'config W\n\tint "w"\n\trange 0 10\n\tdefault 2\n';
const CASES: Array<{ cond: string; kconfig: string; defconfig: string }> = [
  { cond: 'defined(CONFIG_SHIFT)', kconfig: SHIFT, defconfig: '' },
  { cond: '!defined(CONFIG_SHIFT)', kconfig: SHIFT, defconfig: 'CONFIG_B=y\n' },
  { cond: 'CONFIG_SHIFT == 0', kconfig: SHIFT.replace('range 0 3', 'range 1 3'), defconfig: 'CONFIG_B=y\n' },
  { cond: 'CONFIG_W == 7', kconfig: WIDE, defconfig: '' },
  { cond: 'CONFIG_W % 4 == 3', kconfig: WIDE, defconfig: '' },
];

describe('int symbols the search cannot cover', { timeout: 300_000 }, () => {
  for (const c of CASES) {
    it(`#if ${c.cond} (${c.kconfig.includes('config W') ? 'range 0 10' : 'SHIFT depends on B'}${c.defconfig ? `, ${c.defconfig.trim()}` : ''}): never claimed to hold`, () => {
      const files = { ...baseTree(), Kconfig: topKconfig(['init/Kconfig', 'mm/Kconfig']), 'mm/Kconfig': c.kconfig, 'arch/x86/configs/x86_64_defconfig': c.defconfig, 'include/linux/mm_types.h': header(c.cond) };
      const vary = c.kconfig.includes('config W')
        ? [{ name: 'MODULES', values: ['y', 'n'] }, { name: 'W', values: Array.from({ length: 11 }, (_, i) => String(i)) }]
        : [{ name: 'MODULES', values: ['y', 'n'] }, { name: 'B', values: ['y', 'n'] }, { name: 'SHIFT', values: ['', '0', '1', '2', '3'] }];
      const r = checkSeed(0, { tree: { seed: 0, abi: 'x86_64', files, vary } });
      const a = r.explored!.asserts[0];
      console.log(`# ${c.cond}: holds ${a.holds}${a.counterexample ? ` under ${JSON.stringify(a.counterexample.assignment)}` : ''}${a.note ? ` (${a.note})` : ''}`);
      assert.deepEqual(r.problems, []);
      assert.notEqual(a.holds, true);
    });
  }
});
