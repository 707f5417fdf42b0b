// The server's view of the workspace: which analysis a document belongs to (a kernel tree's memdesc set, a
// .memdesc sketch, a file named by memdesc.files), with unsaved buffers overlaid on disk, cached until an
// edit, a setting or a watched file changes it. `Session.analysisFor` is the one entry point features use.

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Settings } from '../../shared/settings';
import type { AbiName } from './engine';
import { analyze, Analysis, AnalyzeOptions } from './engine';
import { IncrementalAnalysis, UpdateStats } from './engine';
import { DiskHost, FileHost, OverlayHost } from './engine';
import { chooseKernelConfig, isKernelTree, kernelSetup, KernelSetup } from './engine';
import type { ConfigOverride, ConfigWords, KernelConfigChoice, MatrixRunPlan } from './engine';
import { variantOverrides, VARIANTS } from './engine';
import { buildModel, MemdescModel } from './engine';
import { PreprocessCache, PreprocessLimits } from './engine';
import type { MatrixSummary } from './matrix';
import { parseDefines } from './settings';
import { expandGlobs, findKernelRoot, Workspace } from './workspace';

export { findKernelRoot };

/** How the editor's user names an ABI and a config, in messages. */
const SERVER_WORDS: ConfigWords = { arch: 'memdesc.arch', config: 'memdesc.config', buildDir: 'memdesc.buildDir', buildDirsFrom: 'the workspace folders' };

/** What one analysis is made of: plain data (the matrix worker receives it too). */
export interface AnalysisContext {
  /** Equal keys share one analysis. */
  key: string;
  kind: 'kernel' | 'file';
  /** The kernel tree (kernel mode). */
  root?: string;
  arch: AbiName;
  /** A .config (memdesc.config), used instead of the build dir's. */
  config?: string;
  /** An O= build dir: memdesc.buildDir, else one found in the workspace for this ABI, else the tree itself when it has a .config. */
  buildDir?: string;
  buildDirFound?: boolean;
  /** Kernel mode: how the config and ABI were chosen (chooseKernelConfig), its notice and error. */
  configChoice?: Pick<KernelConfigChoice, 'kind' | 'abiFrom' | 'evidence' | 'notice' | 'error'>;
  defines: ConfigOverride[];
  includePaths: string[];
  /** Kernel mode: files added to the memdesc set (memdesc.files, a sketch). File mode: the main file. */
  files: string[];
  /** A memdesc.files glob hit a limit. */
  globsTruncated: boolean;
  /** memdesc.limits */
  limits?: Partial<PreprocessLimits>;
  /**
   * A C file outside any kernel tree that no setting names (not a sketch, not in memdesc.files): analysed alone
   * for hovers and the like, but only its failing assertions and rule findings become diagnostics, so that
   * someone else's C project gets no wall of include errors.
   */
  quiet?: boolean;
}

/** One ABI × config combination of a context (the primary one, or a matrix run). */
export type RunSpec = Omit<MatrixRunPlan, 'label'>;

export interface AnalysisResult {
  analysis: Analysis;
  model: MemdescModel;
  setup: KernelSetup | undefined;
  /** The tree root in kernel mode. */
  root: string | undefined;
  context: AnalysisContext;
  /** The state of the open buffers and settings this result was computed for. */
  stamp: string;
  /** Milliseconds the analysis took. */
  ms: number;
  /** How much of it was done again (an edit's update), when the session followed the edit incrementally. */
  update?: UpdateStats;
  /** The config matrix for this same state, once the background evaluation has finished (memdesc.matrix). */
  matrix?: MatrixSummary;
}

/** Runs the engine for a context (and optionally another ABI / config combination of it). */
export function computeAnalysis(ctx: AnalysisContext, host: FileHost, cache: PreprocessCache, run?: RunSpec): Omit<AnalysisResult, 'stamp'> {
  const t0 = performance.now();
  const inputs = analysisInputs(ctx, host, cache, run);
  const analysis = analyze(inputs.files, inputs.options, inputs.host, cache);
  return { analysis, model: buildModel(analysis), setup: inputs.setup, root: inputs.setup ? ctx.root : undefined, context: ctx, ms: performance.now() - t0 };
}

