// Preprocessor: macros (with the standard's rescanning and hideset rules), conditionals, includes.
// Tokens are never copied: a token in flight or in the output is a shared Token object (as lexed, in a file
// or a #define body) plus, in parallel arrays, the hideset and expansion it carries there. That keeps a
// kernel header's half-million expanded tokens from becoming half a million objects. Expansions of
// object-like macros that are closed (they never reach past their own tokens) are remembered and replayed
// while the macros they consulted keep their definitions. Hostile input meets limits, reported as problems.

import * as path from 'node:path';
import { FileHost } from '../base/host';
import { lex } from './lexer';
import { evalPPExpr, PPExprError } from './pp-expr';
import { Problem, Problems } from '../base/problems';
import { SourceFile } from '../base/source';
import { Expansion, locationOf, Token, TokenKind, TokenStream } from '../base/token';

export interface MacroDef {
  name: string;
  /** Parameter names for function-like macros (the variadic one last, as `__VA_ARGS__` or its GNU name). */
  params?: string[];
  variadic?: boolean;
  body: Token[];
  file?: SourceFile;
  offset: number;
  builtin?: boolean;
  /** The body's braces do not balance (`#define BEGIN {`): such a macro can end a function body. */
  unbalanced?: boolean;
  /** For each body token, the index of the parameter it names, or -1. Computed on first expansion. */
  paramIndex?: Int32Array;
  /** The remembered expansion of an object-like macro; null when it cannot be remembered. */
  memo?: Memo | null;
}

/** A closed, fully rescanned expansion, valid while every macro name it consulted keeps its definition. */
interface Memo {
  seq: Seq;
  /** name, definition (undefined: was not a macro), name, definition, ... */
  deps: Array<string | MacroDef | undefined>;
  /**
   * The expansion ran out of budget after charging this many tokens (seq is then empty): while the same
   * definitions hold, it runs out again, so a repeated macro bomb costs its budget once, not at every use.
   */
  over?: number;
}

export interface PreprocessLimits {
  maxIncludeDepth: number;
  /** Tokens one top-level macro invocation may produce, counting everything its rescans produce. */
  maxExpansionTokens: number;
  maxIfDepth: number;
  maxOutputTokens: number;
  /** Macro invocations nested inside each other's arguments (`F(G(H(...)))`), each pre-expanded recursively. */
  maxMacroNesting: number;
  /** Largest file (in characters) that is lexed; a larger one is reported and not read (its tokens would not fit in memory). */
  maxFileBytes: number;
}

/** The limits by the names the CLI (`--limit NAME=N`) and the `memdesc.limits` setting use. */
export const LIMIT_NAMES: Record<string, keyof PreprocessLimits> = {
  'include-depth': 'maxIncludeDepth',
  'expansion-tokens': 'maxExpansionTokens',
  'macro-nesting': 'maxMacroNesting',
  'if-depth': 'maxIfDepth',
  tokens: 'maxOutputTokens',
  'file-size': 'maxFileBytes',
};

/** `NAME=N` (N may end in k or M, powers of 1024 for file-size, of 1000 otherwise) → a limit, or an error message. */
export function parseLimit(name: string, value: string | number): { key: keyof PreprocessLimits; value: number } | string {
  const key = LIMIT_NAMES[name];
  if (!key) return `unknown limit '${name}' (${Object.keys(LIMIT_NAMES).join(', ')})`;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(String(value));
  if (!m) return `limit ${name} takes a positive number, not '${value}'`;
  const unit = m[2] ? (key === 'maxFileBytes' ? 1024 : 1000) ** (m[2].toLowerCase() === 'k' ? 1 : 2) : 1;
  const n = Math.floor(Number(m[1]) * unit);
  if (!(n > 0) || !Number.isSafeInteger(n)) return `limit ${name} takes a positive number, not '${value}'`;
  return { key, value: n };
}

export const DEFAULT_LIMITS: PreprocessLimits = {
  maxIncludeDepth: 200,
  maxExpansionTokens: 2_000_000,
  maxIfDepth: 1000,
  // Real translation units are under a million tokens (mm/page_alloc.c: 804k); analysing one costs 250-600
  // bytes per token, so 5 million keep a hostile input within a default V8 heap instead of killing the process.
  maxOutputTokens: 5_000_000,
  maxMacroNesting: 256,
  maxFileBytes: 8 * 1024 * 1024,
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
  /**
   * Function bodies in files other than the main files are passed on as `{ }`, without expanding the macros
   * inside them: nothing in them can change a layout, and they are half of a kernel header's tokens.
   * Directives inside them are still obeyed. Default true.
   */
  skipIncludedBodies?: boolean;
}

export interface IncludeRecord {
  from: SourceFile;
  offset: number;
  to: SourceFile | undefined;
  spelled: string;
  /** The file the name resolved to (whether or not it was entered: a guard or #pragma once may skip it). */
  resolved?: string;
}

