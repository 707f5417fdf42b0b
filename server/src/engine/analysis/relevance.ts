// Which macros decide a layout: for the tokens of some declarations, every macro looked up while producing them
// (expanded, or tested by #if, #ifdef, defined, IS_ENABLED), every macro whose definition decided a conditional
// group those tokens sit in, and, transitively, what decided the groups those macros were defined in. Read from a
// journalled run (its lookups and conditionals, see PreprocessSession). The CONFIG_ names among them are the Kconfig
// symbols the layout can depend on.

import { locationOf, TokenKind, type TokenStream } from '../base/token';
import type { Cond } from '../pp/conditionals';
import type { Checkpoint } from '../pp/journal';
import type { MacroDef } from '../pp/macros';
import type { RelevanceSource } from '../pp/preprocessor';
import type { ExprProbe } from '../pp/probe';
import type { Expr } from '../sema/expr';
import type { ParseState, StaticAssertDecl } from '../sema/parser';
import type { Decl } from '../sema/symbols';
import type { EnumDef, Member, RecordDef, Type } from '../sema/types';

export class Relevance {
  private readonly ids = new Set<number>();
  /** Names whose every value counts (read to make output, or by a condition not probed). */
  private readonly pinned = new Set<number>();
  private readonly exprProbes = new Set<ExprProbe>();
  /** Abstracted conditions and the value each had (by CondExpr.key). */
  private readonly decided = new Map<string, boolean>();
  /** Abstracted conditions read as ordinary ones (what they read counts), by CondExpr.key. */
  private readonly concrete: (key: string) => boolean;
  private readonly defs = new Set<MacroDef>();
  private readonly conds = new Set<Cond>();
  private definitionsByName: Map<number, Checkpoint[]> | undefined;

  /** Keys of abstracted conditions found to have been decided both ways in one run: read concretely. */
  private readonly twoWays = new Set<string>();

  constructor(
    private readonly src: RelevanceSource,
    concrete: (key: string) => boolean = () => false,
  ) {
    this.concrete = (key) => this.twoWays.has(key) || concrete(key);
  }

