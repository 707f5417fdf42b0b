// Which ABI a kernel .config was made for (its arch symbols, word size and byte order, and its header line), and
// which config a kernel tree is analysed with: the one given, an O= build dir, the tree's own, or a built-in default.

import * as path from 'node:path';
import { ABIS, AbiName } from '../base/abi';
import { FileHost } from '../base/host';
import { parseDotConfig } from './kernel';

/** What a .config says about the machine it was made for. */
export interface ConfigArch {
  /** memdesc-layout's ABI for it; undefined when there is none (32-bit riscv, big-endian arm, sparc32, ...). */
  abi: AbiName | undefined;
  /** The kernel's name of the arch and its flavour, for messages: "powerpc 32-bit", "mips 64-bit little-endian". */
  arch: string;
  /** The lines that say so: "CONFIG_PPC32=y", "header 'Linux/powerpc 7.3.0-rc7 Kernel Configuration'". */
  evidence: string;
}

/** `# Linux/ARCH VERSION Kernel Configuration`, the first lines of every .config kconfig writes. */
const HEADER = /^#\s*Linux\/(\S+) (\S+) Kernel Configuration\s*$/m;

/** kbuild's ARCH values (as the header line spells them) → the SRCARCH they build, and a word size when ARCH fixes it. */
const HEADER_ARCH: Record<string, { srcarch: string; bits?: 32 | 64 }> = {
  x86_64: { srcarch: 'x86', bits: 64 }, i386: { srcarch: 'x86', bits: 32 }, x86: { srcarch: 'x86' },
  arm64: { srcarch: 'arm64', bits: 64 }, arm: { srcarch: 'arm', bits: 32 }, riscv: { srcarch: 'riscv' },
  s390: { srcarch: 's390', bits: 64 }, powerpc: { srcarch: 'powerpc' }, mips: { srcarch: 'mips' }, m68k: { srcarch: 'm68k', bits: 32 },
  sparc: { srcarch: 'sparc' }, sparc64: { srcarch: 'sparc', bits: 64 }, sparc32: { srcarch: 'sparc', bits: 32 },
  parisc: { srcarch: 'parisc' }, parisc64: { srcarch: 'parisc', bits: 64 }, sh: { srcarch: 'sh', bits: 32 },
  alpha: { srcarch: 'alpha', bits: 64 }, arc: { srcarch: 'arc', bits: 32 }, loongarch: { srcarch: 'loongarch' },
};

/** The symbol that names each SRCARCH in a .config. */
const ARCH_SYMBOL: Array<[string, string]> = [
  ['X86', 'x86'], ['ARM64', 'arm64'], ['ARM', 'arm'], ['RISCV', 'riscv'], ['S390', 's390'], ['PPC', 'powerpc'], ['MIPS', 'mips'],
  ['M68K', 'm68k'], ['SPARC', 'sparc'], ['PARISC', 'parisc'], ['SUPERH', 'sh'], ['ALPHA', 'alpha'], ['ARC', 'arc'], ['LOONGARCH', 'loongarch'],
  ['CSKY', 'csky'], ['HEXAGON', 'hexagon'], ['MICROBLAZE', 'microblaze'], ['NIOS2', 'nios2'], ['OPENRISC', 'openrisc'], ['UML', 'um'], ['XTENSA', 'xtensa'],
];

/**
 * The ABI a .config was made for, from its symbols (CONFIG_X86_64, CONFIG_64BIT, CONFIG_PPC64,
 * CONFIG_CPU_BIG_ENDIAN, ...) and, where they are missing, its header line; undefined when it names no arch at all
 * (a hand-written fragment).
 */
