// pahole's text format (dwarves 1.24, `pahole FILE.o`) for our layouts: each struct or union block as pahole
// prints it from gcc's DWARF — members as gcc's debug information names their types, bitfields as their storage
// unit and the bit within it, holes, bit holes, paddings, cacheline boundaries, nested anonymous and inline
// structs and unions, the attributes pahole infers (packed, aligned) and the summary lines. The rules are
// pahole's (class__find_holes, class__infer_packed_attributes, __class__fprintf), reproduced from its output,
// including its quirks, so that a block is byte-identical to what pahole prints for the same struct.

import { Abi, ScalarKind } from '../base/abi';
import { Layouter } from '../sema/layout';
import { EnumDef, Member, QUAL_CONST, QUAL_VOLATILE, RecordDef, Type } from '../sema/types';

const CACHELINE = 64;
const TABS = '\t'.repeat(15);
const TYPE_SPACING = 26;
const NAME_SPACING = 23;
const UNION_NAME_SPACING = 21;
const PACKED = ' __attribute__((__packed__))';

/** The names gcc gives base types in its debug information. */
const DWARF_SCALAR: Record<ScalarKind, string> = {
  void: 'void', bool: '_Bool', char: 'char', schar: 'signed char', uchar: 'unsigned char', short: 'short int',
  ushort: 'short unsigned int', int: 'int', uint: 'unsigned int', long: 'long int', ulong: 'long unsigned int',
  llong: 'long long int', ullong: 'long long unsigned int', int128: '__int128', uint128: '__int128 unsigned',
  float: 'float', double: 'double', ldouble: 'long double', float16: '_Float16', float128: '_Float128',
};

/** A member as pahole knows it from DWARF (unnamed bitfields have no DIE; anonymous structs and unions do). */
interface PMember {
  member: Member;
  name: string | undefined;
  type: Type;
  /** Offsets within the record that directly holds the member. */
  byteOffset: number;
  bitOffset: number;
  bitfieldSize: number;
  bitfieldOffset: number;
  byteSize: number;
  /** For bitfields, the bits of the storage unit (the integral type); otherwise byteSize * 8. */
  bitSize: number;
  /** DW_AT_alignment: the member's alignment where the user set it; 0 otherwise. */
  alignment: number;
  hole: number;
  bitHole: number;
}

/** A struct or union as pahole knows it, with what class__find_holes and the packed inference computed. */
interface PClass {
  def: RecordDef;
  size: number;
  /** DW_AT_alignment of the record: its alignment where the user set it; 0 otherwise. */
  alignment: number;
  members: PMember[];
  padding: number;
  bitPadding: number;
  nrHoles: number;
  nrBitHoles: number;
  preHole: number;
  preBitHole: number;
  isPacked: boolean;
  packedInferred: boolean;
}

/** What one member or block is printed with (pahole's conf_fprintf). */
interface Conf {
  indent: number;
  typeSpacing: number;
  nameSpacing: number;
  baseOffset: number;
  /** The cacheline last announced (shared by a struct and what it prints inline). */
  cacheline: { n: number };
  /** Inline records print no summary. */
  emitStats: boolean;
  lastMember: boolean;
  firstMember: boolean;
  unionMember: boolean;
}

/** Prints records as pahole does; one instance per output, since pahole's packed inference carries over. */
export class PaholePrinter {
  private readonly classes = new Map<RecordDef, PClass | null>();

  constructor(
    private readonly lay: Layouter,
    private readonly abi: Abi = lay.abi,
  ) {}

  /**
   * The block pahole prints for a struct or union (`pahole FILE.o`; a typedef'd anonymous one as `pahole -C NAME`
   * prints it: `typedef struct { ... } NAME;`), or undefined when its layout is not fully known.
   */
  record(def: RecordDef): string | undefined {
    const c = this.classOf(def);
    if (!c) return undefined;
    const typedef = def.tag === undefined ? def.typedefName : undefined;
    if (def.tag === undefined && typedef === undefined) return undefined;
    const union = def.kind === 'union' && typedef === undefined;
    const conf: Conf = { indent: 0, typeSpacing: TYPE_SPACING, nameSpacing: union ? UNION_NAME_SPACING : NAME_SPACING, baseOffset: 0, cacheline: { n: 0 }, emitStats: true, lastMember: false, firstMember: false, unionMember: false };
    const text = def.kind === 'union' ? this.union(c, conf, typedef) : this.struct(c, conf, typedef);
    return `${typedef !== undefined ? 'typedef ' : ''}${text};`;
  }

