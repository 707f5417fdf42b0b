// The config matrix and its one planner: which ABIs and config variants a layout is checked in beyond the one
// being built (with the Kconfig dependencies that matter for layouts applied by hand), as a list of runs with
// structured labels. `check --matrix`, the language server's background matrix and its config-variant list
// all follow this plan.

import { ABI_NAMES, AbiName } from '../base/abi';

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

/** The variant that changes nothing: the configured (or built-in default) config as it is. */
export const AS_CONFIGURED = 'config';

/** The ABIs the matrix covers with every variant when none is named (and the language server's background matrix). */
export const MATRIX_ABIS: AbiName[] = ['x86_64', 'arm64', 'i386'];

/** Variants of the whole matrix (`check --matrix`) that every other ABI gets too: its own config, and its own variants. */
const EVERY_ABI_VARIANTS = new Set([AS_CONFIGURED, 'preempt-rt', 'highmem', 'phys64']);

/** The variants that apply to an ABI (to every ABI when none is named), in VARIANTS order. */
export function variantsFor(abi?: AbiName): Variant[] {
  return VARIANTS.filter((v) => !abi || !v.abis || v.abis.includes(abi));
}

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
    for (const variant of variantsFor(abi)) {
      if (!main.includes(abi) && !EVERY_ABI_VARIANTS.has(variant.name)) continue;
      out.push({ abi, variant });
    }
  }
  return out;
}

/**
 * A combination's name, as data. `variant` is a variant's name; the variant that changes nothing is named after
 * the config it runs on: `config` (a given .config or build dir) or `default` (the ABI's built-in default config).
 * Outside a kernel tree there are no configs: the ABI alone.
 */
export interface MatrixLabel {
  abi: AbiName;
  variant?: string;
}

/** How people read a label: `x86_64·memcg`, `i386·default`, `arm64` (outside a tree). */
export function labelText(l: MatrixLabel): string {
  return l.variant === undefined ? l.abi : `${l.abi}·${l.variant}`;
}

/** Where an ABI's config comes from in a plan: a .config, an O= build dir (both absent: its built-in default). */
export interface ConfigSource {
  config?: string;
  buildDir?: string;
}

/** One run of the plan: an ABI, the config it is analysed with and the overrides applied on top. Plain data. */
export interface MatrixRunPlan extends ConfigSource {
  label: MatrixLabel;
  abi: AbiName;
  overrides: ConfigOverride[];
}

export interface MatrixPlanInput {
  /** The configured ABI: its combinations come first. */
  configured: AbiName;
  /** A kernel tree (ABI × variants, each ABI on its config); otherwise a file analysed alone (every ABI, no variants). */
  kernel: boolean;
  /**
   * Which ABIs: `configured` (that one only: `check --matrix --arch`), `main` (it and MATRIX_ABIS with every
   * variant: the language server), `all` (every other ABI too, with the variants made for it: `check --matrix`).
   * Outside a kernel tree `main` and `all` are every ABI.
   */
  scope: 'configured' | 'main' | 'all';
  /** Where each ABI's config comes from (kernel trees): the configured ABI's given one, a build dir found for another. */
  configOf?: (abi: AbiName) => ConfigSource | undefined;
  /** Whether the configured ABI's config as it is (the primary combination) is planned too: the CLI runs it, the language server has it already. */
  withPrimary: boolean;
}

/** The label of the primary combination: the configured ABI on its config as it is. */
export function primaryLabel(input: Pick<MatrixPlanInput, 'configured' | 'kernel' | 'configOf'>): MatrixLabel {
  return input.kernel ? { abi: input.configured, variant: configName(input.configOf?.(input.configured)) } : { abi: input.configured };
}

const configName = (c: ConfigSource | undefined) => (c?.config || c?.buildDir ? 'config' : 'default');

/** The runs of the matrix, in order: the configured ABI's, then each other ABI's. */
export function matrixPlan(input: MatrixPlanInput): MatrixRunPlan[] {
  if (!input.kernel) {
    const others = input.scope === 'configured' ? [] : ABI_NAMES.filter((a) => a !== input.configured);
    return [...(input.withPrimary ? [input.configured] : []), ...others].map((abi) => ({ label: { abi }, abi, overrides: [] }));
  }
  const combinations = matrixCombinations(input.configured, input.scope === 'all' ? 'all' : 'main', ABI_NAMES).filter((c) => input.scope !== 'configured' || c.abi === input.configured);
  const out: MatrixRunPlan[] = [];
  for (const { abi, variant } of combinations) {
    const primary = abi === input.configured && variant.name === AS_CONFIGURED;
    if (primary && !input.withPrimary) continue;
    const source = input.configOf?.(abi);
    const config: ConfigSource = {};
    if (source?.config) config.config = source.config;
    if (source?.buildDir) config.buildDir = source.buildDir;
    out.push({ label: { abi, variant: variant.name === AS_CONFIGURED ? configName(source) : variant.name }, abi, ...config, overrides: variantOverrides(variant, abi) });
  }
  return out;
}
