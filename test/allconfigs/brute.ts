// The every-configuration search against brute force on random trees (test/kernel-random-tree.ts): what each
// assertion's verdict must be, from every valid configuration analysed one by one, compared with exploreArch.

import { DiskKconfigHost } from '../../server/src/engine/kconfig/index';
import { checkConfig, configValues } from '../../server/src/engine/kconfig/olddefconfig';
import { exploreArch, type ExploreResult } from '../../server/src/engine/kernel/explore';
import { PreprocessCache } from '../../server/src/engine/pp/preprocessor';
import * as path from 'node:path';
import { removeTree, writeTree } from '../kernel-fixture';
import { randomTree, validConfigs, verdictsUnder, type RandomTree, type RandomTreeOptions, type ValidConfig } from '../kernel-random-tree';

export interface SeedReport {
  seed: number;
  abi: string;
  validConfigs: number;
  sites: number;
  explored: ExploreResult | undefined;
  /**
   * Wrong claims, one line each: a verdict other than brute force's (null only where a valid configuration fails it),
   * a counterexample that is not valid, does not fail, or misstates its values, an assertion left out.
   */
  problems: string[];
  /** Right but less than asked: a counterexample that is not the smallest, undecided where decidable, vacuous holds. */
  remarks: string[];
  ms: { brute: number; explore: number };
}

