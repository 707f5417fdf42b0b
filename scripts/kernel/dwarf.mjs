// DWARF as `readelf --debug-dump=info -W` prints it: the DIE tree, and the layout facts gcc recorded for
// structs and unions (sizes, member offsets, bitfield bit offsets). Shared by gcc-oracle.mjs (the memdesc
// oracle) and tu-fidelity.mjs (every struct of a translation unit). Independent of the project's engine.

/** DIEs of `readelf --debug-dump=info`: { off, tag, attrs, children, parent }, by offset. */
export function parseReadelf(text) {
  const dies = new Map();
  const stack = [];
  let cur;
  for (const line of text.split('\n')) {
    let m = /^\s*<(\d+)><([0-9a-f]+)>: Abbrev Number: (\d+)(?: \((DW_TAG_\w+)\))?/.exec(line);
    if (m) {
      const depth = Number(m[1]);
      if (m[3] === '0') {
        cur = undefined;
        stack.length = depth;
        continue;
      }
      const die = { off: parseInt(m[2], 16), tag: m[4], attrs: {}, children: [], parent: undefined };
      stack.length = depth;
      const parent = stack[depth - 1];
      if (parent) {
        parent.children.push(die);
        die.parent = parent;
      }
      stack[depth] = die;
      dies.set(die.off, die);
      cur = die;
      continue;
    }
    m = /^\s*<[0-9a-f]+>\s+(DW_AT_\w+)\s*:\s?(.*)$/.exec(line);
    if (m && cur) cur.attrs[m[1]] = m[2].trim().replace(/^\(\w+\)\s*/, ''); // drop -W's (form)
  }
  return dies;
}

export const attrName = (v) => (v === undefined ? undefined : (/^\([^)]*\):\s*(.*)$/.exec(v)?.[1] ?? v).trim());
export const attrRef = (v) => (v === undefined ? undefined : parseInt(/<0x([0-9a-f]+)>/.exec(v)[1], 16));
export function attrNum(v) {
  if (v === undefined) return undefined;
  const plus = /DW_OP_plus_uconst: (\d+)/.exec(v);
  if (plus) return Number(plus[1]);
  const s = v.split(/\s/)[0];
  const n = s.startsWith('0x') ? BigInt(s) : BigInt(s);
  return Number(BigInt.asIntN(64, n));
}