  // ---- the DWARF view of a record ----

  private classOf(def: RecordDef): PClass | undefined {
    const cached = this.classes.get(def);
    if (cached !== undefined) return cached ?? undefined;
    const c = this.build(def);
    this.classes.set(def, c ?? null);
    return c;
  }

  private build(def: RecordDef): PClass | undefined {
    const lay = this.lay;
    const l = lay.layout(def);
    if (l.size === undefined || l.align === undefined) return undefined;
    const members: PMember[] = [];
    for (const f of l.fields) {
      const m = f.member;
      // gcc describes no unnamed bitfield.
      if (m.bitWidth !== undefined && m.name === undefined) continue;
      if (f.bitOffset === undefined) return undefined;
      const t = m.type;
      let byteSize: number;
      let byteOffset: number;
      let bitfieldOffset = 0;
      let bitSize: number;
      if (m.bitWidth !== undefined) {
        const unit = this.unitBytes(t);
        if (unit === undefined) return undefined;
        byteSize = unit;
        bitSize = unit * 8;
        const place = def.kind === 'union' ? this.unionBitfieldPlace(m.bitWidth, t, f.alignAttr, unit) : placeBitfield(f.bitOffset, undefined, unit);
        if (place === undefined) return undefined;
        byteOffset = place.byteOffset;
        bitfieldOffset = place.bitfieldOffset;
      } else {
        const size = this.tagSize(t);
        if (size === undefined) return undefined;
        byteSize = size;
        bitSize = size * 8;
        byteOffset = f.bitOffset / 8;
      }
      members.push({
        member: m,
        name: m.anonymous ? undefined : m.name,
        type: t,
        byteOffset,
        bitOffset: f.bitOffset,
        bitfieldSize: m.bitWidth ?? 0,
        bitfieldOffset,
        byteSize,
        bitSize,
        alignment: f.userAligned ? (f.alignAttr ?? 0) : 0,
        hole: 0,
        bitHole: 0,
      });
    }
    const c: PClass = { def, size: l.size, alignment: l.userAligned ? l.align : 0, members, padding: 0, bitPadding: 0, nrHoles: 0, nrBitHoles: 0, preHole: 0, preBitHole: 0, isPacked: false, packedInferred: false };
    if (def.kind === 'struct') this.findHoles(c);
    return c;
  }

  /**
   * Where pahole puts a bitfield of a union. gcc describes union bitfields the DWARF 2 way (DW_AT_bit_offset from
   * the top of a "containing object" it deduces, dwarf2out's field_byte_offset), which for a type aligned below
   * its size yields an object below the union; pahole's arithmetic on that (8-bit and unsigned 32-bit fields)
   * then gives what it prints.
   */
  private unionBitfieldPlace(width: number, t: Type, declAlign: number | undefined, unit: number): { byteOffset: number; bitfieldOffset: number } | undefined {
    // Without PCC_BITFIELD_TYPE_MATTERS (m68k) the containing object is the field's own byte position, 0.
    if (!this.lay.abi.pccBitfieldTypeMatters) return placeBitfield(undefined, 0, unit);
    const typeBits = (this.lay.sizeOf(t) ?? 0) * 8;
    const typeAlignBits = (this.lay.prefAlignOf(t) ?? 0) * 8;
    if (!typeBits || !typeAlignBits) return undefined;
    // round_up_to_align on two's complement values (negative ones round towards zero).
    const roundUp = (v: number, a: number) => Math.floor((v + a - 1) / a) * a;
    let object = roundUp(width - typeBits, typeAlignBits);
    // wi::gtu_p: an unsigned comparison with the bit position 0, true for any negative value.
    if (object !== 0) object = roundUp(width - typeBits, (declAlign ?? 0) * 8 || 1);
    // The bit offset from the object's low-order end (on either endianness, as pahole normalizes it).
    return placeBitfield(undefined, -Math.floor(object / 8) * 8, unit);
  }

  /**
   * dwarves' tag__size: the size of a type, except that a record of one byte and no member pahole can see
   * (only unnamed bitfields) counts as empty ("empty base optimization").
   */
  private tagSize(t: Type, depth = 0): number | undefined {
    if (t.kind === 'array') {
      if (t.length === undefined) return t.lengthUnknown ? undefined : 0;
      const el = depth > 64 ? undefined : this.tagSize(t.of, depth + 1);
      return el === undefined ? undefined : el * t.length;
    }
    if (t.kind === 'record') {
      const l = this.lay.layout(t.def);
      if (l.size === 1 && l.fields.every((f) => f.member.bitWidth !== undefined && f.member.name === undefined)) return 0;
      return l.size;
    }
    return this.lay.sizeOf(t);
  }

