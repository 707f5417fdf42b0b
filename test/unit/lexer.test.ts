// Lexer: exact positions, splices, every token kind, and no throw on any input.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lex } from '../../server/src/engine/pp/lexer';
import { Problems } from '../../server/src/engine/base/problems';
import { SourceFile } from '../../server/src/engine/base/source';
import { TokenKind } from '../../server/src/engine/base/token';

function tokens(text: string) {
  const problems = new Problems();
  const f = new SourceFile(1, 't.c', text);
  const toks = lex(f, problems);
  return { toks: toks.filter((t) => t.kind !== TokenKind.EOF), problems: problems.list, f };
}

describe('lexer', () => {
  it('keeps exact offsets, lines and columns', () => {
    const { toks, f } = tokens('struct page {\n\tunsigned long flags;\n};');
    assert.deepEqual(toks.map((t) => t.text), ['struct', 'page', '{', 'unsigned', 'long', 'flags', ';', '}', ';']);
    const flags = toks[5];
    assert.deepEqual(f.position(flags.offset), { line: 2, column: 16 });
    assert.equal(f.text.slice(flags.offset, flags.end), 'flags');
  });
  it('removes line splices from spellings but keeps original offsets', () => {
    const { toks, f } = tokens('#define A \\\n  lo\\\nng x\nin\\\nt y;');
    const long = toks.find((t) => t.text === 'long')!;
    assert.ok(long);
    assert.equal(f.text.slice(long.offset, long.end), 'lo\\\nng');
    assert.equal(toks.find((t) => t.text === 'int')!.bol, true);
    assert.deepEqual(f.position(toks.find((t) => t.text === 'y')!.offset), { line: 5, column: 3 });
  });
  it('handles CRLF and CR line endings', () => {
    const { toks, f } = tokens('a\r\nb\rc');
    assert.deepEqual(toks.map((t) => [t.text, t.bol]), [['a', true], ['b', true], ['c', true]]);
    assert.deepEqual(f.position(toks[2].offset), { line: 3, column: 1 });
  });
  it('sets bol and space flags, and treats comments as space', () => {
    const { toks } = tokens('a/**/b // c\n  #d');
    assert.deepEqual(toks.map((t) => [t.text, t.bol, t.space]), [['a', true, false], ['b', false, true], ['#', true, true], ['d', false, false]]);
  });
  it('lexes every punctuator with longest match, and digraphs', () => {
    const p = '... <<= >>= -> ++ -- << >> <= >= == != && || *= /= %= += -= &= ^= |= ## [ ] ( ) { } . & * + - ~ ! / % < > ^ | ? : ; = , #';
    const { toks } = tokens(p);
    assert.deepEqual(toks.map((t) => t.text), p.split(' '));
    assert.ok(toks.every((t) => t.kind === TokenKind.Punct));
    assert.deepEqual(tokens('<: :> <% %> %: %:%:').toks.map((t) => t.text), ['[', ']', '{', '}', '#', '##']);
  });
  it('lexes pp-numbers, characters and strings with prefixes', () => {
    const { toks } = tokens(`0x10UL 1e+5 .5f 0x1p-3 08 L'a' u8"s" U"t" u'c' "a\\"b" '\\''`);
    assert.deepEqual(toks.map((t) => [t.kind, t.text]), [
      [TokenKind.Number, '0x10UL'], [TokenKind.Number, '1e+5'], [TokenKind.Number, '.5f'], [TokenKind.Number, '0x1p-3'], [TokenKind.Number, '08'],
      [TokenKind.Char, "L'a'"], [TokenKind.String, 'u8"s"'], [TokenKind.String, 'U"t"'], [TokenKind.Char, "u'c'"], [TokenKind.String, '"a\\"b"'], [TokenKind.Char, "'\\''"],
    ]);
  });
  it('reports unterminated comments and literals at their start, and keeps going', () => {
    const a = tokens('int x; /* never closed');
    assert.equal(a.problems[0].code, 'unterminated-comment');
    assert.equal(a.problems[0].offset, 7);
    const b = tokens('char *s = "oops;\nint y;');
    assert.equal(b.problems[0].code, 'unterminated-string');
    assert.ok(b.toks.some((t) => t.text === 'y'));
  });
  it('turns stray bytes into Other tokens and never throws on random input', () => {
    assert.deepEqual(tokens('@ `').toks.map((t) => [t.kind, t.text]), [[TokenKind.Other, '@'], [TokenKind.Other, '`']]);
    let seed = 5;
    for (let i = 0; i < 300; i++) {
      let s = '';
      for (let k = 0; k < 300; k++) {
        seed = (seed * 1103515245 + 12345) >>> 0;
        s += String.fromCharCode(seed % 256);
      }
      const { toks, f } = tokens(s);
      for (const t of toks) assert.ok(t.offset >= 0 && t.end <= f.text.length && t.offset <= t.end);
    }
  });
});
