// Parsing again after an edit: only the declarations whose tokens changed, then those that depended on
// what changed (a name bound differently, or a record whose layout or completeness changed). The result
// is the same as parsing the whole translation unit again; the equivalence tests check exactly that.

import { Expr } from './expr';
import { Layouter } from './layout';
import { Ordinary, Parser, ParseResult, ParseState, SkimmedFunction, StaticAssertDecl, Tag } from './parser';
import { Decl } from './symbols';
import { TokenStream } from '../base/token';
import { EnumDef, Member, RecordDef, Type } from './types';

/** Tokens [a, oldEnd) of the previous stream are tokens [a, newEnd) of the new one; all others are the same. */
export interface TokenSplice {
  a: number;
  oldEnd: number;
  newEnd: number;
}

export interface ReparseStats {
  /** Declarations parsed again because their tokens changed. */
  edited: number;
  /** Declarations parsed again because something they depended on changed. */
  dependents: number;
  /** Declarations in the translation unit. */
  total: number;
}

type Def = RecordDef | EnumDef;
const isRecord = (d: Def): d is RecordDef => 'kind' in d;

interface Snapshot {
  complete: boolean;
  members?: Member[];
  packed: boolean;
  aligned?: number;
  underlying?: string;
  values?: bigint[];
}

const snapshot = (d: Def): Snapshot =>
  isRecord(d)
    ? { complete: d.members !== undefined, members: d.members, packed: d.packed, aligned: d.aligned }
    : { complete: d.underlying !== undefined, packed: d.packed, underlying: d.underlying, values: d.enumerators.map((e) => e.value) };

/** Parses again after `splice`; `state` is updated in place. */
export function reparse(state: ParseState, stream: TokenStream, splice: TokenSplice, layouter: Layouter): { result: ParseResult; stats: ReparseStats } {
  const stats: ReparseStats = { edited: 0, dependents: 0, total: 0 };
  const delta = splice.newEnd - splice.oldEnd;
  const decls = state.decls;
  const changes: Changes = { changedOrdinary: new Set(), changedTags: new Set(), changedDefs: new Set(), completenessChanged: new Set(), boundOrdinary: new Set(), boundTags: new Set() };
  if (splice.a === splice.oldEnd && splice.newEnd === splice.a) {
    stats.total = decls.length;
    return { result: state.result(), stats };
  }
  // The declarations the edit touched: from the first one that reads a changed token to the first one that
  // starts after the changed tokens. A declaration may look one token past its end (`};`), hence `>=`.
  let i0 = lowerBound(decls, (d) => d.e >= splice.a);
  const j0 = lowerBound(decls, (d) => d.s >= splice.oldEnd);
  if (i0 > j0) i0 = j0;
  // A declaration that scanned ahead and backed up (a nested declarator, an unbalanced paren) read further.
  for (let k = 0; k < i0; k++) {
    if (decls[k].reach > splice.a) {
      i0 = k;
      break;
    }
  }

  // Completions made from the edit on are hidden, then put back declaration by declaration as the sweep
  // below passes them: each declaration parsed again sees exactly what came before it.
  const hidden = hideCompletions(decls, i0, decls.length);
  // One layouter serves the parses while nothing it has laid out can have changed: a new one after a
  // completion comes back or a record changes (its cache would be stale), not one per declaration.
  const lay = new SharedLayouter(layouter);
  const count = replaceRange(state, stream, i0, j0, decls[i0]?.s ?? splice.a, splice.newEnd, delta, lay, changes, hidden);
  lay.drop();
  stats.edited = count;
  for (let k = i0 + count; k < decls.length; k++) shiftDecl(decls[k], delta);

  // Declarations that read what changed are parsed again (they may change more: the sets grow as we go).
  // Indices stay ordered without renumbering (replacements take fractional ones), so that is done once, last.
  const affected = new Affected(changes.changedDefs);
  for (let k = i0 + count; k < decls.length; k++) {
    const d = decls[k];
    // Not parsed again: its completions come back. One that collides with a record completed anew means the
    // declaration saw something else; then it is parsed again after all.
    if (!dependsOn(d, changes, affected)) {
      const had = hidden.has(d);
      if (restoreOf(d, hidden, changes)) {
        // Records completed again: what was laid out, and what was found to contain what, may differ now.
        if (had) {
          lay.drop();
          affected.changed();
        }
        continue;
      }
    }
    const known = changes.changedDefs.size;
    const n = replaceRange(state, stream, k, k + 1, d.s, d.e, 0, lay, changes, hidden);
    stats.dependents += n;
    if (changes.changedDefs.size !== known) {
      affected.changed();
      lay.drop();
    }
    k += n - 1;
  }
  renumber(decls);
  // Names rebound to equal values kept their objects; the rest are in the change sets (plus every name the
  // replaced and new declarations bound, whose last binding may have moved).
  state.ordinary.refresh(changes.boundOrdinary);
  state.tags.refresh(changes.boundTags);
  stats.total = decls.length;
  return { result: state.result(), stats };
}