export interface PreprocessResult extends TokenStream {
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

/** Thrown when a top-level invocation exceeds its budget (or its nesting): everything it produced is dropped. */
class ExpansionLimit {}
const LIMIT = new ExpansionLimit();
/** Thrown while remembering an expansion that turns out not to be closed (or not repeatable). */
class NotMemoizable {}
const NOT_MEMOIZABLE = new NotMemoizable();

/** name/definition pairs with each name once (a runaway expansion looks the same names up millions of times). */
function uniqueDeps(deps: Array<string | MacroDef | undefined>): Array<string | MacroDef | undefined> {
  const seen = new Map<string, MacroDef | undefined>();
  for (let i = 0; i < deps.length; i += 2) if (!seen.has(deps[i] as string)) seen.set(deps[i] as string, deps[i + 1] as MacroDef | undefined);
  return [...seen].flat();
}

/** Tokens in flight: a token, its hideset, the innermost expansion that produced it, and a preceding-space flag. */
class Seq {
  readonly t: Token[] = [];
  readonly hs: HideSet[] = [];
  readonly ex: Array<Expansion | undefined> = [];
  readonly sp: boolean[] = [];
  push(t: Token, hs: HideSet, ex: Expansion | undefined, sp: boolean): void {
    this.t.push(t);
    this.hs.push(hs);
    this.ex.push(ex);
    this.sp.push(sp);
  }
  pop(): void {
    this.t.pop();
    this.hs.pop();
    this.ex.pop();
    this.sp.pop();
  }
  get length(): number {
    return this.t.length;
  }
  /** Appends entries [from, to) of another sequence. */
  append(o: Seq, from = 0, to = o.length): void {
    for (let k = from; k < to; k++) this.push(o.t[k], o.hs[k], o.ex[k], o.sp[k]);
  }
  static ofTokens(toks: Token[]): Seq {
    const s = new Seq();
    for (const t of toks) s.push(t, undefined, undefined, t.space);
    return s;
  }
}

interface Frame {
  /** The tokens read: a file's, or `seq.t`. */
  toks: Token[];
  pos: number;
  /** Set for frames that are macro expansions. */
  seq: Seq | undefined;
  /** Set for frames that are whole files. */
  file: FileCtx | undefined;
  /** A remembered expansion: its tokens are final (already rescanned); all of them carry this expansion. */
  ctx: Expansion | undefined;
  /** For remembered expansions: the space flag of the first token (the invocation's). */
  sp0: boolean;
}

interface FileCtx {
  sf: SourceFile;
  cached: CachedFile;
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

/** One step of the run: predefined text, or a file (forced include or main file). */
type Phase = { kind: 'text'; name: string; text: string } | { kind: 'file'; path: string; main: boolean };

/**
 * The preprocessor's state before a directive (or at a phase's start): enough to run again from there after
 * an edit, and to tell when a run that restarted there has come back to the same state as before.
 */
/** The scanner's scalar state: what a checkpoint records, a restart restores and convergence compares. */
interface ScanState {
  conds: Cond | undefined;
  counter: number;
  braceDepth: number;
  parenDepth: number;
  declHasInit: boolean;
  skipDepth: number;
  unbalancedLive: number;
}

interface Checkpoint extends ScanState {
  phase: number;
  /** The innermost file and its position (undefined: between phases). */
  top: FileCtx | undefined;
  pos: number;
  conds: Cond | undefined;
  outLen: number;
  logLen: number;
  filesLen: number;
  includesLen: number;
  problemsLen: number;
  onceLen: number;
  enteredLen: number;
}

/** What an incremental preprocessor keeps of a run. */
interface Journal {
  cps: Checkpoint[];
  /** Every change to the macro table: name, definition before, definition after (undefined: not defined). */
  logName: string[];
  logPrev: Array<MacroDef | undefined>;
  logNext: Array<MacroDef | undefined>;
  onceLog: string[];
  enteredLog: string[];
  /** Every file entry, in order. */
  entries: FileCtx[];
}

/** Tokens [a, oldEnd) of the previous output are [a, newEnd) of the new one; the rest are the same objects. */
export interface OutputSplice {
  a: number;
  oldEnd: number;
  newEnd: number;
}

/** Thrown from a checkpoint when a restarted run has come back to where the previous run was. */
class Converged {}
const CONVERGED = new Converged();

/**
 * The previous run from an update's restart point on (the arrays hold what followed the restart checkpoint;
 * `at` gives each array's first index in the previous run), plus its final state.
 */
interface OldRun extends Journal, ScanState {
  at: { out: number; log: number; cps: number; files: number; includes: number; problems: number; once: number; entered: number };
  files: SourceFile[];
  includes: IncludeRecord[];
  problems: Problem[];
}

/** Appends xs[from..] to out. */
function appendFrom<T>(out: T[], xs: T[], from: number): void {
  for (let i = from; i < xs.length; i++) out.push(xs[i]);
}

/** Replaces xs[from, to) by seg in place (the tail moves natively; the array stays packed). */
function replaceInPlace<T>(xs: T[], from: number, to: number, seg: T[]): void {
  // Plain loops: Array.prototype.copyWithin takes the generic path on these arrays and is far slower.
  const delta = seg.length - (to - from);
  const n = xs.length;
  if (delta > 0) {
    const filler = n > 0 ? xs[n - 1] : seg[0];
    for (let k = 0; k < delta; k++) xs.push(filler);
    for (let k = n - 1; k >= to; k--) xs[k + delta] = xs[k];
  } else if (delta < 0) {
    for (let k = to; k < n; k++) xs[k + delta] = xs[k];
    xs.length = n + delta;
  }
  for (let k = 0; k < seg.length; k++) xs[from + k] = seg[k];
}

function sameConds(a: Cond | undefined, b: Cond | undefined): boolean {
  for (;;) {
    if (a === b) return true;
    if (!a || !b) return false;
    if (a.depth !== b.depth || a.active !== b.active || a.taken !== b.taken || a.sawElse !== b.sawElse || a.outerActive !== b.outerActive) return false;
    a = a.parent;
    b = b.parent;
  }
}

/** Whether two tokens' expansions resolve to the same place (both written in place, or the same invocation). */
function sameRoot(a: Expansion | undefined, b: Expansion | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  while (a.parent) a = a.parent;
  while (b.parent) b = b.parent;
  return a.at === b.at;
}

/**
 * Lexes a cached file's new text into the same CachedFile and SourceFile (everything that points at them sees
 * the new version). Tokens before the first change are kept as the same objects. Returns the index of the
 * first token that differs.
 */
function relexInPlace(c: CachedFile, text: string): number {
  const old = c.tokens;
  c.file.setText(text);
  const lexProblems = new Problems();
  const fresh = lex(c.file, lexProblems);
  let k = 0;
  const n = Math.min(old.length, fresh.length) - 1;
  while (k < n) {
    const x = old[k];
    const y = fresh[k];
    if (x.kind !== y.kind || x.text !== y.text || x.offset !== y.offset || x.end !== y.end || x.bol !== y.bol || x.space !== y.space) break;
    fresh[k] = x;
    k++;
  }
  c.text = text;
  c.tokens = fresh;
  c.lexProblems = lexProblems.list;
  c.guard = undefined;
  return k;
}

/** The conditional stack, as an immutable list (a checkpoint keeps a pointer to it). */
interface Cond {
  tok: Token;
  /** This group's tokens are being kept. */
  readonly active: boolean;
  /** Some group of this conditional was taken already. */
  readonly taken: boolean;
  readonly sawElse: boolean;
  /** The enclosing context was active. */
  readonly outerActive: boolean;
  readonly parent: Cond | undefined;
  readonly depth: number;
}

interface Arg {
  raw: Seq;
  expanded?: Seq;
}

const PLACEMARKER: Token = { kind: TokenKind.Other, text: '', file: new SourceFile(0, '<placemarker>', ''), offset: 0, end: 0, bol: false, space: false };

/** Tokens that may follow a declarator before a function body: `f(void) __attribute__((x)) asm("y") {`. */
const SKIPPABLE_AFTER_DECLARATOR = new Set(['__attribute__', '__attribute', 'asm', '__asm__', '__asm', '__declspec']);

const fileFrame = (toks: Token[], file: FileCtx | undefined, pos = 0): Frame => ({ toks, pos, seq: undefined, file, ctx: undefined, sp0: false });
const seqFrame = (seq: Seq): Frame => ({ toks: seq.t, pos: 0, seq, file: undefined, ctx: undefined, sp0: false });

export function preprocess(mainFiles: string[], options: PreprocessOptions, host: FileHost, problems: Problems, cache?: PreprocessCache): PreprocessResult {
  const pp = new Preprocessor(options, host, problems, cache ?? new PreprocessCache(), false);
  return pp.run(mainFiles);
}

/**
 * A preprocessor that keeps its run: after one file changes, it runs again from the last checkpoint before
 * the change, and once the changed file has ended and the state matches the previous run's at the same place,
 * it takes the rest of the previous output as it is. The result is what a full run gives (tests compare).
 */
export class PreprocessSession {
  private readonly pp: Preprocessor;
  /** Everything reported, repeats included (the journal counts them); an Analysis drops the repeats. */
  readonly problems = new Problems(Infinity, true);
  result: PreprocessResult | undefined;

  constructor(
    private readonly mainFiles: string[],
    options: PreprocessOptions,
    host: FileHost,
    readonly cache: PreprocessCache = new PreprocessCache(),
  ) {
    this.pp = new Preprocessor(options, host, this.problems, cache, true);
  }

  run(): PreprocessResult {
    return (this.result = this.pp.run(this.mainFiles));
  }

  /**
   * The file at `path` may have changed (its text is read again through the host). Returns the new output and
   * which tokens differ from the previous output, or undefined when a full run is needed instead.
   */
  update(path: string): { result: PreprocessResult; splice: OutputSplice; restartedAt: number } | undefined {
    if (!this.result) return undefined;
    const r = this.pp.update(path, this.result);
    if (r) this.result = r.result;
    return r;
  }
}

class Preprocessor {
  private readonly limits: PreprocessLimits;
  private readonly macros = new Map<string, MacroDef>();
  // The output: tokens and, in parallel, the expansion each came from and whether space preceded it.
  private outT: Token[] = [];
  private outEx: Array<Expansion | undefined> = [];
  private outSp: boolean[] = [];
  private frames: Frame[] = [];
  private conds: Cond | undefined;
  private files: SourceFile[] = [];
  private readonly fileSeen = new Set<SourceFile>();
  private includes: IncludeRecord[] = [];
  private readonly onceFiles = new Set<string>();
  private readonly searchPath: string[];
  private counter = 0;
  private expansionBudget = 0;
  /** Argument pre-expansions in progress, inside each other; and whether the last LIMIT was for nesting. */
  private argNesting = 0;
  /** Files not read because they were larger than maxFileBytes. */
  private readonly tooLarge = new Set<string>();
  private nestingLimit = false;
  /** The invocation written in a file whose expansion is being read, and the frame depth before it. */
  private topInvocation: { tok: Token; depth: number; outLen: number } | undefined;
  /** Files entered in this run, by path: a guarded file is skipped without being read again. */
  private readonly entered = new Map<string, CachedFile>();
  private stopped = false;
  private baseFile = '';
  private readonly includeCache = new Map<string, { path: string; dirIndex: number } | null>();
  /** `"name"` next to the including file: whether it exists there. */
  private readonly quotedCache = new Map<string, boolean>();
  // The shape of what has been emitted, to recognise a function body's opening brace (see track).
  private braceDepth = 0;
  private parenDepth = 0;
  /** An '=' at depth 0 since the last declaration ended: a '{' now opens an initializer, not a body. */
  private declHasInit = false;
  /** Inside a skipped function body: brace depth, 0 when not skipping. */
  private skipDepth = 0;
  /** Macros currently defined whose bodies have unbalanced braces. */
  private unbalancedLive = 0;
  /** While remembering an expansion: every macro-table lookup, as name/definition pairs. */
  private depLog: Array<string | MacroDef | undefined> | undefined;
  // What the last read (nextInExpansion) returned besides the token itself.
  private rHs: HideSet;
  private rEx: Expansion | undefined;
  private rSp = false;

  private phases: Phase[] = [];
  private phase = 0;
  private journal: Journal | undefined;
  /** During an incremental run: the changed file, and the previous run's state to converge with. */
  private watch: { file: SourceFile; exited: boolean; old: OldRun; next: number; restart: Checkpoint; lastIncludeOfFile: number; converged?: { newCp: number; oldCp: number } } | undefined;
  private readonly eof: Token;
  /**
   * During an update the output is the previous output's first `outBase` tokens (in base*, untouched) followed
   * by what this run emits (out*); outside updates outBase is 0 and out* is everything.
   */
  private outBase = 0;
  private baseT: Token[] = [];
  private baseEx: Array<Expansion | undefined> = [];
  private baseSp: boolean[] = [];
  /** Entries an update found open at its restart point, with where the previous run ended them. */
  private reopened = new Map<FileCtx, number>();
  /** Problems of the run proper (after them come the files' lexical problems, added by finish). */
  private runProblems = 0;