  /** The storage unit of a bitfield: the size of its integral type (typedefs followed). */
  private unitBytes(t: Type): number | undefined {
    return this.lay.sizeOf(t.kind === 'enum' || t.kind === 'scalar' ? t : t);
  }

  /** class__find_holes (dwarves 1.24): byte and bit holes after each member, and the padding at the end. */
  private findHoles(c: PClass): void {
    let curBitfieldEnd = c.size * 8;
    let curBitfieldSize = 0;
    let lastSeenBit = 0;
    let inBitfield = false;
    let last: PMember | undefined;
    for (const pos of c.members) {
      pos.bitHole = 0;
      pos.hole = 0;
      const bitStart = pos.bitOffset;
      const bitEnd = bitStart + (pos.bitfieldSize ? pos.bitfieldSize : pos.byteSize * 8);
      let bitHoles = 0;
      let byteHoles = 0;
      if (inBitfield) {
        const bitfieldEnd = Math.min(bitStart, curBitfieldEnd);
        bitHoles = bitfieldEnd - lastSeenBit;
        lastSeenBit = bitfieldEnd;
      }
      if (pos.bitfieldSize) {
        const alignedStart = pos.byteOffset * 8;
        if (lastSeenBit < alignedStart && alignedStart <= bitStart) {
          byteHoles = pos.byteOffset - Math.trunc(lastSeenBit / 8);
          lastSeenBit = alignedStart;
        }
        bitHoles += bitStart - lastSeenBit;
      } else {
        byteHoles = Math.trunc(bitStart / 8) - Math.trunc(lastSeenBit / 8);
      }
      lastSeenBit = bitEnd;
      if (pos.bitfieldSize) {
        inBitfield = true;
        if (bitEnd > curBitfieldEnd || pos.bitSize > curBitfieldSize) {
          curBitfieldSize = pos.bitSize;
          curBitfieldEnd = pos.byteOffset * 8 + curBitfieldSize;
          if (bitEnd > curBitfieldEnd) curBitfieldEnd += curBitfieldSize;
        }
      } else {
        inBitfield = false;
        curBitfieldSize = 0;
        curBitfieldEnd = bitEnd;
      }
      if (last) {
        last.hole = byteHoles;
        last.bitHole = bitHoles;
      } else {
        c.preHole = byteHoles;
        c.preBitHole = bitHoles;
      }
      if (bitHoles) c.nrBitHoles++;
      if (byteHoles) c.nrHoles++;
      last = pos;
    }
    if (inBitfield) {
      const bitfieldEnd = Math.min(c.size * 8, curBitfieldEnd);
      c.bitPadding = bitfieldEnd - lastSeenBit;
      lastSeenBit = bitfieldEnd;
    } else c.bitPadding = 0;
    c.padding = c.size - Math.trunc(lastSeenBit / 8);
  }

  /** pahole's natural alignment of a type: its size for base types, the largest member's for records. */
  private naturalAlignment(t: Type, depth = 0): number {
    t = stripQual(t);
    let a = 1;
    if (t.kind === 'pointer') a = this.abi.pointerSize;
    else if (t.kind === 'scalar' || t.kind === 'complex') a = this.lay.sizeOf(t) ?? 1;
    else if (t.kind === 'enum') a = this.lay.sizeOf(t) ?? 1;
    else if (t.kind === 'record') {
      if (depth > 64) return 1;
      const c = this.classOf(t.def);
      for (const m of c?.members ?? []) a = Math.max(a, this.naturalAlignment(m.type, depth + 1));
    } else if (t.kind === 'array') a = this.naturalAlignment(t.of, depth + 1);
    else if (t.kind === 'vector') a = this.naturalAlignment(t.of, depth + 1);
    return a || 1;
  }

