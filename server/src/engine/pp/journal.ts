// The incremental journal: a checkpoint before every directive (the scan state, how long the output and every log
// was), a log of every macro-table change, and every file entry. After an edit of one file the run goes back to
// the last checkpoint before the first changed token and runs again; once the edited file has ended and a
// checkpoint stands where one of the previous run's stood, in the same state, the rest of the previous run is
// taken over as it is. The output is then the previous one with the redone range replaced.

import * as path from 'node:path';
import { Problem } from '../base/problems';
import { SourceFile } from '../base/source';
import { Expansion, Token, TokenKind } from '../base/token';
import { Cond, sameConds } from './conditionals';
import { includeGuard, relexInPlace } from './files';
import { FileCtx, fileFrame } from './frames';
import { LookupJournal, LookupTail, Lookups, MacroDef, sameDefinition } from './macros';
import type { ReplayIndex } from './replay';
import type { IncludeRecord, Preprocessor, PreprocessResult } from './preprocessor';
import { BodySkipper, SkipperState } from './skipper';
import { S } from './spellings';

/** The scanner's scalar state: what a checkpoint records, a restart restores and convergence compares. */
export interface ScanState extends SkipperState {
  conds: Cond | undefined;
  counter: number;
}

export interface Checkpoint extends ScanState {
  phase: number;
  /** The innermost file and its position (undefined: between phases). */
  top: FileCtx | undefined;
  pos: number;
  outLen: number;
  logLen: number;
  filesLen: number;
  includesLen: number;
  problemsLen: number;
  onceLen: number;
  enteredLen: number;
  entryCount: number;
  /** Macro-table lookups so far (MacroTable.lookups), and how many macros with unbalanced braces were defined. */
  depLen: number;
  unbalancedLive: number;
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

interface Logs {
  cps: Checkpoint[];
  /** Every change to the macro table: spelling id, definition before, definition after (undefined: not defined). */
  logId: number[];
  logPrev: Array<MacroDef | undefined>;
  logNext: Array<MacroDef | undefined>;
  /** For each change, the log index of the change before it to the same spelling id (-1: none). */
  logBefore: number[];
  onceLog: string[];
  enteredLog: string[];
  /** Every file entry, in order. */
  entries: FileCtx[];
}

/**
 * The previous run from an update's restart point on (the arrays hold what followed the restart checkpoint;
 * `at` gives each array's first index in the previous run), plus its final state.
 */
interface OldRun extends Logs, ScanState {
  at: { out: number; log: number; cps: number; files: number; includes: number; problems: number; once: number; entered: number; deps: number };
  deps: LookupTail;
  files: SourceFile[];
  includes: IncludeRecord[];
  problems: Problem[];
  entryCount: number;
}

interface Watch {
  file: SourceFile;
  exited: boolean;
  old: OldRun;
  next: number;
  restart: Checkpoint;
  lastIncludeOfFile: number;
  converged?: { newCp: number; oldCp: number };
}

/** Whether two tokens' expansions resolve to the same place (both written in place, or the same invocation). */
function sameRoot(a: Expansion | undefined, b: Expansion | undefined): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  while (a.parent) a = a.parent;
  while (b.parent) b = b.parent;
  return a.at === b.at;
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

export class Journal implements Logs, LookupJournal {
  cps: Checkpoint[] = [];
  logId: number[] = [];
  logPrev: Array<MacroDef | undefined> = [];
  logNext: Array<MacroDef | undefined> = [];
  logBefore: number[] = [];
  /** By spelling id: the log index of the latest change to its definition, or -1 (grown as spellings are). */
  private latest = new Int32Array(4096).fill(-1);
  /** The table before the run's first change (the built-ins), by spelling id. */
  private readonly initial: ReadonlyArray<MacroDef | undefined>;
  onceLog: string[] = [];
  enteredLog: string[] = [];
  entries: FileCtx[] = [];
  /** Every macro-table lookup of the run (see Lookups): what a replay checks each stretch against. */
  readonly lookups: Lookups;
  /** The scan state at the end of the run. */
  final: ScanState | undefined;
  /** A replay's index of this journal (built on first replay; dropped when the journal changes). */
  replayIndex: ReplayIndex | undefined;
  /** During an incremental run: the changed file, and the previous run's state to converge with. */
  private watch: Watch | undefined;
  /** Entries an update found open at its restart point, with where the previous run ended them. */
  private reopened = new Map<FileCtx, number>();

