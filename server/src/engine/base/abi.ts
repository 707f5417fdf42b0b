// Target ABIs: sizes and alignments of scalar types, the record layout rules that differ, and the predefined
// macros of gcc for each Linux target (every fact checked against that target's Debian cross gcc: test/diff/abi.test.ts).

export const ABI_NAMES = [
  'x86_64', 'i386', 'arm64', 'arm', 'riscv64', 's390x', 'ppc64le',
  'ppc32', 'ppc64', 'mips', 'mipsel', 'mips64', 'mips64el', 'm68k', 'sparc64', 'parisc', 'parisc64', 'sh4', 'alpha', 'arc',
] as const;
export type AbiName = (typeof ABI_NAMES)[number];

export function isAbiName(s: string): s is AbiName {
  return (ABI_NAMES as readonly string[]).includes(s);
}

export type ScalarKind =
  | 'void'
  | 'bool'
  | 'char'
  | 'schar'
  | 'uchar'
  | 'short'
  | 'ushort'
  | 'int'
  | 'uint'
  | 'long'
  | 'ulong'
  | 'llong'
  | 'ullong'
  | 'int128'
  | 'uint128'
  | 'float'
  | 'double'
  | 'ldouble'
  /** _Float16 (and arm's __fp16, __bf16): 2 bytes */
  | 'float16'
  /** _Float128, __float128, mode(TF) where they are IEEE quad */
  | 'float128';

/** Size and alignments in bytes. `align` is the ABI alignment (inside structs, _Alignof); `pref` is gcc's __alignof__. */
export interface ScalarInfo {
  size: number;
  align: number;
  pref: number;
}

export interface Abi {
  name: AbiName;
  /** clang --target triple, where clang 14 knows the target (it is a second opinion only). */
  triple: string | undefined;
  /** gcc driver that targets this ABI on Debian. */
  gcc: string;
  /** Flags that make that gcc produce this ABI as the kernel builds it (ppc64: the 7.x kernel's ELFv2). */
  gccFlags: string[];
  pointerSize: number;
  /** Alignment of pointers (2 on m68k, else their size). */
  pointerAlign: number;
  /** Bytes in a machine word (unsigned long). */
  wordSize: number;
  bigEndian: boolean;
  charSigned: boolean;
  hasInt128: boolean;
  /** __BIGGEST_ALIGNMENT__: what a bare `__attribute__((aligned))` means. */
  biggestAlignment: number;
  /** Unnamed bitfields (including `:0`) raise the record's alignment (ARM AAPCS). */
  alignAnonBitfield: boolean;
  /**
   * gcc's PCC_BITFIELD_TYPE_MATTERS: a bitfield's declared type aligns the record and a bitfield may not span
   * more alignment units of its type than the type has. False on m68k, where bitfields are packed bit after
   * bit, only a zero-width one aligns (to EMPTY_FIELD_BOUNDARY), and a bitfield of exactly 8, 16, 32 or 64
   * bits that happens to sit on that mode's alignment takes the mode's alignment.
   */
  pccBitfieldTypeMatters: boolean;
  /** gcc's EMPTY_FIELD_BOUNDARY in bytes: where a zero-width bitfield moves the next field when the type does not decide (m68k: 2). */
  emptyFieldBoundary: number;
  scalars: Record<ScalarKind, ScalarInfo>;
  /**
   * Floating types this gcc accepts beyond float, double, long double, _Float32, _Float64 and _Float32x (which
   * every target has), by keyword, with the scalar each is laid out as. A keyword missing here is not a type on
   * this target.
   */
  extraFloats: Readonly<Record<string, ScalarKind>>;
  /** Floating machine modes for `mode(...)` beyond SF and DF, with the scalar each is (complex modes follow them). */
  floatModes: Readonly<Record<string, ScalarKind>>;
  /**
   * vector_size types are aligned to their size (gcc's default_vector_alignment), at most this many bytes where
   * the target caps it (arm AAPCS: 8; aarch64: 16).
   */
  vectorAlignCap?: number;
  /**
   * i386's x86_field_alignment: inside records, a field whose type has an integer, DFmode or DCmode machine mode
   * is aligned to at most this many bytes unless its alignment was set by the user. The scalar table already
   * says so for long long and double; this is for the types whose mode gcc derives: an 8-byte integer vector
   * (DImode without MMX), a struct or union of 8 bytes made 8-aligned by a vector member (DImode).
   */
  fieldModeAlignCap?: number;
  /**
   * gcc's STRICT_ALIGNMENT: a record that gets a scalar machine mode takes that mode's alignment and loses its
   * user-alignment flag (finalize_type_size), which C11 _Alignof and the debug information's DW_AT_alignment see.
   */
  strictAlignment?: boolean;
  /**
   * Without a vector unit, gcc gives an integer vector the integer mode of its size if the target has registers
   * for it (vector_type_mode): up to this many bytes (default: 16 with __int128, else 8; arm, mips, sh4 have
   * TImode too, sparc64 and parisc OImode).
   */
  vectorIntModeBytes: number;
  /**
   * gcc's MAX_FIXED_MODE_SIZE in bytes: the widest integer mode a struct, union or array of that size gets
   * (compute_record_mode) and a bitfield as wide as one (layout_decl): 16 with __int128 except on parisc64, else
   * 8. It matters where machine modes decide alignments (strictAlignment, fieldModeAlignCap).
   */
  maxFixedModeBytes: number;
  /** Source text of gcc's predefined macros for this target (the subset headers test). */
  predefines: string;
}

