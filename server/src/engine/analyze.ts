// The pipeline: preprocess → parse → (lazy) layout → assertion verdicts. Plain data in, plain data out.

import * as path from 'node:path';
import { Abi, ABIS, AbiName } from './abi';
import { Evaluator } from './consteval';
import { explainAssert } from './asserts';
import { DiskHost, FileHost } from './host';
import { Layouter } from './layout';
import { ParseResult, parse } from './parser';
import { preprocess, PreprocessCache, PreprocessLimits, PreprocessResult } from './preprocessor';
import { Problem, Problems } from './problems';
import { SourceFile } from './source';
import { Expansion, Token } from './token';

export interface AnalyzeOptions {
  arch: AbiName;
  includePaths?: string[];
  systemIncludePaths?: string[];
  /** -D/-U in command-line order. */
  defines?: Array<{ name: string; value?: string } | { undef: string }>;
  forcedIncludes?: string[];
  msExtensions?: boolean;
  limits?: Partial<PreprocessLimits>;
  /** Pass function bodies of included files on unexpanded, as `{ }` (default true; see PreprocessOptions). */
  skipIncludedBodies?: boolean;
}

/** A static assertion with its verdict: true holds, false fails, null cannot be evaluated (detail says why). */
export interface AssertVerdict {
  /** Where the user wrote it: the outermost macro invocation, or the _Static_assert itself. */
  file: SourceFile;
  offset: number;
  end: number;
  /** The invocation as written, e.g. `SLAB_MATCH(flags, __page_flags)`. */
  text: string;
  /** The assertion after macro expansion. */
  expanded: string;
  holds: boolean | null;
  detail: string;
  message: string | undefined;
  /** Token index range in `tokens`. */
  s: number;
  e: number;
}

export interface Analysis {
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

export function analyze(mainFiles: string[], options: AnalyzeOptions, host: FileHost = new DiskHost(), cache?: PreprocessCache): Analysis {
  const abi = ABIS[options.arch];
  const problems = new Problems();
  const t0 = performance.now();
  const pp = preprocess(
    mainFiles.map((f) => path.resolve(f)),
    {
      includePaths: (options.includePaths ?? []).map((p) => path.resolve(p)),
      systemIncludePaths: (options.systemIncludePaths ?? []).map((p) => path.resolve(p)),
      defines: options.defines ?? [],
      forcedIncludes: (options.forcedIncludes ?? []).map((p) => path.resolve(p)),
      predefines: abi.predefines,
      charSigned: abi.charSigned,
      limits: options.limits,
      skipIncludedBodies: options.skipIncludedBodies,
    },
    host,
    problems,
    cache,
  );
  const t1 = performance.now();
  const layouter = new Layouter(abi, problems);
  const result = parse(pp, layouter, problems, { msExtensions: !!options.msExtensions });
  const ev = new Evaluator(layouter);
  const side = (e: Parameters<Evaluator['evalInt']>[0]) => {
    const r = ev.evalInt(e);
    return r.ok ? (r.t.signed ? BigInt.asIntN(r.t.bits, r.v) : r.v) : undefined;
  };
  // Assertions are reported for the files being analysed, not for every header they include.
  const mainPaths = new Set(mainFiles.map((f) => path.resolve(f)));
  const asserts = result.asserts.map((a) => explainAssert(a, pp, side)).filter((v) => mainPaths.has(v.file.path));
  const t2 = performance.now();
  return {
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
    timings: { preprocess: t1 - t0, parse: t2 - t1 },
  };
}
