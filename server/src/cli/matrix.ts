// `check --matrix`: the same headers under every ABI × config variant, so a failure that only one
// configuration would show is found before anyone builds that configuration.

import { ABI_NAMES } from '../engine';
import { matrixCombinations, variantOverrides } from '../engine';
import type { KernelConfigChoice } from '../engine';
import { PreprocessCache } from '../engine';
import { CommonArgs } from './args';
import { checkOutput, LabelledRun } from './check';
import { runAnalysis } from './main';

export function matrixCheck(args: CommonArgs, out: (s: string) => void, choice?: KernelConfigChoice): number {
  // --arch: that ABI only; else every ABI (the configured one, the config's when a .config decided it, first).
  const combos = args.archGiven ? matrixCombinations(args.arch, 'main', ABI_NAMES).filter((c) => c.abi === args.arch) : matrixCombinations(args.arch, 'all', ABI_NAMES);
  const cache = new PreprocessCache();
  const runs: LabelledRun[] = [];
  for (const { abi, variant: v } of combos) {
    // A given .config belongs to the ABI it was made for; the others use their built-in defaults.
    const useGiven = abi === args.arch;
    const run = runAnalysis(args, abi, variantOverrides(v, abi), useGiven, cache);
    runs.push({ run, label: `${abi}·${v.name === 'config' ? (useGiven && (args.config || args.build) ? 'config' : 'default') : v.name}` });
  }
  return checkOutput(args, runs, out, choice?.notice ? [`note: ${choice.notice}`] : []);
}
