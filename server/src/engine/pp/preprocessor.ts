// Preprocessor: macros (with the standard's rescanning and hideset rules), conditionals, includes.
//
// The algorithm, briefly. Files are lexed once into token tables (struct of arrays, spellings interned) and kept in
// a PreprocessCache. The run reads a stack of frames: whole files, read from their tables, and macro expansions,
// read from sequences of token objects. A token becomes an object only when it leaves a file (emitted, or taken
// into a macro argument or a directive), so inactive groups, skipped function bodies and unused #define bodies
// cost no allocation. Tokens in flight carry their hideset, expansion and space flag in parallel arrays (Seq);
// a token object is never copied to change them. Object-like macro expansions that are closed are remembered and
// replayed while the macros they consulted keep their definitions (Expander). Function bodies of included files
// are passed on as `{ }` (BodySkipper). An incremental run keeps a journal of checkpoints and restarts after an edit
// (Journal). Hostile input meets limits, reported as problems; the preprocessor never throws to its caller.
//
// This module holds the run's state and its main loop; expansion, directives, the body skipper and the journal
// are their own modules.

import * as path from 'node:path';
import { FileHost } from '../base/host';
import { CodeOf, Problem, Problems } from '../base/problems';
import { SourceFile } from '../base/source';
import { Expansion, locationOf, Token, TokenKind, TokenStream } from '../base/token';
import { Cond } from './conditionals';
import { Directives } from './directives';
import { BUILTINS, ExpansionLimit, Expander, HAS_OPERATORS, LIMIT } from './expander';
import { CachedFile, newFileId, PreprocessCache, relexInPlace } from './files';
import { FileCtx, fileFrame, Frame } from './frames';
import { HideSet } from './hideset';
import { lexTable } from './lexer';
import { DEFAULT_LIMITS, PreprocessLimits } from './limits';
import { MacroDef, MacroTable } from './macros';
import { Checkpoint, definitionIndex, Journal, OutputSplice } from './journal';
import type { ConfigProbe } from './probe';
import { Replayer, ReplayStats } from './replay';
import { BodySkipper } from './skipper';
import { Spellings, S } from './spellings';
import { BOL, SPACE, TokenTable } from './tokens';

export { DEFAULT_LIMITS, LIMIT_NAMES, parseLimit } from './limits';
export type { PreprocessLimits } from './limits';
export { PreprocessCache } from './files';
export type { OutputSplice } from './journal';

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
  /**
   * Explore the Kconfig space (a journalled run only): probe each conditional expression that reads a symbol with
   * more than one valid value (see probe.ts). What the exploration asks is given by it.
   */
  configProbe?: ConfigProbe;
}

export interface IncludeRecord {
  from: SourceFile;
  offset: number;
  to: SourceFile | undefined;
  spelled: string;
  /** The file the name resolved to (whether or not it was entered: a guard or #pragma once may skip it). */
  resolved?: string;
  /** #include_next. */
  next?: boolean;
  /** The resolved file's text as read then (its guard decided whether it was entered): a replay compares it. */
  text?: string;
}

export interface PreprocessResult extends TokenStream {
  files: SourceFile[];
  includes: IncludeRecord[];
  /** Files entered (a guarded header skipped by its guard is not entered again). */
  entries: number;
}

/** One step of the run: predefined text, or a file (forced include or main file). */
export type Phase = { kind: 'text'; name: string; text: string } | { kind: 'file'; path: string; main: boolean };

export function preprocess(mainFiles: string[], options: PreprocessOptions, host: FileHost, problems: Problems, cache?: PreprocessCache): PreprocessResult {
  const pp = new Preprocessor(options, host, problems, cache ?? new PreprocessCache(), false);
  return pp.run(mainFiles);
}

/** What a relevance analysis (analysis/relevance.ts) reads of a journalled run. */
export interface RelevanceSource {
  journal: Journal;
  result: PreprocessResult;
  /** Spelling of an id. */
  spelling: (id: number) => string;
  /** Spelling id of a name, or -1. */
  idOf: (name: string) => number;
  /** Checkpoints at `#define NAME` by NAME's id (see definitionIndex; the run's owner keeps it while the run stands). */
  definitions: () => Map<number, Checkpoint[]>;
}

