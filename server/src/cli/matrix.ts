// `check --matrix`: the same headers under every ABI × config variant, so a failure that only one
// configuration would show is found before anyone builds that configuration.

import { ABI_NAMES } from '../engine';
import { MATRIX_ABIS, VARIANTS } from '../engine';
import { PreprocessCache } from '../engine';
import { CommonArgs } from './args';
import { checkOutput, LabelledRun } from './check';
import { runAnalysis } from './main';

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
