// Replaying a journalled run under other inputs (another config: different macro definitions in a forced include):
// a fresh run that, at each directive where it stands where the journalled run stood, in the same state, and where
// every macro the journalled run looked up in the stretch up to its next directive still means the same, takes that
// stretch's output, definitions, includes and problems as they were instead of preprocessing it again. Stretches
// that depended on what changed are preprocessed as usual. The result equals a fresh run's (tests compare).

import { Problem } from '../base/problems';
import { Expansion, Token } from '../base/token';
import { sameConds } from './conditionals';
import { parseHeaderName } from './expander';
import { FileCtx, fileFrame } from './frames';
import { Checkpoint, Journal, MovedDefinitions } from './journal';
import { MacroDef, sameDefinition } from './macros';
import type { IncludeRecord, Phase, Preprocessor, PreprocessResult } from './preprocessor';
import { BodySkipper } from './skipper';

/** What a replay needs of the journalled run. */
export interface ReplayBase {
  journal: Journal;
  result: PreprocessResult;
  /** Its problems in report order (repeats kept), and how many the run itself reported (lexical ones follow). */
  problems: Problem[];
  runProblems: number;
  phases: Phase[];
  stopped: boolean;
}

export interface ReplayStats {
  /** Stretches (directive to directive) of the journalled run, and how many were taken over. */
  stretches: number;
  replayed: number;
  /** Output tokens taken over. */
  tokens: number;
}

/** What a stretch whose lookups all find the very definitions they found takes over unchanged (never added to). */
const NONE_MOVED = new MovedDefinitions();

/** The lengths a stretch ends at: the next checkpoint's, or the end of the run's. */
type StretchEnd = Pick<Checkpoint, 'outLen' | 'logLen' | 'includesLen' | 'problemsLen' | 'onceLen' | 'enteredLen'>;

export class Replayer {
  /** The end of the run, for its last stretch. */
  private last: StretchEnd | undefined;
  /** The output being built (see ReplayOutput). */
  readonly output: ReplayOutput;
  private readonly cps: Checkpoint[];
  /** Base checkpoints by place (phase, innermost file, position), ascending. */
  private readonly byPlace: Map<string, number[]>;
  /** Base file entries by the checkpoint before them. */
  private readonly entriesAt: Map<number, FileCtx[]>;
  /** Names of the text phases (predefined macros, command-line definitions): not files. */
  private readonly textPhases: Set<string>;
  /** The base checkpoint expected next. */
  private next = 0;
  readonly stats: ReplayStats;

  constructor(
    private readonly pp: Preprocessor,
    private readonly base: ReplayBase,
  ) {
    this.cps = base.journal.cps;
    const index = (base.journal.replayIndex ??= buildIndex(base.journal));
    this.byPlace = index.byPlace;
    this.entriesAt = index.entriesAt;
    this.output = new ReplayOutput(pp, base.result);
    this.textPhases = new Set(base.phases.flatMap((ph) => (ph.kind === 'text' ? [ph.name] : [])));
    this.stats = { stretches: this.cps.length, replayed: 0, tokens: 0 };
  }

  /**
   * The run is about to process the directive at `pos` of `top` (or to start a phase: top undefined). Takes over
   * the journalled run's stretch from here when it may; returns whether it did (the frames then stand at the
   * start of the next stretch).
   */
  at(top: FileCtx | undefined, pos: number): boolean {
    if (this.base.stopped) return false;
    const k = this.find(top, pos);
    if (k < 0) return false;
    this.next = k + 1;
    if (!this.sameState(this.cps[k]) || !this.inputsSame(k)) return false;
    const moves = this.lookupsHold(k);
    if (!moves) return false;
    const end = this.stretchEnd(k);
    // A limit the run would reach inside this stretch must be reached the ordinary way, at its own token.
    const pp = this.pp;
    if (pp.outLength + (end.outLen - this.cps[k].outLen) >= pp.limits.maxOutputTokens) return false;
    if (pp.entryCount + (this.entriesAt.get(k)?.length ?? 0) > pp.limits.maxIncludes) return false;
    this.takeOver(k, end, moves);
    return true;
  }

  private find(top: FileCtx | undefined, pos: number): number {
    const phase = this.pp.phase;
    const n = this.next;
    if (n < this.cps.length && this.samePlace(this.cps[n], phase, top, pos)) return n;
    const list = this.byPlace.get(placeKey(phase, top, pos));
    if (!list) return -1;
    for (const k of list) if (k >= n && this.samePlace(this.cps[k], phase, top, pos)) return k;
    return -1;
  }

  private samePlace(cp: Checkpoint, phase: number, top: FileCtx | undefined, pos: number): boolean {
    if (cp.phase !== phase || cp.pos !== pos) return false;
    let a = cp.top;
    let b = top;
    for (;;) {
      if (a === b) return true;
      if (!a || !b) return false;
      if (a.sf !== b.sf || a.table !== b.table || a.main !== b.main || a.dirIndex !== b.dirIndex || a.condBase !== b.condBase || a.parentPos !== b.parentPos) return false;
      a = a.parent;
      b = b.parent;
    }
  }

