// Problems as data: every stage reports here instead of throwing, with a code from the one registry below, which
// also fixes each code's severity, so the CLI, the language server and SARIF all say the same of it.

import { SourceFile } from './source';

export type Severity = 'error' | 'warning' | 'info';

/**
 * Every problem code, with its severity and what it means (the README's table of diagnostic codes is this,
 * checked by test/unit/problems.test.ts).
 */
export const PROBLEM_CODES = {
  // Files and includes.
  'file-not-found': { severity: 'error', meaning: 'an input file cannot be read' },
  'file-too-large': { severity: 'error', meaning: 'a file larger than the file-size limit (8 MiB) is not read' },
  'include-not-found': { severity: 'error', meaning: '`#include` target not found in the search path' },
  'include-depth': { severity: 'error', meaning: 'includes nested deeper than the include-depth limit (include cycles end here)' },
  'too-many-includes': { severity: 'error', meaning: 'the translation unit enters more files than the includes limit (an exponential include tree); the rest is not analysed' },
  // Lexing and preprocessing.
  'unterminated-comment': { severity: 'error', meaning: 'a `/*` comment without its end' },
  'unterminated-string': { severity: 'error', meaning: 'a string or character literal without its closing quote' },
  'unterminated-if': { severity: 'error', meaning: 'an `#if` without `#endif` in its file' },
  'unbalanced-endif': { severity: 'error', meaning: 'an `#endif`, `#elif` or `#elifdef` without `#if`' },
  'unbalanced-else': { severity: 'error', meaning: 'an `#else` without `#if`, or after `#else`' },
  'unknown-directive': { severity: 'warning', meaning: 'a directive gcc does not know (it is ignored)' },
  'unsupported-pragma': { severity: 'warning', meaning: '`#pragma pack` (not modelled: layouts after it may differ)' },
  'pp-error': { severity: 'error', meaning: '`#error`' },
  'pp-warning': { severity: 'warning', meaning: '`#warning`' },
  'pp-expr': { severity: 'error', meaning: 'an `#if` expression that is not a valid integer constant expression' },
  'pp-div-zero': { severity: 'error', meaning: 'division by zero in an `#if` expression' },
  'macro-redefined': { severity: 'warning', meaning: 'a macro defined again differently (the new definition holds)' },
  'macro-expansion-limit': { severity: 'error', meaning: 'a macro invocation produced more tokens than the expansion-tokens limit, rescans included (macro bombs stop here; a bomb used again costs nothing more)' },
  'unterminated-macro-call': { severity: 'error', meaning: 'a function-like macro invocation without its closing parenthesis' },
  'macro-arg-count': { severity: 'error', meaning: 'a macro invoked with the wrong number of arguments' },
  'invalid-paste': { severity: 'error', meaning: '`##` that does not form one token' },
  'too-many-tokens': { severity: 'error', meaning: 'the translation unit exceeds the tokens limit (5 million, 6× the largest kernel TU); the rest is not analysed' },
  'nesting-too-deep': { severity: 'error', meaning: 'declarators, expressions, `#if` expressions or macro invocations inside macro arguments nested beyond their limits' },
  // Declarations and types.
  'syntax-error': { severity: 'error', meaning: 'the declaration it is in is skipped; parsing continues after it' },
  'mismatched-bracket': { severity: 'warning', meaning: 'a bracket closed by another kind of bracket (the parser goes on as if it matched)' },
  'unknown-type': { severity: 'warning', meaning: 'a type name that is not declared; sizes and offsets depending on it are unknown' },
  'incomplete-type': { severity: 'error', meaning: 'a member whose type is incomplete (including a struct containing itself)' },
  'function-member': { severity: 'error', meaning: 'a member of function type' },
  'duplicate-member': { severity: 'error', meaning: 'two members of one struct or union with the same name' },
  'redefinition': { severity: 'error', meaning: 'a struct, union, enum or typedef defined twice differently' },
  'tag-kind-mismatch': { severity: 'error', meaning: 'a tag used as struct, union and enum at once' },
  'declaration-does-not-declare': { severity: 'warning', meaning: 'e.g. a tagged member without a name, without `--ms-extensions`' },
  'bitfield-too-wide': { severity: 'error', meaning: 'a bitfield wider than its type' },
  'bitfield-width': { severity: 'error', meaning: 'a negative bitfield width, or a zero width on a named bitfield' },
  'bitfield-type': { severity: 'error', meaning: 'a bitfield of a type that cannot have one' },
  'not-constant': { severity: 'error', meaning: 'an array size or bitfield width that is not a constant' },
  'alignment-unknown': { severity: 'warning', meaning: 'an `aligned` attribute whose value cannot be computed; layouts depending on it are unknown' },
  'bad-alignment': { severity: 'error', meaning: 'an alignment that is not a positive power of 2' },
  'array-size': { severity: 'error', meaning: 'a negative array size' },
  'array-too-large': { severity: 'error', meaning: 'an array larger than an object may be' },
  'size-overflow': { severity: 'error', meaning: 'a struct or union larger than an object may be' },
  'flexible-array-not-last': { severity: 'error', meaning: 'a flexible array member that is not the last member' },
  'array-element-alignment': { severity: 'error', meaning: 'an array of an over-aligned typedef whose elements cannot all be aligned (gcc rejects it)' },
  'enum-too-large': { severity: 'error', meaning: 'enumerator values that do not fit in 64 bits' },
  'unsupported-attribute': { severity: 'warning', meaning: 'an attribute that changes layout in ways not modelled; what depends on it is unknown' },
  'unsupported-type': { severity: 'error', meaning: "a type the ABI's gcc does not have (`__int128` on 32-bit ABIs, `_Float128` on arm, `_Float16` off x86_64 and arm64): sizes that depend on it are unknown" },
  'mode-attribute': { severity: 'error', meaning: 'a `mode(...)` the ABI has no such machine mode for, or that does not apply to the type (gcc rejects both)' },
  'vector-type': { severity: 'error', meaning: 'a `vector_size(N)` gcc rejects: not a power-of-two multiple of the element size, or of a type that cannot be an element' },
  'bad-number': { severity: 'error', meaning: 'an invalid number literal (a bad digit or suffix), or a floating constant in `#if`' },
  'number-too-large': { severity: 'warning', meaning: 'an integer constant wider than 64 bits (gcc keeps the low 64 bits)' },
  'bad-char': { severity: 'error', meaning: 'an empty character constant' },
  // Assertions and the memdesc rules.
  'assert-fails': { severity: 'error', meaning: 'a layout assertion fails: the build of that configuration breaks' },
  'assert-unknown': { severity: 'warning', meaning: 'an assertion cannot be evaluated (the detail says why): nothing is checked there' },
  'matrix-assert-fails': { severity: 'warning', meaning: 'language server, `memdesc.matrix`: an assertion that holds here fails in another ABI × config combination' },
  'config-counterexample': { severity: 'warning', meaning: '`check --all-configs` and the language server (`memdesc.allConfigs`): a layout assertion fails in some valid Kconfig configuration of the arch; the message names the smallest assignment away from its defconfig that breaks it and the arch (the JSON output has the full `.config`; in the editor, code actions show the layout there and open the `.config`)' },
  'config-undecided': { severity: 'warning', meaning: '`check --all-configs`: an assertion not decided within the time budget, or not evaluable in some configuration; nothing is claimed for it' },
  'config-arch-mismatch': { severity: 'error', meaning: 'language server: `memdesc.arch` names another ABI than the `.config` of `memdesc.config`/`memdesc.buildDir` is for, or that config is for an arch without an ABI here; nothing is analysed (the CLI exits 2 instead)' },
  'memdesc-partial-overlap': { severity: 'warning', meaning: 'a descriptor member asserted against a page member covers only part of it' },
  'memdesc-straddles-page-field': { severity: 'warning', meaning: "a descriptor member crosses a boundary of one of page's generic fields without an assertion pairing them" },
  'memdesc-too-large': { severity: 'warning', meaning: 'a descriptor is larger than the pages its assertions establish it overlays' },
  'memdesc-compound-head-bit0': { severity: 'warning', meaning: 'a member whose type can set bit 0 lies over `compound_head`/`compound_info`' },
  // Kconfig (engine/kconfig).
  'kconfig-syntax': { severity: 'error', meaning: "a line of a Kconfig file the kernel's parser would refuse; the rest is still read" },
  'kconfig-source-not-found': { severity: 'error', meaning: 'a `source` of a Kconfig file that does not exist' },
  'kconfig-source-unresolved': { severity: 'error', meaning: 'a `source` whose path still holds an unknown variable (a toolchain probe)' },
  'kconfig-source-outside-tree': { severity: 'error', meaning: 'a `source` of a file outside the kernel tree (not read)' },
  'kconfig-source-depth': { severity: 'error', meaning: '`source` nested too deep' },
  'kconfig-recursive-source': { severity: 'error', meaning: 'a Kconfig file that sources itself, directly or not' },
  'kconfig-too-many-files': { severity: 'error', meaning: 'more Kconfig files than any tree has (the rest are not read)' },
  'kconfig-block-end': { severity: 'error', meaning: 'an `endif`, `endmenu` or `endchoice` that closes nothing, or another block' },
  'kconfig-missing-end': { severity: 'error', meaning: 'an `if`, `menu` or `choice` left open at the end of its file' },
  'kconfig-nesting-too-deep': { severity: 'error', meaning: 'Kconfig blocks nested beyond the limit' },
  'kconfig-choice-member': { severity: 'error', meaning: 'a choice member that is not a visible bool, or a choice without members' },
  'kconfig-choice-without-prompt': { severity: 'error', meaning: 'a choice without a prompt' },
  'kconfig-menuconfig-without-prompt': { severity: 'error', meaning: 'a menuconfig without a prompt' },
  'kconfig-dependency-cycle': { severity: 'error', meaning: 'symbols that depend on each other (through depends on, select, default)' },
  'kconfig-transitional': { severity: 'error', meaning: 'a transitional symbol misused (a prompt, or something selecting it)' },
  'kconfig-macro': { severity: 'error', meaning: 'a Kconfig macro that cannot be expanded' },
  'kconfig-error-if': { severity: 'error', meaning: '`$(error-if,...)` whose condition holds' },
  'kconfig-warning': { severity: 'warning', meaning: "a Kconfig construct the kernel's parser warns about" },
  'kconfig-warning-if': { severity: 'warning', meaning: '`$(warning-if,...)` whose condition holds' },
  'kconfig-no-type': { severity: 'warning', meaning: 'a symbol with no type (it is ignored, as conf ignores it)' },
  'kconfig-select-type': { severity: 'warning', meaning: 'a `select` or `imply` of a symbol that is not bool or tristate' },
  'kconfig-range-type': { severity: 'warning', meaning: 'a `range` on a symbol that is not int or hex' },
  'kconfig-default-type': { severity: 'warning', meaning: "a default whose value does not fit the symbol's type" },
  'kconfig-type-redefined': { severity: 'warning', meaning: 'a symbol given another type where it is defined again' },
  'kconfig-prompt-redefined': { severity: 'warning', meaning: 'a second prompt for the same definition' },
  'kconfig-prompt-whitespace': { severity: 'warning', meaning: 'a prompt that starts or ends with whitespace' },
  'kconfig-help': { severity: 'warning', meaning: 'help text that is empty or misplaced' },
  'kconfig-legacy-choice': { severity: 'warning', meaning: 'a choice form of kernels before 6.11 (read, not modelled)' },
  'kconfig-modules-redefined': { severity: 'error', meaning: 'a second symbol declared as the modules symbol' },
  'kconfig-no-newline': { severity: 'warning', meaning: 'a Kconfig file that does not end in a newline' },
  'kconfig-ignored-character': { severity: 'warning', meaning: 'a character the Kconfig lexer ignores' },
  'kconfig-multiline-string': { severity: 'warning', meaning: 'a string that runs past the end of its line' },
  'kconfig-too-deep': { severity: 'warning', meaning: 'a dependency chain too long to evaluate exactly (its values are approximated)' },
  'kconfig-config-line': { severity: 'warning', meaning: 'a line of a .config that olddefconfig ignores or changes' },
  'kconfig-info': { severity: 'info', meaning: '`$(info,...)`' },
  // The engine itself.
  'internal-error': { severity: 'error', meaning: 'a bug: the engine caught itself; please report it with the input' },
} as const satisfies Record<string, { severity: Severity; meaning: string }>;