  constructor(
    private readonly opts: PreprocessOptions,
    private readonly host: FileHost,
    private readonly problems: Problems,
    private readonly cache: PreprocessCache,
    incremental: boolean,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...(opts.limits ?? {}) };
    this.searchPath = [...opts.includePaths, ...(opts.systemIncludePaths ?? [])];
    for (const b of BUILTINS) this.macros.set(b, { name: b, body: [], offset: 0, builtin: true });
    for (const b of HAS_OPERATORS) this.macros.set(b, { name: b, body: [], offset: 0, builtin: true });
    if (incremental) this.journal = { cps: [], logName: [], logPrev: [], logNext: [], onceLog: [], enteredLog: [], entries: [] };
    const eofFile = new SourceFile(nextFileId++, '<end>', '');
    this.eof = { kind: TokenKind.EOF, text: '', file: eofFile, offset: 0, end: 0, bol: true, space: false };
  }

  run(mainFiles: string[]): PreprocessResult {
    this.phases = [];
    if (this.opts.predefines) this.phases.push({ kind: 'text', name: '<built-in>', text: this.opts.predefines });
    if (this.opts.defines?.length) {
      const lines = this.opts.defines.map((d) => ('undef' in d ? `#undef ${d.undef}` : `#define ${d.name} ${d.value ?? '1'}`));
      this.phases.push({ kind: 'text', name: '<command-line>', text: lines.join('\n') + '\n' });
    }
    for (const f of this.opts.forcedIncludes ?? []) this.phases.push({ kind: 'file', path: f, main: false });
    for (const f of mainFiles) {
      if (!this.baseFile) this.baseFile = f;
      this.phases.push({ kind: 'file', path: f, main: true });
    }
    this.runPhases(0, false);
    return this.finish();
  }

  /** Runs the phases from `from` on (resuming the current one first when `resume`); stops early on convergence. */
  private runPhases(from: number, resume: boolean): void {
    try {
      if (resume) {
        this.loop();
        from++;
      }
      for (let i = from; i < this.phases.length; i++) {
        this.phase = i;
        if (this.journal) this.checkpoint(undefined, 0);
        const ph = this.phases[i];
        if (ph.kind === 'text') {
          const sf = new SourceFile(nextFileId++, ph.name, ph.text);
          this.pushFile({ text: ph.text, file: sf, tokens: lex(sf, this.problems), lexProblems: [] }, -1);
        } else {
          const cached = this.load(path.normalize(ph.path));
          if (cached === null) continue;
          if (!cached) {
            this.problems.error('file-not-found', `cannot read '${ph.path}'`, undefined);
            continue;
          }
          this.pushFile(cached, -1, ph.main);
        }
        this.loop();
      }
    } catch (e) {
      if (e === CONVERGED) return;
      // Last resort: the engine never throws to its caller.
      if (!(e instanceof ExpansionLimit)) {
        this.problems.error('internal-error', `preprocessor stopped: ${e instanceof Error ? e.message : String(e)}`, undefined);
      }
      // A run cut short cannot be resumed exactly: the next change runs everything again.
      this.stopped = true;
    }
  }

  private finish(): PreprocessResult {
    this.runProblems = this.problems.list.length;
    // The output arrays are the result (an update changes them in place, after popping this end token).
    this.outT.push(this.eof);
    this.outEx.push(undefined);
    this.outSp.push(false);
    const tokens = this.outT;
    const exps = this.outEx;
    const spaces = this.outSp;
    // Lexical problems belong to the file as it is now, whichever run first read it.
    for (const f of this.files) {
      const c = this.cache.files.get(f.path);
      if (c && c.file === f) for (const p of c.lexProblems) this.problems.report(p);
    }
    return { tokens, exps, spaces, files: this.files, macros: this.macros, includes: this.includes };
  }

  // ---- the journal: checkpoints, restarting after an edit, converging with the previous run ----

  private scanState(): ScanState {
    return { conds: this.conds, counter: this.counter, braceDepth: this.braceDepth, parenDepth: this.parenDepth, declHasInit: this.declHasInit, skipDepth: this.skipDepth, unbalancedLive: this.unbalancedLive };
  }

  private setScanState(s: ScanState): void {
    this.conds = s.conds;
    this.counter = s.counter;
    this.braceDepth = s.braceDepth;
    this.parenDepth = s.parenDepth;
    this.declHasInit = s.declHasInit;
    this.skipDepth = s.skipDepth;
    this.unbalancedLive = s.unbalancedLive;
  }

  private checkpoint(top: FileCtx | undefined, pos: number): void {
    const j = this.journal!;
    // A literal, not a spread of scanState(): this runs at every directive and declaration boundary.
    const cp: Checkpoint = {
      conds: this.conds, counter: this.counter, braceDepth: this.braceDepth, parenDepth: this.parenDepth, declHasInit: this.declHasInit,
      skipDepth: this.skipDepth, unbalancedLive: this.unbalancedLive, phase: this.phase, top, pos,
      outLen: this.outBase + this.outT.length, logLen: j.logName.length, filesLen: this.files.length, includesLen: this.includes.length,
      problemsLen: this.problems.list.length, onceLen: j.onceLog.length, enteredLen: j.enteredLog.length,
    };
    j.cps.push(cp);
    const w = this.watch;
    if (w && w.exited && !w.converged) this.tryConverge(cp, j.cps.length - 1, w);
  }

  /**
   * After the changed file has ended: does this checkpoint stand where one of the previous run's stood, with the
   * same state? The runs are followed in step; at a phase start they are brought back in step if need be.
   */
  private tryConverge(cp: Checkpoint, index: number, w: NonNullable<Preprocessor['watch']>): void {
    const old = w.old;
    const base = old.at.cps;
    if (cp.top === undefined) {
      // A phase start: find the previous run's start of the same phase.
      let k = Math.max(w.next, base);
      while (k - base < old.cps.length && !(old.cps[k - base].top === undefined && old.cps[k - base].phase === cp.phase)) k++;
      w.next = k;
    }
    if (w.next < base || w.next - base >= old.cps.length) return;
    const o = old.cps[w.next - base];
    if (o.phase !== cp.phase || o.top !== cp.top || o.pos !== cp.pos) {
      w.next = -1; // out of step until the next phase start
      return;
    }
    // What follows in the previous run must not include the changed file again: whether it is entered (its
    // guard, its contents) is what changed.
    if (this.sameState(cp, o, w) && o.includesLen >= w.lastIncludeOfFile) {
      w.converged = { newCp: index, oldCp: w.next };
      throw CONVERGED;
    }
    w.next++;
  }

  private sameState(n: Checkpoint, o: Checkpoint, w: NonNullable<Preprocessor['watch']>): boolean {
    if (n.counter !== o.counter || n.braceDepth !== o.braceDepth || n.parenDepth !== o.parenDepth || n.declHasInit !== o.declHasInit || n.skipDepth !== o.skipDepth || n.unbalancedLive !== o.unbalancedLive) return false;
    if (!sameConds(n.conds, o.conds)) return false;
    const j = this.journal!;
    const old = w.old;
    const at = old.at;
    // What happened since the restart point, in both runs: the same macro changes, files, includes.
    if (n.logLen !== o.logLen || n.filesLen !== o.filesLen || n.includesLen !== o.includesLen || n.onceLen !== o.onceLen || n.enteredLen !== o.enteredLen) return false;
    for (let i = at.log; i < n.logLen; i++) {
      if (j.logName[i] !== old.logName[i - at.log]) return false;
      const a = j.logNext[i];
      const b = old.logNext[i - at.log];
      if (a !== b && !(a && b && sameDefinition(a, b) && !a.builtin && !b.builtin)) return false;
    }
    for (let i = at.files; i < n.filesLen; i++) if (this.files[i] !== old.files[i - at.files]) return false;
    for (let i = at.includes; i < n.includesLen; i++) {
      const a = this.includes[i];
      const b = old.includes[i - at.includes];
      if (a.from !== b.from || a.to !== b.to || a.spelled !== b.spelled) return false;
    }
    for (let i = at.once; i < n.onceLen; i++) if (j.onceLog[i] !== old.onceLog[i - at.once]) return false;
    for (let i = at.entered; i < n.enteredLen; i++) if (j.enteredLog[i] !== old.enteredLog[i - at.entered]) return false;
    return true;
  }

  /**
   * Goes back to checkpoint `c`, in place; returns what followed it in the previous run (to compare with and
   * to take over) and the checkpoint.
   */
  private restoreRun(c: number): { old: OldRun; cp: Checkpoint } {
    const j = this.journal!;
    const cp = j.cps[c];
    const at = { out: cp.outLen, log: cp.logLen, cps: c, files: cp.filesLen, includes: cp.includesLen, problems: cp.problemsLen, once: cp.onceLen, entered: cp.enteredLen };
    const cut = <T>(xs: T[], n: number): T[] => {
      const rest = xs.slice(n);
      xs.length = n;
      return rest;
    };
    const old: OldRun = {
      at,
      ...this.scanState(),
      problems: this.problems.list.slice(cp.problemsLen, this.runProblems),
      logName: [], logPrev: [], logNext: [],
      cps: cut(j.cps, c), onceLog: cut(j.onceLog, cp.onceLen), enteredLog: cut(j.enteredLog, cp.enteredLen),
      entries: j.entries,
      files: cut(this.files, cp.filesLen), includes: cut(this.includes, cp.includesLen),
    };
    for (let i = j.logName.length - 1; i >= cp.logLen; i--) {
      const prev = j.logPrev[i];
      if (prev) this.macros.set(j.logName[i], prev);
      else this.macros.delete(j.logName[i]);
    }
    old.logName = cut(j.logName, cp.logLen);
    old.logPrev = cut(j.logPrev, cp.logLen);
    old.logNext = cut(j.logNext, cp.logLen);
    for (const p of old.onceLog) this.onceFiles.delete(p);
    for (const p of old.enteredLog) this.entered.delete(p);
    j.entries = j.entries.filter((e) => e.cpEntry < c);
    // Files still open at the checkpoint end again in this run (or where the previous run ended them, on merge).
    this.reopened = new Map();
    for (const e of j.entries) {
      if (e.cpExit > c) {
        this.reopened.set(e, e.cpExit);
        e.cpExit = -1;
      }
    }
    for (const f of old.files) this.fileSeen.delete(f);
    this.problems.truncate(cp.problemsLen);
    this.setScanState(cp);
    this.stopped = false;
    this.phase = cp.phase;
    // The include stack, innermost last, each file at the position it was at.
    const chain: FileCtx[] = [];
    for (let f = cp.top; f; f = f.parent) chain.unshift(f);
    this.frames = chain.map((f, i) => fileFrame(f.cached.tokens, f, i === chain.length - 1 ? cp.pos : chain[i + 1].parentPos));
    return { old, cp };
  }

