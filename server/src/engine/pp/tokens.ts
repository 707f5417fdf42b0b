// A lexed file as a struct of arrays: kind, flags, spelling id and offsets per token, with token objects made only
// for the tokens that leave the preprocessor (and kept, so the same place always yields the same object).

import { SourceFile } from '../base/source';
import { Token, TokenKind } from '../base/token';
import { Spellings } from './spellings';

/** Flag bits: first token on its logical line; whitespace (or a comment) precedes it. */
export const BOL = 1;
export const SPACE = 2;

export class TokenTable {
  /** Token objects made so far, by index (the same object every time: the incremental engine compares them). */
  private objs: Array<Token | undefined> | undefined;

  constructor(
    readonly file: SourceFile,
    /** The text lexed (the file's text may change later; offsets and spellings are into this one). */
    readonly src: string,
    readonly spellings: Spellings,
    /** Tokens, the end-of-file token (always last) included. */
    readonly count: number,
    readonly kind: Uint8Array,
    readonly flags: Uint8Array,
    /** Spelling ids, -1 until first asked for (see id). Punctuators' are set by the lexer. */
    readonly spell: Int32Array,
    readonly start: Int32Array,
    readonly end: Int32Array,
  ) {}

  /** The spelling id of token i (interned on first need). */
  id(i: number): number {
    const v = this.spell[i];
    return v >= 0 ? v : (this.spell[i] = this.spellings.intern(this.src.slice(this.start[i], this.end[i])));
  }

  text(i: number): string {
    const v = this.spell[i];
    return v >= 0 ? this.spellings.text(v) : this.src.slice(this.start[i], this.end[i]);
  }

  bol(i: number): boolean {
    return (this.flags[i] & BOL) !== 0;
  }

  space(i: number): boolean {
    return (this.flags[i] & SPACE) !== 0;
  }

  /** Token i as an object. */
  token(i: number): Token {
    const objs = (this.objs ??= new Array(this.count));
    let t = objs[i];
    if (t === undefined) {
      const f = this.flags[i];
      const kind = this.kind[i] as TokenKind;
      // Identifiers and punctuators are what the preprocessor looks up and compares by id.
      const spell = kind === TokenKind.Identifier || kind === TokenKind.Punct ? this.id(i) : this.spell[i];
      const text = spell >= 0 ? this.spellings.text(spell) : this.src.slice(this.start[i], this.end[i]);
      t = objs[i] = { kind, text, spell, file: this.file, offset: this.start[i], end: this.end[i], bol: (f & BOL) !== 0, space: (f & SPACE) !== 0 };
    }
    return t;
  }

  /** Tokens [from, to) as objects. */
  slice(from: number, to: number): Token[] {
    const out: Token[] = [];
    for (let i = from; i < to; i++) out.push(this.token(i));
    return out;
  }

  /** Index of the first token of the line after token i (the end-of-file token at the latest). */
  lineEnd(i: number): number {
    const flags = this.flags;
    const n = this.count - 1;
    let k = i + 1;
    while (k < n && (flags[k] & BOL) === 0) k++;
    return k;
  }

  /** Whether token i is the same as token j of `o` (kind, spelling, place, flags). */
  sameAs(i: number, o: TokenTable, j: number): boolean {
    return this.kind[i] === o.kind[j] && this.start[i] === o.start[j] && this.end[i] === o.end[j] && this.flags[i] === o.flags[j] && this.text(i) === o.text(j);
  }

  /** Takes over the token objects of `o` for the first n tokens (they are the same tokens: an edit came after). */
  adoptObjects(o: TokenTable, n: number): void {
    if (!o.objs) return;
    const objs = (this.objs ??= new Array(this.count));
    for (let i = 0; i < n; i++) {
      const t = o.objs[i];
      if (t !== undefined) objs[i] = t;
    }
  }
}