export type ProblemCode = keyof typeof PROBLEM_CODES;

/** The codes of one severity (a report of a code under another severity does not type-check). */
export type CodeOf<S extends Severity> = { [K in ProblemCode]: (typeof PROBLEM_CODES)[K]['severity'] extends S ? K : never }[ProblemCode];

export function severityOf(code: ProblemCode): Severity {
  return PROBLEM_CODES[code].severity;
}

export function isProblemCode(code: string): code is ProblemCode {
  return Object.prototype.hasOwnProperty.call(PROBLEM_CODES, code);
}

export interface RelatedLocation {
  file: SourceFile;
  offset: number;
  end: number;
  message: string;
}

export interface Problem {
  severity: Severity;
  /** Stable kebab-case code from PROBLEM_CODES, e.g. "unknown-type", "include-not-found". */
  code: ProblemCode;
  message: string;
  /** Undefined for problems with no place (e.g. a bad command-line option). */
  file: SourceFile | undefined;
  offset: number;
  end: number;
  related?: RelatedLocation[];
}

/** Collects problems, dropping exact repeats and capping the total so a pathological input cannot flood memory. */
export class Problems {
  readonly list: Problem[] = [];
  private seen = new Set<string>();
  /** Count of problems dropped because the cap was reached. */
  dropped = 0;