/** The main files and options of a context's analysis (kernel mode: after the tree's setup), for its primary ABI and config or for `run`. */
function analysisInputs(ctx: AnalysisContext, host: FileHost, cache: PreprocessCache, run?: RunSpec): { files: string[]; options: AnalyzeOptions; host: FileHost; setup?: KernelSetup } {
  const spec: RunSpec = run ?? { abi: ctx.arch, config: ctx.config, buildDir: ctx.buildDir, overrides: [] };
  // Settings that contradict each other: nothing is analysed (the error is the context's diagnostic).
  if (ctx.configChoice?.error && !run) return { files: [], options: { arch: ctx.arch }, host };
  if (ctx.kind === 'kernel' && ctx.root) {
    const setup = kernelSetup({ root: ctx.root, arch: spec.abi, configFile: spec.config, buildDir: spec.buildDir, configOverrides: [...ctx.defines, ...spec.overrides] }, host, cache);
    const extra = ctx.files.filter((f) => !setup.files.includes(f) && host.fileExists(f));
    return { files: [...setup.files, ...extra], options: { ...setup.options, includePaths: [...ctx.includePaths, ...(setup.options.includePaths ?? [])], limits: ctx.limits }, host: setup.host, setup };
  }
  return { files: ctx.files, options: { arch: spec.abi, includePaths: ctx.includePaths, defines: [...ctx.defines, ...spec.overrides], limits: ctx.limits }, host };
}

/**
 * A context's analysis kept alive between edits: the engine brings it up to date from what changed instead of
 * starting over (engine/incremental.ts). Dropped when anything outside the buffers changes.
 */
interface LiveAnalysis {
  inc: IncrementalAnalysis;
  setup: KernelSetup | undefined;
  generation: number;
  /** The buffers (path → hash) as the analysis last saw them. */
  seen: Map<string, number>;
  /** Files whose change needs the tree's setup done again (kernel/bounds.c's includes). */
  setupInputs: Set<string>;
}

/** How many analyses (contexts) are kept in memory; the least recently used goes first. */
const MAX_RESULTS = 3;

/** A DiskHost that remembers what it read (the engine's, from its caching version on) must hear of changes. */
type ForgetfulDisk = DiskHost & { invalidate?: (absPath?: string) => void; revalidate?: () => number };

/** Tells a disk host that files changed (these, or any: then it re-checks what it read). */
export function diskChanged(disk: DiskHost, paths?: string[]): void {
  const d = disk as ForgetfulDisk;
  if (paths?.length && d.invalidate) for (const p of paths) d.invalidate(p);
  else if (d.revalidate) d.revalidate();
  else d.invalidate?.();
}

export class Session {
  readonly disk = new DiskHost();
  /** Open documents' texts by absolute path: they win over the disk. */
  readonly host = new OverlayHost(this.disk);
  readonly workspace = new Workspace();
  /**
   * Lexed files, one cache per tree configuration (tree, ABI, config, build dir, defines): a tree's sketches
   * share its cache, while another ABI or config, whose generated headers have other contents at the same
   * paths, gets its own (a cache may re-lex a changed file in place, under the analyses that read it).
   */
  private readonly caches = new Map<string, PreprocessCache>();
  /** Open documents in the memdesc language (whatever their file name). */
  private readonly sketches = new Set<string>();
  private readonly hashes = new Map<string, number>();
  private readonly results = new Map<string, AnalysisResult>();
  private readonly live = new Map<string, LiveAnalysis>();
  private readonly matrices = new Map<string, MatrixSummary>();
  private readonly globCache = new Map<string, { files: string[]; truncated: boolean }>();
  private generation = 0;
  /** Called after each analysis the session had to compute (for tracing). */
  onAnalysis: ((r: AnalysisResult) => void) | undefined;
  /** Told once per tree and message when a tree is analysed with the built-in default, or its settings contradict. */
  onConfigNotice: ((root: string, message: string, error: boolean) => void) | undefined;
  private readonly noticesSent = new Set<string>();