/**
 * A preprocessor that keeps its run: after one file changes, it runs again from the last checkpoint before
 * the change, and once the changed file has ended and the state matches the previous run's at the same place,
 * it takes the rest of the previous output as it is. The result is what a full run gives (tests compare).
 * Each result is a snapshot: an update never changes a result already handed out.
 */
export class PreprocessSession {
  private readonly pp: Preprocessor;
  /** Everything reported, repeats included (the journal counts them); an Analysis drops the repeats. */
  readonly problems = new Problems(Infinity, true);
  result: PreprocessResult | undefined;

  constructor(
    private readonly mainFiles: string[],
    private readonly options: PreprocessOptions,
    private readonly host: FileHost,
    readonly cache: PreprocessCache = new PreprocessCache(),
  ) {
    this.pp = new Preprocessor(options, host, this.problems, cache, true);
  }

  /** What a relevance analysis reads of this run (see analysis/relevance.ts). */
  relevanceSource(): RelevanceSource {
    if (!this.result) this.run();
    const sp = this.cache.spellings;
    const journal = this.pp.journal!;
    return { journal, result: this.result!, spelling: (id) => sp.text(id), idOf: (name) => sp.lookup(name), definitions: () => (this.definitions ??= definitionIndex(journal)) };
  }

  /** The run's `#define` checkpoints by name, for relevance (dropped whenever the run changes). */
  private definitions: Map<number, Checkpoint[]> | undefined;

  /**
   * A fresh run of the same main files through `host` as it reads now, with `options` (another config: its generated
   * headers, its command-line definitions and include paths), taking over every stretch of this session's run that
   * does not depend on what changed. This session is left as it is. Problems come with repeats (as the session's do).
   */
  replay(host: FileHost = this.host, options: PreprocessOptions = this.options): { result: PreprocessResult; problems: Problem[]; stats: ReplayStats } {
    if (!this.result) this.run();
    const base = this.pp;
    const problems = new Problems(Infinity, true);
    const pp = new Preprocessor(options, host, problems, this.cache, false);
    pp.ownEdits = new Map();
    pp.replay = new Replayer(pp, { journal: base.journal!, result: this.result!, problems: this.problems.list, runProblems: base.runProblems, phases: base.phases, stopped: base.stopped });
    const result = pp.run(this.mainFiles);
    return { result, problems: problems.list, stats: pp.replay.stats };
  }

  run(): PreprocessResult {
    this.definitions = undefined;
    return (this.result = this.pp.run(this.mainFiles));
  }

  /**
   * The file at `path` may have changed (its text is read again through the host). Returns the new output and
   * which tokens differ from the previous output, or undefined when a full run is needed instead.
   */
  update(path: string): { result: PreprocessResult; splice: OutputSplice; restartedAt: number } | undefined {
    if (!this.result) return undefined;
    this.definitions = undefined;
    const r = this.pp.journal!.update(path, this.result);
    if (r) this.result = r.result;
    return r;
  }
}

export class Preprocessor {
  readonly limits: PreprocessLimits;
  readonly spellings: Spellings;
  readonly macros: MacroTable;
  readonly skipper: BodySkipper;
  readonly expander: Expander;
  readonly directives: Directives;
  readonly journal: Journal | undefined;
  /** Set for a replay of a journalled run (PreprocessSession.replay). */
  replay: Replayer | undefined;
  /** The output: tokens and, in parallel, the expansion each came from and whether space preceded it. */
  outT: Token[] = [];
  outEx: Array<Expansion | undefined> = [];
  outSp: boolean[] = [];
  /**
   * During an update the output is the previous output's first `outBase` tokens followed by what this run emits
   * (out*); outside updates outBase is 0 and out* is everything.
   */
  outBase = 0;
  frames: Frame[] = [];
  conds: Cond | undefined;
  files: SourceFile[] = [];
  readonly fileSeen = new Set<SourceFile>();
  includes: IncludeRecord[] = [];
  readonly onceFiles = new Set<string>();
  /** Files entered in this run, by path: a guarded file is skipped without being read again. */
  readonly entered = new Map<string, CachedFile>();
  /** Files not read because they were larger than maxFileBytes. */
  readonly tooLarge = new Set<string>();
  /** File entries so far (maxIncludes). */
  entryCount = 0;
  stopped = false;
  /** Above 0 while a config probe evaluates an expression again (nothing is reported then). */
  silent = 0;
  baseFile = '';
  phases: Phase[] = [];
  phase = 0;
  /** Problems of the run proper (after them come the files' lexical problems, added by finish). */
  runProblems = 0;
  readonly eof: Token;

