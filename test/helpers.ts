// Test helpers: run the engine on in-memory sources.

import { AbiName } from '../server/src/engine/base/abi';
import { analyze, Analysis, AnalyzeOptions } from '../server/src/engine/analysis/analyze';
import { OverlayHost } from '../server/src/engine/base/host';
import { layoutJson, LayoutJson, StructJson } from '../server/src/engine/view/report';

export const VIRTUAL_ROOT = '/virtual-memdesc-test';

/** Analyse `files` (path → text, the first is the main file) without touching the disk. */
export function analyzeSources(files: Record<string, string>, arch: AbiName = 'x86_64', opts: Partial<AnalyzeOptions> = {}): Analysis {
  const host = new OverlayHost({ readFile: () => undefined, fileExists: () => false });
  const names = Object.keys(files);
  for (const n of names) host.overlay.set(`${VIRTUAL_ROOT}/${n}`, files[n]);
  return analyze([`${VIRTUAL_ROOT}/${names[0]}`], { arch, includePaths: [VIRTUAL_ROOT], ...opts }, host);
}

export function analyzeText(src: string, arch: AbiName = 'x86_64', opts: Partial<AnalyzeOptions> = {}): Analysis {
  return analyzeSources({ 't.h': src }, arch, opts);
}

export function json(src: string, arch: AbiName = 'x86_64', opts: Partial<AnalyzeOptions> = {}): LayoutJson {
  return layoutJson(analyzeText(src, arch, opts), (f) => f.path.replace(`${VIRTUAL_ROOT}/`, ''));
}

export function struct(j: LayoutJson, name: string): StructJson {
  const s = j.structs.find((x) => x.name === name);
  if (!s) throw new Error(`no struct ${name} in ${j.structs.map((x) => x.name).join(', ')}`);
  return s;
}

/** name → offset (or bitOffset for bitfields) */
export function offsets(s: StructJson): Record<string, number | null> {
  return Object.fromEntries(s.members.map((m) => [m.name, m.bitSize !== undefined ? (m.bitOffset ?? null) : m.offset]));
}

/** A small seeded random number generator (a linear congruential one): the same seed, the same sequence. */
export function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
