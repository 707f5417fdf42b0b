// Record layout as gcc lays out C structs and unions on Linux targets (SysV-style; PCC_BITFIELD_TYPE_MATTERS
// everywhere but m68k).

import { Abi } from '../base/abi';
import { Problems } from '../base/problems';
import { EnumDef, Member, RecordDef, Type } from './types';

export interface FieldLayout {
  member: Member;
  /** Bit offset from the start of the record that directly contains the member; undefined when unknown. */
  bitOffset: number | undefined;
  /** Bits occupied: the width for bitfields, size * 8 otherwise (0 for flexible arrays); undefined when unknown. */
  bitSize: number | undefined;
  /** Alignment the member received in this record, in bytes; undefined when unknown. */
  align: number | undefined;
}

export interface RecordLayout {
  size: number | undefined;
  align: number | undefined;
  fields: FieldLayout[];
}

/** A named member reachable from a record, as `offsetof` sees it, with its absolute position. */
export interface FlatMember {
  name: string;
  member: Member;
  /** Anonymous members passed through on the way, outermost first. */
  via: Member[];
  bitOffset: number | undefined;
  bitSize: number | undefined;
  /** Size of the member's type in bytes (for bitfields too, as pahole and the JSON report it). */
  size: number | undefined;
  align: number | undefined;
  isBitfield: boolean;
}

/** Largest size we represent exactly (bytes); larger objects are reported, and their size is unknown. */
const MAX_OBJECT_BYTES = 2 ** 48;

const roundUp = (v: number, a: number) => Math.ceil(v / a) * a;
/** The largest power of two dividing a bit position (0 for position 0). */
function lowestSetBit(v: number): number {
  if (v === 0) return 0;
  let p = 1;
  while (v % (p * 2) === 0) p *= 2;
  return p;
}

/** Lays out records for one ABI, caching per record. Reports each layout problem once, at the member. */
export class Layouter {
  private cache = new Map<RecordDef, RecordLayout>();
  private inProgress = new Set<RecordDef>();
  /** Told of every record or enum whose layout is asked for (the parser tracks what a declaration depends on). */
  onRead: ((def: RecordDef | EnumDef) => void) | undefined;

  constructor(
    readonly abi: Abi,
    private readonly problems: Problems,
  ) {}

  /** A layouter for the same ABI with an empty cache (problems go to `problems`, or nowhere). */
  fresh(problems: Problems = new Problems()): Layouter {
    return new Layouter(this.abi, problems);
  }

  /** sizeof in bytes, or undefined when unknown or incomplete. Arrays of unknown length have no size. */
  sizeOf(t: Type): number | undefined {
    switch (t.kind) {
      case 'scalar':
        return this.abi.scalars[t.scalar].size;
      case 'pointer':
        return this.abi.pointerSize;
      case 'function':
        return 1;
      case 'enum':
        this.onRead?.(t.def);
        return t.def.underlying ? this.abi.scalars[t.def.underlying].size : undefined;
      case 'record':
        return this.layout(t.def).size;
      case 'array': {
        if (t.length === undefined) return undefined;
        const el = this.sizeOf(t.of);
        if (el === undefined) return undefined;
        const total = el * t.length;
        return total > MAX_OBJECT_BYTES ? undefined : total;
      }
      case 'unknown':
        return undefined;
    }
  }

  /** ABI alignment in bytes (the alignment inside records; C11 _Alignof). */
  alignOf(t: Type): number | undefined {
    if (t.userAlign !== undefined) return t.userAlign;
    switch (t.kind) {
      case 'scalar':
        return this.abi.scalars[t.scalar].align;
      case 'pointer':
        return this.abi.pointerAlign;
      case 'function':
        return 1;
      case 'enum':
        this.onRead?.(t.def);
        return t.def.underlying ? this.abi.scalars[t.def.underlying].align : undefined;
      case 'record':
        return this.layout(t.def).align;
      case 'array':
        return this.alignOf(t.of);
      case 'unknown':
        return undefined;
    }
  }

