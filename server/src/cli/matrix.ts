// `check --matrix`: the same headers under every ABI × config variant, so a failure that only one
// configuration would show is found before anyone builds that configuration.

import { ABI_NAMES } from '../engine';
import { MATRIX_ABIS, VARIANTS } from '../engine';
import type { KernelConfigChoice } from '../engine';
import { PreprocessCache } from '../engine';
import { CommonArgs } from './args';
import { checkOutput, LabelledRun } from './check';
import { runAnalysis } from './main';

export function matrixCheck(args: CommonArgs, out: (s: string) => void, choice?: KernelConfigChoice): number {
  // --arch: that ABI only; else the matrix ABIs, and the config's own first when a .config decided it.
  const abis = args.archGiven ? [args.arch] : [...(choice && choice.abiFrom === 'config' ? [choice.abi] : []), ...ABI_NAMES.filter((a) => MATRIX_ABIS.includes(a) && !(choice?.abiFrom === 'config' && a === choice.abi))];
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
  return checkOutput(args, runs, out, choice?.notice ? [`note: ${choice.notice}`] : []);
}
