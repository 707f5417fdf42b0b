// A seeded generator of random C declarations covering every layout construct the engine claims:
// nested anonymous structs/unions, bitfields of every width and base type, packed/aligned everywhere gcc
// accepts them, arrays, enums, typedef chains, flexible and zero-length arrays, MS-extension members.

import { ABIS, AbiName } from '../../server/src/engine/base/abi';

export interface GenOptions {
  abi: AbiName;
  msExtensions?: boolean;
}

export interface Generated {
  source: string;
  /** Tags of the generated structs/unions, to compare. */
  records: string[];
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

interface IntType {
  spelling: string;
  bits: number;
}

const INT_TYPES_COMMON: IntType[] = [
  { spelling: 'char', bits: 8 },
  { spelling: 'signed char', bits: 8 },
  { spelling: 'unsigned char', bits: 8 },
  { spelling: 'short', bits: 16 },
  { spelling: 'unsigned short', bits: 16 },
  { spelling: 'int', bits: 32 },
  { spelling: 'unsigned', bits: 32 },
  { spelling: 'unsigned int', bits: 32 },
  { spelling: 'long long', bits: 64 },
  { spelling: 'unsigned long long', bits: 64 },
  { spelling: '_Bool', bits: 1 },
];

export function generate(seed: number, count: number, opts: GenOptions): Generated {
  const rng = new Rng(seed);
  const abi = ABIS[opts.abi];
  const wordBits = abi.wordSize * 8;
  const intTypes: IntType[] = [...INT_TYPES_COMMON, { spelling: 'long', bits: wordBits }, { spelling: 'unsigned long', bits: wordBits }];
  if (abi.hasInt128) intTypes.push({ spelling: '__int128', bits: 128 }, { spelling: 'unsigned __int128', bits: 128 });
  const out: string[] = [`/* seed ${seed}, ${count} records, ${opts.abi} */`];
  // Typedefs and enums every record may use.
  const typedefs: IntType[] = [];
  const otherTypes: string[] = ['float', 'double', 'long double', 'void *', 'char *', 'void (*)(int)'];
  for (let i = 0; i < 6; i++) {
    const base = rng.pick(intTypes);
    const name = `td${i}`;
    const align = rng.chance(0.5) ? ` __attribute__((aligned(${rng.pick([1, 2, 4, 8, 16])})))` : '';
    out.push(`typedef ${base.spelling} ${name}${align};`);
    // An aligned typedef is not used for bitfields (gcc allows it, but keep bitfield types plain).
    if (!align) typedefs.push({ spelling: name, bits: base.bits });
    else otherTypes.push(name);
    out.push(`typedef ${name} td${i}_chain;`);
    if (!align) typedefs.push({ spelling: `td${i}_chain`, bits: base.bits });
    else otherTypes.push(`td${i}_chain`);
  }
  const enums: IntType[] = [];
  out.push('enum e_small { ES_A, ES_B, ES_C = 7 };');
  enums.push({ spelling: 'enum e_small', bits: 32 });
  out.push('enum e_neg { EN_A = -3, EN_B = 100 };');
  enums.push({ spelling: 'enum e_neg', bits: 32 });
  out.push('enum e_big { EB_A = 0x7fffffff, EB_B = 0xffffffffU };');
  enums.push({ spelling: 'enum e_big', bits: 32 });
  out.push('enum e_huge { EH_A = 0xffffffffffffffffULL };');
  otherTypes.push('enum e_huge');
  out.push('enum __attribute__((packed)) e_packed { EP_A, EP_B = 200 };');
  otherTypes.push('enum e_packed');
  out.push('enum __attribute__((packed)) e_packed16 { EQ_A = -1, EQ_B = 1000 };');
  otherTypes.push('enum e_packed16');
  out.push('struct empty {};');
  otherTypes.push('struct empty');

  const records: string[] = [];
  /** Records that may be embedded by value (no flexible array member). */
  const embeddable: string[] = [];
  let memberId = 0;
  const fresh = () => `m${memberId++}`;

  /** Element types for arrays: no over-aligned typedefs (gcc rejects arrays of those). */
  const elementType = (): string => {
    const t = scalarType();
    return /^td\d/.test(t) && !typedefs.some((x) => x.spelling === t) ? 'int' : t;
  };
  const scalarType = (): string => {
    const r = rng.int(10);
    if (r < 5) return rng.pick(intTypes).spelling;
    if (r < 7) return rng.pick(typedefs.length ? typedefs : intTypes).spelling;
    if (r < 8) return rng.pick(enums).spelling;
    return rng.pick(otherTypes);
  };

  const declare = (type: string, name: string, suffix = ''): string => {
    // Function pointer types are spelled around the name.
    if (type === 'void (*)(int)') return `void (*${name}${suffix})(int)`;
    return `${type} ${name}${suffix}`;
  };

  const memberAttr = (): string => {
    const r = rng.int(14);
    if (r === 0) return ' __attribute__((packed))';
    if (r === 1) return ` __attribute__((aligned(${rng.pick([1, 2, 4, 8, 16, 32])})))`;
    if (r === 2) return ` __attribute__((packed, aligned(${rng.pick([1, 2, 4, 8])})))`;
    return '';
  };

  const bitfield = (): string => {
    const t = rng.pick([...intTypes.filter((x) => x.bits <= 64), ...typedefs.filter((x) => x.bits <= 64), ...enums]);
    const maxW = t.bits;
    if (rng.chance(0.12)) return `${t.spelling} : 0;`;
    const w = t.bits === 1 ? 1 : 1 + rng.int(maxW);
    if (rng.chance(0.15)) return `${t.spelling} : ${w};`;
    return `${t.spelling} ${fresh()} : ${w}${rng.chance(0.08) ? ' __attribute__((packed))' : ''};`;
  };

  const body = (depth: number, isUnion: boolean, allowFlexible: boolean): string[] => {
    const lines: string[] = [];
    const n = 1 + rng.int(depth === 0 ? 9 : 5);
    for (let i = 0; i < n; i++) {
      const r = rng.int(20);
      if (r < 6) {
        lines.push(`${declare(scalarType(), fresh())}${memberAttr()};`);
      } else if (r < 10) {
        lines.push(bitfield());
      } else if (r < 12 && depth < 4) {
        const kind = rng.chance(0.5) ? 'union' : 'struct';
        const attr = rng.chance(0.1) ? ' __attribute__((packed))' : rng.chance(0.1) ? ` __attribute__((aligned(${rng.pick([4, 8, 16])})))` : '';
        lines.push(`${kind} {`, ...body(depth + 1, kind === 'union', false).map((l) => '\t' + l), `}${attr};`);
      } else if (r < 13 && embeddable.length) {
        lines.push(`${rng.pick(embeddable)} ${fresh()}${memberAttr()};`);
      } else if (r < 15) {
        const dims = 1 + rng.int(2);
        let suffix = '';
        for (let d = 0; d < dims; d++) suffix += `[${rng.chance(0.3) ? `${1 + rng.int(3)} * sizeof(short)` : 1 + rng.int(4)}]`;
        const el = embeddable.length && rng.chance(0.25) ? rng.pick(embeddable) : elementType();
        lines.push(`${declare(el, fresh(), suffix)}${memberAttr()};`);
      } else if (r < 16) {
        lines.push(`${elementType().replace('void (*)(int)', 'int')} ${fresh()}[0];`);
      } else if (r < 17) {
        const align = rng.pick([16, 32]);
        lines.push(`_Alignas(${align}) ${declare(scalarType(), fresh())};`);
      } else if (r < 18 && opts.msExtensions && embeddable.length && !msUsed) {
        // One MS-extension member per record keeps promoted names unique.
        msUsed = true;
        lines.push(`${rng.pick(embeddable)};`);
      } else if (r < 19) {
        const t = rng.pick([...intTypes, ...typedefs, ...enums]).spelling;
        lines.push(`${t} ${fresh()}, *${fresh()}, ${fresh()}[2];`);
      } else {
        lines.push(`${declare(scalarType(), fresh())};`);
      }
    }
    if (allowFlexible && !isUnion && lines.some((l) => /\bm\d+\b/.test(l)) && rng.chance(0.1)) lines.push(`${rng.pick(intTypes).spelling} ${fresh()}[];`);
    return lines;
  };

  let msUsed = false;
  for (let i = 0; i < count; i++) {
    msUsed = false;
    const tag = `r${i}`;
    const kind = rng.chance(0.2) ? 'union' : 'struct';
    const before = rng.chance(0.08) ? ` __attribute__((aligned(${rng.pick([2, 8, 16, 64])})))` : '';
    const after = rng.chance(0.12) ? ' __attribute__((packed))' : rng.chance(0.08) ? ` __attribute__((aligned(${rng.pick([4, 16, 32])})))` : '';
    const lines = body(0, kind === 'union', !opts.msExtensions);
    const flexible = lines.some((l) => /\[\];$/.test(l));
    out.push(`${kind}${before} ${tag} {`, ...lines.map((l) => '\t' + l), `}${after};`);
    records.push(tag);
    if (!flexible) embeddable.push(`${kind} ${tag}`);
    if (rng.chance(0.1)) {
      out.push(`typedef struct { ${rng.pick(intTypes).spelling} a; unsigned b : 3; } anon_td${i};`);
      records.push(`anon_td${i}`);
    }
  }
  return { source: out.join('\n') + '\n', records };
}