  /** Adds what decided output tokens [s, e). */
  addRange(s: number, e: number): void {
    const l = this.src.journal.lookups;
    // Lookups land in output order (outAt never decreases but where a runaway expansion was dropped).
    let lo = 0;
    let hi = l.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (l.outAt(mid) < s) lo = mid + 1;
      else hi = mid;
    }
    // A condition's own lookups are its group's, added with it below.
    for (let i = lo; i < l.length && l.outAt(i) < e; i++) if (!l.inCondition(i)) this.addLookup(l.id(i), l.def(i), true);
    // The conditional groups the tokens sit in: the state of each stretch they are part of, with the stretches
    // that made no output where the range starts (a group skipped right before its first token decides it too).
    const cps = this.src.journal.cps;
    let k = firstAtOrAfter(cps, s);
    if (k >= cps.length || cps[k].outLen > s) k--;
    for (; k < cps.length && (k < 0 || cps[k].outLen < e); k++) {
      const after = k + 1 < cps.length ? cps[k + 1].conds : this.src.journal.final?.conds;
      for (let c = after; c; c = c.parent) this.addCond(c);
    }
  }

  /**
   * Adds what decided whether the text at `offset` of file `path` was preprocessed (an assertion absent from this
   * run): the conditional groups open there. False when the file was not entered (what kept it out is not known).
   */
  addSourcePoint(path: string, offset: number): boolean {
    const cps = this.src.journal.cps;
    let k = -1;
    for (let i = 0; i < cps.length; i++) {
      const t = cps[i].top;
      if (t?.sf.path === path && cps[i].pos < t.table.count && t.table.start[cps[i].pos] <= offset) k = i;
    }
    if (k < 0) return false;
    const after = k + 1 < cps.length ? cps[k + 1].conds : this.src.journal.final?.conds;
    for (let c = after; c; c = c.parent) this.addCond(c);
    return true;
  }

  private addLookup(id: number, def: MacroDef | undefined, pinned: boolean): void {
    if (pinned) this.pinned.add(id);
    if (this.ids.has(id) && (!def || this.defs.has(def))) return;
    this.ids.add(id);
    if (def) this.addDef(def);
    else if (!this.src.spelling(id).startsWith('CONFIG_')) {
      // A name that is no macro here may be one in another configuration: what decides its definitions (active
      // or not in this run) decides these tokens too.
      for (const cp of this.definitionsOf(id)) for (let c = cp.conds; c; c = c.parent) this.addCond(c);
    }
  }

  private addDef(def: MacroDef): void {
    if (this.defs.has(def) || def.builtin) return;
    this.defs.add(def);
    for (let c = def.context; c; c = c.parent) this.addCond(c);
  }

  private addCond(c: Cond): void {
    if (this.conds.has(c)) return;
    this.conds.add(c);
    if (c.exprs) {
      // A run with config probes: each expression of the chain as the exploration reads it. A probed one is known
      // for every value of the symbols it varied (only combinations keeping its value count: probes()); an
      // abstracted one (too many combinations, or reading a macro such as bounds.h's) counts by its value alone
      // (decisions()), unless the exploration wants it concrete; the rest of what they read counts as it was.
      for (const x of c.exprs) {
        if (x.forced || (x.complex && !this.concrete(x.key))) {
          const known = this.decided.get(x.key);
          if (known === undefined || known === x.value) {
            this.decided.set(x.key, x.value);
            continue;
          }
          // The same directive decided both ways in one run (a header read twice): concrete after all.
          this.decided.delete(x.key);
          this.twoWays.add(x.key);
        }
        if (x.probe) this.exprProbes.add(x.probe);
        const covered = x.probe ? new Set(x.probe.ids) : undefined;
        const l = x.lookups;
        for (let i = 0; i < l.length; i += 2) this.addLookup(l[i] as number, l[i + 1] as MacroDef | undefined, !covered?.has(l[i] as number));
      }
      return;
    }
    const d = c.deps;
    if (d) for (let i = 0; i < d.length; i += 2) this.addLookup(d[i] as number, d[i + 1] as MacroDef | undefined, true);
  }

  /** Checkpoints at a `#define NAME` of every entered file, active or not (indexed once per journal). */
  private definitionsOf(id: number): Checkpoint[] {
    this.definitionsByName ??= this.src.definitions();
    return this.definitionsByName.get(id) ?? [];
  }

  /** Every macro name found relevant. */
  macros(): string[] {
    return [...this.ids].map((id) => this.src.spelling(id));
  }

  /** The Kconfig symbols found relevant (CONFIG_ names without the prefix), sorted. */
  symbols(): string[] {
    return configSymbols(this.macros());
  }

  /** The macro names whose exact value counts (not only through a probed condition). */
  pinnedMacros(): string[] {
    return [...this.pinned].map((id) => this.src.spelling(id));
  }

  /** The Kconfig symbols whose exact value counts. */
  pinnedSymbols(): string[] {
    return configSymbols(this.pinnedMacros());
  }

  /** The probed conditions among the relevant ones: each must keep its value (see pp/probe.ts). */
  probes(): ExprProbe[] {
    return [...this.exprProbes];
  }

  /** The abstracted conditions among the relevant ones, by CondExpr.key, with the value each had. */
  decisions(): Map<string, boolean> {
    return new Map(this.decided);
  }
}

/** CONFIG_X and CONFIG_X_MODULE as the symbol X, sorted and unique. */
function configSymbols(names: string[]): string[] {
  const out = new Set<string>();
  for (const n of names) if (n.startsWith('CONFIG_')) out.add(n.slice('CONFIG_'.length));
  return [...out].sort();
}

/** The first checkpoint whose output length is at least `tok` (cps.length when none is). */
function firstAtOrAfter(cps: Checkpoint[], tok: number): number {
  let lo = 0;
  let hi = cps.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cps[mid].outLen < tok) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Token ranges [s, e) of the output. */
export type Ranges = Array<[number, number]>;

/**
 * Where in the output the layout facts come from, read from a tracked parse (the incremental analysis's: each
 * declaration records the names it looked up). A record's whole layout reads the declaration defining it, those
 * defining the records and enums its members hold by value (transitively), and every declaration binding an
 * ordinary name one of these looked up (typedefs of member types and of their typedefs, enumerators in array
 * sizes). A member's offset reads less: its record's declaration only up to the end of the top-level member
 * holding it (and the attributes after the closing brace), and the layouts of the members up to there.
 */
export class LayoutSlices {
  private readonly byDef = new Map<RecordDef | EnumDef, Decl>();
  private readonly byOrdinary = new Map<string, Decl[]>();

  private readonly decls: Decl[];

