// The fuzzer: input generators (random bytes, mutations of kernel-shaped headers, the differential tests'
// random-declaration generator), the invariants every analysis must keep, the incremental engine's
// equivalence with a fresh analysis after each random edit, and a minimizer for what fails. Plain code,
// seeded and deterministic: a failure is reproduced by its seed and case number.
//
// Why not a fuzzing package: @jazzer.js/core 4 (the only current release) needs glibc 2.38 (this Debian has
// 2.36) and 2.x downloads its native fuzzer at install time, which cannot work here. fast-check serves where
// inputs are drawn values (token sequences, member lists, edit lists: properties.test.ts, which shrinks them);
// the campaign's inputs are existing texts mutated at the token level, minimized here by deleting tokens and
// lines (ddmin), which is what a reproduction of a parser bug needs.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze, Analysis, AnalyzeOptions } from '../../server/src/engine/analysis/analyze';
import { OverlayHost } from '../../server/src/engine/base/host';
import { IncrementalAnalysis } from '../../server/src/engine/analysis/incremental';
import { buildModel } from '../../server/src/engine/memdesc/memdesc';
import { PreprocessCache } from '../../server/src/engine/pp/preprocessor';
import { layoutJson, LayoutJson, StructJson } from '../../server/src/engine/view/report';
import { locationOf } from '../../server/src/engine/base/token';
import { codeLenses } from '../../server/src/features/codeLens';
import { diagnostics } from '../../server/src/features/diagnostics';
import { hover } from '../../server/src/features/hover';
import { inlayHints } from '../../server/src/features/inlayHints';
import { layoutModel } from '../../server/src/features/layout';
import { definition, references } from '../../server/src/features/navigation';
import { documentSymbols } from '../../server/src/features/symbols';
import { DEFAULT_SETTINGS } from '../../shared/settings';
import { AnalysisResult } from '../../server/src/session';
import { generate, Rng } from '../diff/generator';
import { MM_TYPES } from '../protocol/fixtures';

export { Rng };

export const ROOT = '/fuzz';

// ---- seeds: kernel-shaped headers of our own (no kernel source) ----

const repo = path.resolve(__dirname, '../../..');