  /**
   * Something outside the open buffers changed (a .config, a build dir, settings, folders): forget every result,
   * and what was read from disk (the paths that changed, when known; else everything is re-checked).
   */
  invalidateAll(changed?: string[]): void {
    diskChanged(this.disk, changed);
    this.generation++;
    this.results.clear();
    this.live.clear();
    this.matrices.clear();
    this.globCache.clear();
    this.workspace.rescan();
  }

  setBuffer(file: string, text: string | undefined): void {
    const p = path.normalize(file);
    if (text === undefined) {
      this.host.overlay.delete(p);
      this.hashes.delete(p);
    } else {
      this.host.overlay.set(p, text);
      this.hashes.set(p, hash(text));
    }
  }

  /** Marks an open document as a .memdesc sketch (language id `memdesc`), or not. */
  setSketch(file: string, sketch: boolean): void {
    const p = path.normalize(file);
    if (sketch) this.sketches.add(p);
    else this.sketches.delete(p);
  }

  isSketch(file: string): boolean {
    const p = path.normalize(file);
    return this.sketches.has(p) || p.endsWith('.memdesc');
  }

  /** The state every analysis depends on besides the disk: open buffers and the invalidation generation. */
  stamp(): string {
    return `${this.generation}|${[...this.hashes].map(([p, h]) => `${p}:${h}`).join('|')}`;
  }

  private globs(globs: string[], base: string): { files: string[]; truncated: boolean } {
    if (!globs.length) return { files: [], truncated: false };
    const key = JSON.stringify([globs, base]);
    let g = this.globCache.get(key);
    if (!g) this.globCache.set(key, (g = expandGlobs(globs, base)));
    return g;
  }

  /**
   * Which analysis serves this file under these settings: in a kernel tree, the tree's memdesc set (plus
   * memdesc.files, plus the file itself when it is a sketch); outside one, a .memdesc sketch (analysed with
   * the workspace's kernel tree when there is one), else the file alone (quiet unless memdesc.files names it).
   */
  contextFor(file: string, settings: Settings): AnalysisContext | undefined {
    file = path.normalize(file);
    const sketch = this.isSketch(file);
    const given = settings.kernelRoot ? path.resolve(settings.kernelRoot) : undefined;
    const root = (given && isKernelTree(given) ? given : undefined) ?? findKernelRoot(file) ?? (sketch ? this.workspace.kernelTrees()[0] : undefined);
    const includePaths = settings.includePaths.map((p) => path.resolve(this.workspace.folderOf(file) ?? path.dirname(file), p));
    if (root) {
      const userDefines = parseDefines(settings.defines, true);
      // Relative paths in settings are relative to the workspace folder (else the tree).
      const base = this.workspace.folderOf(file) ?? root;
      // The config and the ABI: memdesc.config / buildDir, else an O= build dir among the workspace folders, else
      // the tree's own .config, else the built-in default; the ABI follows the config unless memdesc.arch names one.
      const choice = chooseKernelConfig(
        {
          root,
          configFile: settings.config ? path.resolve(base, settings.config) : undefined,
          buildDir: settings.buildDir ? path.resolve(base, settings.buildDir) : undefined,
          foundBuildDirs: this.workspace.buildDirsFor(root).filter((b) => path.resolve(b.dir) !== path.resolve(root)),
          arch: settings.arch || undefined,
          words: SERVER_WORDS,
        },
        this.host,
      );
      const config = choice.configFile;
      const buildDir = choice.buildDir;
      const g = this.globs(settings.files, root);
      const files = [...g.files, ...(sketch && !g.files.includes(file) ? [file] : [])];
      const limits = settings.limits;
      const configChoice = { kind: choice.kind, abiFrom: choice.abiFrom, evidence: choice.evidence, notice: choice.notice, error: choice.error };
      // memdesc.variant, as it is for the ABI chosen (phys64's switches differ by arch), before the user's own defines.
      const variant = VARIANTS.find((v) => v.name === settings.variant && (!v.abis || v.abis.includes(choice.abi)));
      const defines = [...(variant ? variantOverrides(variant, choice.abi) : []), ...userDefines];
      const key = JSON.stringify(['kernel', root, choice.abi, config, buildDir, defines, includePaths, files, limits, choice.error ?? '']);
      const message = choice.error ?? (choice.kind === 'default' ? choice.notice : undefined);
      if (message && !this.noticesSent.has(`${root}|${message}`)) {
        this.noticesSent.add(`${root}|${message}`);
        this.onConfigNotice?.(root, message, !!choice.error);
      }
      return { key, kind: 'kernel', root, arch: choice.abi, config, buildDir, buildDirFound: choice.kind === 'build-dir', configChoice, defines, includePaths, files, globsTruncated: g.truncated, limits };
    }
    // Outside a tree, a file that is neither open nor on disk has nothing to analyse.
    if (!this.host.fileExists(file)) return undefined;
    const defines = parseDefines(settings.defines, false);
    const g = this.globs(settings.files, this.workspace.folderOf(file) ?? path.dirname(file));
    const quiet = !sketch && !g.files.includes(file);
    const limits = settings.limits;
    const arch = settings.arch || 'x86_64';
    const key = JSON.stringify(['file', file, arch, defines, includePaths, quiet, limits]);
    return { key, kind: 'file', arch, defines, includePaths, files: [file], globsTruncated: g.truncated, quiet, limits };
  }

