// Questions about one analysis, answered as plain data: what is at this position, what does this member
// overlap, which assertions govern it. The language server translates the answers to LSP.

import { checkCurrent } from '../analysis/analyze';
import type { Analysis, AssertVerdict } from '../analysis/analyze';
import { FlatMember, Layouter } from '../sema/layout';
import { MemdescModel, ModelStruct, Overlap } from '../memdesc/memdesc';
import { Span } from '../base/source';
import { Expansion, locationOf, Token, TokenKind } from '../base/token';
import { RecordDef, recordName, typeToString } from '../sema/types';

export type Entity =
  | { kind: 'member'; record: RecordDef; flat: FlatMember; span: Span }
  | { kind: 'record'; record: RecordDef; span: Span }
  | { kind: 'assert'; verdict: AssertVerdict; span: Span };

export interface MemberFacts {
  record: string;
  name: string;
  type: string;
  offset: number | undefined;
  size: number | undefined;
  align: number | undefined;
  bitOffset?: number;
  bitSize?: number;
  /** Bytes of padding right before and after the member in its struct (0 in unions). */
  holeBefore: number;
  holeAfter: number;
  page: number | undefined;
  overlaps: Overlap[];
  /** Assertions that compare this member's offset. */
  asserts: AssertVerdict[];
}

export interface RecordFacts {
  name: string;
  kind: 'struct' | 'union';
  size: number | undefined;
  align: number | undefined;
  cachelines: number | undefined;
  holes: number;
  holeBytes: number;
  padding: number;
  overlays: string | undefined;
  pages: number | undefined;
  assertsHold: number;
  assertsFail: number;
  assertsUnknown: number;
}

const contains = (s: Span, file: string, offset: number) => s.file.path === file && s.offset <= offset && offset <= s.end;

/** The member, record tag or assertion at `offset` in `file`, innermost first. */
export function entityAt(a: Analysis, file: string, offset: number): Entity | undefined {
  checkCurrent(a);
  for (const v of a.asserts) if (contains(v, file, offset)) return { kind: 'assert', verdict: v, span: v };
  for (const def of a.parse.records) {
    if (!def.members || recordName(def) === undefined) continue;
    if (def.body && def.body.file.path === file && (offset < def.body.offset || offset > def.body.end) && !contains(def.loc, file, offset)) continue;
    for (const fm of a.layouter.flatten(def)) {
      if (contains(fm.member.loc, file, offset)) return { kind: 'member', record: def, flat: fm, span: fm.member.loc };
    }
    if (contains(def.loc, file, offset)) return { kind: 'record', record: def, span: def.loc };
  }
  return undefined;
}

function modelStruct(model: MemdescModel | undefined, def: RecordDef): ModelStruct | undefined {
  if (!model) return undefined;
  return [model.base, ...model.memdescs].find((s) => s?.def === def);
}

/** Padding around a member among its siblings in the record that directly holds it. */
function holesAround(lay: Layouter, def: RecordDef, fm: FlatMember): { before: number; after: number } {
  const holder = fm.via.length ? fm.via[fm.via.length - 1].type : undefined;
  const rec = holder && holder.kind === 'record' ? holder.def : def;
  if (rec.kind === 'union') return { before: 0, after: 0 };
  const fields = lay.layout(rec).fields;
  const i = fields.findIndex((f) => f.member === fm.member);
  if (i < 0) return { before: 0, after: 0 };
  const end = (k: number) => (fields[k].bitOffset ?? 0) + (fields[k].bitSize ?? 0);
  const before = i > 0 && fields[i].bitOffset !== undefined ? Math.max(0, Math.floor(fields[i].bitOffset! / 8) - Math.ceil(end(i - 1) / 8)) : 0;
  let after = 0;
  if (i + 1 < fields.length && fields[i + 1].bitOffset !== undefined) after = Math.max(0, Math.floor(fields[i + 1].bitOffset! / 8) - Math.ceil(end(i) / 8));
  else if (i + 1 === fields.length) {
    const size = lay.layout(rec).size;
    if (size !== undefined) after = Math.max(0, size - Math.ceil(end(i) / 8));
  }
  return { before, after };
}

