// The config matrix: which ABIs and config variants a layout is checked in beyond the one being built,
// with the Kconfig dependencies that matter for layouts applied by hand. Shared by `check --matrix` and
// the language server's background matrix.

import { AbiName } from '../base/abi';

/** A config override, as -D NAME[=VAL] / -U NAME give it (CONFIG_ prefix optional). */
export type ConfigOverride = { name: string; value?: string } | { undef: string };

export interface Variant {
  name: string;
  /** One line for pickers: what the variant turns on or off. */
  description: string;
  /** Applies only to these ABIs (undefined: all). */
  abis?: AbiName[];
  overrides: ConfigOverride[];
  /** Overrides for one ABI only, after `overrides` (variantOverrides). */
  abiOverrides?: Partial<Record<AbiName, ConfigOverride[]>>;
}

/** What a variant sets and unsets for an ABI (all of it, for every ABI it applies to, when none is named). */
export function variantOverrides(v: Variant, abi?: AbiName): ConfigOverride[] {
  if (abi) return [...v.overrides, ...(v.abiOverrides?.[abi] ?? [])];
  const seen = new Set<string>();
  return [...v.overrides, ...Object.values(v.abiOverrides ?? {}).flat()].filter((o) => {
    const k = JSON.stringify(o);
    return !seen.has(k) && !!seen.add(k);
  });
}

/** Config variants, with the Kconfig dependencies that matter for layouts applied by hand. */
export const VARIANTS: Variant[] = [
  { name: 'config', description: 'the configured or built-in config as it is', overrides: [] },
  { name: 'memcg', description: 'memory cgroups on (MEMCG, MEMCG_KMEM, SLAB_OBJ_EXT)', overrides: [{ name: 'MEMCG' }, { name: 'MEMCG_KMEM' }, { name: 'CGROUPS' }, { name: 'PAGE_COUNTER' }, { name: 'SLAB_OBJ_EXT' }] },
  { name: 'no-memcg', description: 'memory cgroups off', overrides: [{ undef: 'MEMCG' }, { undef: 'MEMCG_KMEM' }, { undef: 'SLAB_OBJ_EXT' }] },
  {
    name: 'lockdep',
    description: 'lock debugging (LOCKDEP, DEBUG_LOCK_ALLOC, DEBUG_SPINLOCK, PROVE_LOCKING): bigger spinlocks',
    overrides: [{ name: 'LOCKDEP' }, { name: 'DEBUG_LOCK_ALLOC' }, { name: 'DEBUG_SPINLOCK' }, { name: 'DEBUG_MUTEXES' }, { name: 'DEBUG_RT_MUTEXES' }, { name: 'PROVE_LOCKING' }, { name: 'TRACE_IRQFLAGS' }, { name: 'LOCKDEP_BITS', value: '15' }, { name: 'LOCKDEP_CHAINS_BITS', value: '16' }, { name: 'LOCKDEP_STACK_TRACE_BITS', value: '19' }, { name: 'LOCKDEP_STACK_TRACE_HASH_BITS', value: '14' }, { name: 'LOCKDEP_CIRCULAR_QUEUE_BITS', value: '12' }],
  },
  {
    name: 'preempt-rt',
    description: 'PREEMPT_RT: sleeping spinlocks',
    abis: ['x86_64', 'arm64', 'riscv64'],
    overrides: [{ name: 'PREEMPT_RT' }, { name: 'PREEMPTION' }, { name: 'PREEMPT_COUNT' }, { name: 'PREEMPT_RCU' }, { undef: 'PREEMPT_VOLUNTARY' }, { undef: 'PREEMPT_NONE' }, { undef: 'PREEMPT' }],
  },
  { name: 'highmem', description: 'HIGHMEM (32-bit only)', abis: ['i386', 'arm'], overrides: [{ name: 'HIGHMEM' }, { name: 'HIGHMEM4G' }] },
  {
    // The 0-day bot's 2021 ppc32 FOLIO_MATCH(lru) failure came from a 64-bit dma_addr_t on a 32-bit arch. Each arch's
    // own switch is set (they are the ones its Kconfig selects PHYS_ADDR_T_64BIT from); the others are unused there.
    name: 'phys64',
    description: '64-bit physical and DMA addresses on a 32-bit arch (X86_PAE, ARM_LPAE, PHYS_64BIT, XPA, ARC_HAS_PAE40)',
    abis: ['i386', 'arm', 'ppc32', 'mips', 'mipsel', 'arc'],
    overrides: [{ name: 'PHYS_ADDR_T_64BIT' }, { name: 'ARCH_DMA_ADDR_T_64BIT' }],
    // What each arch's Kconfig selects with it, among the symbols the memdesc headers read (the difference between
    // 7.3's defconfig and its phys64 config: PAE and LPAE add a page-table level, PAE splits PMD locks, ...).
    abiOverrides: {
      i386: [{ name: 'X86_PAE' }, { name: 'PGTABLE_LEVELS', value: '3' }, { name: 'SPLIT_PMD_PTLOCKS' }, { name: 'ARCH_ENABLE_SPLIT_PMD_PTLOCK' }, { name: 'GUP_GET_PXX_LOW_HIGH' }, { name: 'ARCH_HAS_NONLEAF_PMD_YOUNG' }, { name: 'HAVE_ARCH_HUGE_VMAP' }, { name: 'MITIGATION_PAGE_TABLE_ISOLATION' }],
      arm: [{ name: 'ARM_LPAE' }, { name: 'PGTABLE_LEVELS', value: '3' }, { name: 'ARCH_HAS_PTE_SPECIAL' }, { name: 'CPU_TTBR0_PAN' }, { undef: 'CPU_SW_DOMAIN_PAN' }, { name: 'SWIOTLB' }],
      ppc32: [{ name: 'PHYS_64BIT' }, { name: 'PTE_64BIT' }],
      mips: [{ name: 'XPA' }, { name: '64BIT_PHYS_ADDR' }, { name: 'GUP_GET_PXX_LOW_HIGH' }, { name: 'HIGHMEM' }],
      mipsel: [{ name: 'XPA' }, { name: '64BIT_PHYS_ADDR' }, { name: 'GUP_GET_PXX_LOW_HIGH' }, { name: 'HIGHMEM' }],
      arc: [{ name: 'ARC_HAS_PAE40' }, { name: 'HIGHMEM' }, { name: 'KMAP_LOCAL' }, { name: 'HAVE_ARCH_PFN_VALID' }],
    },
  },
];

