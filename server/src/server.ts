// The memdesc-layout language server: MemdescServer, a plain LSP server over stdio or node IPC for any editor.
// It holds the connection, the open documents and what the client can do, and answers requests; its parts are
// settings.ts (each document's settings), trace.ts, validation.ts (request params), watch.ts (file watching for
// clients that cannot), idle-gc.ts and matrix-schedule.ts (background work), and the feature modules, which
// translate engine answers to LSP. Requests see every edit received before them, answer RequestCancelled when
// cancelled, and are answered from the analysis that is current when the answer is built: it is picked after the
// request's last await, and read without another.

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
  LSPErrorCodes,
  Message,
  MessageType,
  ProposedFeatures,
  RequestMessage,
  ResponseError,
  ResponseMessage,
  SetTraceNotification,
  ShowMessageNotification,
  TextDocuments,
  TextDocumentSyncKind,
  type Connection,
  type DocumentDiagnosticReport,
  type InitializeParams,
  type InitializeResult,
} from 'vscode-languageserver/node';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { ConfigVariant, ConfigVariantsRequest, LayoutRequest, LayoutResult } from '../../shared/protocol';
import { Settings, SETTINGS_SECTION } from '../../shared/settings';
import { RequestActivity } from './activity';
import { AS_CONFIGURED, isStale, StaleAnalysisError, variantOverrides, variantsFor } from './engine';
import { codeLenses } from './features/codeLens';
import { diagnostics } from './features/diagnostics';
import { hover } from './features/hover';
import { inlayHints } from './features/inlayHints';
import { layoutModel } from './features/layout';
import { definition, references } from './features/navigation';
import { documentSymbols } from './features/symbols';
import { pathToUri, uriToPath } from './features/util';
import { IdleCollector } from './idle-gc';
import { MatrixScheduler } from './matrix-schedule';
import { capHeapGrowth } from './memory';
import { AnalysisResult, hashText, Session } from './session';
import { definesOf, DocumentSettings } from './settings';
import { Tracer } from './trace';
import { configVariantsParams, documentParams, layoutParams, positionParams, rangeParams, referenceParams } from './validation';
import { VERSION } from './version';
import { InputWatcher } from './watch';

/** Quiet time after an edit before diagnostics are pushed (clients without pull) and refreshes are sent. */
const REFRESH_DEBOUNCE_MS = 100;

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

/** What the client said it can do (initialize). */
interface ClientAbilities {
  /** workspace/configuration, and its dynamic registration of didChangeConfiguration. */
  configuration: boolean;
  configurationRegistration: boolean;
  /** Pull diagnostics (textDocument/diagnostic), and workspace/diagnostic/refresh. */
  pull: boolean;
  pullRefresh: boolean;
  /** Dynamic registration of file watchers: the client watches .config, headers and build dirs for us. */
  watch: boolean;
  folders: boolean;
  inlayRefresh: boolean;
  lensRefresh: boolean;
}

/** A request whose awaits are done: the document, file and settings its answer is for. */
interface Settled {
  uri: string;
  file: string;
  settings: Settings;
}

/** The analysis serving a settled request, picked in the same synchronous stretch that reads it. */
interface Served extends Settled {
  result: AnalysisResult;
  /** The document version analysed (undefined for files that are not open). */
  version: number | undefined;
}

/**
 * What a request does when its analysis turns out superseded while the answer is built (which picking after the
 * last await rules out; this is the guard): answer ContentModified (the client asks again by itself), answer
 * ServerCancelled with retriggerRequest (pull diagnostics), or build the answer once more from the current analysis.
 */
type OnStale = 'content-modified' | 'retrigger' | 'recompute';

export interface ServerOptions {
  /** The session whose analyses serve the documents (tests hand in their own). */
  session?: Session;
}

export class MemdescServer {
  readonly documents = new TextDocuments(TextDocument);
  readonly session: Session;
  private readonly tracer: Tracer;
  private readonly settings: DocumentSettings;
  private readonly activity = new RequestActivity();
  private readonly gc: IdleCollector;
  private readonly watcher: InputWatcher;
  private readonly matrix: MatrixScheduler;
  private abilities: ClientAbilities = { configuration: false, configurationRegistration: false, pull: false, pullRefresh: false, watch: false, folders: false, inlayRefresh: false, lensRefresh: false };
  private refreshTimer: NodeJS.Timeout | undefined;
  private shutDown = false;

