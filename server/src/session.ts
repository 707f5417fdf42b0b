// The server's view of the workspace: which analysis a document belongs to (a kernel tree, or the file alone),
// with unsaved buffers overlaid on disk, cached until an edit, a setting or a watched file changes it.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { AbiName, isAbiName } from './engine/abi';
import { analyze, Analysis } from './engine/analyze';
import { OverlayHost } from './engine/host';
import { isKernelTree, kernelSetup, KernelSetup } from './engine/kernel';
import { buildModel, MemdescModel } from './engine/memdesc';
import { PreprocessCache } from './engine/preprocessor';

export interface Settings {
  arch: AbiName;
  config: string;
  buildDir: string;
  defines: string[];
  includePaths: string[];
  kernelRoot: string;
  files: string[];
  matrix: boolean;
  inlayHints: 'off' | 'offsets' | 'full';
  numberFormat: 'decimal' | 'hex' | 'both';
}

export const DEFAULT_SETTINGS: Settings = {
  arch: 'x86_64',
  config: '',
  buildDir: '',
  defines: [],
  includePaths: [],
  kernelRoot: '',
  files: [],
  matrix: false,
  inlayHints: 'offsets',
  numberFormat: 'decimal',
};

/** Settings as a client sent them (any shape) → valid settings; bad values fall back to defaults. */
export function normalizeSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const str = (k: keyof Settings) => (typeof r[k] === 'string' ? (r[k] as string) : (DEFAULT_SETTINGS[k] as string));
  const list = (k: keyof Settings) => (Array.isArray(r[k]) ? (r[k] as unknown[]).filter((x): x is string => typeof x === 'string') : []);
  const arch = typeof r.arch === 'string' && isAbiName(r.arch) ? r.arch : DEFAULT_SETTINGS.arch;
  const hints = r.inlayHints === 'off' || r.inlayHints === 'full' || r.inlayHints === 'offsets' ? r.inlayHints : DEFAULT_SETTINGS.inlayHints;
  const fmt = r.numberFormat === 'hex' || r.numberFormat === 'both' || r.numberFormat === 'decimal' ? r.numberFormat : DEFAULT_SETTINGS.numberFormat;
  return { arch, config: str('config'), buildDir: str('buildDir'), defines: list('defines'), includePaths: list('includePaths'), kernelRoot: str('kernelRoot'), files: list('files'), matrix: r.matrix === true, inlayHints: hints, numberFormat: fmt };
}

export interface AnalysisResult {
  analysis: Analysis;
  model: MemdescModel;
  setup: KernelSetup | undefined;
  /** The tree root in kernel mode. */
  root: string | undefined;
}

/** Walks up from a file to the kernel tree that contains it. */
export function findKernelRoot(file: string): string | undefined {
  let dir = path.dirname(file);
  for (let i = 0; i < 64; i++) {
    if (isKernelTree(dir)) return dir;
    const up = path.dirname(dir);
    if (up === dir) return undefined;
    dir = up;
  }
  return undefined;
}

export class Session {
  /** Open documents' texts by absolute path: they win over the disk. */
  readonly host = new OverlayHost();
  private readonly results = new Map<string, { stamp: string; result: AnalysisResult }>();
  private readonly caches = new Map<string, PreprocessCache>();
  private generation = 0;

  /** Something outside the open buffers changed (a .config, a build dir, settings): forget every result. */
  invalidateAll(): void {
    this.generation++;
    this.results.clear();
  }

  setBuffer(file: string, text: string | undefined): void {
    const p = path.normalize(file);
    if (text === undefined) this.host.overlay.delete(p);
    else this.host.overlay.set(p, text);
  }

  /** Which analysis serves this file, under these settings (a stable key for caching). */
  contextKey(file: string, settings: Settings): string {
    const root = settings.kernelRoot || findKernelRoot(file);
    const kind = root ? `kernel:${root}` : `file:${file}`;
    return JSON.stringify([kind, settings.arch, settings.config, settings.buildDir, settings.defines, settings.includePaths, settings.files, file.endsWith('.memdesc') ? file : '']);
  }

  analysisFor(file: string, settings: Settings): AnalysisResult {
    file = path.normalize(file);
    const key = this.contextKey(file, settings);
    // Any open buffer may be included by any analysis: the stamp covers them all.
    const stamp = `${this.generation}|${[...this.host.overlay].map(([p, t]) => `${p}:${t.length}:${hash(t)}`).join('|')}`;
    const hit = this.results.get(key);
    if (hit && hit.stamp === stamp) return hit.result;
    let cache = this.caches.get(key);
    if (!cache) this.caches.set(key, (cache = new PreprocessCache()));
    const result = this.compute(file, settings, cache);
    this.results.set(key, { stamp, result });
    return result;
  }

  private compute(file: string, settings: Settings, cache: PreprocessCache): AnalysisResult {
    const root = settings.kernelRoot || findKernelRoot(file);
    const defines = settings.defines.map((d) => {
      const eq = d.indexOf('=');
      return eq < 0 ? { name: d } : { name: d.slice(0, eq), value: d.slice(eq + 1) };
    });
    if (root) {
      const setup = kernelSetup(
        { root, arch: settings.arch, configFile: settings.config || undefined, buildDir: settings.buildDir || undefined, configOverrides: defines },
        this.host,
        cache,
      );
      const extra = [...settings.files.map((f) => path.resolve(root, f)), ...(setup.files.includes(file) || !file.endsWith('.memdesc') ? [] : [file])];
      const analysis = analyze([...setup.files, ...extra.filter((f) => fs.existsSync(f) || this.host.overlay.has(f))], { ...setup.options, includePaths: [...settings.includePaths, ...(setup.options.includePaths ?? [])] }, setup.host, cache);
      return { analysis, model: buildModel(analysis), setup, root };
    }
    const analysis = analyze([file], { arch: settings.arch, includePaths: settings.includePaths, defines }, this.host, cache);
    return { analysis, model: buildModel(analysis), setup: undefined, root: undefined };
  }

  /** Drop what belonged to a closed document. */
  forget(file: string): void {
    this.setBuffer(file, undefined);
  }
}

function hash(s: string): number {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return h >>> 0;
}
