// Tokens: what the lexer produces and the preprocessor passes on to the parser.

import { SourceFile } from './source';

export const enum TokenKind {
  Identifier = 1,
  /** A preprocessing number (pp-number): "0x10UL", "1e5", "08" (validated later). */
  Number = 2,
  /** 'a', L'a', u8'a' ... including quotes and prefix. */
  Char = 3,
  /** "abc", L"abc" ... including quotes and prefix. */
  String = 4,
  /** Punctuator, longest match: "->", "...", "##", "<<=" ... */
  Punct = 5,
  /** `<stdio.h>` only in #include context (the lexer leaves this to the preprocessor). */
  HeaderName = 6,
  /** A stray character no C token starts with (e.g. '@', a backslash, a non-ASCII byte). */
  Other = 7,
  EOF = 8,
}

/** One macro expansion step: which macro, invoked where. Chains outward through `parent`. */
export interface Expansion {
  macro: string;
  /** The macro name token at the invocation (in the file the user reads). */
  at: Token;
  /** Offset just past the invocation in `at.file`: after the closing parenthesis for function-like macros, after the name otherwise. */
  callEnd?: number;
  parent: Expansion | undefined;
}

export interface Token {
  kind: TokenKind;
  /** Spelling, after line splices are removed. */
  text: string;
  /**
   * The spelling's id in the preprocessor's spelling table (what it compares and looks macros up by); -1 for a
   * token that is never looked up (a stringized argument, a number made for #if).
   */
  spell: number;
  /** Where this token was written (for tokens from a macro body: inside the #define). */
  file: SourceFile;
  offset: number;
  end: number;
  /** First token on its logical line. */
  bol: boolean;
  /** Whitespace (or a comment) precedes it. */
  space: boolean;
}

/**
 * Preprocessed tokens. Token objects are shared (the same object stands wherever a #define body token is
 * expanded), so what differs per occurrence lives in parallel arrays: the innermost expansion that produced
 * each token (undefined: written in place) and whether whitespace preceded it there.
 */
export interface TokenStream {
  tokens: Token[];
  exps: Array<Expansion | undefined>;
  spaces: boolean[];
}

/** Where the user sees token `t` produced by expansion `e`: the outermost invocation, or its own place. */
export function locationOf(t: Token, e: Expansion | undefined): { file: SourceFile; offset: number; end: number } {
  if (!e) return { file: t.file, offset: t.offset, end: t.end };
  while (e.parent) e = e.parent;
  return { file: e.at.file, offset: e.at.offset, end: e.at.end };
}

/** The location of token i of a stream (see locationOf). */
export function streamLocation(s: TokenStream, i: number): { file: SourceFile; offset: number; end: number } {
  const k = Math.min(i, s.tokens.length - 1);
  return locationOf(s.tokens[k], s.exps[k]);
}