  constructor(
    private readonly connection: Connection,
    options: ServerOptions = {},
  ) {
    this.session = options.session ?? new Session();
    this.tracer = new Tracer(connection);
    this.settings = new DocumentSettings(connection, this.tracer);
    this.gc = new IdleCollector(this.activity, this.tracer);
    this.watcher = new InputWatcher((file) => {
      this.tracer.log(`${file} changed on disk`);
      this.session.invalidateAll([file]);
      this.scheduleRefresh();
    });
    this.matrix = new MatrixScheduler(
      this.session,
      this.documents,
      this.settings,
      this.tracer,
      (key, summary) => {
        this.session.setMatrix(key, summary);
        if (this.session.matrixFor(key)) this.refreshClients(false);
      },
      (message) => connection.console.error(message),
    );
    this.session.onAnalysis = (r) => this.analysed(r);
    // A tree analysed with the built-in default config is never silent: one information message per tree (and per
    // message); settings that contradict each other are an error message (and a diagnostic on its documents).
    this.session.onConfigNotice = (_root, message, error) => {
      if (this.shutDown) return;
      // window/showMessage, a notification every client shows (showInformationMessage would be a request).
      void connection.sendNotification(ShowMessageNotification.type, { type: error ? MessageType.Error : MessageType.Info, message: `memdesc: ${message}` }).catch(() => undefined);
    };
    this.registerLifecycle();
    this.registerDocuments();
    this.registerRequests();
  }

  /** Starts reading from the connection. */
  listen(): void {
    this.documents.listen(this.connection);
    this.connection.listen();
  }

  // ---- lifecycle ----

  private registerLifecycle(): void {
    const c = this.connection;
    c.onInitialize((params) => this.initialize(params));
    c.onInitialized(() => this.initialized());
    c.onNotification(SetTraceNotification.type, (p) => {
      if (p && (p.value === 'off' || p.value === 'messages' || p.value === 'verbose')) this.tracer.fromClient = p.value;
    });
    c.onShutdown(() => {
      this.shutDown = true;
      this.tracer.stopped = true;
      clearTimeout(this.refreshTimer);
      this.gc.dispose();
      this.watcher.dispose();
      this.matrix.dispose();
    });
  }

  private initialize(params: InitializeParams): InitializeResult {
    const c = params.capabilities;
    this.abilities = {
      configuration: !!c.workspace?.configuration,
      configurationRegistration: !!c.workspace?.didChangeConfiguration?.dynamicRegistration,
      pull: !!c.textDocument?.diagnostic,
      pullRefresh: !!c.workspace?.diagnostics?.refreshSupport,
      watch: !!c.workspace?.didChangeWatchedFiles?.dynamicRegistration,
      folders: !!c.workspace?.workspaceFolders,
      inlayRefresh: !!c.workspace?.inlayHint?.refreshSupport,
      lensRefresh: !!c.workspace?.codeLens?.refreshSupport,
    };
    if (params.trace === 'messages' || params.trace === 'verbose') this.tracer.fromClient = params.trace;
    this.settings.initialize(this.abilities.configuration, (params.initializationOptions as Record<string, unknown> | undefined)?.settings);
    const folders = params.workspaceFolders?.map((f) => uriToPath(f.uri)) ?? [params.rootUri ? uriToPath(params.rootUri) : params.rootPath ?? undefined];
    this.session.workspace.setFolders(folders.filter((f): f is string => !!f));
    return {
      capabilities: {
        textDocumentSync: TextDocumentSyncKind.Incremental,
        hoverProvider: true,
        documentSymbolProvider: true,
        inlayHintProvider: true,
        definitionProvider: true,
        referencesProvider: true,
        codeLensProvider: { resolveProvider: false },
        diagnosticProvider: this.abilities.pull ? { identifier: 'memdesc-layout', interFileDependencies: true, workspaceDiagnostics: false } : undefined,
        workspace: this.abilities.folders ? { workspaceFolders: { supported: true, changeNotifications: true } } : undefined,
      },
      serverInfo: { name: 'memdesc-layout', version: VERSION },
    };
  }