interface Changes {
  changedOrdinary: Set<string>;
  changedTags: Set<string>;
  changedDefs: Set<Def>;
  completenessChanged: Set<Def>;
  /** Every name a replaced or new declaration bound. */
  boundOrdinary: Set<string>;
  boundTags: Set<string>;
}

/**
 * Replaces declarations [i0, j0) by parsing tokens from `start` of the new stream until a boundary at or after
 * `newEnd` that is the start of an old declaration (shifted by `delta`). Their completions are in `hidden`
 * (state is as before i0). Returns how many declarations now stand in their place; names and records that end
 * up different are added to `changes`.
 */
function replaceRange(state: ParseState, stream: TokenStream, i0: number, j0: number, start: number, newEnd: number, delta: number, lay: SharedLayouter, changes: Changes, hidden: Map<Decl, Hidden[]>): number {
  const decls = state.decls;
  let j = j0;
  for (;;) {
    const old = decls.slice(i0, j);
    // What the old declarations left, to compare with (and records to hand out again).
    const before = new Map<Def, Snapshot>();
    const reuse = new Map<string, Def>();
    for (const d of old) {
      for (const def of d.created) {
        if (!before.has(def)) before.set(def, snapshot(def));
        if (def.tag !== undefined) reuse.set(`${isRecord(def) ? 'struct' : 'enum'} ${def.tag}`, def);
      }
      // A completion in the range (hidden now) is what the end of the range saw, even for a record made in it.
      for (const h of hidden.get(d) ?? []) before.set(h.def, snapshot({ ...h.def, ...h.after } as Def));
    }
    const prev = i0 > 0 ? decls[i0 - 1].index : -1;
    const next = i0 < decls.length ? decls[i0].index : prev + 1;
    // Records handed out again are overwritten by the new parse: kept as they are, in case it starts over.
    const kept = [...reuse.values()].map((def) => ({ def, fields: { ...def } }));
    const parser = new Parser(stream, lay.get(), state);
    parser.reuse = reuse;
    const fresh = parser.declarations(start, (pos) => pos >= newEnd && startsOldDecl(decls, j0, pos - delta), prev + (next - prev) / 4, (next - prev) / (4 * 1024 * 1024));
    const end = fresh.length ? fresh[fresh.length - 1].e : start;
    // Where the new parse came back in step: the old declaration starting there.
    const jEnd = end >= stream.tokens.length - 1 ? decls.length : lowerBound(decls, (d) => d.s >= end - delta);
    if (jEnd > j) {
      // The new tokens swallowed more declarations than expected (an unclosed brace, say): start over with them.
      for (const d of fresh) unbind(state, d);
      for (let k = fresh.length - 1; k >= 0; k--) undoCompletions(fresh[k]);
      for (const { def, fields } of kept) Object.assign(def, fields);
      // The layouter laid out records this parse completed and has just undone: its cache would lie.
      lay.drop();
      j = jEnd;
      continue;
    }
    // Same declarations made again: keep the objects others hold when the new ones are equal.
    keepIdentities(state, old, fresh, changes);
    // Records the new declarations completed that the old ones did not touch were as they are before them.
    for (const d of fresh) for (const c of d.completes) if (!before.has(c.def)) before.set(c.def, snapshot({ ...c.def, ...c.saved } as Def));
    for (const [def, snap] of before) {
      const now = snapshot(def);
      if (!sameSnapshot(snap, now)) changes.changedDefs.add(def);
      if (snap.complete !== now.complete) changes.completenessChanged.add(def);
    }
    for (const d of [...old, ...fresh]) {
      for (let k = 0; k < d.defName.length; k++) (d.defTable[k] === 0 ? changes.boundOrdinary : changes.boundTags).add(d.defName[k]);
    }
    for (const d of old) {
      unbind(state, d);
      hidden.delete(d);
    }
    decls.splice(i0, j - i0, ...fresh);
    return fresh.length;
  }
}