  private sameState(cp: Checkpoint): boolean {
    const pp = this.pp;
    if (cp.counter !== pp.expander.counter || cp.unbalancedLive !== pp.macros.unbalancedLive || !BodySkipper.same(cp, pp.skipper)) return false;
    if (!sameConds(cp.conds, pp.conds)) return false;
    // #pragma once decides includes by path: the same files must have said it.
    if (pp.onceFiles.size !== cp.onceLen) return false;
    const once = this.base.journal.onceLog;
    for (let i = 0; i < cp.onceLen; i++) if (!pp.onceFiles.has(once[i])) return false;
    return true;
  }

  /** The files the stretch enters are the ones it entered (unchanged), and a text phase it starts has the same text. */
  private inputsSame(k: number): boolean {
    const cp = this.cps[k];
    if (cp.top === undefined) {
      const a = this.base.phases[cp.phase];
      const b = this.pp.phases[cp.phase];
      if (!a || !b || a.kind !== b.kind || (a.kind === 'text' ? a.text !== (b as typeof a).text : a.path !== (b as typeof a).path || a.main !== (b as typeof a).main)) return false;
    }
    // An #include decides by the file it finds and that file's text (its guard): both must be as they were.
    const includes = this.base.result.includes;
    const end = k + 1 < this.cps.length ? this.cps[k + 1].includesLen : includes.length;
    for (let i = cp.includesLen; i < end; i++) {
      const rec = includes[i];
      const name = parseHeaderName(rec.spelled);
      if (!name) continue;
      const found = this.pp.directives.resolveInclude(name.name, name.quoted, !!rec.next);
      if (found?.path !== rec.resolved) return false;
      // No text: skipped by #pragma once (the state compared above), or not read (too large, or the depth limit).
      if (found && rec.text === undefined && !this.pp.onceFiles.has(found.path)) return false;
      if (found && rec.text !== undefined && this.pp.host.readFile(found.path) !== rec.text) return false;
    }
    for (const e of this.entriesAt.get(k) ?? []) {
      // Text phases are not files: their text was compared above. A file must read as it did then.
      if (this.textPhases.has(e.sf.path)) continue;
      if (this.pp.host.readFile(e.sf.path) !== e.table.src) return false;
    }
    return true;
  }

  /**
   * Every lookup the stretch made finds the same definition now (changes the stretch itself made, in order): the
   * definitions found equal but made anew, or undefined when a lookup finds another.
   */
  private lookupsHold(k: number): MovedDefinitions | undefined {
    const j = this.base.journal;
    const from = this.cps[k];
    const to = k + 1 < this.cps.length ? this.cps[k + 1] : undefined;
    const depEnd = to ? to.depLen : j.lookups.length;
    const logEnd = to ? to.logLen : j.logId.length;
    const macros = this.pp.macros;
    let li = from.logLen;
    let overlay: Map<number, MacroDef | undefined> | undefined;
    let moves: MovedDefinitions | undefined;
    for (let d = from.depLen; d < depEnd; d++) {
      const at = j.lookups.logAt(d);
      while (li < at && li < logEnd) {
        (overlay ??= new Map()).set(j.logId[li], j.logNext[li]);
        li++;
      }
      const id = j.lookups.id(d);
      const expect = j.lookups.def(d);
      const now = overlay !== undefined && overlay.has(id) ? overlay.get(id) : macros.peek(id);
      if (now === expect) continue;
      if (now && expect && !now.builtin && !expect.builtin && sameDefinition(now, expect)) {
        (moves ??= new MovedDefinitions()).add(expect, now);
        continue;
      }
      return undefined;
    }
    return moves ?? NONE_MOVED;
  }

  /** Where stretch k ends: the next checkpoint, or (the last stretch) the end of the run. */
  private stretchEnd(k: number): StretchEnd {
    const to = k + 1 < this.cps.length ? this.cps[k + 1] : undefined;
    return to ?? (this.last ??= this.runEnd());
  }

  private runEnd(): StretchEnd {
    const j = this.base.journal;
    return { outLen: this.base.result.tokens.length - 1, logLen: j.logId.length, includesLen: this.base.result.includes.length, problemsLen: this.base.runProblems, onceLen: j.onceLog.length, enteredLen: j.enteredLog.length };
  }

