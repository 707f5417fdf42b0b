// Every configuration: for each layout assertion of the memdesc set, its verdict over every valid configuration of
// an arch, or the nearest configuration that breaks it, with a full valid .config, both offsets and why the member
// moved. Configurations are searched by path: each analysis (a journalled run under the arch's defconfig with some
// symbols changed) tells, per assertion, which Kconfig symbols its verdict read there (analysis/relevance.ts), and
// every configuration that agrees on those symbols gives the same verdict, so that whole cube is blocked in the
// SAT search (engine/kconfig) and never analysed. The search ends when no valid assignment is left unblocked: the
// assertion holds everywhere, or a valid cube fails it, which the analysis of its completed .config confirms.

import * as path from 'node:path';
import { AbiName } from '../base/abi';
import { DiskHost, FileHost } from '../base/host';
import { Analysis, AssertVerdict } from '../analysis/analyze';
import { IncrementalAnalysis } from '../analysis/incremental';
import type { Relevance } from '../analysis/relevance';
import { archSpace, type ArchSpace, type KconfigHost, type KconfigProblem } from '../kconfig';
import type { Assignment, AssignmentSearch } from '../kconfig/sat';
import { PreprocessCache } from '../pp/preprocessor';
import { FlatMember } from '../sema/layout';
import type { Expr } from '../sema/expr';
import type { RecordDef } from '../sema/types';
import { boundsAsserts, BoundsAnalyzer, kernelSetup, KernelSetup } from './kernel';

export interface ExploreRequest {
  /** The kernel tree (absolute). */
  root: string;
  abi: AbiName;
  kconfigHost: KconfigHost;
  host?: FileHost;
  cache?: PreprocessCache;
  /** .config texts made by the user's toolchain for this arch: toolchain probes take their values from them. */
  configs?: string[];
  /** Wall-clock budget (ms) for this arch; what is not explored in it is reported as not covered. */
  budgetMs?: number;
  /** Extra files analysed with the memdesc set (a sketch, memdesc.files). */
  files?: string[];
  /** Only these assertions (absolute file path and 1-based line); default: every assertion of the memdesc set. */
  only?: Array<{ file: string; line: number }>;
  onProgress?: (message: string, done: number, total: number) => void;
  /** Asked between analyses: true stops the exploration as the end of its budget would (a caller cancelling it). */
  cancelled?: () => boolean;
}

export interface Counterexample {
  /** The symbols that differ from the arch's defconfig among those the verdict read (CONFIG_X: y, n, m or a value). */
  assignment: Record<string, string>;
  /** A full valid .config for it: olddefconfig of the arch's defconfig plus the assignment. */
  config: string;
  /** The two sides the assertion compares (offsets, or sizes), under that config. */
  offsets: [number | null, number | null];
  /** Why: what differs in the layouts from the defconfig's, member by member, and under which #if. */
  why: string;
  /** The verdict's own detail under that config. */
  detail: string;
}

export interface ExploredAssertion {
  /** Absolute path, 1-based line. */
  file: string;
  line: number;
  text: string;
  abi: AbiName;
  /** The Kconfig symbols (without CONFIG_) its verdict read in some configuration and that can change on this arch. */
  symbols: string[];
  /** true: holds in every valid configuration; false: a counterexample; null: not decided (budget, or unknown). */
  holds: boolean | null;
  /** Distinct cases analysed for it (cubes: configurations that agree on what the verdict read). */
  cases: number;
  counterexample?: Counterexample;
  /** Why it is undecided, when it is. */
  note?: string;
}

/** One distinct layout of the compared records met during the search. */
export interface ExploredLayout {
  /** Symbols changed from the defconfig (CONFIG_X: value); empty for the defconfig itself. */
  assignment: Record<string, string>;
  /** Records whose layout differs from the defconfig's here. */
  differs: string[];
}

export interface ExploreResult {
  abi: AbiName;
  /** The arch's defconfig (after olddefconfig): the base of every answer. */
  defconfig: string | undefined;
  asserts: ExploredAssertion[];
  /** The distinct layouts found, the defconfig's first. */
  layouts: ExploredLayout[];
  kconfigProblems: KconfigProblem[];
  /** Configurations analysed, and wall time. */
  analyses: number;
  ms: number;
  /** Whether every assertion was decided within the budget. */
  complete: boolean;
}

/** An assertion's place: its file and the offset of its outermost invocation. */
interface Site {
  key: string;
  file: string;
  offset: number;
  line: number;
  text: string | undefined;
}

/** What one analysed configuration says about one site: its verdict (undefined: absent) and the cube it read. */
interface SiteCase {
  verdict: AssertVerdict | undefined;
  /** The changeable symbols the verdict (or the absence) read, with their values in this configuration. */
  cube: Assignment;
}