/** A set of headers in the kernel's shapes: guards, config conditionals, macros, struct overlays and MATCH assertions. */
export const KERNELISH: Record<string, string> = {
  'types.h': `#ifndef _FZ_TYPES_H
#define _FZ_TYPES_H
typedef unsigned long ulong_t;
typedef unsigned int u32;
typedef struct { int counter; } atomic_t;
struct list_head { struct list_head *next, *prev; };
#define offsetof(T, m) __builtin_offsetof(T, m)
#define __aligned(x) __attribute__((aligned(x)))
#define __packed __attribute__((packed))
#define BITS_PER_LONG (8 * sizeof(long))
#define IS_ENABLED(x) __is_defined(x)
#define __is_defined(x) ___is_defined(x)
#define ___is_defined(val) ____is_defined(__ARG_PLACEHOLDER_##val)
#define __ARG_PLACEHOLDER_1 0,
#define ____is_defined(arg1_or_junk) __take_second_arg(arg1_or_junk 1, 0)
#define __take_second_arg(__ignored, val, ...) val
#define struct_group(NAME, MEMBERS...) union { struct { MEMBERS }; struct { MEMBERS } NAME; }
static inline int list_empty(const struct list_head *h) { return h->next == h; }
#endif
`,
  'config.h': `#ifndef _FZ_CONFIG_H
#define _FZ_CONFIG_H
#define CONFIG_MEMCG 1
#define CONFIG_64BIT 1
#define NR_PAGEFLAGS 22
#if NR_PAGEFLAGS > 20 && defined(CONFIG_64BIT)
#define PG_WIDE 1
#endif
#endif
`,
  'mm_types.h': `#ifndef _FZ_MM_TYPES_H
#define _FZ_MM_TYPES_H
#include "types.h"
#include "config.h"
struct page {
	ulong_t flags;
	union {
		struct {
			struct list_head lru;
			void *mapping;
			ulong_t index;
		};
		struct { ulong_t compound_head; unsigned char order; };
		struct_group(grp, u32 a; u32 b;);
	};
	ulong_t private;
	union { atomic_t _mapcount; unsigned int page_type; };
	atomic_t _refcount;
#ifdef CONFIG_MEMCG
	ulong_t memcg_data;
#elif defined(PG_WIDE)
	u32 wide[2];
#endif
	unsigned int bits : 3, more : 7;
} __aligned(2 * sizeof(unsigned long));
#define FOLIO_MATCH(pg, fl) _Static_assert(offsetof(struct page, pg) == offsetof(struct folio, fl), "folio " #fl)
struct folio {
	union {
		struct { ulong_t flags; struct list_head lru; void *mapping; ulong_t index; ulong_t private; atomic_t _mapcount; atomic_t _refcount;
#ifdef CONFIG_MEMCG
			ulong_t memcg_data;
#endif
		};
		struct page page;
	};
	struct page __page_1;
	char pad[BITS_PER_LONG / 8];
};
FOLIO_MATCH(flags, flags);
FOLIO_MATCH(lru, lru);
FOLIO_MATCH(_refcount, _refcount);
#if IS_ENABLED(CONFIG_MEMCG)
FOLIO_MATCH(memcg_data, memcg_data);
#endif
static inline ulong_t page_flags(struct page *p) { return p->flags; }
#endif
`,
  'slab.h': `#include "mm_types.h"
#define SLAB_MATCH(pg, sl) _Static_assert(offsetof(struct page, pg) == offsetof(struct slab, sl), #sl)
enum slab_state { DOWN, PARTIAL, UP = 1 << 4, FULL };
struct slab {
	ulong_t flags;
	struct list_head slab_list;
	void *freelist;
	union { ulong_t counters; struct { unsigned inuse:16, objects:15, frozen:1; }; };
	atomic_t __page_refcount;
	enum slab_state state;
	char name[0];
} __packed;
SLAB_MATCH(flags, flags);
SLAB_MATCH(compound_head, slab_list);
SLAB_MATCH(_refcount, __page_refcount);
_Static_assert(sizeof(struct slab) <= sizeof(struct page), "slab fits");
static inline struct slab *page_slab(struct page *p) { return (struct slab *)p; }
`,
};
export const KERNELISH_MAINS = ['mm_types.h', 'slab.h'];

/** Single-file seeds for mutation. */
export function seedTexts(): string[] {
  const seeds = [fs.readFileSync(path.join(repo, 'examples/page-sketch.h'), 'utf8'), MM_TYPES.replace('#include <linux/kconfig.h>\n', ''), ...Object.values(KERNELISH)];
  for (const f of fs.readdirSync(path.join(repo, 'test/diff/corpus')).sort()) seeds.push(fs.readFileSync(path.join(repo, 'test/diff/corpus', f), 'utf8'));
  return seeds;
}

// ---- generators and mutators ----

export function randomBytes(r: Rng, max: number): string {
  const len = r.int(max);
  let s = '';
  // Mostly bytes, sometimes C's punctuation and keywords, so the lexer's and parser's paths are both reached.
  const words = ['struct', 'union', '{', '}', ';', '#', '#define', '#if', '#endif', '(', ')', '"', "'", '/*', '*/', '\\', '\n', 'int', ':', '[', ']', '__attribute__', '##', '...'];
  while (s.length < len) s += r.chance(0.8) ? String.fromCharCode(r.int(256)) : r.pick(words);
  return s;
}

const TOKEN = /\s+|\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|[A-Za-z_][A-Za-z_0-9]*|0[xX][0-9a-fA-F]+[uUlL]*|[0-9]+[uUlL]*|##|->|<<|>>|\.\.\.|[^\s]/g;