interface Hidden {
  def: Def;
  after: Partial<RecordDef> & Partial<EnumDef>;
}

/** Reverts the completions made by declarations [from, to) (latest first); returns them by declaration. */
function hideCompletions(decls: Decl[], from: number, to: number): Map<Decl, Hidden[]> {
  const hidden = new Map<Decl, Hidden[]>();
  for (let k = to - 1; k >= from; k--) {
    const d = decls[k];
    const cs = d.completes;
    if (cs.length === 0) continue;
    const list: Hidden[] = new Array(cs.length);
    for (let c = cs.length - 1; c >= 0; c--) {
      const { def, saved } = cs[c];
      list[c] = { def, after: swapFields(def, saved) };
    }
    hidden.set(d, list);
  }
  return hidden;
}

/** Sets a completed record's or enum's completion fields to `to`; returns what they were. */
function swapFields(def: Def, to: Partial<RecordDef> & Partial<EnumDef>): Partial<RecordDef> & Partial<EnumDef> {
  if (isRecord(def)) {
    const was = { loc: def.loc, body: def.body, members: def.members, packed: def.packed, aligned: def.aligned };
    def.loc = to.loc!;
    def.body = to.body;
    def.members = to.members;
    def.packed = to.packed!;
    def.aligned = to.aligned;
    return was;
  }
  const was = { underlying: def.underlying, enumerators: def.enumerators, packed: def.packed };
  def.underlying = to.underlying;
  def.enumerators = to.enumerators!;
  def.packed = to.packed!;
  return was;
}

/**
 * Puts back the completions of a declaration that is kept; false (nothing put back) when one of its records is
 * complete already, i.e. something before it now completes it.
 */
function restoreOf(d: Decl, hidden: Map<Decl, Hidden[]>, changes: Changes): boolean {
  const list = hidden.get(d);
  if (!list) return true;
  if (list.some((h) => isComplete(h.def))) {
    for (const h of list) changes.completenessChanged.add(h.def);
    return false;
  }
  for (const h of list) swapFields(h.def, h.after);
  hidden.delete(d);
  return true;
}

const isComplete = (d: Def) => (isRecord(d) ? d.members !== undefined : d.underlying !== undefined);

function undoCompletions(d: Decl): void {
  for (let c = d.completes.length - 1; c >= 0; c--) swapFields(d.completes[c].def, d.completes[c].saved);
}

function unbind(state: ParseState, d: Decl): void {
  for (let k = 0; k < d.defName.length; k++) (d.defTable[k] === 0 ? state.ordinary : state.tags).remove(d.defName[k], d);
}

/**
 * After parsing declarations again: where a new declaration bound a name to a value equal to what an old one
 * bound, the old value object is kept (readers compare by identity), with the new location. Names whose value
 * differs in the end are recorded as changed.
 */
