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

/** The ABIs the matrix covers when none is named. */
export const MATRIX_ABIS: AbiName[] = ['x86_64', 'arm64', 'i386'];
