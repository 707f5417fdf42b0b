// Record layout as gcc lays out C structs and unions on Linux targets (SysV-style; PCC_BITFIELD_TYPE_MATTERS
// everywhere but m68k).

import { Abi } from '../base/abi';
import { Problems } from '../base/problems';
import { EnumDef, isInteger, Member, RecordDef, scalar as scalarOf, Type, VectorType } from './types';

export interface FieldLayout {
  member: Member;
  /** Bit offset from the start of the record that directly contains the member; undefined when unknown. */
  bitOffset: number | undefined;
  /** Bits occupied: the width for bitfields, size * 8 otherwise (0 for flexible arrays); undefined when unknown. */
  bitSize: number | undefined;
  /** Alignment the member received in this record, in bytes; undefined when unknown. */
  align: number | undefined;
  /**
   * The member's alignment was set by the user (gcc's DECL_USER_ALIGN: its own `aligned` or `_Alignas`, or its
   * type's when that decided); gcc then records `alignAttr` in the debug information (DW_AT_alignment).
   */
  userAligned?: boolean;
  /** gcc's DECL_ALIGN in bytes where it is not the field's `align`: a bitfield's own or its integer mode's. */
  alignAttr?: number;
  /** False for a bitfield whose own `aligned` gcc dropped when it laid the field out again (see layoutStruct). */
  declUserAligned?: boolean;
  /** A bitfield that gcc gave an integer mode where it first laid it out (no longer DECL_BIT_FIELD; its DECL_MODE). */
  intMode?: boolean;
}