/** One analysed configuration. */
class Outcome {
  constructor(
    /** The symbols set away from the defconfig (as the search gave them). */
    readonly changed: Assignment,
    readonly cases: Map<string, SiteCase>,
    /** The compared records' layouts, one line each, for telling distinct layouts apart. */
    readonly layouts: Map<string, string>,
  ) {}
}

const siteKey = (file: string, offset: number) => `${file}:${offset}`;

/** Explores one arch. Never throws for bad input: what cannot be done is said in the result. */
export function exploreArch(req: ExploreRequest): ExploreResult {
  const t0 = performance.now();
  const progress = req.onProgress ?? (() => undefined);
  progress(`${req.abi}: reading Kconfig`, 0, 1);
  const space = archSpace(req.kconfigHost, req.root, req.abi, { configs: req.configs });
  const result: ExploreResult = { abi: req.abi, defconfig: space?.defconfig?.config, asserts: [], layouts: [], kconfigProblems: space?.model.problems ?? [], analyses: 0, ms: 0, complete: false };
  if (space?.defconfig) new Explorer(req, space, t0 + (req.budgetMs ?? 60_000), progress).run(result);
  result.ms = performance.now() - t0;
  return result;
}

class Explorer {
  private readonly host: FileHost;
  private readonly cache: PreprocessCache;
  private readonly defconfig: string;
  private readonly sites = new Map<string, Site>();
  private readonly outcomes: Outcome[] = [];
  private readonly byChange = new Map<string, Outcome>();
  private readonly changeableCache = new Map<string, boolean>();
  /** The defconfig's analysis: the reference "why" compares against. */
  private baseAnalysis: Analysis | undefined;
  analyses = 0;

  constructor(
    private readonly req: ExploreRequest,
    private readonly space: ArchSpace,
    private readonly deadline: number,
    private readonly progress: (message: string, done: number, total: number) => void,
  ) {
    this.host = req.host ?? new DiskHost();
    this.cache = req.cache ?? new PreprocessCache();
    this.defconfig = space.defconfig!.config;
  }

  run(result: ExploreResult): void {
    this.progress(`${this.req.abi}: analysing the defconfig`, 0, 1);
    const base = this.analyse(new Map());
    this.addCandidateSites();
    const wanted = [...this.sites.values()].filter((s) => !this.req.only || this.req.only.some((o) => path.resolve(o.file) === s.file && o.line === s.line));
    let complete = true;
    let done = 0;
    for (const site of wanted) {
      this.progress(`${this.req.abi}: ${site.text ?? `${path.basename(site.file)}:${site.line}`}`, done++, wanted.length);
      const r = this.exploreSite(site);
      if (!r) continue;
      if (r.holds === null) complete = false;
      result.asserts.push(r);
    }
    result.analyses = this.analyses;
    result.complete = complete;
    result.layouts = this.distinctLayouts(base);
  }