const s = (size: number, align: number, pref = align): ScalarInfo => ({ size, align, pref });

function scalars(lp64: boolean, over: Partial<Record<ScalarKind, ScalarInfo>>): Record<ScalarKind, ScalarInfo> {
  const w = lp64 ? 8 : 4;
  return {
    void: s(1, 1),
    bool: s(1, 1),
    char: s(1, 1),
    schar: s(1, 1),
    uchar: s(1, 1),
    short: s(2, 2),
    ushort: s(2, 2),
    int: s(4, 4),
    uint: s(4, 4),
    long: s(w, w),
    ulong: s(w, w),
    llong: s(8, 8),
    ullong: s(8, 8),
    int128: s(16, 16),
    uint128: s(16, 16),
    float: s(4, 4),
    double: s(8, 8),
    ldouble: s(16, 16),
    float16: s(2, 2),
    float128: s(16, 16),
    ...over,
  };
}

interface AbiSeed {
  name: AbiName;
  triple?: string;
  gcc: string;
  gccFlags?: string[];
  lp64: boolean;
  bigEndian?: boolean;
  charSigned: boolean;
  hasInt128: boolean;
  biggestAlignment: number;
  alignAnonBitfield?: boolean;
  pccBitfieldTypeMatters?: boolean;
  emptyFieldBoundary?: number;
  pointerAlign?: number;
  /** __WCHAR_TYPE__ (default int). */
  wchar?: string;
  scalarOverrides?: Partial<Record<ScalarKind, ScalarInfo>>;
  extraFloats?: Record<string, ScalarKind>;
  floatModes?: Record<string, ScalarKind>;
  vectorAlignCap?: number;
  fieldModeAlignCap?: number;
  strictAlignment?: boolean;
  vectorIntModeBytes?: number;
  maxFixedModeBytes?: number;
  /**
   * Target macros beyond the common ones, the size macros of the extra floating types (__float80, __float128,
   * __ibm128) as gcc defines them among them.
   */
  archMacros: string[];
}

