// Analysis that follows edits: after one file changes, the preprocessor runs again only from the last
// checkpoint before the change until it is back in step with its previous run, and only the declarations
// whose tokens changed (and those that depended on what changed) are parsed again. The Analysis it gives
// is the one a fresh analyze() gives; the equivalence tests compare the two after random edits.

import * as path from 'node:path';
import { abiOf, Analysis, AnalysisGenerations, AnalyzeOptions, assemble, parseOptions, preprocessOptions } from './analyze';
import { FileHost } from '../base/host';
import { Layouter } from '../sema/layout';
import { parse, ParseResult } from '../sema/parser';
import { PreprocessCache, PreprocessSession } from '../pp/preprocessor';
import type { ReplayStats } from '../pp/replay';
import { Problems } from '../base/problems';
import { reparse } from '../sema/reparse';

export interface UpdateStats {
  /** 'incremental', or 'full' when everything was analysed again (first run, or the change needed it). */
  mode: 'incremental' | 'full';
  /** Preprocessed tokens that were produced again, and the output's size. */
  tokensRedone: number;
  tokens: number;
  /** Declarations parsed again because their tokens changed, and because of what they depend on. */
  declsEdited: number;
  declsDependent: number;
  ms: { preprocess: number; parse: number; assemble: number };
}

/** Above this share of the translation unit, parsing everything is cheaper than re-parsing a range. */
const FULL_PARSE_SHARE = 0.4;
const FULL_PARSE_MIN_TOKENS = 20_000;

/**
 * An analysis that follows edits. Each update supersedes the previous analysis (see AnalysisGenerations): reading
 * an older one throws StaleAnalysisError.
 */
export class IncrementalAnalysis {
  private readonly generations = new AnalysisGenerations();
  private session: PreprocessSession;
  private parsed: ParseResult;
  private current: Analysis;
  lastStats: UpdateStats;

  constructor(
    private readonly mainFiles: string[],
    private readonly options: AnalyzeOptions,
    private readonly host: FileHost,
    private readonly cache: PreprocessCache = new PreprocessCache(),
  ) {
    const t0 = performance.now();
    this.session = this.newSession();
    const pp = this.session.result!;
    const t1 = performance.now();
    this.parsed = this.fullParse();
    const t2 = performance.now();
    this.current = this.assemble();
    const t3 = performance.now();
    this.lastStats = { mode: 'full', tokensRedone: pp.tokens.length, tokens: pp.tokens.length, declsEdited: this.parsed.state.decls.length, declsDependent: 0, ms: { preprocess: t1 - t0, parse: t2 - t1, assemble: t3 - t2 } };
  }

  get analysis(): Analysis {
    return this.current;
  }

  /** The files in `changed` may read differently now (through the host); brings the analysis up to date. */
  update(changed: string[]): Analysis {
    // From here on the shared state changes in place: the analysis handed out before is no longer readable.
    this.generations.current++;
    const t0 = performance.now();
    let redone = 0;
    let edited = 0;
    let dependent = 0;
    let full = false;
    let tPre = 0;
    for (const file of changed) {
      const a = performance.now();
      const u = this.session.update(path.resolve(file));
      tPre += performance.now() - a;
      if (!u) {
        full = true;
        break;
      }
      const { splice } = u;
      if (splice.a === splice.oldEnd && splice.a === splice.newEnd) continue;
      redone += splice.newEnd - splice.a;
      if (u.result.tokens.length > FULL_PARSE_MIN_TOKENS && splice.newEnd - splice.a > FULL_PARSE_SHARE * u.result.tokens.length) {
        this.parsed = this.fullParse();
        edited += this.parsed.state.decls.length;
        continue;
      }
      const r = reparse(this.parsed.state, u.result, splice, new Layouter(abiOf(this.options), new Problems()));
      this.parsed = r.result;
      edited += r.stats.edited;
      dependent += r.stats.dependents;
    }
    if (full) {
      // The previous run cannot be resumed (it was cut short, or the file was read more than once): start over.
      this.session = this.newSession();
      tPre = performance.now() - t0;
      this.parsed = this.fullParse();
    }
    const t2 = performance.now();
    this.current = this.assemble();
    const t3 = performance.now();
    const tokens = this.session.result!.tokens.length;
    this.lastStats = {
      mode: full ? 'full' : 'incremental',
      tokensRedone: full ? tokens : redone,
      tokens,
      declsEdited: full ? this.parsed.state.decls.length : edited,
      declsDependent: dependent,
      ms: { preprocess: tPre, parse: t2 - t0 - tPre, assemble: t3 - t2 },
    };
    return this.current;
  }

  /**
   * A fresh analysis of the inputs as `host` reads them now, with `options` (another config's generated headers,
   * definitions and include paths, say), replaying this analysis' preprocessing wherever it does not depend on what
   * changed. This analysis is left as it is; the result is standalone (never superseded) and equals a fresh analyze()
   * of the same main files, options and host.
   */
  replayed(host: FileHost = this.host, options: AnalyzeOptions = this.options, mainFiles: string[] = this.mainFiles): { analysis: Analysis; stats: ReplayStats } {
    const t0 = performance.now();
    const r = this.session.replay(host, preprocessOptions(options));
    const t1 = performance.now();
    const parsed = parse(r.result, new Layouter(abiOf(options), new Problems()), new Problems(), parseOptions(mainFiles, options));
    const t2 = performance.now();
    return { analysis: assemble(mainFiles, options, r.result, r.problems, parsed, { preprocess: t1 - t0, parse: t2 - t1 }), stats: r.stats };
  }

  /** A journalled preprocessor run of the main files, from the start. */
  private newSession(): PreprocessSession {
    const session = new PreprocessSession(this.mainFiles.map((f) => path.resolve(f)), preprocessOptions(this.options), this.host, this.cache);
    session.run();
    return session;
  }

  private fullParse(): ParseResult {
    // Parse-time layouts are the parser's own; the analysis lays out afresh (see assemble).
    return parse(this.session.result!, new Layouter(abiOf(this.options), new Problems()), new Problems(), parseOptions(this.mainFiles, this.options, true));
  }

  private assemble(): Analysis {
    const pp = this.session.result!;
    return assemble(this.mainFiles, this.options, pp, this.session.problems.list, this.parsed, { preprocess: 0, parse: 0 }, this.generations);
  }
}
