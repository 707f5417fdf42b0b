// The compiler confirms: a full .config built with the arch's real (cross) gcc in a kernel build dir of our own, and
// the memdesc set's static assertions gcc rejects there (file:line of the outermost macro invocation), beside the
// engine's plain analysis of the same tree and .config. Mutated trees are seen by gcc through a symlink farm (a
// mirror of the read-only tree whose mutated files, and the directories on their way, are real): nothing is ever
// written into the tree. Used by allconfigs.test.ts (explorer counterexamples, randconfig spot checks, the
// reproductions) and by the exploration benchmark.

import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AbiName } from '../../server/src/engine/base/abi';
import { analyze, type AssertVerdict } from '../../server/src/engine/analysis/analyze';
import { DiskHost, OverlayHost, type FileHost } from '../../server/src/engine/base/host';
import { gccRejects } from '../../server/src/engine/kernel/explore';
import { kernelSetup, MEMDESC_FILES } from '../../server/src/engine/kernel/kernel';
import { forTree, kconfigArch } from '../../server/src/engine/kconfig/arches';
import { configValues } from '../../server/src/engine/kconfig/olddefconfig';
import type { PreprocessCache } from '../../server/src/engine/pp/preprocessor';

export const cacheRoot = process.env.MEMDESC_CACHE ?? path.join(os.homedir(), '.cache/memdesc-layout');

/** The Debian cross compiler's prefix for each ABI (empty: the native x86_64 gcc), as scripts/kernel/prepare-build.sh. */
export const CROSS: Record<AbiName, string> = {
  x86_64: '',
  i386: 'i686-linux-gnu-',
  arm64: 'aarch64-linux-gnu-',
  arm: 'arm-linux-gnueabihf-',
  riscv64: 'riscv64-linux-gnu-',
  s390x: 's390x-linux-gnu-',
  ppc64le: 'powerpc64le-linux-gnu-',
  ppc64: 'powerpc64-linux-gnu-',
  ppc32: 'powerpc-linux-gnu-',
  mips: 'mips-linux-gnu-',
  mipsel: 'mipsel-linux-gnu-',
  mips64: 'mips64-linux-gnuabi64-',
  mips64el: 'mips64el-linux-gnuabi64-',
  m68k: 'm68k-linux-gnu-',
  sparc64: 'sparc64-linux-gnu-',
  parisc: 'hppa-linux-gnu-',
  parisc64: 'hppa64-linux-gnu-',
  sh4: 'sh4-linux-gnu-',
  alpha: 'alpha-linux-gnu-',
  arc: 'arc-linux-gnu-',
};

/** Tools the confirmation needs; a missing one is named with the package to install (.ci/run installs them). */
export function missingTools(abi: AbiName): string | undefined {
  const gcc = `${CROSS[abi]}gcc`;
  for (const [tool, pkg] of [
    ['make', 'make'],
    ['flex', 'flex'],
    ['bison', 'bison'],
    ['bc', 'bc'],
    ['flock', 'util-linux'],
    [gcc, CROSS[abi] ? `gcc-${CROSS[abi].replace(/-$/, '')}` : 'gcc'],
  ]) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0) return `${tool} is missing: apt-get install ${pkg}`;
  }
  return undefined;
}

/** A change of one file of the tree: `from` must occur exactly once; `to` replaces it. */
export interface Mutation {
  file: string;
  from: string;
  to: string;
}

/** The tree's files after the mutations (relative path → text); throws when one does not apply. */
export function mutatedFiles(src: string, mutations: readonly Mutation[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of mutations) {
    const text = out.get(m.file) ?? fs.readFileSync(path.join(src, m.file), 'utf8');
    const at = text.indexOf(m.from);
    if (at < 0 || text.indexOf(m.from, at + 1) >= 0) throw new Error(`mutation of ${m.file} does not apply to this tree (${at < 0 ? 'text not found' : 'text found twice'}): ${JSON.stringify(m.from.slice(0, 80))}`);
    out.set(m.file, text.slice(0, at) + m.to + text.slice(at + m.from.length));
  }
  return out;
}