  /**
   * Runs again after the file at `file` changed, from the last checkpoint before its first change, until the
   * run converges with the previous one (then the previous run's rest is taken over) or ends. The previous
   * result's arrays are updated in place.
   */
  update(file: string, prev: PreprocessResult): { result: PreprocessResult; splice: OutputSplice; restartedAt: number } | undefined {
    const j = this.journal;
    if (!j || this.stopped) return undefined;
    const abs = path.normalize(file);
    const cached = this.cache.files.get(abs);
    const entries = cached ? j.entries.filter((e) => e.sf === cached.file) : [];
    const text = this.host.readFile(abs);
    // A file too large to read, before or now: run again from the start (load reports it).
    if (this.tooLarge.has(abs) || (text !== undefined && text.length > this.limits.maxFileBytes)) return undefined;
    const n = prev.tokens.length - 1;
    const unchanged = { result: prev, splice: { a: n, oldEnd: n, newEnd: n }, restartedAt: n };
    // A file the run never entered may still have decided something: an #include skipped it by its guard
    // (a guard that changes, or a file that goes, changes that), or an #include that did not find it, or
    // found another file of that name, may find it now. Those run again from the start.
    const skipped = () => prev.includes.some((r) => r.resolved === abs);
    const mayNowResolve = () =>
      prev.includes.some((r) => {
        if (r.resolved === abs) return false;
        const name = r.spelled.slice(1, -1);
        if (path.isAbsolute(name)) return path.normalize(name) === abs;
        const dirs = r.spelled.startsWith('"') ? [path.dirname(r.from.path), ...this.searchPath] : this.searchPath;
        return dirs.some((d) => path.join(d, name) === abs);
      });
    if (!cached || text === undefined) return entries.length || (cached && skipped()) || mayNowResolve() ? undefined : unchanged;
    if (text === cached.text) return unchanged;
    const oldGuard = cached.guard === undefined ? includeGuard(cached.tokens) : cached.guard;
    const k = relexInPlace(cached, text);
    if (entries.length === 0) {
      cached.guard = includeGuard(cached.tokens);
      return (skipped() && cached.guard !== oldGuard) || mayNowResolve() ? undefined : unchanged;
    }
    const first = entries[0];
    const firstExit = first.cpExit;
    // The last checkpoint inside the first entry that is before the first changed token.
    // (A file read more than once, itself included from inside, may have read past the change before any
    // of its own checkpoints: then the run goes back to before it was first entered.)
    // (And a file that includes itself, directly or through another, decided that inner #include by its own
    // guard; when the guard changed, the run goes back to its entry as well.)
    let c = first.cpEntry;
    const newGuard = includeGuard(cached.tokens);
    const includesIn = (e: number) => (e >= 0 && e < j.cps.length ? j.cps[e].includesLen : prev.includes.length);
    const selfIncluded = oldGuard !== newGuard && c >= 0 && prev.includes.slice(j.cps[c].includesLen, includesIn(firstExit)).some((r) => r.resolved === abs);
    const to = entries.length > 1 || selfIncluded ? 0 : firstExit < 0 ? j.cps.length : firstExit;
    for (let i = Math.max(first.cpEntry, 0); i < to; i++) {
      const cp = j.cps[i];
      // The token at the checkpoint was read too (a directive line ends where the next line begins).
      if (cp.top === first && cp.pos < k) c = i;
    }
    if (c < 0) return undefined;
    // The end-of-input token is not part of the run. The previous output stays as it is while this run
    // emits after the restart point; then the new tokens replace what they stand for, in place.
    this.outT.pop();
    this.outEx.pop();
    this.outSp.pop();
    const prevT = this.outT;
    const prevEx = this.outEx;
    const prevSp = this.outSp;
    const { old, cp: restart } = this.restoreRun(c);
    const R = restart.outLen;
    this.baseT = prevT;
    this.baseEx = prevEx;
    this.baseSp = prevSp;
    this.outBase = R;
    this.outT = [];
    this.outEx = [];
    this.outSp = [];
    // Converging needs the changed file to have been read once (an unguarded header read twice is not followed).
    // The previous run's last #include that named the changed file (convergence must come after it).
    // A later #include of a guarded file whose guard is unchanged is skipped or not by the macro table alone,
    // which the state comparison covers.
    let lastInclude = 0;
    cached.guard = newGuard;
    if (!(oldGuard && oldGuard === newGuard)) {
      for (let i = 0; i < old.includes.length; i++) if (old.includes[i].resolved === abs) lastInclude = old.at.includes + i + 1;
    }
    this.watch = entries.length === 1 ? { file: cached.file, exited: false, old, next: firstExit, restart, lastIncludeOfFile: lastInclude } : undefined;
    this.runPhases(restart.phase, restart.top !== undefined);
    const w = this.watch;
    this.watch = undefined;
    const segT = this.outT;
    const segEx = this.outEx;
    const segSp = this.outSp;
    let oldEnd = prevT.length;
    const newEnd = R + segT.length;
    if (w?.converged) oldEnd = old.cps[w.converged.oldCp - old.at.cps].outLen;
    // Which tokens really differ: from the first that is not the same object, to the last (from the end).
    const newAt = (i: number) => segT[i - R];
    let a = R;
    while (a < oldEnd && a < newEnd && prevT[a] === newAt(a) && prevSp[a] === segSp[a - R] && sameRoot(prevEx[a], segEx[a - R])) a++;
    let oe = oldEnd;
    let ne = newEnd;
    while (oe > a && ne > a && prevT[oe - 1] === newAt(ne - 1) && prevSp[oe - 1] === segSp[ne - 1 - R] && sameRoot(prevEx[oe - 1], segEx[ne - 1 - R])) {
      oe--;
      ne--;
    }
    // The new output: the previous one with [R, oldEnd) replaced by this run's tokens (and nothing after them
    // when the run did not converge).
    const keepTail = !!w?.converged;
    replaceInPlace(prevT, R, keepTail ? oldEnd : prevT.length, segT);
    replaceInPlace(prevEx, R, keepTail ? oldEnd : prevEx.length, segEx);
    replaceInPlace(prevSp, R, keepTail ? oldEnd : prevSp.length, segSp);
    this.outT = prevT;
    this.outEx = prevEx;
    this.outSp = prevSp;
    this.outBase = 0;
    this.baseT = [];
    this.baseEx = [];
    this.baseSp = [];
    if (w?.converged) this.merge(old, w.converged.newCp, w.converged.oldCp, restart, newEnd - oldEnd);
    const result = this.finish();
    return { result, splice: { a, oldEnd: oe, newEnd: ne }, restartedAt: R };
  }