export function tokenize(text: string): string[] {
  return text.match(TOKEN) ?? [];
}

const EXTRAS = ['{', '}', '(', ')', '[', ']', ';', ':', ',', '*', '#if 1\n', '#if 0\n', '#else\n', '#endif\n', '#ifdef CONFIG_MEMCG\n', '#undef CONFIG_MEMCG\n', '\n#define CONFIG_MEMCG 0\n', '\n#define X X X\n', '\n#define offsetof(a, b) 0\n', '\n#define ulong_t char\n', '\n#define struct union\n', '__attribute__((packed))', '__attribute__((aligned(64)))', '"', "'", '/*', '*/', '\\\n', '#include "types.h"\n', '#include "slab.h"\n', '_Static_assert(1, "x");', 'struct page', 'union {', 'int x : 3;', '[0]', '[-1]', '[1ULL<<62]', '__VA_ARGS__', '##', '#', 'sizeof(struct page)', ' typedef ', 'enum e { A = 1 << 40 };'];

/** A token-level mutation: deletion, duplication, splicing from another text, inserted imbalance or redefinition. */
export function mutate(text: string, r: Rng, donors: string[]): string {
  const t = tokenize(text);
  const edits = 1 + r.int(6);
  for (let k = 0; k < edits; k++) {
    const at = r.int(t.length + 1);
    switch (r.int(6)) {
      case 0:
        t.splice(at, 1 + r.int(4));
        break;
      case 1: {
        const from = r.int(Math.max(1, t.length));
        t.splice(at, 0, ...t.slice(from, from + 1 + r.int(8)));
        break;
      }
      case 2: {
        const d = tokenize(r.pick(donors));
        const from = r.int(Math.max(1, d.length));
        t.splice(at, 0, ...d.slice(from, from + 1 + r.int(30)));
        break;
      }
      case 3:
      case 4:
        t.splice(at, 0, r.pick(EXTRAS));
        break;
      default: {
        // Swap two tokens.
        const b = r.int(Math.max(1, t.length));
        [t[at], t[b]] = [t[b], t[at]];
      }
    }
  }
  return t.join('');
}

/** Random declarations of the differential tests' generator (valid C, every layout construct). */
export function generated(r: Rng): string {
  return generate(r.int(2 ** 31), 1 + r.int(6), { abi: 'x86_64' }).source;
}

// ---- invariants ----

export interface Violation {
  invariant: string;
  detail: string;
}

const rel = (f: { path: string }) => (f.path.startsWith(ROOT + '/') ? f.path.slice(ROOT.length + 1) : f.path);