  constructor(private readonly pp: Preprocessor) {
    this.initial = pp.macros.snapshot();
    this.lookups = new Lookups(this);
    pp.macros.lookups = this.lookups;
    pp.macros.onChange = (id, prev, next) => {
      this.logBefore.push(this.lastChange(id));
      this.setLatest(id, this.logId.length);
      this.logId.push(id);
      this.logPrev.push(prev);
      this.logNext.push(next);
    };
  }

  /** The run ended (or stopped): its final scan state, what a replay of its last stretch ends in. */
  finished(): void {
    this.final = this.scanState();
  }

  isConverged(e: unknown): boolean {
    return e === CONVERGED;
  }

  private scanState(): ScanState {
    return { ...this.pp.skipper.save(), conds: this.pp.conds, counter: this.pp.expander.counter };
  }

  private setScanState(s: ScanState): void {
    this.pp.skipper.restore(s);
    this.pp.conds = s.conds;
    this.pp.expander.counter = s.counter;
  }

  /** Records the state before a directive at `pos` of `top` (or at a phase's start). */
  checkpoint(top: FileCtx | undefined, pos: number): void {
    this.replayIndex = undefined;
    const pp = this.pp;
    const k = pp.skipper;
    // A literal, not a spread of scanState(): this runs at every directive.
    const cp: Checkpoint = {
      conds: pp.conds, counter: pp.expander.counter,
      braceDepth: k.braceDepth, parenDepth: k.parenDepth, declHasInit: k.declHasInit, skipDepth: k.skipDepth, prev: k.prev, prev2: k.prev2, openEndsDeclarator: k.openEndsDeclarator,
      phase: pp.phase, top, pos,
      outLen: pp.outLength, logLen: this.logId.length, filesLen: pp.files.length, includesLen: pp.includes.length,
      problemsLen: pp.problems.list.length, onceLen: this.onceLog.length, enteredLen: this.enteredLog.length, entryCount: pp.entryCount,
      depLen: this.lookups.length, unbalancedLive: pp.macros.unbalancedLive,
    };
    this.cps.push(cp);
    const w = this.watch;
    if (w && w.exited && !w.converged) this.tryConverge(cp, this.cps.length - 1, w);
  }

  fileEnded(ctx: FileCtx): void {
    ctx.cpExit = this.cps.length;
    if (this.watch && ctx.sf === this.watch.file) this.watch.exited = true;
  }

