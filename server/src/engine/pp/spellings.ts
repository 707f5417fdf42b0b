// Interned token spellings: every distinct spelling gets a small integer, so that the preprocessor looks macros up
// in an array and compares punctuators as numbers, and a lexed file stores no string per token.

/**
 * Spellings every table starts with, in this order, so that their ids are the constants below: the
 * punctuators, directive names and the identifiers the preprocessor reacts to.
 */
const PREINTERNED = [
  '#', '##', '(', ')', ',', '{', '}', ';', '=', '...', '<', '>', '[', ']', '.', '->', '++', '--', '&', '*', '+', '-', '~', '!',
  '/', '%', '<<', '>>', '<=', '>=', '==', '!=', '^', '|', '&&', '||', '?', ':', '*=', '/=', '%=', '+=', '-=', '<<=', '>>=',
  '&=', '^=', '|=', '', 'define', 'undef', 'include', 'include_next', 'import', 'if', 'ifdef', 'ifndef', 'elif', 'else',
  'endif', 'elifdef', 'elifndef', 'error', 'warning', 'pragma', 'line', 'ident', 'sccs', 'assert', 'unassert', 'defined',
  '__VA_ARGS__', '__VA_OPT__', '_Pragma', 'once', 'pack', 'GCC',
] as const;

type Pre = (typeof PREINTERNED)[number];
const id = (s: Pre): number => PREINTERNED.indexOf(s);

export const S = {
  hash: id('#'),
  hashhash: id('##'),
  lparen: id('('),
  rparen: id(')'),
  comma: id(','),
  lbrace: id('{'),
  rbrace: id('}'),
  semi: id(';'),
  assign: id('='),
  ellipsis: id('...'),
  lt: id('<'),
  gt: id('>'),
  empty: id(''),
  define: id('define'),
  undef: id('undef'),
  include: id('include'),
  includeNext: id('include_next'),
  import: id('import'),
  if: id('if'),
  ifdef: id('ifdef'),
  ifndef: id('ifndef'),
  elif: id('elif'),
  else: id('else'),
  endif: id('endif'),
  elifdef: id('elifdef'),
  elifndef: id('elifndef'),
  defined: id('defined'),
  vaArgs: id('__VA_ARGS__'),
  vaOpt: id('__VA_OPT__'),
  pragmaOp: id('_Pragma'),
  once: id('once'),
  not: id('!'),
} as const;

/**
 * An intern table: spelling ↔ id. A Map keyed by the spelling: slicing a token's text out of its file and hashing
 * it natively is faster than any comparison written here, and the slices die young.
 */
export class Spellings {
  private readonly strs: string[] = [];
  private readonly ids = new Map<string, number>();

  constructor() {
    for (const s of PREINTERNED) this.intern(s);
  }

  get size(): number {
    return this.strs.length;
  }

  /** The spelling of an id. */
  text(id: number): string {
    return this.strs[id];
  }

  /** The id of a spelling, made on first sight. */
  intern(s: string): number {
    let id = this.ids.get(s);
    if (id === undefined) {
      id = this.strs.length;
      this.strs.push(s);
      this.ids.set(s, id);
    }
    return id;
  }

  /** The id of a spelling if it was ever seen, else -1 (a name never lexed cannot be a macro). */
  lookup(s: string): number {
    return this.ids.get(s) ?? -1;
  }
}
