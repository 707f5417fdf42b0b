// Lexer: C tokens with exact source positions, into a struct-of-arrays token table (no object per token). Line
// splices are removed from spellings but offsets stay in the original text; comments become whitespace; any byte at
// all yields a token or a problem, never a throw.

import { Problems } from '../base/problems';
import { SourceFile } from '../base/source';
import { Token, TokenKind } from '../base/token';
import { Spellings } from './spellings';
import { BOL, SPACE, TokenTable } from './tokens';

const DIGRAPHS: Record<string, string> = { '<:': '[', ':>': ']', '<%': '{', '%>': '}', '%:': '#', '%:%:': '##' };
const PUNCT1 = '[](){}.&*+-~!/%<>^|?:;=,#';

// Character classes, indexed by char code < 128.
const IDENT_START = new Uint8Array(128);
const IDENT_PART = new Uint8Array(128);
for (let c = 0; c < 128; c++) {
  const ch = String.fromCharCode(c);
  IDENT_START[c] = /[A-Za-z_$]/.test(ch) ? 1 : 0;
  IDENT_PART[c] = /[A-Za-z0-9_$]/.test(ch) ? 1 : 0;
}
const isDigit = (c: number) => c >= 48 && c <= 57;

// One-character punctuators by char code (every table interns them first, so their ids are fixed).
const PUNCT_ID = new Int32Array(128).fill(-1);
{
  const fixed = new Spellings();
  for (const ch of PUNCT1) PUNCT_ID[ch.charCodeAt(0)] = fixed.lookup(ch);
}
const PUNCT_ID_EMPTY = new Spellings().lookup('');
// Multi-character punctuators (and digraphs) by spelling: their ids are fixed as well.
const PUNCT_IDS = new Map<string, number>();
{
  const fixed = new Spellings();
  for (const p of ['...', '<<=', '>>=', '->', '++', '--', '<<', '>>', '<=', '>=', '==', '!=', '&&', '||', '*=', '/=', '%=', '+=', '-=', '&=', '^=', '|=', '##']) PUNCT_IDS.set(p, fixed.lookup(p));
  for (const [d, p] of Object.entries(DIGRAPHS)) PUNCT_IDS.set(d, fixed.lookup(p));
}

/** Length of the punctuator at s[i] (longest match), or 0. */
function punctLength(s: string, i: number, n: number): number {
  const c = s.charCodeAt(i);
  if (c >= 128 || PUNCT_ID[c] < 0) return 0;
  const d = i + 1 < n ? s.charCodeAt(i + 1) : 0;
  const e = i + 2 < n ? s.charCodeAt(i + 2) : 0;
  switch (c) {
    case 46: // .
      return d === 46 && e === 46 ? 3 : 1;
    case 60: // <
      if (d === 60) return e === 61 ? 3 : 2;
      return d === 61 || d === 58 || d === 37 ? 2 : 1;
    case 62: // >
      if (d === 62) return e === 61 ? 3 : 2;
      return d === 61 ? 2 : 1;
    case 37: // %
      if (d === 58) return e === 37 && i + 3 < n && s.charCodeAt(i + 3) === 58 ? 4 : 2;
      return d === 61 || d === 62 ? 2 : 1;
    case 45: // -
      return d === 62 || d === 45 || d === 61 ? 2 : 1;
    case 43: // +
      return d === 43 || d === 61 ? 2 : 1;
    case 38: // &
      return d === 38 || d === 61 ? 2 : 1;
    case 124: // |
      return d === 124 || d === 61 ? 2 : 1;
    case 61: // =
    case 33: // !
    case 42: // *
    case 47: // /
    case 94: // ^
      return d === 61 ? 2 : 1;
    case 35: // #
      return d === 35 ? 2 : 1;
    case 58: // :
      return d === 62 ? 2 : 1;
    default:
      return 1;
  }
}

/**
 * Removes backslash-newline splices. Returns the spliced text and where its chunks start, in the spliced and
 * the original text (undefined when the text has no splices, the common case for files without macros
 * continued over lines).
 */