/** Checks one analysis; returns every invariant it breaks. */
export function invariants(a: Analysis): Violation[] {
  const out: Violation[] = [];
  const bad = (invariant: string, detail: string) => out.length < 20 && out.push({ invariant, detail });
  let j: LayoutJson;
  try {
    j = layoutJson(a, rel);
  } catch (e) {
    bad('report never throws', String((e as Error).stack ?? e));
    return out;
  }
  for (const p of a.problems) {
    if (p.code === 'internal-error') bad('no internal errors', p.message);
    if (!p.file) continue;
    if (!(p.offset >= 0 && p.offset <= p.end && p.end <= p.file.text.length)) bad('positions inside the document', `${p.code} at ${p.offset}-${p.end} of ${p.file.text.length}`);
  }
  // Lines end at \n, \r\n or \r, as in LSP.
  const lines = new Map(a.files.map((f) => [rel(f), f.text.split(/\r\n|\r|\n/).length]));
  const inDoc = (file: string, line: number, column = 1) => {
    const n = lines.get(file);
    return n === undefined || (line >= 1 && line <= n && column >= 1);
  };
  for (const d of j.diagnostics) if (!inDoc(d.file, d.line, d.column)) bad('positions inside the document', `diagnostic ${d.code} at ${d.file}:${d.line}:${d.column}`);
  for (const s of j.asserts) if (!inDoc(s.file, s.line)) bad('positions inside the document', `assertion at ${s.file}:${s.line}`);
  const inside = (where: string, file: string, size: number | null, members: StructJson['members']) => {
    for (const m of members) {
      // A member's line may be in another file (a struct body can run on into the next header): only its range here.
      if (!(m.line >= 1)) bad('positions inside the document', `${where}.${m.name} at line ${m.line}`);
      if (size === null) continue;
      if (m.bitSize !== undefined && m.bitOffset !== undefined && m.bitOffset !== null) {
        if (m.bitOffset < 0 || m.bitOffset + m.bitSize > size * 8) bad('members inside their struct', `${where}.${m.name}: bits ${m.bitOffset}+${m.bitSize} of ${size * 8}`);
      } else if (m.offset !== null && m.size !== null && (m.offset < 0 || m.offset + m.size > size)) bad('members inside their struct', `${where}.${m.name}: ${m.offset}+${m.size} of ${size}`);
      if (m.inner) inside(`${where}.${m.name}`, file, m.inner.size, m.inner.members);
    }
  };
  for (const s of j.structs) {
    if (!inDoc(s.file, s.line)) bad('positions inside the document', `struct ${s.name} at ${s.file}:${s.line}`);
    inside(s.name, s.file, s.size, s.members);
  }
  for (const def of a.parse.records) {
    if (def.kind !== 'union') continue;
    for (const f of a.layouter.layout(def).fields) if (f.bitOffset !== undefined && f.bitOffset !== 0) bad('union members start at the union', `${def.tag ?? '(anonymous)'}.${f.member.name}: bit ${f.bitOffset}`);
  }
  return out;
}

/** Everything an analysis says, to compare two analyses: tokens with positions, layouts, assertions, diagnostics. */
export function digest(a: Analysis): string {
  const toks = a.tokens.map((t, i) => {
    const l = locationOf(t, a.exps[i]);
    const p = l.file.position(l.offset);
    return `${t.kind}:${t.text}:${a.spaces[i] ? 1 : 0}:${rel(l.file)}:${p.line}:${p.column}`;
  });
  return JSON.stringify({ toks, json: layoutJson(a, rel) });
}

/** The language server's features on an analysis, at random positions: none may throw. */
export function features(a: Analysis, file: string, r: Rng): Violation[] {
  const out: Violation[] = [];
  const result: AnalysisResult = {
    analysis: a,
    model: buildModel(a),
    setup: undefined,
    root: undefined,
    context: { key: 'fuzz', kind: 'file', arch: 'x86_64', defines: [], includePaths: [ROOT], files: [file], globsTruncated: false, quiet: false },
    stamp: 'fuzz',
    ms: 0,
  };
  const text = a.files.find((f) => f.path === file)?.text ?? '';
  const lines = text.split('\n');
  const settings = { ...DEFAULT_SETTINGS, inlayHints: 'full' as const, numberFormat: 'both' as const };
  const run = (what: string, f: () => unknown) => {
    try {
      f();
    } catch (e) {
      out.push({ invariant: 'features never throw', detail: `${what}: ${String((e as Error).stack ?? e)}` });
    }
  };
  run('diagnostics', () => diagnostics(result, file));
  run('documentSymbols', () => documentSymbols(result, file, settings));
  run('codeLenses', () => codeLenses(result, file, settings));
  run('layoutModel', () => layoutModel(result));
  run('inlayHints', () => inlayHints(result, file, { start: { line: 0, character: 0 }, end: { line: lines.length + 5, character: 0 } }, settings));
  for (let k = 0; k < 12; k++) {
    const line = r.int(lines.length + 2);
    const position = { line, character: r.int((lines[line]?.length ?? 3) + 3) };
    run(`hover ${line}:${position.character}`, () => hover(result, file, position, settings));
    run(`definition ${line}:${position.character}`, () => definition(result, file, position));
    run(`references ${line}:${position.character}`, () => references(result, file, position, true));
  }
  return out;
}

