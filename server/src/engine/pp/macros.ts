// Macro definitions and the macro table. A definition's body stays in its file's token table until the macro is
// first expanded (most macros a kernel header defines are never used); the table is indexed by spelling id.

import { SourceFile } from '../base/source';
import { Token, TokenKind } from '../base/token';
import type { Cond } from './conditionals';
import { Seq } from './seq';
import { S, Spellings } from './spellings';
import { SPACE, TokenTable } from './tokens';

/** A closed, fully rescanned expansion, valid while every macro name it consulted keeps its definition. */
export interface Memo {
  seq: Seq;
  /** spelling id, definition (undefined: was not a macro), spelling id, definition, ... */
  deps: Array<number | MacroDef | undefined>;
  /**
   * The expansion ran out of budget after charging this many tokens (seq is then empty): while the same
   * definitions hold, it runs out again, so a repeated macro bomb costs its budget once, not at every use.
   */
  over?: number;
}

export class MacroDef {
  /** For each body token, the index of the parameter it names, or -1. Computed on first expansion. */
  paramIndex: Int32Array | undefined;
  /** The remembered expansion of an object-like macro; null when it cannot be remembered. */
  memo: Memo | null | undefined;
  /** The body's braces do not balance (`#define BEGIN {`): such a macro can end a function body. */
  unbalanced = false;
  /** The conditional groups it was defined in (what decided that it exists): see Cond.deps. */
  context: Cond | undefined;
  private tokens: Token[] | undefined;

  constructor(
    readonly name: string,
    /** The name's spelling id. */
    readonly id: number,
    /** Parameter names for function-like macros (the variadic one last, as `__VA_ARGS__` or its GNU name). */
    readonly params: string[] | undefined,
    /** The parameters' spelling ids. */
    readonly paramIds: number[] | undefined,
    readonly variadic: boolean,
    readonly file: SourceFile | undefined,
    readonly offset: number,
    /** The body: tokens [from, to) of a file's table, or given tokens. */
    private readonly src: TokenTable | undefined,
    private readonly from: number,
    readonly length: number,
    readonly builtin = false,
    tokens?: Token[],
  ) {
    this.tokens = tokens;
    if (src) {
      let braces = 0;
      for (let i = from; i < from + length; i++) {
        if (src.kind[i] !== TokenKind.Punct) continue;
        const id = src.spell[i];
        if (id === S.lbrace) braces++;
        else if (id === S.rbrace && --braces < 0) break;
      }
      this.unbalanced = braces !== 0;
    }
  }

  static builtinMacro(name: string, id: number): MacroDef {
    return new MacroDef(name, id, undefined, undefined, false, undefined, 0, undefined, 0, 0, true, []);
  }

  /** The same macro with another body (the inside of `__VA_OPT__(...)`). */
  withBody(tokens: Token[]): MacroDef {
    return new MacroDef(this.name, this.id, this.params, this.paramIds, this.variadic, this.file, this.offset, undefined, 0, tokens.length, false, tokens);
  }

  get body(): Token[] {
    if (this.tokens === undefined) {
      const body = this.src ? this.src.slice(this.from, this.from + this.length) : [];
      // The first body token follows the macro name (or parameters), not whatever space the #define line had:
      // a copy of it says so, for those who read a token's own space flag (a computed #include's spelling).
      if (body.length && body[0].space) body[0] = { ...body[0], space: false };
      this.tokens = body;
    }
    return this.tokens;
  }

  kindAt(i: number): TokenKind {
    return this.src && !this.tokens ? (this.src.kind[this.from + i] as TokenKind) : this.body[i].kind;
  }

  /** The spelling id of body token i: for identifiers and punctuators (others are never looked up). */
  spellAt(i: number): number {
    return this.src && !this.tokens ? this.src.id(this.from + i) : this.body[i].spell;
  }

  textAt(i: number): string {
    return this.src && !this.tokens ? this.src.text(this.from + i) : this.body[i].text;
  }

  spaceAt(i: number): boolean {
    return this.src && !this.tokens ? (this.src.flags[this.from + i] & SPACE) !== 0 : this.body[i].space;
  }
}

/** Same definition in the sense of C11 6.10.3p2 (a redefinition that is no change). */
export function sameDefinition(a: MacroDef, b: MacroDef): boolean {
  if ((a.params === undefined) !== (b.params === undefined)) return false;
  if (a.paramIds && b.paramIds && (a.paramIds.length !== b.paramIds.length || a.paramIds.some((p, i) => p !== b.paramIds![i]))) return false;
  if (a.variadic !== b.variadic) return false;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) {
    if (a.textAt(i) !== b.textAt(i) || (i > 0 && a.spaceAt(i) !== b.spaceAt(i))) return false;
  }
  return true;
}

