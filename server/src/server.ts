// The memdesc-layout language server: a plain LSP server over stdio (or node IPC) for any editor.
// It owns documents, settings, workspace folders and scheduling; each feature module translates engine
// answers to LSP. Requests see every edit received before them, answer RequestCancelled when cancelled,
// and never see a result for a version older than the one they were asked about.

import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  CancellationToken,
  CodeLensRefreshRequest,
  createConnection,
  DidChangeConfigurationNotification,
  DidChangeWatchedFilesNotification,
  DocumentDiagnosticReportKind,
  ErrorCodes,
  InlayHintRefreshRequest,
  LogTraceNotification,
  MessageType,
  LSPErrorCodes,
  Message,
  RequestMessage,
  ResponseMessage,
  Position,
  ProposedFeatures,
  Range,
  ResponseError,
  SetTraceNotification,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ConfigVariant, ConfigVariantsParams, ConfigVariantsRequestMethod, LayoutParams, LayoutRequestMethod } from '../../shared/protocol';
import { ABI_NAMES, isAbiName } from './engine';
import { VARIANTS, variantOverrides } from './engine';
import { codeLenses } from './features/codeLens';
import { diagnostics } from './features/diagnostics';
import { hover } from './features/hover';
import { inlayHints } from './features/inlayHints';
import { layoutModel } from './features/layout';
import { definition, references } from './features/navigation';
import { documentSymbols } from './features/symbols';
import { pathToUri, uriToPath } from './features/util';
import { matrixPlan, MatrixRunner } from './matrix';
import { capHeapGrowth, collectGarbage, heapUsedMiB } from './memory';
import { AnalysisContext, AnalysisResult, DEFAULT_SETTINGS, normalizeSettings, Session, Settings, TraceLevel } from './session';
import { VERSION } from './version';

/** Quiet time after an edit before diagnostics are pushed (clients without pull) and refreshes are sent. */
const DEBOUNCE_MS = 100;
/** Quiet time after an edit before the config matrix is re-evaluated in the background. */
const MATRIX_DEBOUNCE_MS = 750;
/** Quiet time after an analysis before the garbage it left is collected. */
const GC_IDLE_MS = 1000;

/** Requests cancelled before they were dispatched are answered at once, without work. */
const connectionOptions = {
  connectionStrategy: {
    cancelUndispatched: (message: Message): ResponseMessage => ({
      jsonrpc: '2.0',
      id: (message as RequestMessage).id ?? null,
      error: { code: LSPErrorCodes.RequestCancelled, message: 'request cancelled' },
    }),
  },
};

/** One macrotask: lets input that arrived while we were busy (newer edits, cancellations) be read first. */
const turn = () => new Promise<void>((resolve) => setImmediate(resolve));

const cancelled = () => new ResponseError(LSPErrorCodes.RequestCancelled, 'request cancelled');
const invalid = (what: string) => new ResponseError(ErrorCodes.InvalidParams, what);

const isObject = (x: unknown): x is Record<string, unknown> => !!x && typeof x === 'object' && !Array.isArray(x);
const isUint = (x: unknown): x is number => typeof x === 'number' && Number.isInteger(x) && x >= 0;
const isPosition = (x: unknown): x is Position => isObject(x) && isUint(x.line) && isUint(x.character);
const isRange = (x: unknown): x is Range => isObject(x) && isPosition(x.start) && isPosition(x.end);
/** The document URI of textDocument-style params, or undefined when malformed. */
const docUri = (p: unknown): string | undefined => (isObject(p) && isObject(p.textDocument) && typeof p.textDocument.uri === 'string' ? p.textDocument.uri : undefined);

interface Served {
  result: AnalysisResult;
  file: string;
  settings: Settings;
  /** The document version analysed (undefined for files that are not open). */
  version: number | undefined;
}

