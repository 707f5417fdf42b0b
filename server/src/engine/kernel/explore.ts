// Every configuration: for each layout assertion of the memdesc set, its verdict over every valid configuration of
// an arch, or the nearest configuration that breaks it, with a full valid .config, both offsets and why the member
// moved. Configurations are searched by path: each analysis (a journalled run under the arch's defconfig with some
// symbols changed) tells, per assertion, which Kconfig symbols its verdict read there (analysis/relevance.ts), and
// every configuration that agrees on those symbols gives the same verdict, so that whole cube is blocked in the
// SAT search (engine/kconfig) and never analysed. The search ends when no valid assignment is left unblocked: the
// assertion holds everywhere, or a valid cube fails it, which the analysis of its completed .config confirms.

import * as path from 'node:path';
import { ABIS, AbiName } from '../base/abi';
import { DiskHost, FileHost } from '../base/host';
import { Analysis, AssertVerdict } from '../analysis/analyze';
import { IncrementalAnalysis } from '../analysis/incremental';
import type { Relevance } from '../analysis/relevance';
import { archSpace, configValues, type ArchSpace, type KconfigHost, type KconfigProblem } from '../kconfig';
import { constantRange } from '../kconfig/encode';
import type { Assignment, AssignmentSearch, Cube, SearchPoint, TupleConstraint } from '../kconfig/sat';
import { OPAQUE_PREFIX, sameValueCombinations, type ConfigProbe, type ExprProbe } from '../pp/probe';
import { PreprocessCache } from '../pp/preprocessor';
import { FlatMember } from '../sema/layout';
import type { Expr as CExpr } from '../sema/expr';
import type { Expr } from '../kconfig/model';
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
  /** The configurations that give the same verdict: what the verdict (or the absence) read of this one. */
  cube: Cube;
}

/** One analysed configuration. */
class Outcome {
  constructor(
    /** The symbols set away from the defconfig (as the search gave them). */
    readonly changed: Assignment,
    /** Abstracted conditions given a value (by CondExpr.key). */
    readonly forced: ReadonlyMap<string, boolean>,
    readonly cases: Map<string, SiteCase>,
    /** The compared records' layouts, one line each, for telling distinct layouts apart. */
    readonly layouts: Map<string, string>,
  ) {}
}

const siteKey = (file: string, offset: number) => `${file}:${offset}`;

/** Most combinations of symbol values a conditional expression is evaluated under (more: it is abstracted). */
const MAX_PROBE_COMBINATIONS = 1024;
/** Most searches of one assertion with more abstracted conditions read concretely each time. */
const MAX_REFINEMENTS = 4;
/** In the first pass an assertion may use this many times its even share of the budget left... */
const FIRST_PASS_SHARE = 2;
/** ...and at least this long. */
const MIN_SITE_SHARE_MS = 2_000;
/** Most assignments a bounds.h value is tabulated over (each costs an analysis of kernel/bounds.c). */
const MAX_BOUNDS_ROWS = 256;

/**
 * Whether gcc rejects an assertion outright under the analysed configuration: it names a member the record lacks
 * there (zpdesc's memcg_data guarded by SLAB_OBJ_EXT and matched against page's, guarded by MEMCG, in 2024). That
 * breaks the build at the assertion as surely as a false one: a counterexample, not an unknown.
 */
export function gccRejects(v: AssertVerdict): boolean {
  return v.holds === null && /^cannot evaluate .*: '[^']+' has no member named '[^']+'$/.test(v.detail);
}

/** Explores one arch. Never throws for bad input: what cannot be done is said in the result. */
export function exploreArch(req: ExploreRequest): ExploreResult {
  const t0 = performance.now();
  const progress = req.onProgress ?? (() => undefined);
  progress(`${req.abi}: reading Kconfig`, 0, 1);
  const space = archSpace(req.kconfigHost, req.root, req.abi, { configs: req.configs });
  // One kernel ARCH builds several ABIs (powerpc: ppc32, ppc64, ppc64le; mips: four): only this ABI's configurations.
  if (space) space.sat.require(abiConstraints(space, req.abi));
  const result: ExploreResult = { abi: req.abi, defconfig: space?.defconfig?.config, asserts: [], layouts: [], kconfigProblems: space?.model.problems ?? [], analyses: 0, ms: 0, complete: false };
  if (space?.defconfig) new Explorer(req, space, t0 + (req.budgetMs ?? 60_000), progress).run(result);
  result.ms = performance.now() - t0;
  return result;
}

/**
 * What keeps a configuration on one ABI where its ARCH builds others too: its word size (64BIT) and byte order
 * (CPU_BIG_ENDIAN, CPU_LITTLE_ENDIAN), for those of these symbols the arch's Kconfig defines.
 */
function abiConstraints(space: ArchSpace, abi: AbiName): string[] {
  const defined = (n: string) => {
    const t = space.model.byName.get(n)?.type;
    return t === 'bool' || t === 'tristate';
  };
  const out: string[] = [];
  const want = (n: string, on: boolean) => defined(n) && out.push(on ? n : `!${n}`);
  want('64BIT', ABIS[abi].wordSize === 8);
  want('CPU_BIG_ENDIAN', ABIS[abi].bigEndian);
  want('CPU_LITTLE_ENDIAN', !ABIS[abi].bigEndian);
  return out;
}