/** Brute force and exploreArch on one seed's tree; every disagreement is a problem. */
export function checkSeed(seed: number, opts: RandomTreeOptions & { tree?: RandomTree } = {}): SeedReport {
  const tree = opts.tree ?? randomTree(seed, opts);
  const root = writeTree(tree.files);
  const problems: string[] = [];
  const remarks: string[] = [];
  try {
    const t0 = performance.now();
    const { model, base, configs } = validConfigs(root, tree);
    const baseValues = configValues(base);
    const cache = new PreprocessCache();
    const brute = new Map<string, { text: string; fails: ValidConfig[]; unknown: number; present: number }>();
    // Configurations that agree on every symbol the headers spell (CONFIG_X, and CONFIG_X_MODULE through IS_MODULE's
    // paste) preprocess alike: one analysis each. This reads the text only, nothing of the engine's relevance.
    const spelled = new Set([...Object.entries(tree.files)].filter(([f]) => f.endsWith('.h')).flatMap(([, t]) => [...t.matchAll(/\bCONFIG_([A-Za-z0-9_]+?)(?:_MODULE)?\b/g)].map((m) => m[1])));
    const byKey = new Map<string, ReturnType<typeof verdictsUnder>>();
    for (const c of configs) {
      const k = [...c.values].filter(([n]) => spelled.has(n)).map(([n, v]) => `${n}=${v}`).join(' ');
      let verdicts = byKey.get(k);
      if (!verdicts) byKey.set(k, (verdicts = verdictsUnder(root, tree.abi, c.config, cache)));
      for (const [key, v] of verdicts) {
        let b = brute.get(key);
        if (!b) brute.set(key, (b = { text: v.text, fails: [], unknown: 0, present: 0 }));
        b.present++;
        if (v.fails) b.fails.push(c);
        else if (v.holds === null) b.unknown++;
      }
    }
    const t1 = performance.now();
    const explored = exploreArch({ root, abi: tree.abi, kconfigHost: new DiskKconfigHost(), budgetMs: 300_000 });
    const t2 = performance.now();
    if (!configs.length) problems.push('no valid configuration at all (the generator made an impossible tree)');
    for (const p of explored.kconfigProblems) if (p.severity === 'error') problems.push(`Kconfig: ${p.file}:${p.line}: ${p.message}`);
    const got = new Map(explored.asserts.map((a) => [`${path.relative(root, a.file)}:${a.line}`, a]));
    for (const [key, b] of brute) {
      const a = got.get(key);
      const expected = b.fails.length ? false : b.unknown ? null : true;
      const where = `${key} ${b.text} (fails in ${b.fails.length}, unknown in ${b.unknown}, present in ${b.present} of ${configs.length} valid configs)`;
      if (!a) {
        problems.push(`${where}: not reported`);
        continue;
      }
      if (a.holds === null && expected === true) {
        // Not a wrong claim (nothing is claimed), but less than the search could say.
        remarks.push(`${where}: not decided (${a.note}), though it holds in every valid configuration`);
        continue;
      }
      if (a.holds !== expected) {
        const witness = b.fails[0] ? ` e.g. ${[...b.fails[0].values].filter(([n, v]) => (baseValues.get(n) ?? (v === '' ? '' : 'n')) !== v).map(([n, v]) => `${n}=${v || '(unset)'}`).join(' ')}` : '';
        problems.push(`${where}: expected holds ${expected}, got ${a.holds}${a.note ? ` (${a.note})` : ''}; symbols ${a.symbols.join(',')}${witness}`);
        continue;
      }
      if (a.holds !== false) continue;
      const c = a.counterexample;
      if (!c) {
        problems.push(`${where}: holds false without a counterexample`);
        continue;
      }
      const check = checkConfig(model, c.config);
      if (!check.valid) problems.push(`${where}: counterexample .config not a fixed point of olddefconfig: ${check.changed.slice(0, 4).map((x) => `${x.name} ${x.from}->${x.to}`).join(', ')}`);
      const v = verdictsUnder(root, tree.abi, c.config, cache).get(key);
      if (!v?.fails) problems.push(`${where}: counterexample .config does not fail it (${v ? v.holds : 'absent'})`);
      else {
        const side = v.sides?.find(([l, r]) => l !== r) ?? v.sides?.[0];
        const want = [side?.[0] === undefined ? null : Number(side[0]), side?.[1] === undefined ? null : Number(side[1])];
        if (JSON.stringify(want) !== JSON.stringify(c.offsets)) problems.push(`${where}: offsets ${JSON.stringify(c.offsets)}, the analysis of its .config says ${JSON.stringify(want)}`);
      }
      const cv = configValues(c.config);
      for (const [k, val] of Object.entries(c.assignment)) {
        const name = k.replace(/^CONFIG_/, '');
        if ((cv.get(name) ?? 'n') !== val && !(val === '' && !cv.has(name))) problems.push(`${where}: assignment ${k}=${val} but its .config has ${cv.get(name) ?? '(unset)'}`);
        if ((baseValues.get(name) ?? 'n') === val) problems.push(`${where}: assignment ${k}=${val} is the defconfig's own value`);
      }
      // The smallest: no failing valid configuration differs from the defconfig in fewer of the symbols the verdict reads.
      const diff = (f: ValidConfig) => a.symbols.filter((s) => (f.values.get(s) ?? baseValues.get(s) ?? 'n') !== (baseValues.get(s) ?? (f.values.get(s) === '' ? '' : 'n'))).length;
      const best = Math.min(...b.fails.map(diff));
      const size = Object.keys(c.assignment).length;
      if (size > best) remarks.push(`${where}: counterexample changes ${size} symbols (${Object.entries(c.assignment).map(([k, x]) => `${k}=${x}`).join(' ')}), a failing valid config changes only ${best} of ${a.symbols.join(',')}`);
    }
    for (const [key, a] of got) {
      if (brute.has(key)) continue;
      // Vacuously true; said only because an analysed (invalid) configuration had it.
      if (a.holds === true) remarks.push(`${key} ${a.text}: reported as holding, but no valid configuration has it`);
      else problems.push(`${key} ${a.text}: reported (holds ${a.holds}${a.note ? `, ${a.note}` : ''}), but no valid configuration has it`);
    }
    return { seed, abi: tree.abi, validConfigs: configs.length, sites: brute.size, explored, problems, remarks, ms: { brute: t1 - t0, explore: t2 - t1 } };
  } finally {
    removeTree(root);
  }
}
