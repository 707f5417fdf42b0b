// olddefconfig and defconfig as conf and kbuild do them: a partial assignment (.config or defconfig text,
// with merge_config.sh fragments) completed to the .config conf writes.

import * as path from 'node:path';
import { forTree, type KconfigArch } from './arches';
import { Evaluation, readConfig, type ProbeValues } from './eval';
import type { KconfigHost } from './host';
import type { KconfigModel } from './model';
import type { KconfigProblem } from './problems';

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
export function defconfigText(host: KconfigHost, srctree: string, arch: KconfigArch): string | undefined {
  const texts: string[] = [];
  arch = forTree(arch, (p) => host.exists(path.join(srctree, p)));
  for (const f of arch.defconfig) {
    const t = host.readFile(path.join(srctree, 'arch', arch.SRCARCH, 'configs', f));
    if (t === undefined) return undefined;
    texts.push(t);
  }
  return mergeFragments(texts);
}


/** A .config's symbol lines as name → value ("n" for "is not set"). */
export function configValues(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    let m = /^CONFIG_([A-Za-z0-9_]+)=(.*)$/.exec(line);
    if (m) out.set(m[1], m[2]);
    else if ((m = /^# CONFIG_([A-Za-z0-9_]+) is not set$/.exec(line))) out.set(m[1], 'n');
  }
  return out;
}

/**
 * Whether a .config is valid: olddefconfig leaves every symbol line as it is (same symbols written, same
 * values; comments and order aside). `changed` lists what olddefconfig would change.
 */
export function checkConfig(model: KconfigModel, text: string, probes: ProbeValues = new Map()): { valid: boolean; changed: { name: string; from?: string; to?: string }[] } {
  const before = configValues(text);
  const after = configValues(olddefconfig(model, text, probes).config);
  const changed: { name: string; from?: string; to?: string }[] = [];
  for (const [k, v] of after) if (before.get(k) !== v) changed.push({ name: k, from: before.get(k), to: v });
  for (const [k, v] of before) if (!after.has(k)) changed.push({ name: k, from: v, to: undefined });
  return { valid: changed.length === 0, changed };
}
