// A seeded generator of random C declarations covering every layout construct of GNU C the engine claims:
// nested anonymous structs/unions, bitfields of every width and integer type (zero-width ones too), packed and
// aligned in every grammatical position (before the type, after a struct/union/enum tag, after a `*`, after the
// name, after a bitfield width, on zero-width bitfields, before the tag and after the closing brace), typedefs
// carrying aligned (raised and lowered) used as member and bitfield types, mode(...), _Complex in both word
// orders and complex integers, vector_size types, __int128, extra floating types, arrays, enums, typedef
// chains, flexible and zero-length arrays, MS-extension members. What the target's gcc accepts is read from the
// ABI table (base/abi.ts), so a new ABI is covered as soon as it is listed there.

import { ABIS, Abi, AbiName, ScalarKind } from '../../server/src/engine/base/abi';

export interface GenOptions {
  abi: AbiName;
  msExtensions?: boolean;
  /**
   * Only what clang 14 compiles too (no _FloatN or other extra floating types, no complex __int128, integer
   * complex or extra floating modes, no vectors of enums): the slice where clang can be a second opinion.
   */
  clang?: boolean;
}

export interface Generated {
  source: string;
  /** Tags of the generated structs/unions (typedef names for anonymous ones), to compare. */
  records: string[];
  /** Per record, every member name its text declares (those of nested named members too). */
  members: Map<string, string[]>;
  /** Named types (typedefs) and type spellings whose sizeof and alignments are checked too. */
  types: string[];
}