/** The ABIs the matrix covers with every variant when none is named (and the language server's background matrix). */
export const MATRIX_ABIS: AbiName[] = ['x86_64', 'arm64', 'i386'];

/** Variants of the whole matrix (`check --matrix`) that every other ABI gets too: its own config, and its own variants. */
const EVERY_ABI_VARIANTS = new Set(['config', 'preempt-rt', 'highmem', 'phys64']);

/**
 * The ABI × variant combinations of the matrix: the configured ABI and MATRIX_ABIS with every variant that applies
 * to them; with `all` (the CLI's `check --matrix`), every other ABI too, with its own config and the variants
 * made for it (PREEMPT_RT, HIGHMEM, phys64) — the memcg and lockdep variants change the same fields everywhere.
 */
export function matrixCombinations(configured: AbiName, scope: 'main' | 'all', abiNames: readonly AbiName[]): Array<{ abi: AbiName; variant: Variant }> {
  const main = [configured, ...MATRIX_ABIS.filter((a) => a !== configured)];
  const abis = scope === 'all' ? [...main, ...abiNames.filter((a) => !main.includes(a))] : main;
  const out: Array<{ abi: AbiName; variant: Variant }> = [];
  for (const abi of abis) {
    for (const variant of VARIANTS) {
      if (variant.abis && !variant.abis.includes(abi)) continue;
      if (!main.includes(abi) && !EVERY_ABI_VARIANTS.has(variant.name)) continue;
      out.push({ abi, variant });
    }
  }
  return out;
}
