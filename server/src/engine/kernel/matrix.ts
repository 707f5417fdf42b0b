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
];

/** The variant that changes nothing: the configured (or built-in default) config as it is. */
export const AS_CONFIGURED = 'config';

/** The ABIs a kernel tree's matrix covers besides the configured one, when none is named. */
export const MATRIX_ABIS: AbiName[] = ['x86_64', 'arm64', 'i386'];

/** The variants that apply to an ABI (to every ABI when none is named), in VARIANTS order. */
export function variantsFor(abi?: AbiName): Variant[] {
  return VARIANTS.filter((v) => !abi || !v.abis || v.abis.includes(abi));
}

/** The ABI × variant combinations: the configured ABI first, then the others of `abis`, each with every variant that applies to it. */
export function matrixCombinations(configured: AbiName, abis: readonly AbiName[]): Array<{ abi: AbiName; variant: Variant }> {
  const out: Array<{ abi: AbiName; variant: Variant }> = [];
  for (const abi of [configured, ...abis.filter((a) => a !== configured)]) for (const variant of variantsFor(abi)) out.push({ abi, variant });
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
  /** A kernel tree (ABI × variants, each ABI on its config); otherwise a file analysed alone (ABIs only). */
  kernel: boolean;
  /** The ABIs besides the configured one; default: MATRIX_ABIS in a kernel tree, every ABI for a file. */
  abis?: readonly AbiName[];
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
    const abis = input.abis ?? ABI_NAMES;
    const all = input.withPrimary ? [input.configured, ...abis.filter((a) => a !== input.configured)] : abis.filter((a) => a !== input.configured);
    return all.map((abi) => ({ label: { abi }, abi, overrides: [] }));
  }
  const out: MatrixRunPlan[] = [];
  for (const { abi, variant } of matrixCombinations(input.configured, input.abis ?? MATRIX_ABIS)) {
    const primary = abi === input.configured && variant.name === AS_CONFIGURED;
    if (primary && !input.withPrimary) continue;
    const source = input.configOf?.(abi);
    const config: ConfigSource = {};
    if (source?.config) config.config = source.config;
    if (source?.buildDir) config.buildDir = source.buildDir;
    out.push({ label: { abi, variant: variant.name === AS_CONFIGURED ? configName(source) : variant.name }, abi, ...config, overrides: variant.overrides });
  }
  return out;
}