// ---- running one input ----

const OPTIONS: AnalyzeOptions = { arch: 'x86_64', includePaths: [ROOT] };

export function hostOf(files: Record<string, string>): OverlayHost {
  const host = new OverlayHost({ readFile: () => undefined, fileExists: () => false });
  for (const [n, t] of Object.entries(files)) host.overlay.set(`${ROOT}/${n}`, t);
  return host;
}

export interface CaseResult {
  violations: Violation[];
  ms: number;
  bytes: number;
  tokens: number;
}

/**
 * One input, every invariant: analyze never throws, keeps the invariants, gives the same answer twice (offsets
 * stable under re-analysis), and the server's features answer on it. `main` is the first file.
 */
export function runCase(files: Record<string, string>, r: Rng, opts: { features?: boolean } = {}): CaseResult {
  const t0 = performance.now();
  const bytes = Object.values(files).reduce((n, t) => n + t.length, 0);
  const main = `${ROOT}/${Object.keys(files)[0]}`;
  const violations: Violation[] = [];
  let a: Analysis;
  try {
    a = analyze([main], OPTIONS, hostOf(files), new PreprocessCache());
  } catch (e) {
    return { violations: [{ invariant: 'analyze never throws', detail: String((e as Error).stack ?? e) }], ms: performance.now() - t0, bytes, tokens: 0 };
  }
  violations.push(...invariants(a));
  try {
    const again = analyze([main], OPTIONS, hostOf(files), new PreprocessCache());
    if (JSON.stringify(layoutJson(again, rel)) !== JSON.stringify(layoutJson(a, rel))) violations.push({ invariant: 'offsets stable under re-analysis', detail: 'a second analysis of the same input differs' });
    violations.push(...skimmingChangesNothing(files));
  } catch (e) {
    violations.push({ invariant: 'analyze never throws', detail: `second run: ${String((e as Error).stack ?? e)}` });
  }
  if (opts.features !== false) violations.push(...features(a, main, r));
  return { violations, ms: performance.now() - t0, bytes, tokens: a.tokens.length };
}

/**
 * The input included from another file (so that its function declarations are skimmed, not parsed) gives the same
 * structs, layouts and assertion verdicts as when everything is parsed in full, when it has no errors.
 */
function skimmingChangesNothing(files: Record<string, string>): Violation[] {
  const withWrapper = { 'wrapper.c': `#include "${Object.keys(files)[0]}"\n`, ...files };
  const wrapper = `${ROOT}/wrapper.c`;
  const opts: AnalyzeOptions = { ...OPTIONS, assertScope: 'all' };
  const skimmed = analyze([wrapper], opts, hostOf(withWrapper), new PreprocessCache());
  const full = analyze([wrapper], { ...opts, skimIncludedPrototypes: false }, hostOf(withWrapper), new PreprocessCache());
  // On malformed declarations the skim and the full parse may recover at different places (both are bounded and
  // consistent with themselves); the claim is about well-formed code.
  if (full.problems.some((p) => p.severity === 'error')) return [];
  const view = (x: Analysis) => {
    const j = layoutJson(x, rel);
    return JSON.stringify({ structs: j.structs, asserts: j.asserts });
  };
  const a = view(skimmed);
  const b = view(full);
  if (a === b) return [];
  let i = 0;
  while (a[i] === b[i]) i++;
  return [{ invariant: 'skimming included function declarations changes no layout or verdict', detail: `differs at\n  skimmed: ${a.slice(Math.max(0, i - 150), i + 150)}\n  full:    ${b.slice(Math.max(0, i - 150), i + 150)}` }];
}