/** C11 6.10.3.2: the spelling of the argument as a string literal, with \ and " escaped inside literals. */
export function stringize(arg: Seq): string {
  let s = '';
  for (let k = 0; k < arg.length; k++) {
    const t = arg.t[k];
    if (k > 0 && arg.sp[k]) s += ' ';
    s += t.kind === TokenKind.String || t.kind === TokenKind.Char ? t.text.replace(/[\\"]/g, (c) => '\\' + c) : t.text;
  }
  return `"${s}"`;
}

/** Receives every change to the table (the incremental journal logs them). */
export type MacroChangeListener = (id: number, prev: MacroDef | undefined, next: MacroDef | undefined) => void;

/** What Lookups reads of the journal: its change log, and where the output stands. */
export interface LookupJournal {
  /** How many macro-table changes the log holds. */
  readonly logLength: number;
  /** The output's length. */
  readonly outLength: number;
  /** The log index of the latest change to spelling `id`'s definition (-1: none in this run). */
  lastChange(id: number): number;
  /** The definition change `k` of the log made. */
  changedTo(k: number): MacroDef | undefined;
  /** Spelling `id`'s definition before the run's first change to it (a built-in, or none). */
  initially(id: number): MacroDef | undefined;
}

/**
 * Every macro-table lookup of a run, in order, with what it found and how long the table's change log was then: what
 * each stretch of the run depended on (a replay under other definitions checks it; see Replayer).
 */
export class Lookups {
  // Typed arrays grown by doubling: an update cuts the tail at its restart point and appends the previous run's tail
  // back after convergence, hundreds of thousands of lookups, with one native copy each. What a lookup found is kept
  // as the log index of the change that made it: after convergence the log holds the same changes at the same
  // indices (definitions made anew in their places), so the tail needs no translating.
  private idArr = new Int32Array(1024);
  private changeArr = new Int32Array(1024);
  private logArr = new Int32Array(1024);
  private outArr = new Int32Array(1024);
  private condArr = new Uint8Array(1024);
  private n = 0;
  /** Set while a conditional directive's expression is evaluated. */
  condition = false;
  constructor(private readonly journal: LookupJournal) {}
  /** Records a lookup of spelling `id` (it finds the definition the latest logged change made). */
  add(id: number): void {
    const n = this.n;
    if (n === this.idArr.length) this.reserve(n + 1);
    const j = this.journal;
    this.idArr[n] = id;
    this.changeArr[n] = j.lastChange(id);
    this.logArr[n] = j.logLength;
    this.outArr[n] = j.outLength;
    this.condArr[n] = this.condition ? 1 : 0;
    this.n = n + 1;
  }
  get length(): number {
    return this.n;
  }
  /** Lookup i's spelling id. */
  id(i: number): number {
    return this.idArr[i];
  }
  /** The definition lookup i found (undefined: not a macro then). */
  def(i: number): MacroDef | undefined {
    const k = this.changeArr[i];
    return k >= 0 ? this.journal.changedTo(k) : this.journal.initially(this.idArr[i]);
  }
  /** The journal's log length at lookup i. */
  logAt(i: number): number {
    return this.logArr[i];
  }
  /** The output's length at lookup i: where the tokens it decided go. */
  outAt(i: number): number {
    return this.outArr[i];
  }
  /** Whether lookup i was made while a conditional directive's expression was evaluated. */
  inCondition(i: number): boolean {
    return this.condArr[i] !== 0;
  }
  /** The spelling ids of lookups [from, length). */
  idsFrom(from: number): number[] {
    return Array.from(this.idArr.subarray(from, this.n));
  }
  /** Lookups [from, length) as spelling id / definition pairs. */
  pairsFrom(from: number, into: Array<number | MacroDef | undefined> = []): Array<number | MacroDef | undefined> {
    for (let i = from; i < this.n; i++) into.push(this.idArr[i], this.def(i));
    return into;
  }
  /** Removes lookups [from, length) and returns them. */
  cut(from: number): LookupTail {
    const n = this.n;
    this.n = from;
    return {
      length: n - from,
      ids: this.idArr.slice(from, n),
      changes: this.changeArr.slice(from, n),
      logAt: this.logArr.slice(from, n),
      outAt: this.outArr.slice(from, n),
      inCondition: this.condArr.slice(from, n),
    };
  }
  /** Appends `tail`'s lookups [from, end), their output positions moved by `dOut`. */
  append(tail: LookupTail, from: number, dOut: number): void {
    const k = tail.length - from;
    if (k <= 0) return;
    const n = this.n;
    this.reserve(n + k);
    this.idArr.set(tail.ids.subarray(from), n);
    this.changeArr.set(tail.changes.subarray(from), n);
    this.logArr.set(tail.logAt.subarray(from), n);
    this.condArr.set(tail.inCondition.subarray(from), n);
    const out = this.outArr;
    const src = tail.outAt;
    for (let i = 0; i < k; i++) out[n + i] = src[from + i] + dOut;
    this.n = n + k;
  }
  private reserve(need: number): void {
    let cap = this.idArr.length;
    if (need <= cap) return;
    while (cap < need) cap *= 2;
    const n = this.n;
    const grow = <A extends Int32Array | Uint8Array>(a: A, b: A): A => {
      b.set(a.subarray(0, n));
      return b;
    };
    this.idArr = grow(this.idArr, new Int32Array(cap));
    this.changeArr = grow(this.changeArr, new Int32Array(cap));
    this.logArr = grow(this.logArr, new Int32Array(cap));
    this.outArr = grow(this.outArr, new Int32Array(cap));
    this.condArr = grow(this.condArr, new Uint8Array(cap));
  }
}

/** Lookups cut from a run's end (Lookups.cut), to be appended back. */
export interface LookupTail {
  readonly length: number;
  readonly ids: Int32Array;
  readonly changes: Int32Array;
  readonly logAt: Int32Array;
  readonly outAt: Int32Array;
  readonly inCondition: Uint8Array;
}

/** The macros defined now, by spelling id; while an expansion is being remembered, every lookup is logged. */
export class MacroTable {
  private readonly defs: Array<MacroDef | undefined> = [];
  /** Macros currently defined whose bodies have unbalanced braces (a skipped function body must expand them). */
  unbalancedLive = 0;
  /** While remembering an expansion: every lookup, as spelling id / definition pairs. */
  depLog: Array<number | MacroDef | undefined> | undefined;
  /** A journalled run: every lookup, for replays (see Lookups). */
  lookups: Lookups | undefined;
  onChange: MacroChangeListener | undefined;

  constructor(readonly spellings: Spellings) {}

  /** Every definition now, by spelling id (a copy). */
  snapshot(): Array<MacroDef | undefined> {
    return this.defs.slice();
  }

  /** The definition of spelling `id`, not recorded as a lookup (a replay's own checks). */
  peek(id: number): MacroDef | undefined {
    return this.defs[id];
  }

  /** The definition of spelling `id`. */
  get(id: number): MacroDef | undefined {
    const m = this.defs[id];
    if (this.lookups !== undefined) this.lookups.add(id);
    return m;
  }

  /** The definition of spelling `id`, logged while an expansion is being remembered. */
  lookup(id: number): MacroDef | undefined {
    const m = this.defs[id];
    if (this.depLog) this.depLog.push(id, m);
    if (this.lookups !== undefined) this.lookups.add(id);
    return m;
  }

  has(id: number): boolean {
    return this.get(id) !== undefined;
  }

  hasName(name: string): boolean {
    // Interned when recording: a name defined later in another run must be the same dependency.
    const id = this.lookups !== undefined ? this.spellings.intern(name) : this.spellings.lookup(name);
    return id >= 0 && this.get(id) !== undefined;
  }

  /** Records lookups made earlier (a remembered expansion's, replayed now: memoValid found each definition the same). */
  recordAll(deps: Array<number | MacroDef | undefined>): void {
    const l = this.lookups;
    if (l === undefined) return;
    for (let i = 0; i < deps.length; i += 2) l.add(deps[i] as number);
  }

  /** Every change goes through here: the unbalanced count and the listener follow it. */
  set(id: number, def: MacroDef | undefined): void {
    const prev = this.defs[id];
    if (prev?.unbalanced) this.unbalancedLive--;
    if (def?.unbalanced) this.unbalancedLive++;
    this.onChange?.(id, prev, def);
    this.defs[id] = def;
  }

  /** Restores a definition without logging it (the journal going back). */
  restore(id: number, def: MacroDef | undefined): void {
    const prev = this.defs[id];
    if (prev?.unbalanced) this.unbalancedLive--;
    if (def?.unbalanced) this.unbalancedLive++;
    this.defs[id] = def;
  }

  /** Whether a remembered expansion still holds: every macro it consulted unchanged and none hidden here. */
  memoValid(memo: Memo, hidden: ReadonlySet<string> | undefined): boolean {
    const d = memo.deps;
    for (let i = 0; i < d.length; i += 2) {
      const id = d[i] as number;
      if (this.defs[id] !== d[i + 1]) return false;
      if (hidden !== undefined && hidden.has(this.spellings.text(id))) return false;
    }
    return true;
  }
}