  /** gcc's __alignof__: the preferred alignment, which differs from alignOf for 8-byte scalars on i386. */
  prefAlignOf(t: Type): number | undefined {
    if (t.userAlign !== undefined) return t.userAlign;
    if (t.kind === 'scalar') return this.abi.scalars[t.scalar].pref;
    if (t.kind === 'enum') {
      this.onRead?.(t.def);
      return t.def.underlying ? this.abi.scalars[t.def.underlying].pref : undefined;
    }
    if (t.kind === 'array') return this.prefAlignOf(t.of);
    return this.alignOf(t);
  }

  layout(def: RecordDef): RecordLayout {
    this.onRead?.(def);
    const cached = this.cache.get(def);
    if (cached) return cached;
    if (!def.members || def.beingDefined || this.inProgress.has(def)) {
      // Incomplete here: not cached, so a later definition is laid out when it arrives.
      return { size: undefined, align: undefined, fields: [] };
    }
    this.inProgress.add(def);
    const result = def.kind === 'union' ? this.layoutUnion(def, def.members) : this.layoutStruct(def, def.members);
    this.inProgress.delete(def);
    this.cache.set(def, result);
    return result;
  }

  /** Size, alignment and the problems that make them unknown, for a member's type. */
  private memberType(def: RecordDef, m: Member, isLast: boolean): { size: number | undefined; align: number | undefined; flexible: boolean } {
    const t = m.type;
    if (t.kind === 'array' && t.length === undefined && !t.lengthUnknown) {
      if (!isLast && def.kind === 'struct') {
        this.problems.error('flexible-array-not-last', `flexible array member '${m.name ?? ''}' is not at the end of the struct`, m.loc.file, m.loc.offset, m.loc.end);
      }
      return { size: 0, align: this.alignOf(t.of), flexible: true };
    }
    if (t.kind === 'record' && (!t.def.members || t.def.beingDefined)) {
      const what = `${t.def.kind} ${t.def.tag ?? '<anonymous>'}`;
      this.problems.error('incomplete-type', `member '${m.name ?? '<anonymous>'}' has incomplete type '${what}'`, m.loc.file, m.loc.offset, m.loc.end);
    } else if (t.kind === 'scalar' && t.scalar === 'void') {
      this.problems.error('incomplete-type', `member '${m.name ?? ''}' has type void`, m.loc.file, m.loc.offset, m.loc.end);
      return { size: undefined, align: undefined, flexible: false };
    } else if (t.kind === 'function') {
      this.problems.error('function-member', `member '${m.name ?? ''}' has function type (a pointer was probably meant)`, m.loc.file, m.loc.offset, m.loc.end);
      return { size: undefined, align: undefined, flexible: false };
    } else if (t.kind === 'array' && t.length !== undefined && this.sizeOf(t) === undefined && this.sizeOf(t.of) !== undefined) {
      this.problems.error('array-too-large', `array member '${m.name ?? ''}' is too large`, m.loc.file, m.loc.offset, m.loc.end);
    }
    return { size: this.sizeOf(t), align: this.alignOf(t), flexible: false };
  }