export class Dwarf {
  constructor(text) {
    this.dies = parseReadelf(text);
  }
  type(die) {
    return die.attrs.DW_AT_type === undefined ? undefined : this.dies.get(attrRef(die.attrs.DW_AT_type));
  }
  /** typedef / const / volatile / atomic stripped */
  strip(t) {
    while (t && ['DW_TAG_typedef', 'DW_TAG_const_type', 'DW_TAG_volatile_type', 'DW_TAG_restrict_type', 'DW_TAG_atomic_type'].includes(t.tag)) t = this.type(t);
    return t;
  }
  /** Array dimensions, -1 for an unbounded (flexible) one. */
  dims(arr) {
    return arr.children
      .filter((c) => c.tag === 'DW_TAG_subrange_type')
      .map((c) => {
        if (c.attrs.DW_AT_count !== undefined) return attrNum(c.attrs.DW_AT_count);
        if (c.attrs.DW_AT_upper_bound !== undefined) return attrNum(c.attrs.DW_AT_upper_bound) + 1;
        return -1;
      });
  }
  size(t) {
    t = this.strip(t);
    if (!t) return undefined;
    if (t.tag === 'DW_TAG_array_type') {
      const dims = this.dims(t);
      if (dims.includes(-1)) return 0;
      return dims.reduce((a, b) => a * b, this.size(this.type(t)));
    }
    const bs = attrNum(t.attrs.DW_AT_byte_size);
    if (bs !== undefined) return bs;
    return undefined;
  }
  flexible(t) {
    t = this.strip(t);
    return !!t && t.tag === 'DW_TAG_array_type' && this.dims(t).includes(-1);
  }
  typeName(t) {
    if (!t) return 'void';
    const n = attrName(t.attrs.DW_AT_name);
    switch (t.tag) {
      case 'DW_TAG_base_type':
      case 'DW_TAG_typedef':
        return n;
      case 'DW_TAG_structure_type':
        return `struct ${n ?? '<anonymous>'}`;
      case 'DW_TAG_union_type':
        return `union ${n ?? '<anonymous>'}`;
      case 'DW_TAG_enumeration_type':
        return `enum ${n ?? '<anonymous>'}`;
      case 'DW_TAG_const_type':
        return `const ${this.typeName(this.type(t))}`;
      case 'DW_TAG_volatile_type':
        return `volatile ${this.typeName(this.type(t))}`;
      case 'DW_TAG_atomic_type':
        return `_Atomic ${this.typeName(this.type(t))}`;
      case 'DW_TAG_restrict_type':
        return `${this.typeName(this.type(t))} restrict`;
      case 'DW_TAG_pointer_type': {
        const to = this.type(t);
        if (to && to.tag === 'DW_TAG_subroutine_type') return `${this.typeName(this.type(to))} (*)()`;
        return `${this.typeName(to)} *`;
      }
      case 'DW_TAG_array_type':
        return `${this.typeName(this.type(t))}${this.dims(t).map((d) => `[${d < 0 ? '' : d}]`).join('')}`;
      case 'DW_TAG_subroutine_type':
        return `${this.typeName(this.type(t))} ()`;
      default:
        return t.tag;
    }
  }
  /** The complete definition of struct NAME, if the translation unit has one. */
  struct(name) {
    for (const d of this.dies.values()) {
      if (d.tag === 'DW_TAG_structure_type' && attrName(d.attrs.DW_AT_name) === name && d.attrs.DW_AT_declaration === undefined && d.attrs.DW_AT_byte_size !== undefined) return d;
    }
    return undefined;
  }
  /** Named members reachable through anonymous members, with absolute offsets (bits for bitfields). */
  members(s, base = 0, out = []) {
    for (const m of s.children) {
      if (m.tag !== 'DW_TAG_member') continue;
      const t = this.type(m);
      const loc = attrNum(m.attrs.DW_AT_data_member_location) ?? 0;
      const name = attrName(m.attrs.DW_AT_name);
      const bitSize = attrNum(m.attrs.DW_AT_bit_size);
      if (name === undefined && bitSize === undefined) {
        const inner = this.strip(t);
        if (!inner || !['DW_TAG_structure_type', 'DW_TAG_union_type'].includes(inner.tag)) throw new Error(`unnamed member of non-aggregate type at DIE 0x${m.off.toString(16)}`);
        this.members(inner, base + loc, out);
        continue;
      }
      if (name === undefined) continue; // unnamed bitfield: padding, not a member
      const size = this.size(t);
      const rec = { name, offset: base + loc, size, type: this.typeName(t) };
      if (bitSize !== undefined) {
        let bit;
        if (m.attrs.DW_AT_data_bit_offset !== undefined) bit = base * 8 + attrNum(m.attrs.DW_AT_data_bit_offset);
        else {
          // DWARF 2/3 style (big-endian numbering within the storage unit), little-endian targets only here
          const unit = attrNum(m.attrs.DW_AT_byte_size) ?? size;
          bit = (base + loc) * 8 + unit * 8 - attrNum(m.attrs.DW_AT_bit_offset) - bitSize;
        }
        rec.offset = Math.floor(bit / 8);
        rec.bitOffset = bit;
        rec.bitSize = bitSize;
      }
      if (this.flexible(t)) rec.flexible = true;
      Object.defineProperty(rec, 'typeDie', { value: t, enumerable: false });
      out.push(rec);
    }
    return out;
  }

  /**
   * Every complete struct and union the compile unit defines, as C names them: by tag, or by the first typedef
   * naming an anonymous one. `scope` is `file` for unit-level types and `block` for those defined inside a
   * function (nested in a subprogram DIE); anonymous ones that no typedef names are listed with `name`
   * undefined and `use` saying what they are the type of (an anonymous member, a named member, something else).
   */
  /** Whether some typedef names this (anonymous) type. */
  typedefNamed(die) {
    if (!this.typedefTargets) {
      this.typedefTargets = new Set();
      for (const d of this.dies.values()) if (d.tag === 'DW_TAG_typedef' && d.attrs.DW_AT_type !== undefined) this.typedefTargets.add(attrRef(d.attrs.DW_AT_type));
    }
    return this.typedefTargets.has(die.off);
  }

