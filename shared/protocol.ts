// The custom requests between the server and its clients, as typed request objects (docs/protocol.md).
// Both the server (connection.onRequest) and the VS Code client (client.sendRequest) take them.

import { RequestType } from 'vscode-languageserver-protocol';

export interface LayoutParams {
  /** A document in the analysed set (a kernel header, a .memdesc sketch); the server finds its tree. Required unless `root` is given. */
  uri?: string;
  /** ABI to lay out for; default: the `memdesc.arch` setting. */
  arch?: string;
  /** A path to a .config to use instead of the configured one. */
  config?: string;
  /** Instead of a document: a kernel tree, as a path or file URI; its memdesc set is laid out. */
  root?: string;
  /** A config variant of the matrix applied on top (`memcg`, `no-memcg`, `lockdep`, `preempt-rt`, `highmem`). */
  variant?: string;
  /**
   * The full text of a kernel .config to lay out under instead of the configured one (a configuration the
   * every-configuration search found: see ExploredConfigRequest); kernel trees only. Not with `config` or `variant`.
   */
  configText?: string;
  /** How the result names `configText` (its configSource); default `a .config given by the editor`. */
  configLabel?: string;
}

export interface SourceLocation {
  uri: string;
  /** 0-based, as LSP positions are. */
  line: number;
  character: number;
}

export interface OverlapInfo {
  struct: string;
  member: string;
  exact: boolean;
  asserted: boolean;
}

/** A node of a struct's layout tree: members, and anonymous structs/unions (union arms side by side). */
export interface LayoutNode {
  kind: 'member' | 'struct' | 'union';
  name?: string;
  type?: string;
  /** Absolute byte offset in the descriptor; null when unknown. */
  offset: number | null;
  size: number | null;
  bitOffset?: number;
  bitSize?: number;
  /** Which page of a multi-page descriptor the node starts on. */
  page?: number | null;
  overlaps?: OverlapInfo[];
  location?: SourceLocation;
  children?: LayoutNode[];
}

export interface LayoutStruct {
  name: string;
  size: number | null;
  align: number | null;
  /** 'page' for descriptors; absent for struct page itself. */
  overlays?: string;
  pages: number | null;
  location?: SourceLocation;
  nodes: LayoutNode[];
}

export interface MemberRef {
  struct: string;
  member: string;
}

export interface LayoutFinding {
  code: string;
  severity: 'error' | 'warning';
  message: string;
  location: SourceLocation;
  /** Assertions: the members the assertion compares (rule findings are located at their member instead). */
  members?: MemberRef[];
}

/** Verdicts of every static assertion in the analysed files. */
export interface AssertSummary {
  holding: number;
  failing: number;
  unknown: number;
}

export interface LayoutResult {
  arch: string;
  /** Bytes per machine word: the diagram's row height. */
  wordSize: number;
  pageSize: number | null;
  /** struct page first, then the descriptors in definition order. */
  structs: LayoutStruct[];
  /** Failing and unevaluable assertions, and rule findings. */
  findings: LayoutFinding[];
  asserts: AssertSummary;
  /** Where the kernel config came from (a path, a build dir, or the built-in default); null outside a kernel tree. */
  configSource: string | null;
  /**
   * How it was chosen: `setting` (memdesc.config / memdesc.buildDir), `build-dir` (an O= build dir found among the
   * workspace folders), `in-tree` (the tree's own .config), `default` (built in: no .config found), `text` (the
   * request's configText); null outside a tree.
   */
  configKind: 'setting' | 'build-dir' | 'in-tree' | 'default' | 'text' | null;
  /** Where the ABI came from: the `config`, the `setting` (memdesc.arch or the request), or the `default` (x86_64). */
  archFrom: 'config' | 'setting' | 'default' | null;
  /** What the user should know: why the built-in default is used and how to pick a config, or a contradiction. */
  configNotice: string | null;
  /** The config variant applied, when the request named one. */
  variant?: string;
}

export interface ConfigVariantsParams {
  /** Only the variants that apply to this ABI; default: all. */
  arch?: string;
}

/** A config variant of `check --matrix`, as `memdesc.defines` entries (`NAME`, `NAME=VALUE`; `NAME=n` unsets). */
export interface ConfigVariant {
  name: string;
  description: string;
  /** The ABIs it applies to; absent: all. */
  abis?: string[];
  defines: string[];
}

/** The model the layout diagram draws, for a document (or a kernel tree); null when nothing serves it. */
export const LayoutRequest = new RequestType<LayoutParams, LayoutResult | null, void>('memdesc/layout');

/** The config variants of the matrix, for an editor's config picker. */
export const ConfigVariantsRequest = new RequestType<ConfigVariantsParams, ConfigVariant[], void>('memdesc/configVariants');

