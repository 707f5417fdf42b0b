// The pipeline: preprocess → parse → (lazy) layout → assertion verdicts. Plain data in, plain data out.

import * as path from 'node:path';
import { Abi, ABIS, AbiName, withCharSign } from '../base/abi';
import { Evaluator } from '../sema/consteval';
import { explainAssert } from './asserts';
import { DiskHost, FileHost } from '../base/host';
import { Layouter } from '../sema/layout';
import { ParseOptions, ParseResult, parse } from '../sema/parser';
import type { ConfigProbe } from '../pp/probe';
import { preprocess, PreprocessCache, PreprocessLimits, PreprocessOptions, PreprocessResult } from '../pp/preprocessor';
import { Problem, Problems } from '../base/problems';
import { SourceFile } from '../base/source';
import { Expansion, Token } from '../base/token';

export interface AnalyzeOptions {
  arch: AbiName;
  includePaths?: string[];
  systemIncludePaths?: string[];
  /** -D/-U in command-line order. */
  defines?: Array<{ name: string; value?: string } | { undef: string }>;
  forcedIncludes?: string[];
  msExtensions?: boolean;
  /** -fsigned-char / -funsigned-char: overrides the ABI's plain char signedness. */
  charSigned?: boolean;
  /** Whose static assertions are reported: the main files' (default) or every one in the translation unit. */
  assertScope?: 'main' | 'all';
  limits?: Partial<PreprocessLimits>;
  /** Pass function bodies of included files on unexpanded, as `{ }` (default true; see PreprocessOptions). */
  skipIncludedBodies?: boolean;
  /** Skim function declarations of included files instead of parsing them (default true; see ParseOptions). */
  skimIncludedPrototypes?: boolean;
  /** Probe conditional expressions over the Kconfig space (an exploration's journalled runs; see pp/probe.ts). */
  configProbe?: ConfigProbe;
}

/** A static assertion with its verdict: true holds, false fails, null cannot be evaluated (detail says why). */
export interface AssertVerdict {
  /** Where the user wrote it: the outermost macro invocation, or the _Static_assert itself. */
  file: SourceFile;
  offset: number;
  end: number;
  /** The invocation as written, e.g. `SLAB_MATCH(flags, __page_flags)`. */
  text: string;
  holds: boolean | null;
  detail: string;
  message: string | undefined;
  /** Token index range in `tokens`. */
  s: number;
  e: number;
  /** The sides of each comparison the assertion makes (joined by &&), as evaluated (undefined: not a constant). */
  sides?: Array<[bigint | undefined, bigint | undefined]>;
}

/**
 * Who owns a series of analyses of the same inputs (an IncrementalAnalysis): an update brings the engine's shared
 * state (parse records, token arrays, file texts) forward in place, so analyses published before it are no longer
 * readable. Each analysis knows its generation; reading one that is not current throws StaleAnalysisError
 * (checked at every query and report entry point), never answers from a mixture of two versions.
 */
export class AnalysisGenerations {
  current = 0;
}

export class StaleAnalysisError extends Error {
  constructor(readonly generation: number, readonly current: number) {
    super(`this analysis (generation ${generation}) was superseded by generation ${current}: ask for the current one`);
  }
}

export interface Analysis {
  /** The series this analysis belongs to (undefined: a standalone analysis, never superseded) and its place in it. */
  readonly owner: AnalysisGenerations | undefined;
  readonly generation: number;
  abi: Abi;
  options: AnalyzeOptions;
  files: SourceFile[];
  /** The preprocessed tokens; exps[i] and spaces[i] are token i's expansion and preceding-space flag. */
  tokens: Token[];
  exps: Array<Expansion | undefined>;
  spaces: boolean[];
  pp: PreprocessResult;
  parse: ParseResult;
  layouter: Layouter;
  asserts: AssertVerdict[];
  problems: Problem[];
  /** Milliseconds per stage. */
  timings: { preprocess: number; parse: number };
}

/** Whether a later update has superseded this analysis (its data may have changed under it). */
export function isStale(a: Analysis): boolean {
  return a.owner !== undefined && a.owner.current !== a.generation;
}

/** Throws StaleAnalysisError when `a` was superseded: the entry points that read an analysis call this first. */
export function checkCurrent(a: Analysis): void {
  if (a.owner !== undefined && a.owner.current !== a.generation) throw new StaleAnalysisError(a.generation, a.owner.current);
}

