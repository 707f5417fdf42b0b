// The Kconfig front end against the kernel's own scripts/kconfig/conf, built from real trees: olddefconfig of
// defconfigs and of random partial assignments drawn from randconfigs, symbol by symbol; conf on our synthetic
// trees with random inputs; and the SAT layer's notion of a valid configuration against conf's. A fixed subset
// (npm test); `npm run test:kconfig-oracle` runs every arch with many seeds.

import assert from 'node:assert/strict';
import { before, describe, it } from 'node:test';
import { checkConfig, configValues, DiskKconfigHost, inferProbes, KconfigSat, kconfigArch, loadKconfig, MemoryKconfigHost, olddefconfig, type KconfigModel, type KSymbol } from '../../server/src/engine/kconfig/index';
import { KCONFIG_FIXTURES } from '../unit/kconfig-fixtures';
import { runArch } from './long';
import { checkTools, compareConfigs, confOnTree, ConfOracle, confProgram, kernelTree, perturb, rng } from './oracle';

describe("Kconfig front end against the kernel's conf", { timeout: 40 * 60_000 }, () => {
  before(() => {
    const missing = checkTools();
    assert.equal(missing, undefined, missing);
  });

  const subset: [string, string, number[]][] = [
    ['7.3', 'x86_64', [1, 2]],
    ['7.3', 'i386', [1, 2]],
    ['7.3', 'arm64', [1]],
    ['7.3', 'ppc64le', [1]],
    ['7.3', 'ppc32', [1]],
    ['6.12', 'x86_64', [1]],
  ];
  for (const [version, arch, seeds] of subset) {
    it(`Linux ${version} ${arch}: defconfig and randconfig-derived inputs (seeds ${seeds.join(', ')}) equal conf's .config`, () => {
      const r = runArch(version, arch, seeds);
      console.log(`# ${version} ${arch}: ${r.identical}/${r.compared} identical to conf, parse ${r.parseMs} ms`);
      assert.deepEqual(r.failures, []);
      assert.equal(r.compared, 1 + 3 * seeds.length, 'every case compared (and no parse errors)');
    });
  }

  it('synthetic trees: conf and ours agree on random inputs (perturbed outputs and random assignments)', () => {
    const tree = kernelTree('7.3');
    const conf = confProgram(new ConfOracle(tree.src, tree.stamp, '7.3', kconfigArch('x86_64')!));
    let compared = 0;
    for (const f of KCONFIG_FIXTURES) {
      const model = loadKconfig(new MemoryKconfigHost(f.files, '/kt'), { srctree: '/kt', arch: f.env.ARCH, env: f.env });
      const probes = new Map(model.frees.map((s) => [s, 'n'])); // conf runs them with CC=false
      for (let seed = 1; seed <= 25; seed++) {
        const r = rng(seed * 7919);
        const full = olddefconfig(model, randomAssignment(model, r), probes).config;
        for (const input of [randomAssignment(model, r), perturb(model, full, seed)]) {
          const c = confOnTree(conf, f.files, f.env, input);
          assert.equal(c.status, 0, c.stderr);
          const ours = olddefconfig(model, input, probes).config;
          const d = compareConfigs(ours, c.config!);
          assert.ok(d.identical, `${f.name} seed ${seed}: ${JSON.stringify(d.differ)}\ninput:\n${input}`);
          compared++;
        }
      }
    }
    console.log(`# synthetic trees: ${compared} random inputs, all identical to conf`);
  });

  it('SAT validity on x86_64: conf outputs are valid; a single change is valid exactly when conf keeps every value', () => {
    const tree = kernelTree('7.3');
    const arch = kconfigArch('x86_64')!;
    const oracle = new ConfOracle(tree.src, tree.stamp, '7.3', arch);
    const host = new DiskKconfigHost();
    const model = loadKconfig(host, { srctree: tree.src, arch: arch.name });
    const def = oracle.defconfig();
    const configs = [def, oracle.randconfig(1)];
    // Probes from both: a probe one of them does not show is read from the other.
    const probes = inferProbes(model, configs).values;
    let checked = 0;
    let invalid = 0;
    for (const [ci, text] of configs.entries()) {
      const sat = new KconfigSat(model, { probes, base: text });
      assert.equal(sat.holds(fullValues(model, text, probes)), true, `conf output ${ci} is valid`);
      const r = rng(ci + 11);
      const entries = [...configValues(text)];
      for (let k = 0; k < 12; k++) {
        const [name, value] = entries[Math.floor(r() * entries.length)];
        const sym = model.byName.get(name)!;
        if (sym.type !== 'bool' && sym.type !== 'tristate') continue;
        const options = (sym.type === 'bool' ? ['n', 'y'] : ['n', 'm', 'y']).filter((v) => v !== value);
        const nv = options[Math.floor(r() * options.length)];
        const changed = text.replace(new RegExp(`^(# )?CONFIG_${name}[ =].*$`, 'm'), nv === 'n' ? `# CONFIG_${name} is not set` : `CONFIG_${name}=${nv}`);
        const confOut = oracle.olddefconfig(changed);
        // Text: conf writes exactly these lines. Values: every symbol keeps its value (a line conf drops
        // because its symbol became invisible with the value it had is still the same value).
        const textKept = compareConfigs(confOut, changed).differ.length === 0;
        assert.equal(checkConfig(model, changed, probes).valid, textKept, `${name}=${nv}: checkConfig`);
        const mine = fullValues(model, changed, probes);
        const conf = fullValues(model, confOut, probes);
        const valuesKept = [...mine].every(([sym, v]) => conf.get(sym) === v);
        assert.equal(sat.holds(mine), valuesKept, `${name}=${nv}: SAT`);
        checked++;
        if (!valuesKept) invalid++;
      }
    }
    console.log(`# SAT validity: ${configs.length} conf outputs valid; ${checked} single changes, ${invalid} of them undone by conf, all agreeing`);
    assert.ok(checked > 10 && invalid > 0);
  });
});