  /**
   * After the changed file has ended: does this checkpoint stand where one of the previous run's stood, with the
   * same state? The runs are followed in step; at a phase start they are brought back in step if need be.
   */
  private tryConverge(cp: Checkpoint, index: number, w: Watch): void {
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

  private sameState(n: Checkpoint, o: Checkpoint, w: Watch): boolean {
    const pp = this.pp;
    if (n.counter !== o.counter || !BodySkipper.same(n, o)) return false;
    if (!sameConds(n.conds, o.conds)) return false;
    const old = w.old;
    const at = old.at;
    // What happened since the restart point, in both runs: the same macro changes, files, includes.
    if (n.logLen !== o.logLen || n.filesLen !== o.filesLen || n.includesLen !== o.includesLen || n.onceLen !== o.onceLen || n.enteredLen !== o.enteredLen) return false;
    for (let i = at.log; i < n.logLen; i++) {
      if (this.logId[i] !== old.logId[i - at.log]) return false;
      const a = this.logNext[i];
      const b = old.logNext[i - at.log];
      if (a !== b && !(a && b && sameDefinition(a, b) && !a.builtin && !b.builtin)) return false;
    }
    for (let i = at.files; i < n.filesLen; i++) if (pp.files[i] !== old.files[i - at.files]) return false;
    for (let i = at.includes; i < n.includesLen; i++) {
      const a = pp.includes[i];
      const b = old.includes[i - at.includes];
      if (a.from !== b.from || a.to !== b.to || a.spelled !== b.spelled) return false;
    }
    for (let i = at.once; i < n.onceLen; i++) if (this.onceLog[i] !== old.onceLog[i - at.once]) return false;
    for (let i = at.entered; i < n.enteredLen; i++) if (this.enteredLog[i] !== old.enteredLog[i - at.entered]) return false;
    return true;
  }

  get logLength(): number {
    return this.logId.length;
  }

  get outLength(): number {
    return this.pp.outLength;
  }

  lastChange(id: number): number {
    return id < this.latest.length ? this.latest[id] : -1;
  }

  changedTo(k: number): MacroDef | undefined {
    return this.logNext[k];
  }

  initially(id: number): MacroDef | undefined {
    return this.initial[id];
  }

  private setLatest(id: number, k: number): void {
    if (id >= this.latest.length) {
      let cap = this.latest.length;
      while (cap <= id) cap *= 2;
      const grown = new Int32Array(cap).fill(-1);
      grown.set(this.latest);
      this.latest = grown;
    }
    this.latest[id] = k;
  }

  /**
   * Goes back to checkpoint `c`, in place; returns what followed it in the previous run (to compare with and
   * to take over) and the checkpoint.
   */
  private restoreRun(c: number): { old: OldRun; cp: Checkpoint } {
    this.replayIndex = undefined;
    const pp = this.pp;
    const cp = this.cps[c];
    const at = { out: cp.outLen, log: cp.logLen, cps: c, files: cp.filesLen, includes: cp.includesLen, problems: cp.problemsLen, once: cp.onceLen, entered: cp.enteredLen, deps: cp.depLen };
    const cut = <T>(xs: T[], n: number): T[] => {
      const rest = xs.slice(n);
      xs.length = n;
      return rest;
    };
    const old: OldRun = {
      at,
      ...this.scanState(),
      entryCount: pp.entryCount,
      problems: pp.problems.list.slice(cp.problemsLen, pp.runProblems),
      logId: [], logPrev: [], logNext: [], logBefore: [],
      cps: cut(this.cps, c), onceLog: cut(this.onceLog, cp.onceLen), enteredLog: cut(this.enteredLog, cp.enteredLen),
      entries: this.entries,
      files: cut(pp.files, cp.filesLen), includes: cut(pp.includes, cp.includesLen),
      deps: this.lookups.cut(cp.depLen),
    };
    for (let i = this.logId.length - 1; i >= cp.logLen; i--) {
      pp.macros.restore(this.logId[i], this.logPrev[i]);
      this.setLatest(this.logId[i], this.logBefore[i]);
    }
    old.logId = cut(this.logId, cp.logLen);
    old.logPrev = cut(this.logPrev, cp.logLen);
    old.logNext = cut(this.logNext, cp.logLen);
    old.logBefore = cut(this.logBefore, cp.logLen);
    for (const p of old.onceLog) pp.onceFiles.delete(p);
    for (const p of old.enteredLog) pp.entered.delete(p);
    this.entries = this.entries.filter((e) => e.cpEntry < c);
    // Files still open at the checkpoint end again in this run (or where the previous run ended them, on merge).
    this.reopened = new Map();
    for (const e of this.entries) {
      if (e.cpExit > c) {
        this.reopened.set(e, e.cpExit);
        e.cpExit = -1;
      }
    }
    for (const f of old.files) pp.fileSeen.delete(f);
    pp.problems.truncate(cp.problemsLen);
    this.setScanState(cp);
    pp.entryCount = cp.entryCount;
    pp.stopped = false;
    pp.phase = cp.phase;
    // The include stack, innermost last, each file at the position it was at.
    const chain: FileCtx[] = [];
    for (let f = cp.top; f; f = f.parent) chain.unshift(f);
    pp.frames = chain.map((f, i) => fileFrame(f.cached.tokens, f, i === chain.length - 1 ? cp.pos : chain[i + 1].parentPos));
    return { old, cp };
  }

  /**
   * Runs again after the file at `file` changed, from the last checkpoint before its first change, until the
   * run converges with the previous one (then the previous run's rest is taken over) or ends. The previous
   * result's arrays are updated in place.
   */
  update(file: string, prev: PreprocessResult): { result: PreprocessResult; splice: OutputSplice; restartedAt: number } | undefined {
    const pp = this.pp;
    if (pp.stopped) return undefined;
    const abs = path.normalize(file);
    const cached = pp.cache.files.get(abs);
    const entries = cached ? this.entries.filter((e) => e.sf === cached.file) : [];
    const text = pp.host.readFile(abs);
    // A file too large to read, before or now: run again from the start (load reports it).
    if (pp.tooLarge.has(abs) || (text !== undefined && text.length > pp.limits.maxFileBytes)) return undefined;
    const n = prev.tokens.length - 1;
    const unchanged = { result: prev, splice: { a: n, oldEnd: n, newEnd: n }, restartedAt: n };
    // A file the run never entered may still have decided something: an #include skipped it by its guard
    // (a guard that changes, or a file that goes, changes that), or an #include that did not find it, or
    // found another file of that name, may find it now. Those run again from the start.
    const skipped = () => prev.includes.some((r) => r.resolved === abs);
    const searchPath = [...pp.opts.includePaths, ...(pp.opts.systemIncludePaths ?? [])];
    const mayNowResolve = () =>
      prev.includes.some((r) => {
        if (r.resolved === abs) return false;
        const name = r.spelled.slice(1, -1);
        if (path.isAbsolute(name)) return path.normalize(name) === abs;
        const dirs = r.spelled.startsWith('"') ? [path.dirname(r.from.path), ...searchPath] : searchPath;
        return dirs.some((d) => path.join(d, name) === abs);
      });
    if (!cached || text === undefined) return entries.length || (cached && skipped()) || mayNowResolve() ? undefined : unchanged;
    if (text === cached.text) return unchanged;
    const oldGuard = cached.guard === undefined ? includeGuard(cached.tokens) : cached.guard;
    const k = relexInPlace(cached, text);
    // Every entry of the file reads its new version from now on (those the run takes over, and a replay's).
    for (const e of entries) e.table = cached.tokens;
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
    const includesIn = (e: number) => (e >= 0 && e < this.cps.length ? this.cps[e].includesLen : prev.includes.length);
    const selfIncluded = oldGuard !== newGuard && c >= 0 && prev.includes.slice(this.cps[c].includesLen, includesIn(firstExit)).some((r) => r.resolved === abs);
    const to = entries.length > 1 || selfIncluded ? 0 : firstExit < 0 ? this.cps.length : firstExit;
    for (let i = Math.max(first.cpEntry, 0); i < to; i++) {
      const cp = this.cps[i];
      // The token at the checkpoint was read before it (a directive line ends where the next line begins), and so
      // was the directive's name after it: a macro invocation collecting its arguments reads it to stop at an
      // #include, and one that went on past a directive made no checkpoint there.
      if (cp.top === first && cp.pos + 1 < k) c = i;
    }
    if (c < 0) return undefined;
    // The end-of-input token is not part of the run. The previous output stays as it is while this run
    // emits after the restart point; then the new tokens replace what they stand for, in place.
    pp.outT.pop();
    pp.outEx.pop();
    pp.outSp.pop();
    const prevT = pp.outT;
    const prevEx = pp.outEx;
    const prevSp = pp.outSp;
    const { old, cp: restart } = this.restoreRun(c);
    const R = restart.outLen;
    pp.outBase = R;
    pp.outT = [];
    pp.outEx = [];
    pp.outSp = [];
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
    pp.runPhases(restart.phase, restart.top !== undefined);
    const w = this.watch;
    this.watch = undefined;
    const segT = pp.outT;
    const segEx = pp.outEx;
    const segSp = pp.outSp;
    let oldEnd = prevT.length;
    const newEnd = R + segT.length;
    if (w?.converged) oldEnd = old.cps[w.converged.oldCp - old.at.cps].outLen;
    // Which tokens really differ: from the first that is not the same object, to the last (from the end).
    const newAt = (i: number): Token => segT[i - R];
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
    pp.outT = prevT;
    pp.outEx = prevEx;
    pp.outSp = prevSp;
    pp.outBase = 0;
    if (w?.converged) this.merge(old, w.converged.newCp, w.converged.oldCp, restart, newEnd - oldEnd);
    // Taking over the previous run may have passed the limit on file entries that a fresh run stops at. (A run
    // that stopped at the limit itself is what a fresh run gives: doing it again from the start doubled the
    // slowest edits of the long fuzz run, an exponential include tree cut at 10,000 entries.)
    if (w?.converged && pp.entryCount > pp.limits.maxIncludes) return undefined;
    const result = pp.finish();
    return { result, splice: { a, oldEnd: oe, newEnd: ne }, restartedAt: R };
  }

  /** Takes over the previous run from its checkpoint `oldCp` on, this run being at `newCp` in the same state. */
  private merge(old: OldRun, newCp: number, oldCp: number, restart: Checkpoint, dOut: number): void {
    this.replayIndex = undefined;
    const pp = this.pp;
    const at = old.at;
    const n = this.cps[newCp];
    // A copy: the previous run's checkpoints are shifted in place below, this one among them.
    const o = { ...old.cps[oldCp - at.cps] };
    const dProblems = n.problemsLen - o.problemsLen;
    const dCps = newCp - oldCp;
    const dEntries = n.entryCount - o.entryCount;
    const dDeps = n.depLen - o.depLen;
    // Definitions made again in this run replace their equals from the previous one in what is taken over.
    const same = new Map<MacroDef, MacroDef>();
    for (let i = restart.logLen; i < n.logLen; i++) {
      const a = this.logNext[i];
      const b = old.logNext[i - at.log];
      if (a && b && a !== b) same.set(b, a);
    }
    const sub = (d: MacroDef | undefined) => (d ? (same.get(d) ?? d) : d);
    for (let i = o.logLen - at.log; i < old.logId.length; i++) {
      const next = sub(old.logNext[i]);
      this.logId.push(old.logId[i]);
      this.logPrev.push(sub(old.logPrev[i]));
      this.logNext.push(next);
      this.logBefore.push(old.logBefore[i]);
      this.setLatest(old.logId[i], this.logId.length - 1);
      pp.macros.restore(old.logId[i], next);
    }
    // The previous run's lookups from the convergence point on; their log positions are unchanged (the logs are
    // the same length there).
    this.lookups.append(old.deps, o.depLen - at.deps, dOut);
    this.cps.length = newCp;
    for (let i = oldCp - at.cps; i < old.cps.length; i++) {
      const cp = old.cps[i];
      cp.outLen += dOut;
      cp.problemsLen += dProblems;
      cp.entryCount += dEntries;
      cp.depLen += dDeps;
      this.cps.push(cp);
    }
    for (const e of old.entries) {
      if (e.cpEntry < oldCp) continue;
      e.cpEntry += dCps;
      if (e.cpExit >= 0) e.cpExit += dCps;
      this.entries.push(e);
    }
    // Entries still open at the convergence point (the includers) end where the previous run ended them.
    for (const [e, exit] of this.reopened) if (e.cpExit < 0) e.cpExit = exit + dCps;
    for (let i = o.onceLen - at.once; i < old.onceLog.length; i++) {
      pp.onceFiles.add(old.onceLog[i]);
      this.onceLog.push(old.onceLog[i]);
    }
    for (let i = o.enteredLen - at.entered; i < old.enteredLog.length; i++) {
      const p = old.enteredLog[i];
      this.enteredLog.push(p);
      const c = pp.cache.files.get(p);
      if (c) pp.entered.set(p, c);
    }
    for (let i = o.filesLen - at.files; i < old.files.length; i++) {
      pp.files.push(old.files[i]);
      pp.fileSeen.add(old.files[i]);
    }
    for (let i = o.includesLen - at.includes; i < old.includes.length; i++) pp.includes.push(old.includes[i]);
    // Problems of the previous run at tokens of a definition made again (a #if reading `defined` from a macro
    // body, say) are moved to the new definition's tokens: an edit earlier in its file moved them.
    const moves = new MovedDefinitions();
    for (const [b, a] of same) moves.add(b, a);
    for (let i = o.problemsLen - at.problems; i < old.problems.length; i++) pp.problems.report(moves.problem(old.problems[i]));
    this.setScanState(old);
    pp.entryCount = old.entryCount + dEntries;
    pp.frames = [];
    pp.phase = pp.phases.length;
  }
}

/**
 * Definitions found again equal (sameDefinition) but made anew, each old one with its new one: problems a taken-over
 * stretch reported at the old one's body tokens (a #if reading `defined` from a macro body, say) belong at the new
 * one's, which an edit earlier in its file moved, or which lie in the file's new version (a replay's own lexing).
 */
export class MovedDefinitions {
  /** By the old body tokens' file: where each old start and each old end is now. */
  private readonly starts = new Map<SourceFile, Map<number, { file: SourceFile; offset: number }>>();
  private readonly ends = new Map<SourceFile, Map<number, number>>();

