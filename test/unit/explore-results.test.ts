// The server's view of every-configuration results (server/src/explore.ts): a text's token form (an edit that
// keeps it keeps the search's results), checked against the engine's own lexer on random edits; line mapping;
// .config differences and assignments; and the memdesc.allConfigs settings as any client may send them.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Problems } from '../../server/src/engine/base/problems';
import { SourceFile } from '../../server/src/engine/base/source';
import { TokenKind } from '../../server/src/engine/base/token';
import { lex } from '../../server/src/engine/pp/lexer';
import { applyAssignment, assignmentText, changedFiles, configDiff, lineMapper, sameTokens, tokenForm } from '../../server/src/explore';
import { archesFor } from '../../server/src/explore-schedule';
import { normalizeSettings } from '../../server/src/settings';

/** What the preprocessor reads of a text: each token's spelling, kind, and whether it starts a line or follows whitespace. */
function lexed(text: string): string[] {
  return lex(new SourceFile(1, 't.h', text), new Problems())
    .filter((t) => t.kind !== TokenKind.EOF)
    .map((t) => `${t.kind}:${t.text}:${t.bol ? 'B' : ''}${t.space ? 'S' : ''}`);
}

/** A small seeded generator (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const PIECES = ['struct', 'page', '{', '}', ';', 'int', 'x', '#', 'define', 'ifdef', 'endif', 'CONFIG_MEMCG', '(', ')', ',', '"a /* b */ c"', "'/'", '"//"', '1', '0x10', '+', '/', '*', '##', '\\', '.', '...'];
const GAPS = [' ', '\t', '\n', '', '/* c */', '/* multi\nline */', '// line\n', '\\\n', '  \n\n ', '', '\r\n', '\\\r\n'];

function randomText(r: () => number, n: number): string {
  let s = '';
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(r() * PIECES.length)] + GAPS[Math.floor(r() * GAPS.length)];
  return s;
}

/** A random small edit: a character inserted, removed or changed, a comment or a splice added. */
function mutate(r: () => number, s: string): string {
  const at = Math.floor(r() * (s.length + 1));
  const ins = [' ', '\n', '/', '*', '"', "'", '\\\n', '/* x */', '//', 'a', '\t', '\r'][Math.floor(r() * 12)];
  switch (Math.floor(r() * 3)) {
    case 0:
      return s.slice(0, at) + ins + s.slice(at);
    case 1:
      return s.slice(0, at) + s.slice(at + 1);
    default:
      return s.slice(0, at) + ins + s.slice(at + 1);
  }
}

describe('token forms (what makes a search stale)', () => {
  it('comments and whitespace do not change it; tokens, line breaks between directives and splices do', () => {
    assert.equal(tokenForm('struct page {  /* flags */\n\tunsigned long flags; // x\n\n};\n'), tokenForm('struct page {\n        unsigned long   flags;\n};'));
    // Whether a line is indented is kept: the lexer marks its first token as preceded by whitespace.
    assert.ok(!sameTokens('struct page {\n\tint x;\n};', 'struct page {\nint x;\n};'));
    assert.ok(sameTokens('int a; /* one */', 'int a;   /* two\n lines */'));
    assert.ok(!sameTokens('#define A 1\nB', '#define A 1 B'), 'a newline ends a directive');
    assert.ok(!sameTokens('#define A(x) x', '#define A (x) x'), 'whitespace between tokens is kept as one space');
    assert.ok(!sameTokens('ab', 'a\\\n b'), 'a splice joins, whitespace after it separates');
    assert.ok(!sameTokens('"/* a */"', '"/* b */"'), 'a comment marker inside a string is the string');
    assert.ok(sameTokens('x /* "a */', 'x /* "b */'), 'a quote inside a comment is the comment');
    assert.ok(!sameTokens('int a;', undefined));
  });

  it('equal forms mean equal tokens for the lexer (3,000 random edits of random texts)', () => {
    const r = rng(1303);
    let equal = 0;
    for (let i = 0; i < 3000; i++) {
      const a = randomText(r, 6 + Math.floor(r() * 20));
      let b = a;
      for (let k = 1 + Math.floor(r() * 3); k > 0; k--) b = mutate(r, b);
      if (tokenForm(a) !== tokenForm(b)) continue;
      equal++;
      assert.deepEqual(lexed(b), lexed(a), `same form, other tokens:\n${JSON.stringify(a)}\n${JSON.stringify(b)}`);
    }
    // Enough of the edits kept the form for the check to mean something (edits of whitespace and comments).
    assert.ok(equal > 200, `only ${equal} edits kept the form`);
  });

  it('changedFiles: only files the search read, whose tokens changed', () => {
    const disk = new Map([['/t/a.h', 'int a;'], ['/t/b.h', 'int b;']]);
    const open = new Map<string, string>([['/t/a.h', 'int a; /* edited */'], ['/t/b.h', 'long b;'], ['/t/c.h', 'x']]);
    const src = { overlay: (f: string) => open.get(f), disk: (f: string) => disk.get(f) };
    const e = { overlays: new Map([['/t/a.h', 'int a;']]) };
    assert.deepEqual(changedFiles(e, src, open.keys(), new Set(['/t/a.h', '/t/b.h'])), ['/t/b.h']);
    assert.deepEqual(changedFiles(e, src, open.keys()).sort(), ['/t/b.h', '/t/c.h']);
  });
});

