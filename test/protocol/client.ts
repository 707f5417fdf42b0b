// A test LSP client: spawns the bundled dist/server.js over stdio and speaks to it through
// vscode-languageserver-protocol/node, with the capabilities, workspace folders and settings a test asks for.
// It answers the server's requests (configuration, registrations, refreshes) and records its notifications.
// Every wait has a deadline; stop() kills the child whatever state it is in.

import { ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  ClientCapabilities,
  CodeLensRefreshRequest,
  ConfigurationParams,
  ConfigurationRequest,
  createProtocolConnection,
  DiagnosticRefreshRequest,
  DidChangeTextDocumentNotification,
  DidCloseTextDocumentNotification,
  DidOpenTextDocumentNotification,
  DocumentDiagnosticReport,
  DocumentDiagnosticRequest,
  ExitNotification,
  HoverRequest,
  InitializedNotification,
  InitializeRequest,
  InlayHintRefreshRequest,
  LogMessageNotification,
  LogTraceNotification,
  ProtocolConnection,
  PublishDiagnosticsNotification,
  PublishDiagnosticsParams,
  RegistrationRequest,
  ShowMessageNotification,
  ShutdownRequest,
  StreamMessageReader,
  StreamMessageWriter,
} from 'vscode-languageserver-protocol/node';

export const ROOT = path.resolve(__dirname, '../../..');
export const SERVER_JS = path.join(ROOT, 'dist/server.js');

export const uriOf = (file: string) => pathToFileURL(file).toString();

/**
 * A reader of a server's stdout that lets the test process exit. vscode-jsonrpc re-arms a 10 s timer for as long
 * as a partial message sits in the reader's buffer, and dispose() does not clear it: a server killed in the middle
 * of a message (a test's `finally`) kept the test process alive for good (scheduling.test.ts hung about one run
 * in fifteen). Partial-message notices are of no use to a test.
 */
export function serverReader(stdout: NodeJS.ReadableStream): StreamMessageReader {
  const reader = new StreamMessageReader(stdout);
  reader.partialMessageTimeout = 0;
  return reader;
}

export interface ClientOptions {
  /** Pull diagnostics (textDocument/diagnostic with refresh support); false: the client only takes pushes. */
  pull?: boolean;
  /** workspace/configuration; false: settings go in initializationOptions and didChangeConfiguration. */
  configuration?: boolean;
  /** Dynamic registration of file watchers. */
  watch?: boolean;
  folders?: string[];
  settings?: Record<string, unknown>;
  trace?: 'off' | 'messages' | 'verbose';
  /** Called when the server asks for configuration, before the client answers (lets a test act meanwhile). */
  onConfiguration?: (params: ConfigurationParams) => Promise<void> | void;
  /** The server's command line (default: node dist/server.js --stdio), e.g. an installed `memdesc-layout lsp --stdio`. */
  command?: string[];
}

export interface Diag {
  code?: string | number;
  message: string;
  severity?: number;
  range: { start: { line: number; character: number }; end: { line: number; character: number } };
  relatedInformation?: Array<{ location: { uri: string; range: { start: { line: number } } }; message: string }>;
  codeDescription?: { href: string };
}

export class TestClient {
  readonly published = new Map<string, PublishDiagnosticsParams[]>();
  readonly traces: string[] = [];
  readonly logs: string[] = [];
  /** window/showMessage notifications: type (1 error, 2 warning, 3 info) and text. */
  readonly messages: Array<{ type: number; message: string }> = [];
  refreshes = 0;
  registrations: string[] = [];
  settings: Record<string, unknown>;
  stderr = '';
  /** The initialize result's serverInfo. */
  serverInfo: { name: string; version?: string } | undefined;

  private constructor(
    readonly child: ChildProcess,
    readonly conn: ProtocolConnection,
    readonly opts: ClientOptions,
  ) {
    this.settings = opts.settings ?? {};
  }