export function configArch(text: string): ConfigArch | undefined {
  const c = parseDotConfig(text);
  const y = (k: string) => c.get(k) === 'y';
  const header = HEADER.exec(text);
  const fromHeader = header ? HEADER_ARCH[header[1]] : undefined;
  const symbol = ARCH_SYMBOL.find(([k]) => y(k));
  const srcarch = symbol?.[1] ?? fromHeader?.srcarch ?? (header ? header[1] : undefined);
  if (!srcarch) return undefined;
  const ev: string[] = symbol ? [`CONFIG_${symbol[0]}=y`] : [`its header '${header![0].replace(/^#\s*/, '').trim()}'`];
  const set = (k: string) => {
    if (y(k)) ev.push(`CONFIG_${k}=y`);
    return y(k);
  };
  // Word size: the symbols, else what the header's ARCH implies.
  const bits: 32 | 64 | undefined = set('64BIT') || set('X86_64') || set('PPC64') || set('SPARC64') ? 64 : set('32BIT') || set('X86_32') || set('PPC32') ? 32 : fromHeader?.bits;
  if (bits === undefined && !symbol) ev.push('no CONFIG_64BIT');
  const big = set('CPU_BIG_ENDIAN');
  const little = set('CPU_LITTLE_ENDIAN');
  const is64 = bits === 64;
  const out = (abi: AbiName | undefined, arch: string): ConfigArch => ({ abi, arch, evidence: ev.join(', ') });
  switch (srcarch) {
    case 'x86':
      return out(is64 ? 'x86_64' : 'i386', is64 ? 'x86 64-bit' : 'x86 32-bit');
    case 'arm64':
      return big ? out(undefined, 'arm64 big-endian') : out('arm64', 'arm64');
    case 'arm':
      return big ? out(undefined, 'arm big-endian') : out('arm', 'arm');
    case 'riscv':
      return bits === 32 ? out(undefined, 'riscv 32-bit') : out('riscv64', 'riscv 64-bit');
    case 's390':
      return out('s390x', 's390 64-bit');
    case 'powerpc':
      if (!is64) return out('ppc32', 'powerpc 32-bit');
      return little ? out('ppc64le', 'powerpc 64-bit little-endian') : out('ppc64', 'powerpc 64-bit big-endian');
    case 'mips':
      if (is64) return little ? out('mips64el', 'mips 64-bit little-endian') : out('mips64', 'mips 64-bit big-endian');
      return little ? out('mipsel', 'mips 32-bit little-endian') : out('mips', 'mips 32-bit big-endian');
    case 'm68k':
      return out('m68k', 'm68k');
    case 'sparc':
      return is64 ? out('sparc64', 'sparc 64-bit') : out(undefined, 'sparc 32-bit');
    case 'parisc':
      return is64 ? out('parisc64', 'parisc 64-bit') : out('parisc', 'parisc 32-bit');
    case 'sh':
      return big ? out(undefined, 'sh big-endian') : out('sh4', 'sh little-endian');
    case 'alpha':
      return out('alpha', 'alpha');
    case 'arc':
      return big ? out(undefined, 'arc big-endian') : out('arc', 'arc');
    default:
      return out(undefined, srcarch);
  }
}

/** How the user names things in this face: flags (CLI) or settings (editor). */
export interface ConfigWords {
  arch: string;
  config: string;
  buildDir: string;
  /** Where O= build dirs would have been found ("the workspace folders"), when this face looks for them. */
  buildDirsFrom?: string;
}

export const CLI_WORDS: ConfigWords = { arch: '--arch', config: '--config FILE', buildDir: '--build DIR' };

export interface KernelConfigRequest {
  root: string;
  /** A .config named by the user (--config, memdesc.config). */
  configFile?: string;
  /** An O= build dir named by the user (--build, memdesc.buildDir). */
  buildDir?: string;
  /** O= build dirs of this tree found among the workspace folders, in order, with the ABI of their .config. */
  foundBuildDirs?: Array<{ dir: string; abi: AbiName | undefined }>;
  /** The ABI named by the user (--arch, memdesc.arch); undefined: follow the config. */
  arch?: AbiName;
  words: ConfigWords;
}

/** Which config a kernel tree is analysed with, for which ABI, and what to tell the user about it. */
export interface KernelConfigChoice {
  /** given: --config/--build or their settings; build-dir: an O= dir found in the workspace; in-tree: TREE/.config; default: built in. */
  kind: 'given' | 'build-dir' | 'in-tree' | 'default';
  configFile?: string;
  buildDir?: string;
  abi: AbiName;
  /** config: the .config says; given: --arch or the setting; default: x86_64, nothing said. */
  abiFrom: 'config' | 'given' | 'default';
  /** What the config says about its arch (when abiFrom is config). */
  evidence?: string;
  /** The user's settings contradict each other or the config names an arch with no ABI: nothing is analysed. */
  error?: string;
  /** Why the built-in default is used, and how to pick a config (kind default), or why a config found was not used. */
  notice?: string;
}