  /** class__infer_packed_attributes: packed when a member sits at an offset its natural alignment forbids. */
  private inferPacked(c: PClass): boolean {
    if (c.def.kind !== 'struct') return false;
    if (c.packedInferred) return c.isPacked;
    c.packedInferred = true;
    if (c.padding !== 0 || c.nrHoles !== 0) {
      // Members of struct type at unnatural offsets: those types must be packed.
      for (const m of c.members) {
        const t = stripQual(m.type);
        if (t.kind !== 'record' || t.def.kind !== 'struct') continue;
        if (m.byteOffset % this.naturalAlignment(t) !== 0) this.markPacked(t.def);
      }
      c.isPacked = false;
      return false;
    }
    let maxNatural = 1;
    for (const m of c.members) {
      const natural = this.naturalAlignment(m.type);
      if (natural === 1) continue;
      maxNatural = Math.max(maxNatural, natural);
      if (m.byteOffset % natural === 0) continue;
      c.isPacked = true;
      return true;
    }
    if ((maxNatural !== 1 && c.alignment === 1) || c.size % maxNatural !== 0) c.isPacked = true;
    return c.isPacked;
  }

  private markPacked(def: RecordDef): void {
    const c = this.classOf(def);
    if (!c) return;
    c.isPacked = true;
    c.packedInferred = true;
  }

  /** union__infer_packed_attributes: a struct member whose natural alignment does not divide the union's size is packed. */
  private inferUnionPacked(c: PClass): void {
    if (c.packedInferred) return;
    c.packedInferred = true;
    for (const m of c.members) {
      const t = stripQual(m.type);
      if (t.kind !== 'record' || t.def.kind !== 'struct') continue;
      if (c.size % this.naturalAlignment(t) !== 0) this.markPacked(t.def);
    }
  }

  // ---- type names, as dwarves' __tag__name and type__fprintf print them ----

  /** __tag__name: how pahole names a type inside another (pointers, parameters, arrays' elements). */
  private typeName(t: Type): string {
    const q = t.qual ?? 0;
    if (q & QUAL_VOLATILE) return `volatile ${this.typeName({ ...t, qual: q & ~QUAL_VOLATILE })} `;
    if (q & QUAL_CONST) return `const ${this.typeName({ ...t, qual: q & ~QUAL_CONST })} `;
    if (t.typedefName) return t.typedefName;
    switch (t.kind) {
      case 'scalar':
        return t.name ?? DWARF_SCALAR[t.scalar];
      case 'complex':
        return complexName(t.of, t.name);
      case 'vector':
        return this.typeName({ ...t.of, typedefName: undefined, qual: undefined });
      case 'pointer':
        return this.pointerName(t, '*');
      case 'array':
        return this.typeName(t.of);
      case 'function':
        return `${this.typeName(t.returns)} ()${this.params(t)}`;
      case 'record':
        return `${t.def.kind} ${t.def.tag ?? ''}`;
      case 'enum':
        return `enum ${t.def.tag ?? ''}`;
      case 'unknown':
        return t.name;
    }
  }

  /** tag__ptr_name: the pointed-to type's name, a space and the `*` (a const pointer below it prints `const`). */
  private pointerName(t: Type & { kind: 'pointer' }, suffix: string): string {
    let to = t.to;
    if (isVoid(to)) return `void ${suffix}`;
    let constPointer = '';
    const q = to.qual ?? 0;
    if (q === QUAL_CONST && !to.typedefName && to.kind === 'pointer') {
      constPointer = 'const ';
      to = { ...to, qual: undefined };
    }
    return `${this.typeName(to)} ${constPointer}${suffix}`;
  }

  /** ftype__fprintf_parms: `(type, type)`, `(void)` when there are none. */
  private params(f: Type & { kind: 'function' }): string {
    const ps = (f.params ?? []).map((p) => this.paramName(p));
    if (ps.length === 0) return '(void)';
    return `(${ps.join(', ')}${f.variadic ? ', ...' : ''})`;
  }

  private paramName(p: Type): string {
    if (p.kind === 'pointer' && !p.qual && !p.typedefName && p.to.kind === 'function' && !p.to.typedefName && !p.to.qual) return this.functionDecl(p.to, '', 0, true);
    return this.typeName(p);
  }

  /** ftype__fprintf: `RET (*name)(params)` with the return type padded to `spacing`. */
  private functionDecl(f: Type & { kind: 'function' }, name: string, spacing: number, pointer: boolean): string {
    return `${this.typeName(f.returns).padEnd(Math.abs(spacing))} (${pointer ? '*' : ''}${name})${this.params(f)}`;
  }

