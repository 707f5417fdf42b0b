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
   * workspace folders), `in-tree` (the tree's own .config), `default` (built in: no .config found); null outside a tree.
   */
  configKind: 'setting' | 'build-dir' | 'in-tree' | 'default' | null;
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
