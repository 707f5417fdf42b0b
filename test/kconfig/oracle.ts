// The kernel's own scripts/kconfig/conf as the oracle for the Kconfig front end: conf built from a real tree
// (make O=<ours> ARCH=... <target>), randconfigs, and olddefconfig of random partial assignments, compared
// symbol by symbol with ours. Used by oracle.test.ts (a fixed subset) and long.ts (every arch, many seeds).

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { forTree, type KconfigArch } from '../../server/src/engine/kconfig/arches';
import type { KconfigModel } from '../../server/src/engine/kconfig/model';
import { configValues } from '../../server/src/engine/kconfig/olddefconfig';

export const root = path.resolve(__dirname, '../../..');
export const cacheRoot = process.env.MEMDESC_CACHE ?? path.join(os.homedir(), '.cache/memdesc-layout');

/** What the oracle needs on the machine; a missing one fails with this message. */
export function checkTools(): string | undefined {
  for (const [tool, pkg] of [
    ['make', 'make'],
    ['gcc', 'gcc'],
    ['flex', 'flex'],
    ['bison', 'bison'],
  ]) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0) return `${tool} is missing: apt-get install ${pkg} (the kernel's conf is built from the tree)`;
  }
  return undefined;
}

/**
 * The source tree of a kernel version: the cache's unpacked tree if it has the files the oracle reads (the
 * shared 7.3 tree is never unpacked again), else fetched with scripts/kernel/fetch-trees.sh.
 */
