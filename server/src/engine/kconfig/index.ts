// The Kconfig front end's entry points: load an arch's Kconfig tree, olddefconfig, defconfig.

import * as path from 'node:path';
import { kconfigArch, srcArchOf, type KconfigArch } from './arches';
import type { ProbeValues } from './eval';
import { finalize } from './finalize';
import type { KconfigHost } from './host';
import type { KconfigModel, KSymbol } from './model';
import { KconfigParser } from './parser';
import { KconfigProblems } from './problems';
import { olddefconfig, defconfigText, type OlddefconfigResult } from './olddefconfig';
import { inferProbes } from './probes';
import { KconfigSat } from './sat';

export { DiskKconfigHost, MemoryKconfigHost, type KconfigHost } from './host';
export { KCONFIG_ARCHES, kconfigArch, type KconfigArch } from './arches';
export type { KconfigModel, KSymbol } from './model';
export type { KconfigProblem } from './problems';
export { Evaluation, readConfig, type ProbeValues } from './eval';
export { olddefconfig, mergeFragments, defconfigText, checkConfig, configValues, type OlddefconfigResult } from './olddefconfig';
export { inferProbes, type ProbeInference } from './probes';
export { KconfigSat, type Assignment, type SatOptions } from './sat';

export interface LoadOptions {
  /** The kernel tree (absolute). */
  srctree: string;
  /** An ABI name from KCONFIG_ARCHES (x86_64, ppc32, ...) or a kernel ARCH (x86_64, powerpc, ...). */
  arch: string;
  /** More environment for the macro language; anything not given is a free atom (never read from the process). */
  env?: Record<string, string>;
  /** The top Kconfig file, relative to the tree. */
  top?: string;
}

/** KERNELVERSION as the top Makefile computes it (VERSION.PATCHLEVEL.SUBLEVEL EXTRAVERSION). */
export function kernelVersion(host: KconfigHost, srctree: string): string | undefined {
  const text = host.readFile(path.join(srctree, 'Makefile'));
  if (!text) return undefined;
  const get = (k: string) => new RegExp(`^${k}\\s*=[ \\t]*(.*?)[ \\t]*$`, 'm').exec(text)?.[1] ?? '';
  const v = get('VERSION');
  if (!v) return undefined;
  const p = get('PATCHLEVEL');
  const s = get('SUBLEVEL');
  return `${v}${p ? `.${p}${s ? `.${s}` : ''}` : ''}${get('EXTRAVERSION')}`;
}

export function archEnv(arch: string): { ARCH: string; SRCARCH: string } {
  const known = kconfigArch(arch);
  if (known) return { ARCH: known.ARCH, SRCARCH: known.SRCARCH };
  return { ARCH: arch, SRCARCH: srcArchOf(arch) };
}

/** Parses and finalizes the tree's Kconfig for one arch. Never throws; problems are in model.problems. */
export function loadKconfig(host: KconfigHost, opts: LoadOptions): KconfigModel {
  const problems = new KconfigProblems();
  const env: Record<string, string> = { ...archEnv(opts.arch), srctree: opts.srctree };
  const kv = kernelVersion(host, opts.srctree);
  if (kv) env.KERNELVERSION = kv;
  Object.assign(env, opts.env ?? {});
  const parser = new KconfigParser(host, opts.srctree, env, problems);
  const tree = parser.parse(opts.top ?? 'Kconfig');
  return finalize(tree, opts.srctree, env, problems);
}

/** `make ARCH=... defconfig`: the arch's defconfig, completed as conf completes it. */
export function defconfig(model: KconfigModel, host: KconfigHost, arch: KconfigArch, probes: ProbeValues = new Map()): OlddefconfigResult | undefined {
  const text = defconfigText(host, model.srctree, arch);
  return text === undefined ? undefined : olddefconfig(model, text, probes, `arch/${arch.SRCARCH}/configs/${arch.defconfig[0]}`);
}

/** A symbol by name (undefined for names the tree does not define or reference). */
export function symbol(model: KconfigModel, name: string): KSymbol | undefined {
  return model.byName.get(name.replace(/^CONFIG_/, ''));
}

/** An arch's configuration space, ready for questions: the model, probe values, its defconfig and a solver. */
export interface ArchSpace {
  model: KconfigModel;
  arch: KconfigArch;
  /** Probe values read back from the given .configs (empty without: probes are then free in the solver). */
  probes: Map<KSymbol, string>;
  /** `make ARCH=... defconfig`, the base answers stay close to (undefined when the tree lacks the file). */
  defconfig: OlddefconfigResult | undefined;
  sat: KconfigSat;
}

/**
 * Loads an arch (an ABI name of KCONFIG_ARCHES) and sets up its SAT layer. `configs`: .config texts made by
 * the user's toolchain (their build's .config), from which probe values are read.
 */
export function archSpace(host: KconfigHost, srctree: string, archName: string, opts: { configs?: string[]; extraValues?: Record<string, string[]> } = {}): ArchSpace | undefined {
  const arch = kconfigArch(archName);
  if (!arch) return undefined;
  const model = loadKconfig(host, { srctree, arch: arch.name });
  const probes = opts.configs?.length ? inferProbes(model, opts.configs).values : new Map<KSymbol, string>();
  const def = defconfig(model, host, arch, probes);
  const sat = new KconfigSat(model, { probes, base: def?.config, extraValues: opts.extraValues });
  return { model, arch, probes, defconfig: def, sat };
}