function keepIdentities(state: ParseState, old: Decl[], fresh: Decl[], changes: Changes): void {
  const tab = (t: number) => (t === 0 ? state.ordinary : state.tags) as { boundBy(n: string, d: Decl): unknown[]; rebind(n: string, d: Decl, from: unknown, to: unknown): void };
  const changed = (t: number, name: string) => (t === 0 ? changes.changedOrdinary : changes.changedTags).add(name);
  // Old values of each name, across the old declarations, in order.
  const pool = new Map<string, { table: number; name: string; values: unknown[] }>();
  for (const d of old) {
    const done = new Set<string>();
    for (let k = 0; k < d.defName.length; k++) {
      const key = `${d.defTable[k]}:${d.defName[k]}`;
      if (done.has(key)) continue;
      done.add(key);
      let e = pool.get(key);
      if (!e) pool.set(key, (e = { table: d.defTable[k], name: d.defName[k], values: [] }));
      e.values.push(...tab(d.defTable[k]).boundBy(d.defName[k], d));
    }
  }
  for (const d of fresh) {
    const done = new Set<string>();
    for (let k = 0; k < d.defName.length; k++) {
      const table = d.defTable[k];
      const name = d.defName[k];
      const key = `${table}:${name}`;
      if (done.has(key)) continue;
      done.add(key);
      const olds = pool.get(key)?.values ?? [];
      for (const nv of tab(table).boundBy(name, d)) {
        const match = olds.findIndex((ov) => (table === 0 ? sameOrdinary(ov as Ordinary, nv as Ordinary) : sameTag(ov as Tag, nv as Tag)));
        if (match < 0) {
          changed(table, name);
          continue;
        }
        const ov = olds.splice(match, 1)[0];
        if (ov instanceof SkimmedFunction && nv instanceof SkimmedFunction) ov.moveTo(nv);
        else if (table === 0) (ov as Ordinary).loc = (nv as Ordinary).loc;
        tab(table).rebind(name, d, nv, ov);
      }
    }
  }
  // Old values nothing took over: those names now mean something else (or nothing).
  for (const e of pool.values()) if (e.values.length) changed(e.table, e.name);
}

function sameTag(a: Tag, b: Tag): boolean {
  return a.kind === b.kind && a.def === b.def;
}

function sameOrdinary(a: Ordinary, b: Ordinary): boolean {
  // A skimmed prototype whose type nothing asked for: nothing read can differ, and the old one's tokens are gone
  // (the stream changes in place). It takes the new one's place.
  if (a instanceof SkimmedFunction && !a.observed) return b instanceof SkimmedFunction;
  if (a.kind !== b.kind) return false;
  if (a.kind === 'enumerator' && b.kind === 'enumerator') return a.value === b.value && sameType(a.type, b.type);
  return sameType(a.type, b.type);
}

export function sameType(a: Type, b: Type): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind || a.typedefName !== b.typedefName || a.userAlign !== b.userAlign || a.qual !== b.qual) return false;
  switch (a.kind) {
    case 'scalar':
      return a.scalar === (b as typeof a).scalar && a.name === (b as typeof a).name;
    case 'complex':
      return a.of === (b as typeof a).of && a.name === (b as typeof a).name;
    case 'vector': {
      const c = b as typeof a;
      return a.length === c.length && a.bytes === c.bytes && sameType(a.of, c.of);
    }
    case 'pointer':
      return sameType(a.to, (b as typeof a).to);
    case 'array': {
      const c = b as typeof a;
      return a.length === c.length && !!a.lengthUnknown === !!c.lengthUnknown && sameType(a.of, c.of);
    }
    case 'function': {
      const c = b as typeof a;
      if (a.paramsText !== c.paramsText || !!a.variadic !== !!c.variadic || !sameType(a.returns, c.returns)) return false;
      if (!a.params || !c.params) return a.params === c.params;
      return a.params.length === c.params.length && a.params.every((p, i) => sameType(p, c.params![i]));
    }
    case 'record':
    case 'enum':
      return a.def === (b as typeof a).def;
    case 'unknown':
      return a.name === (b as typeof a).name;
  }
}

function sameMembers(a: Member[] | undefined, b: Member[] | undefined): boolean {
  if (a === b) return true;
  if (!a || !b || a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = b[i];
    if (x.name !== y.name || x.bitWidth !== y.bitWidth || !!x.bitWidthUnknown !== !!y.bitWidthUnknown || x.packed !== y.packed || x.aligned !== y.aligned || x.anonymous !== y.anonymous) return false;
    if (!sameType(x.type, y.type)) return false;
  }
  return true;
}

function sameSnapshot(a: Snapshot, b: Snapshot): boolean {
  if (a.complete !== b.complete || a.packed !== b.packed || a.aligned !== b.aligned || a.underlying !== b.underlying) return false;
  if (a.values || b.values) {
    if (!a.values || !b.values || a.values.length !== b.values.length) return false;
    for (let i = 0; i < a.values.length; i++) if (a.values[i] !== b.values[i]) return false;
  }
  return sameMembers(a.members, b.members);
}