/**
 * The search. Analyses run with config probes (pp/probe.ts): a condition over few symbol values is known for all of
 * them, so a case blocks every combination keeping each condition's value; a condition over too many (or reading
 * bounds.h) is abstracted: its value is a free choice of the search, given to the analysis, so its inputs never
 * multiply the cases. A failing case is confirmed on a real .config; when an abstracted condition made it up, that
 * assertion is searched again with the conditions that case abstracted read concretely (and so on, if need be).
 */
class Explorer implements ConfigProbe {
  private readonly host: FileHost;
  private readonly cache: PreprocessCache;
  private readonly defconfig: string;
  private readonly sites = new Map<string, Site>();
  private readonly outcomes: Outcome[] = [];
  private readonly byChange = new Map<string, Outcome>();
  private readonly changeableCache = new Map<string, boolean>();
  private readonly domains = new Map<string, readonly string[] | undefined>();
  private readonly partialInts = new Map<string, string | undefined>();
  /** bounds.h's names (computed by compiling kernel/bounds.c): abstracted where a condition reads them. */
  private readonly boundsNames = new Set<string>();
  /** Symbols some case's verdict read (the ones worth probing). */
  private readonly readSymbols = new Set<string>();
  /**
   * Abstracted conditions read concretely from now on, at every site: an abstract counterexample with them could not
   * be confirmed (their forced value went with symbol values that give them the other one). Shared by all sites, so
   * that the concrete analyses made for one serve the others.
   */
  private readonly concreteConditions = new Set<string>();
  /** The defconfig's analysis: the reference "why" compares against. */
  private baseAnalysis: Analysis | undefined;
  readonly maxCombinations = MAX_PROBE_COMBINATIONS;
  /** The abstracted conditions' values for the analysis being run (ConfigProbe.forced). */
  forced: ReadonlyMap<string, boolean> | undefined;
  analyses = 0;
  /** When the search of the current assertion stops (its share of the budget). */
  private siteDeadline = Infinity;
  /** bounds.h values by the symbols they are computed from (null: too many assignments to tabulate). */
  private readonly boundsTables = new Map<string, BoundsTable | null>();
  /** The symbols each bounds.h value read in the first analysis (where its table starts from). */
  private readonly boundsRead = new Map<string, string[]>();
  private readonly zeroUnset = new Map<string, boolean>();

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
    // Candidate places first: every analysis says something about each site known when it runs.
    this.addCandidateSites();
    this.progress(`${this.req.abi}: analysing the defconfig`, 0, 1);
    const base = this.analyse(new Map(), new Map());
    // bounds.h values computed from few symbols are tabulated, so that a condition on one is probed over its values
    // (opaqueValues) instead of abstracted.
    this.siteDeadline = this.deadline;
    for (const [name, read] of this.boundsRead) this.boundsTable(name, read);
    const wanted = [...this.sites.values()].filter((s) => !this.req.only || this.req.only.some((o) => path.resolve(o.file) === s.file && o.line === s.line));
    // Two passes: first each assertion gets a fair share of what is left of the budget (one with a huge space must
    // not starve those after it), then those cut short by their share get the rest, in turn (their search resumes
    // from every case analysed meanwhile).
    const found = new Map<Site, ExploredAssertion>();
    const cutShort: Site[] = [];
    let done = 0;
    for (const [i, site] of wanted.entries()) {
      this.progress(`${this.req.abi}: ${site.text ?? `${path.basename(site.file)}:${site.line}`}`, done++, wanted.length);
      const now = performance.now();
      this.siteDeadline = Math.min(this.deadline, now + Math.max(MIN_SITE_SHARE_MS, (FIRST_PASS_SHARE * (this.deadline - now)) / (wanted.length - i)));
      const r = this.exploreSite(site);
      if (!r) continue;
      found.set(site, r.assertion);
      if (r.budgetEnded) cutShort.push(site);
    }
    for (const site of cutShort) {
      if (performance.now() > this.deadline || this.req.cancelled?.()) break;
      this.progress(`${this.req.abi}: ${site.text ?? `${path.basename(site.file)}:${site.line}`} (again, with the rest of the budget)`, done, wanted.length);
      this.siteDeadline = this.deadline;
      const r = this.exploreSite(site);
      if (r) found.set(site, r.assertion);
    }
    result.asserts.push(...found.values());
    result.analyses = this.analyses;
    result.complete = result.asserts.every((r) => r.holds !== null);
    result.layouts = this.distinctLayouts(base);
  }

  // ---- ConfigProbe: what the analyses' preprocessor asks ----

  domainOf(symbol: string): readonly string[] | undefined {
    // Only symbols some verdict has read are probed: a conditional expression on anything else is evaluated once
    // (asking the solver about every symbol any #if of the translation unit names would cost seconds).
    if (!this.readSymbols.has(symbol)) return undefined;
    if (this.domains.has(symbol)) return this.domains.get(symbol);
    let d: readonly string[] | undefined;
    if (this.changeable(symbol)) {
      try {
        const e = this.space.sat.enumerate([symbol], [], 64);
        if (e.complete) d = e.assignments.map((a) => a.get(symbol)!);
      } catch {
        d = undefined;
      }
    }
    // An int, hex or string symbol at its type's default text may be unwritten (CONFIG_X undefined: ppc32's
    // PHYSICAL_ALIGN without PPC_85xx) as well as written with it, and a probe can only define it: its table would be
    // wrong for one of the two, and a case could miss its own configuration. Such a symbol is pinned, not probed.
    const type = this.space.model.byName.get(symbol)?.type;
    if (d && (type === 'int' || type === 'hex' || type === 'string') && d.includes(type === 'int' ? '0' : type === 'hex' ? '0x0' : '')) d = undefined;
    this.domains.set(symbol, d);
    return d;
  }

  opaque(name: string): boolean {
    return this.boundsNames.has(name);
  }

  opaqueValues(name: string): readonly string[] | undefined {
    const t = this.boundsTables.get(name);
    if (!t || t.rows.some((r) => r.value === undefined)) return undefined;
    return [...new Set(t.rows.map((r) => String(r.value)))];
  }

  // ---- sites ----

  /**
   * Assertion places of the main files that no configuration analysed so far has (inside a group of another
   * configuration): found in the text, so that the search can look for a configuration that has them.
   */
  private addCandidateSites(): void {
    const texts = this.files().map((f) => [f, this.host.readFile(f)] as const);
    // Also every function-like macro whose definition asserts (NETMEM_DESC_ASSERT_OFFSET), found in the same files.
    const names = assertingMacros(texts.map(([, t]) => (t === undefined ? '' : blankComments(t))));
    const re = new RegExp(`\\b(?:static_assert|_Static_assert|[A-Z][A-Z0-9_]*(?:_MATCH|ASSERT)[A-Z0-9_]*${names.map((n) => `|${n}`).join('')})\\s*\\(`, 'g');
    for (const [f, text] of texts) {
      if (text === undefined) continue;
      const code = blankComments(text);
      for (const m of code.matchAll(re)) {
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
    const setup = this.setup(new Map());
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

  private setup(changed: Assignment, boundsAnalyzer?: BoundsAnalyzer): KernelSetup {
    const overrides = [...changed].map(([name, v]) => {
      if (v === 'n' || v === '' || ((v === '0' || v === '0x0') && this.zeroMeansUnset(name))) return { undef: name };
      const s = this.space.model.byName.get(name);
      return { name, value: s?.type === 'string' ? JSON.stringify(v) : v };
    });
    return kernelSetup({ root: this.req.root, arch: this.req.abi, configText: { text: this.defconfig, source: 'defconfig' }, configOverrides: overrides, boundsAnalyzer }, this.host, this.cache);
  }

  private baseValue(n: string): string {
    return this.space.sat.baseValue(n) ?? 'n';
  }

  /** The analysis of the defconfig with `changed` applied and abstracted conditions given `forced` (once per distinct pair). */
  private analyse(changed: Assignment, forced: ReadonlyMap<string, boolean>, site?: Site): Outcome {
    const k = [...[...changed].map(([n, v]) => `${n}=${v}`), ...[...forced].map(([n, v]) => `?${n}=${v}`)].sort().join('\n');
    const known = this.byChange.get(k);
    // Analysed before `site` was known (found in a later analysis), or its case there read abstracted conditions
    // and the site is now searched concretely: analysed again.
    const usable = (o: Outcome) => !site || (o.cases.has(site.key) && !this.abstracts(o.cases.get(site.key)!));
    if (known && usable(known)) return known;
    let bounds: IncrementalAnalysis | undefined;
    const setup = this.setup(changed, (files, options, h, c) => (bounds = new IncrementalAnalysis(files, options, h, c)).analysis);
    for (const name of setup.bounds?.keys() ?? []) this.boundsNames.add(name);
    this.forced = forced;
    const inc = new IncrementalAnalysis([...setup.files, ...(this.req.files ?? [])], { ...setup.options, configProbe: this }, setup.host, this.cache);
    this.forced = undefined;
    this.analyses++;
    const a = inc.analysis;
    if (!this.baseAnalysis) this.baseAnalysis = a;
    // bounds.h's values (NR_PAGEFLAGS, MAX_NR_ZONES...) come from kernel/bounds.c: what each of them read counts as read by a verdict that reads the value.
    const boundsSymbols = new Map<string, string[]>();
    if (bounds) for (const [name, vs] of boundsAsserts(bounds.analysis)) boundsSymbols.set(name, bounds.relevance([], vs).symbols().map((n) => symbolOf(n, this.space)));
    if (!this.boundsRead.size) for (const [name, read] of boundsSymbols) this.boundsRead.set(name, read);
    const cubeOf = (rel: Relevance | undefined): Cube => {
      if (!rel) return { pinned: new Map(changed), tuples: [], free: new Map(forced) };
      // CONFIG_X_MODULE (IS_MODULE, IS_ENABLED, #ifdef) is tristate X's value m.
      const names = new Set<string>(setup.configReads);
      for (const n of rel.pinnedSymbols()) names.add(symbolOf(n, this.space));
      const tuples: TupleConstraint[] = rel.probes().map((p) => this.symbolTuple({ symbols: p.symbols, allowed: sameValueCombinations(p).map((c) => combination(p, c)) }));
      for (const m of rel.pinnedMacros()) {
        const read = boundsSymbols.get(m);
        if (!read) continue;
        // A bounds.h value counts by its value: every assignment of what it is computed from that gives the same
        // value, when that is known (boundsValueClass); else what it read, exactly.
        const same = this.boundsValueClass(m, read, setup.bounds?.get(m), changed);
        if (same) tuples.push(same);
        else for (const n of read) names.add(n);
      }
      const pinned = new Map<string, string>();
      for (const n of [...names].sort()) if (this.changeable(n)) pinned.set(n, changed.get(n) ?? this.baseValue(n));
      for (const n of pinned.keys()) this.readSymbols.add(n);
      for (const t of tuples) for (const n of t.symbols) this.readSymbols.add(n);
      return { pinned, tuples, free: rel.decisions() };
    };
    const cases = new Map<string, SiteCase>();
    const layouts = new Map<string, string>();
    const inMain = (file: string) => setup.files.includes(file) || (this.req.files ?? []).some((f) => path.resolve(f) === file);
    for (const v of a.asserts) {
      const file = v.file.path;
      if (!inMain(file)) continue;
      const key = siteKey(file, v.offset);
      if (!this.sites.has(key)) this.sites.set(key, { key, file, offset: v.offset, line: v.file.position(v.offset).line, text: v.text });
      else this.sites.get(key)!.text ??= v.text;
      cases.set(key, { verdict: v, cube: cubeOf(inc.relevance([], [v], this.concreteFor())) });
      for (const r of recordsOf(a, v)) {
        const name = `${r.kind} ${r.tag ?? '<anonymous>'}`;
        if (!layouts.has(name)) layouts.set(name, flatOf(a, r).map((m) => `${m.name}@${m.bitOffset}:${m.size}`).join(' '));
      }
    }
    for (const site of this.sites.values()) {
      if (cases.has(site.key)) continue;
      // Absent here: what kept it out. A file not entered at all covers this exact case only.
      cases.set(site.key, { verdict: undefined, cube: cubeOf(inc.relevanceAt(site.file, site.offset, this.concreteFor())) });
    }
    const o = new Outcome(changed, forced, cases, layouts);
    if (known) this.outcomes.splice(this.outcomes.indexOf(known), 1, o);
    else this.outcomes.push(o);
    this.byChange.set(k, o);
    return o;
  }

  /**
   * The assignments of the symbols a bounds.h value `name` was computed from (`read`, under the analysed
   * configuration `changed`) that give it the same value, as a tuple constraint; undefined when not known. Each
   * assignment's value comes from kernel/bounds.c analysed with it (the defconfig elsewhere), and counts only if
   * that analysis read nothing beyond the table's symbols (then any configuration agreeing on them has that value).
   */
  private boundsValueClass(name: string, read: string[], value: bigint | undefined, changed: Assignment): TupleConstraint | undefined {
    if (value === undefined) return undefined;
    const table = this.boundsTable(name, read);
    if (!table || !read.every((n) => !this.changeable(n) || table.symbols.includes(n))) return undefined;
    const own = table.symbols.map((n) => changed.get(n) ?? this.baseValue(n));
    const allowed = table.rows.filter((r) => r.value === value).map((r) => r.values);
    // The analysed configuration's own values are in its class by its own relevance, whatever the table says.
    if (!allowed.some((r) => r.every((v, i) => v === own[i]))) allowed.push(own);
    return { symbols: table.symbols, allowed };
  }

  /**
   * The value of a bounds.h name under each valid assignment of the symbols it reads (computed once per name, over
   * the symbols any of those assignments reads: at most MAX_BOUNDS_ROWS assignments, else none).
   */
  private boundsTable(name: string, read: string[]): BoundsTable | undefined {
    if (this.boundsTables.has(name)) return this.boundsTables.get(name) ?? undefined;
    let symbols = [...new Set(read)].filter((n) => this.changeable(n)).sort();
    let table: BoundsTable | undefined;
    let tooMany = !symbols.length;
    for (let round = 0; round < 3 && !tooMany; round++) {
      const e = this.space.sat.enumerate(symbols, [], MAX_BOUNDS_ROWS + 1);
      if (!e.complete || e.assignments.length > MAX_BOUNDS_ROWS) {
        tooMany = true;
        table = undefined;
        break;
      }
      table = { symbols, rows: [] };
      const more = new Set<string>();
      for (const a of e.assignments) {
        // Cut short by the deadline: not kept, a later search may build it whole.
        if (performance.now() > this.siteDeadline) return undefined;
        const changed: Assignment = new Map();
        for (const n of symbols) if (a.get(n) !== this.baseValue(n)) changed.set(n, a.get(n)!);
        let bounds: IncrementalAnalysis | undefined;
        const setup = this.setup(changed, (files, options, h, c) => (bounds = new IncrementalAnalysis(files, options, h, c)).analysis);
        const vs = bounds ? boundsAsserts(bounds.analysis).get(name) : undefined;
        const readThere = vs ? bounds!.relevance([], vs).symbols().map((n) => symbolOf(n, this.space)) : undefined;
        const beyond = readThere ? readThere.filter((n) => this.changeable(n) && !symbols.includes(n)) : undefined;
        for (const n of beyond ?? []) more.add(n);
        table.rows.push({ values: symbols.map((n) => a.get(n)!), value: beyond && !beyond.length ? setup.bounds?.get(name) : undefined });
      }
      if (!more.size) break;
      // Some assignment reads more symbols: tabulate over those too.
      symbols = [...new Set([...symbols, ...more])].sort();
    }
    this.boundsTables.set(name, table ?? null);
    return table;
  }

  /**
   * A probe's tuple with each opaque macro it varied (OPAQUE_PREFIX + name) replaced by the symbols it is computed
   * from: every assignment of those whose tabulated value is the one the allowed combination has.
   */
  private symbolTuple(t: TupleConstraint): TupleConstraint {
    const opaque = t.symbols.filter((n) => n.startsWith(OPAQUE_PREFIX));
    if (!opaque.length) return t;
    const tables = opaque.map((n) => this.boundsTables.get(n.slice(OPAQUE_PREFIX.length))!);
    const symbols = [...new Set([...t.symbols.filter((n) => !n.startsWith(OPAQUE_PREFIX)), ...tables.flatMap((x) => x.symbols)])];
    const allowed = new Map<string, string[]>();
    for (const combo of t.allowed) {
      let partial: Array<Map<string, string>> = [new Map(t.symbols.map((n, i) => [n, combo[i]] as [string, string]).filter(([n]) => !n.startsWith(OPAQUE_PREFIX)))];
      opaque.forEach((n, k) => {
        const want = combo[t.symbols.indexOf(n)];
        const rows = tables[k].rows.filter((r) => String(r.value) === want);
        const next: Array<Map<string, string>> = [];
        for (const m of partial) {
          for (const r of rows) {
            const joined = new Map(m);
            if (tables[k].symbols.every((sym, i) => (joined.get(sym) ?? r.values[i]) === r.values[i] && joined.set(sym, r.values[i]))) next.push(joined);
          }
        }
        partial = next;
      });
      for (const m of partial) {
        const values = symbols.map((n) => m.get(n)!);
        allowed.set(values.join('\u0000'), values);
      }
    }
    return { symbols, allowed: [...allowed.values()] };
  }

  /** Which abstracted conditions a site reads concretely: all of them once it is searched concretely. */
  private concreteFor(): ((condition: string) => boolean) | undefined {
    const c = this.concreteConditions;
    return c.size ? (condition) => c.has(condition) : undefined;
  }

  /** Whether a case abstracted a condition its site now reads concretely (then it says nothing there). */
  private abstracts(c: SiteCase): boolean {
    return [...c.cube.free.keys()].some((k) => this.concreteConditions.has(k));
  }

  /** One assertion's search, refined as need be; budgetEnded: it stopped at its deadline, undecided. */
  private exploreSite(site: Site): { assertion: ExploredAssertion; budgetEnded: boolean } | undefined {
    let first = this.searchSite(site);
    // An abstracted condition's value made a failure up (its forced value went with symbol values that give it the
    // other one): search this assertion again with those conditions read concretely, as often as that happens.
    for (let round = 1; first.refine?.size && round <= MAX_REFINEMENTS; round++) {
      for (const k of first.refine) this.concreteConditions.add(k);
      const again = this.searchSite(site);
      again.note = [again.note, `searched again with ${first.refine.size} more abstracted condition(s) read concretely after a failing case did not fail on a real .config`].filter(Boolean).join('; ');
      first = again;
    }
    if (first.refine?.size) {
      first.holds = null;
      first.note = [first.note, `not decided: abstracted conditions still made failures up after ${MAX_REFINEMENTS} refinements`].join('; ');
    }
    // Not in any valid configuration: nothing to say. Not met before the budget ended, or met in none of the
    // configurations the search could try (an int it reads takes values it cannot try): not decided.
    if (!first.present && !first.budgetEnded && first.holds !== null) return undefined;
    if (!first.present) first.note = `${first.note}; no valid configuration analysed so far has this assertion`;
    const v = this.outcomes.map((o) => o.cases.get(site.key)?.verdict).find((x) => x);
    const out: ExploredAssertion = {
      file: site.file,
      line: site.line,
      text: site.text ?? v?.text ?? this.host.readFile(site.file)?.split('\n')[site.line - 1]?.trim() ?? '',
      abi: this.req.abi,
      symbols: first.symbols,
      holds: first.counterexample ? false : first.holds,
      cases: first.cases,
    };
    if (first.counterexample) out.counterexample = first.counterexample;
    if (first.note) out.note = first.note;
    return { assertion: out, budgetEnded: out.holds === null && !!first.budgetEnded };
  }

  /** One search of a site's configurations. */
  private searchSite(site: Site): SiteSearch {
    const concrete = this.concreteConditions;
    const result: SiteSearch = { present: false, holds: true, cases: 0, symbols: [], spurious: 0 };
    const symbols = new Set<string>();
    const search: AssignmentSearch = this.space.sat.search([]);
    let unknown: string | undefined;
    let failing: SiteCase | undefined;
    let failingDistance = Infinity;
    const seen = new Set<string>();
    const consider = (o: Outcome): void => {
      const c = o.cases.get(site.key);
      if (!c) return;
      // A case that abstracted a condition this site now reads concretely says nothing here.
      if (this.abstracts(c)) return;
      for (const n of c.cube.pinned.keys()) symbols.add(n);
      for (const t of c.cube.tuples) for (const n of t.symbols) symbols.add(n);
      search.block(c.cube);
      result.cases++;
      if (!c.verdict || (result.present && c.verdict.holds === true)) return;
      // The analysed configuration is the defconfig with the searched symbols changed; what else its verdict read
      // kept the defconfig's values, which may not go with the change. Only a case some valid configuration is in
      // counts (the search then sets those symbols too).
      if (!this.valid(c.cube)) return;
      result.present = true;
      const fails = c.verdict.holds === false || gccRejects(c.verdict);
      if (!fails && c.verdict.holds === null) unknown ??= c.verdict.detail;
      else if (fails) {
        const d = this.cubeDistance(c.cube);
        if (d < failingDistance) {
          failing = c;
          failingDistance = d;
        }
      }
    };
    for (const o of this.outcomes) consider(o);
    /** The search's next point, asked for before a failing case is confirmed (undefined: not asked yet). */
    let next: SearchPoint | null | undefined;
    try {
      for (;;) {
        let confirmNow = !!failing;
        if (failing) {
          // Points come nearest the defconfig first, but a failing case met in analyses made for other sites can be
          // farther than an unanalysed point that fails too: such a point is analysed first (the smallest counterexample).
          if (next === undefined && performance.now() <= this.siteDeadline && !this.req.cancelled?.()) next = search.next();
          if (next && this.pointDistance(next) < failingDistance) confirmNow = false;
        }
        if (failing && confirmNow) {
          const f: SiteCase = failing;
          failingDistance = Infinity;
          const wrong = new Set<string>();
          const confirmed = this.confirm(site, f.cube, wrong);
          if (confirmed) {
            result.counterexample = confirmed;
            break;
          }
          // Not real: the abstracted conditions' values (or the symbols' completion) made it up. Those whose forced
          // value the real .config does not give are read concretely from now on (all of them, if none is known).
          result.spurious++;
          failing = undefined;
          const forcedKeys = [...f.cube.free.keys()].filter((k) => !concrete.has(k));
          const abstracted = forcedKeys.some((k) => wrong.has(k)) ? forcedKeys.filter((k) => wrong.has(k)) : forcedKeys;
          if (abstracted.length) {
            result.refine = new Set(abstracted);
            result.holds = null;
            break;
          }
        }
        if (performance.now() > this.siteDeadline) {
          result.note = `the time budget ended after ${result.cases} cases`;
          result.budgetEnded = true;
          result.holds = null;
          break;
        }
        if (this.req.cancelled?.()) {
          result.note = `cancelled after ${result.cases} cases`;
          result.holds = null;
          break;
        }
        const point = next === undefined ? search.next() : next;
        next = undefined;
        if (!point) break;
        const changed: Assignment = new Map();
        for (const [n, v] of point.values) if (v !== this.baseValue(n)) changed.set(n, v);
        const forced = new Map([...point.free].filter(([k]) => !concrete.has(k)));
        const pointKey = [...[...changed].map(([n, v]) => `${n}=${v}`), ...[...forced].map(([n, v]) => `?${n}=${v}`)].sort().join('\n');
        if (seen.has(pointKey)) {
          // The case found here does not block its own point: a bug; stop rather than loop.
          result.note = 'internal: the search met the same configuration twice';
          result.holds = null;
          break;
        }
        seen.add(pointKey);
        consider(this.analyse(changed, forced, site));
      }
    } finally {
      search.close();
    }
    if (unknown && result.holds === true) {
      result.holds = null;
      result.note = `not decided in some configuration: ${unknown}`;
    }
    if (result.holds === true && !result.counterexample) {
      // The search tries only the values the SAT layer's domains hold: a proof needs every value of what it read.
      const partial = [...symbols].sort().map((n) => this.partialInt(n)).find((x) => x);
      if (partial) {
        result.holds = null;
        result.note = partial;
      }
    }
    if (result.spurious && !result.counterexample && !result.refine) {
      // A failing case of symbols alone that does not fail on its .config means what the verdict read was missed: no proof then.
      result.holds = null;
      result.note = [result.note, `internal: ${result.spurious} failing case(s) did not fail once completed to a full .config`].filter(Boolean).join('; ');
    }
    result.symbols = [...symbols].sort();
    return result;
  }

  /**
   * Why the search cannot cover every value an int/hex symbol takes in a valid configuration, or undefined: values
   * of its range the SAT layer's domain leaves out (it holds defaults, bounds and the constants Kconfig compares it
   * with, not those the headers do), any value at all (no range), or unset (dependencies unmet: the SAT layer takes
   * that for 0, but `#ifdef` tells them apart).
   */
  private partialInt(name: string): string | undefined {
    if (this.partialInts.has(name)) return this.partialInts.get(name);
    const why = this.partialIntUncached(name);
    this.partialInts.set(name, why);
    return why;
  }

  /**
   * Whether the SAT layer's 0 for an int/hex symbol can only mean "unset" (its dependencies unmet): a range that
   * excludes 0 is active whenever they are met (x86's NODES_SHIFT: range 1 10, depends on NUMA). The analyses then
   * leave it undefined, as its .config would.
   */
  private zeroMeansUnset(name: string): boolean {
    let z = this.zeroUnset.get(name);
    if (z === undefined) {
      z = false;
      const sym = this.space.model.byName.get(name);
      if (sym && (sym.type === 'int' || sym.type === 'hex') && sym.dirDep) {
        try {
          z = sym.props.some((r) => {
            const b = constantRange(sym, r);
            return !!b && (b.lo > 0n || b.hi < 0n) && (!r.visible || !this.space.sat.satisfiable([sym.dirDep!, this.space.model.pool.not(r.visible)]));
          });
        } catch {
          z = false;
        }
      }
      this.zeroUnset.set(name, z);
    }
    return z;
  }

  private partialIntUncached(name: string): string | undefined {
    const sym = this.space.model.byName.get(name);
    if (!sym || (sym.type !== 'int' && sym.type !== 'hex') || !this.changeable(name)) return undefined;
    const c = `CONFIG_${name}`;
    try {
      if (sym.dirDep && !this.zeroMeansUnset(name) && this.space.sat.satisfiable([this.space.model.pool.not(sym.dirDep)])) return `${c} is unset where its dependencies are unmet, which the search does not tell from ${sym.type === 'int' ? '0' : '0x0'}`;
    } catch {
      return `${c}: whether its dependencies can be unmet is not known`;
    }
    // Without a prompt it takes its computed value, which the domain holds.
    if (!sym.props.some((p) => p.kind === 'prompt')) return undefined;
    const domain = new Set((this.space.sat.enc.domains.get(sym) ?? []).map(Number));
    const ranges = sym.props.filter((p) => p.kind === 'range');
    if (!ranges.length) return `${c} can take any value (no range); the search tries only ${[...domain].sort((a, b) => a - b).join(', ')}`;
    for (const r of ranges) {
      const b = constantRange(sym, r);
      if (!b) return `${c}'s range (${r.rangeLow?.name} to ${r.rangeHigh?.name}) is not constant; the search tries only some values`;
      const lo = Number(b.lo);
      const hi = Number(b.hi);
      if (hi - lo > 256) return `${c}'s range ${r.rangeLow!.name} to ${r.rangeHigh!.name} is wider than the values the search tries`;
      for (let v = lo; v <= hi; v++) if (!domain.has(v)) return `${c} can be ${sym.type === 'hex' ? `0x${v.toString(16)}` : v} (range ${r.rangeLow!.name} to ${r.rangeHigh!.name}), a value the search does not try`;
    }
    return undefined;
  }

  /** How many symbols a search point changes from the defconfig. */
  private pointDistance(p: SearchPoint): number {
    let d = 0;
    for (const [n, v] of p.values) if (v !== this.baseValue(n)) d++;
    return d;
  }

  /** The symbols a cube reads. */
  private cubeSymbols(cube: Cube): string[] {
    return [...new Set([...cube.pinned.keys(), ...cube.tuples.flatMap((t) => t.symbols)])].sort();
  }

  /** The fewest of the symbols it reads that a valid configuration of the cube changes from the defconfig. */
  private cubeDistance(cube: Cube): number {
    const read = this.cubeSymbols(cube);
    const m = this.space.sat.solve(this.constraintsOf(cube), { closestTo: read });
    return m ? read.filter((n) => (m.get(n) ?? this.baseValue(n)) !== this.baseValue(n)).length : Infinity;
  }

  /** The cube as Kconfig constraints. */
  private constraintsOf(cube: Cube): Expr[] {
    const constraints = [...cube.pinned].map(([n, v]) => this.space.sat.equals(n, v));
    for (const t of cube.tuples) constraints.push(this.space.sat.oneOf(t.symbols, t.allowed));
    return constraints;
  }

  /** Whether some valid configuration is in the cube (abstracted conditions aside). */
  private valid(cube: Cube): boolean {
    return this.space.sat.satisfiable(this.constraintsOf(cube));
  }

  /**
   * A failing cube made real: a full valid .config closest to the defconfig with the cube's symbol values, analysed
   * afresh (no abstraction); undefined when there is none or the assertion does not fail there.
   */
  private confirm(site: Site, cube: Cube, wrong: Set<string>): Counterexample | undefined {
    const constraints = this.constraintsOf(cube);
    // Fewest changes among the symbols the verdict read (the assignment reported), then the rest kept where they can be.
    const read = new Set(this.cubeSymbols(cube));
    const done = this.space.sat.complete(constraints, { closestTo: [...read] });
    if (!done || !done.valid) return undefined;
    const setup = kernelSetup({ root: this.req.root, arch: this.req.abi, configText: { text: done.config, source: 'counterexample' } }, this.host, this.cache);
    // Probed but not forced: the verdict is the plain one, and the abstracted conditions' real values are known.
    this.forced = undefined;
    const inc = new IncrementalAnalysis([...setup.files, ...(this.req.files ?? [])], { ...setup.options, configProbe: this }, setup.host, this.cache);
    this.analyses++;
    const a = inc.analysis;
    const v = a.asserts.find((x) => x.file.path === site.file && x.offset === site.offset);
    if (!v || (v.holds !== false && !gccRejects(v))) {
      // Which forced values this configuration does not have: the conditions that made the failure up.
      const real = (v ? inc.relevance([], [v]) : inc.relevanceAt(site.file, site.offset))?.decisions();
      for (const [k, forcedValue] of cube.free) if (real?.has(k) && real.get(k) !== forcedValue) wrong.add(k);
      return undefined;
    }
    // The smallest assignment: the symbols the verdict read that the completion set away from the defconfig.
    // Values as the .config files have them: an int/hex/string left unset ('') is not the SAT layer's 0.
    const now = configValues(done.config);
    const before = configValues(this.defconfig);
    const valueIn = (values: Map<string, string>, n: string) => values.get(n) ?? (this.space.model.byName.get(n)?.isBoolish ? 'n' : '');
    const assignment: Record<string, string> = {};
    for (const n of [...read].sort()) {
      const val = valueIn(now, n);
      if (val !== valueIn(before, n)) assignment[`CONFIG_${n}`] = val;
    }
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
    for (const o of [base, ...this.outcomes.filter((x) => x !== base && x.forced.size === 0)]) {
      const k = [...o.layouts].sort(([a], [b]) => (a < b ? -1 : 1)).map(([n, l]) => `${n}{${l}}`).join('\n');
      if (seen.has(k)) continue;
      seen.add(k);
      const differs = [...o.layouts].filter(([n, l]) => base.layouts.get(n) !== l).map(([n]) => n);
      out.push({ assignment: Object.fromEntries([...o.changed].map(([n, v]) => [`CONFIG_${n}`, v])), differs });
    }
    return out;
  }
}

/** A bounds.h value under each valid assignment of its symbols; value undefined: that analysis read other symbols too. */
interface BoundsTable {
  symbols: string[];
  rows: Array<{ values: string[]; value: bigint | undefined }>;
}

/** CONFIG_X_MODULE's symbol is tristate X (its value m), unless the model has a symbol X_MODULE. */
function symbolOf(n: string, space: ArchSpace): string {
  return n.endsWith('_MODULE') && !space.model.byName.has(n) ? n.slice(0, -'_MODULE'.length) : n;
}

/** What one search of a site found. */
interface SiteSearch {
  present: boolean;
  holds: boolean | null;
  cases: number;
  symbols: string[];
  counterexample?: Counterexample;
  note?: string;
  /** Failing cases that did not fail on a real .config. */
  spurious: number;
  /** Set when the last of them abstracted conditions: those to read concretely in the next search. */
  refine?: Set<string>;
  /** The search stopped at its deadline. */
  budgetEnded?: boolean;
}

/** The values of a probe's symbols in combination `c` (mixed radix, the first symbol most significant). */
function combination(p: ExprProbe, c: number): string[] {
  const out: string[] = new Array(p.symbols.length);
  for (let i = p.symbols.length - 1; i >= 0; i--) {
    out[i] = p.domains[i][c % p.domains[i].length];
    c = Math.floor(c / p.domains[i].length);
  }
  return out;
}

function lineOf(text: string, offset: number): number {
  let line = 1;
  for (let i = text.indexOf('\n'); i >= 0 && i < offset; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** Names of function-like macros whose definition (continuation lines joined) asserts, directly or through another such macro. */
function assertingMacros(codes: string[]): string[] {
  const defs = new Map<string, string>();
  for (const code of codes) for (const m of code.replace(/\\\r?\n/g, ' ').matchAll(/^[ \t]*#[ \t]*define[ \t]+([A-Za-z_]\w*)\(([^\n]*)$/gm)) defs.set(m[1], m[2]);
  const found = new Set<string>();
  for (let grew = true; grew; ) {
    grew = false;
    for (const [name, body] of defs) {
      if (found.has(name) || !(/\b(?:static_assert|_Static_assert)\b/.test(body) || [...found].some((n) => new RegExp(`\\b${n}\\s*\\(`).test(body)))) continue;
      found.add(name);
      grew = true;
    }
  }
  return [...found].filter((n) => !/^(?:static_assert|_Static_assert|[A-Z][A-Z0-9_]*_MATCH\d?)$/.test(n));
}

/** The text with comments replaced by spaces (newlines kept), so that offsets stay the same. */
function blankComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*/g, (c) => c.replace(/[^\n]/g, ' '));
}

/** The records an assertion compares (offsetof and sizeof operands). */
function recordsOf(a: Analysis, v: AssertVerdict): RecordDef[] {
  const d = a.parse.asserts.find((x) => x.s === v.s);
  const out = new Set<RecordDef>();
  const walk = (e: CExpr | undefined): void => {
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

