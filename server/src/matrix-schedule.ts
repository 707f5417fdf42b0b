// Matrix scheduling (memdesc.matrix): when the background config matrix runs, and the engine's plan for each context.
// Once edits have settled, each open document's context without a current matrix is planned and handed to the
// worker; an edit, a setting or a changed file cancels what runs. Results land in the session for their state.

import type { TextDocument } from 'vscode-languageserver-textdocument';
import { matrixPlan, primaryLabel } from './engine';
import type { MatrixLabel, MatrixPlanInput, MatrixRunPlan } from './engine';
import { uriToPath } from './features/util';
import type { MatrixSummary } from './matrix';
import { MatrixRunner } from './matrix-runner';
import type { AnalysisContext, Session } from './session';
import type { DocumentSettings } from './settings';
import type { Tracer } from './trace';
import type { Workspace } from './workspace';

/** Quiet time after an edit before the config matrix is re-evaluated in the background. */
export const MATRIX_DEBOUNCE_MS = 750;

/**
 * A context's matrix: the engine's plan without the primary combination (the session's own analysis). The
 * configured ABI keeps its .config / build dir; the others use a build dir the workspace has for them, else their
 * built-in default config. A sketch or file outside a tree has no configs: every other ABI.
 */
export function contextPlan(ctx: AnalysisContext, workspace: Workspace): { plan: MatrixRunPlan[]; primary: MatrixLabel } {
  const root = ctx.kind === 'kernel' ? ctx.root : undefined;
  const input: MatrixPlanInput = {
    configured: ctx.arch,
    kernel: root !== undefined,
    // The configured ABI and MATRIX_ABIS with every variant (a file outside a tree: every other ABI).
    scope: 'main',
    configOf: (abi) => (abi === ctx.arch ? { config: ctx.config, buildDir: ctx.buildDir } : root ? { buildDir: workspace.buildDirFor(root, abi) } : undefined),
    withPrimary: false,
  };
  return { plan: matrixPlan(input), primary: primaryLabel(input) };
}

export class MatrixScheduler {
  private readonly runner: MatrixRunner;
  private timer: NodeJS.Timeout | undefined;
  /** Bumped by cancel(): a start still gathering contexts when it changes gives up. */
  private epoch = 0;
  private stopped = false;

  constructor(
    private readonly session: Session,
    private readonly documents: { all(): TextDocument[] },
    private readonly settings: DocumentSettings,
    tracer: Tracer,
    /** A context's matrix is done and current: the clients should ask again. */
    private readonly onDone: (key: string, summary: MatrixSummary) => void,
    private readonly reportError: (message: string) => void,
    workerPath?: string,
  ) {
    this.runner = new MatrixRunner((m, v) => tracer.log(m, v), (key, summary) => this.onDone(key, summary), workerPath);
  }

  /** An edit, a setting or a watched file: whatever runs is stale. */
  cancel(): void {
    this.epoch++;
    this.runner.cancel();
    clearTimeout(this.timer);
  }

  /** Once things have settled (MATRIX_DEBOUNCE_MS without another call): evaluate the open documents' contexts. */
  schedule(): void {
    if (this.stopped) return;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.start().catch((e) => this.reportError(`matrix: ${e instanceof Error ? e.stack : String(e)}`)), MATRIX_DEBOUNCE_MS);
  }

  dispose(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    this.runner.dispose();
  }

  private async start(): Promise<void> {
    const epoch = this.epoch;
    const items = new Map<string, { ctx: AnalysisContext; plan: MatrixRunPlan[]; primary: MatrixLabel }>();
    for (const d of this.documents.all()) {
      const file = uriToPath(d.uri);
      if (!file) continue;
      const settings = await this.settings.for(d.uri);
      if (!settings.matrix) continue;
      const ctx = this.session.contextFor(file, settings);
      if (ctx && !items.has(ctx.key) && !this.session.matrixFor(ctx.key)) items.set(ctx.key, { ctx, ...contextPlan(ctx, this.session.workspace) });
    }
    // The state is read after the last await: the runs are for the buffers as they are now.
    if (items.size && !this.stopped && epoch === this.epoch) this.runner.run([...items.values()], this.session.stamp(), this.session.overlays());
  }
}