/**
 * The config and ABI for a kernel tree, in this order: a config or build dir the user named; an O= build dir among
 * the workspace folders; the tree's own .config (a tree configured in place is its own build dir); the built-in
 * default for the ABI. The ABI follows the config unless the user named one; naming one that contradicts a config
 * the user also named is an error that names both. A config found rather than named that is for another ABI than
 * the one named is passed over, and the notice says so.
 */
export function chooseKernelConfig(req: KernelConfigRequest, host: FileHost): KernelConfigChoice {
  const { words } = req;
  const fromConfig = (kind: KernelConfigChoice['kind'], file: string, where: { configFile?: string; buildDir?: string }, named: string): KernelConfigChoice => {
    const text = host.readFile(file);
    const ca = text === undefined ? undefined : configArch(text);
    const base = { kind, ...where };
    if (text === undefined) return { ...base, abi: req.arch ?? 'x86_64', abiFrom: req.arch ? 'given' : 'default', error: `cannot read ${named} '${file}'` };
    if (ca && !ca.abi) return { ...base, abi: req.arch ?? 'x86_64', abiFrom: 'config', evidence: ca.evidence, error: `${file} is for ${ca.arch} (${ca.evidence}), which memdesc-layout has no ABI for (it has ${Object.keys(ABIS).join(', ')})` };
    if (ca?.abi && req.arch && ca.abi !== req.arch) {
      return { ...base, abi: req.arch, abiFrom: 'given', evidence: ca.evidence, error: `${words.arch} ${req.arch} contradicts ${named} ${file}, which is for ${ca.abi} (${ca.evidence}): drop ${words.arch} to follow the config, or name a config for ${req.arch}` };
    }
    if (ca?.abi) return { ...base, abi: ca.abi, abiFrom: 'config', evidence: ca.evidence };
    return { ...base, abi: req.arch ?? 'x86_64', abiFrom: req.arch ? 'given' : 'default' };
  };
  if (req.configFile) return fromConfig('given', req.configFile, { configFile: req.configFile }, words.config.split(' ')[0]);
  if (req.buildDir) {
    const cfg = path.join(req.buildDir, '.config');
    if (!host.fileExists(cfg)) return { kind: 'given', buildDir: req.buildDir, abi: req.arch ?? 'x86_64', abiFrom: req.arch ? 'given' : 'default', notice: `the build dir ${req.buildDir} has no .config: the built-in default config is used with its generated headers` };
    return fromConfig('given', cfg, { buildDir: req.buildDir }, `the build dir of ${words.buildDir.split(' ')[0]}`);
  }
  const passedOver: string[] = [];
  for (const b of req.foundBuildDirs ?? []) {
    if (!b.abi) continue;
    if (req.arch && b.abi !== req.arch) {
      passedOver.push(`${b.dir} is for ${b.abi}`);
      continue;
    }
    const c = fromConfig('build-dir', path.join(b.dir, '.config'), { buildDir: b.dir }, 'the build dir');
    if (!c.error) return c;
  }
  const inTree = path.join(req.root, '.config');
  const text = host.readFile(inTree);
  if (text !== undefined) {
    const ca = configArch(text);
    if (!req.arch || !ca?.abi || ca.abi === req.arch) {
      const c = fromConfig('in-tree', inTree, { buildDir: req.root }, 'the tree\'s');
      if (!c.error || !req.arch) return c;
    }
    passedOver.push(`${inTree} is for ${ca?.abi ?? ca?.arch ?? 'another arch'}${ca ? ` (${ca.evidence})` : ''}`);
  }
  const abi = req.arch ?? 'x86_64';
  const found = req.words.buildDirsFrom ? `, no O= build dir of this tree in ${req.words.buildDirsFrom}` : '';
  const why = passedOver.length
    ? `no .config for ${abi}: ${passedOver.join('; ')}`
    : `no .config found (none named with ${words.config.split(' ')[0]} or ${words.buildDir.split(' ')[0]}${found}, no ${inTree})`;
  return {
    kind: 'default',
    abi,
    abiFrom: req.arch ? 'given' : 'default',
    notice: `${why}: using the built-in ${abi} default. To use yours: configure the tree (make defconfig, or copy your .config to ${inTree}), or name one with ${words.config} or ${words.buildDir}${req.arch ? '' : `; ${words.arch} picks the ABI of the default`}.`,
  };
}
