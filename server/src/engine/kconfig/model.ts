// The Kconfig data model: symbols, properties, menu entries and hash-consed expressions (scripts/kconfig/expr.h).

import type { KconfigProblem } from './problems';

export const enum Tri {
  N = 0,
  M = 1,
  Y = 2,
}

export type SymbolType = 'unknown' | 'bool' | 'tristate' | 'int' | 'hex' | 'string';

/**
 * normal: a named symbol (defined or only referenced); const: a quoted word or y/m/n; choice: the nameless
 * symbol of a choice block; free: a token made from a toolchain probe or an unknown environment variable,
 * whose text is only known from a probe assignment (see MacroExpander).
 */
export type SymbolKind = 'normal' | 'const' | 'choice' | 'free';

export type PropertyKind = 'prompt' | 'comment' | 'menu' | 'default' | 'select' | 'imply' | 'range';

export interface Property {
  /** A menuconfig's prompt becomes a 'menu' property once its block is read. */
  kind: PropertyKind;
  /** default/select/imply: the value or target; range: null (see rangeLow/rangeHigh). */
  expr: Expr | null;
  /** The condition: `if` of the property, then (after finalize) the entry's dependencies, `m` rewritten. */
  visible: Expr | null;
  readonly menu: Menu;
  readonly file: string;
  readonly line: number;
  /** prompt, comment and menu text. */
  text?: string;
  rangeLow?: KSymbol;
  rangeHigh?: KSymbol;
}

export type MenuKind = 'normal' | 'menu' | 'choice' | 'comment' | 'if';

export class Menu {
  prompt: Property | null = null;
  dep: Expr | null = null;
  visibility: Expr | null = null;
  list: Menu | null = null;
  next: Menu | null = null;
  help?: string;
  constructor(
    readonly kind: MenuKind,
    readonly sym: KSymbol | null,
    public parent: Menu | null,
    readonly file: string,
    readonly line: number,
  ) {}
}

export class KSymbol {
  type: SymbolType = 'unknown';
  readonly props: Property[] = [];
  readonly menus: Menu[] = [];
  dirDep: Expr | null = null;
  revDep: Expr | null = null;
  implied: Expr | null = null;
  transitional = false;
  /** choice symbols: members in the order they were defined (the kernel's choice_members list). */
  readonly members: KSymbol[] = [];
  /** The choice whose block defines this symbol (sym_is_choice_value: on a choice_members list). */
  memberOf: KSymbol | null = null;
  /** Set by finalize when the dependency checker found this symbol in a cycle (values may not be exact). */
  inCycle = false;
  constructor(
    readonly id: number,
    readonly name: string,
    readonly kind: SymbolKind,
  ) {}

  get isChoice(): boolean {
    return this.kind === 'choice';
  }
  get isBoolish(): boolean {
    return this.type === 'bool' || this.type === 'tristate';
  }
  /** Where this symbol is first defined, for diagnostics. */
  get place(): { file: string; line: number } | undefined {
    const m = this.menus[0];
    return m ? { file: m.file, line: m.line } : undefined;
  }
}

export type CmpOp = 'eq' | 'ne' | 'lt' | 'le' | 'gt' | 'ge';

export type Expr =
  | { readonly id: number; readonly op: 'sym'; readonly sym: KSymbol }
  | { readonly id: number; readonly op: 'not'; readonly e: Expr }
  | { readonly id: number; readonly op: 'and' | 'or'; readonly l: Expr; readonly r: Expr }
  | { readonly id: number; readonly op: CmpOp; readonly ls: KSymbol; readonly rs: KSymbol };

/** Calls `f` with every symbol an expression reads (a comparison's both sides), depth first. */
export function forEachSymbol(e: Expr | null, f: (s: KSymbol) => void): void {
  if (!e) return;
  switch (e.op) {
    case 'sym':
      f(e.sym);
      return;
    case 'not':
      forEachSymbol(e.e, f);
      return;
    case 'and':
    case 'or':
      forEachSymbol(e.l, f);
      forEachSymbol(e.r, f);
      return;
    default:
      f(e.ls);
      f(e.rs);
  }
}