  constructor(
    state: ParseState,
    private readonly stream: TokenStream,
  ) {
    this.decls = state.decls;
    for (const d of state.decls) {
      for (const r of d.records) this.byDef.set(r, d);
      for (const e of d.enums) this.byDef.set(e, d);
      for (const r of d.created) if (!this.byDef.has(r)) this.byDef.set(r, d);
      for (let k = 0; k < d.defName.length; k++) {
        if (d.defTable[k] !== 0) continue;
        let l = this.byOrdinary.get(d.defName[k]);
        if (!l) this.byOrdinary.set(d.defName[k], (l = []));
        l.push(d);
      }
    }
  }

  /** The declarations a record's whole layout reads (see the class comment), in order. */
  declarations(roots: RecordDef[]): Decl[] {
    const walk = new SliceWalk(this);
    for (const r of roots) walk.record(r);
    return [...walk.decls].sort((a, b) => a.s - b.s);
  }

  /** The ranges an assertion reads: its own tokens, and those its offsetof, sizeof and alignof operands read. */
  ofAssert(a: StaticAssertDecl): Ranges {
    const walk = new SliceWalk(this);
    walk.ranges.push([a.s, a.e]);
    // The names it reads (enumerators, typedefs in casts and sizeof, variables): the declarations binding them.
    // Member designators and tags are not ordinary names.
    const skip = new Set<number>();
    offsetofTokens(a.expr, skip);
    const before = this.declAt(a.s);
    const toks = this.stream.tokens;
    for (let i = a.s; i < a.e; i++) {
      const t = toks[i];
      if (t.kind !== TokenKind.Identifier || skip.has(i)) continue;
      const prev = i > a.s ? toks[i - 1].text : '';
      if (prev === 'struct' || prev === 'union' || prev === 'enum' || prev === '.' || prev === '->') continue;
      walk.bindersOf(t.text, before);
    }
    walk.expr(a.expr);
    return walk.all();
  }

  /** The index of the declaration holding token i (an assertion's), or Infinity when none does. */
  private declAt(i: number): number {
    const decls = this.decls;
    let lo = 0;
    let hi = decls.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (decls[mid].e <= i) lo = mid + 1;
      else hi = mid;
    }
    return lo < decls.length && decls[lo].s <= i ? decls[lo].index : Infinity;
  }

  /** The ranges whole layouts of records read. */
  ofRecords(roots: RecordDef[]): Ranges {
    const walk = new SliceWalk(this);
    for (const r of roots) walk.record(r);
    return walk.all();
  }

  defOf(x: RecordDef | EnumDef): Decl | undefined {
    return this.byDef.get(x);
  }

  bindersOf(name: string): Decl[] {
    return this.byOrdinary.get(name) ?? NO_DECLS;
  }

  /** The output index of the first token in [s, e) written at `at` with this spelling, or -1. */
  private find(s: number, e: number, at: { file: unknown; offset: number }, text?: string): number {
    const tokens = this.stream.tokens;
    for (let i = s; i < e; i++) {
      const t = tokens[i];
      if (text !== undefined && t.text !== text) continue;
      if (t.offset === at.offset && t.file === at.file) return i;
      // A name a macro produced is placed where the user reads it: the outermost invocation.
      const x = this.stream.exps[i];
      if (x) {
        const l = locationOf(t, x);
        if (l.offset === at.offset && l.file === at.file) return i;
      }
    }
    return -1;
  }

  /** The '}' closing the '{' at `open` (before e), or -1. */
  private closing(open: number, e: number): number {
    let depth = 0;
    for (let i = open; i < e; i++) {
      const t = this.stream.tokens[i].text;
      if (t === '{') depth++;
      else if (t === '}' && --depth === 0) return i;
    }
    return -1;
  }

  /** The index just past the ';' or ',' ending the member declarator token i is in (at depth 0), or the ')'/'}' closing it. */
  private declaratorEnd(i: number, e: number): number {
    let depth = 0;
    for (; i < e; i++) {
      const t = this.stream.tokens[i].text;
      if (t === '(' || t === '[' || t === '{') depth++;
      else if (t === ')' || t === ']' || t === '}') {
        if (depth === 0) return i;
        depth--;
      } else if (depth === 0 && (t === ';' || t === ',')) return i + 1;
    }
    return e;
  }

  /** The span of a record defined by a declaration of its own (the whole declaration), or undefined. */
  topSpan(r: RecordDef): RecordSpan | undefined {
    const d = this.byDef.get(r);
    if (!d || !r.body) return undefined;
    const open = this.find(d.s, d.e, r.body, '{');
    const close = open < 0 ? -1 : this.closing(open, d.e);
    return close < 0 ? undefined : { def: r, decl: d, start: d.s, open, close, end: d.e };
  }

  /**
   * Where each member of the record at `span` is declared, in order: [from, end) its declaration (from the end of
   * the previous one), and for a member whose record type is defined right there (an anonymous struct or union, or
   * `struct { ... } name`) that record's span. Undefined when a member cannot be placed (then callers read the
   * whole declaration).
   */
  members(span: RecordSpan): PlacedMember[] | undefined {
    const out: PlacedMember[] = [];
    let from = span.open + 1;
    for (const m of span.def.members ?? []) {
      const def = recordOf(m.type);
      let inner: RecordSpan | undefined;
      let at = -1;
      if (def?.body) {
        const open = this.find(from, span.close, def.body, '{');
        // The record is defined here when its '{' comes before this member's name.
        const name = m.name === undefined ? -1 : this.find(from, span.close, m.loc);
        if (open >= 0 && (name < 0 || open < name)) {
          const close = this.closing(open, span.close);
          if (close < 0) return undefined;
          inner = { def, decl: span.decl, start: from, open, close, end: this.declaratorEnd(close + 1, span.close) };
          at = m.name === undefined ? close : name;
        }
      }
      if (at < 0) at = this.find(from, span.close, m.loc);
      if (at < 0) return undefined;
      const end = inner && m.name === undefined ? inner.end : this.declaratorEnd(at + 1, span.close);
      out.push({ member: m, from, end, inner });
      from = end;
    }
    return out;
  }

  /** Identifier spellings of tokens [s, e). */
  *identifiers(s: number, e: number): Generator<string> {
    for (let i = s; i < e; i++) {
      const t = this.stream.tokens[i];
      if (t.kind === TokenKind.Identifier) yield t.text;
    }
  }
}

