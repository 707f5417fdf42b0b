// Declarations: a tolerant C parser that builds the type model from the preprocessed token stream.
// It understands everything a struct declaration can contain and skips function bodies, initialisers and asm;
// a syntax error costs at most the declaration it is in.

import { ScalarKind } from '../base/abi';
import { EvalResult, Evaluator } from './consteval';
import { Binding, Expr, OffsetofStep } from './expr';
import { Layouter } from './layout';
import { CodeOf, Problem, Problems, Severity } from '../base/problems';
import { Decl, newDecl, SymbolTable, trimLogs } from './symbols';
import { Span } from '../base/source';
import { decodeCharConstant, stringLiteralBytes } from '../base/charconst';
import { decodeNumber, TOO_LARGE_MESSAGE } from '../base/numbers';
import { streamLocation, Token, TokenKind, TokenStream } from '../base/token';
import { EnumDef, isFloatKind, isInteger, Member, QUAL_CONST, QUAL_VOLATILE, RecordDef, scalar, Type, typeToString } from './types';

export interface ParseOptions {
  /** -fms-extensions: tagged and typedef'd struct members without a declarator are anonymous members. */
  msExtensions: boolean;
  /** Deepest nesting of declarators, records and expressions before giving up on a declaration. */
  maxDepth?: number;
  /**
   * Record what each declaration looks up, reads and binds, so that reparse() can follow edits (the
   * incremental analysis sets it; a one-off parse does not pay for it).
   */
  track?: boolean;
  /**
   * Files whose declarations are parsed in full (the analysed files). In every other file a function declaration
   * or definition that defines no type is skimmed: its name is bound with an unknown type, and nothing else of it
   * is parsed. Nothing in a prototype can change a layout, and prototypes are four fifths of a kernel header's
   * tokens. Undefined: everything is parsed in full.
   */
  fullyParsed?: ReadonlySet<string>;
}

export interface StaticAssertDecl {
  /** Token index range of `_Static_assert ( ... )`. */
  s: number;
  e: number;
  expr: Expr | undefined;
  message: string | undefined;
  result: EvalResult | undefined;
}

export type Ordinary =
  | { kind: 'typedef'; type: Type; loc: Span }
  | { kind: 'enumerator'; value: bigint; type: Type; loc: Span }
  | { kind: 'variable'; type: Type; loc: Span };

export type Tag = { kind: 'record'; def: RecordDef } | { kind: 'enum'; def: EnumDef };

export interface ParseResult {
  /** Every record definition (with a body), in the order the bodies close. */
  records: RecordDef[];
  enums: EnumDef[];
  /** What the end of the translation unit sees. */
  ordinary: Map<string, Ordinary>;
  tags: Map<string, Tag>;
  asserts: StaticAssertDecl[];
  /** Problems found by the parser, in order. */
  problems: Problem[];
  /** Everything needed to parse again after an edit (see reparse.ts). */
  state: ParseState;
}

/** A parsed translation unit as declarations and versioned symbol tables; results are derived from it. */
export class ParseState {
  readonly decls: Decl[] = [];
  readonly ordinary = new SymbolTable<Ordinary>();
  readonly tags = new SymbolTable<Tag>();
  /** Builtin typedefs, visible to every declaration. */
  readonly prelude: Decl = newDecl(-1, 0);
  nextId = 0;
  constructor(readonly options: ParseOptions) {}

  /** The flat results, from the declarations. */
  result(): ParseResult {
    const records: RecordDef[] = [];
    const enums: EnumDef[] = [];
    const asserts: StaticAssertDecl[] = [];
    const problems: Problem[] = [];
    for (const d of this.decls) {
      for (const r of d.records) records.push(r);
      for (const x of d.enums) enums.push(x);
      for (const a of d.asserts) asserts.push(a);
      if (d.problems) for (const x of d.problems) problems.push(x);
    }
    return { records, enums, ordinary: this.ordinary.final(), tags: this.tags.final(), asserts, problems, state: this };
  }
}

interface Attrs {
  /** Largest aligned(N): what members and declarations get. */
  aligned?: number;
  /** The aligned(N) applied last: what gcc gives a type (struct, typedef, pointer): a later one replaces an earlier one. */
  alignedLast?: number;
  alignedUnknown?: boolean;
  packed?: boolean;
  /**
   * The attributes that make a new type, in the order gcc applies them: each replaces what an earlier one made
   * (`vector_size` after `aligned` is a vector of natural alignment; `aligned` after it aligns the vector).
   * `aligned` is one only where the attributes are a type's (a typedef, a pointer after its `*`).
   */
  typeOps?: TypeOp[];
  unsupported?: string;
}

type TypeOp = { op: 'aligned'; n: number | undefined } | { op: 'mode'; mode: string; at: number } | { op: 'vector'; bytes: number | 'unknown'; at: number };

interface DeclSpec {
  type: Type;
  storage: string | undefined;
  attrs: Attrs;
  /** A struct/union/enum named or defined by these specifiers. */
  tagDecl?: { defined: boolean; tagged: boolean };
  /** Whether any type specifier was seen. */
  sawType: boolean;
}

interface Declarator {
  name: string | undefined;
  nameIdx: number | undefined;
  type: Type;
  attrs: Attrs;
}

const SYNTAX = Symbol('syntax');

const STORAGE = new Set(['typedef', 'extern', 'static', 'auto', 'register', 'inline', '__inline', '__inline__', '_Noreturn', '_Thread_local', '__thread', '__extension__']);
const QUALIFIERS = new Set(['const', 'volatile', 'restrict', '__restrict', '__restrict__', '__const', '__const__', '__volatile', '__volatile__', '_Nonnull', '_Nullable']);
// Floating keywords beyond float and double are types only on some targets (Abi.extraFloats says which).
const TYPE_WORDS = new Set([
  'void', 'char', 'short', 'int', 'long', 'float', 'double', 'signed', 'unsigned', '_Bool', '__signed', '__signed__', '__int128', '_Complex', '__complex__',
  '_Float16', '_Float32', '_Float64', '_Float128', '_Float32x', '_Float64x', '_Float128x', '__float128', '__float80', '__ieee128', '__ibm128', '__fp16', '__bf16',
]);
const TYPEOF = new Set(['typeof', '__typeof', '__typeof__', 'typeof_unqual', '__typeof_unqual__']);
const ATTRIBUTE = new Set(['__attribute__', '__attribute']);
const ALIGNOF = new Set(['_Alignof', '__alignof__', '__alignof', 'alignof']);
const ASM = new Set(['asm', '__asm__', '__asm']);
const STATIC_ASSERT = new Set(['_Static_assert', 'static_assert']);
const KEYWORDS = new Set([
  ...STORAGE, ...QUALIFIERS, ...TYPE_WORDS, ...TYPEOF, ...ATTRIBUTE, ...ALIGNOF, ...ASM, ...STATIC_ASSERT,
  'struct', 'union', 'enum', 'sizeof', '_Atomic', '_Alignas', 'if', 'else', 'for', 'while', 'do', 'switch', 'case', 'default',
  'return', 'break', 'continue', 'goto', '_Generic', '__auto_type',
]);

const INT_MODES: Record<string, number> = { QI: 1, HI: 2, SI: 4, DI: 8, TI: 16, byte: 1 };

/**
 * Floating keywords that are types of their own (gcc's debug information names them so), laid out as another
 * scalar; keywords missing here are another name for the scalar (`__float128` is `_Float128`, `__float80` and `__ibm128` are
 * `long double`).
 */
const DISTINCT_FLOAT_NAMES = new Set(['_Float32', '_Float64', '_Float32x', '_Float64x', '__fp16', '__bf16']);

/** QUAL_CONST, QUAL_VOLATILE or 0 (restrict and _Atomic are not kept). */
function qualifierBit(word: string): number {
  if (word === 'const' || word === '__const' || word === '__const__') return QUAL_CONST;
  if (word === 'volatile' || word === '__volatile' || word === '__volatile__') return QUAL_VOLATILE;
  return 0;
}

/** Parses a whole translation unit; its problems are also reported to `problems`. */
export function parse(stream: TokenStream, layouter: Layouter, problems: Problems, options: ParseOptions): ParseResult {
  const state = new ParseState(options);
  const p = new Parser(stream, layouter, state);
  p.prelude();
  const decls = p.declarations(0, () => false, 0, 1);
  // One by one: a spread of millions of declarations (`;;;;...`) overflows the stack.
  for (const d of decls) state.decls.push(d);
  const result = state.result();
  for (const x of result.problems) problems.report(x);
  return result;
}

/** Problems of one declaration: kept on it, each reported once. */
class DeclProblems {
  /** Keys of the current declaration's problems, once it has many (a broken declaration can have thousands). */
  private keys: Set<string> | undefined;
  private keysOf: Decl | undefined;
  constructor(public decl: Decl) {}
  report(p: Problem): void {
    const list = (this.decl.problems ??= []);
    if (list.length < 16) {
      for (const q of list) if (q.offset === p.offset && q.code === p.code && q.file === p.file && q.message === p.message) return;
    } else {
      if (this.keysOf !== this.decl) {
        this.keysOf = this.decl;
        this.keys = new Set(list.map((q) => `${q.file?.id ?? -1}:${q.offset}:${q.code}:${q.message}`));
      }
      const key = `${p.file?.id ?? -1}:${p.offset}:${p.code}:${p.message}`;
      if (this.keys!.has(key)) return;
      this.keys!.add(key);
    }
    list.push(p);
  }
  error(code: CodeOf<'error'>, message: string, file: Problem['file'], offset = 0, end = offset): void {
    this.report({ severity: 'error', code, message, file, offset, end });
  }
}

export class Parser {
  private pos = 0;
  private depth = 0;
  /** Inside member declarations: function declarators there read their parameter types (for display). */
  private wantParams = 0;
  /** Inside a parameter list: tags seen there are not declared at file scope (they have prototype scope). */
  private inParams = 0;
  private readonly maxDepth: number;
  private readonly ev: Evaluator;
  /** The declaration being parsed. */
  private cur: Decl;
  private readonly declProblems: DeclProblems;
  private problems: { report(p: Problem): void; error(code: CodeOf<'error'>, message: string, file: Problem['file'], offset?: number, end?: number): void };
  /** Records to hand out again, by tag, when a declaration that made them is parsed again. */
  reuse: Map<string, RecordDef | EnumDef> | undefined;
  private readonly opts: ParseOptions;
  private readonly track: boolean;

  private readonly toks: Token[];
  private readonly spaces: boolean[];

  constructor(
    private readonly stream: TokenStream,
    private readonly lay: Layouter,
    private readonly state: ParseState,
  ) {
    this.opts = state.options;
    this.track = !!state.options.track;
    this.toks = stream.tokens;
    this.spaces = stream.spaces;
    this.ev = new Evaluator(lay);
    this.maxDepth = this.opts.maxDepth ?? 200;
    this.cur = state.prelude;
    this.declProblems = new DeclProblems(this.cur);
    this.problems = this.declProblems;
  }

