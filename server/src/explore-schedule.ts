// Every-configuration scheduling (memdesc.allConfigs): when the search runs, for which contexts and arches, and its
// work-done progress. After an open, a setting or an edit has settled, each open document's kernel-tree context
// without a current search is searched in the worker, one context at a time. An edit cancels the running search only
// when it changes the tokens of a file the search reads (a comment, whitespace, or another file leaves it running);
// the finished search is checked again against the files it actually read (see explore.ts) before it is shown.

import * as path from 'node:path';
import type { TextDocument } from 'vscode-languageserver-textdocument';
import type { Connection, WorkDoneProgressServerReporter } from 'vscode-languageserver/node';
import type { Settings } from '../../shared/settings';
import { ABI_NAMES } from './engine';
import type { AbiName } from './engine';
import { changedFiles, Exploration, hasKconfig, TextSource } from './explore';
import type { ArchRun } from './explore';
import { ExploreRunner } from './explore-runner';
import { uriToPath } from './features/util';
import type { AnalysisContext, Session } from './session';
import type { DocumentSettings } from './settings';
import type { Tracer } from './trace';

/** Quiet time after an edit before the search starts again (searches take seconds to minutes: let typing settle). */
export const EXPLORE_DEBOUNCE_MS = 1000;
/** At most one progress report per this many milliseconds. */
const PROGRESS_EVERY_MS = 150;

/** The ABIs memdesc.allConfigs.arches names for a context: 'configured' is the context's, 'all' every ABI; configured first. */
export function archesFor(settings: Settings, configured: AbiName): AbiName[] {
  const out: AbiName[] = [];
  const add = (a: AbiName) => {
    if (!out.includes(a)) out.push(a);
  };
  const words = settings.allConfigs.arches;
  if (words.includes('configured') || words.includes('all')) add(configured);
  for (const w of words) {
    if (w === 'all') ABI_NAMES.forEach(add);
    else if (w !== 'configured') add(w);
  }
  return out;
}

/** A search in progress. */
interface RunningSearch {
  id: number;
  key: string;
  ctx: AnalysisContext;
  generation: number;
  overlays: Map<string, string>;
  /** The files an edit of which makes this search stale, as far as known before it ends (undefined: every open file). */
  watched: Set<string> | undefined;
  arches: AbiName[];
  runs: ArchRun[];
  progress: WorkDoneProgressServerReporter | undefined;
  lastReport: number;
  t0: number;
}

export class ExploreScheduler {
  private readonly runner: ExploreRunner;
  private timer: NodeJS.Timeout | undefined;
  private running: RunningSearch | undefined;
  /** Bumped by invalidate(): a start still gathering contexts when it changes gives up. */
  private epoch = 0;
  private stopped = false;
  /** Contexts whose search the user cancelled (its progress's cancel button), at the inputs they had: not run again until those change. */
  private readonly userCancelled = new Map<string, Exploration>();

  constructor(
    private readonly session: Session,
    private readonly documents: { all(): TextDocument[] },
    private readonly settings: DocumentSettings,
    private readonly connection: Connection,
    private readonly tracer: Tracer,
    /** A context's search is done (stored in the session): the clients should ask again. */
    private readonly onDone: (e: Exploration) => void,
    private readonly reportError: (message: string) => void,
    workerPath?: string,
  ) {
    this.runner = new ExploreRunner((m) => tracer.log(m), workerPath);
  }

  /** Where the texts are: the session's buffers over the disk. */
  private get texts(): TextSource {
    return { overlay: (f) => this.session.host.overlay.get(f), disk: (f) => this.session.disk.readFile(f) };
  }