/** An incremental analysis of `mains` among `base` (copied: the caller edits it), or why it could not start. */
function startIncremental(base: Record<string, string>, mains: string[]): { texts: Record<string, string>; host: OverlayHost; mainPaths: string[]; inc: IncrementalAnalysis } | Violation {
  const texts = { ...base };
  const host = hostOf(texts);
  const mainPaths = mains.map((m) => `${ROOT}/${m}`);
  try {
    return { texts, host, mainPaths, inc: new IncrementalAnalysis(mainPaths, OPTIONS, host, new PreprocessCache()) };
  } catch (e) {
    return { invariant: 'analyze never throws', detail: `incremental start: ${String((e as Error).stack ?? e)}` };
  }
}

/**
 * A chain of random edits to a set of files, followed by an incremental analysis; after each edit it must equal
 * a fresh analysis (token by token with positions, layouts, assertions, diagnostics) and keep the invariants.
 */
export function runIncrementalChain(base: Record<string, string>, mains: string[], r: Rng, steps: number, donors: string[]): { violations: Violation[]; steps: number; incremental: number; ms: number; slowestEditMs: number; repro?: { before: Record<string, string>; edited: string; after: string } } {
  const t0 = performance.now();
  const started = startIncremental(base, mains);
  if ('invariant' in started) return { violations: [started], steps: 0, incremental: 0, ms: performance.now() - t0, slowestEditMs: 0 };
  const { texts, host, mainPaths, inc } = started;
  let incremental = 0;
  let slowestEditMs = 0;
  for (let step = 0; step < steps; step++) {
    const before = { ...texts };
    const names = Object.keys(texts);
    const name = r.pick(names);
    const roll = r.next();
    texts[name] = roll < 0.1 ? base[name] : roll < 0.55 ? mutate(texts[name], r, donors) : charEdit(texts[name], r);
    host.overlay.set(`${ROOT}/${name}`, texts[name]);
    // Before following the edit: a replay of the previous run under the edited files equals a fresh analysis.
    const rv = replayEqualsFresh(inc, host, mainPaths);
    if (rv.length) return { violations: rv, steps: step + 1, incremental, ms: performance.now() - t0, slowestEditMs, repro: { before, edited: name, after: texts[name] } };
    const v = updateEqualsFresh(inc, host, mainPaths, name, (ms) => (slowestEditMs = Math.max(slowestEditMs, ms)));
    if (inc.lastStats.mode === 'incremental') incremental++;
    if (v.length) return { violations: v, steps: step + 1, incremental, ms: performance.now() - t0, slowestEditMs, repro: { before, edited: name, after: texts[name] } };
  }
  return { violations: [], steps, incremental, ms: performance.now() - t0, slowestEditMs };
}

/** The host's files changed since `inc` last ran: its replay under them equals a fresh analysis. */
function replayEqualsFresh(inc: IncrementalAnalysis, host: OverlayHost, mainPaths: string[]): Violation[] {
  let a: Analysis;
  try {
    a = inc.replayed().analysis;
  } catch (e) {
    return [{ invariant: 'analyze never throws', detail: `replay: ${String((e as Error).stack ?? e)}` }];
  }
  const b = analyze(mainPaths, OPTIONS, host, new PreprocessCache());
  const da = digest(a);
  const db = digest(b);
  if (da === db) return [];
  let i = 0;
  while (da[i] === db[i]) i++;
  return [{ invariant: 'a replay under changed files equals a fresh analysis', detail: `differs at\n  replay: ${da.slice(Math.max(0, i - 120), i + 120)}\n  fresh:  ${db.slice(Math.max(0, i - 120), i + 120)}` }];
}