  /** Takes over the previous run from its checkpoint `oldCp` on, this run being at `newCp` in the same state. */
  private merge(old: OldRun, newCp: number, oldCp: number, restart: Checkpoint, dOut: number): void {
    const j = this.journal!;
    const at = old.at;
    const n = j.cps[newCp];
    // A copy: the previous run's checkpoints are shifted in place below, this one among them.
    const o = { ...old.cps[oldCp - at.cps] };
    const dProblems = n.problemsLen - o.problemsLen;
    const dCps = newCp - oldCp;
    // Definitions made again in this run replace their equals from the previous one in what is taken over.
    const same = new Map<MacroDef, MacroDef>();
    for (let i = restart.logLen; i < n.logLen; i++) {
      const a = j.logNext[i];
      const b = old.logNext[i - at.log];
      if (a && b && a !== b) same.set(b, a);
    }
    const sub = (d: MacroDef | undefined) => (d ? (same.get(d) ?? d) : d);
    for (let i = o.logLen - at.log; i < old.logName.length; i++) {
      const next = sub(old.logNext[i]);
      j.logName.push(old.logName[i]);
      j.logPrev.push(sub(old.logPrev[i]));
      j.logNext.push(next);
      if (next) this.macros.set(old.logName[i], next);
      else this.macros.delete(old.logName[i]);
    }
    j.cps.length = newCp;
    for (let i = oldCp - at.cps; i < old.cps.length; i++) {
      const cp = old.cps[i];
      cp.outLen += dOut;
      cp.problemsLen += dProblems;
      j.cps.push(cp);
    }
    for (const e of old.entries) {
      if (e.cpEntry < oldCp) continue;
      e.cpEntry += dCps;
      if (e.cpExit >= 0) e.cpExit += dCps;
      j.entries.push(e);
    }
    // Entries still open at the convergence point (the includers) end where the previous run ended them.
    for (const [e, exit] of this.reopened) if (e.cpExit < 0) e.cpExit = exit + dCps;
    for (let i = o.onceLen - at.once; i < old.onceLog.length; i++) {
      this.onceFiles.add(old.onceLog[i]);
      j.onceLog.push(old.onceLog[i]);
    }
    for (let i = o.enteredLen - at.entered; i < old.enteredLog.length; i++) {
      const p = old.enteredLog[i];
      j.enteredLog.push(p);
      const c = this.cache.files.get(p);
      if (c) this.entered.set(p, c);
    }
    for (let i = o.filesLen - at.files; i < old.files.length; i++) {
      this.files.push(old.files[i]);
      this.fileSeen.add(old.files[i]);
    }
    appendFrom(this.includes, old.includes, o.includesLen - at.includes);
    // Problems of the previous run at tokens of a definition made again (a #if reading `defined` from a macro
    // body, say) are moved to the new definition's tokens: an edit earlier in its file moved them.
    const starts = new Map<SourceFile, Map<number, number>>();
    const ends = new Map<SourceFile, Map<number, number>>();
    for (const [b, a] of same) {
      for (let i = 0; i < b.body.length; i++) {
        const x = b.body[i];
        const y = a.body[i];
        if (x === y || x.file !== y.file || (x.offset === y.offset && x.end === y.end)) continue;
        let m = starts.get(x.file);
        if (!m) starts.set(x.file, (m = new Map()));
        m.set(x.offset, y.offset);
        let e = ends.get(x.file);
        if (!e) ends.set(x.file, (e = new Map()));
        e.set(x.end, y.end);
      }
    }
    const moved = <T extends { file: SourceFile | undefined; offset: number; end: number }>(l: T): T => {
      const m = l.file && starts.get(l.file);
      const to = m && m.get(l.offset);
      if (to === undefined) return l;
      return { ...l, offset: to, end: ends.get(l.file!)!.get(l.end) ?? to + (l.end - l.offset) };
    };
    for (let i = o.problemsLen - at.problems; i < old.problems.length; i++) {
      const p = old.problems[i];
      if (!starts.size) {
        this.problems.report(p);
        continue;
      }
      const q = moved(p);
      this.problems.report(p.related ? { ...q, related: p.related.map(moved) } : q);
    }
    this.setScanState(old);
    this.frames = [];
    this.phase = this.phases.length;
  }

  // ---- files ----

  /** The file lexed (from the cache when unchanged); undefined when unreadable, null when too large (reported). */
  private load(abs: string, at?: Token): CachedFile | undefined | null {
    const text = this.host.readFile(abs);
    if (text === undefined) return undefined;
    if (text.length > this.limits.maxFileBytes) {
      this.tooLarge.add(abs);
      const mb = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
      const message = `'${abs}' is ${mb(text.length)}, more than the ${mb(this.limits.maxFileBytes)} a file may have; not read`;
      if (at) this.report('error', 'file-too-large', message, at);
      // A main file: at its start (an editor shows it on the document; the text itself is not kept).
      else this.problems.error('file-too-large', message, new SourceFile(nextFileId++, abs, ''), 0, 0);
      return null;
    }
    const c = this.cache.files.get(abs);
    if (!c) {
      const sf = new SourceFile(nextFileId++, abs, text);
      const lexProblems = new Problems();
      const tokens = lex(sf, lexProblems);
      const fresh: CachedFile = { text, file: sf, tokens, lexProblems: lexProblems.list };
      this.cache.files.set(abs, fresh);
      return fresh;
    }
    if (c.text !== text) relexInPlace(c, text);
    return c;
  }

  private pushFile(c: CachedFile, dirIndex: number, main = false): void {
    if (!this.fileSeen.has(c.file)) {
      this.fileSeen.add(c.file);
      this.files.push(c.file);
    }
    const top = this.frames[this.frames.length - 1];
    const ctx: FileCtx = {
      sf: c.file, cached: c, dirIndex, condBase: this.conds?.depth ?? 0, main,
      parent: top?.file, parentPos: top?.pos ?? 0,
      cpEntry: this.journal ? this.journal.cps.length - 1 : -1, cpExit: -1,
    };
    this.journal?.entries.push(ctx);
    this.frames.push(fileFrame(c.tokens, ctx));
  }