  private initialized(): void {
    const c = this.connection;
    if (this.abilities.configuration && this.abilities.configurationRegistration) void c.client.register(DidChangeConfigurationNotification.type, { section: SETTINGS_SECTION });
    this.settings.readTraceLevel();
    if (this.abilities.watch) {
      void c.client.register(DidChangeWatchedFilesNotification.type, {
        watchers: [{ globPattern: '**/.config' }, { globPattern: '**/include/generated/**' }, { globPattern: '**/*.h' }, { globPattern: '**/*.memdesc' }],
      });
    }
    if (this.abilities.folders) {
      c.workspace.onDidChangeWorkspaceFolders(() => {
        void c.workspace.getWorkspaceFolders().then((fs) => {
          const ws = this.session.workspace;
          ws.setFolders((fs ?? []).map((f) => uriToPath(f.uri)).filter((f): f is string => !!f));
          this.session.invalidateAll();
          this.tracer.log(`workspace folders: ${ws.folders.join(', ') || 'none'}; kernel trees: ${ws.kernelTrees().join(', ') || 'none'}`);
          this.scheduleRefresh();
        }, () => undefined);
      });
    }
    this.tracer.log(`kernel trees in the workspace: ${this.session.workspace.kernelTrees().join(', ') || 'none'}`);
  }

  /** After each analysis the session computed: trace it, watch its inputs, collect its garbage later. */
  private analysed(r: AnalysisResult): void {
    const a = r.analysis;
    this.tracer.log(
      `analysed ${r.root ? `kernel tree ${r.root}` : r.context.files[0]} for ${a.abi.name} in ${r.ms.toFixed(0)} ms`,
      `${a.files.length} files, ${a.tokens.length} tokens, ${a.asserts.length} assertions, ${r.model.memdescs.length} descriptors, config: ${r.setup?.configSource ?? 'n/a'}${r.context.buildDirFound ? ` (build dir ${r.context.buildDir} found in the workspace)` : ''}${r.context.globsTruncated ? '; memdesc.files globs were truncated at their limit' : ''}`,
    );
    if (!this.abilities.watch && !this.shutDown) this.watcher.watch(r.context);
    this.gc.schedule();
  }

  // ---- documents, settings, files ----

  private registerDocuments(): void {
    const c = this.connection;
    this.documents.onDidOpen((e) => {
      const file = uriToPath(e.document.uri);
      if (file) this.session.setSketch(file, e.document.languageId === 'memdesc');
    });
    this.documents.onDidChangeContent((change) => {
      const file = uriToPath(change.document.uri);
      if (file) this.session.setBuffer(file, change.document.getText());
      this.scheduleRefresh();
    });
    this.documents.onDidClose((e) => {
      const file = uriToPath(e.document.uri);
      if (file) this.session.forget(file);
      this.settings.forget(e.document.uri);
      if (!this.abilities.pull) void c.sendDiagnostics({ uri: e.document.uri, diagnostics: [] });
      this.scheduleRefresh();
    });
    c.onDidChangeConfiguration((change) => {
      this.settings.changed(change?.settings);
      this.session.invalidateAll();
      this.scheduleRefresh();
    });
    c.onDidChangeWatchedFiles((p) => {
      // A saved open document changes nothing: its buffer already won over the disk.
      const changes = (p?.changes ?? []).filter((x) => !this.documents.get(x.uri));
      if (!changes.length) return;
      this.tracer.log(`${changes.length} watched file${changes.length === 1 ? '' : 's'} changed`, changes.map((x) => x.uri).join('\n'));
      const paths = changes.map((x) => uriToPath(x.uri));
      this.session.invalidateAll(paths.every((x) => x) ? (paths as string[]) : undefined);
      this.scheduleRefresh();
    });
  }

  // ---- background work: pushed diagnostics, refreshes, the matrix ----

  /** After an edit, a setting or a watched file: once things settle, tell the client and restart the matrix. */
  private scheduleRefresh(): void {
    this.matrix.cancel();
    clearTimeout(this.refreshTimer);
    this.refreshTimer = setTimeout(() => {
      if (!this.shutDown) this.refreshClients(true);
    }, REFRESH_DEBOUNCE_MS);
  }

  /** Tells the client to ask again (pull), or pushes every open document's diagnostics (one per turn). */
  private refreshClients(matrixToo: boolean): void {
    if (this.shutDown) return;
    const c = this.connection;
    if (this.abilities.inlayRefresh) void c.sendRequest(InlayHintRefreshRequest.type).catch(() => undefined);
    if (this.abilities.lensRefresh) void c.sendRequest(CodeLensRefreshRequest.type).catch(() => undefined);
    if (this.abilities.pull) {
      if (this.abilities.pullRefresh) void c.languages.diagnostics.refresh().catch(() => undefined);
    } else {
      void (async () => {
        for (const d of this.documents.all()) {
          // Requests go first: background work waits for a quiet moment between documents.
          while (this.activity.inFlight > 0 && !this.shutDown) await new Promise((r) => setTimeout(r, 10));
          await this.publish(d.uri).catch((e) => c.console.error(String(e)));
        }
      })();
    }
    if (matrixToo) this.matrix.schedule();
  }