/** A record's place in the output: its declaration's start, '{', '}' and end (past the declarator's ';'). */
interface RecordSpan {
  def: RecordDef;
  decl: Decl;
  start: number;
  open: number;
  close: number;
  end: number;
}

interface PlacedMember {
  member: Member;
  from: number;
  end: number;
  inner: RecordSpan | undefined;
}

/** The record a member holds by value (through arrays), if any. */
function recordOf(t: Type): RecordDef | undefined {
  while (t.kind === 'array') t = t.of;
  return t.kind === 'record' ? t.def : undefined;
}

const NO_DECLS: Decl[] = [];

/** One slice being collected: whole declarations, and ranges of declarations read in part. */
class SliceWalk {
  readonly decls = new Set<Decl>();
  readonly ranges: Ranges = [];
  private readonly seen = new Set<RecordDef | EnumDef>();

  constructor(private readonly index: LayoutSlices) {}

  all(): Ranges {
    const out: Ranges = [...this.ranges];
    for (const d of this.decls) out.push([d.s, d.e]);
    return out;
  }

  /** A whole declaration, and the declarations binding the ordinary names it read (before it). */
  decl(d: Decl | undefined): void {
    if (!d || this.decls.has(d)) return;
    this.decls.add(d);
    for (let k = 0; k < d.readName.length; k++) if (d.readTable[k] === 0) this.binders(d.readName[k], d.index);
  }

  /** The declarations binding an ordinary name, among those before declaration index `before`. */
  bindersOf(name: string, before: number): void {
    this.binders(name, before);
  }

  private binders(name: string, before: number): void {
    for (const b of this.index.bindersOf(name)) if (b.index <= before) this.decl(b);
  }

  type(t: Type): void {
    switch (t.kind) {
      case 'array':
        this.type(t.of);
        return;
      case 'record':
        this.record(t.def);
        return;
      case 'enum':
        if (!this.seen.has(t.def)) {
          this.seen.add(t.def);
          this.decl(this.index.defOf(t.def));
        }
        return;
    }
  }

  record(r: RecordDef): void {
    if (this.seen.has(r)) return;
    this.seen.add(r);
    this.decl(this.index.defOf(r));
    for (const m of r.members ?? []) this.type(m.type);
  }

  /** Every identifier of tokens [s, e) that names something declared before `decl`: those declarations. */
  private bindersIn(s: number, e: number, decl: Decl): void {
    for (const id of this.index.identifiers(s, e)) this.binders(id, decl.index);
  }

  private range(s: number, e: number, decl: Decl): void {
    if (s >= e) return;
    this.ranges.push([s, e]);
    this.bindersIn(s, e, decl);
  }

