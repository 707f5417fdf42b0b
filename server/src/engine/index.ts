// The engine's one entry module: what the CLI, the language server and the benchmarks may use. The engine is a
// stack of stages, each a folder importing only those below it (test/unit/architecture.test.ts guards this):
//   base/      sources, tokens, problems and their code registry, file hosts, the ABIs
//   pp/        lexer, preprocessor (directives, expansion, the incremental journal, the body skipper, limits)
//   kconfig/   the Kconfig language: parse a tree's Kconfig, olddefconfig, validity as SAT
//   sema/      C declarations: parser, symbols, types, constant evaluation, gcc's record layout, re-parsing
//   analysis/  the pipeline: analyze, assertion verdicts, incremental analyses (immutable snapshots)
//   memdesc/   which structs overlay struct page, overlaps, the rules
//   kernel/    a kernel tree: what kbuild would hand gcc, configs, whole TUs, the config matrix plan
//   view/      what the faces show: JSON and text reports, queries by position
// Plain data in, plain data out: nothing here knows of LSP, VS Code or the protocol.

export { ABIS, ABI_NAMES, isAbiName } from './base/abi';
export type { Abi, AbiName } from './base/abi';
export { DiskHost, OverlayHost } from './base/host';
export type { FileHost } from './base/host';
export { isProblemCode, PROBLEM_CODES, severityOf } from './base/problems';
export type { Problem, ProblemCode } from './base/problems';
export type { SourceFile, Span } from './base/source';
export { parseLimit, PreprocessCache } from './pp/preprocessor';
export type { PreprocessLimits } from './pp/preprocessor';
export { recordName, typeToString } from './sema/types';
export type { RecordDef } from './sema/types';
export type { FieldLayout } from './sema/layout';
export { analyze, isStale, StaleAnalysisError } from './analysis/analyze';
export type { Analysis, AnalyzeOptions, AssertVerdict } from './analysis/analyze';
export { IncrementalAnalysis } from './analysis/incremental';
export type { UpdateStats } from './analysis/incremental';
export { buildModel } from './memdesc/memdesc';
export type { Finding, MemdescModel } from './memdesc/memdesc';
export { isKernelTree, kernelSetup, parseDotConfig, tuCommand, tuOptions } from './kernel/kernel';
export type { KernelSetup, TuCommand } from './kernel/kernel';
export { configValues, DiskKconfigHost, forTree, KCONFIG_ARCHES, kconfigArch, MemoryKconfigHost } from './kconfig';
export type { KconfigArch, KconfigHost, KconfigProblem } from './kconfig';
export { exploreArch } from './kernel/explore';
export type { Counterexample, ExploredAssertion, ExploredLayout, ExploreRequest, ExploreResult } from './kernel/explore';
export { chooseKernelConfig, CLI_WORDS, configArch } from './kernel/config-arch';
export type { ConfigArch, ConfigWords, KernelConfigChoice } from './kernel/config-arch';
export { AS_CONFIGURED, labelText, MATRIX_ABIS, matrixPlan, primaryLabel, variantOverrides, VARIANTS, variantsFor } from './kernel/matrix';
export type { ConfigOverride, ConfigSource, MatrixLabel, MatrixPlanInput, MatrixRunPlan, Variant } from './kernel/matrix';
export { definitionAt, entityAt, memberAt, memberFacts, recordFacts, referencesTo, tokenIndexAt } from './view/query';
export type { Entity } from './view/query';
export { diagnosticText, embeddedRecords, layoutJson, layoutText, modelStructJson, overlapsText, recordsText, recordText, structJson } from './view/report';
export type { PathDisplay } from './view/report';
