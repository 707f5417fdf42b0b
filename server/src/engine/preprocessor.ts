// Preprocessor: macros (with the standard's rescanning and hideset rules), conditionals, includes.
// Tokens written in a file pass through untouched; tokens made by expansion are copies that remember where
// they were written and which invocation produced them. Hostile input meets limits, reported as problems.

import * as path from 'node:path';
import { FileHost } from './host';
import { lex } from './lexer';
import { evalPPExpr, PPExprError } from './pp-expr';
import { Problem, Problems } from './problems';
import { SourceFile } from './source';
import { Expansion, Token, TokenKind, userLocation } from './token';

export interface MacroDef {
  name: string;
  /** Parameter names for function-like macros (the variadic one last, as `__VA_ARGS__` or its GNU name). */
  params?: string[];
  variadic?: boolean;
  body: Token[];
  file?: SourceFile;
  offset: number;
  builtin?: boolean;
}

export interface PreprocessLimits {
  maxIncludeDepth: number;
  /** Tokens one top-level macro invocation may produce, counting everything its rescans produce. */
  maxExpansionTokens: number;
  maxIfDepth: number;
  maxOutputTokens: number;
}

export const DEFAULT_LIMITS: PreprocessLimits = {
  maxIncludeDepth: 200,
  maxExpansionTokens: 2_000_000,
  maxIfDepth: 1000,
  maxOutputTokens: 20_000_000,
};

export interface PreprocessOptions {
  includePaths: string[];
  systemIncludePaths?: string[];
  defines?: Array<{ name: string; value?: string } | { undef: string }>;
  forcedIncludes?: string[];
  predefines?: string;
  limits?: Partial<PreprocessLimits>;
  /** Whether plain `char` is signed (for character constants in #if). */
  charSigned?: boolean;
}

export interface IncludeRecord {
  from: SourceFile;
  offset: number;
  to: SourceFile | undefined;
  spelled: string;
}

export interface PreprocessResult {
  tokens: Token[];
  files: SourceFile[];
  macros: Map<string, MacroDef>;
  includes: IncludeRecord[];
}

interface CachedFile {
  text: string;
  file: SourceFile;
  tokens: Token[];
  lexProblems: Problem[];
  /** Include-guard macro, null when the file has none. Computed on first need. */
  guard?: string | null;
}

/** Lexed files kept between runs, keyed by path and checked by content: an edit re-lexes only the edited file. */
export class PreprocessCache {
  readonly files = new Map<string, CachedFile>();
}

let nextFileId = 1;

const BUILTINS = ['__FILE__', '__LINE__', '__COUNTER__', '__DATE__', '__TIME__', '__INCLUDE_LEVEL__', '__BASE_FILE__', '__TIMESTAMP__'];
const HAS_OPERATORS = new Set(['__has_include', '__has_include_next', '__has_attribute', '__has_builtin', '__has_feature', '__has_extension', '__has_c_attribute', '__has_cpp_attribute', '__has_declspec_attribute']);

/** Attributes gcc 12 knows (both spellings are accepted by __has_attribute). */
const GCC_ATTRIBUTES = new Set(
  ('aligned packed section used unused noreturn always_inline noinline cold hot const pure format format_arg nonnull ' +
    'returns_nonnull warn_unused_result deprecated weak alias visibility designated_init externally_visible error warning ' +
    'fallthrough noclone no_instrument_function copy mode nonstring flatten assume_aligned alloc_size alloc_align malloc ' +
    'gnu_inline no_sanitize_address no_sanitize no_sanitize_undefined no_sanitize_thread no_sanitize_coverage ' +
    'no_profile_instrument_function no_split_stack optimize target cleanup constructor destructor leaf noipa ' +
    'no_stack_protector no_reorder sentinel simd transparent_union vector_size may_alias tls_model access ' +
    'noinit persistent retain symver zero_call_used_regs warn_if_not_aligned nocf_check indirect_branch function_return ' +
    'naked interrupt regparm stdcall fastcall ms_abi sysv_abi ms_struct gcc_struct scalar_storage_order artificial ' +
    'returns_twice unavailable patchable_function_entry no_stack_limit stack_protect').split(/\s+/),
);
const GCC_BUILTIN_PREFIXES = ['__builtin_', '__sync_', '__atomic_'];
const NOT_GCC12_BUILTINS = new Set(['__builtin_dynamic_object_size', '__builtin_counted_by_ref', '__builtin_is_constant_evaluated']);

// ---- hidesets: interned immutable sets, so equal hidesets share one object ----

type HideSet = ReadonlySet<string> | undefined;
const addCache = new WeakMap<ReadonlySet<string>, Map<string, ReadonlySet<string>>>();
const singletons = new Map<string, ReadonlySet<string>>();

function hsAdd(hs: HideSet, name: string): ReadonlySet<string> {
  if (!hs) {
    let s = singletons.get(name);
    if (!s) singletons.set(name, (s = new Set([name])));
    return s;
  }
  if (hs.has(name)) return hs;
  let m = addCache.get(hs);
  if (!m) addCache.set(hs, (m = new Map()));
  let s = m.get(name);
  if (!s) m.set(name, (s = new Set([...hs, name])));
  return s;
}

function hsUnion(a: HideSet, b: HideSet): HideSet {
  if (!a) return b;
  if (!b || a === b) return a;
  let s: HideSet = a;
  for (const n of b) s = hsAdd(s, n);
  return s;
}