/** The engine's view of the mutated tree: the tree on disk with the mutated files overlaid. */
export function overlayHost(src: string, files: Map<string, string>, base: FileHost = new DiskHost()): OverlayHost {
  const host = new OverlayHost(base);
  for (const [rel, text] of files) host.overlay.set(path.join(src, rel), text);
  return host;
}

/** 1-based line of a text offset. */
export function lineAt(text: string, offset: number): number {
  let n = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) n++;
  return n;
}

/** The 1-based line where `needle` occurs (once) in a text. */
export function lineOf(text: string, needle: string): number {
  const at = text.indexOf(needle);
  if (at < 0 || text.indexOf(needle, at + 1) >= 0) throw new Error(`${JSON.stringify(needle)} is not in the text exactly once`);
  return lineAt(text, at);
}

/**
 * A mirror of `src` for gcc: every entry a symlink, except the mutated files (real, written) and the directories on
 * their way (real, with a symlink for each other entry). Rebuilt only when the mutations change.
 */
export function symlinkFarm(src: string, files: Map<string, string>): string {
  const key = createHash('sha256')
    .update(JSON.stringify([path.resolve(src), [...files].sort()]))
    .digest('hex')
    .slice(0, 16);
  const farm = path.join(cacheRoot, 'builds', `allcfg-gcc-farm-${key}`);
  const stamp = path.join(farm, '.memdesc-farm');
  if (fs.existsSync(stamp)) return farm;
  fs.rmSync(farm, { recursive: true, force: true });
  const open = (rel: string) => {
    const dir = path.join(farm, rel);
    if (fs.existsSync(dir) && !fs.lstatSync(dir).isSymbolicLink()) return;
    fs.rmSync(dir, { force: true });
    fs.mkdirSync(dir, { recursive: true });
    for (const e of fs.readdirSync(path.join(src, rel))) fs.symlinkSync(path.join(src, rel, e), path.join(dir, e));
  };
  open('');
  for (const [rel, text] of files) {
    const parts = path.dirname(rel).split('/').filter((p) => p !== '.');
    for (let i = 1; i <= parts.length; i++) open(parts.slice(0, i).join('/'));
    fs.rmSync(path.join(farm, rel), { force: true });
    fs.writeFileSync(path.join(farm, rel), text);
  }
  fs.writeFileSync(stamp, `${path.resolve(src)}\n${[...files.keys()].join('\n')}\n`);
  return farm;
}

/** Symbols whose value differs between two .configs (undefined: not written). */
export function configDifferences(a: string, b: string): Array<{ name: string; a?: string; b?: string }> {
  const x = configValues(a);
  const y = configValues(b);
  const out: Array<{ name: string; a?: string; b?: string }> = [];
  for (const [k, v] of x) if (y.get(k) !== v) out.push({ name: k, a: v, b: y.get(k) });
  for (const [k, v] of y) if (!x.has(k)) out.push({ name: k, a: undefined, b: v });
  return out;
}

/** What gcc said about the memdesc set under one config. */
export interface GccVerdicts {
  /** Assertions of the memdesc files gcc rejects, "file:line" (relative to the tree) → gcc's first error there. */
  failing: Map<string, string>;
  /** Assertions gcc rejects in other files (mm.h's size checks...): not part of the memdesc set's comparison. */
  failingElsewhere: Map<string, string>;
  /** gcc's errors that are not at an assertion (the first few). */
  otherErrors: string[];
  ms: number;
}

export interface Confirmation extends GccVerdicts {
  /** The .config kbuild kept after olddefconfig, and how it differs from the one given (empty: the given one is valid as it is). */
  config: string;
  changedByKbuild: Array<{ name: string; a?: string; b?: string }>;
  configureMs: number;
  prepareMs: number;
}