/** The parse-time layouter of a reparse, made anew when what it has laid out may have changed. */
class SharedLayouter {
  private lay: Layouter | undefined;
  constructor(private readonly base: Layouter) {}
  get(): Layouter {
    return (this.lay ??= this.base.fresh());
  }
  drop(): void {
    this.lay = undefined;
  }
}

/**
 * Whether a record's layout changes with the changed records: it is one of them, or contains one by value
 * (transitively). Asked only for the records declarations actually read, and remembered.
 */
class Affected {
  private memo = new Map<Def, boolean>();
  constructor(private readonly changedDefs: Set<Def>) {}

  /** More records changed: forget the answers. */
  changed(): void {
    this.memo.clear();
  }

  get size(): number {
    return this.changedDefs.size;
  }

  has(d: Def): boolean {
    if (this.changedDefs.size === 0) return false;
    const m = this.memo.get(d);
    if (m !== undefined) return m;
    this.memo.set(d, false); // a record containing itself ends here
    let r = this.changedDefs.has(d);
    if (!r && isRecord(d)) {
      for (const mem of d.members ?? []) {
        let t = mem.type;
        while (t.kind === 'array') t = t.of;
        if ((t.kind === 'record' || t.kind === 'enum') && this.has(t.def)) {
          r = true;
          break;
        }
      }
    }
    this.memo.set(d, r);
    return r;
  }
}

function dependsOn(d: Decl, changes: Changes, content: Affected): boolean {
  const ord = changes.changedOrdinary;
  const tags = changes.changedTags;
  const completeness = changes.completenessChanged;
  if (ord.size || tags.size) {
    for (let k = 0; k < d.readName.length; k++) {
      if ((d.readTable[k] === 0 ? ord : tags).has(d.readName[k])) return true;
    }
  }
  if (d.content && content.size) for (const x of d.content) if (content.has(x)) return true;
  if (d.complete && completeness.size) for (const x of completeness) if (d.complete.has(x)) return true;
  return false;
}

function startsOldDecl(decls: Decl[], from: number, oldPos: number): boolean {
  const k = lowerBound(decls, (d) => d.s >= oldPos);
  return k >= from && k < decls.length && decls[k].s === oldPos;
}

/** First index whose element satisfies a monotone predicate (false...false true...true). */
function lowerBound<T>(xs: T[], p: (x: T) => boolean): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (p(xs[mid])) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function renumber(decls: Decl[]): void {
  for (let k = 0; k < decls.length; k++) decls[k].index = k;
}

function shiftDecl(d: Decl, delta: number): void {
  if (delta === 0) return;
  d.s += delta;
  d.e += delta;
  d.reach += delta;
  for (const a of d.asserts) shiftAssert(a, delta);
}

function shiftAssert(a: StaticAssertDecl, delta: number): void {
  a.s += delta;
  a.e += delta;
  const seen = new Set<Expr>();
  if (a.expr) shiftExpr(a.expr, delta, seen);
  if (a.result && !a.result.ok) shiftExpr(a.result.at, delta, seen);
}

function shiftExpr(e: Expr, delta: number, seen: Set<Expr>): void {
  if (seen.has(e)) return;
  seen.add(e);
  e.s += delta;
  e.e += delta;
  switch (e.k) {
    case 'unary':
    case 'cast':
      shiftExpr(e.arg, delta, seen);
      return;
    case 'binary':
      shiftExpr(e.l, delta, seen);
      shiftExpr(e.r, delta, seen);
      return;
    case 'cond':
      shiftExpr(e.c, delta, seen);
      if (e.t) shiftExpr(e.t, delta, seen);
      shiftExpr(e.f, delta, seen);
      return;
    case 'sizeof':
    case 'alignof':
      if (e.arg) shiftExpr(e.arg, delta, seen);
      return;
    case 'offsetof':
      for (const step of e.path) {
        if ('tok' in step) step.tok += delta;
        else shiftExpr(step.index, delta, seen);
      }
      return;
    case 'member':
      e.tok += delta;
      shiftExpr(e.arg, delta, seen);
      return;
    case 'index':
      shiftExpr(e.arg, delta, seen);
      shiftExpr(e.index, delta, seen);
      return;
    case 'call':
      for (const x of e.args) shiftExpr(x, delta, seen);
      return;
    default:
      return;
  }
}