  constructor(
    readonly opts: PreprocessOptions,
    readonly host: FileHost,
    readonly problems: Problems,
    readonly cache: PreprocessCache,
    incremental: boolean,
  ) {
    this.limits = { ...DEFAULT_LIMITS, ...(opts.limits ?? {}) };
    this.spellings = cache.spellings;
    this.macros = new MacroTable(this.spellings);
    this.skipper = new BodySkipper(this.spellings, opts.skipIncludedBodies !== false);
    this.expander = new Expander(this);
    for (const b of [...BUILTINS, ...HAS_OPERATORS]) {
      const id = this.spellings.intern(b);
      this.macros.restore(id, MacroDef.builtinMacro(b, id));
    }
    this.directives = new Directives(this);
    if (incremental) this.journal = new Journal(this);
    const eofFile = new SourceFile(newFileId(), '<end>', '');
    this.eof = { kind: TokenKind.EOF, text: '', spell: S.empty, file: eofFile, offset: 0, end: 0, bol: true, space: false };
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
  runPhases(from: number, resume: boolean): void {
    try {
      if (resume) {
        this.loop();
        from++;
      }
      for (let i = from; i < this.phases.length; i++) {
        this.phase = i;
        this.journal?.checkpoint(undefined, 0);
        if (this.replay !== undefined && this.replay.at(undefined, 0)) {
          this.loop();
          continue;
        }
        const ph = this.phases[i];
        if (ph.kind === 'text') {
          const sf = new SourceFile(newFileId(), ph.name, ph.text);
          this.pushFile({ text: ph.text, file: sf, tokens: lexTable(sf, this.problems, this.spellings), lexProblems: [] }, -1);
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
      if (this.journal?.isConverged(e)) return;
      // Last resort: the engine never throws to its caller.
      if (!(e instanceof ExpansionLimit)) {
        this.problems.error('internal-error', `preprocessor stopped: ${e instanceof Error ? e.message : String(e)}`, undefined);
      }
      // A run cut short cannot be resumed exactly: the next change runs everything again.
      this.stopped = true;
    }
  }

  /** The result of the run: a snapshot (the arrays are the run's own; an update works on copies). */
  finish(): PreprocessResult {
    this.runProblems = this.problems.list.length;
    this.journal?.finished();
    this.replay?.output.join();
    this.outT.push(this.eof);
    this.outEx.push(undefined);
    this.outSp.push(false);
    const result: PreprocessResult = { tokens: this.outT, exps: this.outEx, spaces: this.outSp, files: this.files.slice(), includes: this.includes.slice(), entries: this.entryCount };
    // Lexical problems belong to the file as it is now, whichever run first read it.
    for (const f of this.files) {
      const c = this.cachedFile(f.path);
      if (c && c.file === f) for (const p of c.lexProblems) this.problems.report(p);
    }
    return result;
  }

  // ---- files ----

  /** Files this run lexed for itself instead of into the shared cache (a replay's), by path. */
  ownEdits: Map<string, CachedFile> | undefined;

  /** The lexed file at `path`, this run's own version first. */
  cachedFile(path: string): CachedFile | undefined {
    return this.ownEdits?.get(path) ?? this.cache.files.get(path);
  }

  /** The file lexed (from the cache when unchanged); undefined when unreadable, null when too large (reported). */
  load(abs: string, at?: Token): CachedFile | undefined | null {
    const text = this.host.readFile(abs);
    if (text === undefined) return undefined;
    if (text.length > this.limits.maxFileBytes) {
      this.tooLarge.add(abs);
      const mb = (n: number) => `${(n / 1048576).toFixed(1)} MiB`;
      const message = `'${abs}' is ${mb(text.length)}, more than the ${mb(this.limits.maxFileBytes)} a file may have; not read`;
      if (at) this.report('error', 'file-too-large', message, at);
      // A main file: at its start (an editor shows it on the document; the text itself is not kept).
      else this.problems.error('file-too-large', message, new SourceFile(newFileId(), abs, ''), 0, 0);
      return null;
    }
    const c = this.cachedFile(abs);
    if (this.ownEdits !== undefined && (!c || c.text !== text)) {
      // A replay leaves the shared cache to the session it replays (which must still see the file as changed).
      const own = this.cache.lexed(abs, text);
      this.ownEdits.set(abs, own);
      return own;
    }
    if (!c) return this.cache.add(abs, text);
    if (c.text !== text) relexInPlace(c, text);
    return c;
  }

  pushFile(c: CachedFile, dirIndex: number, main = false): void {
    if (!this.fileSeen.has(c.file)) {
      this.fileSeen.add(c.file);
      this.files.push(c.file);
    }
    this.entryCount++;
    const top = this.frames[this.frames.length - 1];
    const ctx: FileCtx = {
      sf: c.file, cached: c, table: c.tokens, dirIndex, condBase: this.conds?.depth ?? 0, main,
      parent: top?.file, parentPos: top?.pos ?? 0,
      cpEntry: this.journal ? this.journal.cps.length - 1 : -1, cpExit: -1,
    };
    this.journal?.entries.push(ctx);
    this.frames.push(fileFrame(c.tokens, ctx));
  }

  endFile(ctx: FileCtx): void {
    this.journal?.fileEnded(ctx);
    while ((this.conds?.depth ?? 0) > ctx.condBase) {
      const c = this.conds!;
      this.conds = c.parent;
      this.report('error', 'unterminated-if', `#${c.tok.text} without #endif`, c.tok);
    }
  }

  /** The file frame being read (the innermost whole file). */
  currentFile(): FileCtx | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const f = this.frames[i].file;
      if (f) return f;
    }
    return undefined;
  }

  get active(): boolean {
    return this.conds === undefined || this.conds.active;
  }

  // ---- problems ----

  /** Reports at a token, or at the outermost invocation when `ex` says it came from a macro body. */
  report<S extends 'error' | 'warning'>(severity: S, code: CodeOf<S>, message: string, at: Token, ex?: Expansion): void {
    // A config probe's own evaluation (see Directives) reports nothing: the run's evaluation already did.
    if (this.silent) return;
    // A problem while remembering an expansion: do it the ordinary way, which reports it where it belongs.
    this.expander.notWhileRemembering();
    const loc = locationOf(at, ex);
    this.problems.report({ severity, code, message, file: loc.file, offset: loc.offset, end: loc.end });
  }

  // ---- the main loop ----

  /** Reads until every frame is done (the current phase ends). */
  loop(): void {
    const macros = this.macros;
    while (this.frames.length > 0 && !this.stopped) {
      const frame = this.frames[this.frames.length - 1];
      const pos = frame.pos;
      if (pos >= frame.len) {
        this.frames.pop();
        continue;
      }
      const table = frame.table;
      if (table !== undefined) {
        // A whole file, read from its table: a token object is made only for what is emitted.
        const kind = table.kind[pos];
        if (kind === TokenKind.EOF) {
          this.frames.pop();
          this.endFile(frame.file!);
          continue;
        }
        const flags = table.flags[pos];
        if (table.spell[pos] === S.hash && (flags & BOL) !== 0 && kind === TokenKind.Punct) {
          if (this.replay !== undefined && this.replay.at(frame.file, pos)) continue;
          this.journal?.checkpoint(frame.file, pos);
          this.directives.directive(frame);
          continue;
        }
        if (!this.active) {
          frame.pos = table.lineEnd(pos);
          continue;
        }
        frame.pos++;
        if (this.skipper.skipDepth > 0) {
          this.skipBodyToken(table, pos);
          continue;
        }
        if (kind === TokenKind.Identifier) {
          const spell = table.id(pos);
          if (spell === S.pragmaOp && this.expander.pragmaOperator()) continue;
          const m = macros.get(spell);
          if (m !== undefined && this.expandTop(table.token(pos), m)) continue;
        }
        this.emit(table.token(pos), undefined, (flags & SPACE) !== 0);
        continue;
      }
      if (frame.ctx) {
        // A remembered expansion: final tokens, emitted as they are.
        frame.pos++;
        const tok = frame.toks[pos];
        if (this.skipper.skipDepth > 0) this.skipSeqToken(tok, undefined, frame.ctx, false);
        else this.emit(tok, frame.ctx, pos === 0 ? frame.sp0 : frame.seq!.sp[pos]);
        continue;
      }
      const s = frame.seq!;
      const tok = s.t[pos];
      const hs = s.hs[pos];
      const ex = s.ex[pos];
      const sp = s.sp[pos];
      frame.pos++;
      if (this.skipper.skipDepth > 0) {
        this.skipSeqToken(tok, hs, ex, true);
        continue;
      }
      if (tok.kind === TokenKind.Identifier) {
        if (tok.spell === S.pragmaOp && this.expander.pragmaOperator()) continue;
        const m = macros.get(tok.spell);
        if (m !== undefined && !(hs !== undefined && hs.has(m.name))) {
          try {
            if (this.expander.expand(tok, m, hs, ex, sp)) continue;
          } catch (e) {
            if (e !== LIMIT) throw e;
            this.expander.dropRunaway(tok);
            continue;
          }
        }
      }
      this.emit(tok, ex, sp);
    }
  }

  /** A macro invocation written in a file: its whole expansion, rescans included, shares one budget. */
  private expandTop(tok: Token, m: MacroDef): boolean {
    this.expander.startInvocation(tok);
    try {
      return this.expander.expand(tok, m, undefined, undefined, tok.space);
    } catch (e) {
      if (e !== LIMIT) throw e;
      this.expander.dropRunaway(tok);
      return true;
    }
  }

  truncateOutput(n: number): void {
    const k = Math.max(0, n - this.outBase);
    this.outT.length = k;
    this.outEx.length = k;
    this.outSp.length = k;
  }

  get outLength(): number {
    return this.outBase + this.outT.length;
  }

  emit(tok: Token, ex: Expansion | undefined, sp: boolean): void {
    if (this.outBase + this.outT.length >= this.limits.maxOutputTokens) {
      if (!this.stopped) this.report('error', 'too-many-tokens', `the translation unit exceeds ${this.limits.maxOutputTokens} tokens; the rest is not analysed`, tok, ex);
      this.stopped = true;
      return;
    }
    // Whether the file is a main file matters only for a '{' (a function body of an included file is skipped).
    this.skipper.follow(tok, tok.spell !== S.lbrace || this.currentFileIsMain());
    this.outT.push(tok);
    this.outEx.push(ex);
    this.outSp.push(sp);
  }

  private currentFileIsMain(): boolean {
    const f = this.currentFile();
    // Outside any file (never, in practice) bodies are kept.
    return f === undefined || f.main;
  }

  /**
   * One token of a file inside a skipped function body: dropped unexpanded, but braces counted; a macro that
   * can produce unbalanced braces is expanded so the body ends where the compiler would end it.
   */
  private skipBodyToken(table: TokenTable, pos: number): void {
    const kind = table.kind[pos];
    if (kind === TokenKind.Punct) {
      const spell = table.spell[pos];
      if (spell === S.lbrace) this.skipper.skipBrace(true);
      else if (spell === S.rbrace && this.skipper.skipBrace(false)) this.emit(table.token(pos), undefined, false);
      return;
    }
    if (kind !== TokenKind.Identifier || this.macros.unbalancedLive === 0) return;
    const m = this.macros.get(table.id(pos));
    if (m && !m.builtin && this.expander.mayUnbalance(m)) this.expander.expandInSkippedBody(table.token(pos), m, undefined, undefined);
  }

  /** skipBodyToken for a token of an expansion. */
  private skipSeqToken(tok: Token, hs: HideSet, ex: Expansion | undefined, expandable: boolean): void {
    if (tok.kind === TokenKind.Punct) {
      if (tok.spell === S.lbrace) this.skipper.skipBrace(true);
      else if (tok.spell === S.rbrace && this.skipper.skipBrace(false)) this.emit(tok, ex, false);
      return;
    }
    if (!expandable || tok.kind !== TokenKind.Identifier || this.macros.unbalancedLive === 0) return;
    const m = this.macros.get(tok.spell);
    if (!m || m.builtin || (hs !== undefined && hs.has(m.name)) || !this.expander.mayUnbalance(m)) return;
    this.expander.expandInSkippedBody(tok, m, hs, ex);
  }

  // ---- reading tokens for macro arguments ----

  // What the last read (nextInExpansion) returned besides the token itself.
  rHs: HideSet;
  rEx: Expansion | undefined;
  rSp = false;

  /**
   * Next token for macro arguments: crosses exhausted expansion frames but never a file's end. Directives met
   * while reading arguments are processed as GNU cpp does (`struct_group(x, ... #ifdef ... #endif ...)` in
   * the kernel), and lines in a skipped group are skipped; only an `#include` ends the arguments.
   * The token's hideset, expansion and space flag are left in rHs, rEx, rSp.
   */
  nextInExpansion(): Token | undefined {
    for (;;) {
      const frame = this.frames[this.frames.length - 1];
      if (!frame) return undefined;
      const pos = frame.pos;
      if (pos >= frame.len) {
        if (frame.file) return undefined;
        this.frames.pop();
        continue;
      }
      const table = frame.table;
      if (table !== undefined) {
        const kind = table.kind[pos];
        if (kind === TokenKind.EOF) return undefined;
        if (table.spell[pos] === S.hash && table.bol(pos) && kind === TokenKind.Punct) {
          const d = pos + 1 < table.count && !table.bol(pos + 1) && table.kind[pos + 1] === TokenKind.Identifier ? table.id(pos + 1) : -1;
          if (d === S.include || d === S.includeNext || d === S.import) return undefined;
          this.directives.directive(frame);
          continue;
        }
        if (!this.active) {
          frame.pos = table.lineEnd(pos);
          continue;
        }
        this.rHs = undefined;
        this.rEx = undefined;
        this.rSp = table.space(pos);
        frame.pos++;
        return table.token(pos);
      }
      if (frame.ctx) {
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
      return frame.toks[pos];
    }
  }

  /** The token nextInExpansion would return, if it is on hand without crossing a file's end or a directive. */
  peekInExpansion(): Token | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) {
      const frame = this.frames[i];
      if (frame.pos < frame.len) {
        const table = frame.table;
        if (table !== undefined) {
          const p = frame.pos;
          if (table.kind[p] === TokenKind.EOF || (table.spell[p] === S.hash && table.bol(p) && table.kind[p] === TokenKind.Punct)) return undefined;
          return table.token(p);
        }
        return frame.toks[frame.pos];
      }
      if (frame.file) return undefined;
    }
    // Nothing follows within what is being expanded on its own: an expansion that ends in a
    // function-like macro name may be completed by whatever follows its invocation, so it is not closed.
    this.expander.notWhileRemembering();
    return undefined;
  }

  snapshot(): Array<[Frame, number]> {
    return this.frames.map((f) => [f, f.pos]);
  }

  restore(s: Array<[Frame, number]>): void {
    this.frames = s.map(([f, p]) => {
      f.pos = p;
      return f;
    });
  }
}