  records() {
    const typedefOf = new Map();
    const anonMemberTypes = new Set();
    const namedMemberTypes = new Set();
    const variableTypes = new Set();
    for (const d of this.dies.values()) {
      if (d.tag === 'DW_TAG_variable' && d.attrs.DW_AT_type !== undefined) {
        let t = this.strip(this.type(d));
        while (t && t.tag === 'DW_TAG_array_type') t = this.strip(this.type(t));
        if (t) variableTypes.add(t.off);
      }
      if (d.tag === 'DW_TAG_typedef' && d.attrs.DW_AT_type !== undefined) {
        const t = attrRef(d.attrs.DW_AT_type);
        if (!typedefOf.has(t)) typedefOf.set(t, attrName(d.attrs.DW_AT_name));
      } else if (d.tag === 'DW_TAG_member' && d.attrs.DW_AT_type !== undefined) {
        let t = this.strip(this.type(d));
        while (t && t.tag === 'DW_TAG_array_type') t = this.strip(this.type(t));
        if (t) (d.attrs.DW_AT_name === undefined ? anonMemberTypes : namedMemberTypes).add(t.off);
      }
    }
    const out = [];
    for (const d of this.dies.values()) {
      if (d.tag !== 'DW_TAG_structure_type' && d.tag !== 'DW_TAG_union_type') continue;
      if (d.attrs.DW_AT_declaration !== undefined || d.attrs.DW_AT_byte_size === undefined) continue;
      let scope = 'file';
      for (let p = d.parent; p && p.tag !== 'DW_TAG_compile_unit'; p = p.parent) if (p.tag === 'DW_TAG_subprogram' || p.tag === 'DW_TAG_lexical_block' || p.tag === 'DW_TAG_inlined_subroutine') scope = 'block';
      const tag = attrName(d.attrs.DW_AT_name);
      const typedef = tag === undefined ? typedefOf.get(d.off) : undefined;
      out.push({
        die: d,
        kind: d.tag === 'DW_TAG_structure_type' ? 'struct' : 'union',
        name: tag ?? typedef,
        typedef: tag === undefined && typedef !== undefined,
        scope,
        size: attrNum(d.attrs.DW_AT_byte_size),
        declFile: attrNum(d.attrs.DW_AT_decl_file),
        declLine: attrNum(d.attrs.DW_AT_decl_line),
        use: anonMemberTypes.has(d.off) ? 'anonymous member' : namedMemberTypes.has(d.off) ? 'named member' : variableTypes.has(d.off) ? 'variable' : 'other',
        membersDie: d,
      });
    }
    // A type variant (a typedef with a type attribute such as transparent_union): gcc emits a second DIE of the
    // same size and source position without members; the members are those of the main variant.
    const at = (r) => `${r.kind} ${r.declFile}:${r.declLine}:${attrNum(r.die.attrs.DW_AT_decl_column)} ${r.size}`;
    const withMembers = new Map();
    for (const r of out) if (r.die.children.some((c) => c.tag === 'DW_TAG_member')) withMembers.set(at(r), r);
    for (const r of out) {
      if (r.size === 0 || r.die.children.some((c) => c.tag === 'DW_TAG_member')) continue;
      const main = withMembers.get(at(r));
      if (main && main !== r) {
        r.membersDie = main.die;
        if (main.name === undefined) main.use = 'main variant of a typedef with a type attribute';
      }
    }
    return out;
  }
}

/** DWARF 5 line-table file names (index → absolute path) from `readelf --debug-dump=rawline`, first unit. */
export function fileTable(rawline) {
  const dirs = [];
  const files = [];
  let section;
  for (const line of rawline.split('\n')) {
    if (/The Directory Table/.test(line)) {
      if (dirs.length) break; // the next unit
      section = 'dirs';
      continue;
    }
    if (/The File Name Table/.test(line)) {
      section = 'files';
      continue;
    }
    if (/Line Number Statements|^\s*$/.test(line) && section === 'files' && files.length) break;
    const name = (s) => s.replace(/^\((?:indirect )?(?:line )?string[^)]*\):\s*/, '').trim();
    if (section === 'dirs') {
      const m = /^\s*(\d+)\s+(.*)$/.exec(line);
      if (m) dirs[Number(m[1])] = name(m[2]);
    } else if (section === 'files') {
      const m = /^\s*(\d+)\s+(\d+)\s+(.*)$/.exec(line);
      if (m) {
        const f = name(m[3]);
        files[Number(m[1])] = f.startsWith('/') ? f : `${dirs[Number(m[2])] ?? '.'}/${f}`;
      }
    }
  }
  return files;
}