  /** Whether analysisFor would answer from the cache (no engine work) for this file and these settings. */
  isCurrent(file: string, settings: Settings): boolean {
    const ctx = this.contextFor(file, settings);
    return !!ctx && this.results.get(ctx.key)?.stamp === this.stamp();
  }

  /** The analysis serving a file, computed or from the cache. */
  analysisFor(file: string, settings: Settings): AnalysisResult | undefined {
    const ctx = this.contextFor(file, settings);
    if (!ctx) return undefined;
    const stamp = this.stamp();
    const hit = this.results.get(ctx.key);
    if (hit && hit.stamp === stamp) {
      // Most recently used last.
      this.results.delete(ctx.key);
      this.results.set(ctx.key, hit);
      return this.withMatrix(hit);
    }
    // Free the stale result before computing its successor, and keep only a few contexts.
    this.results.delete(ctx.key);
    while (this.results.size >= MAX_RESULTS) this.results.delete(this.results.keys().next().value as string);
    for (const k of this.live.keys()) if (!this.results.has(k) && k !== ctx.key && this.live.size >= MAX_RESULTS) this.live.delete(k);
    const result: AnalysisResult = { ...this.follow(ctx), stamp };
    this.results.set(ctx.key, result);
    this.onAnalysis?.(result);
    return this.withMatrix(result);
  }

  /**
   * The context's analysis for the buffers as they are now: the live one brought up to date from the buffers
   * that changed since it last looked, or a new one.
   */
  private follow(ctx: AnalysisContext): Omit<AnalysisResult, 'stamp'> {
    const t0 = performance.now();
    let live = this.live.get(ctx.key);
    if (live && live.generation === this.generation) {
      const changed: string[] = [];
      for (const [p, h] of this.hashes) if (live.seen.get(p) !== h) changed.push(p);
      for (const p of live.seen.keys()) if (!this.hashes.has(p)) changed.push(p);
      if (changed.some((p) => live!.setupInputs.has(p))) live = undefined;
      else {
        const analysis = live.inc.update(changed);
        live.seen = new Map(this.hashes);
        return { analysis, model: buildModel(analysis), setup: live.setup, root: ctx.root, context: ctx, ms: performance.now() - t0, update: live.inc.lastStats };
      }
    }
    const cache = this.cacheFor(ctx);
    const inputs = analysisInputs(ctx, this.host, cache);
    const inc = new IncrementalAnalysis(inputs.files, inputs.options, inputs.host, cache);
    live = { inc, setup: inputs.setup, generation: this.generation, seen: new Map(this.hashes), setupInputs: new Set(inputs.setup?.boundsFiles ?? []) };
    this.live.set(ctx.key, live);
    const analysis = inc.analysis;
    return { analysis, model: buildModel(analysis), setup: inputs.setup, root: ctx.root, context: ctx, ms: performance.now() - t0, update: inc.lastStats };
  }

