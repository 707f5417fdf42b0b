// Lexed files kept between runs (keyed by path, checked by content), their include guards, and lexing a file again
// in place after an edit so that everything pointing at it sees the new version.

import { Problem, Problems } from '../base/problems';
import { SourceFile } from '../base/source';
import { TokenKind } from '../base/token';
import { lexTable } from './lexer';
import { S, Spellings } from './spellings';
import { TokenTable } from './tokens';

export interface CachedFile {
  text: string;
  file: SourceFile;
  tokens: TokenTable;
  lexProblems: Problem[];
  /** Include-guard macro, null when the file has none. Computed on first need. */
  guard?: string | null;
}

let nextFileId = 1;

/** A new file id (dense within a process: ids key problems and caches). */
export function newFileId(): number {
  return nextFileId++;
}

/**
 * Lexed files kept between runs, keyed by path and checked by content: an edit re-lexes only the edited file.
 * Its spelling table is shared by every file lexed into it (token spellings are compared by id).
 */
export class PreprocessCache {
  readonly files = new Map<string, CachedFile>();
  readonly spellings = new Spellings();

  /** Lexes `text` as the file at `path` and keeps it. */
  add(path: string, text: string): CachedFile {
    const c = this.lexed(path, text);
    this.files.set(path, c);
    return c;
  }

  /** Lexes `text` as the file at `path` (with this cache's spellings) without keeping it. */
  lexed(path: string, text: string): CachedFile {
    const sf = new SourceFile(newFileId(), path, text);
    const lexProblems = new Problems();
    const tokens = lexTable(sf, lexProblems, this.spellings);
    return { text, file: sf, tokens, lexProblems: lexProblems.list };
  }
}

/**
 * Lexes a cached file's new text into the same CachedFile and SourceFile (everything that points at them sees
 * the new version). Token objects before the first change are kept as the same objects. Returns the index of the
 * first token that differs.
 */
export function relexInPlace(c: CachedFile, text: string): number {
  const old = c.tokens;
  c.file.setText(text);
  const lexProblems = new Problems();
  const fresh = lexTable(c.file, lexProblems, old.spellings);
  let k = 0;
  const n = Math.min(old.count, fresh.count) - 1;
  while (k < n && old.sameAs(k, fresh, k)) k++;
  fresh.adoptObjects(old, k);
  c.text = text;
  c.tokens = fresh;
  c.lexProblems = lexProblems.list;
  c.guard = undefined;
  return k;
}

/** The guard macro of a file wrapped entirely in `#ifndef X` / `#if !defined(X)` … `#endif`, else null. */
export function includeGuard(t: TokenTable): string | null {
  const n = t.count;
  const isHash = (i: number) => i < n && t.bol(i) && t.kind[i] === TokenKind.Punct && t.spell[i] === S.hash;
  const is = (i: number, id: number) => i < n && (t.kind[i] === TokenKind.Identifier || t.kind[i] === TokenKind.Punct) && t.id(i) === id;
  const ident = (i: number) => i < n && t.kind[i] === TokenKind.Identifier;
  if (!isHash(0)) return null;
  let guard: string | undefined;
  if (is(1, S.ifndef) && ident(2) && t.bol(3)) guard = t.text(2);
  else if (is(1, S.if) && is(2, S.not) && is(3, S.defined)) {
    const paren = is(4, S.lparen);
    const id = paren ? 5 : 4;
    const endIdx = paren ? 7 : 5;
    if (ident(id) && (!paren || is(6, S.rparen)) && endIdx < n && t.bol(endIdx)) guard = t.text(id);
  }
  if (!guard) return null;
  let depth = 0;
  for (let i = 0; i < n; i++) {
    if (!isHash(i)) continue;
    const d = t.kind[i + 1] === TokenKind.Identifier ? t.id(i + 1) : -1;
    if (d === S.if || d === S.ifdef || d === S.ifndef) depth++;
    else if ((d === S.else || d === S.elif) && depth === 1) return null;
    else if (d === S.endif) {
      depth--;
      if (depth === 0) return t.kind[t.lineEnd(i + 1)] === TokenKind.EOF ? guard : null;
    }
  }
  return null;
}