/** The ABI the options describe (plain char's signedness may be overridden, as kbuild does). */
export function abiOf(options: AnalyzeOptions): Abi {
  return options.charSigned === undefined ? ABIS[options.arch] : withCharSign(ABIS[options.arch], options.charSigned);
}

/** What the parser needs from analysis options: the main files are parsed in full, prototypes elsewhere skimmed. */
export function parseOptions(mainFiles: string[], options: AnalyzeOptions, track = false): ParseOptions {
  const fullyParsed = options.skimIncludedPrototypes === false ? undefined : new Set(mainFiles.map((f) => path.resolve(f)));
  return { msExtensions: !!options.msExtensions, track, fullyParsed };
}

/** What the preprocessor needs from analysis options. */
export function preprocessOptions(options: AnalyzeOptions): PreprocessOptions {
  const abi = abiOf(options);
  return {
    includePaths: (options.includePaths ?? []).map((p) => path.resolve(p)),
    systemIncludePaths: (options.systemIncludePaths ?? []).map((p) => path.resolve(p)),
    defines: options.defines ?? [],
    forcedIncludes: (options.forcedIncludes ?? []).map((p) => path.resolve(p)),
    predefines: abi.predefines,
    charSigned: abi.charSigned,
    limits: options.limits,
    skipIncludedBodies: options.skipIncludedBodies,
    configProbe: options.configProbe,
  };
}

export function analyze(mainFiles: string[], options: AnalyzeOptions, host: FileHost = new DiskHost(), cache?: PreprocessCache): Analysis {
  const abi = abiOf(options);
  const ppProblems = new Problems();
  const t0 = performance.now();
  const pp = preprocess(mainFiles.map((f) => path.resolve(f)), preprocessOptions(options), host, ppProblems, cache);
  const t1 = performance.now();
  // The parser's layouts serve its constant expressions; the analysis lays out afresh (assemble), which is
  // also what an incremental analysis does, so both report the same layout problems.
  const result = parse(pp, new Layouter(abi, new Problems()), new Problems(), parseOptions(mainFiles, options));
  const t2 = performance.now();
  return assemble(mainFiles, options, pp, ppProblems.list, result, { preprocess: t1 - t0, parse: t2 - t1 });
}

/** An Analysis from its stages' results: assertion verdicts, problems (preprocessor, parser, layouts). */
export function assemble(mainFiles: string[], options: AnalyzeOptions, pp: PreprocessResult, ppProblems: Problem[], result: ParseResult, timings: Analysis['timings'], owner?: AnalysisGenerations): Analysis {
  const abi = abiOf(options);
  // In source order (file, then position): the same whichever way the analysis was arrived at.
  const problems = new Problems();
  const found = [...ppProblems, ...result.problems];
  const order = (p: Problem) => (p.file ? p.file.path : '');
  found.sort((x, y) => (order(x) < order(y) ? -1 : order(x) > order(y) ? 1 : x.offset - y.offset));
  for (const p of found) problems.report(p);
  const layouter = new Layouter(abi, problems);
  const ev = new Evaluator(layouter);
  const side = (e: Parameters<Evaluator['evalInt']>[0]) => {
    const r = ev.evalInt(e);
    return r.ok ? (r.t.signed ? BigInt.asIntN(r.t.bits, r.v) : r.v) : undefined;
  };
  // Assertions are reported for the files being analysed, not for every header they include.
  const mainPaths = new Set(mainFiles.map((f) => path.resolve(f)));
  const asserts = result.asserts.map((a) => explainAssert(a, pp, side)).filter((v) => options.assertScope === 'all' || mainPaths.has(v.file.path));
  // Records of the analysed files are laid out now, so their layout problems are there from the start.
  for (const d of result.records) if (mainPaths.has(d.loc.file.path)) layouter.layout(d);
  return {
    owner,
    generation: owner ? owner.current : 0,
    abi,
    options,
    files: pp.files,
    tokens: pp.tokens,
    exps: pp.exps,
    spaces: pp.spaces,
    pp,
    parse: result,
    layouter,
    asserts,
    get problems() {
      return problems.list;
    },
    timings,
  };
}