  /** The builtin typedefs every declaration sees. */
  prelude(): void {
    const builtin: Span = { file: this.toks[this.toks.length - 1].file, offset: 0, end: 0 };
    this.cur = this.state.prelude;
    if (this.lay.abi.hasInt128) {
      // gcc's builtin names for the types themselves (its debug information has no typedef for them).
      this.defineOrdinary('__int128_t', { kind: 'typedef', type: scalar('int128'), loc: builtin });
      this.defineOrdinary('__uint128_t', { kind: 'typedef', type: scalar('uint128'), loc: builtin });
    }
    this.defineOrdinary('__builtin_va_list', { kind: 'typedef', type: { kind: 'unknown', name: '__builtin_va_list' }, loc: builtin });
  }

  /**
   * Parses top-level declarations from token `start` until `stop(pos)` says so at a declaration boundary (or
   * the end). Declarations get indices base, base + step, ...
   */
  declarations(start: number, stop: (pos: number) => boolean, base: number, step: number): Decl[] {
    const out: Decl[] = [];
    this.pos = start;
    // Layouts and completeness read while a declaration is parsed are what it depends on.
    if (this.track) this.lay.onRead = (d) => (this.cur.content ??= new Set()).add(d);
    try {
      while (!this.atEOF() && !stop(this.pos)) {
        const d = newDecl(base + out.length * step, this.pos, this.track);
        out.push(d);
        this.cur = d;
        this.declProblems.decl = d;
        this.problems = this.declProblems;
        const begin = this.pos;
        try {
          this.externalDeclaration();
        } catch (e) {
          if (e !== SYNTAX) throw e;
          this.depth = 0;
          this.recoverTopLevel(begin);
        }
        if (this.pos === begin) this.pos++;
        d.e = this.pos;
        if (d.reach < d.e) d.reach = d.e;
        if (this.track) trimLogs(d);
      }
    } finally {
      this.lay.onRead = undefined;
    }
    return out;
  }

  // ---- the symbol tables, as seen from the declaration being parsed ----

  private lookupOrdinary(name: string): Ordinary | undefined {
    return this.lookup(this.state.ordinary, 0, name);
  }

  private lookupTag(name: string): Tag | undefined {
    return this.lookup(this.state.tags, 1, name);
  }

  /** A lookup as the current declaration sees it, recorded (when tracking) with what it found. */
  private lookup<T>(table: SymbolTable<T>, which: number, name: string): T | undefined {
    const v = table.get(name, this.cur.index);
    if (this.track) {
      const c = this.cur;
      c.readTable.push(which);
      c.readName.push(name);
      c.readValue.push(v);
    }
    return v;
  }

  private defineOrdinary(name: string, value: Ordinary): void {
    this.state.ordinary.define(name, this.cur, value);
    if (this.track) {
      this.cur.defTable.push(0);
      this.cur.defName.push(name);
    }
  }

  private defineTag(name: string, value: Tag): void {
    this.state.tags.define(name, this.cur, value);
    if (this.track) {
      this.cur.defTable.push(1);
      this.cur.defName.push(name);
    }
  }

  private readComplete(def: RecordDef | EnumDef): void {
    if (this.track) (this.cur.complete ??= new Set()).add(def);
  }

  // ---- token helpers ----

  private get tok(): Token {
    return this.toks[this.pos];
  }
  private peek(k: number): Token {
    const i = Math.min(this.pos + k, this.toks.length - 1);
    if (i >= this.cur.reach) this.cur.reach = i + 1;
    return this.toks[i];
  }
  private atEOF(): boolean {
    return this.tok.kind === TokenKind.EOF;
  }
  private is(text: string): boolean {
    const t = this.tok;
    return t.text === text && (t.kind === TokenKind.Punct || t.kind === TokenKind.Identifier);
  }
  private accept(text: string): boolean {
    if (this.is(text)) {
      this.pos++;
      return true;
    }
    return false;
  }
  private expect(text: string): void {
    if (!this.accept(text)) this.fail(`expected '${text}' but found ${this.describeTok(this.tok)}`);
  }
  private describeTok(t: Token): string {
    return t.kind === TokenKind.EOF ? 'end of input' : `'${t.text}'`;
  }
  /** A span in the user's source for token index i (macro-produced tokens map to their invocation). */
  span(i: number): Span {
    return streamLocation(this.stream, i);
  }
  private report<S extends Severity>(severity: S, code: CodeOf<S>, message: string, i = this.pos): void {
    const sp = this.span(i);
    this.problems.report({ severity, code, message, file: sp.file, offset: sp.offset, end: sp.end });
  }
  private static readonly QUIET = { report(): void {}, error(): void {} };
  private fail(message: string, i = this.pos): never {
    this.report('error', 'syntax-error', message, i);
    throw SYNTAX;
  }
  private enter(): void {
    if (++this.depth > this.maxDepth) {
      // Undo this level only. The SYNTAX below is caught by the nearest recovery (a member of a record, say), which
      // goes on at the depth it is at; resetting the count to 0 let recursion under it start again, until the
      // JS stack overflowed (long fuzz run, case seed 759376906: a header including itself inside a struct body).
      this.depth--;
      this.report('error', 'nesting-too-deep', `nesting deeper than ${this.maxDepth} levels; the declaration is skipped`);
      throw SYNTAX;
    }
  }
  private leave(): void {
    this.depth--;
  }