export function memberFacts(a: Analysis, model: MemdescModel | undefined, def: RecordDef, fm: FlatMember): MemberFacts {
  checkCurrent(a);
  const ms = modelStruct(model, def);
  const mm = ms?.members.find((m) => m.flat.member === fm.member);
  const name = recordName(def) ?? '';
  const asserts = (model?.pairs ?? [])
    .filter((p) => (p.a.struct === name && p.a.member === fm.name) || (p.b.struct === name && p.b.member === fm.name))
    .map((p) => p.assert);
  const holes = holesAround(a.layouter, def, fm);
  return {
    record: name,
    name: fm.name,
    type: typeText(fm),
    offset: fm.bitOffset === undefined ? undefined : Math.floor(fm.bitOffset / 8),
    size: fm.size,
    align: fm.align,
    ...(fm.isBitfield ? { bitOffset: fm.bitOffset, bitSize: fm.bitSize } : {}),
    holeBefore: holes.before,
    holeAfter: holes.after,
    page: mm?.page,
    overlaps: mm?.overlaps ?? [],
    asserts: [...new Set(asserts)],
  };
}

function typeText(fm: FlatMember): string {
  return typeToString(fm.member.type);
}

export function recordFacts(a: Analysis, model: MemdescModel | undefined, def: RecordDef): RecordFacts {
  checkCurrent(a);
  const l = a.layouter.layout(def);
  let holes = 0;
  let holeBytes = 0;
  const walk = (d: RecordDef) => {
    const fields = a.layouter.layout(d).fields;
    fields.forEach((f, i) => {
      if (f.member.anonymous && f.member.type.kind === 'record') walk(f.member.type.def);
      if (d.kind !== 'struct' || i === 0 || f.bitOffset === undefined) return;
      const prev = fields[i - 1];
      if (prev.bitOffset === undefined || prev.bitSize === undefined) return;
      const gap = Math.floor(f.bitOffset / 8) - Math.ceil((prev.bitOffset + prev.bitSize) / 8);
      if (gap > 0) {
        holes++;
        holeBytes += gap;
      }
    });
  };
  walk(def);
  const last = l.fields[l.fields.length - 1];
  const padding = def.kind === 'struct' && l.size !== undefined && last?.bitOffset !== undefined && last.bitSize !== undefined ? Math.max(0, l.size - Math.ceil((last.bitOffset + last.bitSize) / 8)) : 0;
  const ms = modelStruct(model, def);
  const name = recordName(def) ?? '';
  const mine = (model?.pairs ?? []).filter((p) => p.a.struct === name || p.b.struct === name).map((p) => p.assert);
  const uniq = [...new Set(mine)];
  return {
    name,
    kind: def.kind,
    size: l.size,
    align: l.align,
    cachelines: l.size === undefined ? undefined : Math.ceil(l.size / 64),
    holes,
    holeBytes,
    padding,
    overlays: ms && ms !== model?.base ? model?.base?.name : undefined,
    pages: ms?.pages,
    assertsHold: uniq.filter((v) => v.holds === true).length,
    assertsFail: uniq.filter((v) => v.holds === false).length,
    assertsUnknown: uniq.filter((v) => v.holds === null).length,
  };
}

// ---- navigation ----


/** Per analysis and file: indices of that file's identifier tokens, ordered by (offset, index). Built on first use. */
const identifierIndex = new WeakMap<Analysis, Map<string, number[]>>();

function identifiersIn(a: Analysis, file: string): number[] {
  let byFile = identifierIndex.get(a);
  if (!byFile) identifierIndex.set(a, (byFile = new Map()));
  let list = byFile.get(file);
  if (!list) {
    list = [];
    for (let i = 0; i < a.tokens.length; i++) {
      const t = a.tokens[i];
      if (t.kind === TokenKind.Identifier && t.file.path === file) list.push(i);
    }
    const l = list;
    l.sort((x, y) => a.tokens[x].offset - a.tokens[y].offset || x - y);
    byFile.set(file, l);
  }
  return list;
}