  /**
   * Assertion places of the main files that no configuration analysed so far has (inside a group of another
   * configuration): found in the text, so that the search can look for a configuration that has them.
   */
  private addCandidateSites(): void {
    for (const f of this.files()) {
      const text = this.host.readFile(f);
      if (text === undefined) continue;
      const code = blankComments(text);
      for (const m of code.matchAll(/\b(?:static_assert|_Static_assert|[A-Z][A-Z0-9_]*_MATCH\d?)\s*\(/g)) {
        const at = m.index!;
        const lineStart = code.lastIndexOf('\n', at - 1) + 1;
        // A macro's definition (its #define line or a continuation of one) is not an assertion.
        if (/^\s*#/.test(code.slice(lineStart, at)) || /\\\s*$/.test(code.slice(Math.max(0, code.lastIndexOf('\n', lineStart - 2) + 1), Math.max(0, lineStart - 1)))) continue;
        const key = siteKey(f, at);
        if (!this.sites.has(key)) this.sites.set(key, { key, file: f, offset: at, line: lineOf(text, at), text: undefined });
      }
    }
  }

  private files(): string[] {
    const setup = this.setup(new Map(), undefined);
    return [...setup.files, ...(this.req.files ?? []).map((f) => path.resolve(f))];
  }

  /** Whether a symbol the model knows can take more than one value in a valid configuration of this arch. */
  private changeable(name: string): boolean {
    let c = this.changeableCache.get(name);
    if (c === undefined) {
      const sym = this.space.model.byName.get(name);
      c = false;
      if (sym && sym.type !== 'unknown') {
        try {
          c = this.space.sat.enumerate([name], [], 2).assignments.length > 1;
        } catch {
          // a symbol the encoding cannot express: treated as fixed, as the defconfig has it
        }
      }
      this.changeableCache.set(name, c);
    }
    return c;
  }

  private setup(changed: Assignment, boundsAnalyzer: BoundsAnalyzer | undefined): KernelSetup {
    const overrides = [...changed].map(([name, v]) => {
      if (v === 'n' || v === '') return { undef: name };
      const s = this.space.model.byName.get(name);
      return { name, value: s?.type === 'string' ? JSON.stringify(v) : v };
    });
    return kernelSetup({ root: this.req.root, arch: this.req.abi, configText: { text: this.defconfig, source: 'defconfig' }, configOverrides: overrides, boundsAnalyzer }, this.host, this.cache);
  }

  /** The analysis of the defconfig with `changed` applied (once per distinct change). */
  private analyse(changed: Assignment): Outcome {
    const k = [...changed].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, v]) => `${n}=${v}`).join('\n');
    const known = this.byChange.get(k);
    if (known) return known;
    let bounds: IncrementalAnalysis | undefined;
    const setup = this.setup(changed, (files, options, h, c) => (bounds = new IncrementalAnalysis(files, options, h, c)).analysis);
    const inc = new IncrementalAnalysis([...setup.files, ...(this.req.files ?? [])], setup.options, setup.host, this.cache);
    this.analyses++;
    const a = inc.analysis;
    if (!this.baseAnalysis) this.baseAnalysis = a;
    // bounds.h's values (NR_PAGEFLAGS, MAX_NR_ZONES...) come from kernel/bounds.c: what each of them read counts as read by a verdict that reads the value.
    const boundsSymbols = new Map<string, string[]>();
    if (bounds) for (const [name, vs] of boundsAsserts(bounds.analysis)) boundsSymbols.set(name, bounds.relevance([], vs).symbols());
    const valueOf = (n: string) => changed.get(n) ?? this.space.sat.baseValue(n) ?? 'n';
    const cubeOf = (rel: Relevance | undefined): Assignment => {
      const names = new Set<string>(setup.configReads);
      if (rel) {
        for (const n of rel.symbols()) names.add(n);
        for (const m of rel.macros()) for (const n of boundsSymbols.get(m) ?? []) names.add(n);
      }
      const cube: Assignment = new Map();
      for (const n of [...names].sort()) if (this.changeable(n)) cube.set(n, valueOf(n));
      return cube;
    };
    const cases = new Map<string, SiteCase>();
    const layouts = new Map<string, string>();
    for (const v of a.asserts) {
      const file = v.file.path;
      if (!setup.files.includes(file) && !(this.req.files ?? []).some((f) => path.resolve(f) === file)) continue;
      const key = siteKey(file, v.offset);
      if (!this.sites.has(key)) this.sites.set(key, { key, file, offset: v.offset, line: v.file.position(v.offset).line, text: v.text });
      else this.sites.get(key)!.text ??= v.text;
      cases.set(key, { verdict: v, cube: cubeOf(inc.relevance([], [v])) });
      for (const r of recordsOf(a, v)) {
        const name = `${r.kind} ${r.tag ?? '<anonymous>'}`;
        if (!layouts.has(name)) layouts.set(name, flatOf(a, r).map((m) => `${m.name}@${m.bitOffset}:${m.size}`).join(' '));
      }
    }
    for (const site of this.sites.values()) {
      if (cases.has(site.key)) continue;
      const rel = inc.relevanceAt(site.file, site.offset);
      // Not entered at all: what kept the file out is unknown, so this case covers this exact assignment only.
      cases.set(site.key, { verdict: undefined, cube: rel ? cubeOf(rel) : new Map(changed) });
    }
    const o = new Outcome(changed, cases, layouts);
    this.outcomes.push(o);
    this.byChange.set(k, o);
    return o;
  }

  /** The case an outcome makes for a site (a site found after the outcome was analysed has none: undefined). */
  private caseOf(o: Outcome, site: Site): SiteCase | undefined {
    return o.cases.get(site.key);
  }

  private exploreSite(site: Site): ExploredAssertion | undefined {
    const symbols = new Set<string>();
    const search: AssignmentSearch = this.space.sat.search([]);
    let cases = 0;
    const take = (c: SiteCase) => {
      const added = [...c.cube.keys()].filter((n) => !symbols.has(n));
      for (const n of added) symbols.add(n);
      if (added.length) search.extend(added);
      search.block(c.cube);
      cases++;
    };
    let present = false;
    let unknown: string | undefined;
    let failing: { o: Outcome; c: SiteCase } | undefined;
    const consider = (o: Outcome): void => {
      const c = this.caseOf(o, site);
      if (!c) return;
      take(c);
      if (!c.verdict) return;
      present = true;
      if (c.verdict.holds === null) unknown ??= c.verdict.detail;
      else if (c.verdict.holds === false && !failing && this.space.sat.satisfiable([...c.cube].map(([n, v]) => this.space.sat.equals(n, v)))) failing = { o, c };
    };
    for (const o of this.outcomes) consider(o);
    let counterexample: Counterexample | undefined;
    let note: string | undefined;
    const inconsistent: string[] = [];
    try {
      for (;;) {
        if (failing) {
          const f: { o: Outcome; c: SiteCase } = failing;
          counterexample = this.confirm(site, f.c);
          if (counterexample) break;
          inconsistent.push(describe(f.c.cube));
          failing = undefined;
        }
        if (performance.now() > this.deadline) {
          note = `the time budget ended after ${cases} cases`;
          break;
        }
        if (this.req.cancelled?.()) {
          note = `cancelled after ${cases} cases`;
          break;
        }
        const next = search.next();
        if (!next) break;
        // Symbols the search does not set keep their defconfig values.
        const changed: Assignment = new Map();
        for (const [n, v] of next) if (v !== (this.space.sat.baseValue(n) ?? 'n')) changed.set(n, v);
        const o = this.analyse(changed);
        const before = cases;
        consider(o);
        if (cases === before) {
          // Cannot happen (every analysis has a case for every known site); stop rather than loop.
          note = 'internal: an analysed configuration said nothing about this assertion';
          break;
        }
      }
    } finally {
      search.close();
    }
    if (!present) return undefined;
    const v = this.outcomes.map((o) => this.caseOf(o, site)?.verdict).find((x) => x);
    const out: ExploredAssertion = {
      file: site.file,
      line: site.line,
      text: site.text ?? v?.text ?? '',
      abi: this.req.abi,
      symbols: [...symbols].sort(),
      holds: counterexample ? false : note || unknown ? null : true,
      cases,
    };
    if (counterexample) out.counterexample = counterexample;
    else if (unknown) out.note = `not decided in some configuration: ${unknown}`;
    else if (note) out.note = note;
    if (inconsistent.length) out.note = `${out.note ? `${out.note}; ` : ''}internal: ${inconsistent.length} failing case(s) did not fail once completed to a full .config (${inconsistent.slice(0, 2).join('; ')})`;
    return out;
  }

  /**
   * A failing cube made real: a full valid .config closest to the defconfig with the cube's values, analysed afresh;
   * undefined when the completion is not valid or the assertion does not fail there.
   */
  private confirm(site: Site, c: SiteCase): Counterexample | undefined {
    const done = this.space.sat.complete(c.cube);
    if (!done || !done.valid) return undefined;
    const setup = kernelSetup({ root: this.req.root, arch: this.req.abi, configText: { text: done.config, source: 'counterexample' } }, this.host, this.cache);
    const inc = new IncrementalAnalysis([...setup.files, ...(this.req.files ?? [])], setup.options, setup.host, this.cache);
    this.analyses++;
    const a = inc.analysis;
    const v = a.asserts.find((x) => x.file.path === site.file && x.offset === site.offset);
    if (!v || v.holds !== false) return undefined;
    const assignment: Record<string, string> = {};
    for (const [n, val] of c.cube) if (val !== (this.space.sat.baseValue(n) ?? 'n')) assignment[`CONFIG_${n}`] = val;
    const side = v.sides?.find(([l, r]) => l !== r) ?? v.sides?.[0];
    return {
      assignment,
      config: done.config,
      offsets: [side?.[0] === undefined ? null : Number(side[0]), side?.[1] === undefined ? null : Number(side[1])],
      why: explain(this.baseAnalysis!, a, v),
      detail: v.detail,
    };
  }

  /** The distinct layouts met: the defconfig's, then each other one, with the change that made it. */
  private distinctLayouts(base: Outcome): ExploredLayout[] {
    const seen = new Set<string>();
    const out: ExploredLayout[] = [];
    for (const o of [base, ...this.outcomes.filter((x) => x !== base)]) {
      const k = [...o.layouts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, l]) => `${n}{${l}}`).join('\n');
      if (seen.has(k)) continue;
      seen.add(k);
      const differs = [...o.layouts].filter(([n, l]) => base.layouts.get(n) !== l).map(([n]) => n);
      out.push({ assignment: Object.fromEntries([...o.changed].map(([n, v]) => [`CONFIG_${n}`, v])), differs });
    }
    return out;
  }
}