/**
 * One arch's kernel build dir of ours (O=, under $MEMDESC_CACHE/builds/allcfg-gcc-NAME-ABI), for one tree. Makes are
 * serialised with the other kernel scripts through $MEMDESC_CACHE/.make.lock.
 */
export class GccBuild {
  readonly build: string;
  private readonly karch: string;
  private readonly target: string;
  private command: { config: string; text: string } | undefined;
  private defconfigText: string | undefined;

  constructor(
    readonly src: string,
    readonly abi: AbiName,
    name: string,
  ) {
    const arch = kconfigArch(abi);
    if (!arch) throw new Error(`no Kconfig arch for ${abi}`);
    const t = forTree(arch, (p) => fs.existsSync(path.join(src, p)));
    this.karch = t.ARCH;
    this.target = t.target;
    this.build = path.join(process.env.MEMDESC_BUILDS ?? path.join(cacheRoot, 'builds'), `allcfg-gcc-${name}-${abi}`);
    fs.mkdirSync(this.build, { recursive: true });
  }

  /** make in the build dir; stdout+stderr on failure. */
  private make(args: string[], env: Record<string, string> = {}): { status: number | null; output: string } {
    fs.mkdirSync(cacheRoot, { recursive: true });
    const r = spawnSync(
      'flock',
      [path.join(cacheRoot, '.make.lock'), 'make', '-s', '-C', this.src, `O=${this.build}`, `ARCH=${this.karch}`, ...(CROSS[this.abi] ? [`CROSS_COMPILE=${CROSS[this.abi]}`] : []), ...args],
      { encoding: 'utf8', env: { ...process.env, LC_ALL: 'C', ...env }, maxBuffer: 1 << 28 },
    );
    return { status: r.status, output: `${r.stdout}${r.stderr}` };
  }

  private mustMake(args: string[], env: Record<string, string> = {}): void {
    const r = this.make(args, env);
    if (r.status !== 0) throw new Error(`make ARCH=${this.karch} ${args.join(' ')} failed in ${this.build}:\n${r.output.slice(-4000)}`);
  }

  private readConfig(): string {
    return fs.readFileSync(path.join(this.build, '.config'), 'utf8');
  }

  /** The arch's defconfig made by its own toolchain: the toolchain probes' values (CC_IS_GCC, GCC_VERSION...) for the explorer. */
  defconfig(): string {
    if (this.defconfigText === undefined) {
      this.mustMake([this.target]);
      this.defconfigText = this.readConfig();
      this.command = undefined;
    }
    return this.defconfigText;
  }

  /** The kernel's own randconfig with KCONFIG_SEED (and KCONFIG_ALLCONFIG lines that it keeps, when given). */
  randconfig(seed: number, allconfig?: string): string {
    const env: Record<string, string> = { KCONFIG_SEED: `0x${seed.toString(16)}` };
    if (allconfig !== undefined) {
      const f = path.join(this.build, '.memdesc-allconfig');
      fs.writeFileSync(f, allconfig);
      env.KCONFIG_ALLCONFIG = f;
    }
    this.mustMake(['randconfig'], env);
    this.command = undefined;
    return this.readConfig();
  }

  /** Writes a full .config and runs olddefconfig: what kbuild keeps of it. */
  configure(config: string): { config: string; changedByKbuild: Array<{ name: string; a?: string; b?: string }>; ms: number } {
    const t0 = performance.now();
    fs.writeFileSync(path.join(this.build, '.config'), config);
    this.mustMake(['olddefconfig']);
    this.command = undefined;
    const kept = this.readConfig();
    return { config: kept, changedByKbuild: configDifferences(config, kept), ms: performance.now() - t0 };
  }

