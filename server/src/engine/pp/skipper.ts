// The function-body skipper: follows the shape of the output (brace and paren depth, an initializer in progress,
// and whether the last top-level parenthesized group ends a declarator) so that a function body of an included
// header is passed on as `{ }`, unexpanded. Nothing in a body can change a layout, and bodies are half of a
// kernel header's tokens. Its whole state is a handful of scalars (ScanState): a checkpoint records it, a restart
// restores it and convergence compares it, so the decision never depends on looking back into the output.

import { Token, TokenKind } from '../base/token';
import { S, Spellings } from './spellings';

/** What the last emitted tokens were, as far as recognising `name(...) attributes {` needs. */
export const enum Prev {
  None = 0,
  Identifier = 1,
  /** __attribute__, asm and the like: their parenthesized group may follow a declarator. */
  AfterDeclaratorKeyword = 2,
  /** A ')' closing a top-level group that ends a declarator (`name(...)` or `(...)(...)`). */
  CloseDeclarator = 3,
  /** A ')' closing a top-level group that does not, or a ')' without its '('. */
  CloseOther = 4,
  Other = 5,
}

/** Tokens that may follow a declarator before a function body: `f(void) __attribute__((x)) asm("y") {`. */
const AFTER_DECLARATOR = ['__attribute__', '__attribute', 'asm', '__asm__', '__asm', '__declspec'];

export interface SkipperState {
  braceDepth: number;
  parenDepth: number;
  /** An '=' at depth 0 since the last declaration ended: a '{' now opens an initializer, not a body. */
  declHasInit: boolean;
  /** Inside a skipped function body: brace depth, 0 when not skipping. */
  skipDepth: number;
  prev: Prev;
  prev2: Prev;
  /** The open top-level group, when its ')' comes, ends a declarator. */
  openEndsDeclarator: boolean;
}

export class BodySkipper implements SkipperState {
  braceDepth = 0;
  parenDepth = 0;
  declHasInit = false;
  skipDepth = 0;
  prev = Prev.None;
  prev2 = Prev.None;
  openEndsDeclarator = false;
  private readonly afterDeclarator: Set<number>;

  constructor(
    spellings: Spellings,
    /** Whether bodies are skipped at all (PreprocessOptions.skipIncludedBodies). */
    private readonly enabled: boolean,
  ) {
    this.afterDeclarator = new Set(AFTER_DECLARATOR.map((s) => spellings.intern(s)));
  }

  /**
   * Follows one emitted token. For a '{' that opens a function body at the top level of an included file (`main`
   * false), starts skipping and returns true: the caller still emits the '{'.
   */
  follow(tok: Token, main: boolean): boolean {
    let cls: Prev;
    let startSkip = false;
    if (tok.kind === TokenKind.Punct) {
      const id = tok.spell;
      cls = Prev.Other;
      if (id === S.lparen) {
        if (this.parenDepth === 0) {
          const p = this.prev;
          this.openEndsDeclarator = p === Prev.Identifier || p === Prev.CloseDeclarator || p === Prev.CloseOther || (p === Prev.AfterDeclaratorKeyword && this.prev2 === Prev.CloseDeclarator);
        }
        this.parenDepth++;
      } else if (id === S.rparen) {
        if (this.parenDepth > 0) {
          this.parenDepth--;
          cls = this.parenDepth === 0 && this.openEndsDeclarator ? Prev.CloseDeclarator : Prev.CloseOther;
        } else cls = Prev.CloseOther;
      } else if (id === S.assign) {
        if (this.braceDepth === 0 && this.parenDepth === 0) this.declHasInit = true;
      } else if (id === S.semi) {
        if (this.braceDepth === 0 && this.parenDepth === 0) this.declHasInit = false;
      } else if (id === S.lbrace) {
        if (this.braceDepth === 0 && this.parenDepth === 0 && !this.declHasInit && this.enabled && !main && this.prev === Prev.CloseDeclarator) {
          this.skipDepth = 1;
          startSkip = true;
        } else this.braceDepth++;
      } else if (id === S.rbrace) {
        if (this.braceDepth > 0) this.braceDepth--;
        if (this.braceDepth === 0) this.declHasInit = false;
      }
    } else if (tok.kind === TokenKind.Identifier) cls = this.afterDeclarator.has(tok.spell) ? Prev.AfterDeclaratorKeyword : Prev.Identifier;
    else cls = Prev.Other;
    this.prev2 = this.prev;
    this.prev = cls;
    return startSkip;
  }

  /** A '{' or '}' inside a skipped body; returns true when the body's closing '}' was reached (it is emitted). */
  skipBrace(open: boolean): boolean {
    if (open) {
      this.skipDepth++;
      return false;
    }
    return --this.skipDepth === 0;
  }

  save(): SkipperState {
    return { braceDepth: this.braceDepth, parenDepth: this.parenDepth, declHasInit: this.declHasInit, skipDepth: this.skipDepth, prev: this.prev, prev2: this.prev2, openEndsDeclarator: this.openEndsDeclarator };
  }

  restore(s: SkipperState): void {
    this.braceDepth = s.braceDepth;
    this.parenDepth = s.parenDepth;
    this.declHasInit = s.declHasInit;
    this.skipDepth = s.skipDepth;
    this.prev = s.prev;
    this.prev2 = s.prev2;
    this.openEndsDeclarator = s.openEndsDeclarator;
  }

  static same(a: SkipperState, b: SkipperState): boolean {
    return a.braceDepth === b.braceDepth && a.parenDepth === b.parenDepth && a.declHasInit === b.declHasInit && a.skipDepth === b.skipDepth && a.prev === b.prev && a.prev2 === b.prev2 && a.openEndsDeclarator === b.openEndsDeclarator;
  }
}
