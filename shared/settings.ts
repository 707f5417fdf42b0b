// The memdesc.* settings: names, values and defaults, one definition for the server, the extension and package.json.
// The server normalizes whatever a client sends into `Settings`; the VS Code extension reads and writes the section
// and resolves its paths before handing it over; test/package/vsix.test.ts holds the manifest to this file.

/** The settings section, in `workspace/configuration` and `initializationOptions.settings`. */
export const SETTINGS_SECTION = 'memdesc';

/**
 * The ABIs a layout can be computed for: the engine's list (server/src/engine/base/abi.ts), which the client may
 * not import; test/package/vsix.test.ts holds the two equal.
 */
export const ABI_NAMES = [
  'x86_64', 'i386', 'arm64', 'arm', 'riscv64', 's390x', 'ppc64le',
  'ppc32', 'ppc64', 'mips', 'mipsel', 'mips64', 'mips64el', 'm68k', 'sparc64', 'parisc', 'parisc64', 'sh4', 'alpha', 'arc',
] as const;
export type AbiName = (typeof ABI_NAMES)[number];

export const TRACE_LEVELS = ['off', 'messages', 'verbose'] as const;
export type TraceLevel = (typeof TRACE_LEVELS)[number];
export const INLAY_HINT_MODES = ['off', 'offsets', 'full'] as const;
export const NUMBER_FORMATS = ['decimal', 'hex', 'both'] as const;

/** The `memdesc` section as an editor holds it (VS Code's settings, a Neovim or Emacs table). On the wire any key may be missing or wrong. */
export interface SettingsSection {
  /** The ABI every layout is computed for; '' follows the kernel config (x86_64 when there is none). */
  arch: AbiName | '';
  /** A kernel .config, instead of the build dir's or the built-in default. */
  config: string;
  /** An O= build dir: its .config and include/generated. */
  buildDir: string;
  /** A config variant of the matrix on top of the config (kernel trees): the server applies it for the ABI it chose. */
  variant: string;
  /** Kernel trees: CONFIG options (`NAME`, `NAME=VALUE`, `NAME=n` or `!NAME` unsets); elsewhere: -D macros. */
  defines: string[];
  includePaths: string[];
  kernelRoot: string;
  /** Files of the kernel tree analysed with the memdesc set (globs, relative to the tree). */
  files: string[];
  /** VS Code only: hand every C header and source to the server, not only those of kernel trees. */
  serveAllHeaders: boolean;
  /** Evaluate the config matrix in the background. */
  matrix: boolean;
  /** Resource limits by their CLI names (`{ "tokens": "10M" }`). */
  limits: Record<string, number | string>;
  inlayHints: (typeof INLAY_HINT_MODES)[number];
  numberFormat: (typeof NUMBER_FORMATS)[number];
  /** VS Code sends it nested (`trace: { server }`); other editors may write the dotted key. */
  'trace.server': TraceLevel;
}

export const SECTION_DEFAULTS: Readonly<SettingsSection> = {
  arch: '',
  config: '',
  buildDir: '',
  variant: '',
  defines: [],
  includePaths: [],
  kernelRoot: '',
  files: [],
  serveAllHeaders: false,
  matrix: false,
  limits: {},
  inlayHints: 'offsets',
  numberFormat: 'decimal',
  'trace.server': 'off',
};

/** What the server works with: the section normalized (bad values replaced by defaults, limits parsed). */
export interface Settings extends Omit<SettingsSection, 'serveAllHeaders' | 'limits' | 'trace.server'> {
  trace: TraceLevel;
  /** The limits that parsed, by the engine's names (`{ maxOutputTokens: 10000000 }`); bad entries are left out. */
  limits: { readonly [limit: string]: number };
}

export const DEFAULT_SETTINGS: Readonly<Settings> = {
  arch: SECTION_DEFAULTS.arch,
  config: SECTION_DEFAULTS.config,
  buildDir: SECTION_DEFAULTS.buildDir,
  variant: SECTION_DEFAULTS.variant,
  defines: SECTION_DEFAULTS.defines,
  includePaths: SECTION_DEFAULTS.includePaths,
  kernelRoot: SECTION_DEFAULTS.kernelRoot,
  files: SECTION_DEFAULTS.files,
  matrix: SECTION_DEFAULTS.matrix,
  inlayHints: SECTION_DEFAULTS.inlayHints,
  numberFormat: SECTION_DEFAULTS.numberFormat,
  trace: SECTION_DEFAULTS['trace.server'],
  limits: {},
};

/** Settings holding one path: a client resolves `${workspaceFolder}`, `~/` and relative paths against the workspace folder. */
export const PATH_SETTINGS = ['config', 'buildDir', 'kernelRoot'] as const satisfies ReadonlyArray<keyof SettingsSection>;
/** Settings holding a list of paths, resolved the same way (memdesc.files are relative to the kernel tree: left alone). */
export const PATH_LIST_SETTINGS = ['includePaths'] as const satisfies ReadonlyArray<keyof SettingsSection>;
