// The Kconfig front end's entry points: load an arch's Kconfig tree, olddefconfig, defconfig.

import * as path from 'node:path';
import { kconfigArch, srcArchOf, type KconfigArch } from './arches';
import { Evaluation, readConfig, type ProbeValues } from './eval';
import { finalize } from './finalize';
import type { KconfigHost } from './host';
import type { KconfigModel, KSymbol } from './model';
import { KconfigParser } from './parser';
import { KconfigProblems, type KconfigProblem } from './problems';

export { DiskKconfigHost, MemoryKconfigHost, type KconfigHost } from './host';
export { KCONFIG_ARCHES, kconfigArch, type KconfigArch } from './arches';
export type { KconfigModel, KSymbol } from './model';
export type { KconfigProblem } from './problems';
export { Evaluation, readConfig, type ProbeValues } from './eval';

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

export interface OlddefconfigResult {
  /** The .config text conf would write. */
  config: string;
  /** Every written symbol's value ("y", "m", "n", or the text of an int/hex/string). */
  values: Map<string, string>;
  evaluation: Evaluation;
  /** Input lines conf would warn about (bad values, overrides, unknown symbols). */
  notes: KconfigProblem[];
}

/** `make olddefconfig` on a .config (or any partial assignment in .config syntax). */
export function olddefconfig(model: KconfigModel, configText: string, probes: ProbeValues = new Map(), inputName = '.config'): OlddefconfigResult {
  const input = readConfig(model, configText);
  const evaluation = new Evaluation(model, input, probes);
  const config = evaluation.writeConfig();
  const values = new Map<string, string>();
  for (const s of model.writeOrder) if (evaluation.written(s)) values.set(s.name, evaluation.stringOf(s));
  const notes: KconfigProblem[] = input.notes.map((n) => ({ severity: 'warning', code: 'kconfig-config-line', message: n.message, file: inputName, line: n.line, column: 1 }));
  return { config, values, evaluation, notes };
}

/** merge_config.sh -m: each fragment's symbols replace the base's, then the fragment is appended. */
export function mergeFragments(texts: string[]): string {
  const cfgOf = (line: string): string | undefined => /^CONFIG_[a-zA-Z0-9_]+/.exec(line)?.[0] ?? /^# (CONFIG_[a-zA-Z0-9_]+) is not set$/.exec(line)?.[1];
  let merged = texts[0] ?? '';
  for (const frag of texts.slice(1)) {
    const fragLines = frag.split('\n');
    if (fragLines[fragLines.length - 1] === '') fragLines.pop();
    const fragCfg = new Map<string, string>();
    for (const l of fragLines) {
      const c = cfgOf(l);
      if (c) fragCfg.set(c, l);
    }
    const baseLines = merged.split('\n');
    if (baseLines[baseLines.length - 1] === '') baseLines.pop();
    const kept = baseLines.filter((l) => {
      const c = cfgOf(l);
      if (!c || !fragCfg.has(c)) return true;
      const nv = fragCfg.get(c)!;
      if (l === nv) return false;
      return /=n$/.test(l) && / is not set$/.test(nv);
    });
    merged = [...kept, '', ...fragLines].join('\n') + '\n';
  }
  return merged;
}

/** The text `make ARCH=... <target>` feeds conf: the arch's defconfig file with its fragments merged in. */
export function defconfigText(host: KconfigHost, srctree: string, arch: KconfigArch, files = arch.defconfig): string | undefined {
  const texts: string[] = [];
  for (const f of files) {
    const t = host.readFile(path.join(srctree, 'arch', arch.SRCARCH, 'configs', f));
    if (t === undefined) return undefined;
    texts.push(t);
  }
  return mergeFragments(texts);
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