function hsIntersect(a: HideSet, b: HideSet): HideSet {
  if (!a || !b) return undefined;
  if (a === b) return a;
  let s: HideSet;
  for (const n of a) if (b.has(n)) s = hsAdd(s, n);
  return s;
}

class ExpansionLimit {}
const LIMIT = new ExpansionLimit();

interface Frame {
  tokens: Token[];
  pos: number;
  /** Set for frames that are whole files. */
  file?: FileCtx;
}

interface FileCtx {
  sf: SourceFile;
  cached: CachedFile;
  /** Index into the search path where the file was found (-1: not through the search path). */
  dirIndex: number;
  /** Conditional-stack depth when the file was entered. */
  condBase: number;
}

interface Cond {
  tok: Token;
  /** This group's tokens are being kept. */
  active: boolean;
  /** Some group of this conditional was taken already. */
  taken: boolean;
  sawElse: boolean;
  /** The enclosing context was active. */
  outerActive: boolean;
}

interface Arg {
  raw: Token[];
  expanded?: Token[];
}

const PLACEMARKER: Token = { kind: TokenKind.Other, text: '', file: new SourceFile(0, '<placemarker>', ''), offset: 0, end: 0, bol: false, space: false };

export function preprocess(mainFiles: string[], options: PreprocessOptions, host: FileHost, problems: Problems, cache?: PreprocessCache): PreprocessResult {
  const pp = new Preprocessor(options, host, problems, cache ?? new PreprocessCache());
  return pp.run(mainFiles);
}

class Preprocessor {
  private readonly limits: PreprocessLimits;
  private readonly macros = new Map<string, MacroDef>();
  private readonly out: Token[] = [];
  private frames: Frame[] = [];
  private readonly conds: Cond[] = [];
  private readonly files: SourceFile[] = [];
  private readonly fileSeen = new Set<SourceFile>();
  private readonly includes: IncludeRecord[] = [];
  private readonly onceFiles = new Set<string>();
  private readonly searchPath: string[];
  private counter = 0;
  private expansionBudget = 0;
  /** The invocation written in a file whose expansion is being read, and the frame depth before it. */
  private topInvocation: { tok: Token; depth: number; outLen: number } | undefined;
  /** Files entered in this run, by path: a guarded file is skipped without being read again. */
  private readonly entered = new Map<string, CachedFile>();
  private stopped = false;
  private baseFile = '';
  private readonly includeCache = new Map<string, { path: string; dirIndex: number } | null>();