// ---- every configuration (memdesc.allConfigs) ----

/** A counterexample: a valid configuration of an arch in which an assertion fails. */
export interface ExploredCounterexample {
  /** The Kconfig symbols set away from the arch's defconfig among those the verdict reads (`CONFIG_X`: y, n, m or a value): the smallest such assignment. */
  assignment: Record<string, string>;
  /** What else its full .config (olddefconfig of the defconfig plus the assignment) sets away from the defconfig. */
  alsoSet: Record<string, string>;
  /** The two values the assertion compares there (offsets, or sizes); null when unknown. */
  offsets: [number | null, number | null];
  /** Why the member moved: what differs from the defconfig's layouts, member by member, and under which #if. */
  why: string;
  /** The assertion's own detail under that configuration. */
  detail: string;
}

/** One assertion's result for one arch. */
export interface ExploredAssert {
  arch: string;
  /** Where it is, in the text the editor has now (0-based line, as LSP). */
  uri: string;
  line: number;
  text: string;
  /** true: holds in every valid configuration; false: a counterexample; null: not decided (budget, or unknown). */
  holds: boolean | null;
  /** The Kconfig symbols (without CONFIG_) its verdict reads in some configuration and that can change on this arch. */
  symbols: string[];
  /** Distinct cases analysed (configurations that agree on what the verdict reads). */
  cases: number;
  counterexample?: ExploredCounterexample;
  /** Why it is not decided, when it is not. */
  note?: string;
}

/** A distinct layout of the compared records met in the search. */
export interface ExploredLayout {
  arch: string;
  /** Symbols set away from the defconfig (`CONFIG_X`: value); empty for the defconfig itself. */
  assignment: Record<string, string>;
  /** Records laid out differently than under the defconfig (`struct zpdesc`). */
  differs: string[];
}

/** What the search of one arch did. */
export interface ExploredArch {
  arch: string;
  /** Every assertion decided within the budget. */
  complete: boolean;
  /** Configurations analysed, and milliseconds. */
  analyses: number;
  ms: number;
  /** Problems of the arch's Kconfig (they are diagnostics of the Kconfig files too). */
  kconfigProblems: number;
  /** The arch could not be explored (no defconfig in the tree, or the search failed): why. */
  failure?: string;
}

export interface ExploredParams {
  /** A document of the analysed set. */
  uri: string;
}

export interface ExploredResult {
  /**
   * `off`: memdesc.allConfigs.enabled is false, the document is not in a kernel tree, or the tree has no Kconfig;
   * `pending`: the search for the text as it is now has not finished (results for an older text are never shown);
   * `done`: the results below are for the text as it is now.
   */
  state: 'off' | 'pending' | 'done';
  arches: ExploredArch[];
  asserts: ExploredAssert[];
  layouts: ExploredLayout[];
}

/** The every-configuration search's results for a document's analysis (the VS Code config picker lists its layouts). */
export const ExploredRequest = new RequestType<ExploredParams, ExploredResult | null, void>('memdesc/explored');

export interface ExploredConfigParams {
  /** The document the assertion is in (a counterexample), or any document of the analysis (a layout). */
  uri: string;
  arch: string;
  /** A counterexample: its assertion's 0-based line in the document as it is now. */
  line?: number;
  /** A layout: its assignment away from the defconfig (ExploredLayout.assignment); `{}` is the defconfig. Ignored with `line`. */
  assignment?: Record<string, string>;
}

export interface ExploredConfig {
  arch: string;
  /** For people: `x86_64 defconfig + CONFIG_MEMCG=n`. */
  label: string;
  /** The .config's full text: a counterexample's (valid: olddefconfig of the defconfig plus its assignment), or for a layout the defconfig with its assignment applied (what the search analysed). */
  config: string;
}

/** A full .config the search found: give it to LayoutRequest's configText, or open it. Null when the results are not current. */
export const ExploredConfigRequest = new RequestType<ExploredConfigParams, ExploredConfig | null, void>('memdesc/exploredConfig');

/**
 * The commands of the code actions on a `config-counterexample` warning. The VS Code extension implements them;
 * another editor can send ExploredConfigRequest with the argument instead.
 */
export const EXPLORED_COMMANDS = {
  /** Switch the layout diagram to the counterexample's configuration. */
  showLayout: 'memdesc.showExploredLayout',
  /** Open the counterexample's full .config in an untitled document. */
  openConfig: 'memdesc.openExploredConfig',
} as const;

/** The one argument of an EXPLORED_COMMANDS command: ExploredConfigParams naming a counterexample. */
export interface ExploredCommandArgs {
  uri: string;
  arch: string;
  line: number;
}
