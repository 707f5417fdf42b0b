// The pipeline: preprocess → parse → (lazy) layout → assertion verdicts. Plain data in, plain data out.

import * as path from 'node:path';
import { Abi, ABIS, AbiName, withCharSign } from './abi';
import { Evaluator } from './consteval';
import { explainAssert } from './asserts';
import { DiskHost, FileHost } from './host';
import { Layouter } from './layout';
import { ParseResult, parse } from './parser';
import { preprocess, PreprocessCache, PreprocessLimits, PreprocessResult } from './preprocessor';
import { Problem, Problems } from './problems';
import { SourceFile } from './source';
import { Token } from './token';

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
  tokens: Token[];
  pp: PreprocessResult;
  parse: ParseResult;
  layouter: Layouter;
  asserts: AssertVerdict[];
  problems: Problem[];
  /** Milliseconds per stage. */
  timings: { preprocess: number; parse: number };
}

export function analyze(mainFiles: string[], options: AnalyzeOptions, host: FileHost = new DiskHost(), cache?: PreprocessCache): Analysis {
  const abi = options.charSigned === undefined ? ABIS[options.arch] : withCharSign(ABIS[options.arch], options.charSigned);
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
    },
    host,
    problems,
    cache,
  );
  const t1 = performance.now();
  const layouter = new Layouter(abi, problems);
  const result = parse(pp.tokens, layouter, problems, { msExtensions: !!options.msExtensions });
  const ev = new Evaluator(layouter);
  const side = (e: Parameters<Evaluator['evalInt']>[0]) => {
    const r = ev.evalInt(e);
    return r.ok ? (r.t.signed ? BigInt.asIntN(r.t.bits, r.v) : r.v) : undefined;
  };
  // Assertions are reported for the files being analysed, not for every header they include.
  const mainPaths = new Set(mainFiles.map((f) => path.resolve(f)));
  const asserts = result.asserts.map((a) => explainAssert(a, pp.tokens, side)).filter((v) => options.assertScope === 'all' || mainPaths.has(v.file.path));
  const t2 = performance.now();
  return {
    abi,
    options,
    files: pp.files,
    tokens: pp.tokens,
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