/** Every symbol's value for a .config: its lines, and for the symbols it does not write, what conf computes. */
function fullValues(model: KconfigModel, text: string, probes: ReadonlyMap<KSymbol, string>) {
  const lines = configValues(text);
  const ev = olddefconfig(model, text, probes).evaluation;
  const out = new Map<KSymbol, string>();
  for (const s of model.symbols) {
    if (s.kind !== 'normal' || s.type === 'unknown' || s.transitional) continue;
    const v = lines.get(s.name);
    out.set(s, v === undefined ? ev.stringOf(s) : s.type === 'string' ? v.slice(1, -1).replace(/\\(.)/g, '$1') : v);
  }
  return out;
}

/** A random .config over every bool/tristate/int symbol of a model (values drawn per type). */
function randomAssignment(model: KconfigModel, r: () => number): string {
  const out: string[] = [];
  for (const s of model.symbols) {
    if (r() < 0.4) continue;
    switch (s.type) {
      case 'bool':
        out.push(r() < 0.5 ? `CONFIG_${s.name}=y` : `# CONFIG_${s.name} is not set`);
        break;
      case 'tristate':
        out.push(`CONFIG_${s.name}=${['n', 'm', 'y'][Math.floor(r() * 3)]}`);
        break;
      case 'int':
        out.push(`CONFIG_${s.name}=${[0, 1, 3, 12, 64, 300, 600, 9000, -20][Math.floor(r() * 9)]}`);
        break;
      case 'hex':
        out.push(`CONFIG_${s.name}=${['0x0', '0x1000', 'ffff', '0x8000', '0x100000'][Math.floor(r() * 5)]}`);
        break;
      case 'string':
        out.push(`CONFIG_${s.name}="${['', 'n1', 'n2', 'a\\"b'][Math.floor(r() * 4)]}"`);
        break;
    }
  }
  // Random order: choice priority follows the order read.
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out.join('\n') + '\n';
}