/** Identifiers are never longer than this, so a token starting further back cannot cover an offset. */
const MAX_IDENTIFIER = 4096;

/** Index of the token the user wrote at `offset` (for macro arguments: the argument as written). */
export function tokenIndexAt(a: Analysis, file: string, offset: number): number | undefined {
  checkCurrent(a);
  // The first token in stream order that covers the offset (what a scan over every token finds).
  const list = identifiersIn(a, file);
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a.tokens[list[mid]].offset <= offset) lo = mid + 1;
    else hi = mid;
  }
  let best: number | undefined;
  for (let k = lo - 1; k >= 0 && a.tokens[list[k]].offset >= offset - MAX_IDENTIFIER; k--) {
    const t = a.tokens[list[k]];
    if (offset <= t.end && (best === undefined || list[k] < best)) best = list[k];
  }
  return best;
}

/** Where what is under the cursor is declared: a member named in an assertion, a typedef, a struct tag. */
export function definitionAt(a: Analysis, model: MemdescModel | undefined, file: string, offset: number): Span[] {
  checkCurrent(a);
  const i = tokenIndexAt(a, file, offset);
  if (i === undefined) return [];
  const t = a.tokens[i];
  for (const p of model?.pairs ?? []) {
    for (const side of [p.a, p.b]) {
      if (side.tok !== i) continue;
      const def = a.parse.records.find((d) => recordName(d) === side.struct && d.members);
      const fm = def && a.layouter.findMember(def, side.member);
      if (fm) return [fm.member.loc];
    }
  }
  const prev = a.tokens[i - 1];
  if (prev && (prev.text === 'struct' || prev.text === 'union' || prev.text === 'enum')) {
    const tag = a.parse.tags.get(t.text);
    if (tag) return [tag.def.loc];
  }
  const o = a.parse.ordinary.get(t.text);
  if (o && (o.kind === 'typedef' || o.kind === 'enumerator')) return [o.loc];
  return [];
}

/**
 * Where the user sees a token: its own place when written in the file or as a macro argument (inside the
 * outermost invocation), else the invocation that produced it from a macro body.
 */
function visibleSpan(t: Token, ex: Expansion | undefined): Span {
  let e = ex;
  if (!e) return { file: t.file, offset: t.offset, end: t.end };
  while (e.parent) e = e.parent;
  if (t.file === e.at.file && t.offset >= e.at.offset && t.end <= (e.callEnd ?? e.at.end)) return { file: t.file, offset: t.offset, end: t.end };
  return locationOf(t, ex);
}

/** Every place a member is named: its declaration and each assertion side that names it. */
export function referencesTo(a: Analysis, model: MemdescModel | undefined, record: RecordDef, memberName: string): Span[] {
  checkCurrent(a);
  const name = recordName(record);
  const fm = a.layouter.findMember(record, memberName);
  const out: Span[] = fm ? [fm.member.loc] : [];
  for (const p of model?.pairs ?? []) {
    for (const side of [p.a, p.b]) {
      if (side.struct !== name || side.member !== memberName) continue;
      out.push(visibleSpan(a.tokens[side.tok], a.exps[side.tok]));
    }
  }
  return out;
}

/** The member under the cursor, whether at its declaration or named in an assertion. */
export function memberAt(a: Analysis, model: MemdescModel | undefined, file: string, offset: number): { record: RecordDef; name: string } | undefined {
  checkCurrent(a);
  const e = entityAt(a, file, offset);
  if (e?.kind === 'member') return { record: e.record, name: e.flat.name };
  const i = tokenIndexAt(a, file, offset);
  if (i === undefined) return undefined;
  for (const p of model?.pairs ?? []) {
    for (const side of [p.a, p.b]) {
      if (side.tok !== i) continue;
      const def = a.parse.records.find((d) => recordName(d) === side.struct && d.members);
      if (def) return { record: def, name: side.member };
    }
  }
  return undefined;
}
