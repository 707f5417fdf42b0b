// The memdesc-layout language server: a plain LSP server over stdio (or node IPC) for any editor.
// It owns documents, settings and scheduling; each feature module translates engine answers to LSP.

import {
  CodeLensRefreshRequest,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  ErrorCodes,
  ResponseError,
  ProposedFeatures,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ConfigVariant, ConfigVariantsParams, ConfigVariantsRequestMethod, LayoutParams, LayoutRequestMethod } from '../../shared/protocol';
import { isAbiName } from './engine/abi';
import { codeLenses } from './features/codeLens';
import { diagnostics } from './features/diagnostics';
import { hover } from './features/hover';
import { inlayHints } from './features/inlayHints';
import { layoutModel } from './features/layout';
import { definition, references } from './features/navigation';
import { documentSymbols } from './features/symbols';
import { uriToPath } from './features/util';
import { AnalysisResult, DEFAULT_SETTINGS, normalizeSettings, Session, Settings } from './session';
import { VARIANTS } from './variants';

const DEBOUNCE_MS = 150;

export function startServer(connection: Connection = createConnection(ProposedFeatures.all)): void {
  const documents = new TextDocuments(TextDocument);
  const session = new Session();
  const settingsCache = new Map<string, Promise<Settings>>();
  let globalSettings = DEFAULT_SETTINGS;
  let hasConfiguration = false;
  let hasPullDiagnostics = false;
  let hasWatchRegistration = false;
  let hasInlayHintRefresh = false;
  let hasCodeLensRefresh = false;
  let shutDown = false;
  const timers = new Map<string, NodeJS.Timeout>();

  connection.onInitialize((params): InitializeResult => {
    const c = params.capabilities;
    hasConfiguration = !!c.workspace?.configuration;
    hasPullDiagnostics = !!c.textDocument?.diagnostic;
    hasWatchRegistration = !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration;
    hasInlayHintRefresh = !!c.workspace?.inlayHint?.refreshSupport;
    hasCodeLensRefresh = !!c.workspace?.codeLens?.refreshSupport;
    const init = normalizeSettings((params.initializationOptions as Record<string, unknown> | undefined)?.settings ?? {});
    globalSettings = init;
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        documentSymbolProvider: true,
        inlayHintProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        codeLensProvider: { resolveProvider: false },
        diagnosticProvider: hasPullDiagnostics ? { interFileDependencies: true, workspaceDiagnostics: false } : undefined,
      },
      serverInfo: { name: 'memdesc-layout', version: '0.1.0' },
    };
  });

  connection.onInitialized(() => {
    if (hasConfiguration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'memdesc' });
    if (hasWatchRegistration) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/.config' }, { globPattern: '**/include/generated/**' }, { globPattern: '**/*.h' }],
      });
    }
  });

  const settingsFor = (uri: string): Promise<Settings> => {
    if (!hasConfiguration) return Promise.resolve(globalSettings);
    let s = settingsCache.get(uri);
    if (!s) {
      s = connection.workspace.getConfiguration({ scopeUri: uri, section: 'memdesc' }).then(normalizeSettings, () => globalSettings);
      settingsCache.set(uri, s);
    }
    return s;
  };

  /** The analysis serving a document, or undefined for documents that are not files. */
  const analysisFor = async (uri: string): Promise<{ result: AnalysisResult; file: string; settings: Settings } | undefined> => {
    const file = uriToPath(uri);
    if (!file) return undefined;
    const settings = await settingsFor(uri);
    return { result: session.analysisFor(file, settings), file, settings };
  };

  const publish = async (uri: string): Promise<void> => {
    const doc = documents.get(uri);
    if (!doc || shutDown) return;
    const version = doc.version;
    const r = await analysisFor(uri);
    // A newer edit arrived while we worked: its own run will publish.
    if (!r || documents.get(uri)?.version !== version) return;
    await connection.sendDiagnostics({ uri, version, diagnostics: diagnostics(r.result, r.file) });
  };

  /** After an edit, a setting or a watched file: re-analyse once things settle, then tell the client. */
  const scheduleRefresh = (): void => {
    const key = 'all';
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        if (shutDown) return;
        if (hasPullDiagnostics) void connection.languages.diagnostics.refresh().catch(() => undefined);
        else for (const d of documents.all()) void publish(d.uri).catch((e) => connection.console.error(String(e)));
        // Hints and lenses of other open headers change too (a new ABI, an edit to an included header).
        if (hasInlayHintRefresh) void connection.languages.inlayHint.refresh().catch(() => undefined);
        if (hasCodeLensRefresh) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
      }, DEBOUNCE_MS),
    );
  };

  documents.onDidChangeContent((change) => {
    const file = uriToPath(change.document.uri);
    if (file) session.setBuffer(file, change.document.getText());
    scheduleRefresh();
  });
  documents.onDidClose((e) => {
    const file = uriToPath(e.document.uri);
    if (file) session.forget(file);
    settingsCache.delete(e.document.uri);
    if (!hasPullDiagnostics) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    scheduleRefresh();
  });
  connection.onDidChangeConfiguration((change) => {
    settingsCache.clear();
    if (!hasConfiguration) globalSettings = normalizeSettings((change.settings as Record<string, unknown> | undefined)?.memdesc ?? {});
    session.invalidateAll();
    scheduleRefresh();
  });
  connection.onDidChangeWatchedFiles(() => {
    session.invalidateAll();
    scheduleRefresh();
  });

  // Every handler answers; an engine bug becomes a logged null, never a dead server.
  const guard = <T>(what: string, f: () => Promise<T>, fallback: T): Promise<T> =>
    f().catch((e) => {
      connection.console.error(`${what} failed: ${e instanceof Error ? e.stack : String(e)}`);
      return fallback;
    });

  connection.onHover((p) => guard('hover', async () => {
    const r = await analysisFor(p.textDocument.uri);
    return r ? hover(r.result, r.file, p.position, r.settings) : null;
  }, null));

  connection.onDocumentSymbol((p) => guard('documentSymbol', async () => {
    const r = await analysisFor(p.textDocument.uri);
    return r ? documentSymbols(r.result, r.file, r.settings) : [];
  }, []));

  connection.onDefinition((p) => guard('definition', async () => {
    const r = await analysisFor(p.textDocument.uri);
    return r ? definition(r.result, r.file, p.position) : [];
  }, []));

  connection.onReferences((p) => guard('references', async () => {
    const r = await analysisFor(p.textDocument.uri);
    return r ? references(r.result, r.file, p.position, p.context?.includeDeclaration !== false) : [];
  }, []));

  connection.onCodeLens((p) => guard('codeLens', async () => {
    const r = await analysisFor(p.textDocument.uri);
    return r ? codeLenses(r.result, r.file, r.settings) : [];
  }, []));

  connection.languages.inlayHint.on((p) => guard('inlayHint', async () => {
    const r = await analysisFor(p.textDocument.uri);
    return r ? inlayHints(r.result, r.file, p.range, r.settings) : [];
  }, []));

  connection.languages.diagnostics.on((p) => guard('diagnostic', async () => {
    const r = await analysisFor(p.textDocument.uri);
    return { kind: DocumentDiagnosticReportKind.Full, items: r ? diagnostics(r.result, r.file) : [] };
  }, { kind: DocumentDiagnosticReportKind.Full, items: [] }));

  connection.onRequest(LayoutRequestMethod, (p: LayoutParams) => {
    if (!p || typeof p.uri !== 'string') return new ResponseError(ErrorCodes.InvalidParams, 'memdesc/layout needs { uri: string, arch?: string, config?: string }');
    return guard('memdesc/layout', async () => {
    const file = uriToPath(p.uri);
    if (!file) return null;
    const settings = { ...(await settingsFor(p.uri)) };
    if (typeof p.arch === 'string' && isAbiName(p.arch)) settings.arch = p.arch;
    if (typeof p.config === 'string') settings.config = p.config;
    return layoutModel(session.analysisFor(file, settings));
    }, null);
  });

  // The matrix's config variants, for an editor's config picker; 'config' (no change) is left out.
  connection.onRequest(ConfigVariantsRequestMethod, (p: ConfigVariantsParams | undefined): ConfigVariant[] =>
    VARIANTS.filter((v) => v.name !== 'config' && (!p?.arch || !v.abis || v.abis.some((a) => a === p.arch))).map((v) => ({
      name: v.name,
      description: v.description,
      abis: v.abis ? [...v.abis] : undefined,
      defines: v.overrides.map((o) => ('undef' in o ? `${o.undef}=n` : o.value === undefined ? o.name : `${o.name}=${o.value}`)),
    })),
  );

  connection.onShutdown(() => {
    shutDown = true;
    for (const t of timers.values()) clearTimeout(t);
  });

  documents.listen(connection);
  connection.listen();
}