  /**
   * `make prepare` for the current .config, and kbuild's exact gcc command for a file in mm/ (from compiling an empty
   * file of ours there; kbuild finds $(obj)/%.c in the build dir before the tree).
   */
  prepare(): number {
    const t0 = performance.now();
    const config = this.readConfig();
    if (this.command?.config === config) return 0;
    const probe = path.join(this.build, 'mm/memdesc_allcfg_cmd.c');
    fs.mkdirSync(path.dirname(probe), { recursive: true });
    fs.writeFileSync(probe, 'int memdesc_allcfg_cmd;\n');
    try {
      this.mustMake([`-j${process.env.MEMDESC_JOBS ?? '2'}`, 'prepare']);
      this.mustMake(['mm/memdesc_allcfg_cmd.o']);
      const cmd = fs.readFileSync(path.join(this.build, 'mm/.memdesc_allcfg_cmd.o.cmd'), 'utf8');
      const m = /^(?:saved)?cmd_mm\/memdesc_allcfg_cmd\.o := (.*)$/m.exec(cmd);
      if (!m) throw new Error(`no command in ${this.build}/mm/.memdesc_allcfg_cmd.o.cmd`);
      this.command = { config, text: m[1] };
    } finally {
      fs.rmSync(probe, { force: true });
      fs.rmSync(path.join(this.build, 'mm/memdesc_allcfg_cmd.o'), { force: true });
    }
    return performance.now() - t0;
  }

  /**
   * gcc's verdicts on the memdesc set's assertions under the prepared config, on the tree as it is or mutated: a probe
   * that includes the memdesc headers and iommu-pages.c (where IOPTDESC_MATCH lives), compiled with kbuild's command
   * (the tree's paths pointed at the symlink farm when mutated), syntax only, every error. An error is at an
   * assertion when it, or the outermost macro expansion it came from, is on a line where `sites` has one; a
   * `static assertion failed` always is.
   */
  verdicts(sites: Set<string>, files: Map<string, string> = new Map()): GccVerdicts {
    if (!this.command || this.command.config !== this.readConfig()) throw new Error('prepare() first');
    const t0 = performance.now();
    const src = path.resolve(this.src);
    const tree = files.size ? symlinkFarm(src, files) : src;
    const probe = path.join(this.build, 'mm/memdesc_allcfg_probe.c');
    const includes = ['#include <linux/mm_types.h>', '#include <linux/mm.h>'];
    for (const rel of ['mm/slab.h', 'mm/zpdesc.h', 'include/net/netmem.h', 'drivers/iommu/iommu-pages.h', 'drivers/iommu/iommu-pages.c']) {
      if (fs.existsSync(path.join(src, rel))) includes.push(`#include "${path.join(tree, rel)}"`);
    }
    fs.writeFileSync(probe, includes.join('\n') + '\n');
    let r;
    try {
      const cmd = this.command.text
        .split(src + '/')
        .join(tree + '/')
        .split(`-I${src} `)
        .join(`-I${tree} `)
        .replace(/ -Wp,-MMD,\S+/, '')
        .replace(/ -c -o \S+ \S+\s*$/, ` -fsyntax-only -fmax-errors=0 -Wno-error ${probe}`);
      r = spawnSync('sh', ['-c', cmd], { cwd: this.build, encoding: 'utf8', maxBuffer: 1 << 28 });
    } finally {
      fs.rmSync(probe, { force: true });
    }
    const rel = (p: string) => {
      const abs = path.resolve(this.build, p);
      for (const base of [tree, src]) {
        const x = path.relative(base, abs);
        if (!x.startsWith('..')) return x;
      }
      return p;
    };
    const memdesc = new Set(MEMDESC_FILES);
    const failing = new Map<string, string>();
    const failingElsewhere = new Map<string, string>();
    const otherErrors: string[] = [];
    const lines = r.stderr.split('\n');
    for (let i = 0; i < lines.length; i++) {
      const e = /^(.*?):(\d+):\d+: error: (.*)$/.exec(lines[i]);
      if (!e) continue;
      const places = [`${rel(e[1])}:${e[2]}`];
      for (let k = i + 1; k < lines.length && !/: error: /.test(lines[k]); k++) {
        const n = /^(.*?):(\d+):\d+: note: in expansion of macro/.exec(lines[k]);
        if (n) places.push(`${rel(n[1])}:${n[2]}`);
      }
      const outermost = places[places.length - 1];
      const site = [...places].reverse().find((p) => sites.has(p)) ?? (/static assertion failed/.test(e[3]) ? outermost : undefined);
      if (!site) {
        if (otherErrors.length < 20) otherErrors.push(`${places[0]}: ${e[3]}`);
        continue;
      }
      const into = memdesc.has(site.slice(0, site.lastIndexOf(':'))) ? failing : failingElsewhere;
      if (!into.has(site)) into.set(site, e[3]);
    }
    if (r.status !== 0 && failing.size + failingElsewhere.size + otherErrors.length === 0) throw new Error(`gcc failed without an error we can read:\n${r.stderr.slice(-3000)}`);
    return { failing, failingElsewhere, otherErrors, ms: performance.now() - t0 };
  }

