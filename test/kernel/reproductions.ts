// Mutations of a real tree that break a memdesc assertion only in some configurations: the two the 0-day bot found
// (recreated on today's tree) and some of our own that need a symbol combination no variant of the old config
// matrix sets. The explorer must find each with a counterexample gcc confirms (allconfigs.test.ts).

import type { AbiName } from '../../server/src/engine/base/abi';
import type { Mutation } from './gcc-confirm';

export interface Reproduction {
  name: string;
  /** Where it came from, and why it fails where it fails. */
  story: string;
  abi: AbiName;
  mutations: Mutation[];
  /** The assertion that must get a counterexample: its file and its text as written (one line of the mutated file). */
  target: { file: string; text: string };
  /** Whether the old 5-variant matrix (server/src/engine/kernel/matrix.ts) must miss it: required for our own. */
  matrixMisses?: true;
}

export const REPRODUCTIONS: Reproduction[] = [
  {
    name: 'zpdesc memcg_data guard mismatch (0-day, July 2024)',
    story:
      'zpdesc guarded its memcg_data and the ZPDESC_MATCH with CONFIG_SLAB_OBJ_EXT, struct page guards memcg_data with CONFIG_MEMCG: with SLAB_OBJ_EXT (MEM_ALLOC_PROFILING) and no MEMCG, page has no memcg_data and gcc rejects the assertion',
    abi: 'i386',
    mutations: [
      { file: 'mm/zpdesc.h', from: '\tunsigned int first_obj_offset;\n\tatomic_t _refcount;\n};\n', to: '\tunsigned int first_obj_offset;\n\tatomic_t _refcount;\n#ifdef CONFIG_SLAB_OBJ_EXT\n\tunsigned long memcg_data;\n#endif\n};\n' },
      { file: 'mm/zpdesc.h', from: 'ZPDESC_MATCH(_refcount, _refcount);\n', to: 'ZPDESC_MATCH(_refcount, _refcount);\n#ifdef CONFIG_SLAB_OBJ_EXT\nZPDESC_MATCH(memcg_data, memcg_data);\n#endif\n' },
    ],
    target: { file: 'mm/zpdesc.h', text: 'ZPDESC_MATCH(memcg_data, memcg_data);' },
  },
  {
    name: 'ppc32 hole from a 64-bit dma_addr_t (0-day, April 2021, FOLIO_MATCH(lru))',
    story:
      "page_pool's dma_addr as a dma_addr_t (as in 2021): with ARCH_DMA_ADDR_T_64BIT on ppc32 (PHYS_64BIT) the u64 makes struct page's first union 8-byte aligned, a 4-byte hole opens after flags and page.lru moves to 8 while folio.lru stays at 4",
    abi: 'ppc32',
    mutations: [{ file: 'include/linux/mm_types.h', from: '\t\t\tunsigned long dma_addr;\n', to: '\t\t\tdma_addr_t dma_addr;\n' }],
    target: { file: 'include/linux/mm_types.h', text: 'FOLIO_MATCH(lru, lru);' },
  },
  {
    name: 'ptdesc debug word under PAGE_TABLE_CHECK && DEBUG_VM (ours)',
    story:
      'a word in ptdesc before __page_type only when both page table checking and VM debugging are on: __page_type and __page_refcount move by 4; no matrix variant sets either symbol, and no default config has both (ppc64_defconfig has DEBUG_VM with PAGE_OWNER: a first try with PAGE_OWNER was caught there)',
    abi: 'x86_64',
    mutations: [
      {
        file: 'include/linux/mm_types.h',
        from: '\tunsigned int __page_type;\n\tatomic_t __page_refcount;\n#ifdef CONFIG_MEMCG\n\tunsigned long pt_memcg_data;',
        to: '#if defined(CONFIG_PAGE_TABLE_CHECK) && defined(CONFIG_DEBUG_VM)\n\tunsigned int pt_check_debug;\n#endif\n\tunsigned int __page_type;\n\tatomic_t __page_refcount;\n#ifdef CONFIG_MEMCG\n\tunsigned long pt_memcg_data;',
      },
    ],
    target: { file: 'include/linux/mm_types.h', text: 'TABLE_MATCH(_refcount, __page_refcount);' },
    matrixMisses: true,
  },
  {
    name: 'zpdesc field under ZSMALLOC_STAT with more than 256 CPUs (ours)',
    story: 'a per-zpdesc CPU hint before _refcount only with zsmalloc statistics and NR_CPUS > 256: a value of an int symbol and a bool together; the matrix never changes NR_CPUS or ZSMALLOC_STAT',
    abi: 'x86_64',
    mutations: [
      {
        file: 'mm/zpdesc.h',
        from: '\tunsigned int first_obj_offset;\n\tatomic_t _refcount;\n};\n',
        to: '\tunsigned int first_obj_offset;\n#if defined(CONFIG_ZSMALLOC_STAT) && CONFIG_NR_CPUS > 256\n\tunsigned int zp_last_cpu;\n#endif\n\tatomic_t _refcount;\n};\n',
      },
    ],
    target: { file: 'mm/zpdesc.h', text: 'ZPDESC_MATCH(_refcount, _refcount);' },
    matrixMisses: true,
  },
];