  /** Pushes a document's diagnostics (clients without pull), for the version it has when they are built. */
  private async publish(uri: string): Promise<void> {
    if (!this.documents.get(uri) || this.shutDown) return;
    const at = await this.settle(uri, undefined);
    // Closed meanwhile: nothing to publish (its close cleared them).
    if (!at || !this.documents.get(uri) || this.shutDown) return;
    const report = this.read(at, undefined, 'recompute', (s) => ({ version: s.version, diagnostics: diagnostics(s.result, s.file) }));
    if (report) await this.connection.sendDiagnostics({ uri, ...report });
  }

  // ---- answering requests ----

  /**
   * Everything a request awaits before its answer is built: the document's settings, then (when the analysis is
   * not cached) a turn that lets newer edits and cancellations in, the analysis, and another turn for a
   * cancellation that came in meanwhile. A request cancelled by then answers RequestCancelled.
   */
  private async settle(uri: string, token: CancellationToken | undefined, override?: Partial<Settings>): Promise<Settled | undefined> {
    const file = uriToPath(uri);
    if (!file) return undefined;
    const settings = { ...(await this.settings.for(uri)), ...override };
    if (!this.session.isCurrent(file, settings)) {
      await turn();
      if (token?.isCancellationRequested) throw cancelled();
      // The work, done ahead; the answer is read from whatever analysis is current once the awaits are over.
      this.session.analysisFor(file, settings);
      await turn();
    }
    if (token?.isCancellationRequested) throw cancelled();
    return { uri, file, settings };
  }

  /**
   * Picks the analysis serving a settled request and builds the answer from it, with no await in between: an
   * edit that arrived during the request's awaits is in it (analysisFor brings it up to date). `empty` when
   * nothing serves the document.
   */
  private read<T, E>(at: Settled, empty: E, onStale: OnStale, build: (s: Served) => T): T | E {
    for (let attempt = 0; ; attempt++) {
      const result = this.session.analysisFor(at.file, at.settings);
      if (!result) return empty;
      let built: { answer: T } | undefined;
      try {
        built = { answer: build({ ...at, result, version: this.documents.get(at.uri)?.version }) };
      } catch (e) {
        if (!(e instanceof StaleAnalysisError) && !isStale(result.analysis)) throw e;
      }
      // Checked whether or not the engine noticed: not every read goes through an entry point that checks.
      if (built && !isStale(result.analysis)) return built.answer;
      const again = onStale === 'recompute' && attempt === 0;
      this.connection.console.warn(`an answer was begun from a superseded analysis; ${again ? 'building it again' : 'the client is told to ask again'}`);
      if (again) continue;
      if (onStale === 'retrigger') throw new ResponseError(LSPErrorCodes.ServerCancelled, 'the document changed; ask again', { retriggerRequest: true });
      throw new ResponseError(LSPErrorCodes.ContentModified, 'the document changed while the answer was built; ask again');
    }
  }

  /**
   * Every handler answers: bad params → InvalidParams, cancelled → RequestCancelled (thrown ResponseErrors are
   * sent as they are); an engine bug → a logged empty answer, never a dead server.
   */
  private async answer<T>(what: string, fallback: T, f: () => Promise<T>): Promise<T> {
    // LSP: requests after shutdown error with InvalidRequest.
    if (this.shutDown) throw new ResponseError(ErrorCodes.InvalidRequest, `${what}: the server has been shut down`);
    this.activity.begin();
    try {
      return await f();
    } catch (e) {
      if (e instanceof ResponseError) throw e;
      this.connection.console.error(`${what} failed: ${e instanceof Error ? e.stack : String(e)}`);
      return fallback;
    } finally {
      this.activity.end();
      this.gc.requestEnded();
    }
  }