  /**
   * type__fprintf: a member's type and name as pahole prints them (the type padded to the spacing), recursing
   * into inline (anonymous) structs, unions and enums.
   */
  private typeDecl(t: Type, name: string | undefined, conf: Conf): string {
    const nm = name ?? '';
    const q = t.qual ?? 0;
    if (!(q & QUAL_VOLATILE) && q & QUAL_CONST) {
      // A const type prints its modifier and then the rest in what is left of the spacing.
      return `const ${this.typeDecl({ ...t, qual: undefined }, name, { ...conf, typeSpacing: conf.typeSpacing - 6 })}`;
    }
    if (q || t.typedefName) return `${this.typeName(t).padEnd(Math.abs(conf.typeSpacing))} ${nm}`;
    switch (t.kind) {
      case 'pointer': {
        const to = t.to;
        if (!to.qual && !to.typedefName) {
          if (to.kind === 'function') return this.functionDecl(to, nm, conf.typeSpacing, true);
          if ((to.kind === 'record' && to.def.tag === undefined) || (to.kind === 'enum' && to.def.tag === undefined)) return this.inlineType(to, `* ${nm}`, { ...conf, typeSpacing: conf.typeSpacing - 8 });
        }
        return `${this.typeName(t).padEnd(Math.abs(conf.typeSpacing))} ${nm}`;
      }
      case 'array':
        return this.arrayDecl(t, name, conf);
      case 'vector':
        // gcc builds a vector of the element's main variant: no typedef name, no qualifier.
        return `${this.typeDecl({ ...t.of, typedefName: undefined, qual: undefined }, name, conf)} __attribute__ ((__vector_size__ (${t.bytes})))`;
      case 'record':
      case 'enum':
        if (t.def.tag !== undefined) {
          const kw = t.kind === 'enum' ? 'enum' : t.def.kind;
          return `${kw} ${t.def.tag.padEnd(Math.abs(conf.typeSpacing - kw.length - 1))} ${nm}`;
        }
        return this.inlineType(t, name, conf);
      case 'function':
        return this.functionDecl(t, nm, conf.typeSpacing, false);
      default:
        return `${this.typeName(t).padEnd(Math.abs(conf.typeSpacing))} ${nm}`;
    }
  }

  /** array_type__fprintf: the element, the name, then each dimension (`[]` for a trailing zero-length one). */
  private arrayDecl(t: Type & { kind: 'array' }, name: string | undefined, conf: Conf): string {
    const dims: number[] = [];
    let el: Type = t;
    while (el.kind === 'array' && !el.typedefName && !el.qual) {
      dims.push(el.length ?? 0);
      el = el.of;
    }
    let out = this.typeDecl(el, name, conf);
    const single = conf.lastMember && conf.firstMember;
    for (const n of dims) out += n !== 0 || !conf.lastMember || single || conf.unionMember ? `[${n}]` : '[]';
    return out;
  }

  private inlineType(t: Type, suffix: string | undefined, conf: Conf): string {
    if (t.kind === 'enum') return this.enumeration(t.def, suffix, conf);
    if (t.kind !== 'record') return '';
    const c = this.classOf(t.def);
    if (!c) return `${t.def.kind} { /* layout unknown */ }${suffix !== undefined ? ` ${suffix}` : ''}`;
    const inner: Conf = { ...conf, typeSpacing: conf.typeSpacing - 8, emitStats: false };
    return t.def.kind === 'union' ? this.union(c, inner, suffix) : this.struct(c, inner, suffix);
  }

  private enumeration(def: EnumDef, suffix: string | undefined, conf: Conf): string {
    const tabs = TABS.slice(0, Math.min(conf.indent, TABS.length));
    let out = `enum${def.tag !== undefined ? ` ${def.tag}` : ''}`;
    if (def.enumerators.length === 0) return out;
    out += ' {\n';
    const width = Math.max(...def.enumerators.map((e) => e.name.length));
    const signed = def.underlying === 'schar' || def.underlying === 'short' || def.underlying === 'int' || def.underlying === 'long' || def.underlying === 'llong' || def.underlying === 'int128';
    for (const e of def.enumerators) out += `${tabs}\t${e.name.padEnd(width)} = ${signed ? e.value : BigInt.asUintN(64, e.value)},\n`;
    out += `${tabs}}`;
    const size = def.underlying ? this.abi.scalars[def.underlying].size : 4;
    if (size !== 4) out += PACKED;
    if (suffix !== undefined) out += ` ${suffix}`;
    return out;
  }

  // ---- blocks ----

