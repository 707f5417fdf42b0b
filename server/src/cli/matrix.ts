// `check --matrix`: the same headers under every ABI × config variant of the engine's matrix plan, so a failure that
// only one configuration would show is found before anyone builds that configuration.

import { labelText, matrixPlan } from '../engine';
import type { KernelConfigChoice } from '../engine';
import { PreprocessCache } from '../engine';
import { CommonArgs } from './args';
import { checkOutput, LabelledRun } from './check';
import { runAnalysis } from './main';

export function matrixCheck(args: CommonArgs, out: (s: string) => void, choice?: KernelConfigChoice): number {
  const plan = matrixPlan({
    configured: args.arch,
    kernel: true,
    // --arch: that ABI only; else every ABI (the configured one, the config's when a .config decided it, first).
    scope: args.archGiven ? 'configured' : 'all',
    // A given .config belongs to the ABI it was made for; the others use their built-in defaults.
    configOf: (abi) => (abi === args.arch ? { config: args.config, buildDir: args.build } : undefined),
    withPrimary: true,
  });
  const cache = new PreprocessCache();
  const runs: LabelledRun[] = plan.map((p) => ({ run: runAnalysis(args, p.abi, p, cache), label: labelText(p.label) }));
  return checkOutput(args, runs, out, choice?.notice ? [`note: ${choice.notice}`] : []);
}