  private registerRequests(): void {
    const c = this.connection;

    c.onHover((p, token) =>
      this.answer('hover', null, async () => {
        const q = positionParams(p, 'hover');
        const at = await this.settle(q.uri, token);
        return at ? this.read(at, null, 'content-modified', (s) => hover(s.result, s.file, q.position, s.settings)) : null;
      }),
    );

    c.onDocumentSymbol((p, token) =>
      this.answer('documentSymbol', [], async () => {
        const q = documentParams(p, 'documentSymbol');
        const at = await this.settle(q.uri, token);
        return at ? this.read(at, [], 'content-modified', (s) => documentSymbols(s.result, s.file, s.settings)) : [];
      }),
    );

    c.onDefinition((p, token) =>
      this.answer('definition', [], async () => {
        const q = positionParams(p, 'definition');
        const at = await this.settle(q.uri, token);
        return at ? this.read(at, [], 'recompute', (s) => definition(s.result, s.file, q.position)) : [];
      }),
    );

    c.onReferences((p, token) =>
      this.answer('references', [], async () => {
        const q = referenceParams(p);
        const at = await this.settle(q.uri, token);
        return at ? this.read(at, [], 'recompute', (s) => references(s.result, s.file, q.position, q.includeDeclaration)) : [];
      }),
    );

    c.onCodeLens((p, token) =>
      this.answer('codeLens', [], async () => {
        const q = documentParams(p, 'codeLens');
        const at = await this.settle(q.uri, token);
        return at ? this.read(at, [], 'content-modified', (s) => codeLenses(s.result, s.file, s.settings)) : [];
      }),
    );

    c.languages.inlayHint.on((p, token) =>
      this.answer('inlayHint', [], async () => {
        const q = rangeParams(p, 'inlayHint');
        const at = await this.settle(q.uri, token);
        return at ? this.read(at, [], 'content-modified', (s) => inlayHints(s.result, s.file, q.range, s.settings)) : [];
      }),
    );

    const emptyReport: DocumentDiagnosticReport = { kind: DocumentDiagnosticReportKind.Full, items: [] };
    c.languages.diagnostics.on((p, token) =>
      this.answer('diagnostic', emptyReport, async (): Promise<DocumentDiagnosticReport> => {
        const q = documentParams(p, 'textDocument/diagnostic');
        const at = await this.settle(q.uri, token);
        if (!at) return emptyReport;
        // Built from the analysis of the document as it is now: never a report for an older version.
        const items = this.read(at, undefined, 'retrigger', (s) => diagnostics(s.result, s.file));
        if (!items) return emptyReport;
        const resultId = hashText(JSON.stringify(items));
        if (p.previousResultId === resultId) return { kind: DocumentDiagnosticReportKind.Unchanged, resultId };
        return { kind: DocumentDiagnosticReportKind.Full, resultId, items };
      }),
    );

    c.onRequest(LayoutRequest, (p, token) =>
      this.answer('memdesc/layout', null, async (): Promise<LayoutResult | null> => {
        const q = layoutParams(p);
        // A kernel root stands for its tree's memdesc set: anchor on mm_types.h.
        const rootPath = q.root === undefined ? undefined : q.root.startsWith('file:') ? uriToPath(q.root) : path.resolve(q.root);
        if (q.root !== undefined && !rootPath) return null;
        const anchor = rootPath ? pathToUri(path.join(rootPath, 'include/linux/mm_types.h')) : q.uri!;
        const override: Partial<Settings> = {};
        if (q.arch) override.arch = q.arch;
        if (q.config) override.config = q.config;
        if (rootPath) override.kernelRoot = rootPath;
        // The session applies a variant for the ABI it chooses (phys64's switches differ by arch).
        if (q.variant) override.variant = q.variant.name;
        const at = await this.settle(anchor, token, override);
        // The diagram asks once and caches the answer: a superseded analysis is read again, not sent back as an error.
        return at ? this.read(at, null, 'recompute', (s) => ({ ...layoutModel(s.result), ...(q.variant ? { variant: q.variant.name } : {}) })) : null;
      }),
    );

    // The matrix's config variants, for an editor's config picker; the one that changes nothing is left out.
    c.onRequest(ConfigVariantsRequest, (p) =>
      this.answer('memdesc/configVariants', [], async (): Promise<ConfigVariant[]> => {
        const q = configVariantsParams(p);
        return variantsFor(q.arch)
          .filter((v) => v.name !== AS_CONFIGURED)
          .map((v) => ({ name: v.name, description: v.description, abis: v.abis ? [...v.abis] : undefined, defines: definesOf(variantOverrides(v, q.arch)) }));
      }),
    );
  }
}

/** Starts the language server on a connection (by default stdio or node IPC, as the command line says). */
export function startServer(connection: Connection = createConnection(ProposedFeatures.all, connectionOptions)): MemdescServer {
  capHeapGrowth();
  const server = new MemdescServer(connection);
  server.listen();
  return server;
}