  private cachelineBoundary(conf: Conf, offset: number): string {
    const line = Math.floor(offset / CACHELINE);
    if (line <= conf.cacheline.n) return '';
    conf.cacheline.n = line;
    const pos = offset % CACHELINE;
    const at = offset - pos;
    const tabs = TABS.slice(0, Math.min(conf.indent, TABS.length));
    if (pos === 0) return `/* --- cacheline ${line} boundary (${at} bytes) --- */\n${tabs}`;
    return `/* --- cacheline ${line} boundary (${at} bytes) was ${pos} byte${pos > 1 ? 's' : ''} ago --- */\n${tabs}`;
  }

  /** class_member__fprintf: one member line (or an inline record's lines), after its indentation. */
  private member(pos: PMember, unionMember: boolean, conf: Conf): string {
    const offset = (pos.byteOffset + conf.baseOffset) % 2 ** 32;
    // conf.unionMember stays set inside records nested in a union (pahole never clears it).
    const sconf: Conf = { ...conf };
    if (!unionMember) sconf.baseOffset = offset;
    const cacheline = this.cachelineBoundary(conf, offset);
    const t = pos.type;
    const inlineRecord = !t.qual && !t.typedefName && (t.kind === 'record' || t.kind === 'enum');
    let text: string;
    if (inlineRecord) {
      text = this.typeDecl(t, undefined, sconf);
      if (pos.name !== undefined) text += `${(t.kind === 'record' || t.kind === 'enum') && t.def.tag === undefined ? ' ' : ''}${pos.name}`;
    } else text = this.typeDecl(t, pos.name ?? '(null)', sconf); // printf's rendering of pahole's NULL name
    if (pos.bitfieldSize) text += `:${pos.bitfieldSize}`;
    const align = pos.alignment ? ` __attribute__((__aligned__(${pos.alignment})))` : '';
    text += `${align};`;
    const size = pos.byteSize;
    const bits = pos.bitfieldSize ? `:${String(pos.bitfieldOffset).padStart(2)}` : '';
    const sizeText = String(size).padStart(pos.bitfieldSize ? 2 : 5);
    const comment = ` /* ${String(offset).padStart(5)}${bits} ${sizeText} */`;
    if (inlineRecord && (t.kind === 'record' || t.kind === 'enum') && t.def.tag === undefined) {
      // pahole's "%*s" with a width that may be negative (then left-justified: |width| characters).
      let slen = align.length + (pos.name !== undefined ? pos.name.length : -1);
      if (t.kind === 'record' && t.def.kind === 'struct' && this.classOf(t.def)?.isPacked) slen += PACKED.length;
      const width = Math.abs(sconf.typeSpacing + sconf.nameSpacing - slen - 3);
      text += `${' '.repeat(Math.max(width - 1, 0))}${comment}`;
    } else {
      const spacing = sconf.typeSpacing + sconf.nameSpacing - text.length;
      text += `${' '.repeat(Math.max(spacing - 1, 0))}${comment}`;
    }
    return cacheline + text;
  }

