// Macro definitions and the macro table. A definition's body stays in its file's token table until the macro is
// first expanded (most macros a kernel header defines are never used); the table is indexed by spelling id.

import { SourceFile } from '../base/source';
import { Token, TokenKind } from '../base/token';
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

/**
 * Every macro-table lookup of a run, in order, with what it found and how long the table's change log was then: what
 * each stretch of the run depended on (a replay under other definitions checks it; see Replayer).
 */
export class Lookups {
  readonly ids: number[] = [];
  readonly defs: Array<MacroDef | undefined> = [];
  /** The journal's log length at each lookup. */
  readonly logAt: number[] = [];
  constructor(private readonly logLength: () => number) {}
  add(id: number, def: MacroDef | undefined): void {
    this.ids.push(id);
    this.defs.push(def);
    this.logAt.push(this.logLength());
  }
  get length(): number {
    return this.ids.length;
  }
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

  /** The definition of spelling `id`, not recorded as a lookup (a replay's own checks). */
  peek(id: number): MacroDef | undefined {
    return this.defs[id];
  }

  /** The definition of spelling `id`. */
  get(id: number): MacroDef | undefined {
    const m = this.defs[id];
    if (this.lookups !== undefined) this.lookups.add(id, m);
    return m;
  }

  /** The definition of spelling `id`, logged while an expansion is being remembered. */
  lookup(id: number): MacroDef | undefined {
    const m = this.defs[id];
    if (this.depLog) this.depLog.push(id, m);
    if (this.lookups !== undefined) this.lookups.add(id, m);
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

  /** Records lookups made earlier (a remembered expansion's, replayed now). */
  recordAll(deps: Array<number | MacroDef | undefined>): void {
    const l = this.lookups;
    if (l === undefined) return;
    for (let i = 0; i < deps.length; i += 2) l.add(deps[i] as number, deps[i + 1] as MacroDef | undefined);
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
