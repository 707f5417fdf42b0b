// The preprocessor's resource limits: what hostile or runaway input meets, each turning into a diagnostic.

export interface PreprocessLimits {
  maxIncludeDepth: number;
  /** Tokens one top-level macro invocation may produce, counting everything its rescans produce. */
  maxExpansionTokens: number;
  maxIfDepth: number;
  maxOutputTokens: number;
  /** Macro invocations nested inside each other's arguments (`F(G(H(...)))`), each pre-expanded recursively. */
  maxMacroNesting: number;
  /** Largest file (in characters) that is lexed; a larger one is reported and not read (its tokens would not fit in memory). */
  maxFileBytes: number;
  /** Files entered in one translation unit (an exponential include tree of unguarded headers stops here). */
  maxIncludes: number;
}

/** The limits by the names the CLI (`--limit NAME=N`) and the `memdesc.limits` setting use. */
export const LIMIT_NAMES: Record<string, keyof PreprocessLimits> = {
  'include-depth': 'maxIncludeDepth',
  'expansion-tokens': 'maxExpansionTokens',
  'macro-nesting': 'maxMacroNesting',
  'if-depth': 'maxIfDepth',
  tokens: 'maxOutputTokens',
  'file-size': 'maxFileBytes',
  includes: 'maxIncludes',
};

/** `NAME=N` (N may end in k or M, powers of 1024 for file-size, of 1000 otherwise) → a limit, or an error message. */
export function parseLimit(name: string, value: string | number): { key: keyof PreprocessLimits; value: number } | string {
  const key = LIMIT_NAMES[name];
  if (!key) return `unknown limit '${name}' (${Object.keys(LIMIT_NAMES).join(', ')})`;
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kKmM]?)\s*$/.exec(String(value));
  if (!m) return `limit ${name} takes a positive number, not '${value}'`;
  const unit = m[2] ? (key === 'maxFileBytes' ? 1024 : 1000) ** (m[2].toLowerCase() === 'k' ? 1 : 2) : 1;
  const n = Math.floor(Number(m[1]) * unit);
  if (!(n > 0) || !Number.isSafeInteger(n)) return `limit ${name} takes a positive number, not '${value}'`;
  return { key, value: n };
}

export const DEFAULT_LIMITS: PreprocessLimits = {
  maxIncludeDepth: 200,
  maxExpansionTokens: 2_000_000,
  maxIfDepth: 1000,
  // Real translation units are under a million tokens (mm/page_alloc.c: 804k); analysing one costs 250-600
  // bytes per token, so 5 million keep a hostile input within a default V8 heap instead of killing the process.
  maxOutputTokens: 5_000_000,
  maxMacroNesting: 256,
  maxFileBytes: 8 * 1024 * 1024,
  // Real translation units enter about a thousand files (1,100 for kernel/sched/core.c; guarded headers are entered
  // once): ten times that leaves room, and stops an exponential tree of unguarded headers well before 5M tokens.
  maxIncludes: 10_000,
};