const describe = (cube: Assignment) => [...cube].map(([n, v]) => `${n}=${v}`).join(' ');

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** The text with comments replaced by spaces (newlines kept), so that offsets stay the same. */
function blankComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '));
}

/** The records an assertion compares (offsetof and sizeof operands). */
function recordsOf(a: Analysis, v: AssertVerdict): RecordDef[] {
  const d = a.parse.asserts.find((x) => x.s === v.s);
  const out = new Set<RecordDef>();
  const walk = (e: Expr | undefined): void => {
    if (!e) return;
    switch (e.k) {
      case 'offsetof':
        if (e.type.kind === 'record') out.add(e.type.def);
        return;
      case 'sizeof':
      case 'alignof':
        if (e.type?.kind === 'record') out.add(e.type.def);
        walk(e.arg);
        return;
      case 'unary':
      case 'cast':
        walk(e.arg);
        return;
      case 'binary':
        walk(e.l);
        walk(e.r);
        return;
      case 'cond':
        walk(e.c);
        walk(e.t);
        walk(e.f);
        return;
      default:
        return;
    }
  };
  walk(d?.expr);
  return [...out];
}

/** What differs between the defconfig's layouts and the counterexample's, for the records an assertion compares. */
function explain(base: Analysis, now: Analysis, v: AssertVerdict): string {
  const lines: string[] = [];
  for (const r of recordsOf(now, v)) {
    const name = `${r.kind} ${r.tag ?? '<anonymous>'}`;
    const before = base.parse.records.find((x) => x.tag === r.tag && x.kind === r.kind && x.members);
    const flatNow = flatOf(now, r);
    const flatBefore = before ? flatOf(base, before) : [];
    const was = new Map(flatBefore.map((m) => [m.name, m]));
    const is = new Map(flatNow.map((m) => [m.name, m]));
    for (const m of flatNow) {
      const o = was.get(m.name);
      const where = `${path.basename(m.member.loc.file.path)}:${m.member.loc.file.position(m.member.loc.offset).line}`;
      if (!o) lines.push(`${name}: '${m.name}' appeared at offset ${byteOf(m)} (${m.size} bytes, ${where}${guardOf(m)})`);
      else if (o.size !== m.size) lines.push(`${name}: '${m.name}' grew from ${o.size} to ${m.size} bytes (${where})`);
      else if (byteOf(o) !== byteOf(m)) lines.push(`${name}: '${m.name}' moved from offset ${byteOf(o)} to ${byteOf(m)}${holeBefore(flatNow, m)}`);
    }
    for (const m of flatBefore) if (!is.has(m.name)) lines.push(`${name}: '${m.name}' is gone (it was at offset ${byteOf(m)}${guardOf(m)})`);
  }
  if (!lines.length) lines.push(`the compared values changed: ${v.detail}`);
  // The first few lines that explain a move; a whole struct's shift is one cause repeated.
  return lines.slice(0, 8).join('; ') + (lines.length > 8 ? `; and ${lines.length - 8} more` : '');
}