  constructor(
    private readonly opts: PreprocessOptions,
    private readonly host: FileHost,
    private readonly problems: Problems,
    private readonly cache: PreprocessCache,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...(opts.limits ?? {}) };
    this.searchPath = [...opts.includePaths, ...(opts.systemIncludePaths ?? [])];
    for (const b of BUILTINS) this.macros.set(b, { name: b, body: [], offset: 0, builtin: true });
    for (const b of HAS_OPERATORS) this.macros.set(b, { name: b, body: [], offset: 0, builtin: true });
  }

  run(mainFiles: string[]): PreprocessResult {
    try {
      if (this.opts.predefines) this.runText('<built-in>', this.opts.predefines);
      if (this.opts.defines?.length) {
        const lines = this.opts.defines.map((d) => ('undef' in d ? `#undef ${d.undef}` : `#define ${d.name} ${d.value ?? '1'}`));
        this.runText('<command-line>', lines.join('\n') + '\n');
      }
      for (const f of this.opts.forcedIncludes ?? []) this.runMain(f);
      for (const f of mainFiles) {
        if (!this.baseFile) this.baseFile = f;
        this.runMain(f);
      }
    } catch (e) {
      // Last resort: the engine never throws to its caller.
      if (!(e instanceof ExpansionLimit)) {
        this.problems.error('internal-error', `preprocessor stopped: ${e instanceof Error ? e.message : String(e)}`, undefined);
      }
    }
    const eofFile = this.files[0] ?? new SourceFile(nextFileId++, '<empty>', '');
    this.out.push({ kind: TokenKind.EOF, text: '', file: eofFile, offset: eofFile.text.length, end: eofFile.text.length, bol: true, space: false });
    return { tokens: this.out, files: this.files, macros: this.macros, includes: this.includes };
  }

  private runText(name: string, text: string): void {
    const sf = new SourceFile(nextFileId++, name, text);
    const cached: CachedFile = { text, file: sf, tokens: lex(sf, this.problems), lexProblems: [] };
    this.pushFile(cached, -1);
    this.loop();
  }

  private runMain(file: string): void {
    const abs = path.normalize(file);
    const cached = this.load(abs);
    if (!cached) {
      this.problems.error('file-not-found', `cannot read '${file}'`, undefined);
      return;
    }
    this.pushFile(cached, -1);
    this.loop();
  }

  // ---- files ----

  private load(abs: string): CachedFile | undefined {
    const text = this.host.readFile(abs);
    if (text === undefined) return undefined;
    let c = this.cache.files.get(abs);
    if (!c || c.text !== text) {
      const sf = new SourceFile(nextFileId++, abs, text);
      const lexProblems = new Problems();
      const tokens = lex(sf, lexProblems);
      c = { text, file: sf, tokens, lexProblems: lexProblems.list };
      this.cache.files.set(abs, c);
    }
    return c;
  }

  private pushFile(c: CachedFile, dirIndex: number): void {
    if (!this.fileSeen.has(c.file)) {
      this.fileSeen.add(c.file);
      this.files.push(c.file);
      for (const p of c.lexProblems) this.problems.report(p);
    }
    this.frames.push({ tokens: c.tokens, pos: 0, file: { sf: c.file, cached: c, dirIndex, condBase: this.conds.length } });
  }

  private endFile(ctx: FileCtx): void {
    while (this.conds.length > ctx.condBase) {
      const c = this.conds.pop()!;
      this.report('error', 'unterminated-if', `#${c.tok.text} without #endif`, c.tok);
    }
  }

  /** The file frame being read (the innermost whole file). */
  private currentFile(): FileCtx | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i].file;
      if (f) return f;
    }
    return undefined;
  }

  private get active(): boolean {
    return this.conds.length === 0 || this.conds[this.conds.length - 1].active;
  }

  // ---- problems ----

  private report(severity: 'error' | 'warning', code: string, message: string, at: Token): void {
    const loc = userLocation(at);
    this.problems.report({ severity, code, message, file: loc.file, offset: loc.offset, end: loc.end });
  }

  // ---- the main loop ----

  private loop(): void {
    const base = this.frames.length - 1;
    while (this.frames.length > base && !this.stopped) {
      const frame = this.frames[this.frames.length - 1];
      if (frame.pos >= frame.tokens.length) {
        this.frames.pop();
        continue;
      }
      const tok = frame.tokens[frame.pos];
      if (frame.file) {
        if (tok.kind === TokenKind.EOF) {
          this.frames.pop();
          this.endFile(frame.file);
          continue;
        }
        if (tok.bol && tok.kind === TokenKind.Punct && tok.text === '#') {
          this.directive(frame);
          continue;
        }
        if (!this.active) {
          this.skipLine(frame);
          continue;
        }
      }
      frame.pos++;
      if (tok.kind === TokenKind.Identifier) {
        if (tok.text === '_Pragma' && this.pragmaOperator()) continue;
        if (this.macros.has(tok.text)) {
          if (frame.file) {
            // A top-level invocation: its whole expansion, rescans included, shares one budget.
            this.expansionBudget = 0;
            this.topInvocation = { tok, depth: this.frames.length, outLen: this.out.length };
          }
          try {
            if (this.expand(tok)) continue;
          } catch (e) {
            if (e !== LIMIT) throw e;
            const top = this.topInvocation ?? { tok, depth: this.frames.length, outLen: this.out.length };
            // Drop everything the runaway invocation produced, including tokens already passed on.
            this.frames.length = top.depth;
            this.out.length = top.outLen;
            this.report('error', 'macro-expansion-limit', `expanding '${top.tok.text}' produced more than ${this.limits.maxExpansionTokens} tokens; expansion stopped`, top.tok);
            continue;
          }
        }
      }
      this.emit(tok);
    }
  }

  private emit(tok: Token): void {
    if (this.out.length >= this.limits.maxOutputTokens) {
      if (!this.stopped) this.report('error', 'too-many-tokens', `the translation unit exceeds ${this.limits.maxOutputTokens} tokens; the rest is not analysed`, tok);
      this.stopped = true;
      return;
    }
    this.out.push(tok);
  }

  /** Skips the rest of a line in an inactive group (cheap: no expansion). */
  private skipLine(frame: Frame): void {
    const toks = frame.tokens;
    let i = frame.pos + 1;
    while (i < toks.length && !toks[i].bol) i++;
    frame.pos = i;
  }

  /** Consumes `_Pragma ( "..." )` after the _Pragma token; returns false if it is not one. */
  private pragmaOperator(): boolean {
    const save = this.snapshot();
    const open = this.nextInExpansion();
    if (!open || open.text !== '(') {
      this.restore(save);
      return false;
    }
    const str = this.nextInExpansion();
    const close = this.nextInExpansion();
    if (!str || str.kind !== TokenKind.String || !close || close.text !== ')') {
      this.restore(save);
      return false;
    }
    return true;
  }

  private snapshot(): Array<[Frame, number]> {
    return this.frames.map((f) => [f, f.pos]);
  }

  private restore(s: Array<[Frame, number]>): void {
    this.frames = s.map(([f, p]) => {
      f.pos = p;
      return f;
    });
  }

  /**
   * Next token for macro arguments: crosses exhausted expansion frames but never a file's end. Directives met
   * while reading arguments are processed as GNU cpp does (`struct_group(x, ... #ifdef ... #endif ...)` in
   * the kernel), and lines in a skipped group are skipped; only an `#include` ends the arguments.
   */
  private nextInExpansion(): Token | undefined {
    for (;;) {
      const frame = this.frames[this.frames.length - 1];
      if (!frame) return undefined;
      if (frame.pos >= frame.tokens.length) {
        if (frame.file) return undefined;
        this.frames.pop();
        continue;
      }
      const t = frame.tokens[frame.pos];
      if (frame.file) {
        if (t.kind === TokenKind.EOF) return undefined;
        if (t.bol && t.text === '#' && t.kind === TokenKind.Punct) {
          const d = frame.tokens[frame.pos + 1];
          if (d && !d.bol && (d.text === 'include' || d.text === 'include_next' || d.text === 'import')) return undefined;
          this.directive(frame);
          continue;
        }
        if (!this.active) {
          this.skipLine(frame);
          continue;
        }
      }
      frame.pos++;
      return t;
    }
  }

  private peekInExpansion(): Token | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const frame = this.frames[i];
      if (frame.pos < frame.tokens.length) {
        const t = frame.tokens[frame.pos];
        if (frame.file && (t.kind === TokenKind.EOF || (t.bol && t.text === '#' && t.kind === TokenKind.Punct))) return undefined;
        return t;
      }
      if (frame.file) return undefined;
    }
    return undefined;
  }

  // ---- macro expansion ----

  /** Expands the macro named by `tok` if it may be; pushes the result as a frame. Returns false if not expanded. */
  private expand(tok: Token): boolean {
    const m = this.macros.get(tok.text)!;
    if (tok.hideset?.has(m.name)) return false;
    if (m.builtin) return this.expandBuiltin(tok, m);
    const parentExp = tok.expansion;
    if (!m.params) {
      const exp: Expansion = { macro: m.name, at: tok, callEnd: tok.end, parent: parentExp };
      const body = this.subst(m, [], hsAdd(tok.hideset, m.name), exp, tok);
      this.frames.push({ tokens: body, pos: 0 });
      return true;
    }
    const next = this.peekInExpansion();
    if (!next || next.kind !== TokenKind.Punct || next.text !== '(') return false;
    this.nextInExpansion();
    const read = this.readArgs(m, tok);
    if (!read) return true;
    const { args, rparen } = read;
    const hs = hsAdd(hsIntersect(tok.hideset, rparen.hideset), m.name);
    const exp: Expansion = { macro: m.name, at: tok, callEnd: rparen.file === tok.file && !rparen.expansion ? rparen.end : tok.end, parent: parentExp };
    const body = this.subst(m, args, hs, exp, tok);
    this.frames.push({ tokens: body, pos: 0 });
    return true;
  }

  private readArgs(m: MacroDef, nameTok: Token): { args: Arg[]; rparen: Token } | undefined {
    const params = m.params!;
    const args: Arg[] = [];
    let cur: Token[] = [];
    let depth = 0;
    for (;;) {
      const t = this.nextInExpansion();
      if (!t) {
        this.report('error', 'unterminated-macro-call', `unterminated argument list invoking macro '${m.name}'`, nameTok);
        return undefined;
      }
      if (t.kind === TokenKind.Punct) {
        if (t.text === '(') depth++;
        else if (t.text === ')') {
          if (depth === 0) {
            args.push({ raw: cur });
            return this.checkArgs(m, params, args, nameTok, t);
          }
          depth--;
        } else if (t.text === ',' && depth === 0 && !(m.variadic && args.length === params.length - 1)) {
          args.push({ raw: cur });
          cur = [];
          continue;
        }
      }
      cur.push(t);
    }
  }

  private checkArgs(m: MacroDef, params: string[], args: Arg[], nameTok: Token, rparen: Token): { args: Arg[]; rparen: Token } | undefined {
    if (params.length === 0 && args.length === 1 && args[0].raw.length === 0) return { args: [], rparen };
    if (m.variadic && args.length === params.length - 1) args.push({ raw: [] });
    if (args.length !== params.length) {
      this.report('error', 'macro-arg-count', `macro '${m.name}' takes ${params.length}${m.variadic ? ' or more' : ''} argument${params.length === 1 ? '' : 's'}, but ${args.length} were given`, nameTok);
      return undefined;
    }
    return { args, rparen };
  }

  private charge(n: number): void {
    this.expansionBudget += n;
    if (this.expansionBudget > this.limits.maxExpansionTokens) throw LIMIT;
  }

  private copy(t: Token, hs: HideSet, exp: Expansion, space: boolean): Token {
    return { kind: t.kind, text: t.text, file: t.file, offset: t.offset, end: t.end, bol: false, space, expansion: exp, hideset: hsUnion(hs, t.hideset) };
  }

  /** Fully macro-expands an argument on its own (C11 6.10.3.1). */
  private expandArg(arg: Arg): Token[] {
    if (arg.expanded) return arg.expanded;
    if (!arg.raw.some((t) => t.kind === TokenKind.Identifier && this.macros.has(t.text))) return (arg.expanded = arg.raw);
    const saved = this.frames;
    this.frames = [{ tokens: arg.raw, pos: 0 }];
    const out: Token[] = [];
    try {
      while (this.frames.length) {
        const f = this.frames[this.frames.length - 1];
        if (f.pos >= f.tokens.length) {
          this.frames.pop();
          continue;
        }
        const t = f.tokens[f.pos++];
        if (t.kind === TokenKind.Identifier && this.macros.has(t.text) && this.expand(t)) continue;
        out.push(t);
      }
    } finally {
      this.frames = saved;
    }
    return (arg.expanded = out);
  }

  private subst(m: MacroDef, args: Arg[], hs: ReadonlySet<string>, exp: Expansion, nameTok: Token): Token[] {
    const body = m.body;
    const params = m.params;
    const paramIndex = (t: Token | undefined): number => (t && params && t.kind === TokenKind.Identifier ? params.indexOf(t.text) : -1);
    const out: Token[] = [];
    const vaIndex = m.variadic && params ? params.length - 1 : -1;
    for (let i = 0; i < body.length; i++) {
      const t = body[i];
      const space = out.length === 0 ? nameTok.space : t.space;
      // # param
      if (params && t.kind === TokenKind.Punct && t.text === '#' && paramIndex(body[i + 1]) >= 0) {
        const arg = args[paramIndex(body[i + 1])];
        out.push({ ...this.copy(t, hs, exp, space), kind: TokenKind.String, text: stringize(arg.raw) });
        i++;
        continue;
      }
      // __VA_OPT__( ... )
      if (params && m.variadic && t.text === '__VA_OPT__' && body[i + 1]?.text === '(') {
        let depth = 0;
        let j = i + 1;
        for (; j < body.length; j++) {
          if (body[j].text === '(') depth++;
          else if (body[j].text === ')' && --depth === 0) break;
        }
        const vaEmpty = this.expandArg(args[vaIndex]).length === 0;
        if (!vaEmpty) {
          const inner = this.subst({ ...m, body: body.slice(i + 2, j) }, args, hs, exp, nameTok);
          out.push(...inner);
        } else out.push(PLACEMARKER);
        i = j;
        continue;
      }
      // lhs ## rhs
      if (t.kind === TokenKind.Punct && t.text === '##' && i > 0 && i + 1 < body.length) {
        const rhsTok = body[i + 1];
        const ri = paramIndex(rhsTok);
        const rhs = ri >= 0 ? args[ri].raw.map((x, k) => this.copy(x, hs, exp, k === 0 ? rhsTok.space : x.space)) : [this.copy(rhsTok, hs, exp, rhsTok.space)];
        const lhs = out.pop();
        i++;
        if (lhs !== undefined && lhs.text === ',' && ri === vaIndex && ri >= 0) {
          // GNU `, ## __VA_ARGS__`: no paste; the comma goes away only when the variable arguments are absent.
          if (rhs.length) out.push(lhs, ...rhs);
          this.charge(rhs.length);
          continue;
        }
        if (lhs === undefined || lhs === PLACEMARKER) {
          if (rhs.length) out.push(...rhs);
          else out.push(PLACEMARKER);
          continue;
        }
        if (rhs.length === 0) {
          out.push(lhs);
          continue;
        }
        const pasted = this.paste(lhs, rhs[0], nameTok);
        out.push(...pasted, ...rhs.slice(1));
        continue;
      }
      const pi = paramIndex(t);
      if (pi >= 0) {
        const arg = args[pi];
        const nextIsPaste = body[i + 1]?.kind === TokenKind.Punct && body[i + 1].text === '##';
        const toks = nextIsPaste ? arg.raw : this.expandArg(arg);
        if (toks.length === 0) {
          if (nextIsPaste) out.push(PLACEMARKER);
          continue;
        }
        toks.forEach((x, k) => out.push(this.copy(x, hs, exp, k === 0 ? space : x.space)));
        this.charge(toks.length);
        continue;
      }
      out.push(this.copy(t, hs, exp, space));
    }
    this.charge(out.length);
    const result = out.filter((x) => x !== PLACEMARKER);
    if (result.length && out[0] === PLACEMARKER) result[0] = { ...result[0], space: nameTok.space };
    return result;
  }

  private paste(l: Token, r: Token, nameTok: Token): Token[] {
    const text = l.text + r.text;
    const sf = new SourceFile(0, '<paste>', text);
    const scratch = new Problems();
    const toks = lex(sf, scratch);
    if (toks.length === 2 && scratch.list.length === 0) {
      return [{ ...l, kind: toks[0].kind, text, hideset: hsUnion(l.hideset, r.hideset) }];
    }
    this.report('error', 'invalid-paste', `pasting '${l.text}' and '${r.text}' does not give a valid token`, nameTok);
    return [l, r];
  }

  private expandBuiltin(tok: Token, m: MacroDef): boolean {
    const loc = userLocation(tok);
    const make = (kind: TokenKind, text: string): Token => ({ kind, text, file: tok.file, offset: tok.offset, end: tok.end, bol: false, space: tok.space, expansion: { macro: m.name, at: tok, callEnd: tok.end, parent: tok.expansion } });
    switch (m.name) {
      case '__FILE__':
        this.frames.push({ tokens: [make(TokenKind.String, JSON.stringify(loc.file.path))], pos: 0 });
        return true;
      case '__BASE_FILE__':
        this.frames.push({ tokens: [make(TokenKind.String, JSON.stringify(this.baseFile))], pos: 0 });
        return true;
      case '__LINE__':
        this.frames.push({ tokens: [make(TokenKind.Number, String(loc.file.position(loc.offset).line))], pos: 0 });
        return true;
      case '__COUNTER__':
        this.frames.push({ tokens: [make(TokenKind.Number, String(this.counter++))], pos: 0 });
        return true;
      case '__INCLUDE_LEVEL__':
        this.frames.push({ tokens: [make(TokenKind.Number, String(Math.max(0, this.frames.filter((f) => f.file).length - 1)))], pos: 0 });
        return true;
      case '__DATE__':
        this.frames.push({ tokens: [make(TokenKind.String, '"Jan  1 2026"')], pos: 0 });
        return true;
      case '__TIME__':
        this.frames.push({ tokens: [make(TokenKind.String, '"00:00:00"')], pos: 0 });
        return true;
      case '__TIMESTAMP__':
        this.frames.push({ tokens: [make(TokenKind.String, '"Thu Jan  1 00:00:00 2026"')], pos: 0 });
        return true;
    }
    // __has_* outside #if: evaluate the same way, producing 0 or 1.
    const next = this.peekInExpansion();
    if (!next || next.text !== '(') return false;
    this.nextInExpansion();
    const inner: Token[] = [];
    let depth = 0;
    for (;;) {
      const t = this.nextInExpansion();
      if (!t) break;
      if (t.text === '(') depth++;
      if (t.text === ')' && depth-- === 0) break;
      inner.push(t);
    }
    this.frames.push({ tokens: [make(TokenKind.Number, this.hasOperator(m.name, inner) ? '1' : '0')], pos: 0 });
    return true;
  }

  private hasOperator(name: string, arg: Token[]): boolean {
    const word = arg.map((t) => t.text).join('');
    switch (name) {
      case '__has_include':
      case '__has_include_next': {
        const spelled = arg.length === 1 && arg[0].kind === TokenKind.String ? arg[0].text : word;
        const parsed = parseHeaderName(spelled);
        if (!parsed) return false;
        return this.resolveInclude(parsed.name, parsed.quoted, name === '__has_include_next') !== undefined;
      }
      case '__has_attribute': {
        const n = word.replace(/^.*::/, '').replace(/^__(.*)__$/, '$1');
        return GCC_ATTRIBUTES.has(n);
      }
      case '__has_builtin':
        return GCC_BUILTIN_PREFIXES.some((p) => word.startsWith(p)) && !NOT_GCC12_BUILTINS.has(word) || word === '__builtin_offsetof' || word === '__builtin_types_compatible_p';
      default:
        return false;
    }
  }

  // ---- directives ----

  /** Tokens of the directive line after '#', and advances the frame past the line. */
  private directiveLine(frame: Frame): Token[] {
    const toks = frame.tokens;
    let i = frame.pos + 1;
    const start = i;
    while (i < toks.length && !toks[i].bol) i++;
    frame.pos = i;
    return toks.slice(start, i);
  }

  private directive(frame: Frame): void {
    const line = this.directiveLine(frame);
    if (line.length === 0) return;
    const name = line[0];
    const rest = line.slice(1);
    const d = name.text;
    if (!this.active) {
      // Inside a skipped group only the conditional structure matters.
      if (d === 'if' || d === 'ifdef' || d === 'ifndef') this.pushCond(name, false, true);
      else if (d === 'elif' || d === 'else' || d === 'endif' || d === 'elifdef' || d === 'elifndef') this.conditional(d, name, rest);
      return;
    }
    switch (d) {
      case 'define':
        return this.define(rest, name);
      case 'undef':
        if (rest[0]?.kind === TokenKind.Identifier) {
          const m = this.macros.get(rest[0].text);
          if (m && !m.builtin) this.macros.delete(rest[0].text);
        } else this.report('error', 'syntax-error', 'macro name missing in #undef', name);
        return;
      case 'include':
      case 'include_next':
      case 'import':
        return this.include(rest, name, d === 'include_next');
      case 'if':
      case 'ifdef':
      case 'ifndef':
      case 'elif':
      case 'else':
      case 'endif':
      case 'elifdef':
      case 'elifndef':
        return this.conditional(d, name, rest);
      case 'error':
      case 'warning': {
        const text = this.lineText(name, line[line.length - 1]);
        this.report(d === 'error' ? 'error' : 'warning', d === 'error' ? 'pp-error' : 'pp-warning', `#${d} ${text}`.trim(), name);
        return;
      }
      case 'pragma':
        if (rest[0]?.text === 'once') this.onceFiles.add(this.currentFile()!.sf.path);
        else if (rest[0]?.text === 'pack' || (rest[0]?.text === 'GCC' && rest[1]?.text === 'pack')) {
          this.report('warning', 'unsupported-pragma', '#pragma pack is not modelled: layouts after it may differ from the compiler', name);
        }
        return;
      case 'line':
      case 'ident':
      case 'sccs':
      case 'assert':
      case 'unassert':
        return;
      default:
        if (name.kind === TokenKind.Number) return; // `# 33 "file"` line markers
        this.report('warning', 'unknown-directive', `unknown directive '#${d}'`, name);
    }
  }

  private lineText(first: Token, last: Token): string {
    if (first.file !== last.file) return '';
    return first.file.text.slice(first.end, last.end).replace(/\\\r?\n/g, '').trim();
  }

  private define(rest: Token[], at: Token): void {
    const nameTok = rest[0];
    if (!nameTok || nameTok.kind !== TokenKind.Identifier) {
      this.report('error', 'syntax-error', 'macro names must be identifiers', nameTok ?? at);
      return;
    }
    if (nameTok.text === 'defined') {
      this.report('error', 'syntax-error', "'defined' cannot be used as a macro name", nameTok);
      return;
    }
    let i = 1;
    let params: string[] | undefined;
    let variadic = false;
    if (rest[1] && rest[1].text === '(' && !rest[1].space) {
      params = [];
      i = 2;
      for (;;) {
        const t = rest[i];
        if (!t) {
          this.report('error', 'syntax-error', `missing ')' in the parameters of macro '${nameTok.text}'`, nameTok);
          return;
        }
        if (t.text === ')' && params.length === 0) {
          i++;
          break;
        }
        if (t.text === '...') {
          params.push('__VA_ARGS__');
          variadic = true;
          i++;
        } else if (t.kind === TokenKind.Identifier) {
          params.push(t.text);
          i++;
          if (rest[i]?.text === '...') {
            variadic = true;
            i++;
          }
        } else {
          this.report('error', 'syntax-error', `bad parameter '${t.text}' in macro '${nameTok.text}'`, t);
          return;
        }
        if (rest[i]?.text === ')') {
          i++;
          break;
        }
        if (rest[i]?.text !== ',' || variadic) {
          this.report('error', 'syntax-error', `expected ',' or ')' in the parameters of macro '${nameTok.text}'`, rest[i] ?? nameTok);
          return;
        }
        i++;
      }
    }
    const body = rest.slice(i);
    if (body.length) body[0] = { ...body[0], space: false };
    const def: MacroDef = { name: nameTok.text, params, variadic, body, file: nameTok.file, offset: nameTok.offset };
    const old = this.macros.get(def.name);
    if (old?.builtin) {
      this.report('warning', 'macro-redefined', `redefining builtin macro '${def.name}'`, nameTok);
    } else if (old && !sameDefinition(old, def)) {
      this.report('warning', 'macro-redefined', `'${def.name}' redefined`, nameTok);
    }
    this.macros.set(def.name, def);
  }

  private pushCond(tok: Token, value: boolean, outerInactive = false): void {
    if (this.conds.length >= this.limits.maxIfDepth) {
      this.report('error', 'nesting-too-deep', `#if nested deeper than ${this.limits.maxIfDepth}`, tok);
      value = false;
    }
    const outerActive = !outerInactive && this.active;
    this.conds.push({ tok, active: outerActive && value, taken: value, sawElse: false, outerActive });
  }

  private conditional(d: string, name: Token, rest: Token[]): void {
    const file = this.currentFile();
    const top = this.conds.length > (file?.condBase ?? 0) ? this.conds[this.conds.length - 1] : undefined;
    switch (d) {
      case 'if':
        this.pushCond(name, this.evalIf(rest, name));
        return;
      case 'ifdef':
      case 'ifndef': {
        const id = rest[0];
        if (!id || id.kind !== TokenKind.Identifier) {
          this.report('error', 'syntax-error', `no macro name given in #${d}`, name);
          this.pushCond(name, false);
          return;
        }
        const defined = this.macros.has(id.text);
        this.pushCond(name, d === 'ifdef' ? defined : !defined);
        return;
      }
      case 'elif':
      case 'elifdef':
      case 'elifndef': {
        if (!top) {
          this.report('error', 'unbalanced-endif', `#${d} without #if`, name);
          return;
        }
        if (top.sawElse) this.report('error', 'unbalanced-else', `#${d} after #else`, name);
        if (top.taken || !top.outerActive) {
          top.active = false;
          return;
        }
        let v: boolean;
        if (d === 'elif') v = this.evalIf(rest, name);
        else {
          const id = rest[0];
          v = !!id && this.macros.has(id.text) === (d === 'elifdef');
        }
        top.active = v;
        top.taken = v;
        return;
      }
      case 'else':
        if (!top) {
          this.report('error', 'unbalanced-else', '#else without #if', name);
          return;
        }
        if (top.sawElse) this.report('error', 'unbalanced-else', '#else after #else', name);
        top.sawElse = true;
        top.active = top.outerActive && !top.taken;
        top.taken = true;
        return;
      case 'endif':
        if (!top) {
          this.report('error', 'unbalanced-endif', '#endif without #if', name);
          return;
        }
        this.conds.pop();
        return;
    }
  }

  private evalIf(rest: Token[], at: Token): boolean {
    // `defined` and __has_* take their operands unexpanded; then macros expand; then identifiers are 0.
    const pass = (toks: Token[]): Token[] => {
      const out: Token[] = [];
      for (let i = 0; i < toks.length; i++) {
        const t = toks[i];
        if (t.kind === TokenKind.Identifier && t.text === 'defined') {
          let id: Token | undefined;
          if (toks[i + 1]?.text === '(') {
            id = toks[i + 2];
            if (toks[i + 3]?.text !== ')') {
              this.report('error', 'syntax-error', "missing ')' after 'defined'", t);
              return [];
            }
            i += 3;
          } else {
            id = toks[i + 1];
            i += 1;
          }
          if (!id || id.kind !== TokenKind.Identifier) {
            this.report('error', 'syntax-error', "'defined' needs a macro name", t);
            return [];
          }
          out.push({ ...t, kind: TokenKind.Number, text: this.macros.has(id.text) ? '1' : '0' });
          continue;
        }
        if (t.kind === TokenKind.Identifier && HAS_OPERATORS.has(t.text) && toks[i + 1]?.text === '(') {
          let depth = 0;
          let j = i + 1;
          for (; j < toks.length; j++) {
            if (toks[j].text === '(') depth++;
            else if (toks[j].text === ')' && --depth === 0) break;
          }
          out.push({ ...t, kind: TokenKind.Number, text: this.hasOperator(t.text, toks.slice(i + 2, j)) ? '1' : '0' });
          i = j;
          continue;
        }
        out.push(t);
      }
      return out;
    };
    const first = pass(rest);
    let expanded: Token[];
    this.expansionBudget = 0;
    try {
      expanded = pass(this.expandArg({ raw: first }));
    } catch (e) {
      if (e !== LIMIT) throw e;
      this.report('error', 'macro-expansion-limit', `expanding the #${at.text} expression produced more than ${this.limits.maxExpansionTokens} tokens`, at);
      return false;
    }
    try {
      return evalPPExpr(expanded, this.opts.charSigned ?? true).v !== 0n;
    } catch (e) {
      if (e instanceof PPExprError) {
        this.report('error', e.code, e.message, e.tok ?? at);
        return false;
      }
      throw e;
    }
  }

  private include(rest: Token[], at: Token, next: boolean): void {
    let toks = rest;
    if (!(toks[0]?.kind === TokenKind.String || toks[0]?.text === '<')) {
      this.expansionBudget = 0;
      try {
        toks = this.expandArg({ raw: rest });
      } catch (e) {
        if (e !== LIMIT) throw e;
        this.report('error', 'macro-expansion-limit', 'expanding the #include operand produced too many tokens', at);
        return;
      }
    }
    let spelled: string;
    if (toks[0]?.kind === TokenKind.String) spelled = toks[0].text;
    else if (toks[0]?.text === '<') {
      const close = toks.findIndex((t) => t.text === '>');
      if (close < 0) {
        this.report('error', 'syntax-error', "missing '>' in #include", at);
        return;
      }
      spelled = '<' + toks.slice(1, close).map((t, k) => (k > 0 && t.space ? ' ' : '') + t.text).join('') + '>';
    } else {
      this.report('error', 'syntax-error', '#include expects "FILENAME" or <FILENAME>', at);
      return;
    }
    const parsed = parseHeaderName(spelled);
    const from = this.currentFile()!;
    if (!parsed) {
      this.report('error', 'syntax-error', `bad #include name ${spelled}`, at);
      return;
    }
    const found = this.resolveInclude(parsed.name, parsed.quoted, next);
    const rec: IncludeRecord = { from: from.sf, offset: at.offset, to: undefined, spelled };
    this.includes.push(rec);
    if (!found) {
      this.report('error', 'include-not-found', `'${parsed.name}' not found in the include path`, at);
      return;
    }
    const depth = this.frames.filter((f) => f.file).length;
    if (depth >= this.limits.maxIncludeDepth) {
      this.report('error', 'include-depth', `#include nested more than ${this.limits.maxIncludeDepth} deep (an include cycle?)`, at);
      return;
    }
    if (this.onceFiles.has(found.path)) return;
    const seen = this.entered.get(found.path);
    if (seen?.guard && this.macros.has(seen.guard)) return;
    const cached = seen ?? this.load(found.path);
    if (!cached) {
      this.report('error', 'include-not-found', `'${parsed.name}' cannot be read`, at);
      return;
    }
    rec.to = cached.file;
    if (cached.guard === undefined) cached.guard = includeGuard(cached.tokens);
    if (cached.guard && this.macros.has(cached.guard)) return;
    this.entered.set(found.path, cached);
    this.pushFile(cached, found.dirIndex);
  }

  private resolveInclude(name: string, quoted: boolean, next: boolean): { path: string; dirIndex: number } | undefined {
    const cur = this.currentFile();
    if (path.isAbsolute(name)) return this.host.fileExists(name) ? { path: path.normalize(name), dirIndex: -1 } : undefined;
    let startIndex = 0;
    if (next && cur && cur.dirIndex >= 0) startIndex = cur.dirIndex + 1;
    if (quoted && !next && cur) {
      const p = path.join(path.dirname(cur.sf.path), name);
      if (this.host.fileExists(p)) return { path: p, dirIndex: -1 };
    }
    const key = `${startIndex}\0${name}`;
    const hit = this.includeCache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    for (let i = startIndex; i < this.searchPath.length; i++) {
      const p = path.join(this.searchPath[i], name);
      if (this.host.fileExists(p)) {
        const r = { path: p, dirIndex: i };
        this.includeCache.set(key, r);
        return r;
      }
    }
    this.includeCache.set(key, null);
    return undefined;
  }
}