  /** A full .config made real: olddefconfig, prepare, and gcc's verdicts (on the mutated tree when `files` are given). */
  confirm(config: string, sites: Set<string>, files: Map<string, string> = new Map()): Confirmation {
    const c = this.configure(config);
    const prepareMs = this.prepare();
    return { ...this.verdicts(sites, files), config: c.config, changedByKbuild: c.changedByKbuild, configureMs: c.ms, prepareMs };
  }
}

/** The engine's plain analysis of the memdesc set under one .config: every assertion's verdict, by "file:line". */
export interface EngineVerdicts {
  /** Every assertion it sees (the places gcc's errors are matched against). */
  sites: Set<string>;
  /** Assertions that fail: false, or rejected as gcc rejects them (a member the record lacks here). */
  failing: Map<string, string>;
  /** Assertions it could not decide, with why. */
  unknown: Map<string, string>;
  verdicts: AssertVerdict[];
}

export function engineVerdicts(src: string, abi: AbiName, config: string, host: FileHost = new DiskHost(), cache?: PreprocessCache): EngineVerdicts {
  const root = path.resolve(src);
  const setup = kernelSetup({ root, arch: abi, configText: { text: config, source: 'explored .config' } }, host, cache);
  const a = analyze(setup.files, setup.options, setup.host, cache);
  const out: EngineVerdicts = { sites: new Set(), failing: new Map(), unknown: new Map(), verdicts: [] };
  for (const v of a.asserts) {
    if (!setup.files.includes(v.file.path)) continue;
    const site = `${path.relative(root, v.file.path)}:${v.file.position(v.offset).line}`;
    out.sites.add(site);
    out.verdicts.push(v);
    if (v.holds === false || gccRejects(v)) out.failing.set(site, v.detail);
    else if (v.holds === null) out.unknown.set(site, v.detail);
  }
  return out;
}

/** Every assertion place written in the memdesc files of a tree (as text), so that gcc's errors at one not entered by our analysis still count. */
export function writtenSites(src: string, files: Map<string, string> = new Map()): Set<string> {
  const out = new Set<string>();
  for (const rel of MEMDESC_FILES) {
    const text = files.get(rel) ?? (fs.existsSync(path.join(src, rel)) ? fs.readFileSync(path.join(src, rel), 'utf8') : undefined);
    if (text === undefined) continue;
    const code = text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '));
    for (const m of code.matchAll(/^[ \t]*(?:static_assert|_Static_assert|[A-Z][A-Z0-9_]*_MATCH\d?|[A-Z][A-Z0-9_]*ASSERT[A-Z0-9_]*)\s*\(/gm)) {
      out.add(`${rel}:${lineAt(text, m.index! + m[0].search(/\S/))}`);
    }
  }
  return out;
}