  private endFile(ctx: FileCtx): void {
    if (this.journal) ctx.cpExit = this.journal.cps.length;
    if (this.watch && ctx.sf === this.watch.file) this.watch.exited = true;
    while ((this.conds?.depth ?? 0) > ctx.condBase) {
      const c = this.conds!;
      this.conds = c.parent;
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
    return this.conds === undefined || this.conds.active;
  }

  // ---- problems ----

  /** Reports at a token, or at the outermost invocation when `ex` says it came from a macro body. */
  private report(severity: 'error' | 'warning', code: string, message: string, at: Token, ex?: Expansion): void {
    // A problem while remembering an expansion: do it the ordinary way, which reports it where it belongs.
    if (this.depLog) throw NOT_MEMOIZABLE;
    const loc = locationOf(at, ex);
    this.problems.report({ severity, code, message, file: loc.file, offset: loc.offset, end: loc.end });
  }

  /** A macro-table lookup; recorded while an expansion is being remembered. */
  private lookup(name: string): MacroDef | undefined {
    const m = this.macros.get(name);
    if (this.depLog) this.depLog.push(name, m);
    return m;
  }

  // ---- the main loop ----

  /** Reads until every frame is done (the current phase ends). */
  private loop(): void {
    while (this.frames.length > 0 && !this.stopped) {
      const frame = this.frames[this.frames.length - 1];
      const pos = frame.pos;
      if (pos >= frame.toks.length) {
        this.frames.pop();
        continue;
      }
      const tok = frame.toks[pos];
      let hs: HideSet;
      let ex: Expansion | undefined;
      let sp: boolean;
      if (frame.file) {
        if (tok.kind === TokenKind.EOF) {
          this.frames.pop();
          this.endFile(frame.file);
          continue;
        }
        if (tok.bol && tok.kind === TokenKind.Punct && tok.text === '#') {
          if (this.journal) this.checkpoint(frame.file, pos);
          this.directive(frame);
          continue;
        }
        if (!this.active) {
          this.skipLine(frame);
          continue;
        }
        sp = tok.space;
      } else if (frame.ctx) {
        // A remembered expansion: final tokens, emitted as they are.
        frame.pos++;
        if (this.skipDepth > 0) this.skipBodyToken(tok, undefined, frame.ctx, false);
        else this.emit(tok, frame.ctx, pos === 0 ? frame.sp0 : frame.seq!.sp[pos]);
        continue;
      } else {
        const s = frame.seq!;
        hs = s.hs[pos];
        ex = s.ex[pos];
        sp = s.sp[pos];
      }
      frame.pos++;
      if (this.skipDepth > 0) {
        this.skipBodyToken(tok, hs, ex, true);
        continue;
      }
      if (tok.kind === TokenKind.Identifier) {
        if (tok.text === '_Pragma' && this.pragmaOperator()) continue;
        const m = this.macros.get(tok.text);
        if (m !== undefined && !(hs !== undefined && hs.has(m.name))) {
          if (frame.file) {
            // A top-level invocation: its whole expansion, rescans included, shares one budget.
            this.expansionBudget = 0;
            this.topInvocation = { tok, depth: this.frames.length, outLen: this.outBase + this.outT.length };
          }
          try {
            if (this.expand(tok, m, hs, ex, sp)) continue;
          } catch (e) {
            if (e !== LIMIT) throw e;
            const top = this.topInvocation ?? { tok, depth: this.frames.length, outLen: this.outBase + this.outT.length };
            // Drop everything the runaway invocation produced, including tokens already passed on.
            this.frames.length = top.depth;
            this.truncateOutput(top.outLen);
            this.limitProblem(`expanding '${top.tok.text}'`, top.tok);
            continue;
          }
        }
      }
      this.emit(tok, ex, sp);
    }
  }

  private truncateOutput(n: number): void {
    const k = Math.max(0, n - this.outBase);
    this.outT.length = k;
    this.outEx.length = k;
    this.outSp.length = k;
  }

  private emit(tok: Token, ex: Expansion | undefined, sp: boolean): void {
    if (this.outBase + this.outT.length >= this.limits.maxOutputTokens) {
      if (!this.stopped) this.report('error', 'too-many-tokens', `the translation unit exceeds ${this.limits.maxOutputTokens} tokens; the rest is not analysed`, tok, ex);
      this.stopped = true;
      return;
    }
    if (tok.kind === TokenKind.Punct) this.track(tok);
    this.outT.push(tok);
    this.outEx.push(ex);
    this.outSp.push(sp);
  }

  /** Follows brace and paren depth of the output; at a function body's '{' in an included file, starts skipping. */
  private track(tok: Token): void {
    const t = tok.text;
    if (t.length !== 1) return;
    switch (t) {
      case '(':
        this.parenDepth++;
        return;
      case ')':
        if (this.parenDepth > 0) this.parenDepth--;
        return;
      case '=':
        if (this.braceDepth === 0 && this.parenDepth === 0) this.declHasInit = true;
        return;
      case ';':
        if (this.braceDepth === 0 && this.parenDepth === 0) this.declHasInit = false;
        return;
      case '{':
        if (this.braceDepth === 0 && this.parenDepth === 0 && !this.declHasInit && this.opts.skipIncludedBodies !== false && this.startsFunctionBody()) {
          const file = this.currentFile();
          if (file && !file.main) {
            this.skipDepth = 1;
            return;
          }
        }
        this.braceDepth++;
        return;
      case '}':
        if (this.braceDepth > 0) this.braceDepth--;
        if (this.braceDepth === 0) this.declHasInit = false;
        return;
    }
  }

  /**
   * Whether the '{' about to be emitted opens a function body: the output before it ends with a parameter
   * list `name(...)` or `(...)(...)`, possibly followed by attributes and asm labels.
   */
  private startsFunctionBody(): boolean {
    const seg = this.outT;
    const base = this.outBase;
    const at = (i: number) => (i >= base ? seg[i - base] : this.baseT[i]);
    let i = base + seg.length - 1;
    for (let guard = 0; guard < 64; guard++) {
      if (i < 0) return false;
      const last = at(i);
      if (last.kind !== TokenKind.Punct || last.text !== ')') return false;
      let depth = 0;
      let j = i;
      for (; j >= 0; j--) {
        const t = at(j);
        if (t.kind !== TokenKind.Punct) continue;
        if (t.text === ')') depth++;
        else if (t.text === '(' && --depth === 0) break;
      }
      if (j <= 0) return false;
      const before = at(j - 1);
      if (before.kind === TokenKind.Identifier && SKIPPABLE_AFTER_DECLARATOR.has(before.text)) {
        i = j - 2;
        continue;
      }
      return before.kind === TokenKind.Identifier || (before.kind === TokenKind.Punct && before.text === ')');
    }
    return false;
  }

  /**
   * One token inside a skipped function body: dropped unexpanded, but braces counted; a macro that can
   * produce unbalanced braces is expanded so the body ends where the compiler would end it.
   */
  private skipBodyToken(tok: Token, hs: HideSet, ex: Expansion | undefined, expandable: boolean): void {
    if (tok.kind === TokenKind.Punct) {
      if (tok.text === '{') this.skipDepth++;
      else if (tok.text === '}' && --this.skipDepth === 0) this.emit(tok, ex, false);
      return;
    }
    if (!expandable || tok.kind !== TokenKind.Identifier || this.unbalancedLive === 0) return;
    const m = this.macros.get(tok.text);
    if (!m || m.builtin || (hs !== undefined && hs.has(m.name)) || !this.mayUnbalance(m)) return;
    this.expansionBudget = 0;
    try {
      this.expand(tok, m, hs, ex, false);
    } catch (e) {
      if (e !== LIMIT) throw e;
      this.limitProblem(`expanding '${tok.text}'`, tok, ex);
    }
  }

  /** Whether expanding `m` can yield unbalanced braces: its body, or a macro it names (transitively), has them. */
  private mayUnbalance(m: MacroDef): boolean {
    const seen = new Set<MacroDef>();
    const stack = [m];
    while (stack.length) {
      const d = stack.pop()!;
      if (d.unbalanced) return true;
      if (seen.size > 256) return true;
      for (const t of d.body) {
        if (t.kind !== TokenKind.Identifier) continue;
        const n = this.macros.get(t.text);
        if (n && !n.builtin && !seen.has(n)) {
          seen.add(n);
          stack.push(n);
        }
      }
    }
    return false;
  }

  /** Skips the rest of a line in an inactive group (cheap: no expansion). */
  private skipLine(frame: Frame): void {
    const toks = frame.toks;
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
   * The token's hideset, expansion and space flag are left in rHs, rEx, rSp.
   */
  private nextInExpansion(): Token | undefined {
    for (;;) {
      const frame = this.frames[this.frames.length - 1];
      if (!frame) return undefined;
      const pos = frame.pos;
      if (pos >= frame.toks.length) {
        if (frame.file) return undefined;
        this.frames.pop();
        continue;
      }
      const t = frame.toks[pos];
      if (frame.file) {
        if (t.kind === TokenKind.EOF) return undefined;
        if (t.bol && t.text === '#' && t.kind === TokenKind.Punct) {
          const d = frame.toks[pos + 1];
          if (d && !d.bol && (d.text === 'include' || d.text === 'include_next' || d.text === 'import')) return undefined;
          this.directive(frame);
          continue;
        }
        if (!this.active) {
          this.skipLine(frame);
          continue;
        }
        this.rHs = undefined;
        this.rEx = undefined;
        this.rSp = t.space;
      } else if (frame.ctx) {
        this.rHs = frame.seq!.hs[pos];
        this.rEx = frame.ctx;
        this.rSp = pos === 0 ? frame.sp0 : frame.seq!.sp[pos];
      } else {
        const s = frame.seq!;
        this.rHs = s.hs[pos];
        this.rEx = s.ex[pos];
        this.rSp = s.sp[pos];
      }
      frame.pos++;
      return t;
    }
  }

  private peekInExpansion(): Token | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const frame = this.frames[i];
      if (frame.pos < frame.toks.length) {
        const t = frame.toks[frame.pos];
        if (frame.file && (t.kind === TokenKind.EOF || (t.bol && t.text === '#' && t.kind === TokenKind.Punct))) return undefined;
        return t;
      }
      if (frame.file) return undefined;
    }
    // Nothing follows within what is being expanded on its own: an expansion that ends in a
    // function-like macro name may be completed by whatever follows its invocation, so it is not closed.
    if (this.depLog) throw NOT_MEMOIZABLE;
    return undefined;
  }

  // ---- macro expansion ----

  /**
   * Expands `m`, invoked by `tok` (carrying hideset `hs`, produced by expansion `ex`), if it may be;
   * pushes the result as a frame. Returns false if not expanded.
   */
  private expand(tok: Token, m: MacroDef, hs: HideSet, ex: Expansion | undefined, sp: boolean): boolean {
    if (m.builtin) return this.expandBuiltin(tok, m, ex, sp);
    if (!m.params) {
      const exp: Expansion = { macro: m.name, at: tok, callEnd: tok.end, parent: ex };
      const memo = this.memoFor(m, hs, tok, sp);
      if (memo) {
        this.charge(memo.seq.length);
        this.frames.push({ toks: memo.seq.t, pos: 0, seq: memo.seq, file: undefined, ctx: exp, sp0: sp });
        return true;
      }
      this.frames.push(seqFrame(this.subst(m, [], hsAdd(hs, m.name), exp, sp)));
      return true;
    }
    const next = this.peekInExpansion();
    if (!next || next.kind !== TokenKind.Punct || next.text !== '(') return false;
    this.nextInExpansion();
    const read = this.readArgs(m, tok, ex);
    if (!read) return true;
    const { args, rparen, rparenHs, rparenEx } = read;
    const ihs = hsAdd(hsIntersect(hs, rparenHs), m.name);
    const exp: Expansion = { macro: m.name, at: tok, callEnd: rparen.file === tok.file && !rparenEx ? rparen.end : tok.end, parent: ex };
    this.frames.push(seqFrame(this.subst(m, args, ihs, exp, sp)));
    return true;
  }

  /**
   * The remembered expansion of object-like `m`, computing it on first use; undefined when it cannot be used
   * here (a macro it consulted changed, or the invocation hides one of the names it depends on).
   */
  private memoFor(m: MacroDef, hs: HideSet, tok: Token, sp: boolean): Memo | undefined {
    let memo = m.memo;
    if (memo === null) return undefined;
    if (memo !== undefined && !this.memoValid(memo, hs)) memo = undefined;
    if (memo !== undefined) {
      if (memo.over !== undefined) {
        // It ran out of budget here before; with less budget left than it charged then, it does again.
        if (this.expansionBudget + memo.over <= this.limits.maxExpansionTokens) return undefined;
        if (this.depLog) for (const d of memo.deps) this.depLog.push(d);
        this.nestingLimit = false;
        throw LIMIT;
      }
      if (this.depLog) for (const d of memo.deps) this.depLog.push(d);
      return memo;
    }
    if (this.depLog) return undefined; // inside another remembering: expand the ordinary way
    // Expand on its own, recording every lookup; it must end without reaching past its own tokens.
    const savedFrames = this.frames;
    const deps: Array<string | MacroDef | undefined> = [m.name, m];
    const budget = this.expansionBudget;
    this.depLog = deps;
    try {
      const exp: Expansion = { macro: m.name, at: tok, callEnd: tok.end, parent: undefined };
      const body = this.subst(m, [], hsAdd(undefined, m.name), exp, sp);
      const seq = this.expandSeq(body);
      // _Pragma is consumed where it is read, not kept: an expansion producing it is replayed the long way.
      if (seq.t.some((t) => t.kind === TokenKind.Identifier && t.text === '_Pragma')) throw NOT_MEMOIZABLE;
      memo = { seq, deps };
    } catch (e) {
      // Out of budget: remembered as such, with what it depended on up to there (see Memo.over).
      if (e === LIMIT && !this.nestingLimit) m.memo = { seq: new Seq(), deps: uniqueDeps(deps), over: this.expansionBudget - budget };
      if (e !== NOT_MEMOIZABLE) throw e;
      m.memo = null;
      return undefined;
    } finally {
      this.frames = savedFrames;
      this.depLog = undefined;
    }
    m.memo = memo;
    return this.memoValid(memo, hs) ? memo : undefined;
  }