  static async start(opts: ClientOptions = {}): Promise<TestClient> {
    if (!opts.command && !fs.existsSync(SERVER_JS)) throw new Error(`${SERVER_JS} is missing: run node scripts/build.mjs`);
    const [cmd, ...args] = opts.command ?? [process.execPath, SERVER_JS, '--stdio'];
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const conn = createProtocolConnection(serverReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    const c = new TestClient(child, conn, opts);
    child.stderr!.on('data', (d) => (c.stderr += d));
    conn.onNotification(PublishDiagnosticsNotification.type, (p) => {
      c.published.set(p.uri, [...(c.published.get(p.uri) ?? []), p]);
    });
    conn.onNotification(LogTraceNotification.type, (p) => {
      c.traces.push(p.verbose ? `${p.message}\n${p.verbose}` : p.message);
    });
    conn.onNotification(LogMessageNotification.type, (p) => {
      c.logs.push(p.message);
    });
    conn.onNotification(ShowMessageNotification.type, (p) => {
      c.messages.push({ type: p.type, message: p.message });
    });
    conn.onRequest(ConfigurationRequest.type, async (p) => {
      await opts.onConfiguration?.(p);
      return p.items.map((it) => (it.section === 'memdesc' ? c.settings : null));
    });
    conn.onRequest(RegistrationRequest.type, (p) => {
      c.registrations.push(...p.registrations.map((r) => r.method));
    });
    conn.onRequest(DiagnosticRefreshRequest.type, () => {
      c.refreshes++;
    });
    conn.onRequest(InlayHintRefreshRequest.type, () => undefined);
    conn.onRequest(CodeLensRefreshRequest.type, () => undefined);
    conn.listen();
    const pull = opts.pull !== false;
    const capabilities: ClientCapabilities = {
      textDocument: { ...(pull ? { diagnostic: { dynamicRegistration: false } } : { publishDiagnostics: { versionSupport: true, relatedInformation: true } }), hover: { contentFormat: ['markdown', 'plaintext'] } },
      workspace: {
        configuration: opts.configuration !== false,
        workspaceFolders: true,
        didChangeConfiguration: { dynamicRegistration: true },
        ...(pull ? { diagnostics: { refreshSupport: true } } : {}),
        ...(opts.watch ? { didChangeWatchedFiles: { dynamicRegistration: true } } : {}),
      },
    };
    try {
      const init = await withDeadline(
        conn.sendRequest(InitializeRequest.type, {
          processId: process.pid,
          rootUri: null,
          capabilities,
          trace: opts.trace,
          initializationOptions: opts.configuration === false ? { settings: c.settings } : undefined,
          workspaceFolders: (opts.folders ?? []).map((f) => ({ uri: uriOf(f), name: path.basename(f) })),
        }),
        20_000,
        'initialize',
      );
      c.serverInfo = init.serverInfo;
      await conn.sendNotification(InitializedNotification.type, {});
    } catch (e) {
      await c.stop();
      throw e;
    }
    return c;
  }

  async open(file: string, text = fs.readFileSync(file, 'utf8'), languageId = file.endsWith('.memdesc') ? 'memdesc' : 'c', version = 1): Promise<string> {
    const uri = uriOf(file);
    await this.conn.sendNotification(DidOpenTextDocumentNotification.type, { textDocument: { uri, languageId, version, text } });
    return uri;
  }

  async change(uri: string, version: number, text: string): Promise<void> {
    await this.conn.sendNotification(DidChangeTextDocumentNotification.type, { textDocument: { uri, version }, contentChanges: [{ text }] });
  }

  async close(uri: string): Promise<void> {
    await this.conn.sendNotification(DidCloseTextDocumentNotification.type, { textDocument: { uri } });
  }

  async hover(uri: string, position: { line: number; character: number }): Promise<string> {
    const h = await this.request(HoverRequest.type.method, { textDocument: { uri }, position });
    return ((h as { contents?: { value?: string } } | null)?.contents?.value) ?? '';
  }

  async pull(uri: string): Promise<Diag[]> {
    const r = (await this.request(DocumentDiagnosticRequest.type.method, { textDocument: { uri } })) as DocumentDiagnosticReport;
    if (r.kind !== 'full') throw new Error(`expected a full report, got ${JSON.stringify(r)}`);
    return r.items as Diag[];
  }

  /** A request with a deadline (a hung server fails the test with a message instead of hanging it). */
  request(method: string, params: unknown, ms = 60_000): Promise<unknown> {
    return withDeadline(this.conn.sendRequest(method, params), ms, method);
  }

  /** Polls until `pred` holds; fails with `what` at the deadline. */
  async waitFor(pred: () => boolean, what: string, ms = 30_000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}${this.stderr ? `; server stderr: ${this.stderr}` : ''}`);
      await new Promise((r) => setTimeout(r, 20));
    }
  }

  lastPublished(uri: string): PublishDiagnosticsParams | undefined {
    const l = this.published.get(uri);
    return l?.[l.length - 1];
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  async stop(): Promise<void> {
    try {
      if (this.alive) {
        await Promise.race([this.conn.sendRequest(ShutdownRequest.type), new Promise((r) => setTimeout(r, 2000))]);
        await this.conn.sendNotification(ExitNotification.type);
      }
    } catch {
      // already gone
    }
    this.conn.dispose();
    if (this.alive) this.child.kill('SIGKILL');
  }
}

export function withDeadline<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout;
  return Promise.race([
    p.finally(() => clearTimeout(timer)),
    new Promise<T>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer to ${what} within ${ms} ms`)), ms);
    }),
  ]);
}

/** Only the diagnostics at error or warning level. */
export const loud = (ds: Diag[]) => ds.filter((d) => d.severity === 1 || d.severity === 2);