export function kernelTree(version: string): { src: string; stamp: string } {
  const src = path.join(cacheRoot, 'trees', version, 'src');
  const ready = () =>
    ['Kconfig', 'Makefile', 'scripts/kconfig/conf.c', 'arch/x86/configs/x86_64_defconfig', 'arch/powerpc/configs/ppc64_defconfig', 'arch/mips/configs/malta_defconfig'].every((f) =>
      fs.existsSync(path.join(src, f)),
    );
  if (!ready()) {
    const r = spawnSync('bash', [path.join(root, 'scripts/kernel/fetch-trees.sh'), version], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
    if (r.status !== 0 || !ready()) throw new Error(`fetching Linux ${version} failed (scripts/kernel/fetch-trees.sh ${version}); it needs Debian apt and network access to the Debian archive`);
  }
  const stampFile = path.join(src, '.memdesc-tree');
  return { src, stamp: fs.existsSync(stampFile) ? fs.readFileSync(stampFile, 'utf8').trim() : version };
}

let gccVersion: string | undefined;

/** The kernel's conf for one arch of one tree, in a build directory of ours; outputs are cached by input. */
export class ConfOracle {
  readonly build: string;
  private readonly outCache: string;
  runs = 0;
  cached = 0;

  constructor(
    readonly src: string,
    readonly stamp: string,
    readonly version: string,
    readonly arch: KconfigArch,
  ) {
    this.build = path.join(cacheRoot, 'builds', `kconfig-${version}-${arch.name}`);
    this.outCache = path.join(cacheRoot, 'kconfig-oracle');
    fs.mkdirSync(this.build, { recursive: true });
    fs.mkdirSync(this.outCache, { recursive: true });
    gccVersion ??= spawnSync('gcc', ['--version'], { encoding: 'utf8' }).stdout.split('\n')[0];
  }

  /** make O=<build> ARCH=... <target>, with `input` as the .config before it; the .config after. */
  private make(target: string, input: string | undefined, env: Record<string, string> = {}): string {
    const key = createHash('sha256')
      .update(JSON.stringify([this.stamp, this.src, gccVersion, this.arch, target, env, input ?? null]))
      .digest('hex')
      .slice(0, 32);
    const hit = path.join(this.outCache, `${key}.config`);
    if (fs.existsSync(hit)) {
      this.cached++;
      return fs.readFileSync(hit, 'utf8');
    }
    const config = path.join(this.build, '.config');
    fs.rmSync(config, { force: true });
    if (input !== undefined) fs.writeFileSync(config, input);
    const r = spawnSync('make', ['-s', '-C', this.src, `O=${this.build}`, `ARCH=${this.arch.ARCH}`, target], {
      encoding: 'utf8',
      env: { ...process.env, ...env, KCONFIG_NOSILENTUPDATE: '', LC_ALL: 'C' },
      maxBuffer: 1 << 26,
    });
    this.runs++;
    if (r.status !== 0) throw new Error(`make ARCH=${this.arch.ARCH} ${target} failed:\n${r.stderr.slice(-3000)}`);
    const out = fs.readFileSync(config, 'utf8');
    fs.writeFileSync(hit + '.tmp', out);
    fs.renameSync(hit + '.tmp', hit);
    return out;
  }

  defconfig(): string {
    return this.make(forTree(this.arch, (p) => fs.existsSync(path.join(this.src, p))).target, undefined);
  }

  randconfig(seed: number): string {
    return this.make('randconfig', undefined, { KCONFIG_SEED: String(seed) });
  }

  olddefconfig(input: string): string {
    return this.make('olddefconfig', input);
  }
}

export interface ConfigDiff {
  identical: boolean;
  symbols: number;
  /** Symbols whose presence or value differ: name, ours, conf's (undefined = not written). */
  differ: { name: string; ours?: string; conf?: string }[];
  /** Symbols written in a different order. */
  orderDiffers: boolean;
  /** Lines other than symbols (menu comments, header) that differ. */
  otherLines: number;
}

export function compareConfigs(ours: string, conf: string): ConfigDiff {
  const a = configValues(ours);
  const b = configValues(conf);
  const differ: ConfigDiff['differ'] = [];
  for (const [k, v] of b) if (a.get(k) !== v) differ.push({ name: k, ours: a.get(k), conf: v });
  for (const [k, v] of a) if (!b.has(k)) differ.push({ name: k, ours: v, conf: undefined });
  const order = (m: Map<string, string>) => [...m.keys()].join(' ');
  const others = (t: string) => t.split('\n').filter((l) => !/^(CONFIG_|# CONFIG_)/.test(l));
  const oa = others(ours);
  const ob = others(conf);
  let otherLines = Math.abs(oa.length - ob.length);
  for (let i = 0; i < Math.min(oa.length, ob.length); i++) if (oa[i] !== ob[i]) otherLines++;
  return { identical: ours === conf, symbols: b.size, differ, orderDiffers: differ.length === 0 && order(a) !== order(b), otherLines };
}

/** mulberry32: a small seeded generator, so that every perturbation can be made again from its seed. */
export function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * A random partial assignment from a full .config: about a third of the lines dropped, a tenth changed
 * (bool flipped, tristate turned, numbers moved, including out of their ranges, strings emptied), some lines
 * moved to the end (choice priority follows the order read), and a few unknown or malformed lines.
 */
export function perturb(model: KconfigModel, full: string, seed: number): string {
  const r = rng(seed);
  const lines = full.split('\n').filter((l) => /^(CONFIG_|# CONFIG_)/.test(l));
  const out: string[] = [];
  const moved: string[] = [];
  for (const line of lines) {
    const m = /^CONFIG_([A-Za-z0-9_]+)=(.*)$/.exec(line) ?? /^# CONFIG_([A-Za-z0-9_]+) is not set$/.exec(line);
    if (!m) continue;
    const name = m[1];
    const value = m[2] ?? 'n';
    const x = r();
    if (x < 0.33) continue;
    let outLine = line;
    if (x < 0.43) {
      const sym = model.byName.get(name);
      const set = (v: string) => (v === 'n' && r() < 0.5 ? `# CONFIG_${name} is not set` : `CONFIG_${name}=${v}`);
      switch (sym?.type) {
        case 'bool':
          outLine = set(value === 'y' ? 'n' : 'y');
          break;
        case 'tristate':
          outLine = set(['n', 'm', 'y'][Math.floor(r() * 3)]);
          break;
        case 'int': {
          const n = Number(value) || 0;
          const choices = [0, 1, 2, n + 1, n - 1, n * 2, 4096, -1, 1 << 20];
          outLine = `CONFIG_${name}=${choices[Math.floor(r() * choices.length)]}`;
          break;
        }
        case 'hex': {
          const choices = ['0x0', '0x1', '0x1000', 'ffff', '0xffffffff', '0x80000000'];
          outLine = `CONFIG_${name}=${choices[Math.floor(r() * choices.length)]}`;
          break;
        }
        case 'string':
          outLine = `CONFIG_${name}=${r() < 0.5 ? '""' : '"x y"'}`;
          break;
      }
    }
    if (r() < 0.03) moved.push(outLine);
    else out.push(outLine);
  }
  if (r() < 0.5) out.push('CONFIG_MEMDESC_NO_SUCH_SYMBOL=y');
  if (r() < 0.3) out.push('garbage line');
  return [...out, ...moved].join('\n') + '\n';
}

/** The conf program this oracle's make built (scripts/kconfig/conf in the build dir). */
export function confProgram(oracle: ConfOracle): string {
  const p = path.join(oracle.build, 'scripts/kconfig/conf');
  if (!fs.existsSync(p)) oracle.defconfig();
  return p;
}

/**
 * Runs conf --olddefconfig on a tree of our own (files written to a temporary directory), with `input` as
 * the .config; probes see CC=false. Returns the .config conf wrote, or its exit status and stderr.
 */
export function confOnTree(conf: string, files: Record<string, string>, env: Record<string, string>, input: string): { config?: string; status: number; stderr: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'kconfig-tree-'));
  try {
    for (const [name, text] of Object.entries(files)) {
      fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      fs.writeFileSync(path.join(dir, name), text);
    }
    fs.writeFileSync(path.join(dir, '.config'), input);
    const r = spawnSync(conf, ['-s', '--olddefconfig', 'Kconfig'], {
      cwd: dir,
      encoding: 'utf8',
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin', srctree: dir, CC: 'false', KCONFIG_CONFIG: '.config', ...env },
    });
    const config = r.status === 0 ? fs.readFileSync(path.join(dir, '.config'), 'utf8') : undefined;
    return { config, status: r.status ?? -1, stderr: r.stderr };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
