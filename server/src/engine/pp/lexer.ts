// Lexer: C tokens with exact source positions. Line splices are removed from spellings but offsets stay
// in the original text; comments become whitespace; any byte at all yields a token or a problem, never a throw.

import { Problems } from '../base/problems';
import { SourceFile } from '../base/source';
import { Token, TokenKind } from '../base/token';

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

// One-character punctuator spellings, shared (indexed by char code).
const PUNCT_TEXT: string[] = [];
for (const ch of PUNCT1) PUNCT_TEXT[ch.charCodeAt(0)] = ch;

/** Length of the punctuator at s[i] (longest match), or 0. */
function punctLength(s: string, i: number, n: number): number {
  const c = s.charCodeAt(i);
  if (c >= 128 || PUNCT_TEXT[c] === undefined) return 0;
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

export function lex(file: SourceFile, problems: Problems): Token[] {
  const sp = splice(file.text);
  const s = sp ? sp.s : file.text;
  const n = s.length;
  const out: Token[] = [];
  let i = 0;
  let bol = true;
  let space = false;
  // Spliced offsets map back to the file's through the chunk table, with a cursor: tokens come in order.
  const starts = sp?.starts;
  const origin = sp?.origin;
  let chunk = 0;
  const orig = (x: number): number => {
    if (!starts) return x;
    if (x < starts[chunk]) chunk = 0;
    while (chunk + 1 < starts.length && starts[chunk + 1] <= x) chunk++;
    return origin![chunk] + (x - starts[chunk]);
  };
  // The end offset of a token is the original offset just after its last character.
  const endOf = (e: number) => (e === 0 ? orig(0) : orig(e - 1) + 1);

  while (i < n) {
    const c = s.charCodeAt(i);
    // Whitespace and newlines.
    // A newline is LF, CRLF, or a lone CR.
    if (c === 10 || (c === 13 && s.charCodeAt(i + 1) !== 10)) {
      bol = true;
      space = false;
      i++;
      continue;
    }
    if (c === 32 || c === 9 || c === 13 || c === 11 || c === 12) {
      space = true;
      i++;
      continue;
    }
    // Comments.
    if (c === 47 /* / */) {
      const d = s.charCodeAt(i + 1);
      if (d === 47) {
        let e = i + 2;
        while (e < n && s.charCodeAt(e) !== 10 && s.charCodeAt(e) !== 13) e++;
        i = e;
        space = true;
        continue;
      }
      if (d === 42) {
        const close = s.indexOf('*/', i + 2);
        if (close < 0) {
          problems.error('unterminated-comment', 'unterminated /* comment', file, orig(i), endOf(i + 2));
          i = n;
        } else i = close + 2;
        space = true;
        continue;
      }
    }
    const start = i;
    let kind: TokenKind;
    let text: string | undefined;
    // Identifiers, and literal prefixes L, u, U, u8.
    if (c < 128 ? IDENT_START[c] : false) {
      i++;
      while (i < n) {
        const d = s.charCodeAt(i);
        if (d < 128 && IDENT_PART[d]) i++;
        else break;
      }
      kind = TokenKind.Identifier;
      const q = s.charCodeAt(i);
      if ((q === 34 || q === 39) && i - start <= 2) {
        const prefix = s.slice(start, i);
        if (prefix === 'L' || prefix === 'u' || prefix === 'U' || prefix === 'u8') {
          i = quoted(i, q);
          kind = q === 34 ? TokenKind.String : TokenKind.Char;
        }
      }
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
    } else if (c === 34 || c === 39) {
      i = quoted(i, c);
      kind = c === 34 ? TokenKind.String : TokenKind.Char;
    } else {
      // Punctuators, longest match, decided on char codes (no substring per token).
      const len = punctLength(s, i, n);
      if (len > 0) {
        kind = TokenKind.Punct;
        if (len === 1) text = PUNCT_TEXT[c];
        else {
          const t = s.slice(i, i + len);
          text = DIGRAPHS[t] ?? t;
        }
        i += len;
      } else {
        // Anything else: one token per character (a surrogate pair counts as one).
        i += c >= 0xd800 && c < 0xdc00 && i + 1 < n ? 2 : 1;
        kind = TokenKind.Other;
      }
    }
    out.push({ kind, text: text ?? s.slice(start, i), file, offset: starts ? orig(start) : start, end: starts ? endOf(i) : i, bol, space });
    bol = false;
    space = false;
  }
  out.push({ kind: TokenKind.EOF, text: '', file, offset: file.text.length, end: file.text.length, bol: true, space: false });
  return out;

  /** Scans a string or character literal starting at the quote; returns the index after it. */
  function quoted(at: number, q: number): number {
    let k = at + 1;
    while (k < n) {
      const d = s.charCodeAt(k);
      if (d === q) return k + 1;
      if (d === 92 /* \ */) {
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