  private memoValid(memo: Memo, hs: HideSet): boolean {
    const d = memo.deps;
    for (let i = 0; i < d.length; i += 2) {
      if (this.macros.get(d[i] as string) !== d[i + 1]) return false;
      if (hs !== undefined && hs.has(d[i] as string)) return false;
    }
    return true;
  }

  private readArgs(m: MacroDef, nameTok: Token, nameEx: Expansion | undefined): { args: Arg[]; rparen: Token; rparenHs: HideSet; rparenEx: Expansion | undefined } | undefined {
    const params = m.params!;
    const args: Arg[] = [];
    let cur = new Seq();
    let depth = 0;
    for (;;) {
      const t = this.nextInExpansion();
      if (!t) {
        this.report('error', 'unterminated-macro-call', `unterminated argument list invoking macro '${m.name}'`, nameTok, nameEx);
        return undefined;
      }
      if (t.kind === TokenKind.Punct) {
        if (t.text === '(') depth++;
        else if (t.text === ')') {
          if (depth === 0) {
            args.push({ raw: cur });
            const rparenHs = this.rHs;
            const rparenEx = this.rEx;
            if (!this.checkArgs(m, params, args, nameTok, nameEx)) return undefined;
            return { args, rparen: t, rparenHs, rparenEx };
          }
          depth--;
        } else if (t.text === ',' && depth === 0 && !(m.variadic && args.length === params.length - 1)) {
          args.push({ raw: cur });
          cur = new Seq();
          continue;
        }
      }
      cur.push(t, this.rHs, this.rEx, this.rSp);
    }
  }

  private checkArgs(m: MacroDef, params: string[], args: Arg[], nameTok: Token, nameEx: Expansion | undefined): boolean {
    if (params.length === 0 && args.length === 1 && args[0].raw.length === 0) {
      args.length = 0;
      return true;
    }
    if (m.variadic && args.length === params.length - 1) args.push({ raw: new Seq() });
    if (args.length !== params.length) {
      this.report('error', 'macro-arg-count', `macro '${m.name}' takes ${params.length}${m.variadic ? ' or more' : ''} argument${params.length === 1 ? '' : 's'}, but ${args.length} were given`, nameTok, nameEx);
      return false;
    }
    return true;
  }

  private charge(n: number): void {
    this.expansionBudget += n;
    if (this.expansionBudget > this.limits.maxExpansionTokens) {
      this.nestingLimit = false;
      throw LIMIT;
    }
  }

  /** The diagnostic for a LIMIT caught while expanding `what`. */
  private limitProblem(what: string, at: Token, ex?: Expansion): void {
    if (this.nestingLimit) this.report('error', 'nesting-too-deep', `${what}: macro invocations nested more than ${this.limits.maxMacroNesting} deep in arguments; expansion stopped`, at, ex);
    else this.report('error', 'macro-expansion-limit', `${what} produced more than ${this.limits.maxExpansionTokens} tokens; expansion stopped`, at, ex);
  }

  /** Fully macro-expands an argument on its own (C11 6.10.3.1). */
  private expandArg(arg: Arg): Seq {
    if (arg.expanded) return arg.expanded;
    const raw = arg.raw;
    let any = false;
    for (let k = 0; k < raw.length; k++) {
      const t = raw.t[k];
      if (t.kind !== TokenKind.Identifier) continue;
      const m = this.lookup(t.text);
      if (m !== undefined && !raw.hs[k]?.has(m.name)) {
        any = true;
        break;
      }
    }
    return (arg.expanded = any ? this.expandSeq(raw) : raw);
  }

  /** Expands and rescans a sequence on its own, to the end: nothing after it can take part. */
  private expandSeq(seq: Seq): Seq {
    // Arguments are pre-expanded recursively (expand → subst → expandArg → expandSeq): bounded, for the stack.
    if (this.argNesting >= this.limits.maxMacroNesting) {
      this.nestingLimit = true;
      throw LIMIT;
    }
    const saved = this.frames;
    this.frames = [seqFrame(seq)];
    const out = new Seq();
    this.argNesting++;
    try {
      while (this.frames.length) {
        const f = this.frames[this.frames.length - 1];
        const pos = f.pos;
        if (pos >= f.toks.length) {
          this.frames.pop();
          continue;
        }
        const t = f.toks[pos];
        f.pos++;
        if (f.ctx) {
          out.push(t, f.seq!.hs[pos], f.ctx, pos === 0 ? f.sp0 : f.seq!.sp[pos]);
          continue;
        }
        const s = f.seq!;
        const hs = s.hs[pos];
        const ex = s.ex[pos];
        const sp = s.sp[pos];
        if (t.kind === TokenKind.Identifier) {
          const m = this.lookup(t.text);
          if (m !== undefined && !(hs !== undefined && hs.has(m.name)) && this.expand(t, m, hs, ex, sp)) continue;
        }
        out.push(t, hs, ex, sp);
      }
    } finally {
      this.frames = saved;
      this.argNesting--;
    }
    return out;
  }

  /** For each body token of a function-like macro, the index of the parameter it names (or -1). */
  private paramIndexes(m: MacroDef): Int32Array {
    if (m.paramIndex) return m.paramIndex;
    const idx = new Int32Array(m.body.length).fill(-1);
    if (m.params) {
      m.body.forEach((t, i) => {
        if (t.kind === TokenKind.Identifier) idx[i] = m.params!.indexOf(t.text);
      });
    }
    return (m.paramIndex = idx);
  }

  private subst(m: MacroDef, args: Arg[], hs: ReadonlySet<string>, exp: Expansion, nameSpace: boolean): Seq {
    const body = m.body;
    const params = m.params;
    const pidx = this.paramIndexes(m);
    const out = new Seq();
    let placemarkers = false;
    const vaIndex = m.variadic && params ? params.length - 1 : -1;
    const n = body.length;
    for (let i = 0; i < n; i++) {
      const t = body[i];
      const space = out.length === 0 ? nameSpace : t.space;
      if (params !== undefined) {
        // # param
        if (t.kind === TokenKind.Punct && t.text === '#' && i + 1 < n && pidx[i + 1] >= 0) {
          const arg = args[pidx[i + 1]];
          out.push({ kind: TokenKind.String, text: stringize(arg.raw), file: t.file, offset: t.offset, end: t.end, bol: false, space }, hs, exp, space);
          i++;
          continue;
        }
        // __VA_OPT__( ... )
        if (m.variadic && t.text === '__VA_OPT__' && body[i + 1]?.text === '(') {
          let depth = 0;
          let j = i + 1;
          for (; j < n; j++) {
            if (body[j].text === '(') depth++;
            else if (body[j].text === ')' && --depth === 0) break;
          }
          const vaEmpty = this.expandArg(args[vaIndex]).length === 0;
          if (!vaEmpty) out.append(this.subst({ ...m, body: body.slice(i + 2, j), paramIndex: undefined, memo: undefined }, args, hs, exp, nameSpace));
          else {
            out.push(PLACEMARKER, undefined, undefined, false);
            placemarkers = true;
          }
          i = j;
          continue;
        }
      }
      // lhs ## rhs
      if (t.kind === TokenKind.Punct && t.text === '##' && i > 0 && i + 1 < n) {
        const rhsTok = body[i + 1];
        const ri = pidx[i + 1];
        const rhs = new Seq();
        if (ri >= 0) {
          const a = args[ri].raw;
          for (let k = 0; k < a.length; k++) rhs.push(a.t[k], hsUnion(hs, a.hs[k]), exp, k === 0 ? rhsTok.space : a.sp[k]);
        } else rhs.push(rhsTok, hs, exp, rhsTok.space);
        i++;
        const last = out.length - 1;
        const lhs = last >= 0 ? out.t[last] : undefined;
        if (lhs !== undefined && lhs.text === ',' && ri === vaIndex && ri >= 0) {
          // GNU `, ## __VA_ARGS__`: no paste; the comma goes away only when the variable arguments are absent.
          if (rhs.length) out.append(rhs);
          else out.pop();
          this.charge(rhs.length);
          continue;
        }
        if (lhs === undefined || lhs === PLACEMARKER) {
          if (lhs !== undefined) out.pop();
          if (rhs.length) out.append(rhs);
          else {
            out.push(PLACEMARKER, undefined, undefined, false);
            placemarkers = true;
          }
          continue;
        }
        if (rhs.length === 0) continue;
        const lhsHs = out.hs[last];
        const lhsSp = out.sp[last];
        const pasted = this.paste(lhs, rhs.t[0], exp);
        if (pasted) {
          out.pop();
          out.push(pasted, hsUnion(lhsHs, rhs.hs[0]), exp, lhsSp);
          out.append(rhs, 1);
        } else out.append(rhs);
        continue;
      }
      const pi = pidx[i];
      if (pi >= 0) {
        const arg = args[pi];
        const nextIsPaste = i + 1 < n && body[i + 1].kind === TokenKind.Punct && body[i + 1].text === '##';
        const src = nextIsPaste ? arg.raw : this.expandArg(arg);
        if (src.length === 0) {
          if (nextIsPaste) {
            out.push(PLACEMARKER, undefined, undefined, false);
            placemarkers = true;
          }
          continue;
        }
        for (let k = 0; k < src.length; k++) out.push(src.t[k], hsUnion(hs, src.hs[k]), exp, k === 0 ? space : src.sp[k]);
        this.charge(src.length);
        continue;
      }
      out.push(t, hs, exp, space);
    }
    this.charge(out.length);
    if (!placemarkers) return out;
    const result = new Seq();
    for (let k = 0; k < out.length; k++) if (out.t[k] !== PLACEMARKER) result.push(out.t[k], out.hs[k], out.ex[k], out.sp[k]);
    if (result.length && out.t[0] === PLACEMARKER) result.sp[0] = nameSpace;
    return result;
  }

