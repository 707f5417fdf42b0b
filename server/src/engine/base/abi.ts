// Target ABIs: sizes and alignments of scalar types and the predefined macros of gcc for each Linux target.

export const ABI_NAMES = ['x86_64', 'i386', 'arm64', 'arm', 'riscv64', 's390x', 'ppc64le'] as const;
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
  /** clang --target triple */
  triple: string;
  /** gcc driver that targets this ABI on Debian. */
  gcc: string;
  pointerSize: number;
  /** Bytes in a machine word (unsigned long). */
  wordSize: number;
  bigEndian: boolean;
  charSigned: boolean;
  hasInt128: boolean;
  /** __BIGGEST_ALIGNMENT__: what a bare `__attribute__((aligned))` means. */
  biggestAlignment: number;
  /** Unnamed bitfields (including `:0`) raise the record's alignment (ARM AAPCS). */
  alignAnonBitfield: boolean;
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
   * for it (vector_type_mode): up to this many bytes (default: 16 with __int128, else 8; arm has TImode too).
   */
  vectorIntModeBytes: number;
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
  triple: string;
  gcc: string;
  lp64: boolean;
  bigEndian?: boolean;
  charSigned: boolean;
  hasInt128: boolean;
  biggestAlignment: number;
  alignAnonBitfield?: boolean;
  scalarOverrides?: Partial<Record<ScalarKind, ScalarInfo>>;
  extraFloats?: Record<string, ScalarKind>;
  floatModes?: Record<string, ScalarKind>;
  vectorAlignCap?: number;
  fieldModeAlignCap?: number;
  strictAlignment?: boolean;
  vectorIntModeBytes?: number;
  /** Target macros beyond the common ones. */
  archMacros: string[];
}

const seeds: AbiSeed[] = [
  {
    name: 'x86_64', triple: 'x86_64-linux-gnu', gcc: 'gcc', lp64: true, charSigned: true, hasInt128: true, biggestAlignment: 16,
    extraFloats: { _Float16: 'float16', _Float128: 'float128', __float128: 'float128', _Float64x: 'ldouble', __float80: 'ldouble' },
    floatModes: { HF: 'float16', XF: 'ldouble', TF: 'float128' },
    archMacros: ['__x86_64__', '__x86_64', '__amd64__', '__amd64'],
  },
  {
    name: 'i386', triple: 'i386-linux-gnu', gcc: 'i686-linux-gnu-gcc', lp64: false, charSigned: true, hasInt128: false, biggestAlignment: 16,
    // i386 SysV: 8-byte types are 4-aligned inside structs, though __alignof__ answers 8.
    scalarOverrides: { llong: s(8, 4, 8), ullong: s(8, 4, 8), double: s(8, 4, 8), ldouble: s(12, 4, 4) },
    extraFloats: { _Float128: 'float128', __float128: 'float128', _Float64x: 'ldouble', __float80: 'ldouble' },
    floatModes: { XF: 'ldouble', TF: 'float128' },
    fieldModeAlignCap: 4,
    archMacros: ['__i386__', '__i386', 'i386', '__i686__', '__i686'],
  },
  {
    name: 'arm64', triple: 'aarch64-linux-gnu', gcc: 'aarch64-linux-gnu-gcc', lp64: true, charSigned: false, hasInt128: true, biggestAlignment: 16,
    alignAnonBitfield: true,
    extraFloats: { _Float16: 'float16', __fp16: 'float16', __bf16: 'float16', _Float128: 'float128', _Float64x: 'float128' },
    floatModes: { HF: 'float16', TF: 'float128' },
    vectorAlignCap: 16,
    archMacros: ['__aarch64__', '__ARM_64BIT_STATE', '__ARM_ARCH=8', '__AARCH64EL__'],
  },
  {
    name: 'arm', triple: 'arm-linux-gnueabihf', gcc: 'arm-linux-gnueabihf-gcc', lp64: false, charSigned: false, hasInt128: false, biggestAlignment: 8,
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
    archMacros: ['__powerpc__', '__powerpc64__', '__PPC__', '__PPC64__', '_ARCH_PPC', '_ARCH_PPC64', '__LITTLE_ENDIAN__', '_CALL_ELF=2', '__LONG_DOUBLE_128__'],
  },
];

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
    `__UINTPTR_TYPE__=${sizeType}`, '__WCHAR_TYPE__=int', '__INT8_TYPE__=signed char', '__UINT8_TYPE__=unsigned char',
    '__INT16_TYPE__=short int', '__UINT16_TYPE__=short unsigned int', '__INT32_TYPE__=int', '__UINT32_TYPE__=unsigned int',
    `__INT64_TYPE__=${seed.lp64 ? 'long int' : 'long long int'}`, `__UINT64_TYPE__=${seed.lp64 ? 'long unsigned int' : 'long long unsigned int'}`,
    '__ORDER_LITTLE_ENDIAN__=1234', '__ORDER_BIG_ENDIAN__=4321', '__ORDER_PDP_ENDIAN__=3412',
    `__BYTE_ORDER__=${seed.bigEndian ? '__ORDER_BIG_ENDIAN__' : '__ORDER_LITTLE_ENDIAN__'}`,
    `__FLOAT_WORD_ORDER__=${seed.bigEndian ? '__ORDER_BIG_ENDIAN__' : '__ORDER_LITTLE_ENDIAN__'}`,
    '__ATOMIC_RELAXED=0', '__ATOMIC_CONSUME=1', '__ATOMIC_ACQUIRE=2', '__ATOMIC_RELEASE=3', '__ATOMIC_ACQ_REL=4', '__ATOMIC_SEQ_CST=5',
    '__OPTIMIZE__',
  ];
  if (seed.lp64) lines.push('__LP64__', '_LP64');
  else lines.push('__ILP32__');
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
      pointerSize: seed.lp64 ? 8 : 4,
      wordSize: seed.lp64 ? 8 : 4,
      bigEndian: seed.bigEndian ?? false,
      charSigned: seed.charSigned,
      hasInt128: seed.hasInt128,
      biggestAlignment: seed.biggestAlignment,
      alignAnonBitfield: seed.alignAnonBitfield ?? false,
      scalars: sc,
      extraFloats: seed.extraFloats ?? {},
      floatModes: seed.floatModes ?? {},
      vectorAlignCap: seed.vectorAlignCap,
      fieldModeAlignCap: seed.fieldModeAlignCap,
      strictAlignment: seed.strictAlignment,
      vectorIntModeBytes: seed.vectorIntModeBytes ?? (seed.hasInt128 ? 16 : 8),
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