const seeds: AbiSeed[] = [
  {
    name: 'x86_64', triple: 'x86_64-linux-gnu', gcc: 'gcc', lp64: true, charSigned: true, hasInt128: true, biggestAlignment: 16,
    extraFloats: { _Float16: 'float16', _Float128: 'float128', __float128: 'float128', _Float64x: 'ldouble', __float80: 'ldouble' },
    floatModes: { HF: 'float16', XF: 'ldouble', TF: 'float128' },
    archMacros: ['__x86_64__', '__x86_64', '__amd64__', '__amd64', '__SIZEOF_FLOAT80__=16', '__SIZEOF_FLOAT128__=16'],
  },
  {
    name: 'i386', triple: 'i386-linux-gnu', gcc: 'i686-linux-gnu-gcc', lp64: false, charSigned: true, hasInt128: false, biggestAlignment: 16, wchar: 'long int',
    // i386 SysV: 8-byte types are 4-aligned inside structs, though __alignof__ answers 8.
    scalarOverrides: { llong: s(8, 4, 8), ullong: s(8, 4, 8), double: s(8, 4, 8), ldouble: s(12, 4, 4) },
    extraFloats: { _Float128: 'float128', __float128: 'float128', _Float64x: 'ldouble', __float80: 'ldouble' },
    floatModes: { XF: 'ldouble', TF: 'float128' },
    fieldModeAlignCap: 4,
    archMacros: ['__i386__', '__i386', 'i386', '__i686__', '__i686', '__ILP32__', '_ILP32', '__SIZEOF_FLOAT80__=12', '__SIZEOF_FLOAT128__=16'],
  },
  {
    name: 'arm64', triple: 'aarch64-linux-gnu', gcc: 'aarch64-linux-gnu-gcc', lp64: true, charSigned: false, hasInt128: true, biggestAlignment: 16, wchar: 'unsigned int',
    alignAnonBitfield: true,
    extraFloats: { _Float16: 'float16', __fp16: 'float16', __bf16: 'float16', _Float128: 'float128', _Float64x: 'float128' },
    floatModes: { HF: 'float16', TF: 'float128' },
    vectorAlignCap: 16,
    archMacros: ['__aarch64__', '__ARM_64BIT_STATE', '__ARM_ARCH=8', '__AARCH64EL__'],
  },
  {
    name: 'arm', triple: 'arm-linux-gnueabihf', gcc: 'arm-linux-gnueabihf-gcc', lp64: false, charSigned: false, hasInt128: false, biggestAlignment: 8, wchar: 'unsigned int',
    alignAnonBitfield: true,
    scalarOverrides: { ldouble: s(8, 8) },
    extraFloats: { __bf16: 'float16' },
    vectorAlignCap: 8,
    strictAlignment: true,
    vectorIntModeBytes: 16,
    archMacros: ['__arm__', '__ARM_EABI__', '__ARMEL__', '__ARM_ARCH=7', '__ARM_PCS_VFP', '__thumb2__'],
  },
  {
    name: 'riscv64', triple: 'riscv64-linux-gnu', gcc: 'riscv64-linux-gnu-gcc', lp64: true, charSigned: false, hasInt128: true, biggestAlignment: 16,
    extraFloats: { _Float128: 'float128', _Float64x: 'float128' },
    floatModes: { TF: 'float128' },
    strictAlignment: true,
    archMacros: ['__riscv', '__riscv_xlen=64', '__riscv_float_abi_double'],
  },
  {
    name: 's390x', triple: 's390x-linux-gnu', gcc: 's390x-linux-gnu-gcc', lp64: true, bigEndian: true, charSigned: false, hasInt128: true, biggestAlignment: 8,
    scalarOverrides: { ldouble: s(16, 8), int128: s(16, 8), uint128: s(16, 8), float128: s(16, 8) },
    extraFloats: { _Float128: 'float128', _Float64x: 'float128' },
    floatModes: { TF: 'float128' },
    archMacros: ['__s390__', '__s390x__', '__zarch__'],
  },
  {
    name: 'ppc64le', triple: 'powerpc64le-linux-gnu', gcc: 'powerpc64le-linux-gnu-gcc', lp64: true, charSigned: false, hasInt128: true, biggestAlignment: 16,
    // long double is IBM double-double (TF, IF, __ibm128); IEEE quad is KF (_Float128, __float128, __ieee128).
    extraFloats: { _Float128: 'float128', __float128: 'float128', __ieee128: 'float128', _Float64x: 'float128', __ibm128: 'ldouble' },
    floatModes: { TF: 'ldouble', IF: 'ldouble', KF: 'float128' },
    archMacros: ['__powerpc__', '__powerpc64__', '__PPC__', '__PPC64__', '_ARCH_PPC', '_ARCH_PPC64', '__LITTLE_ENDIAN__', '_CALL_ELF=2', '__LONG_DOUBLE_128__', '__SIZEOF_IBM128__=16', '__SIZEOF_IEEE128__=16', '__SIZEOF_FLOAT128__=16'],
  },
  // 32-bit powerpc (SysV, big-endian): long double is IBM double-double, 16 bytes aligned to 16.
  {
    name: 'ppc32', triple: 'powerpc-linux-gnu', gcc: 'powerpc-linux-gnu-gcc', lp64: false, bigEndian: true, charSigned: false, hasInt128: false, biggestAlignment: 16, wchar: 'long int',
    extraFloats: { __ibm128: 'ldouble' },
    floatModes: { TF: 'ldouble', IF: 'ldouble' },
    archMacros: ['__powerpc__', '__powerpc', 'powerpc', '__PPC__', '__PPC', 'PPC', '_ARCH_PPC', '__BIG_ENDIAN__', '_BIG_ENDIAN', '_CALL_SYSV', '__LONG_DOUBLE_128__', '__SIZEOF_IBM128__=16'],
  },
  // 64-bit big-endian powerpc as the kernel builds it: ELFv2 from 7.x (PPC64_BIG_ENDIAN_ELF_ABI_V2 defaults to y
  // with gcc and BFD ld), ELFv1 before and when that option is off (kernel mode follows CONFIG_PPC64_ELF_ABI_V1);
  // Debian's powerpc64-linux-gnu-gcc defaults to ELFv1. Data layout is the same under both.
  {
    name: 'ppc64', triple: 'powerpc64-linux-gnu', gcc: 'powerpc64-linux-gnu-gcc', gccFlags: ['-mabi=elfv2'], lp64: true, bigEndian: true, charSigned: false, hasInt128: true, biggestAlignment: 16,
    extraFloats: { __ibm128: 'ldouble' },
    floatModes: { TF: 'ldouble', IF: 'ldouble' },
    archMacros: ['__powerpc__', '__powerpc64__', '__PPC__', '__PPC64__', '_ARCH_PPC', '_ARCH_PPC64', '__BIG_ENDIAN__', '_BIG_ENDIAN', '_CALL_ELF=2', '_CALL_LINUX', '__LONG_DOUBLE_128__', '__SIZEOF_IBM128__=16'],
  },
  // MIPS o32: long long and double 8-aligned, long double is double.
  {
    name: 'mips', triple: 'mips-linux-gnu', gcc: 'mips-linux-gnu-gcc', lp64: false, bigEndian: true, charSigned: true, hasInt128: false, biggestAlignment: 8,
    scalarOverrides: { ldouble: s(8, 8) },
    strictAlignment: true,
    vectorIntModeBytes: 16,
    archMacros: [...mipsMacros(32, 'EB')],
  },
  {
    name: 'mipsel', triple: 'mipsel-linux-gnu', gcc: 'mipsel-linux-gnu-gcc', lp64: false, charSigned: true, hasInt128: false, biggestAlignment: 8,
    scalarOverrides: { ldouble: s(8, 8) },
    strictAlignment: true,
    vectorIntModeBytes: 16,
    archMacros: [...mipsMacros(32, 'EL')],
  },
  // MIPS n64: LP64, 128-bit long double and __int128 aligned to 16.
  {
    name: 'mips64', triple: 'mips64-linux-gnuabi64', gcc: 'mips64-linux-gnuabi64-gcc', lp64: true, bigEndian: true, charSigned: true, hasInt128: true, biggestAlignment: 16,
    extraFloats: { _Float128: 'float128', _Float64x: 'float128' },
    floatModes: { TF: 'float128' },
    strictAlignment: true,
    archMacros: [...mipsMacros(64, 'EB')],
  },
  {
    name: 'mips64el', triple: 'mips64el-linux-gnuabi64', gcc: 'mips64el-linux-gnuabi64-gcc', lp64: true, charSigned: true, hasInt128: true, biggestAlignment: 16,
    extraFloats: { _Float128: 'float128', _Float64x: 'float128' },
    floatModes: { TF: 'float128' },
    strictAlignment: true,
    archMacros: [...mipsMacros(64, 'EL')],
  },
  // m68k (680x0, SysV as Linux has it): nothing is aligned beyond 2 bytes, int and pointers included; bitfields
  // ignore their type (PCC_BITFIELD_TYPE_MATTERS is 0) and `:0` aligns to 2 (EMPTY_FIELD_BOUNDARY 16).
  // long double is the 68881's 12-byte extended format (ColdFire CPUs have an 8-byte one; not modelled).
  {
    name: 'm68k', triple: 'm68k-linux-gnu', gcc: 'm68k-linux-gnu-gcc', lp64: false, bigEndian: true, charSigned: true, hasInt128: false, biggestAlignment: 2, wchar: 'long int',
    pccBitfieldTypeMatters: false, emptyFieldBoundary: 2, pointerAlign: 2,
    scalarOverrides: { int: s(4, 2), uint: s(4, 2), long: s(4, 2), ulong: s(4, 2), llong: s(8, 2), ullong: s(8, 2), float: s(4, 2), double: s(8, 2), ldouble: s(12, 2) },
    floatModes: { XF: 'ldouble' },
    archMacros: ['__m68k__', '__mc68000__', '__mc68000', 'mc68000', '__mc68020__', '__mc68020', 'mc68020', '__HAVE_68881__'],
  },
  {
    name: 'sparc64', triple: 'sparcv9-linux-gnu', gcc: 'sparc64-linux-gnu-gcc', lp64: true, bigEndian: true, charSigned: true, hasInt128: true, biggestAlignment: 16,
    extraFloats: { _Float128: 'float128', _Float64x: 'float128' },
    floatModes: { TF: 'float128' },
    strictAlignment: true,
    vectorIntModeBytes: 32,
    archMacros: ['__sparc__', '__sparc', 'sparc', '__sparc_v9__', '__arch64__', '_LONGLONG'],
  },
  // PA-RISC 32-bit: long double is double; `aligned` alone means 8.
  {
    name: 'parisc', gcc: 'hppa-linux-gnu-gcc', lp64: false, bigEndian: true, charSigned: true, hasInt128: false, biggestAlignment: 8, wchar: 'long int',
    scalarOverrides: { ldouble: s(8, 8) },
    strictAlignment: true,
    vectorIntModeBytes: 32,
    archMacros: ['__hppa__', '__hppa', '__BIG_ENDIAN__', '_PA_RISC1_1'],
  },
  {
    name: 'parisc64', gcc: 'hppa64-linux-gnu-gcc', lp64: true, bigEndian: true, charSigned: true, hasInt128: true, biggestAlignment: 16, wchar: 'unsigned int',
    extraFloats: { _Float128: 'float128', _Float64x: 'float128' },
    floatModes: { TF: 'float128' },
    strictAlignment: true,
    vectorIntModeBytes: 32,
    maxFixedModeBytes: 8,
    archMacros: ['__hppa__', '__hppa', '__BIG_ENDIAN__', '_PA_RISC2_0'],
  },
  // SH-4 little-endian: 8-byte types are 4-aligned (everywhere, __alignof__ too); long double is double.
  {
    name: 'sh4', gcc: 'sh4-linux-gnu-gcc', lp64: false, charSigned: true, hasInt128: false, biggestAlignment: 4, wchar: 'long int',
    scalarOverrides: { llong: s(8, 4), ullong: s(8, 4), double: s(8, 4), ldouble: s(8, 4) },
    strictAlignment: true,
    vectorIntModeBytes: 16,
    archMacros: ['__sh__', '__SH4__', '__LITTLE_ENDIAN__'],
  },
  {
    name: 'alpha', gcc: 'alpha-linux-gnu-gcc', lp64: true, charSigned: true, hasInt128: true, biggestAlignment: 16,
    extraFloats: { _Float128: 'float128', _Float64x: 'float128' },
    floatModes: { TF: 'float128' },
    strictAlignment: true,
    archMacros: ['__alpha__', '__alpha', '__alpha_ev4__', '_LONGLONG', '__LONG_DOUBLE_128__', '_IEEE_FP'],
  },
  // ARC HS (ARCv2) little-endian, as Debian's gcc defaults (hs38_linux) and the kernel's defconfig builds: 8-byte
  // types are 4-aligned, long double is double; the same with -mcpu=arc700 and with or without -mll64.
  {
    name: 'arc', triple: 'arc-linux-gnu', gcc: 'arc-linux-gnu-gcc', lp64: false, charSigned: false, hasInt128: false, biggestAlignment: 4,
    scalarOverrides: { llong: s(8, 4), ullong: s(8, 4), double: s(8, 4), ldouble: s(8, 4) },
    archMacros: ['__arc__', '__ARCHS__', '__HS__', '__LITTLE_ENDIAN__', '__ARC_LL64__'],
  },
];