  /** The token `l ## r` makes, or undefined (reported) when the spellings do not form one token. */
  private paste(l: Token, r: Token, exp: Expansion): Token | undefined {
    const text = l.text + r.text;
    let kind: TokenKind | undefined;
    // The common cases need no lexer: identifier characters glued to an identifier or a pp-number.
    if ((l.kind === TokenKind.Identifier || l.kind === TokenKind.Number) && (r.kind === TokenKind.Identifier || r.kind === TokenKind.Number)) {
      if (l.kind === TokenKind.Number || !/^[0-9]/.test(r.text) || r.kind === TokenKind.Identifier || /^[0-9A-Za-z_$]*$/.test(r.text)) kind = l.kind;
    }
    if (kind === undefined) {
      const scratch = new Problems();
      const toks = lex(new SourceFile(0, '<paste>', text), scratch);
      if (toks.length === 2 && scratch.list.length === 0) kind = toks[0].kind;
    }
    if (kind === undefined) {
      this.report('error', 'invalid-paste', `pasting '${l.text}' and '${r.text}' does not give a valid token`, exp.at, exp.parent);
      return undefined;
    }
    return { kind, text, file: l.file, offset: l.offset, end: l.end, bol: false, space: l.space };
  }

  private expandBuiltin(tok: Token, m: MacroDef, ex: Expansion | undefined, sp: boolean): boolean {
    // A builtin's value depends on where and when it is expanded: an expansion using one is not remembered.
    if (this.depLog) throw NOT_MEMOIZABLE;
    const exp: Expansion = { macro: m.name, at: tok, callEnd: tok.end, parent: ex };
    const push = (kind: TokenKind, text: string): true => {
      const s = new Seq();
      s.push({ kind, text, file: tok.file, offset: tok.offset, end: tok.end, bol: false, space: sp }, undefined, exp, sp);
      this.frames.push(seqFrame(s));
      return true;
    };
    const loc = locationOf(tok, ex);
    switch (m.name) {
      case '__FILE__':
        return push(TokenKind.String, JSON.stringify(loc.file.path));
      case '__BASE_FILE__':
        return push(TokenKind.String, JSON.stringify(this.baseFile));
      case '__LINE__':
        return push(TokenKind.Number, String(loc.file.position(loc.offset).line));
      case '__COUNTER__':
        return push(TokenKind.Number, String(this.counter++));
      case '__INCLUDE_LEVEL__':
        return push(TokenKind.Number, String(Math.max(0, this.frames.filter((f) => f.file).length - 1)));
      case '__DATE__':
        return push(TokenKind.String, '"Jan  1 2026"');
      case '__TIME__':
        return push(TokenKind.String, '"00:00:00"');
      case '__TIMESTAMP__':
        return push(TokenKind.String, '"Thu Jan  1 00:00:00 2026"');
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
    return push(TokenKind.Number, this.hasOperator(m.name, inner) ? '1' : '0');
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
    const toks = frame.toks;
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
          if (m && !m.builtin) {
            if (m.unbalanced) this.unbalancedLive--;
            this.setMacro(rest[0].text, undefined);
          }
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
        if (rest[0]?.text === 'once') {
          const p = this.currentFile()!.sf.path;
          if (!this.onceFiles.has(p)) {
            this.onceFiles.add(p);
            this.journal?.onceLog.push(p);
          }
        }
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
    let braces = 0;
    for (const t of body) {
      if (t.kind !== TokenKind.Punct) continue;
      if (t.text === '{') braces++;
      else if (t.text === '}' && --braces < 0) break;
    }
    if (braces !== 0) def.unbalanced = true;
    const old = this.macros.get(def.name);
    if (old?.builtin) {
      this.report('warning', 'macro-redefined', `redefining builtin macro '${def.name}'`, nameTok);
    } else if (old && !sameDefinition(old, def)) {
      this.report('warning', 'macro-redefined', `'${def.name}' redefined`, nameTok);
    }
    if (old?.unbalanced) this.unbalancedLive--;
    if (def.unbalanced) this.unbalancedLive++;
    this.setMacro(def.name, def);
  }

  /** Every change to the macro table goes through here (and into the journal). */
  private setMacro(name: string, def: MacroDef | undefined): void {
    const j = this.journal;
    if (j) {
      j.logName.push(name);
      j.logPrev.push(this.macros.get(name));
      j.logNext.push(def);
    }
    if (def) this.macros.set(name, def);
    else this.macros.delete(name);
  }

  private pushCond(tok: Token, value: boolean, outerInactive = false): void {
    if ((this.conds?.depth ?? 0) >= this.limits.maxIfDepth) {
      this.report('error', 'nesting-too-deep', `#if nested deeper than ${this.limits.maxIfDepth}`, tok);
      value = false;
    }
    const outerActive = !outerInactive && this.active;
    this.conds = { tok, active: outerActive && value, taken: value, sawElse: false, outerActive, parent: this.conds, depth: (this.conds?.depth ?? 0) + 1 };
  }

  private conditional(d: string, name: Token, rest: Token[]): void {
    const file = this.currentFile();
    const top = (this.conds?.depth ?? 0) > (file?.condBase ?? 0) ? this.conds : undefined;
    const set = (c: Cond, change: Partial<Cond>) => (this.conds = { ...c, ...change });
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
          set(top, { active: false });
          return;
        }
        let v: boolean;
        if (d === 'elif') v = this.evalIf(rest, name);
        else {
          const id = rest[0];
          v = !!id && this.macros.has(id.text) === (d === 'elifdef');
        }
        set(top, { active: v, taken: v });
        return;
      }
      case 'else':
        if (!top) {
          this.report('error', 'unbalanced-else', '#else without #if', name);
          return;
        }
        if (top.sawElse) this.report('error', 'unbalanced-else', '#else after #else', name);
        set(top, { sawElse: true, active: top.outerActive && !top.taken, taken: true });
        return;
      case 'endif':
        if (!top) {
          this.report('error', 'unbalanced-endif', '#endif without #if', name);
          return;
        }
        this.conds = top.parent;
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
      expanded = pass(this.expandArg({ raw: Seq.ofTokens(first) }).t);
    } catch (e) {
      if (e !== LIMIT) throw e;
      this.limitProblem(`expanding the #${at.text} expression`, at);
      return false;
    }
    try {
      return evalPPExpr(expanded, this.opts.charSigned ?? true).v !== 0n;
    } catch (e) {
      if (e instanceof PPExprError) {
        // A token from a macro body is shown at the directive, where the user wrote the expression.
        this.report('error', e.code, e.message, e.tok && rest.includes(e.tok) ? e.tok : at);
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
        toks = this.expandArg({ raw: Seq.ofTokens(rest) }).t;
      } catch (e) {
        if (e !== LIMIT) throw e;
        this.limitProblem('expanding the #include operand', at);
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
    const rec: IncludeRecord = { from: from.sf, offset: at.offset, to: undefined, spelled, resolved: found?.path };
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
    const cached = seen ?? this.load(found.path, at);
    if (cached === null) return;
    if (!cached) {
      this.report('error', 'include-not-found', `'${parsed.name}' cannot be read`, at);
      return;
    }
    rec.to = cached.file;
    if (cached.guard === undefined) cached.guard = includeGuard(cached.tokens);
    if (cached.guard && this.macros.has(cached.guard)) return;
    if (!this.entered.has(found.path)) this.journal?.enteredLog.push(found.path);
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
      let here = this.quotedCache.get(p);
      if (here === undefined) this.quotedCache.set(p, (here = this.host.fileExists(p)));
      if (here) return { path: p, dirIndex: -1 };
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
function stringize(arg: Seq): string {
  let s = '';
  for (let k = 0; k < arg.length; k++) {
    const t = arg.t[k];
    if (k > 0 && arg.sp[k]) s += ' ';
    s += t.kind === TokenKind.String || t.kind === TokenKind.Char ? t.text.replace(/[\\"]/g, (c) => '\\' + c) : t.text;
  }
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