function parseHeaderName(spelled: string): { name: string; quoted: boolean } | undefined {
  if (spelled.length >= 2 && spelled[0] === '"' && spelled[spelled.length - 1] === '"') return { name: spelled.slice(1, -1), quoted: true };
  if (spelled.length >= 2 && spelled[0] === '<' && spelled[spelled.length - 1] === '>') return { name: spelled.slice(1, -1), quoted: false };
  return undefined;
}

function sameDefinition(a: MacroDef, b: MacroDef): boolean {
  if ((a.params === undefined) !== (b.params === undefined)) return false;
  if (a.params && b.params && a.params.join(',') !== b.params.join(',')) return false;
  if (a.body.length !== b.body.length) return false;
  for (let i = 0; i < a.body.length; i++) {
    if (a.body[i].text !== b.body[i].text || (i > 0 && a.body[i].space !== b.body[i].space)) return false;
  }
  return true;
}

/** C11 6.10.3.2: the spelling of the argument as a string literal, with \ and " escaped inside literals. */
function stringize(toks: Token[]): string {
  let s = '';
  toks.forEach((t, k) => {
    if (k > 0 && t.space) s += ' ';
    s += t.kind === TokenKind.String || t.kind === TokenKind.Char ? t.text.replace(/[\\"]/g, (c) => '\\' + c) : t.text;
  });
  return `"${s}"`;
}

/** The guard macro of a file wrapped entirely in `#ifndef X` / `#if !defined(X)` … `#endif`, else null. */
function includeGuard(toks: Token[]): string | null {
  const isHash = (i: number) => toks[i]?.bol && toks[i].kind === TokenKind.Punct && toks[i].text === '#';
  if (!isHash(0)) return null;
  let guard: string | undefined;
  if (toks[1]?.text === 'ifndef' && toks[2]?.kind === TokenKind.Identifier && toks[3]?.bol) guard = toks[2].text;
  else if (toks[1]?.text === 'if' && toks[2]?.text === '!' && toks[3]?.text === 'defined') {
    const paren = toks[4]?.text === '(';
    const id = toks[paren ? 5 : 4];
    const endIdx = paren ? 7 : 5;
    if (id?.kind === TokenKind.Identifier && (!paren || toks[6]?.text === ')') && toks[endIdx]?.bol) guard = id.text;
  }
  if (!guard) return null;
  let depth = 0;
  for (let i = 0; i < toks.length; i++) {
    if (!isHash(i)) continue;
    const d = toks[i + 1]?.text;
    if (d === 'if' || d === 'ifdef' || d === 'ifndef') depth++;
    else if ((d === 'else' || d === 'elif') && depth === 1) return null;
    else if (d === 'endif') {
      depth--;
      if (depth === 0) {
        let j = i + 2;
        while (j < toks.length && !toks[j].bol) j++;
        return toks[j]?.kind === TokenKind.EOF ? guard : null;
      }
    }
  }
  return null;
}