/** gcc's MIPS predefines for o32 (32) or n64 (64), big- or little-endian, ISA revision 2 (Debian's default, the kernel's 32r2/64r2 configs). */
function mipsMacros(bits: 32 | 64, endian: 'EB' | 'EL'): string[] {
  return [
    '__mips__', 'mips', '_mips', `__mips=${bits}`, ...(bits === 64 ? ['__mips64'] : []),
    `_MIPS_SZINT=32`, `_MIPS_SZLONG=${bits}`, `_MIPS_SZPTR=${bits}`,
    ...(bits === 64 ? ['_ABI64=3', '_MIPS_SIM=_ABI64', '_MIPS_ISA=_MIPS_ISA_MIPS64'] : ['_ABIO32=1', '_MIPS_SIM=_ABIO32', '_MIPS_ISA=_MIPS_ISA_MIPS32']),
    '__mips_isa_rev=2',
    `MIPS${endian}`, `_MIPS${endian}`, `__MIPS${endian}`, `__MIPS${endian}__`,
  ];
}

function predefinesFor(seed: AbiSeed, sc: Record<ScalarKind, ScalarInfo>): string {
  const w = seed.lp64 ? 8 : 4;
  const longMax = seed.lp64 ? '0x7fffffffffffffffL' : '0x7fffffffL';
  const sizeType = seed.lp64 ? 'long unsigned int' : 'unsigned int';
  const ptrdiffType = seed.lp64 ? 'long int' : 'int';
  const lines: string[] = [
    '__GNUC__=12', '__GNUC_MINOR__=2', '__GNUC_PATCHLEVEL__=0', '__VERSION__="12.2.0"',
    '__STDC__=1', '__STDC_VERSION__=201112L', '__STDC_HOSTED__=0', '__GNUC_STDC_INLINE__=1',
    '__linux__', '__linux', '__gnu_linux__', '__unix__', '__unix', '__ELF__', '__CHAR_BIT__=8',
    `__SIZEOF_INT__=4`, `__SIZEOF_LONG__=${w}`, `__SIZEOF_LONG_LONG__=8`, `__SIZEOF_SHORT__=2`,
    `__SIZEOF_POINTER__=${w}`, `__SIZEOF_FLOAT__=4`, `__SIZEOF_DOUBLE__=8`, `__SIZEOF_LONG_DOUBLE__=${sc.ldouble.size}`,
    `__SIZEOF_SIZE_T__=${w}`, `__SIZEOF_WCHAR_T__=4`, `__SIZEOF_WINT_T__=4`, `__SIZEOF_PTRDIFF_T__=${w}`,
    `__BIGGEST_ALIGNMENT__=${seed.biggestAlignment}`,
    '__SCHAR_MAX__=0x7f', '__SHRT_MAX__=0x7fff', '__INT_MAX__=0x7fffffff', `__LONG_MAX__=${longMax}`,
    '__LONG_LONG_MAX__=0x7fffffffffffffffLL', `__SIZE_MAX__=${seed.lp64 ? '0xffffffffffffffffUL' : '0xffffffffU'}`,
    `__SIZE_TYPE__=${sizeType}`, `__PTRDIFF_TYPE__=${ptrdiffType}`, `__INTPTR_TYPE__=${ptrdiffType}`,
    `__UINTPTR_TYPE__=${sizeType}`, `__WCHAR_TYPE__=${seed.wchar ?? 'int'}`, '__INT8_TYPE__=signed char', '__UINT8_TYPE__=unsigned char',
    '__INT16_TYPE__=short int', '__UINT16_TYPE__=short unsigned int', '__INT32_TYPE__=int', '__UINT32_TYPE__=unsigned int',
    `__INT64_TYPE__=${seed.lp64 ? 'long int' : 'long long int'}`, `__UINT64_TYPE__=${seed.lp64 ? 'long unsigned int' : 'long long unsigned int'}`,
    '__ORDER_LITTLE_ENDIAN__=1234', '__ORDER_BIG_ENDIAN__=4321', '__ORDER_PDP_ENDIAN__=3412',
    `__BYTE_ORDER__=${seed.bigEndian ? '__ORDER_BIG_ENDIAN__' : '__ORDER_LITTLE_ENDIAN__'}`,
    `__FLOAT_WORD_ORDER__=${seed.bigEndian ? '__ORDER_BIG_ENDIAN__' : '__ORDER_LITTLE_ENDIAN__'}`,
    '__ATOMIC_RELAXED=0', '__ATOMIC_CONSUME=1', '__ATOMIC_ACQUIRE=2', '__ATOMIC_RELEASE=3', '__ATOMIC_ACQ_REL=4', '__ATOMIC_SEQ_CST=5',
    '__OPTIMIZE__',
  ];
  if (seed.lp64) lines.push('__LP64__', '_LP64');
  if (seed.hasInt128) lines.push('__SIZEOF_INT128__=16');
  if (!seed.charSigned) lines.push('__CHAR_UNSIGNED__');
  for (const m of seed.archMacros) lines.push(m);
  return lines
    .map((l) => {
      const eq = l.indexOf('=');
      return eq < 0 ? `#define ${l} 1` : `#define ${l.slice(0, eq)} ${l.slice(eq + 1)}`;
    })
    .join('\n') + '\n';
}

