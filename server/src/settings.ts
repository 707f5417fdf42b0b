// Settings on the server's side: what a client sends normalized, the memdesc.defines syntax, each document's settings.
// Normalized into shared/settings.ts's `Settings`; a document's settings are asked for once (workspace/configuration)
// until they change, or are the initialization options' when the client cannot be asked.

import type { Connection } from 'vscode-languageserver/node';
import { DEFAULT_SETTINGS, INLAY_HINT_MODES, NUMBER_FORMATS, Settings, SETTINGS_SECTION, TRACE_LEVELS } from '../../shared/settings';
import { AS_CONFIGURED, isAbiName, parseLimit, VARIANTS } from './engine';
import type { ConfigOverride } from './engine';
import type { Tracer } from './trace';

const oneOf = <T extends string>(values: readonly T[], x: unknown, fallback: T): T => (values.includes(x as T) ? (x as T) : fallback);

/** Settings as a client sent them (any shape) → valid settings; bad values fall back to defaults. */
export function normalizeSettings(raw: unknown): Settings {
  const r = (raw && typeof raw === 'object' ? raw : {}) as Record<string, unknown>;
  const str = (k: 'config' | 'buildDir' | 'kernelRoot') => (typeof r[k] === 'string' ? (r[k] as string) : DEFAULT_SETTINGS[k]);
  const list = (k: 'defines' | 'includePaths' | 'files') => (Array.isArray(r[k]) ? (r[k] as unknown[]).filter((x): x is string => typeof x === 'string' && x.trim() !== '') : []);
  // An ABI, or '' (the default): follow the kernel config.
  const arch = typeof r.arch === 'string' && isAbiName(r.arch) ? r.arch : DEFAULT_SETTINGS.arch;
  const variant = typeof r.variant === 'string' && VARIANTS.some((v) => v.name === r.variant && v.name !== AS_CONFIGURED) ? r.variant : DEFAULT_SETTINGS.variant;
  // `trace.server` arrives nested (VS Code) or as a dotted key (hand-written settings in other editors).
  const t = (r.trace && typeof r.trace === 'object' ? (r.trace as Record<string, unknown>).server : undefined) ?? r['trace.server'];
  const limits: Record<string, number> = {};
  if (r.limits && typeof r.limits === 'object') {
    for (const [k, v] of Object.entries(r.limits as Record<string, unknown>)) {
      const l = typeof v === 'number' || typeof v === 'string' ? parseLimit(k, v) : undefined;
      if (l && typeof l !== 'string') limits[l.key] = l.value;
    }
  }
  return {
    arch,
    config: str('config'),
    buildDir: str('buildDir'),
    variant,
    defines: list('defines'),
    includePaths: list('includePaths'),
    kernelRoot: str('kernelRoot'),
    files: list('files'),
    matrix: r.matrix === true,
    inlayHints: oneOf(INLAY_HINT_MODES, r.inlayHints, DEFAULT_SETTINGS.inlayHints),
    numberFormat: oneOf(NUMBER_FORMATS, r.numberFormat, DEFAULT_SETTINGS.numberFormat),
    trace: oneOf(TRACE_LEVELS, t, 'off'),
    limits,
  };
}

/**
 * `memdesc.defines` entries: `NAME`, `NAME=VALUE`; `NAME=n` (in a kernel tree, as Kconfig says it) or `!NAME`
 * undefines.
 */
export function parseDefines(defines: readonly string[], kernel: boolean): ConfigOverride[] {
  return defines.map((d) => {
    const s = d.trim();
    if (s.startsWith('!')) return { undef: s.slice(1).trim() };
    const eq = s.indexOf('=');
    if (eq < 0) return { name: s };
    if (kernel && s.slice(eq + 1) === 'n') return { undef: s.slice(0, eq) };
    return { name: s.slice(0, eq), value: s.slice(eq + 1) };
  });
}

/** Config overrides as `memdesc.defines` entries of a kernel tree (`NAME`, `NAME=VALUE`, `NAME=n`): parseDefines' inverse. */
export function definesOf(overrides: readonly ConfigOverride[]): string[] {
  return overrides.map((o) => ('undef' in o ? `${o.undef}=n` : o.value === undefined ? o.name : `${o.name}=${o.value}`));
}

/** Each document's settings, from the client. */
export class DocumentSettings {
  /** Whether the client answers workspace/configuration; if not, every document has the global settings. */
  private pull = false;
  /** initializationOptions.settings, or the last workspace/didChangeConfiguration's (clients that cannot be asked). */
  private global: Settings = DEFAULT_SETTINGS;
  private readonly cache = new Map<string, Promise<Settings>>();

  constructor(
    private readonly connection: Connection,
    private readonly tracer: Tracer,
  ) {}

  /** At initialize: whether the client can be asked, and the settings it gave up front. */
  initialize(pull: boolean, initializationSettings: unknown): void {
    this.pull = pull;
    this.global = normalizeSettings(initializationSettings ?? {});
    this.tracer.fromSettings = this.global.trace;
  }

  /** The workspace-wide settings decide tracing before any document is open. */
  readTraceLevel(): void {
    if (!this.pull) return;
    void this.connection.workspace.getConfiguration(SETTINGS_SECTION).then((s) => (this.tracer.fromSettings = normalizeSettings(s).trace), () => undefined);
  }

  /** A document's settings: asked once, then cached until they change or the document closes. */
  for(uri: string): Promise<Settings> {
    if (!this.pull) return Promise.resolve(this.global);
    let s = this.cache.get(uri);
    if (!s) {
      s = this.connection.workspace.getConfiguration({ scopeUri: uri, section: SETTINGS_SECTION }).then(
        (raw) => {
          const n = normalizeSettings(raw);
          if (n.trace !== 'off') this.tracer.fromSettings = n.trace;
          return n;
        },
        () => this.global,
      );
      this.cache.set(uri, s);
    }
    return s;
  }

  forget(uri: string): void {
    this.cache.delete(uri);
  }

  /** workspace/didChangeConfiguration: everything is asked again (or taken from the notification, for clients that cannot be asked). */
  changed(notified: unknown): void {
    this.cache.clear();
    if (this.pull) this.readTraceLevel();
    else {
      this.global = normalizeSettings((notified as Record<string, unknown> | undefined)?.[SETTINGS_SECTION] ?? {});
      this.tracer.fromSettings = this.global.trace;
    }
  }
}
