// The arches the Kconfig front end knows: what kbuild sets ARCH and SRCARCH to, and how `make defconfig` (or
// the named *_defconfig target) builds the starting config.

export interface KconfigArch {
  /** The project's ABI name. */
  name: string;
  /** ARCH as given to make. */
  ARCH: string;
  /** SRCARCH as the top Makefile derives it. */
  SRCARCH: string;
  /** The defconfig target: a file in arch/SRCARCH/configs, then fragments merged over it (later wins). */
  defconfig: string[];
  /** The make target that builds it (for the oracle). */
  target: string;
  /** Older trees' name for it, when the first file is missing (loongarch's before 6.15). */
  older?: { target: string; defconfig: string[] };
}

const a = (name: string, ARCH: string, SRCARCH: string, target: string, defconfig: string[], older?: KconfigArch['older']): KconfigArch => ({ name, ARCH, SRCARCH, target, defconfig, older });

export const KCONFIG_ARCHES: readonly KconfigArch[] = [
  a('x86_64', 'x86_64', 'x86', 'x86_64_defconfig', ['x86_64_defconfig']),
  a('i386', 'i386', 'x86', 'i386_defconfig', ['i386_defconfig']),
  a('arm64', 'arm64', 'arm64', 'defconfig', ['defconfig']),
  a('arm', 'arm', 'arm', 'multi_v7_defconfig', ['multi_v7_defconfig']),
  a('riscv64', 'riscv', 'riscv', 'defconfig', ['defconfig']),
  a('s390x', 's390', 's390', 'defconfig', ['defconfig']),
  a('ppc64le', 'powerpc', 'powerpc', 'ppc64le_defconfig', ['ppc64_defconfig', 'le.config']),
  a('ppc64', 'powerpc', 'powerpc', 'ppc64_defconfig', ['ppc64_defconfig']),
  a('ppc32', 'powerpc', 'powerpc', 'pmac32_defconfig', ['pmac32_defconfig']),
  a('mips', 'mips', 'mips', 'ip22_defconfig', ['ip22_defconfig']),
  a('mipsel', 'mips', 'mips', 'malta_defconfig', ['malta_defconfig']),
  a('mips64', 'mips', 'mips', 'cavium_octeon_defconfig', ['cavium_octeon_defconfig']),
  a('mips64el', 'mips', 'mips', 'loongson3_defconfig', ['loongson3_defconfig']),
  a('m68k', 'm68k', 'm68k', 'multi_defconfig', ['multi_defconfig']),
  a('sparc64', 'sparc64', 'sparc', 'sparc64_defconfig', ['sparc64_defconfig']),
  a('parisc', 'parisc', 'parisc', 'generic-32bit_defconfig', ['generic-32bit_defconfig']),
  a('parisc64', 'parisc64', 'parisc', 'generic-64bit_defconfig', ['generic-64bit_defconfig']),
  a('sh4', 'sh', 'sh', 'shx3_defconfig', ['shx3_defconfig']),
  a('alpha', 'alpha', 'alpha', 'defconfig', ['defconfig']),
  a('arc', 'arc', 'arc', 'haps_hs_smp_defconfig', ['haps_hs_smp_defconfig']),
  a('loongarch64', 'loongarch', 'loongarch', 'loongson64_defconfig', ['loongson64_defconfig'], { target: 'loongson3_defconfig', defconfig: ['loongson3_defconfig'] }),
];

export function kconfigArch(name: string): KconfigArch | undefined {
  return KCONFIG_ARCHES.find((x) => x.name === name);
}

/** SRCARCH for an ARCH, as the top Makefile maps it. */
export function srcArchOf(arch: string): string {
  if (arch === 'i386' || arch === 'x86_64') return 'x86';
  if (arch === 'sparc32' || arch === 'sparc64') return 'sparc';
  if (arch === 'parisc64') return 'parisc';
  if (arch === 'sh64') return 'sh';
  return arch;
}

/** The arch entry as this tree has it: the older defconfig name when the current one is missing. */
export function forTree(arch: KconfigArch, exists: (relPath: string) => boolean): KconfigArch {
  if (arch.older && !exists(`arch/${arch.SRCARCH}/configs/${arch.defconfig[0]}`)) return { ...arch, ...arch.older, older: undefined };
  return arch;
}