  /** __class__fprintf for a struct: its members, the comments between them and (top level) the summary. */
  private struct(c: PClass, conf: Conf, suffix: string | undefined): string {
    const indent = Math.min(conf.indent, TABS.length);
    const tabs = TABS.slice(0, indent);
    const cconf: Conf = { ...conf, indent: indent + 1 };
    const mt = TABS.slice(0, cconf.indent);
    let out = `struct${c.def.tag !== undefined ? ` ${c.def.tag}` : ''} {\n`;
    this.inferPacked(c);
    let newline = 0;
    let sumHoles = 0;
    let sumBitHoles = 0;
    let sumBytes = 0;
    let sumBits = 0;
    let nrForced = 0;
    let nrForcedHoles = 0;
    let sumForcedHoles = 0;
    let nrPaddings = 0;
    let sumPaddings = 0;
    let lastSize = 0;
    let last: PMember | undefined;
    const nl = () => {
      if (!newline++) out += '\n';
    };
    if (c.preBitHole > 0) {
      nl();
      out += `${mt}/* XXX ${c.preBitHole} bit${c.preBitHole !== 1 ? 's' : ''} hole, try to pack */\n`;
      sumBitHoles += c.preBitHole;
    }
    if (c.preHole > 0) {
      nl();
      out += `${mt}/* XXX ${c.preHole} byte${c.preHole !== 1 ? 's' : ''} hole, try to pack */\n`;
      sumHoles += c.preHole;
    }
    c.members.forEach((pos, i) => {
      if (pos.alignment !== 0) {
        const forcedHole = last ? last.hole : c.preHole;
        if (forcedHole !== 0) {
          nrForcedHoles++;
          sumForcedHoles += forcedHole;
        }
        nrForced++;
      }
      if (last !== undefined && lastSize !== 0) {
        if (last.bitHole !== 0 && pos.bitfieldSize) {
          let bitfieldSize = last.bitHole;
          if (last.byteOffset !== pos.byteOffset) {
            out += `\n${mt}/* Force alignment to the next boundary: */\n`;
            bitfieldSize = 0;
          }
          out += `${mt}${this.typeDecl(pos.type, '', cconf)}:${bitfieldSize};\n`;
        }
        if (pos.byteOffset < last.byteOffset || (pos.byteOffset === last.byteOffset && last.bitfieldSize === 0 && pos.bitfieldSize !== 0)) {
          nl();
          out += `${mt}/* Bitfield combined with previous fields */\n`;
        } else {
          const ccLastSize = pos.byteOffset - last.byteOffset;
          if (ccLastSize > 0 && ccLastSize < lastSize) {
            nl();
            out += `${mt}/* Bitfield combined with next fields */\n`;
          }
        }
      }
      if (newline) {
        out += '\n';
        newline = 0;
      }
      const mconf: Conf = { ...cconf, lastMember: i === c.members.length - 1, firstMember: last === undefined };
      out += mt + this.member(pos, false, mconf);
      const pt = pos.type;
      if (!pt.typedefName && !pt.qual && pt.kind === 'record' && pt.def.kind === 'struct') {
        // class__fprintf_member_type_holes (1.24: the padding only).
        const tc = this.classOf(pt.def);
        if (tc) {
          this.inferPacked(tc);
          if (tc.padding) {
            nl();
            out += `\n${mt}/* XXX last struct has ${tc.padding} byte${tc.padding !== 1 ? 's' : ''} of padding */`;
            nrPaddings++;
            sumPaddings += tc.padding;
          }
        }
      }
      if (pos.bitHole !== 0) {
        nl();
        out += `\n${mt}/* XXX ${pos.bitHole} bit${pos.bitHole !== 1 ? 's' : ''} hole, try to pack */`;
        sumBitHoles += pos.bitHole;
      }
      if (pos.hole > 0) {
        nl();
        out += `\n${mt}/* XXX ${pos.hole} byte${pos.hole !== 1 ? 's' : ''} hole, try to pack */`;
        sumHoles += pos.hole;
      }
      out += '\n';
      if (pos.bitfieldSize) sumBits += pos.bitfieldSize;
      else sumBytes += pos.byteSize;
      if (last === undefined || lastSize === 0 || last.byteOffset !== pos.byteOffset) lastSize = pos.byteSize;
      else if (last.bitfieldSize === 0 && pos.bitfieldSize !== 0) lastSize = pos.byteSize;
      last = pos;
    });
    // "Force padding": pahole fills a large tail padding with bitfields of the last member's type.
    if (c.padding !== 0 && c.alignment === 0 && last !== undefined) {
      const size = (last.bitfieldSize ? last.byteSize : this.tagSize(last.type)) ?? 0;
      if (size > 0 && (size & (size - 1)) === 0 && c.padding > this.abi.pointerSize) {
        out += `\n${mt}/* Force padding: */\n`;
        for (let added = 0; added < c.padding; added += size) out += `${mt}${this.typeDecl(last.type, '', cconf)}:${size * 8};\n`;
      }
    }
    if (conf.emitStats) {
      const lines: string[] = [];
      lines.push(`size: ${c.size}, cachelines: ${Math.ceil((this.tagSize({ kind: 'record', def: c.def }) ?? c.size) / CACHELINE)}, members: ${c.members.length}`);
      if (sumHoles > 0 || sumBitHoles > 0) {
        if (sumBytes > 0) lines.push(`sum members: ${sumBytes}${sumHoles > 0 ? `, holes: ${c.nrHoles}, sum holes: ${sumHoles}` : ''}`);
        if (sumBits > 0) lines.push(`sum bitfield members: ${sumBits} bits${sumBitHoles > 0 ? `, bit holes: ${c.nrBitHoles}, sum bit holes: ${sumBitHoles} bits` : ` (${Math.trunc(sumBits / 8)} bytes)`}`);
      }
      if (c.padding > 0) lines.push(`padding: ${c.padding}`);
      if (nrPaddings > 0) lines.push(`paddings: ${nrPaddings}, sum paddings: ${sumPaddings}`);
      if (c.bitPadding > 0) lines.push(`bit_padding: ${c.bitPadding} bits`);
      if (nrForced !== 0) lines.push(`forced alignments: ${nrForced}${nrForcedHoles !== 0 ? `, forced holes: ${nrForcedHoles}, sum forced holes: ${sumForcedHoles}` : ''}`);
      const lastLine = (conf.baseOffset + c.size) % CACHELINE;
      if (lastLine !== 0) lines.push(`last cacheline: ${lastLine} bytes`);
      out += `\n${lines.map((l) => `${mt}/* ${l} */\n`).join('')}`;
      const diff = c.size * 8 - (sumBytes * 8 + sumBits + sumHoles * 8 + sumBitHoles + c.padding * 8 + c.bitPadding);
      if (diff && c.members.length !== 0) {
        out += `\n${mt}/* BRAIN FART ALERT! ${c.size} bytes != ${sumBytes} (member bytes) + ${sumBits} (member bits) + ${sumHoles} (byte holes) + ${sumBitHoles} (bit holes), diff = ${diff} bits */\n`;
      }
    }
    out += `${tabs}}`;
    if (c.isPacked) out += PACKED;
    if (suffix !== undefined) out += ` ${suffix}`;
    if (c.alignment !== 0 && !c.isPacked) out += ` __attribute__((__aligned__(${c.alignment})))`;
    return out;
  }