  private layoutStruct(def: RecordDef, members: Member[]): RecordLayout {
    const abi = this.abi;
    let bitpos: number | undefined = 0;
    let recordAlign: number | undefined = 1;
    const fields: FieldLayout[] = [];
    members.forEach((m, i) => {
      const { size, align: typeAlign, flexible } = this.memberType(def, m, i === members.length - 1);
      const packed = def.packed || m.packed;
      if (m.bitWidth !== undefined || m.bitWidthUnknown) {
        const w = m.bitWidth;
        if (w === undefined || size === undefined || typeAlign === undefined) {
          fields.push({ member: m, bitOffset: bitpos, bitSize: w, align: typeAlign });
          bitpos = undefined;
          if (typeAlign === undefined) recordAlign = undefined;
          return;
        }
        if (!abi.pccBitfieldTypeMatters) {
          // m68k: the type neither moves nor aligns the bitfield (below).
          const declAlign = this.nonPccBitfieldAlign(m, w, packed, bitpos === undefined ? undefined : lowestSetBit(bitpos));
          if (bitpos !== undefined && declAlign !== undefined) {
            const known = bitpos === 0 ? Math.max(abi.biggestAlignment * 8, (recordAlign ?? 1) * 8) : lowestSetBit(bitpos);
            if (known < declAlign) bitpos = roundUp(bitpos, declAlign);
          } else bitpos = undefined;
          fields.push({ member: m, bitOffset: bitpos, bitSize: w, align: declAlign === undefined ? undefined : Math.max(1, declAlign / 8) });
          if (bitpos !== undefined) bitpos += w;
          if (recordAlign !== undefined) recordAlign = declAlign === undefined ? undefined : Math.max(recordAlign, declAlign / 8);
          return;
        }
        const typeBits = size * 8;
        const alignBits = typeAlign * 8;
        if (w === 0) {
          // A zero-width bitfield is never packed: it moves the next field to its type's alignment.
          if (bitpos !== undefined) bitpos = roundUp(bitpos, alignBits);
          if (abi.alignAnonBitfield && recordAlign !== undefined) recordAlign = Math.max(recordAlign, typeAlign);
          fields.push({ member: m, bitOffset: bitpos, bitSize: 0, align: typeAlign });
          return;
        }
        if (bitpos !== undefined) {
          if (!packed) {
            // gcc: a bitfield may not span more alignment units of its type than the type itself has.
            const units = Math.floor(((bitpos % alignBits) + w + alignBits - 1) / alignBits);
            if (units > Math.floor(typeBits / alignBits)) bitpos = roundUp(bitpos, alignBits);
          }
          if (m.aligned !== undefined) bitpos = roundUp(bitpos, m.aligned * 8);
        }
        fields.push({ member: m, bitOffset: bitpos, bitSize: w, align: packed ? 1 : typeAlign });
        if (bitpos !== undefined) bitpos += w;
        if (recordAlign !== undefined) {
          if (m.name !== undefined || abi.alignAnonBitfield) recordAlign = Math.max(recordAlign, packed ? 1 : typeAlign);
          if (m.aligned !== undefined) recordAlign = Math.max(recordAlign, m.aligned);
        }
        return;
      }
      // Packing overrides alignment inherited from the type, but not alignment written on the member.
      const fieldAlign = typeAlign === undefined ? undefined : packed ? (m.aligned ?? 1) : Math.max(typeAlign, m.aligned ?? 1);
      if (bitpos !== undefined && fieldAlign !== undefined) bitpos = roundUp(bitpos, fieldAlign * 8);
      else bitpos = undefined;
      fields.push({ member: m, bitOffset: bitpos, bitSize: size === undefined ? undefined : flexible ? 0 : size * 8, align: fieldAlign });
      if (bitpos !== undefined && size !== undefined) bitpos += size * 8;
      else bitpos = undefined;
      if (recordAlign !== undefined) recordAlign = fieldAlign === undefined ? undefined : Math.max(recordAlign, fieldAlign);
    });
    return this.finish(def, bitpos, recordAlign, fields);
  }

  private layoutUnion(def: RecordDef, members: Member[]): RecordLayout {
    const abi = this.abi;
    let maxBits: number | undefined = 0;
    let recordAlign: number | undefined = 1;
    const fields: FieldLayout[] = [];
    for (const m of members) {
      const { size, align: typeAlign, flexible } = this.memberType(def, m, true);
      const packed = def.packed || m.packed;
      if (m.bitWidth !== undefined || m.bitWidthUnknown) {
        const w = m.bitWidth;
        fields.push({ member: m, bitOffset: 0, bitSize: w, align: typeAlign });
        if (w === undefined || typeAlign === undefined) {
          maxBits = undefined;
          if (typeAlign === undefined) recordAlign = undefined;
          continue;
        }
        if (maxBits !== undefined) maxBits = Math.max(maxBits, roundUp(w, 8));
        if (!abi.pccBitfieldTypeMatters) {
          // A union member is laid out as if at a position aligned to anything (gcc's known_align 0).
          const declAlign = this.nonPccBitfieldAlign(m, w, packed, 0);
          fields[fields.length - 1].align = declAlign === undefined ? undefined : Math.max(1, declAlign / 8);
          if (recordAlign !== undefined) recordAlign = declAlign === undefined ? undefined : Math.max(recordAlign, declAlign / 8);
          continue;
        }
        if (recordAlign !== undefined && (m.name !== undefined || abi.alignAnonBitfield)) {
          recordAlign = Math.max(recordAlign, packed && w !== 0 ? 1 : typeAlign);
        }
        if (recordAlign !== undefined && m.aligned !== undefined) recordAlign = Math.max(recordAlign, m.aligned);
        continue;
      }
      const fieldAlign = typeAlign === undefined ? undefined : packed ? (m.aligned ?? 1) : Math.max(typeAlign, m.aligned ?? 1);
      const bits = size === undefined ? undefined : flexible ? 0 : size * 8;
      fields.push({ member: m, bitOffset: 0, bitSize: bits, align: fieldAlign });
      maxBits = maxBits === undefined || bits === undefined ? undefined : Math.max(maxBits, bits);
      recordAlign = recordAlign === undefined || fieldAlign === undefined ? undefined : Math.max(recordAlign, fieldAlign);
    }
    return this.finish(def, maxBits, recordAlign, fields);
  }