function splice(text: string): { s: string; starts: number[]; origin: number[] } | undefined {
  let k = text.indexOf('\\');
  if (k < 0) return undefined;
  const parts: string[] = [];
  const starts: number[] = [];
  const origin: number[] = [];
  let chunkStart = 0;
  let outLen = 0;
  for (; k >= 0; k = text.indexOf('\\', k + 1)) {
    const d = text.charCodeAt(k + 1);
    const len = d === 10 ? 2 : d === 13 ? (text.charCodeAt(k + 2) === 10 ? 3 : 2) : 0;
    if (len === 0) continue;
    starts.push(outLen);
    origin.push(chunkStart);
    parts.push(text.slice(chunkStart, k));
    outLen += k - chunkStart;
    chunkStart = k + len;
    k = chunkStart - 1;
  }
  if (starts.length === 0) return undefined;
  starts.push(outLen);
  origin.push(chunkStart);
  parts.push(text.slice(chunkStart));
  return { s: parts.join(''), starts, origin };
}

/** Arrays a file is lexed into before its table gets copies of the part used (lexing is never re-entered). */
class Scratch {
  readonly kinds: Uint8Array;
  readonly flags: Uint8Array;
  readonly spell: Int32Array;
  readonly starts: Int32Array;
  readonly ends: Int32Array;
  constructor(n: number) {
    this.kinds = new Uint8Array(n);
    this.flags = new Uint8Array(n);
    this.spell = new Int32Array(n);
    this.starts = new Int32Array(n);
    this.ends = new Int32Array(n);
  }
}
let scratch = new Scratch(1 << 16);

/**
 * Lexes a whole file into a token table (the last entry is the end-of-file token). Punctuators get their spelling
 * ids now; other tokens when first asked (TokenTable.id): most identifiers of a header are never looked up.
 */