  /** union__fprintf: every member at the union's offset, the cacheline restored after each; no summary. */
  private union(c: PClass, conf: Conf, suffix: string | undefined): string {
    const indent = Math.min(conf.indent, TABS.length);
    const tabs = TABS.slice(0, indent);
    const uconf: Conf = { ...conf, indent: indent + 1, unionMember: true };
    const mt = TABS.slice(0, uconf.indent);
    let out = `union${c.def.tag !== undefined ? ` ${c.def.tag}` : ''} {\n`;
    this.inferUnionPacked(c);
    const initial = uconf.cacheline.n;
    for (const pos of c.members) {
      out += mt + this.member(pos, true, uconf) + '\n';
      uconf.cacheline.n = initial;
    }
    return `${out}${tabs}}${suffix !== undefined ? ` ${suffix}` : ''}`;
  }
}

/**
 * dwarves' class_member__cache_byte_size for a bitfield: from DW_AT_data_bit_offset (`bitOffset`), or from the
 * DWARF 2 bit offset converted to count from the unit's low-order end (`oldStyle`, at byte offset 0), to the
 * storage unit's byte offset and the bit within it, with pahole's field widths (int8 bit offset, uint32 offsets).
 */
function placeBitfield(bitOffset: number | undefined, oldStyle: number | undefined, byteSize: number): { byteOffset: number; bitfieldOffset: number } {
  const int8 = (v: number) => ((((v + 128) % 256) + 256) % 256) - 128;
  const u32 = (v: number) => ((v % 2 ** 32) + 2 ** 32) % 2 ** 32;
  const bitSize = byteSize * 8;
  let byteOffset: number;
  let bitfieldOffset: number;
  let bit: number;
  if (bitOffset === undefined) {
    byteOffset = 0;
    bitfieldOffset = int8(oldStyle ?? 0);
    bit = u32(bitfieldOffset);
  } else {
    bit = u32(bitOffset);
    byteOffset = Math.floor(bit / 8);
    bitfieldOffset = bit - byteOffset * 8;
  }
  if (bitfieldOffset < 0) {
    bitfieldOffset += bitSize;
    byteOffset = u32(byteOffset - byteSize);
    bit = u32(byteOffset * 8 + bitfieldOffset);
  }
  bitfieldOffset = int8(bitfieldOffset + (byteOffset % byteSize) * 8);
  byteOffset = u32(Math.floor(Math.floor(bit / bitSize) * bitSize / 8));
  if (bitfieldOffset >= bitSize) {
    bitfieldOffset -= bitSize;
    byteOffset = u32(byteOffset + byteSize);
  }
  return { byteOffset, bitfieldOffset };
}

function stripQual(t: Type): Type {
  return t.qual ? { ...t, qual: undefined } : t;
}

function isVoid(t: Type): boolean {
  return t.kind === 'scalar' && t.scalar === 'void' && !t.qual && !t.typedefName;
}

/** gcc names complex floating types `complex T` and `complex int`; its other complex integers have no name. */
function complexName(of: ScalarKind, name: string | undefined): string {
  if (of === 'float' || of === 'double' || of === 'ldouble' || of === 'float16' || of === 'float128') return `complex ${name ?? DWARF_SCALAR[of]}`;
  return of === 'int' ? 'complex int' : '__unknown__';
}