  /**
   * The alignment in bits gcc gives a bitfield where PCC_BITFIELD_TYPE_MATTERS is 0 (layout_decl): a zero-width
   * one EMPTY_FIELD_BOUNDARY (or its own `aligned`); otherwise only its `aligned`, except that a width of
   * exactly 8, 16, 32 or 64 bits at a position already aligned for that integer mode (`knownAlign` bits: the
   * lowest set bit of the position; 0 for the start, where any alignment is possible) becomes an ordinary
   * field of that mode and takes the mode's alignment (its size, at most BIGGEST_ALIGNMENT), unless packed;
   * packing (without `aligned` on the member) caps it at a byte. Undefined when the position is unknown.
   */
  private nonPccBitfieldAlign(m: Member, w: number, packed: boolean, knownAlign: number | undefined): number | undefined {
    const user = m.aligned === undefined ? 1 : m.aligned * 8;
    if (w === 0) return Math.max(this.abi.emptyFieldBoundary * 8, user);
    if (knownAlign === undefined) return undefined;
    let align = user;
    if (w === 8 || w === 16 || w === 32 || w === 64) {
      const modeAlign = Math.min(w, this.abi.biggestAlignment * 8);
      if (!(modeAlign > 8 && packed) && (knownAlign === 0 || knownAlign >= modeAlign)) align = Math.max(align, modeAlign);
    }
    if (packed && m.aligned === undefined) align = Math.min(align, 8);
    return align;
  }

  private finish(def: RecordDef, bits: number | undefined, recordAlign: number | undefined, fields: FieldLayout[]): RecordLayout {
    if (recordAlign !== undefined && def.aligned !== undefined) recordAlign = Math.max(recordAlign, def.aligned);
    let size: number | undefined;
    if (bits !== undefined && recordAlign !== undefined) {
      size = roundUp(bits, recordAlign * 8) / 8;
      if (size > MAX_OBJECT_BYTES) {
        this.problems.error('size-overflow', `${def.kind} ${def.tag ?? '<anonymous>'} is too large`, def.loc.file, def.loc.offset, def.loc.end);
        size = undefined;
      }
    }
    return { size, align: recordAlign, fields };
  }

  /** Every named member reachable from `def` (through anonymous members), in declaration order, with absolute positions. */
  flatten(def: RecordDef): FlatMember[] {
    const out: FlatMember[] = [];
    const walk = (d: RecordDef, base: number | undefined, via: Member[]) => {
      for (const f of this.layout(d).fields) {
        const m = f.member;
        const abs = base === undefined || f.bitOffset === undefined ? undefined : base + f.bitOffset;
        if (m.anonymous && m.type.kind === 'record') {
          walk(m.type.def, abs, [...via, m]);
          continue;
        }
        if (m.name === undefined) continue;
        out.push({
          name: m.name,
          member: m,
          via,
          bitOffset: abs,
          bitSize: f.bitSize,
          size: m.type.kind === 'array' && m.type.length === undefined && !m.type.lengthUnknown ? 0 : this.sizeOf(m.type),
          align: f.align,
          isBitfield: m.bitWidth !== undefined,
        });
      }
    };
    walk(def, 0, []);
    return out;
  }

  /** The member `name` as `offsetof(def, name)` resolves it, or undefined. */
  findMember(def: RecordDef, name: string): FlatMember | undefined {
    for (const fm of this.flatten(def)) if (fm.name === name) return fm;
    return undefined;
  }
}