/** Interns expressions as the kernel does (expr_lookup): equal structure, one object. */
export class ExprPool {
  private readonly map = new Map<string, Expr>();
  private nextId = 0;

  get size(): number {
    return this.nextId;
  }

  sym(s: KSymbol): Expr {
    return this.intern(`s${s.id}`, () => ({ id: this.nextId++, op: 'sym', sym: s }));
  }
  not(e: Expr): Expr {
    return this.intern(`!${e.id}`, () => ({ id: this.nextId++, op: 'not', e }));
  }
  two(op: 'and' | 'or', l: Expr, r: Expr): Expr {
    return this.intern(`${op}${l.id},${r.id}`, () => ({ id: this.nextId++, op, l, r }));
  }
  cmp(op: CmpOp, ls: KSymbol, rs: KSymbol): Expr {
    return this.intern(`${op}${ls.id},${rs.id}`, () => ({ id: this.nextId++, op, ls, rs }));
  }
  /** expr_alloc_and: null is "no condition" (y). */
  and(a: Expr | null, b: Expr | null): Expr | null {
    if (!a) return b;
    return b ? this.two('and', a, b) : a;
  }
  or(a: Expr | null, b: Expr | null): Expr | null {
    if (!a) return b;
    return b ? this.two('or', a, b) : a;
  }

  /**
   * A || b || c ... (or &&) as a balanced tree: the same value as the kernel's left-leaning chain (min and
   * max are associative), but a symbol selected by thousands of others stays a few dozen levels deep.
   */
  fold(op: 'and' | 'or', list: Expr[]): Expr | null {
    if (list.length === 0) return null;
    let level = list;
    while (level.length > 1) {
      const next: Expr[] = [];
      for (let i = 0; i < level.length; i += 2) next.push(i + 1 < level.length ? this.two(op, level[i], level[i + 1]) : level[i]);
      level = next;
    }
    return level[0];
  }

  private intern(key: string, make: () => Expr): Expr {
    let e = this.map.get(key);
    if (!e) {
      e = make();
      this.map.set(key, e);
    }
    return e;
  }
}

/** The environment kbuild gives Kconfig for an arch (what `make ARCH=... *config` exports). */
export interface KconfigEnv {
  ARCH: string;
  SRCARCH: string;
  KERNELVERSION?: string;
  [name: string]: string | undefined;
}

/** A parsed and finalized Kconfig tree. */
export interface KconfigModel {
  readonly srctree: string;
  readonly env: Readonly<Record<string, string>>;
  readonly root: Menu;
  /** Named symbols in the order they were first seen (defined or referenced). */
  readonly symbols: KSymbol[];
  readonly byName: ReadonlyMap<string, KSymbol>;
  readonly choices: KSymbol[];
  /** Free symbols (probe results, unknown environment variables), in the order first seen. */
  readonly frees: KSymbol[];
  /** For each free symbol: the text of its token as written in Kconfig (e.g. `$(cc-option,-mfoo)`). */
  readonly freeSource: ReadonlyMap<KSymbol, string>;
  readonly yes: KSymbol;
  readonly mod: KSymbol;
  readonly no: KSymbol;
  /** The symbol with the `modules` option, or `no` (the kernel's modules_sym). */
  readonly modules: KSymbol;
  readonly pool: ExprPool;
  /** Every Kconfig file read, relative to the tree, in the order read. */
  readonly files: string[];
  readonly problems: KconfigProblem[];
  /** Symbols in menu order, each once (the order conf writes them). */
  readonly writeOrder: KSymbol[];
  /** Every symbol after the symbols its value reads (cycles broken anywhere): the evaluator's order. */
  readonly evalOrder: KSymbol[];
  /** One more than the largest symbol id (arrays indexed by id). */
  readonly idLimit: number;
  /** Text with free atoms shown as the $(...) they stand for. */
  display(text: string): string;
}