  add(before: MacroDef, after: MacroDef): void {
    if (before === after) return;
    for (let i = 0; i < before.length; i++) {
      const x = before.body[i];
      const y = after.body[i];
      if (x === y || (x.file === y.file && x.offset === y.offset && x.end === y.end)) continue;
      let m = this.starts.get(x.file);
      if (!m) this.starts.set(x.file, (m = new Map()));
      m.set(x.offset, { file: y.file, offset: y.offset });
      let e = this.ends.get(x.file);
      if (!e) this.ends.set(x.file, (e = new Map()));
      e.set(x.end, y.end);
    }
  }

  /** `p` where it belongs now (itself when nothing it points at moved). */
  problem(p: Problem): Problem {
    if (this.starts.size === 0) return p;
    const q = this.moved(p);
    return p.related ? { ...q, related: p.related.map((r) => this.moved(r)) } : q;
  }

  private moved<T extends { file: SourceFile | undefined; offset: number; end: number }>(l: T): T {
    const to = l.file && this.starts.get(l.file)?.get(l.offset);
    if (!to) return l;
    return { ...l, file: to.file, offset: to.offset, end: this.ends.get(l.file!)!.get(l.end) ?? to.offset + (l.end - l.offset) };
  }
}

/** Checkpoints at `#define NAME` by NAME's spelling id (what RelevanceSource.definitions gives). */
export function definitionIndex(journal: Journal): Map<number, Checkpoint[]> {
  const index = new Map<number, Checkpoint[]>();
  for (const cp of journal.cps) {
    const t = cp.top?.table;
    if (!t || cp.pos + 2 >= t.count || t.kind[cp.pos + 1] !== TokenKind.Identifier || t.kind[cp.pos + 2] !== TokenKind.Identifier) continue;
    if (t.id(cp.pos + 1) !== S.define) continue;
    const name = t.id(cp.pos + 2);
    let l = index.get(name);
    if (!l) index.set(name, (l = []));
    l.push(cp);
  }
  return index;
}
