// The type model: what declarations mean, independent of any ABI. Layout (layout.ts) gives them sizes.

import { ScalarKind } from '../base/abi';
import { Span } from '../base/source';

interface TypeCommon {
  /** The typedef name this type was spelled through, for display. */
  typedefName?: string;
  /** Alignment in bytes forced by `aligned` on a typedef; may be lower than natural (gcc allows that on typedefs). */
  userAlign?: number;
  /** Qualifiers (QUAL_CONST | QUAL_VOLATILE), for display only: they change no layout. */
  qual?: number;
}

export const QUAL_CONST = 1;
export const QUAL_VOLATILE = 2;

export interface ScalarType extends TypeCommon {
  kind: 'scalar';
  scalar: ScalarKind;
  /** The keyword of a distinct type laid out as `scalar` (`_Float32` is a float, `_Float64x` a long double on x86). */
  name?: string;
}
/** `_Complex T` (GNU C: any integer or floating T): two T side by side, aligned as one T. */
export interface ComplexType extends TypeCommon {
  kind: 'complex';
  of: ScalarKind;
  /** The component's keyword when it is a distinct type (`_Complex _Float32`). */
  name?: string;
}
/** A GNU vector (`vector_size(N)`): `length` elements of an integer, enum or floating type. */
export interface VectorType extends TypeCommon {
  kind: 'vector';
  of: Type;
  length: number;
  /** Size in bytes (`length` elements, as `vector_size` said). */
  bytes: number;
}
export interface PointerType extends TypeCommon {
  kind: 'pointer';
  to: Type;
}
export interface ArrayType extends TypeCommon {
  kind: 'array';
  of: Type;
  /** Element count; undefined for `[]` (flexible or incomplete) or when the size is not a known constant. */
  length: number | undefined;
  /** The length expression could not be evaluated (so the size is unknown, not zero). */
  lengthUnknown?: boolean;
}
export interface FunctionType extends TypeCommon {
  kind: 'function';
  returns: Type;
  /** Parameter list as written, for display. */
  paramsText: string;
  /**
   * Parameter types as a compiler records them (arrays and functions adjusted to pointers, top-level qualifiers
   * dropped), where the parser read them (function declarators inside member declarations); `()` is none.
   */
  params?: Type[];
  /** `...` ends the parameter list. */
  variadic?: boolean;
}
export interface RecordType extends TypeCommon {
  kind: 'record';
  def: RecordDef;
}
export interface EnumType extends TypeCommon {
  kind: 'enum';
  def: EnumDef;
}
/** A name the engine could not resolve; its size and alignment are unknown, never guessed. */
export interface UnknownType extends TypeCommon {
  kind: 'unknown';
  name: string;
}

export type Type = ScalarType | ComplexType | VectorType | PointerType | ArrayType | FunctionType | RecordType | EnumType | UnknownType;

export interface Member {
  /** Undefined for anonymous struct/union members and unnamed bitfields. */
  name: string | undefined;
  type: Type;
  /** Width for bitfields; undefined for ordinary members. */
  bitWidth: number | undefined;
  /** The width expression could not be evaluated. */
  bitWidthUnknown?: boolean;
  /** `packed` on the member itself. */
  packed: boolean;
  /** Largest `aligned(N)` / `_Alignas(N)` on the member itself, in bytes. */
  aligned: number | undefined;
  /** An unnamed struct/union member (or MS-extension tagged member) whose members are promoted. */
  anonymous: boolean;
  /** Where the user reads the member's name (or its type, when unnamed). */
  loc: Span;
}

export interface RecordDef {
  id: number;
  kind: 'struct' | 'union';
  tag: string | undefined;
  /** Undefined while the record is only declared (incomplete). */
  members: Member[] | undefined;
  packed: boolean;
  /** `aligned(N)` on the record, in bytes. */
  aligned: number | undefined;
  /** Tag (or keyword) of the defining occurrence, or of the first declaration while incomplete. */
  loc: Span;
  /** Whole body, `{` to `}`. */
  body?: Span;
  /** First typedef naming an anonymous record. */
  typedefName?: string;
  /** Set while its members are being parsed: the record is incomplete inside itself. */
  beingDefined?: boolean;
}