export interface RecordLayout {
  size: number | undefined;
  align: number | undefined;
  /**
   * gcc's TYPE_USER_ALIGN: an `aligned` attribute or `_Alignas` on the record, on a member, or on a member's type
   * decided the alignment, so C11 `_Alignof` answers it whole (otherwise it caps it at __BIGGEST_ALIGNMENT__).
   */
  userAligned: boolean;
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

/** A record's flattened members, an index by name (the first of each), and the records and enums read to make them. */
interface FlatIndex {
  members: FlatMember[];
  byName: Map<string, FlatMember>;
  reads: Set<RecordDef | EnumDef>;
  /** Members whose size was unknown (an incomplete type may be completed later). */
  unsized: number[];
}

/** Each name's first member, as a lookup in declaration order finds it. */
function byFirstName(members: FlatMember[]): Map<string, FlatMember> {
  const byName = new Map<string, FlatMember>();
  for (const fm of members) if (!byName.has(fm.name)) byName.set(fm.name, fm);
  return byName;
}

/** A machine mode's class and alignment (bytes), as far as the ABI rules need them. */
interface Mode {
  cls: 'int' | 'DF' | 'DC' | 'cint' | 'other' | 'blk';
  align?: number;
  /** BLKmode only because a strict-alignment target found it under-aligned (TYPE_NO_FORCE_BLK): it does not force its container to BLKmode. */
  noForceBlk?: boolean;
}
const BLK: Mode = { cls: 'blk' };

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
      case 'complex':
        return 2 * this.abi.scalars[t.of].size;
      case 'vector':
        return t.bytes;
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
      case 'complex':
        return this.abi.scalars[t.of].align;
      case 'vector':
        return this.capFieldAlign(t, this.vectorAlign(t));
      case 'pointer':
        return this.abi.pointerAlign;
      case 'function':
        return 1;
      case 'enum':
        this.onRead?.(t.def);
        return t.def.underlying ? this.abi.scalars[t.def.underlying].align : undefined;
      case 'record': {
        const a = this.layout(t.def).align;
        return a === undefined ? undefined : this.capFieldAlign(t, a);
      }
      case 'array':
        return this.alignOf(t.of);
      case 'unknown':
        return undefined;
    }
  }

  /** The target's cap on the alignment of a field of this type, by its machine mode (i386: see Abi.fieldModeAlignCap). */
  private capFieldAlign(t: Type, align: number): number {
    const cap = this.abi.fieldModeAlignCap;
    if (cap === undefined || align <= cap || this.isUserAligned(t)) return align;
    const mode = this.modeOf(t).cls;
    return mode === 'int' || mode === 'DF' || mode === 'DC' || mode === 'cint' ? cap : align;
  }

  /**
   * gcc's machine mode for a type (TYPE_MODE), as far as the ABI rules need it (its class and alignment), for the
   * targets that need it, which have no vector unit by default (i386, arm, riscv64): integer vectors take the
   * integer mode of their size where there is one, other vectors BLKmode; arrays and records take an integer
   * mode of their size (1, 2, 4, 8 bytes, 16 with TImode) unless a member is BLKmode, or a member covering the
   * whole record gives it its own mode (compute_record_mode).
   */
  private modeOf(t: Type, depth = 0): Mode {
    const sc = this.abi.scalars;
    switch (t.kind) {
      case 'scalar':
        if (t.scalar === 'void') return BLK;
        return { cls: t.scalar === 'double' ? 'DF' : isInteger(t) ? 'int' : 'other', align: sc[t.scalar].pref };
      case 'complex':
        return { cls: t.of === 'double' ? 'DC' : isInteger(scalarOf(t.of)) ? 'cint' : 'other', align: sc[t.of].pref };
      case 'pointer':
        return { cls: 'int', align: this.abi.pointerSize };
      case 'enum':
        return t.def.underlying ? { cls: 'int', align: sc[t.def.underlying].pref } : BLK;
      case 'vector':
        return isInteger(t.of) && t.bytes <= this.abi.vectorIntModeBytes ? this.intMode(t.bytes, true) : BLK;
      case 'array': {
        // layout_type: BLKmode elements force BLKmode; one element gives its mode, more an integer mode of the size.
        if (depth > 64) return BLK;
        const el = this.modeOf(t.of, depth + 1);
        if (el.cls === 'blk' && !el.noForceBlk) return BLK;
        const mode = t.length === 1 ? (el.cls === 'blk' ? BLK : el) : this.intMode(this.sizeOf(t));
        return this.strictBlk(mode, this.prefAlignOf(t.of) ?? 1);
      }
      case 'record': {
        const l = this.layout(t.def);
        if (l.size === undefined || l.align === undefined || depth > 64) return BLK;
        return this.recordMode(t.def, l.fields, l.size, l.align, depth);
      }
      default:
        return BLK;
    }
  }

  private recordMode(def: RecordDef, fields: FieldLayout[], size: number, align: number, depth: number): Mode {
    let cover: Mode | undefined;
    for (const f of fields) {
      const m = f.member;
      // The first member covering the whole record gives its mode (later ones have no greater precision).
      if (m.bitWidth !== undefined) {
        // (DECL_MODE: the integer mode gcc gave the bitfield, else its type's, which is kept only where it has the
        // record's size: otherwise the record gets the integer mode of its size.)
        if (m.bitWidth === size * 8 && m.bitWidth > 0 && cover === undefined) cover = f.intMode || this.sizeOf(m.type) !== size ? this.intMode(size) : this.modeOf(m.type, depth + 1);
        continue;
      }
      const fs = this.sizeOf(m.type);
      if (fs === 0) continue;
      const mc = this.modeOf(m.type, depth + 1);
      if (mc.cls === 'blk' && !mc.noForceBlk) return BLK;
      if (fs === size && mc.cls !== 'blk' && cover === undefined) cover = mc;
    }
    const mode = cover !== undefined && (def.kind === 'struct' || cover.cls === 'int') ? cover : this.intMode(size);
    return this.strictBlk(mode, align);
  }

  /** A strict-alignment target keeps BLKmode (TYPE_NO_FORCE_BLK) for a type less aligned than its mode would need. */
  private strictBlk(mode: Mode, align: number): Mode {
    if (mode.cls !== 'blk' && this.abi.strictAlignment && align < this.abi.biggestAlignment && align < (mode.align ?? 0)) return { cls: 'blk', noForceBlk: true };
    return mode;
  }

  /**
   * The integer mode of a size (TImode where the target has __int128, or for vectors where it has the registers,
   * OImode for vectors where it has those; without __int128 these are aligned to __BIGGEST_ALIGNMENT__ at most:
   * arm's TImode to 8, which decides whether a 16-aligned record keeps its user-alignment flag).
   */
  private intMode(bytes: number | undefined, vector = false): Mode {
    // A vector takes any integer mode the target has registers for; a record or array one up to MAX_FIXED_MODE_SIZE.
    if (bytes === 16 && (vector ? this.abi.hasInt128 || this.abi.vectorIntModeBytes >= 16 : this.abi.maxFixedModeBytes >= 16)) return { cls: 'int', align: this.abi.hasInt128 ? this.abi.scalars.int128.pref : Math.min(16, this.abi.biggestAlignment) };
    // OImode, for vectors only (sparc64, parisc, parisc64).
    if (bytes === 32 && vector && this.abi.vectorIntModeBytes >= 32) return { cls: 'int', align: Math.min(32, this.abi.biggestAlignment) };
    const k = bytes === 1 ? 'schar' : bytes === 2 ? 'short' : bytes === 4 ? 'int' : bytes === 8 ? 'llong' : undefined;
    return k === undefined ? BLK : { cls: 'int', align: this.abi.scalars[k].pref };
  }

  /**
   * The alignment (bytes) a bitfield of `width` bits at bit `pos` gets because gcc gives it an integer mode of
   * that width (8, 16, 32, 64, and 128 where the target has TImode), which it does only where `pos` is already
   * aligned for that mode (any position in a union, and offset 0); undefined otherwise.
   */
  private bitfieldModeAlign(width: number, pos: number, userAligned: boolean): number | undefined {
    const k = width === 8 ? 'schar' : width === 16 ? 'short' : width === 32 ? 'int' : width === 64 ? 'llong' : width === 128 && this.abi.hasInt128 && this.abi.maxFixedModeBytes >= 16 ? 'int128' : undefined;
    if (k === undefined) return undefined;
    // The mode's own alignment decides (i386: 8 for DImode); the field then gets it lowered the way the target
    // lowers fields (x86_field_alignment: 4), unless an aligned attribute is on the bitfield.
    const info = this.abi.scalars[k];
    const known = pos === 0 ? Infinity : pos & -pos;
    if (known < info.pref * 8) return undefined;
    return userAligned ? info.pref : info.align;
  }

  /** A vector's own alignment (TYPE_ALIGN): its size, capped where the target caps it. */
  private vectorAlign(t: VectorType): number {
    return Math.min(t.bytes, this.abi.vectorAlignCap ?? t.bytes);
  }

  /** gcc's __alignof__: the preferred alignment, which differs from alignOf for 8-byte scalars on i386. */
  prefAlignOf(t: Type): number | undefined {
    if (t.userAlign !== undefined) return t.userAlign;
    if (t.kind === 'scalar') return this.abi.scalars[t.scalar].pref;
    if (t.kind === 'complex') return this.abi.scalars[t.of].pref;
    if (t.kind === 'vector') return this.vectorAlign(t);
    if (t.kind === 'enum') {
      this.onRead?.(t.def);
      return t.def.underlying ? this.abi.scalars[t.def.underlying].pref : undefined;
    }
    if (t.kind === 'array') return this.prefAlignOf(t.of);
    // A record's TYPE_ALIGN, which the i386 field cap (alignOf) does not lower.
    if (t.kind === 'record') return this.layout(t.def).align;
    return this.alignOf(t);
  }

  /**
   * C11 `_Alignof` (gcc's min_align_of_type): the alignment inside records, capped at __BIGGEST_ALIGNMENT__ unless
   * an `aligned` attribute or `_Alignas` decided it (a 32-byte vector on x86_64: 16; its __alignof__ is 32).
   */
  c11AlignOf(t: Type): number | undefined {
    const a = this.alignOf(t);
    if (a === undefined || this.isUserAligned(t)) return a;
    return Math.min(a, this.abi.biggestAlignment);
  }

  /** Whether the alignment of `t` was set by the user (gcc's TYPE_USER_ALIGN). */
  isUserAligned(t: Type): boolean {
    if (t.userAlign !== undefined) return true;
    if (t.kind === 'array') {
      if (!this.isUserAligned(t.of)) return false;
      // finalize_type_size on a strict-alignment target: an array given a scalar mode takes its alignment and
      // loses the flag.
      if (!this.abi.strictAlignment) return true;
      const mode = this.modeOf(t);
      return mode.cls === 'blk' || (mode.align ?? 0) < (this.prefAlignOf(t.of) ?? 1);
    }
    if (t.kind === 'record') return this.layout(t.def).userAligned;
    return false;
  }

  layout(def: RecordDef): RecordLayout {
    this.onRead?.(def);
    const cached = this.cache.get(def);
    if (cached) return cached;
    if (!def.members || def.beingDefined || this.inProgress.has(def)) {
      // Incomplete here: not cached, so a later definition is laid out when it arrives.
      return { size: undefined, align: undefined, userAligned: false, fields: [] };
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
          const start = bitpos;
          const declAlign = this.nonPccBitfieldAlign(m, w, packed, bitpos === undefined ? undefined : lowestSetBit(bitpos));
          if (bitpos !== undefined && declAlign !== undefined) {
            const known = bitpos === 0 ? Math.max(abi.biggestAlignment * 8, (recordAlign ?? 1) * 8) : lowestSetBit(bitpos);
            if (known < declAlign) bitpos = roundUp(bitpos, declAlign);
          } else bitpos = undefined;
          // DECL_ALIGN, which the debug information records: the attribute's or the mode's; and where the field
          // moved, gcc lays it out again at its final position: one given its integer mode at the first layout is
          // then an ordinary field and takes its type's alignment where larger (and the type's user flag), one
          // still a bitfield may get the mode there.
          let alignAttr = declAlign === undefined ? undefined : Math.max(1, declAlign / 8);
          let declUserAligned = m.aligned !== undefined;
          if (start !== undefined && bitpos !== undefined && start !== bitpos && declAlign !== undefined && lowestSetBit(start) !== lowestSetBit(bitpos)) {
            const modeAlign = Math.min(w, abi.biggestAlignment * 8);
            const startAlign = lowestSetBit(start);
            const moded = (w === 8 || w === 16 || w === 32 || w === 64) && !(modeAlign > 8 && packed) && (startAlign === 0 || startAlign >= modeAlign);
            const typeAlignTrue = this.prefAlignOf(m.type) ?? 0;
            if (moded) {
              if (typeAlignTrue > alignAttr! && !(packed && m.aligned !== undefined)) {
                alignAttr = packed ? 1 : typeAlignTrue;
                declUserAligned = this.isUserAligned(m.type);
              }
            } else {
              const atFinal = this.nonPccBitfieldAlign(m, w, packed, lowestSetBit(bitpos));
              if (atFinal !== undefined) alignAttr = Math.max(alignAttr!, atFinal / 8);
            }
          }
          fields.push({ member: m, bitOffset: bitpos, bitSize: w, align: declAlign === undefined ? undefined : Math.max(1, declAlign / 8), ...(alignAttr === undefined ? {} : { alignAttr }), ...(declUserAligned ? {} : { declUserAligned }) });
          if (bitpos !== undefined) bitpos += w;
          if (recordAlign !== undefined) recordAlign = declAlign === undefined ? undefined : Math.max(recordAlign, declAlign / 8);
          return;
        }
        const typeBits = size * 8;
        const alignBits = typeAlign * 8;
        if (w === 0) {
          // A zero-width bitfield is never packed: it moves the next field to its type's alignment, or to its
          // own `aligned(N)` when larger.
          const zeroAlign = Math.max(typeAlign, m.aligned ?? 1);
          if (bitpos !== undefined) bitpos = roundUp(bitpos, zeroAlign * 8);
          if (abi.alignAnonBitfield && recordAlign !== undefined) recordAlign = Math.max(recordAlign, zeroAlign);
          fields.push({ member: m, bitOffset: bitpos, bitSize: 0, align: zeroAlign });
          return;
        }
        // gcc's layout_decl: a bitfield as wide as an integer mode, at a position aligned for that mode, becomes an
        // ordinary field of that mode (it then needs the mode's alignment and skips the rule below).
        const start = bitpos;
        const modeAlign = bitpos === undefined || (packed && w > 8) ? undefined : this.bitfieldModeAlign(w, bitpos, m.aligned !== undefined);
        const declAlign = Math.max(m.aligned ?? 0, modeAlign ?? 0);
        if (bitpos !== undefined) {
          // gcc keeps the position as a byte offset, a multiple of the record's offset alignment, plus a bit
          // position below it (normalized between fields only). Aligning the field moves the bit position (or,
          // for an alignment at least the offset alignment, the offset); a bitfield that then spans more
          // alignment units of its type than the type has moves its bit position to the type's next boundary.
          const offsetAlign = Math.max(def.aligned ?? 1, abi.biggestAlignment) * 8;
          let base = bitpos - (bitpos % offsetAlign);
          let rel = bitpos % offsetAlign;
          if (declAlign) {
            if (declAlign * 8 < offsetAlign) rel = roundUp(rel, declAlign * 8);
            else {
              base = roundUp(bitpos, declAlign * 8);
              rel = 0;
            }
          }
          if (!packed && modeAlign === undefined) {
            const units = Math.floor((((base + rel) % alignBits) + w + alignBits - 1) / alignBits);
            if (units > Math.floor(typeBits / alignBits)) rel = roundUp(rel, alignBits);
          }
          bitpos = base + rel;
        }
        // gcc lays the field out again at its final position, where it may now get its integer mode: that
        // changes only its DECL_ALIGN (what the debug information records).
        const finalMode = modeAlign ?? (bitpos === undefined || (packed && w > 8) ? undefined : this.bitfieldModeAlign(w, bitpos, m.aligned !== undefined));
        let alignAttr = Math.max(m.aligned ?? 0, finalMode ?? 0);
        let declUserAligned = m.aligned !== undefined;
        if (modeAlign !== undefined && start !== undefined && bitpos !== undefined && recordAlign !== undefined) {
          // Given its mode at the first layout, then moved: laid out again as an ordinary field, it takes its
          // type's alignment where larger (and the type's user-alignment flag with it).
          const known = (p: number) => (p === 0 ? Math.max(abi.biggestAlignment, recordAlign!, declAlign) * 8 : p & -p);
          const typeAlignTrue = this.prefAlignOf(m.type) ?? 0;
          // (A packed field with its own aligned is left alone; a packed one without drops to one byte.)
          if (known(start) !== known(bitpos) && typeAlignTrue > alignAttr && !(packed && m.aligned !== undefined)) {
            alignAttr = packed ? 1 : typeAlignTrue;
            declUserAligned = this.isUserAligned(m.type);
          }
        }
        fields.push({ member: m, bitOffset: bitpos, bitSize: w, align: packed ? 1 : typeAlign, ...(alignAttr ? { alignAttr } : {}), ...(declUserAligned ? {} : { declUserAligned }), ...(modeAlign !== undefined ? { intMode: true } : {}) });
        if (bitpos !== undefined) bitpos += w;
        // The record takes the type's alignment (and the field's own) from named bitfields only, except on ARM.
        if (recordAlign !== undefined && (m.name !== undefined || abi.alignAnonBitfield)) recordAlign = Math.max(recordAlign, packed ? 1 : typeAlign, declAlign);
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
        const field: FieldLayout = { member: m, bitOffset: 0, bitSize: w, align: typeAlign };
        fields.push(field);
        if (w === undefined || typeAlign === undefined) {
          maxBits = undefined;
          if (typeAlign === undefined) recordAlign = undefined;
          continue;
        }
        if (maxBits !== undefined) maxBits = Math.max(maxBits, roundUp(w, 8));
        if (!abi.pccBitfieldTypeMatters) {
          // A union member is laid out as if at a position aligned to anything (gcc's known_align 0).
          const declAlign = this.nonPccBitfieldAlign(m, w, packed, 0);
          field.align = declAlign === undefined ? undefined : Math.max(1, declAlign / 8);
          if (declAlign !== undefined) field.alignAttr = Math.max(1, declAlign / 8);
          if (recordAlign !== undefined) recordAlign = declAlign === undefined ? undefined : Math.max(recordAlign, declAlign / 8);
          continue;
        }
        // Every union member is at offset 0, where an integer-mode-wide bitfield always gets its mode (as above).
        const modeAlign = w === 0 || (packed && w > 8) ? undefined : this.bitfieldModeAlign(w, 0, m.aligned !== undefined);
        const declAlign = Math.max(m.aligned ?? 0, modeAlign ?? 0, w === 0 ? typeAlign : 0);
        if (declAlign) field.alignAttr = declAlign;
        if (modeAlign !== undefined) field.intMode = true;
        if (recordAlign !== undefined && (m.name !== undefined || abi.alignAnonBitfield)) {
          recordAlign = Math.max(recordAlign, packed && w !== 0 ? 1 : typeAlign, declAlign);
        }
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
    let userAligned = def.aligned !== undefined;
    for (const f of fields) {
      const m = f.member;
      if (this.fieldMakesRecordUserAligned(def, m, def.packed || m.packed, f.intMode)) userAligned = true;
      // DECL_USER_ALIGN: a bitfield's own attribute only; any other field's as fieldMakesRecordUserAligned says.
      if (m.bitWidth !== undefined && m.bitWidth > 0 ? m.aligned === undefined || f.declUserAligned === false : !this.fieldMakesRecordUserAligned(def, m, def.packed || m.packed)) continue;
      f.userAligned = true;
      // DECL_ALIGN: the field's alignment; a bitfield's is its own attribute's (or its mode's, if larger).
      f.alignAttr = m.bitWidth !== undefined ? (f.alignAttr ?? m.aligned) : f.align;
    }
    // finalize_type_size on a strict-alignment target: a record given a scalar mode takes that mode's alignment
    // and loses its user-alignment flag (arm, riscv64: `struct { char c; } __attribute__((aligned(8)))`).
    if (userAligned && this.abi.strictAlignment && size !== undefined && recordAlign !== undefined) {
      const mode = this.recordMode(def, fields, size, recordAlign, 0);
      if (mode.cls !== 'blk' && (mode.align ?? 0) >= recordAlign) userAligned = false;
    }
    return { size, align: recordAlign, userAligned, fields };
  }

  /**
   * Whether a member makes its record user-aligned (gcc's DECL_USER_ALIGN, or a bitfield type's TYPE_USER_ALIGN,
   * passed on to the record): an `aligned` attribute counts unless the type's own alignment is larger, in which
   * case the type's flag replaces it (do_type_align).
   */
  private fieldMakesRecordUserAligned(def: RecordDef, m: Member, packed: boolean, intMode = false): boolean {
    const typeUser = this.isUserAligned(m.type);
    const typeAlign = this.prefAlignOf(m.type);
    // A bitfield passes its type's flag on where it counts for the record's alignment, and (structs only, in
    // gcc's check of bitfields spanning units, which skips one given an integer mode) wherever it is not packed.
    // Without PCC_BITFIELD_TYPE_MATTERS (m68k) a bitfield's type passes nothing on: only its own attribute.
    // A zero-width one raised to EMPTY_FIELD_BOUNDARY loses even that (layout_decl).
    if (m.bitWidth !== undefined && !this.abi.pccBitfieldTypeMatters) return m.aligned !== undefined && (m.bitWidth > 0 || m.aligned >= this.abi.emptyFieldBoundary);
    if (m.bitWidth !== undefined && m.bitWidth > 0) return m.aligned !== undefined || (typeUser && (m.name !== undefined || this.abi.alignAnonBitfield || (!packed && !intMode && def.kind === 'struct')));
    if (m.bitWidth === undefined && packed && m.aligned !== undefined) return true;
    if (m.aligned !== undefined && typeAlign !== undefined && m.aligned >= typeAlign) return true;
    return typeUser;
  }

  /** Every named member reachable from `def` (through anonymous members), in declaration order, with absolute positions. */
  flatten(def: RecordDef): readonly FlatMember[] {
    return this.flatIndex(def).members;
  }

  /** The member `name` as `offsetof(def, name)` resolves it, or undefined. */
  findMember(def: RecordDef, name: string): FlatMember | undefined {
    return this.flatIndex(def).byName.get(name);
  }

  private flatCache = new Map<RecordDef, FlatIndex>();

  /**
   * The flattened members of `def` and an index by name, kept once the records in them are laid out. Each offsetof
   * walked the whole record before: an assertion per member of a large record was quadratic (a fuzz input whose
   * include cycle repeated a struct body 200 times spent 0.8 s there).
   */
  private flatIndex(def: RecordDef): FlatIndex {
    const hit = this.flatCache.get(def);
    if (hit) {
      // What a walk would have told the parser it read (a declaration's dependencies).
      if (this.onRead) for (const d of hit.reads) this.onRead(d);
      if (hit.unsized.length) this.sizeAgain(hit);
      return hit;
    }
    const reads = new Set<RecordDef | EnumDef>();
    const outer = this.onRead;
    this.onRead = (d) => {
      reads.add(d);
      outer?.(d);
    };
    const members: FlatMember[] = [];
    let settled: boolean;
    try {
      settled = this.walkFlat(def, 0, [], members);
    } finally {
      this.onRead = outer;
    }
    const index: FlatIndex = { members, byName: byFirstName(members), reads, unsized: [] };
    members.forEach((fm, i) => fm.size === undefined && index.unsized.push(i));
    // Kept only when every record walked was laid out (a cached layout never changes). A member whose type is still
    // incomplete may be completed later in the same parse: its size is asked again on each use.
    if (settled) this.flatCache.set(def, index);
    return index;
  }

  /** Sizes unknown when `index` was made, asked again; a size now known gives new member objects, never edits old ones. */
  private sizeAgain(index: FlatIndex): void {
    const still: number[] = [];
    let members: FlatMember[] | undefined;
    for (const i of index.unsized) {
      const fm = index.members[i];
      const size = this.memberSize(fm.member);
      if (size === undefined) still.push(i);
      else (members ??= [...index.members])[i] = { ...fm, size };
    }
    if (!members) return;
    index.members = members;
    index.byName = byFirstName(members);
    index.unsized = still;
  }

  /** Size of a member's type as flatten reports it: a flexible array member has 0. */
  private memberSize(m: Member): number | undefined {
    return m.type.kind === 'array' && m.type.length === undefined && !m.type.lengthUnknown ? 0 : this.sizeOf(m.type);
  }

  /** Appends the named members of `d` to `out`; whether every record walked had a (cached) layout. */
  private walkFlat(d: RecordDef, base: number | undefined, via: Member[], out: FlatMember[]): boolean {
    const fields = this.layout(d).fields;
    let settled = this.cache.has(d);
    for (const f of fields) {
      const m = f.member;
      const abs = base === undefined || f.bitOffset === undefined ? undefined : base + f.bitOffset;
      if (m.anonymous && m.type.kind === 'record') {
        settled = this.walkFlat(m.type.def, abs, [...via, m], out) && settled;
        continue;
      }
      if (m.name === undefined) continue;
      out.push({ name: m.name, member: m, via, bitOffset: abs, bitSize: f.bitSize, size: this.memberSize(m), align: f.align, isBitfield: m.bitWidth !== undefined });
    }
    return settled;
  }
}