  /** Takes over stretch k; its problems at the body tokens of definitions made anew go to the new ones (`moves`). */
  private takeOver(k: number, end: StretchEnd, moves: MovedDefinitions): void {
    const pp = this.pp;
    const j = this.base.journal;
    const from = this.cps[k];
    for (let i = from.logLen; i < end.logLen; i++) pp.macros.set(j.logId[i], j.logNext[i]);
    this.output.take(from.outLen, end.outLen);
    this.stats.tokens += end.outLen - from.outLen;
    const includes: IncludeRecord[] = this.base.result.includes;
    for (let i = from.includesLen; i < end.includesLen; i++) pp.includes.push(includes[i]);
    for (let i = from.problemsLen; i < end.problemsLen; i++) pp.problems.report(moves.problem(this.base.problems[i]));
    for (const e of this.entriesAt.get(k) ?? []) {
      if (!pp.fileSeen.has(e.sf)) {
        pp.fileSeen.add(e.sf);
        pp.files.push(e.sf);
      }
      pp.entryCount++;
    }
    for (let i = from.onceLen; i < end.onceLen; i++) pp.onceFiles.add(j.onceLog[i]);
    for (let i = from.enteredLen; i < end.enteredLen; i++) {
      const c = pp.cachedFile(j.enteredLog[i]);
      if (c) pp.entered.set(j.enteredLog[i], c);
    }
    const cp = end === this.last ? undefined : (end as Checkpoint);
    const state = cp ?? j.final!;
    pp.skipper.restore(state);
    pp.conds = state.conds;
    pp.expander.counter = state.counter;
    // The frames: where the next stretch starts (the base run's own file entries), or none at a phase's end.
    const chain: FileCtx[] = [];
    for (let f = cp?.top; f; f = f.parent) chain.unshift(f);
    pp.frames = chain.map((f, i) => fileFrame(f.table, f, i === chain.length - 1 ? cp!.pos : chain[i + 1].parentPos));
    if (!cp) pp.phase = pp.phases.length - 1;
    this.stats.replayed++;
  }
}

/**
 * A replay's output: ranges of the journalled run's output and what the replay emitted itself, in order, joined
 * once at the end (copying the taken-over tokens one by one cost more than everything else a replay does). The
 * preprocessor's own output arrays hold only what it emitted since the last range; its outBase counts the rest.
 */
class ReplayOutput {
  private readonly parts: Array<{ t: Token[]; ex: Array<Expansion | undefined>; sp: boolean[] }> = [];
  /** A range of the base output not yet sliced out (ranges that follow each other are joined). */
  private pendingFrom = -1;
  private pendingTo = -1;

  constructor(
    private readonly pp: Preprocessor,
    private readonly base: PreprocessResult,
  ) {}

  /** The base output [from, to) comes next. */
  take(from: number, to: number): void {
    const pp = this.pp;
    if (pp.outT.length > 0) {
      this.flushPending();
      this.parts.push({ t: pp.outT, ex: pp.outEx, sp: pp.outSp });
      pp.outT = [];
      pp.outEx = [];
      pp.outSp = [];
    }
    if (this.pendingTo !== from) {
      this.flushPending();
      this.pendingFrom = from;
    }
    this.pendingTo = to;
    pp.outBase += to - from;
  }

  private flushPending(): void {
    if (this.pendingFrom < 0) return;
    const b = this.base;
    this.parts.push({ t: b.tokens.slice(this.pendingFrom, this.pendingTo), ex: b.exps.slice(this.pendingFrom, this.pendingTo), sp: b.spaces.slice(this.pendingFrom, this.pendingTo) });
    this.pendingFrom = this.pendingTo = -1;
  }

  /** The whole output, into the preprocessor's arrays (before it appends the end token). */
  join(): void {
    const pp = this.pp;
    if (this.parts.length === 0 && this.pendingFrom < 0) return;
    this.flushPending();
    this.parts.push({ t: pp.outT, ex: pp.outEx, sp: pp.outSp });
    pp.outT = ([] as Token[]).concat(...this.parts.map((p) => p.t));
    pp.outEx = ([] as Array<Expansion | undefined>).concat(...this.parts.map((p) => p.ex));
    pp.outSp = ([] as boolean[]).concat(...this.parts.map((p) => p.sp));
    pp.outBase = 0;
    this.parts.length = 0;
  }
}

/** A journal's checkpoints by place and its entries by checkpoint (kept on the journal until it changes). */
export interface ReplayIndex {
  byPlace: Map<string, number[]>;
  entriesAt: Map<number, FileCtx[]>;
}

function buildIndex(journal: Journal): ReplayIndex {
  const byPlace = new Map<string, number[]>();
  const cps = journal.cps;
  for (let k = 0; k < cps.length; k++) {
    const key = placeKey(cps[k].phase, cps[k].top, cps[k].pos);
    let l = byPlace.get(key);
    if (!l) byPlace.set(key, (l = []));
    l.push(k);
  }
  const entriesAt = new Map<number, FileCtx[]>();
  for (const e of journal.entries) {
    let l = entriesAt.get(e.cpEntry);
    if (!l) entriesAt.set(e.cpEntry, (l = []));
    l.push(e);
  }
  return { byPlace, entriesAt };
}

function placeKey(phase: number, top: FileCtx | undefined, pos: number): string {
  return `${phase}:${top ? top.sf.id : -1}:${pos}`;
}
