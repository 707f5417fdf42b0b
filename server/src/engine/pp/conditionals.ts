// The conditional stack (#if ... #endif) as an immutable list: a checkpoint keeps a pointer to it, and a restart
// or a convergence test compares it by value.

import { Token } from '../base/token';

export interface Cond {
  readonly tok: Token;
  /** This group's tokens are being kept. */
  readonly active: boolean;
  /** Some group of this conditional was taken already. */
  readonly taken: boolean;
  readonly sawElse: boolean;
  /** The enclosing context was active. */
  readonly outerActive: boolean;
  readonly parent: Cond | undefined;
  readonly depth: number;
}

export function sameConds(a: Cond | undefined, b: Cond | undefined): boolean {
  for (;;) {
    if (a === b) return true;
    if (!a || !b) return false;
    if (a.depth !== b.depth || a.active !== b.active || a.taken !== b.taken || a.sawElse !== b.sawElse || a.outerActive !== b.outerActive) return false;
    a = a.parent;
    b = b.parent;
  }
}

/** A new group on top of `parent`; `outerActive` says whether the enclosing context keeps tokens. */
export function pushCond(parent: Cond | undefined, tok: Token, value: boolean, outerActive: boolean): Cond {
  return { tok, active: outerActive && value, taken: value, sawElse: false, outerActive, parent, depth: (parent?.depth ?? 0) + 1 };
}
