// Tokens in flight during macro expansion: each a shared token object plus, in parallel arrays, the hideset and
// expansion it carries here and whether whitespace precedes it. Tokens are never copied to change these.

import { Expansion, Token } from '../base/token';
import { HideSet } from './hideset';

export class Seq {
  readonly t: Token[] = [];
  readonly hs: HideSet[] = [];
  readonly ex: Array<Expansion | undefined> = [];
  readonly sp: boolean[] = [];

  push(t: Token, hs: HideSet, ex: Expansion | undefined, sp: boolean): void {
    this.t.push(t);
    this.hs.push(hs);
    this.ex.push(ex);
    this.sp.push(sp);
  }

  pop(): void {
    this.t.pop();
    this.hs.pop();
    this.ex.pop();
    this.sp.pop();
  }

  get length(): number {
    return this.t.length;
  }

  /** Appends entries [from, to) of another sequence. */
  append(o: Seq, from = 0, to = o.length): void {
    for (let k = from; k < to; k++) this.push(o.t[k], o.hs[k], o.ex[k], o.sp[k]);
  }

  static ofTokens(toks: Token[]): Seq {
    const s = new Seq();
    for (const t of toks) s.push(t, undefined, undefined, t.space);
    return s;
  }
}

/** An argument of a function-like macro invocation: as written, and fully expanded on first need. */
export interface Arg {
  raw: Seq;
  expanded?: Seq;
}