export const ABIS: Record<AbiName, Abi> = Object.fromEntries(
  seeds.map((seed) => {
    const sc = scalars(seed.lp64, seed.scalarOverrides ?? {});
    const abi: Abi = {
      name: seed.name,
      triple: seed.triple,
      gcc: seed.gcc,
      gccFlags: seed.gccFlags ?? [],
      pointerSize: seed.lp64 ? 8 : 4,
      pointerAlign: seed.pointerAlign ?? (seed.lp64 ? 8 : 4),
      wordSize: seed.lp64 ? 8 : 4,
      bigEndian: seed.bigEndian ?? false,
      charSigned: seed.charSigned,
      hasInt128: seed.hasInt128,
      biggestAlignment: seed.biggestAlignment,
      alignAnonBitfield: seed.alignAnonBitfield ?? false,
      pccBitfieldTypeMatters: seed.pccBitfieldTypeMatters ?? true,
      emptyFieldBoundary: seed.emptyFieldBoundary ?? 1,
      scalars: sc,
      extraFloats: seed.extraFloats ?? {},
      floatModes: seed.floatModes ?? {},
      vectorAlignCap: seed.vectorAlignCap,
      fieldModeAlignCap: seed.fieldModeAlignCap,
      strictAlignment: seed.strictAlignment,
      vectorIntModeBytes: seed.vectorIntModeBytes ?? (seed.hasInt128 ? 16 : 8),
      maxFixedModeBytes: seed.maxFixedModeBytes ?? (seed.hasInt128 ? 16 : 8),
      predefines: predefinesFor(seed, sc),
    };
    return [seed.name, abi];
  }),
) as Record<AbiName, Abi>;

/** The ABI with plain `char` signed or unsigned (gcc's -fsigned-char / -funsigned-char), __CHAR_UNSIGNED__ to match. */
export function withCharSign(abi: Abi, charSigned: boolean): Abi {
  if (abi.charSigned === charSigned) return abi;
  const predefines = charSigned ? abi.predefines.replace(/^#define __CHAR_UNSIGNED__ 1\n/m, '') : `${abi.predefines}#define __CHAR_UNSIGNED__ 1\n`;
  return { ...abi, charSigned, predefines };
}