describe('line mapping, configs, assignments', () => {
  it('maps lines past an edit by its line count, and lines inside it to its start', () => {
    const then = 'a\nb\nc\nd\ne';
    const now = 'a\n/* new\n comment */\nb\nc\nd\ne';
    const m = lineMapper(then, now);
    assert.deepEqual([1, 2, 3, 5].map(m), [1, 4, 5, 7]);
    const m2 = lineMapper('a\nb\nc', 'a\nB\nc');
    assert.deepEqual([1, 2, 3].map(m2), [1, 2, 3]);
    assert.equal(lineMapper('x', 'x')(7), 7);
  });

  it('configDiff, applyAssignment and assignmentText', () => {
    const def = '# comment\nCONFIG_A=y\n# CONFIG_B is not set\nCONFIG_S="x"\nCONFIG_N=8\n';
    const other = applyAssignment(def, { CONFIG_A: 'n', CONFIG_B: 'y', CONFIG_S: 'y z', CONFIG_N: '16', CONFIG_NEW: 'm' });
    assert.equal(other, '# comment\n# CONFIG_A is not set\nCONFIG_B=y\nCONFIG_S="y z"\nCONFIG_N=16\nCONFIG_NEW=m\n');
    assert.deepEqual(configDiff(def, other), { CONFIG_A: 'n', CONFIG_B: 'y', CONFIG_N: '16', CONFIG_NEW: 'm', CONFIG_S: '"y z"' });
    assert.equal(applyAssignment(def, {}), def);
    assert.equal(assignmentText({}), 'the defconfig');
    assert.equal(assignmentText({ CONFIG_A: 'n', CONFIG_B: 'y', CONFIG_C: 'y' }, 2), 'CONFIG_A=n CONFIG_B=y and 1 more');
  });
});

describe('memdesc.allConfigs settings', () => {
  it('nested or dotted, bad values replaced by the defaults', () => {
    assert.deepEqual(normalizeSettings({}).allConfigs, { enabled: true, arches: ['configured'], budgetMs: 60_000 });
    assert.deepEqual(normalizeSettings({ allConfigs: { enabled: false, arches: ['all'], budget: 1.5 } }).allConfigs, { enabled: false, arches: ['all'], budgetMs: 1500 });
    assert.deepEqual(normalizeSettings({ 'allConfigs.enabled': false, 'allConfigs.arches': ['i386', 'i386', 'nope', 3], 'allConfigs.budget': 0 }).allConfigs, { enabled: false, arches: ['i386'], budgetMs: 0 });
    assert.deepEqual(normalizeSettings({ allConfigs: { enabled: 'yes', arches: 'all', budget: -1 } }).allConfigs, { enabled: true, arches: ['configured'], budgetMs: 60_000 });
    assert.equal(normalizeSettings({ allConfigs: { budget: 1e9 } }).allConfigs.budgetMs, 3_600_000);
  });

  it('archesFor: the configured ABI first, no repeats, all twenty for all', () => {
    const s = (arches: unknown) => normalizeSettings({ allConfigs: { arches } });
    assert.deepEqual(archesFor(s(['configured']), 'ppc32'), ['ppc32']);
    assert.deepEqual(archesFor(s(['i386', 'configured']), 'x86_64'), ['x86_64', 'i386']);
    assert.deepEqual(archesFor(s(['arm64']), 'x86_64'), ['arm64']);
    const all = archesFor(s(['all']), 'i386');
    assert.equal(all.length, 20);
    assert.equal(all[0], 'i386');
  });
});