export interface EnumDef {
  id: number;
  tag: string | undefined;
  /** Undefined until the closing brace: an incomplete enum. */
  underlying: ScalarKind | undefined;
  packed: boolean;
  enumerators: Array<{ name: string; value: bigint; loc: Span }>;
  loc: Span;
  typedefName?: string;
}

export function scalar(kind: ScalarKind): ScalarType {
  return { kind: 'scalar', scalar: kind };
}

const SCALAR_NAMES: Record<ScalarKind, string> = {
  void: 'void', bool: '_Bool', char: 'char', schar: 'signed char', uchar: 'unsigned char',
  short: 'short', ushort: 'unsigned short', int: 'int', uint: 'unsigned int', long: 'long',
  ulong: 'unsigned long', llong: 'long long', ullong: 'unsigned long long', int128: '__int128',
  uint128: 'unsigned __int128', float: 'float', double: 'double', ldouble: 'long double', float16: '_Float16',
  float128: '_Float128',
};

/** The type as a C programmer would write it, using typedef names where the source did. */
export function typeToString(t: Type, inner = ''): string {
  const join = (base: string) => (inner ? `${base} ${inner}` : base);
  if (t.typedefName) return join(t.typedefName);
  switch (t.kind) {
    case 'scalar':
      return join(t.name ?? SCALAR_NAMES[t.scalar]);
    case 'complex':
      return join(`_Complex ${t.name ?? SCALAR_NAMES[t.of]}`);
    case 'vector':
      return join(`${typeToString(t.of)} __attribute__((vector_size(${t.bytes})))`);
    case 'unknown':
      return join(t.name);
    case 'record':
      return join(`${t.def.kind} ${t.def.tag ?? t.def.typedefName ?? '{...}'}`);
    case 'enum':
      return join(`enum ${t.def.tag ?? t.def.typedefName ?? '{...}'}`);
    case 'pointer': {
      const needParens = t.to.kind === 'array' || t.to.kind === 'function';
      const ptr = `*${inner}`;
      return typeToString(t.to, needParens && !t.to.typedefName ? `(${ptr})` : ptr);
    }
    case 'array':
      return typeToString(t.of, `${inner}[${t.length ?? ''}]`);
    case 'function':
      return typeToString(t.returns, `${inner}(${t.paramsText})`);
  }
}

/** Strip display-only wrappers: the type a typedef stands for is the same type. */
export function sameType(a: Type, b: Type): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'scalar':
      return a.scalar === (b as ScalarType).scalar;
    case 'complex':
      return a.of === (b as ComplexType).of;
    case 'vector':
      return a.length === (b as VectorType).length && sameType(a.of, (b as VectorType).of);
    case 'pointer':
      return sameType(a.to, (b as PointerType).to);
    case 'array': {
      const bb = b as ArrayType;
      return (a.length === bb.length || a.length === undefined || bb.length === undefined) && sameType(a.of, bb.of);
    }
    case 'record':
      return a.def === (b as RecordType).def;
    case 'enum':
      return a.def === (b as EnumType).def;
    case 'function':
      return sameType(a.returns, (b as FunctionType).returns) && a.paramsText === (b as FunctionType).paramsText;
    case 'unknown':
      return false;
  }
}

/** Floating scalar kinds. */
export function isFloatKind(k: ScalarKind): boolean {
  return k === 'float' || k === 'double' || k === 'ldouble' || k === 'float16' || k === 'float128';
}

export function isInteger(t: Type): boolean {
  return (t.kind === 'scalar' && t.scalar !== 'void' && !isFloatKind(t.scalar)) || t.kind === 'enum';
}


export function recordName(def: RecordDef): string | undefined {
  return def.tag ?? def.typedefName;
}