  /** Once things have settled (EXPLORE_DEBOUNCE_MS without another call): search the open documents' contexts. */
  schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.start().catch((e) => this.reportError(`all configs: ${e instanceof Error ? e.stack : String(e)}`)), EXPLORE_DEBOUNCE_MS);
  }

  /** An edit: the running search goes on unless the edit changed the tokens of a file it reads. */
  edited(): void {
    const r = this.running;
    if (r && changedFiles({ overlays: r.overlays }, this.texts, this.session.host.overlay.keys(), r.watched).length) {
      this.tracer.log(`all configs: an edit changed what the search of ${r.ctx.root} reads: cancelled`);
      this.stop();
    }
    this.schedule();
  }

  /** A setting, a watched file, the folders: whatever runs is stale. */
  invalidate(): void {
    this.epoch++;
    this.userCancelled.clear();
    this.stop();
    this.schedule();
  }

  dispose(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.stop();
    this.runner.dispose();
  }

  private stop(): void {
    const r = this.running;
    this.running = undefined;
    this.runner.cancel();
    r?.progress?.done();
  }

  private async start(): Promise<void> {
    if (this.running || this.stopped) return;
    const epoch = this.epoch;
    let next: { ctx: AnalysisContext; settings: Settings } | undefined;
    for (const d of this.documents.all()) {
      const file = uriToPath(d.uri);
      if (!file) continue;
      const settings = await this.settings.for(d.uri);
      if (!settings.allConfigs.enabled) continue;
      const ctx = this.session.contextFor(file, settings);
      if (!ctx || ctx.kind !== 'kernel' || !ctx.root || ctx.configChoice?.error || !hasKconfig(ctx.root)) continue;
      if (this.session.explorationFor(ctx.key)) continue;
      const cancelled = this.userCancelled.get(ctx.key);
      if (cancelled && this.session.explorationCurrent(cancelled)) continue;
      next = { ctx, settings };
      break;
    }
    if (!next || this.stopped || this.running || epoch !== this.epoch) return;
    const { ctx, settings } = next;
    const arches = archesFor(settings, ctx.arch);
    const overlays = new Map(this.session.host.overlay);
    const previous = this.session.lastExploration(ctx.key);
    const primary = this.session.filesOf(ctx.key);
    const watched = previous || primary ? new Set([...(previous?.read ?? []), ...(primary ?? [])]) : undefined;
    const search: RunningSearch = { id: 0, key: ctx.key, ctx, generation: this.session.generationNow, overlays, watched, arches, runs: [], progress: undefined, lastReport: 0, t0: performance.now() };
    const id = this.runner.run(
      { root: ctx.root!, arches, budgetMs: settings.allConfigs.budgetMs, files: ctx.files, overlays: [...overlays], configs: this.probeConfigs(ctx, arches) },
      {
        progress: (arch, index, message, done, total) => this.progress(search, arch, index, message, done, total),
        arch: (run) => {
          search.runs.push(run);
          const r = run.result;
          this.tracer.log(`all configs: ${run.arch} ${run.failure ?? `${r?.asserts.length ?? 0} assertions, ${r?.asserts.filter((a) => a.holds === false).length ?? 0} counterexamples, ${r?.analyses ?? 0} analyses in ${run.ms.toFixed(0)} ms${r?.complete ? '' : ' (budget ended)'}`}`);
        },
        done: (read) => this.finished(search, read),
        failed: (message) => {
          for (const a of arches) if (!search.runs.some((r) => r.arch === a)) search.runs.push({ arch: a, failure: message, ms: 0 });
          // Not tried again until an open file's tokens change (or a setting, or a file on disk).
          this.finished(search, [...overlays.keys()]);
        },
      },
    );
    if (id === undefined) return;
    search.id = id;
    this.running = search;
    this.tracer.log(`all configs: searching ${ctx.root} for ${arches.join(', ')} (budget ${settings.allConfigs.budgetMs / 1000} s per arch)`);
    try {
      const progress = await this.connection.window.createWorkDoneProgress();
      if (this.running !== search) {
        progress.done();
        return;
      }
      search.progress = progress;
      progress.begin('memdesc: every configuration', 0, `${arches[0]}: reading Kconfig`, true);
      progress.token.onCancellationRequested(() => {
        if (this.running !== search) return;
        this.tracer.log(`all configs: the search of ${ctx.root} was cancelled from the editor`);
        this.userCancelled.set(ctx.key, { key: ctx.key, generation: search.generation, root: ctx.root!, overlays, read: new Set(watched ?? this.session.host.overlay.keys()), runs: [] });
        this.stop();
      });
    } catch {
      // The client refused the progress token: the search runs without progress.
    }
  }

  /** .config texts made by the user's toolchain, per arch: the context's own config for its ABI, a build dir's for others. */
  private probeConfigs(ctx: AnalysisContext, arches: AbiName[]): Partial<Record<AbiName, string[]>> {
    const out: Partial<Record<AbiName, string[]>> = {};
    for (const a of arches) {
      const file = a === ctx.arch ? (ctx.config ?? (ctx.buildDir ? path.join(ctx.buildDir, '.config') : undefined)) : ((d) => (d ? path.join(d, '.config') : undefined))(this.session.workspace.buildDirFor(ctx.root!, a));
      const text = file ? this.session.host.readFile(file) : undefined;
      if (text !== undefined) out[a] = [text];
    }
    return out;
  }

  private progress(s: RunningSearch, arch: AbiName, index: number, message: string, done: number, total: number): void {
    if (this.running !== s || !s.progress) return;
    const now = performance.now();
    if (now - s.lastReport < PROGRESS_EVERY_MS && done < total) return;
    s.lastReport = now;
    const share = total > 0 ? done / total : 0;
    const counted = total > 1 ? ` (${done + 1}/${total})` : '';
    s.progress.report(Math.min(99, ((index + share) / s.arches.length) * 100), `${message}${counted}`.replace(/^(\w+): /, `${arch}: `));
  }

  private finished(s: RunningSearch, read: string[]): void {
    if (this.running !== s) return;
    this.running = undefined;
    const failed = s.runs.filter((r) => r.failure).length;
    const found = s.runs.reduce((n, r) => n + (r.result?.asserts.filter((a) => a.holds === false).length ?? 0), 0);
    const undecided = s.runs.reduce((n, r) => n + (r.result?.asserts.filter((a) => a.holds === null).length ?? 0), 0);
    const summary = `${found} counterexample${found === 1 ? '' : 's'}${undecided ? `, ${undecided} not decided in the budget` : ''}${failed ? `, ${failed} arch${failed === 1 ? '' : 'es'} not searched` : ''} (${s.arches.join(', ')}; ${((performance.now() - s.t0) / 1000).toFixed(1)} s)`;
    s.progress?.report(100, summary);
    s.progress?.done();
    this.tracer.log(`all configs: ${s.ctx.root}: ${summary}`);
    const e: Exploration = { key: s.key, generation: s.generation, root: s.ctx.root!, overlays: s.overlays, read: new Set(read), runs: s.runs };
    this.session.setExploration(e);
    this.onDone(e);
    // The next context, or this one again if an edit made it stale meanwhile.
    this.schedule();
  }
}