  /** Skips a balanced (), [] or {} group starting at the current opener; returns the text inside. */
  private skipBalanced(): string {
    const open = this.tok.text;
    const close = open === '(' ? ')' : open === '[' ? ']' : '}';
    const start = this.pos;
    let depth = 0;
    for (; !this.atEOF(); this.pos++) {
      const t = this.tok;
      if (t.kind !== TokenKind.Punct) continue;
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') {
        depth--;
        if (depth === 0) {
          if (t.text !== close) this.report('warning', 'mismatched-bracket', `mismatched '${t.text}'`);
          this.pos++;
          if (this.pos > this.cur.reach) this.cur.reach = this.pos;
          return this.textOf(start + 1, this.pos - 2);
        }
      }
    }
    this.report('error', 'syntax-error', `unbalanced '${open}'`, start);
    // Scanned to the end: the declaration depends on every token (the parse may back up from here).
    this.cur.reach = this.toks.length;
    return this.textOf(start + 1, this.pos - 1);
  }

  /** Tokens s..e (inclusive) as written after preprocessing, single-spaced where the source had space. */
  textOf(s: number, e: number): string {
    let out = '';
    for (let i = s; i <= e && i < this.toks.length; i++) {
      const t = this.toks[i];
      if (t.kind === TokenKind.EOF) break;
      if (out && this.spaces[i]) out += ' ';
      out += t.text;
    }
    return out;
  }

  // ---- top level ----

  /** After an error at top level: resume after the next ';' at nesting depth 0, or after a brace group (and its ';'). */
  private recoverTopLevel(start: number): void {
    this.recover(start, false);
  }

  private externalDeclaration(): void {
    if (this.accept(';')) return;
    if (this.opts.fullyParsed && this.skimFunction()) return;
    if (STATIC_ASSERT.has(this.tok.text)) {
      this.staticAssert();
      this.expect(';');
      return;
    }
    if (ASM.has(this.tok.text)) {
      this.pos++;
      while (this.tok.kind === TokenKind.Identifier && !this.is('(')) this.pos++;
      if (this.is('(')) this.skipBalanced();
      this.accept(';');
      return;
    }
    const spec = this.declSpecifiers(true);
    if (this.accept(';')) return;
    if (!spec.sawType && this.tok.kind !== TokenKind.Identifier && !this.is('*') && !this.is('(')) {
      this.fail(`expected a declaration but found ${this.describeTok(this.tok)}`);
    }
    for (;;) {
      const d = this.declarator(spec.type, false);
      this.afterDeclarator(d.attrs);
      if (d.type.kind === 'function' && this.is('{')) {
        if (d.name !== undefined && d.nameIdx !== undefined) this.defineOrdinary(d.name, { kind: 'variable', type: d.type, loc: this.span(d.nameIdx) });
        this.functionBody();
        return;
      }
      if (d.name !== undefined && d.nameIdx !== undefined) {
        // gcc applies the declarator's attributes first, then the specifiers' (the last `aligned` decides a typedef).
        const attrs = mergeAttrs(d.attrs, spec.attrs);
        if (spec.storage === 'typedef') this.defineTypedef(d.name, this.applyTypeAttrs(d.type, attrs, 'type'), d.nameIdx, !replacesAlignedType(attrs));
        else this.defineOrdinary(d.name, { kind: 'variable', type: d.type, loc: this.span(d.nameIdx) });
      }
      if (this.accept('=')) {
        // `T a[] = { ... }`: the initializer completes the array type (ARRAY_SIZE(a) in a later struct needs it).
        const t = d.type;
        if (t.kind === 'array' && t.length === undefined && !t.lengthUnknown && spec.storage !== 'typedef' && d.name !== undefined && d.nameIdx !== undefined) {
          const n = this.arrayInitLength(t.of);
          const completed: Type = n === undefined ? { ...t, lengthUnknown: true } : { ...t, length: n };
          this.defineOrdinary(d.name, { kind: 'variable', type: completed, loc: this.span(d.nameIdx) });
        } else this.skipInitializer();
      }
      if (this.accept(',')) continue;
      this.expect(';');
      return;
    }
  }

  /**
   * At the start of a declaration in a file that is not parsed in full: if it is a function declaration or
   * definition (`... name(...) ... ;` or `... name(...) ... { ... }`) that defines no struct, union or enum and is
   * no typedef, binds the name with an unknown type and moves past it. Returns false, moving nothing, otherwise.
   */
  private skimFunction(): boolean {
    const toks = this.toks;
    const start = this.pos;
    const first = toks[start];
    if (first.kind !== TokenKind.Identifier || first.text === 'typedef' || first.text === '__extension__' || STATIC_ASSERT.has(first.text) || ASM.has(first.text)) return false;
    if (this.opts.fullyParsed!.has(streamLocation(this.stream, start).file.path)) return false;
    let depth = 0;
    let nameIdx = -1;
    /** `struct|union|enum` keywords of the declaration specifiers: their tags are declared as a full parse would. */
    const tagKeywords: number[] = [];
    // Whether the skim applies depends on every token it scans, also when it gives up and the full parse stops
    // sooner: the declaration's reach covers them (an edit there must parse it again).
    const decl = this.cur;
    for (let i = start; i < toks.length; i++) {
      if (i >= decl.reach) decl.reach = i + 1;
      const t = toks[i];
      if (t.kind === TokenKind.EOF) return false;
      if (t.kind === TokenKind.Identifier) {
        if (depth === 0 && t.text === 'typedef') return false;
        if (depth === 0 && nameIdx < 0 && (t.text === 'struct' || t.text === 'union' || t.text === 'enum')) tagKeywords.push(i);
        continue;
      }
      if (t.kind !== TokenKind.Punct) continue;
      switch (t.text) {
        case '(':
          if (depth === 0 && nameIdx < 0) {
            const before = toks[i - 1];
            // `u64 (*fp)(void)`: a typedef name before '(' is the type of a declarator in parentheses, not a name.
            if (i > start && before.kind === TokenKind.Identifier && !KEYWORDS.has(before.text)) {
              if (this.lookupOrdinary(before.text)?.kind === 'typedef') return false;
              nameIdx = i - 1;
            }
          }
          depth++;
          break;
        case '[':
          depth++;
          break;
        case ')':
        case ']':
          if (--depth < 0) return false;
          break;
        case '=':
          if (depth === 0) return false;
          break;
        case '{': {
          // A body right after the declarator's parameter list (and attributes); any other brace defines something.
          if (depth !== 0 || nameIdx < 0 || toks[i - 1].text !== ')') return false;
          let d = 0;
          let j = i;
          for (; j < toks.length && toks[j].kind !== TokenKind.EOF; j++) {
            if (toks[j].kind !== TokenKind.Punct) continue;
            if (toks[j].text === '{') d++;
            else if (toks[j].text === '}' && --d === 0) break;
          }
          if (j >= decl.reach) decl.reach = Math.min(j + 1, toks.length);
          if (d !== 0) return false;
          return this.skimmed(start, nameIdx, j + 1, tagKeywords);
        }
        case ';':
          if (depth !== 0) break;
          if (nameIdx < 0) return false;
          return this.skimmed(start, nameIdx, i + 1, tagKeywords);
      }
    }
    return false;
  }

  /**
   * A skimmed function declaration: its return type's tags are declared (as a full parse would), and its name is
   * bound to a variable whose type is parsed only if something asks for it (typeof, sizeof,
   * __builtin_types_compatible_p in an assertion), in the declaration's own context.
   */
  private skimmed(start: number, nameIdx: number, end: number, tagKeywords: number[]): true {
    const decl = this.cur;
    for (const k of tagKeywords) {
      const next = this.toks[k + 1];
      if (next?.kind !== TokenKind.Identifier || KEYWORDS.has(next.text)) continue;
      this.pos = k;
      try {
        if (this.toks[k].text === 'enum') this.enumSpecifier();
        else this.recordSpecifier();
      } catch (e) {
        if (e !== SYNTAX) throw e;
      }
    }
    // Where it starts, from its declaration's start: an incremental analysis changes the token arrays in place and
    // moves the declarations that follow an edit (reparse.ts), and one whose tokens changed is skimmed anew.
    const name = this.toks[nameIdx].text;
    this.defineOrdinary(name, new SkimmedFunction(name, this, start - decl.s, decl, this.span(nameIdx)));
    this.pos = end;
    if (this.pos > this.cur.reach) this.cur.reach = this.pos;
    return true;
  }

  /** The type of a skimmed function declaration starting at `start`, parsed as declaration `decl` saw things. */
  skimmedType(start: number, decl: Decl): Type {
    const saved = { pos: this.pos, cur: this.cur, depth: this.depth, problems: this.problems };
    this.pos = start;
    this.cur = decl;
    this.depth = 0;
    this.problems = Parser.QUIET;
    try {
      const spec = this.declSpecifiers(true);
      return this.declarator(spec.type, false).type;
    } catch (e) {
      if (e !== SYNTAX) throw e;
      return { kind: 'unknown', name: this.toks[start].text };
    } finally {
      this.pos = saved.pos;
      this.cur = saved.cur;
      this.depth = saved.depth;
      this.problems = saved.problems;
    }
  }

  /** Attributes and asm labels after a declarator. */
  private afterDeclarator(attrs: Attrs): void {
    for (;;) {
      if (this.parseAttributes(attrs)) continue;
      if (ASM.has(this.tok.text)) {
        this.pos++;
        if (this.is('(')) this.skipBalanced();
        continue;
      }
      return;
    }
  }

  /**
   * Skips a function body, evaluating the `_Static_assert`s written in it. (BUILD_BUG_ON inside a function is
   * not one: gcc reports it only when the call survives optimisation, which a header-only tool cannot know.)
   */
  private functionBody(): void {
    const open = this.pos;
    this.skipBalanced();
    const end = this.pos;
    // Inside bodies, names of locals and parameters are unknown to us: parse quietly, keep only what evaluates.
    const problems = this.problems;
    const asserts = this.cur.asserts;
    const firstAssert = asserts.length;
    this.problems = Parser.QUIET;
    try {
      this.scanBody(open, end);
    } finally {
      this.problems = problems;
      const kept = asserts.slice(firstAssert).filter((a) => a.result?.ok);
      asserts.length = firstAssert;
      for (const a of kept) asserts.push(a);
      this.pos = end;
    }
  }

  private scanBody(open: number, end: number): void {
    for (let i = open + 1; i < end - 1; i++) {
      const t = this.toks[i];
      if (t.kind !== TokenKind.Identifier) continue;
      if (STATIC_ASSERT.has(t.text) && this.toks[i + 1]?.text === '(') {
        this.pos = i;
        try {
          this.staticAssert();
        } catch (e) {
          if (e !== SYNTAX) throw e;
        }
        i = Math.max(i, this.pos - 1);
      }
    }
  }

  /**
   * The element count an initializer gives an array of unknown bound, as C11 6.7.9 counts it: a string for a
   * char array; otherwise top-level elements, with `[i] =` and GNU `[lo ... hi] =` designators moving the
   * index. Undefined (and the initializer skipped) when we cannot tell, e.g. aggregates with elided braces.
   */
  private arrayInitLength(of: Type): number | undefined {
    const start = this.pos;
    const isChar = (t: Type) => t.kind === 'scalar' && (t.scalar === 'char' || t.scalar === 'schar' || t.scalar === 'uchar');
    const aggregate = (t: Type) => t.kind === 'record' || t.kind === 'array';
    const isString = (k: number) => this.peek(k).kind === TokenKind.String;
    const stringLength = (): number | undefined => {
      const e = this.primary();
      return e.k === 'string' ? e.length : undefined;
    };
    // Quietly: an initializer we cannot follow is skipped, not reported (gcc compiled it).
    const problems = this.problems;
    this.problems = new Problems(100);
    try {
      if (isString(0) || (this.is('{') && isString(1) && this.peek(2).text === '}' && isChar(of))) {
        if (!isChar(of)) return this.giveUp(start);
        const braced = this.accept('{');
        const n = stringLength();
        if (braced) this.expect('}');
        return n;
      }
      if (!this.accept('{')) return this.giveUp(start);
      let index = 0;
      let count = 0;
      while (!this.is('}')) {
        if (this.is('[')) {
          this.pos++;
          const lo = this.ev.evalInt(this.conditional());
          let hi = lo;
          if (this.accept('...')) hi = this.ev.evalInt(this.conditional());
          this.expect(']');
          if (!lo.ok || !hi.ok) return this.giveUp(start);
          index = Number(hi.v);
          // Nested designators (`[2].x =`, `[1][0] =`) address inside the element.
          while (!this.is('=')) {
            if (this.atEOF() || this.is(',') || this.is('}')) return this.giveUp(start);
            if (this.is('[')) this.skipBalanced();
            else this.pos++;
          }
          this.pos++;
        } else if (this.is('.')) return this.giveUp(start);
        else if (aggregate(of) && !this.is('{') && !(of.kind === 'array' && isChar(of.of) && isString(0))) return this.giveUp(start);
        this.skipInitializer();
        count = Math.max(count, index + 1);
        index++;
        if (!this.accept(',')) break;
      }
      this.expect('}');
      return count;
    } catch (e) {
      if (e !== SYNTAX) throw e;
      return this.giveUp(start);
    } finally {
      this.problems = problems;
    }
  }

  private giveUp(start: number): undefined {
    this.pos = start;
    this.skipInitializer();
    return undefined;
  }

  private skipInitializer(): void {
    let depth = 0;
    for (; !this.atEOF(); this.pos++) {
      const t = this.tok;
      if (t.kind !== TokenKind.Punct) continue;
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') {
        if (depth === 0) return;
        depth--;
      } else if (depth === 0 && (t.text === ',' || t.text === ';')) return;
    }
  }

  /** `named`: uses of the typedef show its name (false where gcc's attributes replaced the named type). */
  private defineTypedef(name: string, type: Type, nameIdx: number, named = true): void {
    // A typedef gives an anonymous record or enum its display name.
    if ((type.kind === 'record' || type.kind === 'enum') && !type.typedefName && type.def.tag === undefined && type.def.typedefName === undefined) {
      type.def.typedefName = name;
    }
    // Qualifiers inside a typedef are invisible where it is used by name (only those written on top show).
    this.defineOrdinary(name, { kind: 'typedef', type: named ? { ...type, typedefName: name, qual: undefined } : type, loc: this.span(nameIdx) });
  }

  // ---- declaration specifiers ----

  private isTypeStart(i: number): boolean {
    const t = this.toks[i];
    if (t.kind !== TokenKind.Identifier) return false;
    const s = t.text;
    if (TYPE_WORDS.has(s) || QUALIFIERS.has(s) || TYPEOF.has(s) || ATTRIBUTE.has(s)) return true;
    if (s === 'struct' || s === 'union' || s === 'enum' || s === '_Atomic' || s === '_Alignas' || s === '__extension__' || s === '__auto_type') return true;
    return this.lookupOrdinary(s)?.kind === 'typedef';
  }

  private declSpecifiers(allowStorage: boolean): DeclSpec {
    let storage: string | undefined;
    const attrs: Attrs = {};
    let type: Type | undefined;
    let tagDecl: DeclSpec['tagDecl'];
    let qual = 0;
    const words: string[] = [];
    for (;;) {
      const t = this.tok;
      if (t.kind !== TokenKind.Identifier) break;
      const s = t.text;
      if (STORAGE.has(s)) {
        if (!allowStorage && s !== '__extension__') this.report('error', 'syntax-error', `storage class '${s}' is not allowed here`);
        if (s === 'typedef' || s === 'extern' || s === 'static') storage = s;
        this.pos++;
      } else if (QUALIFIERS.has(s)) {
        qual |= qualifierBit(s);
        this.pos++;
      } else if (s === '_Atomic') {
        this.pos++;
        if (this.is('(')) {
          this.pos++;
          type = this.typeName();
          this.expect(')');
        }
      } else if (ATTRIBUTE.has(s)) {
        // gcc prepends each run of attributes in the specifiers to those before it: the run written first is
        // applied last (`__attribute__((aligned(2))) short __attribute__((aligned(32))) t` aligns t to 2).
        const run: Attrs = {};
        this.parseAttributes(run);
        Object.assign(attrs, mergeAttrs(run, attrs));
      } else if (s === '_Alignas') {
        this.pos++;
        this.alignas(attrs);
      } else if (TYPE_WORDS.has(s)) {
        words.push(s);
        this.pos++;
      } else if (s === 'struct' || s === 'union') {
        if (type || words.length) break;
        const r = this.recordSpecifier();
        type = r.type;
        tagDecl = r.tagDecl;
        if (r.declAttrs) Object.assign(attrs, mergeAttrs(r.declAttrs, attrs));
      } else if (s === 'enum') {
        if (type || words.length) break;
        const r = this.enumSpecifier();
        type = r.type;
        tagDecl = r.tagDecl;
        if (r.declAttrs) Object.assign(attrs, mergeAttrs(r.declAttrs, attrs));
      } else if (TYPEOF.has(s)) {
        if (type || words.length) break;
        type = this.typeofSpecifier();
      } else if (s === '__auto_type') {
        this.pos++;
        type = { kind: 'unknown', name: '__auto_type' };
      } else {
        if (type || words.length) break;
        const o = this.lookupOrdinary(s);
        if (o?.kind === 'typedef') {
          type = o.type;
          this.pos++;
          continue;
        }
        // An identifier where a type belongs, followed by what can only be a declarator: an unknown type name.
        const n = this.peek(1);
        const looksLikeType =
          o === undefined &&
          ((n.kind === TokenKind.Identifier && !ATTRIBUTE.has(n.text) && !ASM.has(n.text)) || (n.text === '*' && n.kind === TokenKind.Punct) || (n.text === '(' && this.peek(2).text === '*'));
        if (!looksLikeType) break;
        this.report('warning', 'unknown-type', `unknown type name '${s}': sizes and offsets that depend on it are unknown`);
        type = { kind: 'unknown', name: s };
        this.pos++;
      }
    }
    const sawType = type !== undefined || words.length > 0;
    if (!type) type = words.length ? this.scalarFromWords(words) : scalar('int');
    else if (words.length) this.report('error', 'syntax-error', `'${words.join(' ')}' cannot combine with the type before it`);
    if (qual) type = { ...type, qual: (type.qual ?? 0) | qual };
    return { type, storage, attrs, tagDecl, sawType };
  }

  private scalarFromWords(words: string[]): Type {
    let longs = 0;
    let signed = false;
    let unsigned = false;
    let complex = false;
    let base: string | undefined;
    for (const w of words) {
      if (w === 'long') longs++;
      else if (w === 'signed' || w === '__signed' || w === '__signed__') signed = true;
      else if (w === 'unsigned') unsigned = true;
      else if (w === '_Complex' || w === '__complex__') complex = true;
      else if (w === 'int' && base === undefined) base = 'int';
      else if (w === 'int' && (base === 'short' || base === 'int')) continue;
      else if (base !== undefined && base !== 'int') {
        this.report('error', 'syntax-error', `conflicting type specifiers '${words.join(' ')}'`);
      } else base = w;
    }
    if (unsigned && signed) this.report('error', 'syntax-error', `both signed and unsigned in '${words.join(' ')}'`);
    let k: ScalarKind;
    switch (base) {
      case 'void':
        k = 'void';
        break;
      case '_Bool':
        k = 'bool';
        break;
      case 'char':
        k = unsigned ? 'uchar' : signed ? 'schar' : 'char';
        break;
      case 'short':
        k = unsigned ? 'ushort' : 'short';
        break;
      case '__int128':
        if (!this.lay.abi.hasInt128) {
          this.report('error', 'unsupported-type', `__int128 is not supported on ${this.lay.abi.name}`);
          return { kind: 'unknown', name: words.join(' ') };
        }
        k = unsigned ? 'uint128' : 'int128';
        break;
      case 'float':
      case '_Float32':
        k = 'float';
        break;
      case 'double':
        k = longs ? 'ldouble' : 'double';
        break;
      case '_Float64':
      case '_Float32x':
        k = 'double';
        break;
      case undefined:
      case 'int':
        // `_Complex` alone is `_Complex double` (a GNU extension gcc warns about).
        if (complex && base === undefined && !longs && !signed && !unsigned) {
          k = 'double';
          break;
        }
        k = longs >= 2 ? (unsigned ? 'ullong' : 'llong') : longs === 1 ? (unsigned ? 'ulong' : 'long') : unsigned ? 'uint' : 'int';
        break;
      default: {
        const extra = this.lay.abi.extraFloats[base];
        if (extra === undefined) {
          this.report('error', 'unsupported-type', `'${base}' is not a type on ${this.lay.abi.name}: sizes and offsets that depend on it are unknown`);
          return { kind: 'unknown', name: words.join(' ') };
        }
        k = extra;
      }
    }
    if (base === 'short' && longs) this.report('error', 'syntax-error', `'short' and 'long' together`);
    const name = base !== undefined && DISTINCT_FLOAT_NAMES.has(base) ? base : undefined;
    if (complex) {
      if (k === 'void' || k === 'bool') {
        this.report('error', 'syntax-error', `'${words.join(' ')}' is not a complex type`);
        return { kind: 'unknown', name: words.join(' ') };
      }
      return name ? { kind: 'complex', of: k, name } : { kind: 'complex', of: k };
    }
    return name ? { ...scalar(k), name } : scalar(k);
  }

  private typeofSpecifier(): Type {
    this.pos++;
    this.expect('(');
    let t: Type | undefined;
    if (this.isTypeStart(this.pos)) t = this.typeName();
    else {
      const e = this.expression();
      t = this.ev.typeOf(e);
      if (!t) this.report('warning', 'unknown-type', `cannot tell the type of 'typeof(${this.textOf(e.s, e.e)})'`, e.s);
    }
    this.expect(')');
    return t ?? { kind: 'unknown', name: 'typeof(...)' };
  }

  private alignas(attrs: Attrs): void {
    this.expect('(');
    let n: number | undefined;
    if (this.isTypeStart(this.pos)) {
      // gcc: _Alignas(type) is C11 _Alignof(type).
      n = this.lay.c11AlignOf(this.typeName());
    } else {
      const e = this.conditional();
      const r = this.ev.evalInt(e);
      if (r.ok) n = Number(r.v);
    }
    this.expect(')');
    if (n === undefined) attrs.alignedUnknown = true;
    else if (n !== 0) attrs.aligned = Math.max(attrs.aligned ?? 0, n);
  }

  /** Parses any run of __attribute__((...)) and [[...]]; returns whether it consumed anything. */
  private parseAttributes(attrs: Attrs): boolean {
    let any = false;
    for (;;) {
      if (this.tok.kind === TokenKind.Identifier && ATTRIBUTE.has(this.tok.text)) {
        any = true;
        this.pos++;
        this.expect('(');
        this.expect('(');
        while (!this.is(')') && !this.atEOF()) {
          if (this.accept(',')) continue;
          const nameTok = this.tok;
          if (nameTok.kind !== TokenKind.Identifier) this.fail(`expected an attribute name but found ${this.describeTok(nameTok)}`);
          this.pos++;
          const name = nameTok.text.replace(/^__(.*)__$/, '$1');
          if (name === 'aligned') {
            if (this.is('(')) {
              const at = this.pos;
              this.pos++;
              const e = this.expression();
              this.expect(')');
              const r = this.ev.evalInt(e);
              if (!r.ok) {
                this.report('warning', 'alignment-unknown', `alignment is not a known constant: ${r.reason}`, at);
                attrs.alignedUnknown = true;
                (attrs.typeOps ??= []).push({ op: 'aligned', n: undefined });
              } else {
                const n = Number(r.v);
                if (n <= 0 || (n & (n - 1)) !== 0) this.report('error', 'bad-alignment', `requested alignment ${r.v} is not a positive power of 2`, at);
                else {
                  attrs.aligned = Math.max(attrs.aligned ?? 0, n);
                  attrs.alignedLast = n;
                  (attrs.typeOps ??= []).push({ op: 'aligned', n });
                }
              }
            } else {
              attrs.aligned = Math.max(attrs.aligned ?? 0, this.lay.abi.biggestAlignment);
              attrs.alignedLast = this.lay.abi.biggestAlignment;
              (attrs.typeOps ??= []).push({ op: 'aligned', n: this.lay.abi.biggestAlignment });
            }
          } else if (name === 'packed') {
            attrs.packed = true;
            if (this.is('(')) this.skipBalanced();
          } else if (name === 'mode') {
            const at = this.pos - 1;
            this.expect('(');
            // Never past the end: `mode(` as the last tokens (a half-typed line) is a syntax error like any other.
            if (this.tok.kind !== TokenKind.Identifier) this.fail(`expected a machine mode but found ${this.describeTok(this.tok)}`);
            (attrs.typeOps ??= []).push({ op: 'mode', mode: this.tok.text.replace(/^__(.*)__$/, '$1'), at });
            this.pos++;
            this.expect(')');
          } else if (name === 'vector_size') {
            const at = this.pos - 1;
            this.expect('(');
            const e = this.expression();
            this.expect(')');
            const r = this.ev.evalInt(e);
            if (!r.ok) this.report('error', 'not-constant', `vector size is not a known constant: ${r.reason}`, e.s);
            (attrs.typeOps ??= []).push({ op: 'vector', bytes: r.ok && r.v > 0n && r.v < 2n ** 31n ? Number(r.v) : 'unknown', at });
          } else if (name === 'randomize_layout' || name === 'ms_struct' || name === 'scalar_storage_order') {
            attrs.unsupported = name;
            if (this.is('(')) this.skipBalanced();
          } else if (this.is('(')) this.skipBalanced();
        }
        this.expect(')');
        this.expect(')');
        continue;
      }
      if (this.is('[') && this.peek(1).text === '[') {
        any = true;
        this.skipBalanced();
        continue;
      }
      return any;
    }
  }

  // ---- struct / union / enum ----

  /**
   * `struct|union|enum [attributes] [tag] [attributes]`: the keyword is at the current token. `attrs` are those
   * between the keyword and the tag (the type's, in a definition); `after` those after the tag, which in a
   * reference (`struct s __attribute__((aligned(8))) x;`) belong to the declaration, as gcc reads them.
   */
  private tagHead(): { kwIdx: number; tag: string | undefined; tagIdx: number; attrs: Attrs; after: Attrs } {
    const kwIdx = this.pos;
    this.pos++;
    const attrs: Attrs = {};
    this.parseAttributes(attrs);
    let tag: string | undefined;
    let tagIdx = kwIdx;
    if (this.tok.kind === TokenKind.Identifier && !KEYWORDS.has(this.tok.text)) {
      tag = this.tok.text;
      tagIdx = this.pos;
      this.pos++;
    }
    const after: Attrs = {};
    this.parseAttributes(after);
    return { kwIdx, tag, tagIdx, attrs, after };
  }

  private recordSpecifier(): { type: Type; tagDecl: DeclSpec['tagDecl']; declAttrs?: Attrs } {
    const kind = this.tok.text as 'struct' | 'union';
    const { kwIdx, tag, tagIdx, attrs: before, after } = this.tagHead();
    const existing = tag !== undefined ? this.lookupTag(tag) : undefined;
    if (existing && existing.kind === 'record' && existing.def.kind !== kind) {
      this.report('error', 'tag-kind-mismatch', `'${tag}' is declared as ${existing.def.kind} and used as ${kind}`, tagIdx);
    }
    if (this.inParams && (this.is('{') || !(existing && existing.kind === 'record'))) {
      // A tag first seen in a parameter list has prototype scope: it is not declared here (and a definition
      // there is not read: the caller skips the list).
      if (tag === undefined || this.is('{')) this.fail('a definition inside a parameter list');
      return { type: { kind: 'record', def: { id: -1, kind, tag, members: undefined, packed: false, aligned: undefined, loc: this.span(tagIdx) } }, tagDecl: { defined: false, tagged: true } };
    }
    if (!this.is('{')) {
      // A reference: attributes before the tag are ignored (gcc warns), those after it are the declaration's.
      if (tag === undefined) this.fail(`expected a tag or '{' after '${kind}'`);
      if (existing && existing.kind === 'record') return { type: { kind: 'record', def: existing.def }, tagDecl: { defined: false, tagged: true }, declAttrs: after };
      const def = this.newRecord(kind, tag, tagIdx);
      this.defineTag(tag, { kind: 'record', def });
      return { type: { kind: 'record', def }, tagDecl: { defined: false, tagged: true }, declAttrs: after };
    }
    const attrs = mergeAttrs(before, after);
    let def: RecordDef;
    // A definition: whether the tag's record is still incomplete decides between completing it and redefining.
    if (existing && existing.kind === 'record') this.readComplete(existing.def);
    if (existing && existing.kind === 'record' && !existing.def.members && !existing.def.beingDefined && existing.def.kind === kind) {
      def = existing.def;
      // Completing a record declared by an earlier declaration: remember what it was, to parse this one again.
      if (this.track) this.cur.completes.push({ def, saved: { loc: def.loc, body: def.body, members: def.members, packed: def.packed, aligned: def.aligned } });
      def.loc = this.span(tagIdx);
    } else {
      if (existing && existing.kind === 'record' && existing.def.members) {
        this.report('error', 'redefinition', `redefinition of '${kind} ${tag}'`, tagIdx);
      }
      def = this.newRecord(kind, tag, tagIdx);
      if (tag !== undefined) this.defineTag(tag, { kind: 'record', def });
    }
    this.recordBody(def);
    // gcc reads the attributes after the closing brace before it completes the type: the record is incomplete in
    // them (sizeof of it is an error there), so no layout of it made there is kept with its attributes missing.
    def.beingDefined = true;
    try {
      this.parseAttributes(attrs);
    } finally {
      def.beingDefined = false;
    }
    if (attrs.packed) def.packed = true;
    if (attrs.alignedLast !== undefined) def.aligned = attrs.alignedLast;
    if (attrs.unsupported) this.unsupportedAttr(attrs.unsupported, kwIdx);
    return { type: { kind: 'record', def }, tagDecl: { defined: true, tagged: tag !== undefined } };
  }

  private unsupportedAttr(name: string, at: number): void {
    this.report('warning', 'unsupported-attribute', `__attribute__((${name})) is not modelled: layouts it touches may differ from the compiler's`, at);
  }

  private newRecord(kind: 'struct' | 'union', tag: string | undefined, at: number): RecordDef {
    const old = tag !== undefined ? this.reuse?.get(`struct ${tag}`) : undefined;
    let def: RecordDef;
    if (old && 'kind' in old && old.kind === kind) {
      // The same declaration parsed again makes the same record: readers that hold it stay valid.
      this.reuse!.delete(`struct ${tag}`);
      def = old;
      def.members = undefined;
      def.body = undefined;
      def.packed = false;
      def.aligned = undefined;
      def.typedefName = undefined;
      def.beingDefined = undefined;
      def.loc = this.span(at);
    } else def = { id: this.state.nextId++, kind, tag, members: undefined, packed: false, aligned: undefined, loc: this.span(at) };
    if (this.track) this.cur.created.push(def);
    return def;
  }

  private recordBody(def: RecordDef): void {
    const open = this.pos;
    this.expect('{');
    this.enter();
    def.beingDefined = true;
    const members: Member[] = [];
    try {
      while (!this.is('}') && !this.atEOF()) {
        const start = this.pos;
        try {
          this.memberDeclaration(members);
        } catch (e) {
          if (e !== SYNTAX) throw e;
          this.recoverMember(start);
        }
        if (this.pos === start) this.pos++;
      }
      if (this.atEOF()) this.report('error', 'syntax-error', `'${def.kind} ${def.tag ?? ''}' is not closed`, open);
      const close = this.pos;
      this.accept('}');
      const a = this.span(open);
      const b = this.span(close);
      def.body = { file: a.file, offset: a.offset, end: b.file === a.file ? b.end : a.end };
    } finally {
      def.members = members;
      def.beingDefined = false;
      this.leave();
    }
    this.checkDuplicates(def);
    this.cur.records.push(def);
  }

  /** After an error in a member list: resume after the next ';' at nesting depth 0, or at the '}' that ends the list. */
  private recoverMember(start: number): void {
    this.recover(start, true);
  }

  private recover(start: number, inBody: boolean): void {
    let depth = 0;
    if (this.pos < start) this.pos = start;
    for (; !this.atEOF(); this.pos++) {
      const t = this.tok;
      if (t.kind !== TokenKind.Punct) continue;
      if (t.text === '(' || t.text === '[' || t.text === '{') depth++;
      else if (t.text === ')' || t.text === ']' || t.text === '}') {
        if (t.text === '}' && (inBody ? depth === 0 : depth <= 1)) {
          if (inBody) return;
          this.pos++;
          this.accept(';');
          return;
        }
        depth = Math.max(0, depth - 1);
      } else if (t.text === ';' && depth === 0) {
        this.pos++;
        return;
      }
    }
  }

  private checkDuplicates(def: RecordDef): void {
    const seen = new Set<string>();
    const walk = (members: Member[]) => {
      for (const m of members) {
        if (m.anonymous && m.type.kind === 'record') {
          if (this.track) (this.cur.content ??= new Set()).add(m.type.def);
          if (m.type.def.members) walk(m.type.def.members);
          continue;
        }
        if (m.name === undefined) continue;
        if (seen.has(m.name)) {
          this.problems.error('duplicate-member', `duplicate member '${m.name}' in ${def.kind} ${def.tag ?? def.typedefName ?? '<anonymous>'}`, m.loc.file, m.loc.offset, m.loc.end);
        }
        seen.add(m.name);
      }
    };
    if (def.members) walk(def.members);
  }

  private memberDeclaration(members: Member[]): void {
    this.wantParams++;
    try {
      this.memberDeclarationIn(members);
    } finally {
      this.wantParams--;
    }
  }

  private memberDeclarationIn(members: Member[]): void {
    if (this.accept(';')) return;
    if (STATIC_ASSERT.has(this.tok.text)) {
      this.staticAssert();
      this.expect(';');
      return;
    }
    const specIdx = this.pos;
    const spec = this.declSpecifiers(false);
    if (!spec.sawType) this.fail(`expected a member declaration but found ${this.describeTok(this.tok)}`);
    if (this.is(';')) {
      this.pos++;
      const t = spec.type;
      const inlineAnonymous = spec.tagDecl?.defined && !spec.tagDecl.tagged;
      if (t.kind === 'record' && (inlineAnonymous || this.opts.msExtensions)) {
        // gcc ignores attributes in the specifiers of a declaration without a declarator (`__attribute__((packed))
        // struct { ... };`): only those of the struct itself (after its keyword or closing brace) count.
        members.push({
          name: undefined,
          type: t,
          bitWidth: undefined,
          packed: false,
          aligned: undefined,
          anonymous: true,
          loc: this.span(specIdx),
        });
        if (!inlineAnonymous) this.readComplete(t.def);
        if (!inlineAnonymous && !t.def.members) {
          this.report('error', 'incomplete-type', `anonymous member of incomplete type '${t.def.kind} ${t.def.tag ?? ''}'`, specIdx);
        }
      } else if (t.kind === 'record' && !inlineAnonymous) {
        this.report('warning', 'declaration-does-not-declare', `declaration does not declare anything (a tagged member without a name needs -fms-extensions)`, specIdx);
      } else {
        this.report('warning', 'declaration-does-not-declare', 'declaration does not declare anything', specIdx);
      }
      return;
    }
    for (;;) {
      let d: Declarator;
      if (this.is(':')) d = { name: undefined, nameIdx: undefined, type: spec.type, attrs: {} };
      else d = this.declarator(spec.type, false);
      const attrs = mergeAttrs(spec.attrs, d.attrs);
      this.parseAttributes(attrs);
      let bitWidth: number | undefined;
      let bitWidthUnknown = false;
      const at = d.nameIdx ?? this.pos;
      if (this.accept(':')) {
        const e = this.conditional();
        const r = this.ev.evalInt(e);
        const type = this.applyTypeAttrs(d.type, attrs, 'decl');
        const typeSize = this.lay.sizeOf(type);
        if (!r.ok) {
          this.report('error', 'not-constant', `bitfield width is not a constant: ${r.reason}`, e.s);
          bitWidthUnknown = true;
        } else if (!isInteger(type) && type.kind !== 'unknown') {
          this.report('error', 'bitfield-type', `bitfield '${d.name ?? ''}' has non-integer type`, at);
          bitWidthUnknown = true;
        } else if (r.v < 0n) {
          this.report('error', 'bitfield-width', `bitfield '${d.name ?? ''}' has negative width ${r.v}`, e.s);
          bitWidthUnknown = true;
        } else if (typeSize !== undefined && r.v > BigInt(typeSize * 8)) {
          this.report('error', 'bitfield-too-wide', `width of bitfield '${d.name ?? ''}' (${r.v} bits) exceeds its type (${typeSize * 8} bits)`, e.s);
          bitWidthUnknown = true;
        } else if (r.v === 0n && d.name !== undefined) {
          this.report('error', 'bitfield-width', `named bitfield '${d.name}' has zero width`, e.s);
          bitWidthUnknown = true;
        } else bitWidth = Number(r.v);
        this.parseAttributes(attrs);
      }
      this.afterDeclarator(attrs);
      if (d.name === undefined && bitWidth === undefined && !bitWidthUnknown) this.fail('expected a member name');
      let type = this.applyTypeAttrs(d.type, attrs, 'decl');
      if (attrs.unsupported) this.unsupportedAttr(attrs.unsupported, at);
      const incomplete = incompleteAt(type, (d) => this.readComplete(d));
      if (incomplete) {
        // C requires member types to be complete where the member is declared (a struct cannot contain itself).
        this.report('error', 'incomplete-type', `member '${d.name ?? ''}' has incomplete type '${incomplete}'`, at);
        type = { kind: 'unknown', name: incomplete };
      }
      members.push({
        name: d.name,
        type: attrs.alignedUnknown ? { kind: 'unknown', name: 'alignment not known' } : type,
        bitWidth: bitWidthUnknown ? undefined : bitWidth,
        bitWidthUnknown: bitWidthUnknown || undefined,
        packed: !!attrs.packed,
        aligned: attrs.aligned,
        anonymous: false,
        loc: this.span(at),
      });
      if (this.accept(',')) continue;
      this.expect(';');
      return;
    }
  }

  /**
   * `mode(...)` and `vector_size(...)` change the type; on a type (a typedef, or a pointer with attributes after
   * its `*`) the `aligned` applied last makes a type variant, which may lower the alignment. On a declaration
   * `aligned` and `packed` are the member's own (Member.aligned, Member.packed), not the type's.
   */
  private applyTypeAttrs(t: Type, attrs: Attrs, on: 'decl' | 'type'): Type {
    for (const o of attrs.typeOps ?? []) {
      if (o.op === 'mode') t = this.applyMode(t, o.mode, o.at);
      else if (o.op === 'vector') t = this.applyVectorSize(t, o.bytes, o.at);
      else if (on === 'type') t = o.n === undefined ? { kind: 'unknown', name: 'alignment not known' } : { ...t, userAlign: o.n };
    }
    return t;
  }

  /** gcc's mode attribute: an integer, floating or complex type of that machine mode (the signedness is kept). */
  private applyMode(t: Type, mode: string, at: number | undefined): Type {
    const abi = this.lay.abi;
    const bad = (why: string): Type => {
      this.report('error', 'mode-attribute', `mode(${mode}) ${why}: sizes and offsets that depend on it are unknown`, at);
      return { kind: 'unknown', name: `mode(${mode})` };
    };
    const intBytes = (m: string): number | undefined => (m === 'word' || m === 'unwind_word' ? abi.wordSize : m === 'pointer' ? abi.pointerSize : INT_MODES[m]);
    const floatKind = (m: string): ScalarKind | undefined => (m === 'SF' ? 'float' : m === 'DF' ? 'double' : abi.floatModes[m]);
    const intKind = (bytes: number, signed: boolean): ScalarKind | undefined => {
      const pair = bytes === 1 ? ['schar', 'uchar'] : bytes === 2 ? ['short', 'ushort'] : bytes === 4 ? ['int', 'uint'] : bytes === 8 ? (abi.wordSize === 8 ? ['long', 'ulong'] : ['llong', 'ullong']) : bytes === 16 && abi.hasInt128 ? ['int128', 'uint128'] : undefined;
      return pair ? (pair[signed ? 0 : 1] as ScalarKind) : undefined;
    };
    if (t.kind === 'unknown') return t;
    if (t.kind === 'complex') {
      // Complex modes: SC, DC, XC, TC... (of a floating mode) and CQI, CHI, CSI, CDI, CTI (of an integer mode).
      const intM = /^C(QI|HI|SI|DI|TI)$/.exec(mode);
      if (intM) {
        const k = intKind(INT_MODES[intM[1]], isFloatKind(t.of) ? true : this.ev.intTypeOf(scalar(t.of))?.signed ?? true);
        return k ? { kind: 'complex', of: k } : bad(`is not a mode on ${abi.name}`);
      }
      const f = /^([A-Z]+)C$/.exec(mode);
      const k = f ? floatKind(`${f[1]}F`) : undefined;
      return k ? { kind: 'complex', of: k } : bad(`is not a complex mode on ${abi.name}`);
    }
    if (t.kind === 'scalar' && isFloatKind(t.scalar)) {
      const k = floatKind(mode);
      return k ? scalar(k) : bad(`does not apply to a floating type on ${abi.name}`);
    }
    const it = t.kind === 'scalar' && t.scalar === 'bool' ? undefined : t.kind === 'scalar' || t.kind === 'enum' ? this.ev.intTypeOf(t) : undefined;
    const bytes = intBytes(mode);
    if (!it || bytes === undefined) return bad(it ? `is not an integer mode on ${abi.name}` : 'applies to a type it cannot change');
    const k = intKind(bytes, it.signed);
    return k ? scalar(k) : bad(`is not supported on ${abi.name}`);
  }

  /**
   * vector_size(N): the innermost type under pointers, arrays and functions becomes a vector of N bytes (gcc
   * rebuilds the declarator around it), which must hold a power-of-two number of integer or floating elements.
   */
  private applyVectorSize(t: Type, bytes: number | 'unknown', at: number | undefined): Type {
    if (t.kind === 'pointer') return { ...t, to: this.applyVectorSize(t.to, bytes, at) };
    if (t.kind === 'array') return { ...t, of: this.applyVectorSize(t.of, bytes, at) };
    if (t.kind === 'function') return { ...t, returns: this.applyVectorSize(t.returns, bytes, at) };
    if (t.kind === 'unknown') return t;
    const bad = (why: string): Type => {
      this.report('error', 'vector-type', `vector_size(${bytes}) ${why}: sizes and offsets that depend on it are unknown`, at);
      return { kind: 'unknown', name: 'vector type' };
    };
    if (bytes === 'unknown') return { kind: 'unknown', name: 'vector type' };
    const elementOk = t.kind === 'enum' || (t.kind === 'scalar' && t.scalar !== 'void' && t.scalar !== 'bool');
    if (!elementOk) return bad(`cannot make a vector of '${typeToString(t)}'`);
    const el = this.lay.sizeOf(t);
    if (el === undefined) return { kind: 'unknown', name: 'vector type' };
    const n = bytes / el;
    if (!Number.isInteger(n) || (n & (n - 1)) !== 0) return bad(`is not a power-of-two multiple of the element size (${el})`);
    return { kind: 'vector', of: t, length: n, bytes };
  }

  private enumSpecifier(): { type: Type; tagDecl: DeclSpec['tagDecl']; declAttrs?: Attrs } {
    const { tag, tagIdx, attrs: before, after: afterTag } = this.tagHead();
    const attrs = mergeAttrs(before, afterTag);
    if (this.is(':') && this.isTypeStart(this.pos + 1)) {
      // C23 fixed underlying type (otherwise ':' starts a bitfield width).
      this.pos++;
      const t = this.typeName();
      if (t.kind === 'scalar') attrs.typeOps = undefined;
      const def = this.newEnum(tag, tagIdx);
      def.underlying = t.kind === 'scalar' ? t.scalar : 'int';
      if (tag !== undefined) this.defineTag(tag, { kind: 'enum', def });
      if (this.is('{')) this.enumBody(def, t);
      return { type: { kind: 'enum', def }, tagDecl: { defined: true, tagged: tag !== undefined } };
    }
    const existing = tag !== undefined ? this.lookupTag(tag) : undefined;
    if (this.inParams && (this.is('{') || existing?.kind !== 'enum')) {
      if (tag === undefined || this.is('{')) this.fail('a definition inside a parameter list');
      return { type: { kind: 'enum', def: { id: -1, tag, underlying: undefined, packed: false, enumerators: [], loc: this.span(tagIdx) } }, tagDecl: { defined: false, tagged: true } };
    }
    if (!this.is('{')) {
      if (tag === undefined) this.fail(`expected a tag or '{' after 'enum'`);
      if (existing?.kind === 'enum') return { type: { kind: 'enum', def: existing.def }, tagDecl: { defined: false, tagged: true }, declAttrs: afterTag };
      const def = this.newEnum(tag, tagIdx);
      this.defineTag(tag, { kind: 'enum', def });
      return { type: { kind: 'enum', def }, tagDecl: { defined: false, tagged: true }, declAttrs: afterTag };
    }
    let def: EnumDef;
    if (existing?.kind === 'enum') this.readComplete(existing.def);
    if (existing?.kind === 'enum' && existing.def.underlying === undefined) {
      def = existing.def;
      if (this.track) this.cur.completes.push({ def, saved: { underlying: def.underlying, enumerators: def.enumerators, packed: def.packed } });
      def.enumerators = [];
    } else {
      if (existing) this.report('error', 'redefinition', `redefinition of 'enum ${tag}'`, tagIdx);
      def = this.newEnum(tag, tagIdx);
      if (tag !== undefined) this.defineTag(tag, { kind: 'enum', def });
    }
    const after: Attrs = {};
    this.enumBody(def, undefined, after);
    def.packed = !!(attrs.packed || after.packed);
    def.underlying = this.enumUnderlying(def);
    const modes = [...(attrs.typeOps ?? []), ...(after.typeOps ?? [])].filter((o) => o.op === 'mode');
    if (modes.length) {
      const t = this.applyTypeAttrs(scalar(def.underlying), { typeOps: modes }, 'decl');
      if (t.kind === 'scalar') def.underlying = t.scalar;
    }
    // Enumerators that do not fit int take the enum's type (a GNU extension).
    for (const en of def.enumerators) {
      const o = this.state.ordinary.get(en.name, this.cur.index);
      if (o?.kind === 'enumerator' && (en.value < -(2n ** 31n) || en.value > 2n ** 31n - 1n)) o.type = { kind: 'enum', def };
    }
    return { type: { kind: 'enum', def }, tagDecl: { defined: true, tagged: tag !== undefined } };
  }

  private newEnum(tag: string | undefined, at: number): EnumDef {
    const old = tag !== undefined ? this.reuse?.get(`enum ${tag}`) : undefined;
    let def: EnumDef;
    if (old && !('kind' in old)) {
      this.reuse!.delete(`enum ${tag}`);
      def = old;
      def.underlying = undefined;
      def.packed = false;
      def.enumerators = [];
      def.typedefName = undefined;
      def.loc = this.span(at);
    } else def = { id: this.state.nextId++, tag, underlying: undefined, packed: false, enumerators: [], loc: this.span(at) };
    if (this.track) this.cur.created.push(def);
    return def;
  }

  private enumBody(def: EnumDef, fixed: Type | undefined, after: Attrs = {}): void {
    const open = this.pos;
    this.expect('{');
    let next = 0n;
    while (!this.is('}') && !this.atEOF()) {
      const nameTok = this.tok;
      if (nameTok.kind !== TokenKind.Identifier) this.fail(`expected an enumerator name but found ${this.describeTok(nameTok)}`);
      const nameIdx = this.pos;
      this.pos++;
      this.parseAttributes({});
      let value = next;
      if (this.accept('=')) {
        const e = this.conditional();
        const r = this.ev.evalInt(e);
        if (r.ok) value = r.t.signed ? BigInt.asIntN(r.t.bits, r.v) : BigInt.asUintN(r.t.bits, r.v);
        else this.report('error', 'not-constant', `enumerator value is not a constant: ${r.reason}`, e.s);
      }
      const fits = value >= -(2n ** 31n) && value <= 2n ** 31n - 1n;
      const type: Type = fixed ?? (fits ? scalar('int') : value < 0n ? scalar('llong') : scalar(value > 2n ** 63n - 1n ? 'ullong' : 'llong'));
      def.enumerators.push({ name: nameTok.text, value, loc: this.span(nameIdx) });
      this.defineOrdinary(nameTok.text, { kind: 'enumerator', value, type, loc: this.span(nameIdx) });
      next = value + 1n;
      if (!this.accept(',')) break;
    }
    if (!this.accept('}')) this.fail(`expected '}' to close the enum opened here`, open);
    this.parseAttributes(after);
    this.cur.enums.push(def);
  }

  /** gcc: unsigned int when nothing is negative and all fit; int when they fit int; otherwise 64 bits. Packed picks the smallest. */
  private enumUnderlying(def: EnumDef): ScalarKind {
    let min = 0n;
    let max = 0n;
    for (const e of def.enumerators) {
      if (e.value < min) min = e.value;
      if (e.value > max) max = e.value;
    }
    const w64: [ScalarKind, ScalarKind] = this.lay.abi.wordSize === 8 ? ['long', 'ulong'] : ['llong', 'ullong'];
    const candidates: Array<[ScalarKind, ScalarKind, number]> = def.packed
      ? [['schar', 'uchar', 8], ['short', 'ushort', 16], ['int', 'uint', 32], [w64[0], w64[1], 64]]
      : [['int', 'uint', 32], [w64[0], w64[1], 64]];
    for (const [s, u, bits] of candidates) {
      const b = BigInt(bits);
      if (min < 0n) {
        if (min >= -(2n ** (b - 1n)) && max <= 2n ** (b - 1n) - 1n) return s;
      } else if (max <= 2n ** b - 1n) return u;
    }
    this.report('error', 'enum-too-large', `enumerator values of 'enum ${def.tag ?? ''}' do not fit in 64 bits`);
    return w64[1];
  }

  // ---- declarators ----

  private declarator(base: Type, abstract: boolean): Declarator {
    const depth = this.depth;
    this.enter();
    try {
      const attrs: Attrs = {};
      let t = base;
      for (;;) {
        if (this.accept('*')) {
          // Each '*' nests the type one level deeper.
          this.enter();
          t = { kind: 'pointer', to: t };
          // Attributes after a '*' are the pointer type's (gcc: `int * __attribute__((aligned(1))) p` is a pointer
          // aligned to 1).
          const own: Attrs = {};
          let qual = 0;
          for (;;) {
            if (this.tok.kind === TokenKind.Identifier && (QUALIFIERS.has(this.tok.text) || this.tok.text === '_Atomic')) {
              qual |= qualifierBit(this.tok.text);
              this.pos++;
            } else if (!this.parseAttributes(own)) break;
          }
          if (qual) t = { ...t, qual };
          t = this.applyTypeAttrs(t, own, 'type');
          continue;
        }
        if (this.tok.kind === TokenKind.Identifier && (QUALIFIERS.has(this.tok.text) || this.tok.text === '_Atomic')) {
          this.pos++;
          continue;
        }
        if (this.parseAttributes(attrs)) continue;
        break;
      }
      if (this.is('(') && this.isNestedDeclarator(abstract)) {
        const start = this.pos;
        this.skipBalanced();
        t = this.typeSuffix(t);
        const after = this.pos;
        this.pos = start + 1;
        const inner = this.declarator(t, abstract);
        this.expect(')');
        this.pos = after;
        return { ...inner, attrs: mergeAttrs(attrs, inner.attrs) };
      }
      let name: string | undefined;
      let nameIdx: number | undefined;
      if (this.tok.kind === TokenKind.Identifier && !KEYWORDS.has(this.tok.text)) {
        name = this.tok.text;
        nameIdx = this.pos;
        this.pos++;
      } else if (!abstract && !this.is(':')) {
        this.fail(`expected a name but found ${this.describeTok(this.tok)}`);
      }
      t = this.typeSuffix(t);
      return { name, nameIdx, type: t, attrs };
    } finally {
      this.depth = depth;
    }
  }

  private isNestedDeclarator(abstract: boolean): boolean {
    const n = this.peek(1);
    if (!abstract) return true;
    if (n.kind === TokenKind.Punct) return n.text === '*' || n.text === '(' || n.text === '^' || n.text === '[';
    return n.kind === TokenKind.Identifier && ATTRIBUTE.has(n.text);
  }

  private typeSuffix(t: Type): Type {
    if (!this.is('[') && !this.is('(')) return t;
    // Each suffix nests the type one level deeper.
    this.enter();
    try {
      return this.typeSuffixOf(t);
    } finally {
      this.leave();
    }
  }

  private typeSuffixOf(t: Type): Type {
    if (this.is('[')) {
      const open = this.pos;
      this.pos++;
      while (this.tok.kind === TokenKind.Identifier && (this.tok.text === 'static' || QUALIFIERS.has(this.tok.text))) this.pos++;
      let length: number | undefined;
      let lengthUnknown = false;
      if (this.is(']')) {
        // [] : flexible or incomplete
      } else if (this.is('*') && this.peek(1).text === ']') {
        this.pos++;
        lengthUnknown = true;
      } else {
        const e = this.expression();
        const r = this.ev.evalInt(e);
        if (!r.ok) {
          this.report('error', 'not-constant', `array size is not a constant: ${r.reason}`, e.s);
          lengthUnknown = true;
        } else {
          const v = r.t.signed ? BigInt.asIntN(r.t.bits, r.v) : r.v;
          if (v < 0n) {
            this.report('error', 'array-size', `array size ${v} is negative`, e.s);
            lengthUnknown = true;
          } else if (v > 2n ** 48n) {
            this.report('error', 'array-too-large', `array size ${v} is too large`, e.s);
            lengthUnknown = true;
          } else length = Number(v);
        }
      }
      if (!this.accept(']')) this.fail(`expected ']' to close '['`, open);
      const of = this.typeSuffix(t);
      // gcc rejects arrays whose elements cannot all be aligned (possible with aligned typedefs).
      const elSize = this.lay.sizeOf(of);
      const elAlign = this.lay.alignOf(of);
      if (elSize !== undefined && elAlign !== undefined && elSize > 0 && elSize % elAlign !== 0) {
        const msg = elAlign > elSize ? 'alignment of array elements is greater than element size' : 'size of array element is not a multiple of its alignment';
        this.report('error', 'array-element-alignment', msg, open);
        return { kind: 'array', of, length: undefined, lengthUnknown: true };
      }
      return lengthUnknown ? { kind: 'array', of, length: undefined, lengthUnknown: true } : { kind: 'array', of, length };
    }
    if (this.is('(')) {
      const open = this.pos;
      const list = this.wantParams > 0 ? this.parameterList() : undefined;
      let paramsText: string;
      if (list) paramsText = this.textOf(open + 1, this.pos - 2);
      else {
        this.pos = open;
        paramsText = this.skipBalanced();
      }
      const returns = this.typeSuffix(t);
      return list ? { kind: 'function', returns, paramsText, params: list.params, ...(list.variadic ? { variadic: true } : {}) } : { kind: 'function', returns, paramsText };
    }
    return t;
  }

  /**
   * `( parameter-declarations )` at the current '(': the parameters' types as a compiler records them (arrays
   * and functions become pointers, top-level qualifiers go), or undefined (and nothing consumed) when the list
   * is not one this parser reads (K&R identifier lists, definitions inside it, errors). Quiet: the tokens are
   * skipped as before when it gives up.
   */
  private parameterList(): { params: Type[]; variadic: boolean } | undefined {
    const start = this.pos;
    const depth = this.depth;
    const problems = this.problems;
    this.problems = Parser.QUIET;
    this.inParams++;
    try {
      this.expect('(');
      const params: Type[] = [];
      let variadic = false;
      if (this.accept(')')) return { params, variadic };
      if (this.is('void') && this.peek(1).text === ')') {
        this.pos += 2;
        return { params, variadic };
      }
      for (;;) {
        if (this.accept('...')) {
          variadic = true;
          this.expect(')');
          return { params, variadic };
        }
        const spec = this.declSpecifiers(true);
        if (!spec.sawType) this.fail('expected a parameter type');
        const d = this.declarator(spec.type, true);
        this.afterDeclarator({});
        let p = d.type;
        if (p.kind === 'array') p = { kind: 'pointer', to: p.of };
        else if (p.kind === 'function') p = { kind: 'pointer', to: p };
        else if (p.qual) p = { ...p, qual: undefined };
        params.push(p);
        if (this.accept(',')) continue;
        this.expect(')');
        return { params, variadic };
      }
    } catch (e) {
      if (e !== SYNTAX) throw e;
      this.pos = start;
      return undefined;
    } finally {
      this.problems = problems;
      this.inParams--;
      this.depth = depth;
    }
  }

  /** A type name, as in casts, sizeof and offsetof. */
  typeName(): Type {
    const spec = this.declSpecifiers(false);
    if (!spec.sawType) this.fail(`expected a type but found ${this.describeTok(this.tok)}`);
    const d = this.declarator(spec.type, true);
    return d.type;
  }

  // ---- static assertions ----

  private staticAssert(): void {
    const s = this.pos;
    this.pos++;
    this.expect('(');
    let expr: Expr | undefined;
    let message: string | undefined;
    try {
      expr = this.conditional();
      if (this.accept(',')) {
        message = '';
        while (this.tok.kind === TokenKind.String) {
          message += this.tok.text.replace(/^[a-zA-Z0-9]*"/, '').replace(/"$/, '');
          this.pos++;
        }
      }
      this.expect(')');
    } catch (e) {
      if (e !== SYNTAX) throw e;
      this.cur.asserts.push({ s, e: this.pos, expr: undefined, message, result: undefined });
      throw e;
    }
    const result = this.ev.eval(expr);
    this.cur.asserts.push({ s, e: this.pos - 1, expr, message, result });
  }

  // ---- expressions ----

  expression(): Expr {
    let l = this.assignment();
    // Each operator of a chain nests the tree one level deeper (on the left): it counts as nesting, so that
    // every later walk of the tree (evaluation, printing) stays within the stack.
    const depth = this.depth;
    try {
      while (this.is(',')) {
        this.pos++;
        this.enter();
        const r = this.assignment();
        l = { k: 'binary', op: ',', l, r, s: l.s, e: r.e };
      }
    } finally {
      this.depth = depth;
    }
    return l;
  }

  private assignment(): Expr {
    const l = this.conditional();
    if (this.tok.kind === TokenKind.Punct && /^([-+*/%&|^]|<<|>>)?=$/.test(this.tok.text)) {
      this.pos++;
      this.enter();
      try {
        const r = this.assignment();
        return { k: 'unsupported', what: 'assignment', s: l.s, e: r.e };
      } finally {
        this.leave();
      }
    }
    return l;
  }

  conditional(): Expr {
    const c = this.binary(0);
    if (!this.is('?')) return c;
    this.pos++;
    this.enter();
    try {
      const t = this.is(':') ? undefined : this.expression();
      this.expect(':');
      const f = this.conditional();
      return { k: 'cond', c, t, f, s: c.s, e: f.e };
    } finally {
      this.leave();
    }
  }

  private static readonly PREC: Record<string, number> = {
    '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
  };

  private binary(minPrec: number): Expr {
    let l = this.cast();
    // A chain `a + b + c ...` nests on the left, one level per operator (see expression).
    const depth = this.depth;
    try {
      for (;;) {
        const t = this.tok;
        const prec = t.kind === TokenKind.Punct ? Parser.PREC[t.text] : undefined;
        if (prec === undefined || prec <= minPrec) return l;
        this.pos++;
        this.enter();
        const r = this.binary(prec);
        l = { k: 'binary', op: t.text, l, r, s: l.s, e: r.e };
      }
    } finally {
      this.depth = depth;
    }
  }

  private cast(): Expr {
    if (this.is('(') && this.isTypeStart(this.pos + 1)) {
      const s = this.pos;
      this.pos++;
      const type = this.typeName();
      this.expect(')');
      if (this.is('{')) {
        this.skipBalanced();
        return { k: 'unsupported', what: 'a compound literal', s, e: this.pos - 1 };
      }
      this.enter();
      try {
        const arg = this.cast();
        return { k: 'cast', type, arg, s, e: arg.e };
      } finally {
        this.leave();
      }
    }
    return this.unary();
  }

  private unary(): Expr {
    const t = this.tok;
    const s = this.pos;
    if (t.kind === TokenKind.Punct && (t.text === '-' || t.text === '+' || t.text === '~' || t.text === '!' || t.text === '*' || t.text === '&')) {
      this.pos++;
      this.enter();
      try {
        const arg = this.cast();
        return { k: 'unary', op: t.text, arg, s, e: arg.e };
      } finally {
        this.leave();
      }
    }
    if (t.kind === TokenKind.Punct && (t.text === '++' || t.text === '--')) {
      this.pos++;
      this.enter();
      try {
        const arg = this.unary();
        return { k: 'unsupported', what: `'${t.text}'`, s, e: arg.e };
      } finally {
        this.leave();
      }
    }
    if (t.kind === TokenKind.Identifier) {
      if (t.text === '__extension__') {
        this.pos++;
        this.enter();
        try {
          return this.cast();
        } finally {
          this.leave();
        }
      }
      if (t.text === 'sizeof' || ALIGNOF.has(t.text)) {
        this.pos++;
        const preferred = t.text === '__alignof__' || t.text === '__alignof';
        if (this.is('(') && this.isTypeStart(this.pos + 1)) {
          this.pos++;
          const type = this.typeName();
          this.expect(')');
          if (this.is('{')) {
            this.skipBalanced();
            return { k: 'unsupported', what: 'a compound literal', s, e: this.pos - 1 };
          }
          return t.text === 'sizeof' ? { k: 'sizeof', type, arg: undefined, s, e: this.pos - 1 } : { k: 'alignof', type, arg: undefined, preferred, s, e: this.pos - 1 };
        }
        this.enter();
        try {
          const arg = this.unary();
          return t.text === 'sizeof' ? { k: 'sizeof', type: undefined, arg, s, e: arg.e } : { k: 'alignof', type: undefined, arg, preferred, s, e: arg.e };
        } finally {
          this.leave();
        }
      }
    }
    return this.postfix();
  }

  private postfix(): Expr {
    let e = this.primary();
    // `x.a.b[0]...` nests on the left, one level per operator (see expression).
    const depth = this.depth;
    try {
      for (;;) {
        if (this.is('[')) {
          this.enter();
          this.pos++;
          const index = this.expression();
          this.expect(']');
          e = { k: 'index', arg: e, index, s: e.s, e: this.pos - 1 };
        } else if (this.is('(')) {
          this.enter();
          this.pos++;
          const args: Expr[] = [];
          while (!this.is(')') && !this.atEOF()) {
            args.push(this.assignment());
            if (!this.accept(',')) break;
          }
          this.expect(')');
          e = { k: 'call', name: e.k === 'ident' ? e.name : undefined, args, s: e.s, e: this.pos - 1 };
        } else if (this.is('.') || this.is('->')) {
          this.enter();
          const arrow = this.tok.text === '->';
          this.pos++;
          const nameTok = this.tok;
          if (nameTok.kind !== TokenKind.Identifier) this.fail(`expected a member name but found ${this.describeTok(nameTok)}`);
          this.pos++;
          e = { k: 'member', arg: e, name: nameTok.text, arrow, tok: this.pos - 1, s: e.s, e: this.pos - 1 };
        } else if (this.is('++') || this.is('--')) {
          this.enter();
          this.pos++;
          e = { k: 'unsupported', what: 'increment', s: e.s, e: this.pos - 1 };
        } else return e;
      }
    } finally {
      this.depth = depth;
    }
  }

  private primary(): Expr {
    const t = this.tok;
    const s = this.pos;
    switch (t.kind) {
      case TokenKind.Number:
        this.pos++;
        return this.number(t.text, s);
      case TokenKind.Char:
        this.pos++;
        return { k: 'int', value: this.charValue(t.text, s), type: scalar('int'), s, e: s };
      case TokenKind.String: {
        let text = '';
        let bytes: number[] | undefined = [];
        while (this.tok.kind === TokenKind.String) {
          text += this.tok.text.replace(/^[a-zA-Z0-9]*"/, '').replace(/"$/, '');
          const b = stringLiteralBytes(this.tok.text);
          bytes = bytes === undefined || b === undefined ? undefined : bytes.concat(b);
          this.pos++;
        }
        const nul = bytes?.indexOf(0) ?? -1;
        return { k: 'string', text, length: bytes && bytes.length + 1, strlen: bytes && (nul < 0 ? bytes.length : nul), s, e: this.pos - 1 };
      }
      case TokenKind.Punct:
        if (t.text === '(') {
          this.pos++;
          if (this.is('{')) {
            this.skipBalanced();
            this.expect(')');
            return { k: 'unsupported', what: 'a statement expression', s, e: this.pos - 1 };
          }
          this.enter();
          try {
            const inner = this.expression();
            this.expect(')');
            return { ...inner, s, e: this.pos - 1 };
          } finally {
            this.leave();
          }
        }
        break;
      case TokenKind.Identifier: {
        if (t.text === '__builtin_offsetof' || t.text === 'offsetof') {
          this.pos++;
          this.expect('(');
          const type = this.typeName();
          this.expect(',');
          const path: OffsetofStep[] = [];
          for (;;) {
            if (this.tok.kind === TokenKind.Identifier) {
              path.push({ member: this.tok.text, tok: this.pos });
              this.pos++;
            } else this.fail(`expected a member name in offsetof but found ${this.describeTok(this.tok)}`);
            for (;;) {
              if (this.accept('[')) {
                path.push({ index: this.expression() });
                this.expect(']');
              } else break;
            }
            if (!this.accept('.')) break;
          }
          this.expect(')');
          return { k: 'offsetof', type, path, s, e: this.pos - 1 };
        }
        if (t.text === '__builtin_types_compatible_p') {
          this.pos++;
          this.expect('(');
          const a = this.typeName();
          this.expect(',');
          const b = this.typeName();
          this.expect(')');
          return { k: 'typesCompatible', a, b, s, e: this.pos - 1 };
        }
        if (t.text === '_Generic' || t.text === '__builtin_va_arg' || t.text === '__builtin_convertvector' || t.text === '__builtin_shufflevector') {
          this.pos++;
          if (this.is('(')) this.skipBalanced();
          return { k: 'unsupported', what: t.text, s, e: this.pos - 1 };
        }
        this.pos++;
        const o = this.lookupOrdinary(t.text);
        let binding: Binding;
        if (o?.kind === 'enumerator') binding = { kind: 'enumerator', value: o.value, type: o.type };
        else if (o?.kind === 'variable') binding = { kind: 'variable', type: o.type };
        else binding = { kind: 'unknown' };
        return { k: 'ident', name: t.text, binding, s, e: s };
      }
    }
    this.fail(`expected an expression but found ${this.describeTok(t)}`);
  }

  private number(text: string, at: number): Expr {
    const d = decodeNumber(text);
    if (d.kind === 'error') {
      this.report('error', 'bad-number', d.message, at);
      return { k: 'unsupported', what: `'${text}'`, s: at, e: at };
    }
    if (d.kind === 'float') return { k: 'float', value: d.value, type: scalar(d.float ? 'float' : 'double'), s: at, e: at };
    if (d.tooLarge) this.report('warning', 'number-too-large', TOO_LARGE_MESSAGE, at);
    // C11 6.4.4.1: the first type of the list for its suffix (and base) that can represent the value.
    const { value, unsigned, longs, decimal } = d;
    const wordBits = this.lay.abi.wordSize * 8;
    const order: Array<[ScalarKind, number, boolean]> = [
      ['int', 32, true], ['uint', 32, false], ['long', wordBits, true], ['ulong', wordBits, false], ['llong', 64, true], ['ullong', 64, false],
    ];
    for (const [k, bits, signed] of order) {
      const rank = k === 'int' || k === 'uint' ? 0 : k === 'long' || k === 'ulong' ? 1 : 2;
      if (rank < longs) continue;
      if (unsigned && signed) continue;
      if (decimal && !unsigned && !signed) continue;
      const max = signed ? 2n ** BigInt(bits - 1) - 1n : 2n ** BigInt(bits) - 1n;
      if (value <= max) return { k: 'int', value, type: scalar(k), s: at, e: at };
    }
    // gcc: a decimal constant too large for long long is unsigned long long (with a warning).
    return { k: 'int', value, type: scalar('ullong'), s: at, e: at };
  }

  private charValue(text: string, at: number): bigint {
    const { value, count } = decodeCharConstant(text, this.lay.abi.charSigned);
    if (count === 0) this.report('error', 'bad-char', 'empty character constant', at);
    return value;
  }

}