/** After `name` changed in `host`: the incremental update equals a fresh analysis and keeps the invariants. */
function updateEqualsFresh(inc: IncrementalAnalysis, host: OverlayHost, mainPaths: string[], name: string, took?: (ms: number) => void): Violation[] {
  let a: Analysis;
  try {
    const t0 = performance.now();
    a = inc.update([`${ROOT}/${name}`]);
    took?.(performance.now() - t0);
  } catch (e) {
    return [{ invariant: 'analyze never throws', detail: `incremental update: ${String((e as Error).stack ?? e)}` }];
  }
  let b: Analysis;
  try {
    b = analyze(mainPaths, OPTIONS, host, new PreprocessCache());
  } catch (e) {
    return [{ invariant: 'analyze never throws', detail: String((e as Error).stack ?? e) }];
  }
  const da = digest(a);
  const db = digest(b);
  if (da !== db) {
    let i = 0;
    while (da[i] === db[i]) i++;
    return [{ invariant: 'incremental equals fresh', detail: `differs at\n  incremental: ${da.slice(Math.max(0, i - 120), i + 120)}\n  fresh:       ${db.slice(Math.max(0, i - 120), i + 120)}` }];
  }
  return invariants(a);
}

/**
 * Given edits (cut `cut` characters at `at`, modulo the length, and insert), one after another, each checked.
 * Also says how many updates took the incremental path (a comparison of full re-runs would test nothing).
 */
export function runIncrementalEdit(base: Record<string, string>, mains: string[], edits: Array<{ file: string; at: number; cut: number; insert: string }>): { violations: Violation[]; updates: number; incremental: number } {
  const started = startIncremental(base, mains);
  if ('invariant' in started) return { violations: [started], updates: 0, incremental: 0 };
  const { texts, host, mainPaths, inc } = started;
  let updates = 0;
  let incremental = 0;
  for (const e of edits) {
    const t = texts[e.file];
    const at = e.at % (t.length + 1);
    texts[e.file] = t.slice(0, at) + e.insert + t.slice(at + e.cut);
    host.overlay.set(`${ROOT}/${e.file}`, texts[e.file]);
    const v = updateEqualsFresh(inc, host, mainPaths, e.file);
    updates++;
    if (inc.lastStats.mode === 'incremental') incremental++;
    if (v.length) return { violations: v, updates, incremental };
  }
  return { violations: [], updates, incremental };
}

const SNIPPETS = ['\n', ' ', ';', '{', '}', '(', ')', 'int x;', '#define Q 3\n', '\n#endif\n', '\n#else\n', '#ifdef CONFIG_MEMCG\n', '\n#if 0\n', 'ulong_t', 'struct page', 'atomic_t y;', '/*', '*/', '"', '[Q]', ':3', 'inline', 'FOLIO_MATCH(index, index);', '__aligned(8)', '#include "config.h"\n', '\n#undef CONFIG_MEMCG\n', '\n#define FOLIO_MATCH(a, b)\n', '\n#pragma once\n', '\\\n'];

/** A character-level edit, as typing does: insert a snippet, or delete a short range. */
export function charEdit(text: string, r: Rng): string {
  const at = r.int(text.length + 1);
  if (r.chance(0.55)) return text.slice(0, at) + r.pick(SNIPPETS) + text.slice(at);
  return text.slice(0, at) + text.slice(at + 1 + r.int(12));
}

// ---- minimizing a failing input ----

/** ddmin over tokens, then lines: the smallest input for which `fails` still holds. */
export function minimize(text: string, fails: (t: string) => boolean, budget = 2000): string {
  let units = tokenize(text);
  let tries = 0;
  for (let n = 2; units.length >= 2 && tries < budget; ) {
    const chunk = Math.ceil(units.length / n);
    let reduced = false;
    for (let i = 0; i < units.length && tries < budget; i += chunk) {
      const attempt = [...units.slice(0, i), ...units.slice(i + chunk)];
      tries++;
      if (fails(attempt.join(''))) {
        units = attempt;
        n = Math.max(n - 1, 2);
        reduced = true;
        break;
      }
    }
    if (!reduced) {
      if (chunk === 1) break;
      n = Math.min(units.length, n * 2);
    }
  }
  return units.join('');
}