export function startServer(connection: Connection = createConnection(ProposedFeatures.all, connectionOptions)): void {
  capHeapGrowth();
  const documents = new TextDocuments(TextDocument);
  const session = new Session();
  const settingsCache = new Map<string, Promise<Settings>>();
  let globalSettings = DEFAULT_SETTINGS;
  let caps = { configuration: false, configurationRegistration: false, pull: false, pullRefresh: false, watch: false, folders: false, inlayRefresh: false, lensRefresh: false };
  let clientTrace: TraceLevel = 'off';
  let settingsTrace: TraceLevel = 'off';
  let shutDown = false;
  let inFlight = 0;
  let lastRequest = 0;
  const timers = new Map<string, NodeJS.Timeout>();
  const watchers = new Map<string, fs.FSWatcher>();
  /** Watched directory → file name → content hash when last seen. */
  const watchedNames = new Map<string, Map<string, string>>();

  // ---- tracing: $/logTrace when the client (initialize, $/setTrace) or memdesc.trace.server asks for it ----
  const traceLevel = (): TraceLevel => (clientTrace === 'verbose' || settingsTrace === 'verbose' ? 'verbose' : clientTrace === 'messages' || settingsTrace === 'messages' ? 'messages' : 'off');
  const trace = (message: string, verbose?: string): void => {
    const level = traceLevel();
    if (level === 'off' || shutDown) return;
    void connection.sendNotification(LogTraceNotification.type, { message, verbose: level === 'verbose' ? verbose : undefined }).catch(() => undefined);
  };
  connection.onNotification(SetTraceNotification.type, (p) => {
    if (p && (p.value === 'off' || p.value === 'messages' || p.value === 'verbose')) clientTrace = p.value;
  });
  session.onAnalysis = (r) => {
    const a = r.analysis;
    trace(
      `analysed ${r.root ? `kernel tree ${r.root}` : r.context.files[0]} for ${a.abi.name} in ${r.ms.toFixed(0)} ms`,
      `${a.files.length} files, ${a.tokens.length} tokens, ${a.asserts.length} assertions, ${r.model.memdescs.length} descriptors, config: ${r.setup?.configSource ?? 'n/a'}${r.context.buildDirFound ? ` (build dir ${r.context.buildDir} found in the workspace)` : ''}${r.context.globsTruncated ? '; memdesc.files globs were truncated at their limit' : ''}`,
    );
    watchInputs(r.context);
    scheduleGc();
  };

  // A tree analysed with the built-in default config is never silent: one information message per tree (and per
  // message); settings that contradict each other are an error message (and a diagnostic on its documents).
  session.onConfigNotice = (_root, message, error) => {
    if (shutDown) return;
    // window/showMessage, a notification every client shows (showInformationMessage would be a request).
    void connection.sendNotification(ShowMessageNotification.type, { type: error ? MessageType.Error : MessageType.Info, message: `memdesc: ${message}` }).catch(() => undefined);
  };

  const matrix = new MatrixRunner(
    (m, v) => trace(m, v),
    (key, summary) => {
      session.setMatrix(key, summary);
      if (session.matrixFor(key)) refreshClients(false);
    },
  );

  connection.onInitialize((params: InitializeParams): InitializeResult => {
    const c = params.capabilities;
    caps = {
      configuration: !!c.workspace?.configuration,
      configurationRegistration: !!c.workspace?.didChangeConfiguration?.dynamicRegistration,
      pull: !!c.textDocument?.diagnostic,
      pullRefresh: !!c.workspace?.diagnostics?.refreshSupport,
      watch: !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration,
      folders: !!c.workspace?.workspaceFolders,
      inlayRefresh: !!c.workspace?.inlayHint?.refreshSupport,
      lensRefresh: !!c.workspace?.codeLens?.refreshSupport,
    };
    if (params.trace === 'messages' || params.trace === 'verbose') clientTrace = params.trace;
    globalSettings = normalizeSettings((params.initializationOptions as Record<string, unknown> | undefined)?.settings ?? {});
    settingsTrace = globalSettings.trace;
    const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)) ?? [params.rootUri ? uriToPath(params.rootUri) : params.rootPath ?? undefined];
    session.workspace.setFolders(folders.filter((f): f is string => !!f));
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        documentSymbolProvider: true,
        inlayHintProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        codeLensProvider: { resolveProvider: false },
        diagnosticProvider: caps.pull ? { identifier: 'memdesc-layout', interFileDependencies: true, workspaceDiagnostics: false } : undefined,
        workspace: caps.folders ? { workspaceFolders: { supported: true, changeNotifications: true } } : undefined,
      },
      serverInfo: { name: 'memdesc-layout', version: VERSION },
    };
  });

  connection.onInitialized(() => {
    if (caps.configuration) {
      if (caps.configurationRegistration) void connection.client.register(DidChangeConfigurationNotification.type, { section: 'memdesc' });
      // The workspace-wide settings decide tracing before any document is open.
      void connection.workspace.getConfiguration('memdesc').then((s) => (settingsTrace = normalizeSettings(s).trace), () => undefined);
    }
    if (caps.watch) {
      void connection.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/.config' }, { globPattern: '**/include/generated/**' }, { globPattern: '**/*.h' }, { globPattern: '**/*.memdesc' }],
      });
    }
    if (caps.folders) {
      connection.workspace.onDidChangeWorkspaceFolders(() => {
        void connection.workspace.getWorkspaceFolders().then((fs) => {
          session.workspace.setFolders((fs ?? []).map((f) => uriToPath(f.uri)).filter((f): f is string => !!f));
          session.invalidateAll();
          trace(`workspace folders: ${session.workspace.folders.join(', ') || 'none'}; kernel trees: ${session.workspace.kernelTrees().join(', ') || 'none'}`);
          scheduleRefresh();
        }, () => undefined);
      });
    }
    trace(`kernel trees in the workspace: ${session.workspace.kernelTrees().join(', ') || 'none'}`);
  });

  const settingsFor = (uri: string): Promise<Settings> => {
    if (!caps.configuration) return Promise.resolve(globalSettings);
    let s = settingsCache.get(uri);
    if (!s) {
      s = connection.workspace.getConfiguration({ scopeUri: uri, section: 'memdesc' }).then(
        (raw) => {
          const n = normalizeSettings(raw);
          if (n.trace !== 'off') settingsTrace = n.trace;
          return n;
        },
        () => globalSettings,
      );
      settingsCache.set(uri, s);
    }
    return s;
  };

  /**
   * The analysis serving a document, for a request: the request's own await points let newer edits and
   * cancellations in first; a request cancelled before or during the analysis answers RequestCancelled.
   */
  const served = async (uri: string, token: CancellationToken | undefined, override?: Partial<Settings>): Promise<Served | undefined> => {
    const file = uriToPath(uri);
    if (!file) return undefined;
    const settings = { ...(await settingsFor(uri)), ...override };
    // Work ahead: first let in what arrived meanwhile (a cancellation, a newer edit). A cached analysis is no work.
    const work = !session.isCurrent(file, settings);
    if (work) await turn();
    if (token?.isCancellationRequested) throw cancelled();
    const version = documents.get(uri)?.version;
    const result = session.analysisFor(file, settings);
    if (!result) return undefined;
    if (work) {
      // The analysis took a while: a cancellation may have come in the meantime.
      await turn();
      if (token?.isCancellationRequested) throw cancelled();
    }
    return { result, file, settings, version };
  };

  /**
   * Every handler answers: bad params → InvalidParams, cancelled → RequestCancelled (thrown ResponseErrors are
   * sent as they are); an engine bug → a logged empty answer, never a dead server.
   */
  const answer = async <T>(what: string, f: () => Promise<T>, fallback: T): Promise<T> => {
    // LSP: requests after shutdown error with InvalidRequest.
    if (shutDown) throw new ResponseError(ErrorCodes.InvalidRequest, `${what}: the server has been shut down`);
    inFlight++;
    lastRequest = performance.now();
    try {
      return await f();
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      connection.console.error(`${what} failed: ${e instanceof Error ? e.stack : String(e)}`);
      return fallback;
    } finally {
      inFlight--;
      lastRequest = performance.now();
      if (gcPending) scheduleGc();
    }
  };

  // ---- background work: pushed diagnostics, refreshes, the matrix ----

  const publish = async (uri: string): Promise<void> => {
    const doc = documents.get(uri);
    if (!doc || shutDown) return;
    const s = await served(uri, undefined);
    // A newer edit arrived while we worked: its own run will publish.
    if (!s || documents.get(uri)?.version !== s.version || shutDown) return;
    await connection.sendDiagnostics({ uri, version: s.version, diagnostics: diagnostics(s.result, s.file) });
  };

  /** Tells the client to ask again (pull), or pushes every open document's diagnostics (one per turn). */
  const refreshClients = (matrixToo: boolean): void => {
    if (shutDown) return;
    if (caps.inlayRefresh) void connection.sendRequest(InlayHintRefreshRequest.type).catch(() => undefined);
    if (caps.lensRefresh) void connection.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    if (caps.pull) {
      if (caps.pullRefresh) void connection.languages.diagnostics.refresh().catch(() => undefined);
    } else {
      void (async () => {
        for (const d of documents.all()) {
          // Requests go first: background work waits for a quiet moment between documents.
          while (inFlight > 0 && !shutDown) await new Promise((r) => setTimeout(r, 10));
          await publish(d.uri).catch((e) => connection.console.error(String(e)));
        }
      })();
    }
    if (matrixToo) scheduleMatrix();
  };

  const debounce = (key: string, ms: number, f: () => void): void => {
    clearTimeout(timers.get(key));
    timers.set(
      key,
      setTimeout(() => {
        timers.delete(key);
        if (!shutDown) f();
      }, ms),
    );
  };

  /** After an edit, a setting or a watched file: once things settle, tell the client and restart the matrix. */
  const scheduleRefresh = (): void => {
    matrix.cancel();
    clearTimeout(timers.get('matrix'));
    debounce('refresh', DEBOUNCE_MS, () => refreshClients(true));
  };

  const scheduleMatrix = (): void => {
    debounce('matrix', MATRIX_DEBOUNCE_MS, () => {
      void (async () => {
        const items = new Map<string, { ctx: AnalysisContext; plan: ReturnType<typeof matrixPlan> }>();
        for (const d of documents.all()) {
          const file = uriToPath(d.uri);
          if (!file) continue;
          const settings = await settingsFor(d.uri);
          if (!settings.matrix) continue;
          const ctx = session.contextFor(file, settings);
          if (ctx && !items.has(ctx.key) && !session.matrixFor(ctx.key)) items.set(ctx.key, { ctx, plan: matrixPlan(ctx, session.workspace) });
        }
        if (items.size && !shutDown) matrix.run([...items.values()], session.stamp(), session.overlays());
      })().catch((e) => connection.console.error(`matrix: ${String(e)}`));
    });
  };

  /** After analyses, once no request has come for a while: collect, if the heap has grown since last time. */
  let heapAfterGc = 0;
  let gcPending = false;
  const scheduleGc = (): void => {
    gcPending = true;
    debounce('gc', GC_IDLE_MS, () => {
      const quiet = performance.now() - lastRequest;
      if (inFlight > 0 || quiet < GC_IDLE_MS) return scheduleGc();
      gcPending = false;
      const before = heapUsedMiB();
      if (before < heapAfterGc * 1.25 + 16) return;
      const took = collectGarbage();
      if (took === undefined) return;
      heapAfterGc = heapUsedMiB();
      trace(`collected garbage while idle: heap ${before.toFixed(0)} → ${heapAfterGc.toFixed(0)} MiB in ${took.toFixed(0)} ms`);
    });
  };

  /**
   * Clients that cannot watch files: the server watches each context's .config and build dir itself. A file
   * rewritten with the same content (a `make` in the build dir does that) changes nothing.
   */
  const watchInputs = (ctx: AnalysisContext): void => {
    if (caps.watch || shutDown) return;
    const contentOf = (p: string) => {
      try {
        return hashText(fs.readFileSync(p, 'latin1'));
      } catch {
        return 'absent';
      }
    };
    for (const p of Session.inputsOf(ctx)) {
      const dir = path.dirname(p);
      const names = watchedNames.get(dir) ?? new Map<string, string>();
      if (!names.has(path.basename(p))) names.set(path.basename(p), contentOf(p));
      watchedNames.set(dir, names);
      if (watchers.has(dir)) continue;
      try {
        const w = fs.watch(dir, { persistent: false }, (_event, name) => {
          const n = name?.toString();
          if (!n || !names.has(n)) return;
          const now = contentOf(path.join(dir, n));
          if (now === names.get(n)) return;
          names.set(n, now);
          trace(`${path.join(dir, n)} changed on disk`);
          session.invalidateAll([path.join(dir, n)]);
          scheduleRefresh();
        });
        w.on('error', () => watchers.delete(dir));
        watchers.set(dir, w);
      } catch {
        // A directory that cannot be watched: edits and settings changes still re-analyse.
      }
    }
  };

  // ---- documents, settings, files ----

  documents.onDidOpen((e) => {
    const file = uriToPath(e.document.uri);
    if (file) session.setSketch(file, e.document.languageId === 'memdesc');
  });
  documents.onDidChangeContent((change) => {
    const file = uriToPath(change.document.uri);
    if (file) session.setBuffer(file, change.document.getText());
    scheduleRefresh();
  });
  documents.onDidClose((e) => {
    const file = uriToPath(e.document.uri);
    if (file) session.forget(file);
    settingsCache.delete(e.document.uri);
    if (!caps.pull) void connection.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
    scheduleRefresh();
  });
  connection.onDidChangeConfiguration((change) => {
    settingsCache.clear();
    if (!caps.configuration) {
      globalSettings = normalizeSettings((change?.settings as Record<string, unknown> | undefined)?.memdesc ?? {});
      settingsTrace = globalSettings.trace;
    } else void connection.workspace.getConfiguration('memdesc').then((s) => (settingsTrace = normalizeSettings(s).trace), () => undefined);
    session.invalidateAll();
    scheduleRefresh();
  });
  connection.onDidChangeWatchedFiles((p) => {
    // A saved open document changes nothing: its buffer already won over the disk.
    const changes = (p?.changes ?? []).filter((c) => !documents.get(c.uri));
    if (!changes.length) return;
    trace(`${changes.length} watched file${changes.length === 1 ? '' : 's'} changed`, changes.map((c) => c.uri).join('\n'));
    const paths = changes.map((c) => uriToPath(c.uri));
    session.invalidateAll(paths.every((p) => p) ? (paths as string[]) : undefined);
    scheduleRefresh();
  });

  // ---- requests ----

  connection.onHover((p, token) =>
    answer('hover', async () => {
      const uri = docUri(p);
      if (uri === undefined || !isPosition(p.position)) throw invalid('hover needs { textDocument: { uri }, position: { line, character } }');
      const s = await served(uri, token);
      return s ? hover(s.result, s.file, p.position, s.settings) : null;
    }, null),
  );

  connection.onDocumentSymbol((p, token) =>
    answer('documentSymbol', async () => {
      const uri = docUri(p);
      if (uri === undefined) throw invalid('documentSymbol needs { textDocument: { uri } }');
      const s = await served(uri, token);
      return s ? documentSymbols(s.result, s.file, s.settings) : [];
    }, []),
  );

  connection.onDefinition((p, token) =>
    answer('definition', async () => {
      const uri = docUri(p);
      if (uri === undefined || !isPosition(p.position)) throw invalid('definition needs { textDocument: { uri }, position: { line, character } }');
      const s = await served(uri, token);
      return s ? definition(s.result, s.file, p.position) : [];
    }, []),
  );

  connection.onReferences((p, token) =>
    answer('references', async () => {
      const uri = docUri(p);
      if (uri === undefined || !isPosition(p.position)) throw invalid('references needs { textDocument: { uri }, position: { line, character } }');
      const s = await served(uri, token);
      return s ? references(s.result, s.file, p.position, p.context?.includeDeclaration !== false) : [];
    }, []),
  );

  connection.onCodeLens((p, token) =>
    answer('codeLens', async () => {
      const uri = docUri(p);
      if (uri === undefined) throw invalid('codeLens needs { textDocument: { uri } }');
      const s = await served(uri, token);
      return s ? codeLenses(s.result, s.file, s.settings) : [];
    }, []),
  );

  connection.languages.inlayHint.on((p, token) =>
    answer('inlayHint', async () => {
      const uri = docUri(p);
      if (uri === undefined || !isRange(p.range)) throw invalid('inlayHint needs { textDocument: { uri }, range }');
      const s = await served(uri, token);
      return s ? inlayHints(s.result, s.file, p.range, s.settings) : [];
    }, []),
  );

  connection.languages.diagnostics.on((p, token) =>
    answer('diagnostic', async () => {
      const uri = docUri(p);
      if (uri === undefined) throw invalid('textDocument/diagnostic needs { textDocument: { uri } }');
      const s = await served(uri, token);
      if (!s) return { kind: DocumentDiagnosticReportKind.Full, items: [] };
      // Never answer with diagnostics of a version older than the document now is: the client asks again.
      if (documents.get(uri)?.version !== s.version) throw new ResponseError(LSPErrorCodes.ServerCancelled, 'the document changed; ask again', { retriggerRequest: true });
      const items = diagnostics(s.result, s.file);
      const resultId = hashText(JSON.stringify(items));
      if (p.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
      return { kind: DocumentDiagnosticReportKind.Full, resultId, items };
    }, { kind: DocumentDiagnosticReportKind.Full, items: [] }),
  );

  connection.onRequest(LayoutRequestMethod, (p: LayoutParams, token) =>
    answer('memdesc/layout', async () => {
      const bad = invalid(`memdesc/layout needs { uri: string } or { root: string }, with optional arch (${ABI_NAMES.join(' ')}), config (a .config path) and variant (${VARIANTS.map((v) => v.name).join(' ')})`);
      if (!isObject(p)) throw bad;
      if ((p.uri !== undefined && typeof p.uri !== 'string') || (p.root !== undefined && typeof p.root !== 'string') || (p.uri === undefined && p.root === undefined)) throw bad;
      if (p.arch !== undefined && (typeof p.arch !== 'string' || !isAbiName(p.arch))) throw bad;
      if (p.config !== undefined && typeof p.config !== 'string') throw bad;
      const variant = p.variant === undefined ? undefined : VARIANTS.find((v) => v.name === p.variant);
      if (p.variant !== undefined && !variant) throw bad;
      // A kernel root stands for its tree's memdesc set: anchor on mm_types.h.
      const rootPath = p.root === undefined ? undefined : p.root.startsWith('file:') ? uriToPath(p.root) : path.resolve(p.root);
      if (p.root !== undefined && !rootPath) return null;
      const anchor = rootPath ? pathToUri(path.join(rootPath, 'include/linux/mm_types.h')) : p.uri!;
      const override: Partial<Settings> = {};
      if (p.arch) override.arch = p.arch as Settings['arch'];
      if (p.config) override.config = p.config;
      if (rootPath) override.kernelRoot = rootPath;
      // The server applies a variant for the ABI it chooses (phys64's switches differ by arch).
      if (variant) override.variant = variant.name;
      const s = await served(anchor, token, override);
      if (!s) return null;
      return { ...layoutModel(s.result), ...(variant ? { variant: variant.name } : {}) };
    }, null),
  );

  // The matrix's config variants, for an editor's config picker; 'config' (no change) is left out.
  connection.onRequest(ConfigVariantsRequestMethod, (p: ConfigVariantsParams | undefined) =>
    answer('memdesc/configVariants', async (): Promise<ConfigVariant[]> => {
      if (p !== undefined && p !== null && (!isObject(p) || (p.arch !== undefined && typeof p.arch !== 'string'))) throw invalid('memdesc/configVariants takes { arch?: string }');
      return VARIANTS.filter((v) => v.name !== 'config' && (!p?.arch || !v.abis || v.abis.some((a) => a === p.arch))).map((v) => ({
        name: v.name,
        description: v.description,
        abis: v.abis ? [...v.abis] : undefined,
        defines: variantOverrides(v, typeof p?.arch === 'string' && isAbiName(p.arch) ? p.arch : undefined).map((o) => ('undef' in o ? `${o.undef}=n` : o.value === undefined ? o.name : `${o.name}=${o.value}`)),
      }));
    }, []),
  );



  connection.onShutdown(() => {
    shutDown = true;
    for (const t of timers.values()) clearTimeout(t);
    for (const w of watchers.values()) w.close();
    matrix.dispose();
  });

  documents.listen(connection);
  connection.listen();
}

function hashText(s: string): string {
  let h = 2166136261;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 16777619);
  return (h >>> 0).toString(36);
}