export class Rng {
  private s: number;
  constructor(seed: number) {
    this.s = seed >>> 0 || 0x9e3779b9;
  }
  next(): number {
    // mulberry32
    let t = (this.s = (this.s + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
}

/** A type the generator can write, with what it must know to use it validly. */
interface TypeDesc {
  /** Declaration specifiers (`unsigned long`, `struct r3`, `td2`); `void (*)(int)` is spelled around the name. */
  spelling: string;
  /** Width in bits when it is an integer type a bitfield may have; 0 otherwise. */
  bits: number;
  /** Size in bytes when the generator knows it (not for records). */
  size?: number;
  /** Alignment forced on the type (an aligned typedef), when the generator knows it. */
  forcedAlign?: number;
  /** Arrays of it are valid (gcc rejects arrays whose element size is not a multiple of their alignment). */
  arrayOk: boolean;
  /** An integer or floating scalar that mode() or vector_size() may apply to. */
  scalar?: 'int' | 'float';
  /** Its underlying scalar kind, for scalars the generator spelled itself. */
  kind?: ScalarKind;
  /** For records: a rough upper bound of their size, to keep records from nesting into megabytes. */
  estimate?: number;
}

/** Records larger than this (roughly) are not embedded again: nesting would grow sizes exponentially. */
const EMBED_LIMIT = 4096;

const INT_KINDS: Array<[string, ScalarKind]> = [
  ['char', 'char'],
  ['signed char', 'schar'],
  ['unsigned char', 'uchar'],
  ['char unsigned', 'uchar'],
  ['short', 'short'],
  ['short int', 'short'],
  ['unsigned short', 'ushort'],
  ['int', 'int'],
  ['signed', 'int'],
  ['unsigned', 'uint'],
  ['unsigned int', 'uint'],
  ['long', 'long'],
  ['unsigned long', 'ulong'],
  ['long unsigned int', 'ulong'],
  ['long long', 'llong'],
  ['unsigned long long', 'ullong'],
  ['long long unsigned', 'ullong'],
  ['_Bool', 'bool'],
];
const INT128_KINDS: Array<[string, ScalarKind]> = [
  ['__int128', 'int128'],
  ['signed __int128', 'int128'],
  ['unsigned __int128', 'uint128'],
  ['__int128 unsigned', 'uint128'],
  ['__int128_t', 'int128'],
  ['__uint128_t', 'uint128'],
];
const FLOAT_KINDS: Array<[string, ScalarKind]> = [
  ['float', 'float'],
  ['double', 'double'],
  ['long double', 'ldouble'],
  ['_Float32', 'float'],
  ['_Float64', 'double'],
  ['_Float32x', 'double'],
];
/** Complex spellings over a base's words, in both orders and with GNU's `__complex__`. */
const COMPLEX_SHAPES = ['_Complex B', 'B _Complex', '__complex__ B', 'B __complex__'];
const COMPLEX_BASES: Array<[string, ScalarKind]> = [
  ['float', 'float'],
  ['double', 'double'],
  ['long double', 'ldouble'],
  ['char', 'char'],
  ['unsigned char', 'uchar'],
  ['short', 'short'],
  ['int', 'int'],
  ['unsigned', 'uint'],
  ['long', 'long'],
  ['long long', 'llong'],
];
const INT_MODES: Array<[string, number]> = [
  ['QI', 1],
  ['HI', 2],
  ['SI', 4],
  ['DI', 8],
  ['byte', 1],
];

/** One batch of random records for one ABI. */
class DeclGenerator {
  private readonly rng: Rng;
  private readonly abi: Abi;
  private readonly out: string[] = [];
  readonly records: string[] = [];
  readonly members = new Map<string, string[]>();
  readonly types: string[] = [];
  /** Integer types a bitfield may have (plain, typedefs plain or aligned, mode typedefs, enums). */
  private readonly ints: TypeDesc[] = [];
  /** Every other member type. */
  private readonly others: TypeDesc[] = [];
  /** Records that may be embedded by value (no flexible array member). */
  private readonly embeddable: TypeDesc[] = [];
  private memberId = 0;
  private typedefId = 0;
  private msUsed = false;

  constructor(
    seed: number,
    private readonly opts: GenOptions,
  ) {
    this.rng = new Rng(seed);
    this.abi = ABIS[opts.abi];
  }

  run(count: number, seed: number): Generated {
    this.out.push(`/* seed ${seed}, ${count} records, ${this.opts.abi} */`);
    this.prelude();
    for (let i = 0; i < count; i++) this.record(i);
    return { source: this.out.join('\n') + '\n', records: this.records, members: this.members, types: this.types };
  }

  // ---- types ----

  private sizeOf(k: ScalarKind): number {
    return this.abi.scalars[k].size;
  }

  private scalarDesc(spelling: string, k: ScalarKind): TypeDesc {
    const size = this.sizeOf(k);
    const isFloat = k === 'float' || k === 'double' || k === 'ldouble' || k === 'float16' || k === 'float128';
    return { spelling, bits: isFloat ? 0 : k === 'bool' ? 1 : size * 8, size, arrayOk: true, scalar: isFloat ? 'float' : k === 'bool' ? undefined : 'int', kind: k };
  }

  private intKinds(): Array<[string, ScalarKind]> {
    return this.abi.hasInt128 ? [...INT_KINDS, ...INT128_KINDS] : INT_KINDS;
  }

  private floatKinds(): Array<[string, ScalarKind]> {
    if (this.opts.clang) return FLOAT_KINDS.filter(([w]) => !w.startsWith('_Float'));
    return [...FLOAT_KINDS, ...Object.entries(this.abi.extraFloats)];
  }

  private fresh(): string {
    return `m${this.memberId++}`;
  }

  private typedefName(prefix: string): string {
    const name = `${prefix}${this.typedefId++}`;
    this.types.push(name);
    return name;
  }

  /** `aligned(N)` for N in 1..64 (lower than natural too), or a bare `aligned`. */
  private alignedAttr(max = 64): string {
    if (this.rng.chance(0.08)) return this.rng.pick(['aligned', '__aligned__']);
    const n = this.rng.pick([1, 2, 4, 8, 16, 32, 64].filter((x) => x <= max));
    return `${this.rng.chance(0.2) ? '__aligned__' : 'aligned'}(${n})`;
  }

  private attrText(list: string[]): string {
    if (list.length === 0) return '';
    // Together in one list or in two: both orders of application matter to gcc.
    if (list.length > 1 && this.rng.chance(0.5)) return list.map((a) => `__attribute__((${a}))`).join(' ');
    return `__attribute__((${list.join(', ')}))`;
  }

  /** Attributes a member declaration may carry (packed, aligned, both, two aligned). */
  private declAttrList(): string[] {
    const r = this.rng.int(7);
    if (r === 0) return [this.rng.pick(['packed', '__packed__'])];
    if (r <= 2) return [this.alignedAttr()];
    if (r === 3) return ['packed', this.alignedAttr()];
    if (r === 4) return [this.alignedAttr(), 'packed'];
    if (r === 5) return [this.alignedAttr(), this.alignedAttr()];
    return [this.alignedAttr(16)];
  }

  /** Typedefs, enums and the other types every record of the batch may use. */
  private prelude(): void {
    const rng = this.rng;
    for (const [s, k] of this.intKinds()) this.ints.push(this.scalarDesc(s, k));
    for (const [s, k] of this.floatKinds()) this.others.push(this.scalarDesc(s, k));
    this.types.push(...(this.opts.clang ? [] : Object.keys(this.abi.extraFloats)), 'long double', this.abi.hasInt128 ? '__int128' : 'long long');
    // Complex types in every word order, floating and integer.
    const complexBases = this.abi.hasInt128 && !this.opts.clang ? [...COMPLEX_BASES, ['__int128', 'int128'] as [string, ScalarKind]] : COMPLEX_BASES;
    for (let i = 0; i < 8; i++) {
      // Of the target's extra floating types only the _FloatN keywords combine with _Complex (__float128 does not).
      const [b, k] = rng.pick([...complexBases, ...Object.entries(this.abi.extraFloats).filter(([w]) => w.startsWith('_Float') && !this.opts.clang)]);
      const spelling = rng.pick(COMPLEX_SHAPES).replace('B', b);
      this.others.push({ spelling, bits: 0, size: 2 * this.sizeOf(k), arrayOk: true });
      this.types.push(spelling);
    }
    this.others.push({ spelling: 'void *', bits: 0, size: this.abi.pointerSize, arrayOk: true }, { spelling: 'char *', bits: 0, size: this.abi.pointerSize, arrayOk: true }, { spelling: 'void (*)(int)', bits: 0, size: this.abi.pointerSize, arrayOk: true });

    // Integer typedefs: plain, chained, and aligned (raised or lowered) in every position of a typedef; these
    // are bitfield types too.
    for (let i = 0; i < 8; i++) {
      const [base, k] = rng.pick(this.intKinds().filter(([, kk]) => kk !== 'bool'));
      const name = this.typedefName('td');
      const attrs: string[] = [];
      if (rng.chance(0.6)) attrs.push(this.alignedAttr());
      if (rng.chance(0.2)) attrs.push(this.alignedAttr());
      if (rng.chance(0.1)) attrs.push('packed');
      const forced = this.lastAligned(attrs);
      this.out.push(this.typedefLine(base, name, attrs));
      const size = this.sizeOf(k);
      const desc: TypeDesc = { spelling: name, bits: size * 8, size, forcedAlign: forced, arrayOk: forced === undefined || size % forced === 0, scalar: 'int', kind: k };
      this.ints.push(desc);
      if (rng.chance(0.5)) {
        const chain = this.typedefName('td');
        this.out.push(`typedef ${name} ${chain};`);
        this.ints.push({ ...desc, spelling: chain });
      }
    }
    // mode(...) typedefs: integer modes (signedness from the base), floating and complex modes.
    for (let i = 0; i < 5; i++) {
      const modes = this.abi.hasInt128 ? [...INT_MODES, ['TI', 16] as [string, number]] : INT_MODES;
      const [mode, bytes] = rng.chance(0.25) ? rng.pick<[string, number]>([['word', this.abi.wordSize], ['pointer', this.abi.pointerSize], ['unwind_word', this.abi.wordSize]]) : rng.pick(modes);
      const base = rng.pick(['int', 'unsigned', 'long', 'unsigned char', 'short']);
      const name = this.typedefName('mi');
      const spelled = rng.chance(0.3) ? `__${mode}__` : mode;
      const where = rng.int(3);
      this.out.push(where === 0 ? `typedef ${base} ${name} __attribute__((mode(${spelled})));` : where === 1 ? `typedef __attribute__((__mode__(${spelled}))) ${base} ${name};` : `typedef ${base} __attribute__((mode(${spelled}))) ${name};`);
      this.ints.push({ spelling: name, bits: bytes * 8, size: bytes, arrayOk: true, scalar: 'int' });
    }
    const floatModes: Array<[string, ScalarKind]> = [['SF', 'float'], ['DF', 'double'], ...(this.opts.clang ? [] : Object.entries(this.abi.floatModes))];
    for (let i = 0; i < 3; i++) {
      const [mode, k] = rng.pick(floatModes);
      const name = this.typedefName('mf');
      if (rng.chance(0.5)) {
        this.out.push(`typedef ${rng.pick(['float', 'double'])} ${name} __attribute__((mode(${mode})));`);
        this.others.push({ spelling: name, bits: 0, size: this.sizeOf(k), arrayOk: true });
      } else {
        const cmode = `${mode.slice(0, -1)}C`;
        this.out.push(`typedef _Complex ${rng.pick(this.opts.clang ? ['float', 'double'] : ['float', 'double', 'int'])} ${name} __attribute__((mode(${cmode})));`);
        this.others.push({ spelling: name, bits: 0, size: 2 * this.sizeOf(k), arrayOk: true });
      }
    }
    if (!this.opts.clang) {
      const [m, bytes] = rng.pick(INT_MODES.filter(([x]) => x !== 'byte'));
      const name = this.typedefName('mc');
      this.out.push(`typedef _Complex ${rng.pick(['int', 'unsigned char', 'long'])} ${name} __attribute__((mode(C${m})));`);
      this.others.push({ spelling: name, bits: 0, size: 2 * bytes, arrayOk: true });
    }
    // Vector types: integer and floating elements, 1 to 16 of them, some with an aligned attribute too.
    // One typedef per element kind and size: gcc's debug information shares vector types of one shape between
    // typedefs (one with an aligned attribute then names the other's), which pahole then shows oddly.
    const shapes = new Set<string>();
    for (let i = 0; i < 6; i++) {
      const el = rng.pick([...this.intKinds().filter(([, k]) => k !== 'bool'), ['float', 'float'], ['double', 'double']] as Array<[string, ScalarKind]>);
      const bytes = this.sizeOf(el[1]) * 2 ** rng.int(5);
      const shape = `${el[1]}/${bytes}`;
      if (shapes.has(shape)) continue;
      shapes.add(shape);
      const name = this.typedefName('vt');
      const attrs = [`vector_size(${bytes})`];
      if (rng.chance(0.2)) attrs.push(this.alignedAttr());
      const forced = this.lastAligned(attrs);
      // All in one place, aligned after vector_size: an aligned applied first makes gcc's debug information name
      // the typedef oddly (the corpus keeps that order for the layout).
      this.out.push(this.typedefLine(el[0], name, attrs, true));
      this.others.push({ spelling: name, bits: 0, size: bytes, forcedAlign: forced, arrayOk: forced === undefined || bytes % forced === 0 });
    }
    // Pointer typedefs with attributes after the '*' (the pointer type's own alignment).
    for (let i = 0; i < 2; i++) {
      const name = this.typedefName('pt');
      const a = this.alignedAttr();
      this.out.push(`typedef ${rng.pick(['int', 'char', 'void'])} * __attribute__((${a})) ${name};`);
      const forced = this.lastAligned([a]);
      this.others.push({ spelling: name, bits: 0, size: this.abi.pointerSize, forcedAlign: forced, arrayOk: forced === undefined || this.abi.pointerSize % forced === 0 });
    }
    // Enums: natural, negative, 64-bit, packed before the tag or after the brace, and by mode.
    this.out.push('enum e_small { ES_A, ES_B, ES_C = 7 };');
    this.ints.push({ spelling: 'enum e_small', bits: 32, size: 4, arrayOk: true, scalar: 'int' });
    this.out.push('enum e_neg { EN_A = -3, EN_B = 100 };');
    this.ints.push({ spelling: 'enum e_neg', bits: 32, size: 4, arrayOk: true, scalar: 'int' });
    this.out.push('enum e_big { EB_A = 0x7fffffff, EB_B = 0xffffffffU };');
    this.ints.push({ spelling: 'enum e_big', bits: 32, size: 4, arrayOk: true, scalar: 'int' });
    this.out.push('enum e_huge { EH_A = 0xffffffffffffffffULL };');
    this.others.push({ spelling: 'enum e_huge', bits: 0, size: 8, arrayOk: true });
    this.out.push('enum __attribute__((packed)) e_packed { EP_A, EP_B = 200 };');
    this.ints.push({ spelling: 'enum e_packed', bits: 8, size: 1, arrayOk: true, scalar: 'int' });
    this.out.push('enum e_packed16 { EQ_A = -1, EQ_B = 1000 } __attribute__((packed));');
    this.ints.push({ spelling: 'enum e_packed16', bits: 16, size: 2, arrayOk: true, scalar: 'int' });
    const [em, eb] = rng.pick(INT_MODES);
    this.out.push(`enum __attribute__((mode(${em}))) e_mode { EM_A, EM_B };`);
    this.ints.push({ spelling: 'enum e_mode', bits: eb * 8, size: eb, arrayOk: true, scalar: 'int' });
    this.out.push('struct empty {};');
    this.others.push({ spelling: 'struct empty', bits: 0, arrayOk: true });
  }

  /** A typedef with its attributes spread over the three places one may stand. */
  private typedefLine(base: string, name: string, attrs: string[], together = false): string {
    const places: string[][] = [[], [], []];
    const place = this.rng.int(3);
    for (const a of attrs) places[together ? place : this.rng.int(3)].push(a);
    const at = (i: number) => (places[i].length ? `${this.attrText(places[i])} ` : '');
    return `typedef ${at(0)}${base} ${at(1)}${name}${places[2].length ? ` ${this.attrText(places[2])}` : ''};`.replace(/ +/g, ' ').replace(/^typedef ([^;]*?) ;$/, 'typedef $1;');
  }

  /**
   * The alignment gcc gives a typedef: the `aligned` applied last, the declarator's attributes before the
   * specifiers'. The generator only needs it to keep arrays valid, so any aligned in the list gives an upper
   * bound: the largest.
   */
  private lastAligned(attrs: string[]): number | undefined {
    let out: number | undefined;
    for (const a of attrs) {
      const m = /aligned(?:__)?(?:\((\d+)\))?/.exec(a);
      if (!m) continue;
      const n = m[1] ? Number(m[1]) : this.abi.biggestAlignment;
      out = Math.max(out ?? 0, n);
    }
    return out;
  }

  private memberType(): TypeDesc {
    const r = this.rng.int(12);
    if (r < 5) return this.rng.pick(this.ints);
    if (r < 10) return this.rng.pick(this.others);
    if (this.embeddable.length) return this.rng.pick(this.embeddable);
    return this.rng.pick(this.ints);
  }

  private declare(t: TypeDesc, name: string, suffix = ''): string {
    if (t.spelling === 'void (*)(int)') return `void (*${name}${suffix})(int)`;
    return `${t.spelling} ${name}${suffix}`;
  }

  // ---- members ----

  /** An ordinary member with attributes in one or two of the places a declaration has. */
  private ordinaryMember(): string {
    const rng = this.rng;
    const t = this.memberType();
    const name = this.fresh();
    if (t.spelling === 'void (*)(int)') return `${this.declare(t, name)}${rng.chance(0.2) ? ` ${this.attrText(this.declAttrList())}` : ''};`;
    const r = rng.int(16);
    const attrs = () => this.attrText(this.declAttrList());
    if (r === 0) return `${attrs()} ${t.spelling} ${name};`;
    if (r === 1) return `${t.spelling} ${attrs()} ${name};`; // after the tag, for struct/union/enum types
    if (r === 2) return `${t.spelling} ${name} ${attrs()};`;
    if (r === 3) return `${attrs()} ${t.spelling} ${name} ${attrs()};`;
    if (r === 4) return `${t.spelling} ${attrs()} ${name} ${attrs()};`;
    if (r === 5) {
      // _Alignas may not lower an alignment (gcc rejects it): a type whose alignment the generator knows, raised.
      if (t.size !== undefined && t.forcedAlign === undefined && t.size <= 16 && rng.chance(0.7)) return `_Alignas(${rng.pick([16, 32, 64])}) ${this.declare(t, name)};`;
      return `_Alignas(${rng.pick([...this.ints, ...this.others]).spelling.replace('void (*)(int)', 'void *')}) ${rng.pick(['char', 'unsigned char', '_Bool'])} ${name};`;
    }
    if (r === 6) {
      // A pointer with attributes after its '*': the pointer type's alignment, which may be lowered.
      return `${t.spelling} * ${this.attrText([this.alignedAttr()])} ${name}${rng.chance(0.3) ? ` ${attrs()}` : ''};`;
    }
    if (r === 7 && t.scalar) {
      // mode() and vector_size() on the member itself.
      if (t.scalar === 'int' && t.kind !== undefined && rng.chance(0.6)) return `${t.spelling} ${name} __attribute__((mode(${rng.pick(INT_MODES)[0]})));`;
      if (t.size !== undefined && t.forcedAlign === undefined && (t.kind !== undefined || !this.opts.clang) && t.kind !== 'ldouble' && t.kind !== 'float128' && t.kind !== 'float16') return `${t.spelling} ${name} __attribute__((vector_size(${t.size * 2 ** rng.int(4)})));`;
    }
    if (r === 8 && t.arrayOk) return `${t.spelling} ${name}[${1 + rng.int(3)}] ${attrs()};`;
    return `${t.spelling} ${name};`;
  }

  private bitfield(): string {
    const rng = this.rng;
    const t = rng.pick(this.ints);
    const attrs = () => this.attrText(this.declAttrList().filter((a) => !/^_Alignas/.test(a)));
    if (rng.chance(0.14)) {
      // Zero-width: moves the next field; with attributes after the width or before the type.
      const r = rng.int(4);
      if (r === 0) return `${t.spelling} : 0 ${attrs()};`;
      if (r === 1) return `${attrs()} ${t.spelling} : 0;`;
      return `${t.spelling} : 0;`;
    }
    const w = t.bits === 1 ? 1 : 1 + rng.int(t.bits);
    const unnamed = rng.chance(0.12);
    const name = unnamed ? '' : ` ${this.fresh()}`;
    const r = rng.int(10);
    if (r === 0) return `${t.spelling}${name} : ${w} ${attrs()};`;
    if (r === 1) return `${attrs()} ${t.spelling}${name} : ${w};`;
    if (r === 2) return `${t.spelling} ${attrs()}${name} : ${w};`;
    if (r === 3) return `${t.spelling}${name} : ${w} __attribute__((packed));`;
    return `${t.spelling}${name} : ${w};`;
  }

  private body(depth: number, isUnion: boolean, allowFlexible: boolean): string[] {
    const rng = this.rng;
    const lines: string[] = [];
    const n = 1 + rng.int(depth === 0 ? 9 : 5);
    for (let i = 0; i < n; i++) {
      const r = rng.int(20);
      if (r < 6) lines.push(this.ordinaryMember());
      else if (r < 10) lines.push(this.bitfield());
      else if (r < 12 && depth < 4) lines.push(...this.nested(depth));
      else if (r < 13 && this.embeddable.length) {
        const t = rng.pick(this.embeddable);
        const where = rng.int(4);
        const a = this.attrText(this.declAttrList());
        // After the tag of a reference the attributes are the member's (gcc), before the tag they are ignored.
        lines.push(where === 0 ? `${t.spelling} ${a} ${this.fresh()};` : where === 1 ? `${t.spelling.replace(/^(struct|union) /, `$1 ${a} `)} ${this.fresh()};` : `${t.spelling} ${this.fresh()};`);
      } else if (r < 15) {
        const dims = 1 + rng.int(2);
        let suffix = '';
        for (let d = 0; d < dims; d++) suffix += `[${rng.chance(0.3) ? `${1 + rng.int(3)} * sizeof(short)` : 1 + rng.int(4)}]`;
        const pool = [...this.ints, ...this.others, ...this.embeddable].filter((x) => x.arrayOk);
        const el = rng.pick(pool);
        lines.push(`${this.declare(el, this.fresh(), suffix)}${rng.chance(0.15) ? ` ${this.attrText(this.declAttrList())}` : ''};`);
      } else if (r < 16) {
        const el = rng.pick([...this.ints, ...this.others].filter((x) => x.arrayOk && x.spelling !== 'void (*)(int)'));
        lines.push(`${el.spelling} ${this.fresh()}[0];`);
      } else if (r < 17) {
        const t = rng.pick([...this.ints, ...this.others].filter((x) => x.size !== undefined && x.size <= 16 && x.forcedAlign === undefined));
        lines.push(`_Alignas(${rng.pick([16, 32])}) ${this.declare(t, this.fresh())};`);
      } else if (r < 18 && this.opts.msExtensions && this.embeddable.length && !this.msUsed) {
        // One MS-extension member per record keeps promoted names unique.
        this.msUsed = true;
        lines.push(`${rng.pick(this.embeddable).spelling};`);
      } else if (r < 19) {
        const t = rng.pick(this.ints.filter((x) => x.arrayOk));
        lines.push(`${t.spelling} ${this.fresh()}, *${this.fresh()}, ${this.fresh()}[2];`);
      } else lines.push(`${this.declare(this.memberType(), this.fresh())};`);
    }
    if (allowFlexible && !isUnion && lines.some((l) => /\bm\d+\b/.test(l)) && rng.chance(0.1)) {
      lines.push(`${rng.pick([...this.ints, ...this.others].filter((x) => x.arrayOk && x.spelling !== 'void (*)(int)' && x.spelling !== 'struct empty')).spelling} ${this.fresh()}[];`);
    }
    return lines;
  }

  /** A nested struct or union: anonymous (attributes before its keyword or after its brace), or a named member. */
  private nested(depth: number): string[] {
    const rng = this.rng;
    const kind = rng.chance(0.5) ? 'union' : 'struct';
    const typeAttr = () => (rng.chance(0.15) ? ` ${this.attrText(rng.chance(0.5) ? ['packed'] : [this.alignedAttr(16)])}` : '');
    const head = `${rng.chance(0.08) ? `${this.attrText(this.declAttrList())} ` : ''}${kind}${typeAttr()} {`;
    const inner = this.body(depth + 1, kind === 'union', false).map((l) => '\t' + l);
    const named = rng.chance(0.25);
    const tail = named ? `}${typeAttr()} ${this.fresh()}${rng.chance(0.3) ? `[${1 + rng.int(2)}]` : ''}${rng.chance(0.2) ? ` ${this.attrText(this.declAttrList())}` : ''};` : `}${typeAttr()};`;
    return [head, ...inner, tail];
  }

  /** A rough upper bound of the size of a record with these member lines (each member counted, arrays multiplied). */
  private estimate(lines: string[]): number {
    const known = new Map<string, number>();
    for (const t of [...this.ints, ...this.others, ...this.embeddable]) known.set(t.spelling, t.estimate ?? t.size ?? 16);
    let total = 0;
    for (const line of lines) {
      let base = 32;
      for (const [spelling, size] of known) if (size > base && new RegExp(`(^|[^\\w])${spelling.replace(/ /g, ' (?:__attribute__\\(\\(.*?\\)\\) )?')}([^\\w]|$)`).test(line)) base = size;
      let count = line.includes(', *') ? 3 : 1;
      for (const m of line.matchAll(/\[(\d+)(?: \* sizeof\(short\))?\]/g)) count *= Number(m[1]) * (m[0].includes('sizeof') ? 2 : 1);
      total += base * count;
    }
    return total + 64;
  }

  private recordAttrs(): string[] {
    const rng = this.rng;
    const r = rng.int(8);
    if (r === 0) return ['packed'];
    if (r === 1) return [this.alignedAttr()];
    if (r === 2) return ['packed', this.alignedAttr()];
    if (r === 3) return [this.alignedAttr(), this.alignedAttr()];
    return [];
  }

  private record(i: number): void {
    const rng = this.rng;
    this.msUsed = false;
    const tag = `r${i}`;
    const kind = rng.chance(0.2) ? 'union' : 'struct';
    const before = rng.chance(0.12) ? this.attrText(this.recordAttrs()) : '';
    const after = rng.chance(0.2) ? this.attrText(this.recordAttrs()) : '';
    const lines = this.body(0, kind === 'union', !this.opts.msExtensions);
    const flexible = lines.some((l) => /\[\];$/.test(l));
    this.out.push(`${kind}${before ? ` ${before}` : ''} ${tag} {`, ...lines.map((l) => '\t' + l), `}${after ? ` ${after}` : ''};`);
    this.records.push(tag);
    this.members.set(tag, [...new Set(lines.join('\n').match(/\bm\d+\b/g) ?? [])]);
    const estimate = this.estimate(lines);
    if (flexible || estimate > EMBED_LIMIT) return;
    this.embeddable.push({ spelling: `${kind} ${tag}`, bits: 0, arrayOk: true, estimate });
    if (rng.chance(0.1)) {
      // A typedef of the record carrying aligned (it may lower it) or packed (ignored by gcc on a typedef).
      const name = this.typedefName('tr');
      this.out.push(this.typedefLine(`${kind} ${tag}`, name, [rng.chance(0.8) ? this.alignedAttr() : 'packed']));
      this.embeddable.push({ spelling: name, bits: 0, arrayOk: false, estimate: estimate + 64 });
    }
    if (rng.chance(0.1)) {
      const attrs = rng.chance(0.5) ? ` ${this.attrText(this.recordAttrs())}` : '';
      const td = `anon_td${i}`;
      this.out.push(`typedef struct { ${rng.pick(this.intKinds())[0]} a; unsigned b : 3; ${rng.pick(this.others).spelling.replace('void (*)(int)', 'void *')} c; }${attrs} ${td};`.replace(' ;', ';'));
      this.records.push(td);
      this.members.set(td, ['a', 'b', 'c']);
    }
  }
}

export function generate(seed: number, count: number, opts: GenOptions): Generated {
  return new DeclGenerator(seed, opts).run(count, seed);
}