  /** `keepRepeats`: a journal's list, whose length must match what was reported (repeats are dropped later). */
  constructor(
    readonly cap = 10000,
    private readonly keepRepeats = false,
  ) {}

  report(p: Problem): void {
    if (this.keepRepeats) {
      this.list.push(p);
      return;
    }
    const key = `${p.file?.id ?? -1}:${p.offset}:${p.code}:${p.message}`;
    if (this.seen.has(key)) return;
    if (this.list.length >= this.cap) {
      this.dropped++;
      return;
    }
    this.seen.add(key);
    this.list.push(p);
  }

  /** Keeps the first n problems (an incremental run goes back to an earlier state). */
  truncate(n: number): void {
    if (n >= this.list.length) return;
    this.list.length = n;
    this.dropped = 0;
    this.seen = new Set(this.list.map((p) => `${p.file?.id ?? -1}:${p.offset}:${p.code}:${p.message}`));
  }

  error(code: CodeOf<'error'>, message: string, file: SourceFile | undefined, offset = 0, end = offset, related?: RelatedLocation[]): void {
    this.report({ severity: 'error', code, message, file, offset, end, related });
  }

  warning(code: CodeOf<'warning'>, message: string, file: SourceFile | undefined, offset = 0, end = offset, related?: RelatedLocation[]): void {
    this.report({ severity: 'warning', code, message, file, offset, end, related });
  }

  info(code: CodeOf<'info'>, message: string, file: SourceFile | undefined, offset = 0, end = offset, related?: RelatedLocation[]): void {
    this.report({ severity: 'info', code, message, file, offset, end, related });
  }
}
