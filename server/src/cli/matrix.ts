// `check --matrix`: the same headers under every ABI × config variant, so a failure that only one
// configuration would show is found before anyone builds that configuration.

import { ABI_NAMES, AbiName } from '../engine/abi';
import { PreprocessCache } from '../engine/preprocessor';
import { CommonArgs } from './args';
import { checkOutput, LabelledRun } from './check';
import { runAnalysis } from './main';

type Overrides = CommonArgs['defines'];

export interface Variant {
  name: string;
  /** Applies only to these ABIs (undefined: all). */
  abis?: AbiName[];
  overrides: Overrides;
}

/** Config variants, with the Kconfig dependencies that matter for layouts applied by hand. */
export const VARIANTS: Variant[] = [
  { name: 'config', overrides: [] },
  { name: 'memcg', overrides: [{ name: 'MEMCG' }, { name: 'MEMCG_KMEM' }, { name: 'CGROUPS' }, { name: 'PAGE_COUNTER' }, { name: 'SLAB_OBJ_EXT' }] },
  { name: 'no-memcg', overrides: [{ undef: 'MEMCG' }, { undef: 'MEMCG_KMEM' }, { undef: 'SLAB_OBJ_EXT' }] },
  {
    name: 'lockdep',
    overrides: [{ name: 'LOCKDEP' }, { name: 'DEBUG_LOCK_ALLOC' }, { name: 'DEBUG_SPINLOCK' }, { name: 'DEBUG_MUTEXES' }, { name: 'DEBUG_RT_MUTEXES' }, { name: 'PROVE_LOCKING' }, { name: 'TRACE_IRQFLAGS' }, { name: 'LOCKDEP_BITS', value: '15' }, { name: 'LOCKDEP_CHAINS_BITS', value: '16' }, { name: 'LOCKDEP_STACK_TRACE_BITS', value: '19' }, { name: 'LOCKDEP_STACK_TRACE_HASH_BITS', value: '14' }, { name: 'LOCKDEP_CIRCULAR_QUEUE_BITS', value: '12' }],
  },
  {
    name: 'preempt-rt',
    abis: ['x86_64', 'arm64', 'riscv64'],
    overrides: [{ name: 'PREEMPT_RT' }, { name: 'PREEMPTION' }, { name: 'PREEMPT_COUNT' }, { name: 'PREEMPT_RCU' }, { undef: 'PREEMPT_VOLUNTARY' }, { undef: 'PREEMPT_NONE' }, { undef: 'PREEMPT' }],
  },
  { name: 'highmem', abis: ['i386', 'arm'], overrides: [{ name: 'HIGHMEM' }, { name: 'HIGHMEM4G' }] },
];

export const MATRIX_ABIS: AbiName[] = ['x86_64', 'arm64', 'i386'];

export function matrixCheck(args: CommonArgs, out: (s: string) => void): number {
  const abis = args.archGiven ? [args.arch] : ABI_NAMES.filter((a) => MATRIX_ABIS.includes(a));
  const cache = new PreprocessCache();
  const runs: LabelledRun[] = [];
  for (const abi of abis) {
    // A given .config belongs to the ABI it was made for; the others use their built-in defaults.
    const useGiven = abi === args.arch;
    for (const v of VARIANTS) {
      if (v.abis && !v.abis.includes(abi)) continue;
      const run = runAnalysis(args, abi, v.overrides, useGiven, cache);
      runs.push({ run, label: `${abi}·${v.name === 'config' ? (useGiven && (args.config || args.build) ? 'config' : 'default') : v.name}` });
    }
  }
  return checkOutput(args, runs, out);
}
