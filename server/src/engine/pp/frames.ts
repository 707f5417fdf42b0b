// What the preprocessor reads from: a stack of frames, each a whole file (read from its token table) or a macro
// expansion (token objects in a Seq), and the record of a file's entry.

import { SourceFile } from '../base/source';
import { Expansion, Token } from '../base/token';
import { CachedFile } from './files';
import { Seq } from './seq';
import { TokenTable } from './tokens';

export interface Frame {
  /** Set for frames that are whole files, with the file's token table. */
  file: FileCtx | undefined;
  table: TokenTable | undefined;
  /** Set for frames that are macro expansions (toks is seq.t). */
  seq: Seq | undefined;
  toks: Token[];
  pos: number;
  /** Tokens in the frame (the table's count for files). */
  len: number;
  /** A remembered expansion: its tokens are final (already rescanned); all of them carry this expansion. */
  ctx: Expansion | undefined;
  /** For remembered expansions: the space flag of the first token (the invocation's). */
  sp0: boolean;
}

export interface FileCtx {
  sf: SourceFile;
  cached: CachedFile;
  /** The file's tokens as entered (the cache's table may be replaced by an edit later). */
  table: TokenTable;
  /** Index into the search path where the file was found (-1: not through the search path). */
  dirIndex: number;
  /** Conditional-stack depth when the file was entered. */
  condBase: number;
  /** A main file: its function bodies are kept (their _Static_asserts are evaluated). */
  main: boolean;
  /** The file that included this one, and the position there after the #include line. */
  parent: FileCtx | undefined;
  parentPos: number;
  /** Journal: the checkpoint taken before this entry (its #include, or its phase start), and the count at its end. */
  cpEntry: number;
  cpExit: number;
}

const EMPTY: Token[] = [];

export function fileFrame(table: TokenTable, file: FileCtx | undefined, pos = 0): Frame {
  return { file, table, seq: undefined, toks: EMPTY, pos, len: table.count, ctx: undefined, sp0: false };
}

export function seqFrame(seq: Seq, ctx?: Expansion, sp0 = false): Frame {
  return { file: undefined, table: undefined, seq, toks: seq.t, pos: 0, len: seq.t.length, ctx, sp0 };
}