/** The binding of a skimmed function declaration: its type is parsed on first need (see Parser.skimmed). */
export class SkimmedFunction {
  readonly kind = 'variable';
  private parsed: Type | undefined;
  private parsing = false;
  constructor(
    private readonly name: string,
    private parser: Parser,
    /** Where the function's declaration starts, in tokens from its declaration's start. */
    private rel: number,
    private decl: Decl,
    public loc: Span,
  ) {}

  get type(): Type {
    if (this.parsed) return this.parsed;
    // Its own parameters may name it (broken or fuzzed input). A full parse binds the name only after them.
    if (this.parsing) return { kind: 'unknown', name: this.name };
    this.parsing = true;
    try {
      return (this.parsed = this.parser.skimmedType(this.decl.s + this.rel, this.decl));
    } finally {
      this.parsing = false;
    }
  }

  /** Whether its type was asked for (then something may have read it). */
  get observed(): boolean {
    return this.parsed !== undefined;
  }

  /** Stands for `o` from now on (reparse keeps this object, bound to o's declaration, when the two are the same). */
  moveTo(o: SkimmedFunction): void {
    this.parser = o.parser;
    this.rel = o.rel;
    this.decl = o.decl;
    this.loc = o.loc;
  }
}

/** The incomplete record or enum a member type needs, spelled for a message; undefined when complete enough. */
function incompleteAt(t: Type, read: (d: RecordDef | EnumDef) => void): string | undefined {
  let inner = t;
  while (inner.kind === 'array' && inner.length !== undefined) inner = inner.of;
  if (inner.kind === 'record' || inner.kind === 'enum') read(inner.def);
  if (inner.kind === 'record' && (!inner.def.members || inner.def.beingDefined)) return `${inner.def.kind} ${inner.def.tag ?? '<anonymous>'}`;
  if (inner.kind === 'enum' && inner.def.underlying === undefined) return `enum ${inner.def.tag ?? '<anonymous>'}`;
  return undefined;
}

/**
 * A typedef's `mode` or `vector_size` applied after its `aligned`: gcc's aligned made the named variant of the
 * type, which the later attribute replaces with a new, unnamed type (uses of the typedef then show that type).
 */
function replacesAlignedType(attrs: Attrs): boolean {
  const ops = attrs.typeOps ?? [];
  const aligned = ops.findIndex((o) => o.op === 'aligned');
  return aligned >= 0 && ops.slice(aligned + 1).some((o) => o.op !== 'aligned');
}

/** Attributes `a` then `b`, in the order gcc applies them (for a type, b's `aligned` replaces a's). */
function mergeAttrs(a: Attrs, b: Attrs): Attrs {
  const out: Attrs = { ...a };
  if (b.aligned !== undefined) out.aligned = Math.max(out.aligned ?? 0, b.aligned);
  if (b.alignedLast !== undefined) out.alignedLast = b.alignedLast;
  if (b.alignedUnknown) out.alignedUnknown = true;
  if (b.packed) out.packed = true;
  if (b.typeOps) out.typeOps = [...(a.typeOps ?? []), ...b.typeOps];
  if (b.unsupported) out.unsupported = b.unsupported;
  return out;
}