  private cacheFor(ctx: AnalysisContext): PreprocessCache {
    const key = ctx.kind === 'kernel' ? JSON.stringify([ctx.root, ctx.arch, ctx.config, ctx.buildDir, ctx.defines]) : 'files';
    let c = this.caches.get(key);
    if (c) this.caches.delete(key);
    else c = new PreprocessCache();
    this.caches.set(key, c);
    // As many as there are results kept (most recently used last).
    while (this.caches.size > MAX_RESULTS) this.caches.delete(this.caches.keys().next().value as string);
    return c;
  }

  private withMatrix(r: AnalysisResult): AnalysisResult {
    const m = this.matrices.get(r.context.key);
    r.matrix = m && m.stamp === r.stamp ? m : undefined;
    return r;
  }

  /** A finished config-matrix evaluation for a context at a state (dropped when the state has moved on). */
  setMatrix(key: string, summary: MatrixSummary): void {
    if (summary.stamp !== this.stamp()) return;
    this.matrices.set(key, summary);
  }

  matrixFor(key: string): MatrixSummary | undefined {
    const m = this.matrices.get(key);
    return m && m.stamp === this.stamp() ? m : undefined;
  }

  /** Drop what belonged to a closed document. */
  forget(file: string): void {
    this.setBuffer(file, undefined);
    this.setSketch(file, false);
    // Files analysed alone share one lexing cache, which would otherwise keep every file ever opened (a
    // kernel tree's caches hold that tree's files only). The closed file's own analysis goes (it is redone
    // from the disk if asked for); its lexed text goes too unless a live analysis still reads it, since an
    // incremental update takes a file it has no cache entry for as unchanged.
    const p = path.normalize(file);
    for (const k of [...this.live.keys()]) {
      const key = JSON.parse(k) as unknown[];
      if (key[0] === 'file' && key[1] === p) {
        this.live.delete(k);
        this.results.delete(k);
      }
    }
    const used = [...this.live.values()].some((l) => l.inc.analysis.files.some((f) => f.path === p));
    if (!used) this.caches.get('files')?.files.delete(p);
  }

  /** Open buffers as [path, text] pairs (for the matrix worker, which must see what the editor shows). */
  overlays(): Array<[string, string]> {
    return [...this.host.overlay];
  }

  /** Paths outside the open buffers whose change invalidates a context: its .config and build dir inputs. */
  static inputsOf(ctx: AnalysisContext): string[] {
    const out: string[] = [];
    if (ctx.config) out.push(ctx.config);
    if (ctx.buildDir) out.push(path.join(ctx.buildDir, '.config'), path.join(ctx.buildDir, 'include/generated/autoconf.h'), path.join(ctx.buildDir, 'include/generated/bounds.h'));
    if (ctx.root) out.push(path.join(ctx.root, '.config'));
    return out.filter((p, i) => out.indexOf(p) === i && (fs.existsSync(p) || fs.existsSync(path.dirname(p))));
  }
}

/** FNV-1a over a text's UTF-16 units. */
function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}

/** A short hash of a text (pull diagnostics' result ids, watched files' contents). */
export function hashText(s: string): string {
  return hash(s).toString(36);
}