/** ", after a hole of N bytes" when padding now sits right before the member. */
function holeBefore(flat: FlatMember[], m: FlatMember): string {
  const i = flat.indexOf(m);
  const at = byteOf(m);
  if (i <= 0 || at === undefined) return '';
  let end = 0;
  for (let j = 0; j < i; j++) {
    const s = byteOf(flat[j]);
    if (s !== undefined && flat[j].size !== undefined) end = Math.max(end, s + flat[j].size!);
  }
  return at > end ? `, after a hole of ${at - end} bytes` : '';
}

/** A flat member's byte offset (of its first bit, for bitfields), or undefined. */
const byteOf = (m: FlatMember) => (m.bitOffset === undefined ? undefined : Math.floor(m.bitOffset / 8));

function flatOf(a: Analysis, r: RecordDef): FlatMember[] {
  try {
    return a.layouter.flatten(r).filter((m) => m.name !== undefined);
  } catch {
    return [];
  }
}

/** The nearest #if/#ifdef line above a member in its file that is still open there (text-based), as ", under ...". */
function guardOf(m: FlatMember): string {
  const file = m.member.loc.file;
  const lines = file.text.slice(0, m.member.loc.offset).split('\n');
  let depth = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const t = lines[i].trim();
    if (/^#\s*endif\b/.test(t)) depth++;
    else if (/^#\s*if(n?def)?\b/.test(t)) {
      if (depth === 0) return `, under '${t}' at line ${i + 1}`;
      depth--;
    } else if (depth === 0 && /^#\s*(elif|else)\b/.test(t)) return `, under '${t}' at line ${i + 1}`;
  }
  return '';
}