export function lexTable(file: SourceFile, problems: Problems, spellings: Spellings): TokenTable {
  const sp = splice(file.text);
  const s = sp ? sp.s : file.text;
  const n = s.length;
  // A file has at most one token per character (plus the end): the scratch arrays hold that many, and the table
  // gets copies of what was used. No closure touches them, so they stay in registers.
  if (scratch.kinds.length < n + 2) scratch = new Scratch(n + 2);
  const kinds = scratch.kinds;
  const flags = scratch.flags;
  const spell = scratch.spell;
  const starts = scratch.starts;
  const ends = scratch.ends;
  let count = 0;
  let i = 0;
  let bol = BOL;
  let space = 0;
  // Spliced offsets map back to the file's through the chunk table, with a cursor: tokens come in order.
  const chunkStarts = sp?.starts;
  const origin = sp?.origin;
  let chunk = 0;
  const orig = (x: number): number => {
    if (!chunkStarts) return x;
    if (x < chunkStarts[chunk]) chunk = 0;
    while (chunk + 1 < chunkStarts.length && chunkStarts[chunk + 1] <= x) chunk++;
    return origin![chunk] + (x - chunkStarts[chunk]);
  };
  // The end offset of a token is the original offset just after its last character.
  const endOf = (e: number) => (e === 0 ? orig(0) : orig(e - 1) + 1);

  while (i < n) {
    const c = s.charCodeAt(i);
    // Whitespace and newlines. A newline is LF, CRLF, or a lone CR.
    if (c === 10 || (c === 13 && s.charCodeAt(i + 1) !== 10)) {
      bol = BOL;
      space = 0;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) {
      space = SPACE;
      i++;
      continue;
    }
    // Comments.
    if (c === 47 /* / */) {
      const d = s.charCodeAt(i + 1);
      if (d === 47) {
        let e = i + 2;
        while (e < n) {
          const x = s.charCodeAt(e);
          if (x === 10 || x === 13) break;
          e++;
        }
        i = e;
        space = SPACE;
        continue;
      }
      if (d === 42) {
        const close = s.indexOf('*/', i + 2);
        if (close < 0) {
          problems.error('unterminated-comment', 'unterminated /* comment', file, orig(i), endOf(i + 2));
          i = n;
        } else i = close + 2;
        space = SPACE;
        continue;
      }
    }
    const start = i;
    let kind: TokenKind;
    let id: number;
    if (c < 128 ? IDENT_START[c] : false) {
      // Identifiers, and literal prefixes L, u, U, u8.
      i++;
      while (i < n) {
        const d = s.charCodeAt(i);
        if (d < 128 && IDENT_PART[d]) i++;
        else break;
      }
      kind = TokenKind.Identifier;
      const q = s.charCodeAt(i);
      if ((q === 34 || q === 39) && i - start <= 2 && isLiteralPrefix(s, start, i)) {
        i = quoted(i, q);
        kind = q === 34 ? TokenKind.String : TokenKind.Char;
      }
      id = -1;
    } else if (isDigit(c) || (c === 46 && isDigit(s.charCodeAt(i + 1)))) {
      // Preprocessing numbers.
      i++;
      while (i < n) {
        const d = s.charCodeAt(i);
        if (d === 43 || d === 45) {
          const p = s.charCodeAt(i - 1);
          if (p === 101 || p === 69 || p === 112 || p === 80) i++; // e E p P
          else break;
        } else if ((d < 128 && IDENT_PART[d]) || d === 46) i++;
        else break;
      }
      kind = TokenKind.Number;
      id = -1;
    } else if (c === 34 || c === 39) {
      i = quoted(i, c);
      kind = c === 34 ? TokenKind.String : TokenKind.Char;
      id = -1;
    } else {
      // Punctuators, longest match, decided on char codes (no substring per token).
      const len = punctLength(s, i, n);
      if (len > 0) {
        kind = TokenKind.Punct;
        if (len === 1) id = PUNCT_ID[c];
        else {
          const t = s.slice(i, i + len);
          id = PUNCT_IDS.get(t) ?? spellings.intern(DIGRAPHS[t] ?? t);
        }
        i += len;
      } else {
        // Anything else: one token per character (a surrogate pair counts as one).
        i += c >= 0xd800 && c < 0xdc00 && i + 1 < n ? 2 : 1;
        kind = TokenKind.Other;
        id = -1;
      }
    }
    kinds[count] = kind;
    flags[count] = bol | space;
    if (chunkStarts) {
      const a = orig(start);
      const e = endOf(i);
      starts[count] = a;
      ends[count] = e;
      // A token with a line splice inside is spelled otherwise than its text in the file: interned now.
      spell[count] = id < 0 && e - a !== i - start ? spellings.intern(s.slice(start, i)) : id;
    } else {
      starts[count] = start;
      ends[count] = i;
      spell[count] = id;
    }
    count++;
    bol = 0;
    space = 0;
  }
  kinds[count] = TokenKind.EOF;
  flags[count] = BOL;
  spell[count] = PUNCT_ID_EMPTY;
  starts[count] = file.text.length;
  ends[count] = file.text.length;
  count++;
  return new TokenTable(file, file.text, spellings, count, kinds.slice(0, count), flags.slice(0, count), spell.slice(0, count), starts.slice(0, count), ends.slice(0, count));

  /** Scans a string or character literal starting at the quote; returns the index after it. */
  function quoted(at: number, q: number): number {
    let k = at + 1;
    while (k < n) {
      const d = s.charCodeAt(k);
      if (d === q) return k + 1;
      if (d === 92 /* \\ */) {
        k += 2;
        continue;
      }
      if (d === 10 || d === 13) break;
      k++;
    }
    problems.error('unterminated-string', `missing terminating ${q === 34 ? '"' : "'"} character`, file, orig(at), endOf(Math.min(k, n)));
    return Math.min(k, n);
  }
}

/** Whether s[from, to) is a literal prefix: L, u, U or u8. */
function isLiteralPrefix(s: string, from: number, to: number): boolean {
  const a = s.charCodeAt(from);
  if (to - from === 1) return a === 76 || a === 117 || a === 85;
  return a === 117 && s.charCodeAt(from + 1) === 56;
}

/** Every token of a file as objects (tests, tools): the token table, materialized. */
export function lex(file: SourceFile, problems: Problems, spellings = new Spellings()): Token[] {
  const t = lexTable(file, problems, spellings);
  const out: Token[] = [];
  for (let i = 0; i < t.count; i++) out.push(t.token(i));
  return out;
}