  /** A record's whole layout, from its place inside another's declaration. */
  private span(sp: RecordSpan): void {
    const placed = this.index.members(sp);
    if (!placed) return this.record(sp.def);
    this.seen.add(sp.def);
    this.range(sp.start, sp.end, sp.decl);
    for (const p of placed) {
      if (p.inner) this.span(p.inner);
      else this.type(p.member.type);
    }
  }

  /**
   * The offset of member `name` of `r`: in a struct, the declarations before the top-level member holding it and
   * the layouts of those members (and that member's own, for its alignment, unless it comes first); in a union,
   * nothing before it (every member is at 0); then, inside an anonymous member, the same again. The record's own
   * head and closing part (attributes such as packed or aligned) are read too. Falls back to the whole record
   * where the member or its tokens cannot be placed.
   */
  offset(r: RecordDef, name: string, at?: RecordSpan): void {
    const sp = at ?? this.index.topSpan(r);
    const placed = sp && this.index.members(sp);
    const k = placed ? placed.findIndex((p) => p.member.name === name || (p.member.anonymous && p.inner !== undefined && holds(p.inner.def, name))) : -1;
    if (!sp || !placed || k < 0) return this.record(r);
    const target = placed[k];
    // After the closing brace (not at it: the groups that left members out before it do not place this one).
    this.range(sp.close + 1, sp.end, sp.decl);
    if (r.kind === 'struct') {
      this.range(sp.start, target.from, sp.decl);
      for (let j = 0; j < k; j++) {
        const p = placed[j];
        if (p.inner) this.span(p.inner);
        else this.type(p.member.type);
      }
    } else this.range(sp.start, sp.open + 1, sp.decl);
    const alignmentMatters = r.kind === 'struct' && k > 0;
    if (target.member.name === name || !target.inner) {
      this.range(target.from, target.end, sp.decl);
      if (target.inner) this.span(target.inner);
      else if (alignmentMatters) this.type(target.member.type);
      return;
    }
    // An anonymous member: its alignment places it (its whole layout), and the member's offset inside it.
    if (alignmentMatters) this.span(target.inner);
    else this.offset(target.inner.def, name, target.inner);
  }

  expr(e: Expr | undefined): void {
    if (!e) return;
    switch (e.k) {
      case 'offsetof': {
        const first = e.path[0];
        if (e.type.kind === 'record' && first && 'member' in first && e.path.length === 1) this.offset(e.type.def, first.member);
        else this.type(e.type);
        for (const step of e.path) if ('index' in step) this.expr(step.index);
        return;
      }
      case 'sizeof':
      case 'alignof':
        if (e.type) this.type(e.type);
        this.expr(e.arg);
        return;
      case 'unary':
      case 'cast':
        this.expr(e.arg);
        return;
      case 'binary':
        this.expr(e.l);
        this.expr(e.r);
        return;
      case 'cond':
        this.expr(e.c);
        this.expr(e.t);
        this.expr(e.f);
        return;
      case 'member':
        this.expr(e.arg);
        return;
      case 'index':
        this.expr(e.arg);
        this.expr(e.index);
        return;
      case 'call':
        for (const a of e.args) this.expr(a);
        return;
      default:
        return;
    }
  }
}

/** The output indices of the member designators of an expression's offsetof operands. */
function offsetofTokens(e: Expr | undefined, out: Set<number>): void {
  if (!e) return;
  switch (e.k) {
    case 'offsetof':
      for (const step of e.path) {
        if ('member' in step) out.add(step.tok);
        else offsetofTokens(step.index, out);
      }
      return;
    case 'sizeof':
    case 'alignof':
      offsetofTokens(e.arg, out);
      return;
    case 'unary':
    case 'cast':
      offsetofTokens(e.arg, out);
      return;
    case 'binary':
      offsetofTokens(e.l, out);
      offsetofTokens(e.r, out);
      return;
    case 'cond':
      offsetofTokens(e.c, out);
      offsetofTokens(e.t, out);
      offsetofTokens(e.f, out);
      return;
    case 'member':
    case 'index':
      offsetofTokens(e.arg, out);
      return;
    case 'call':
      for (const x of e.args) offsetofTokens(x, out);
      return;
    default:
      return;
  }
}

/** Whether a record has a member of this name, directly or through anonymous members. */
function holds(r: RecordDef, name: string): boolean {
  return (r.members ?? []).some((m) => m.name === name || (m.anonymous && m.type.kind === 'record' && holds(m.type.def, name)));
}
