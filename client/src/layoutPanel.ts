// memdesc.openLayout: the layout diagram panel. Hosts the webview (strict CSP, scripts by nonce from media/ only),
// feeds it memdesc/layout for the active analysed document as it changes, follows the editor cursor, reveals a
// clicked member's declaration, exports SVG/PNG through the webview, and is restored after a window reload.

import * as crypto from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { LayoutResult } from '../../shared/protocol';
import { documentLabel, isServed } from './documents';
import { LayoutSource, locationToVscode, memberAt, nodeAt, sameUri, structAt } from './layoutSource';
import { configLabel, currentArch, get, update } from './settings';
import { webviewHtml } from './webviewHtml';
import type { FromWebview, NodeRef, NumberFormat, RenderReport, ToWebview, WebviewState } from '../../shared/webview';
import { parseFromWebview, parseWebviewState } from './webviewProtocol';

export const VIEW_TYPE = 'memdesc.layout';
const EXPORT_TIMEOUT_MS = 30_000;

export interface PanelContext {
  extensionUri: vscode.Uri;
  layouts: LayoutSource;
  output: vscode.OutputChannel;
}

export class LayoutPanel implements vscode.Disposable {
  static current: LayoutPanel | undefined;

  private document: vscode.Uri | undefined;
  private model: LayoutResult | null = null;
  private lastSent = '';
  private numberFormat: NumberFormat;
  private ready = false;
  private exportId = 0;
  private readonly exports = new Map<number, { resolve: (data: string) => void; reject: (e: Error) => void }>();
  private editorColumn: vscode.ViewColumn | undefined;
  private readonly disposables: vscode.Disposable[] = [];
  private updating: Promise<void> = Promise.resolve();
  private readonly renderWaiters: Array<() => void> = [];
  /** What the webview last reported it drew. */
  lastReport: RenderReport | undefined;

  /** Opens the panel (or brings it forward) on a document: the given one, else the active editor's. */
  static show(ctx: PanelContext, uri?: vscode.Uri): LayoutPanel {
    const editor = vscode.window.activeTextEditor;
    const target = uri ?? (editor && isServed(editor.document) ? editor.document.uri : undefined);
    if (LayoutPanel.current) {
      if (target) LayoutPanel.current.setDocument(target);
      LayoutPanel.current.panel.reveal(undefined, true);
      return LayoutPanel.current;
    }
    const panel = vscode.window.createWebviewPanel(VIEW_TYPE, 'Layout', { viewColumn: vscode.ViewColumn.Beside, preserveFocus: true }, webviewOptions(ctx.extensionUri));
    return new LayoutPanel(ctx, panel, { document: target?.toString() }, editor?.viewColumn);
  }

  /** After a window reload: the serializer hands back the panel and the state the webview saved. */
  static revive(ctx: PanelContext, panel: vscode.WebviewPanel, state: unknown): LayoutPanel {
    panel.webview.options = webviewOptions(ctx.extensionUri);
    LayoutPanel.current?.dispose();
    return new LayoutPanel(ctx, panel, parseWebviewState(state), undefined);
  }

  private constructor(
    private readonly ctx: PanelContext,
    readonly panel: vscode.WebviewPanel,
    state: WebviewState,
    editorColumn: vscode.ViewColumn | undefined,
  ) {
    LayoutPanel.current = this;
    this.document = state.document ? vscode.Uri.parse(state.document) : undefined;
    this.numberFormat = state.numberFormat ?? (get('numberFormat') === 'hex' ? 'hex' : 'decimal');
    this.editorColumn = editorColumn;
    panel.iconPath = vscode.Uri.joinPath(ctx.extensionUri, 'media', 'icon.png');
    panel.webview.html = html(panel.webview, ctx.extensionUri);
    void vscode.commands.executeCommand('setContext', 'memdesc.layoutPanelOpen', true);
    this.disposables.push(
      panel.onDidDispose(() => this.dispose()),
      // A hidden webview is torn down (no retainContextWhenHidden); it says 'ready' again when shown.
      panel.onDidChangeViewState((e) => {
        if (!e.webviewPanel.visible) this.ready = false;
      }),
      panel.webview.onDidReceiveMessage((m: unknown) => {
        const msg = parseFromWebview(m);
        if (msg) void this.onMessage(msg).catch((e) => ctx.output.appendLine(`layout panel: ${e instanceof Error ? e.message : String(e)}`));
        else ctx.output.appendLine('layout panel: ignored a malformed message from the webview');
      }),
      ctx.layouts.onDidChange(() => this.update()),
      vscode.window.onDidChangeActiveTextEditor((e) => {
        // The panel follows the analysed document in front; other editors (and the panel itself) leave it be.
        if (e && isServed(e.document)) {
          this.editorColumn = e.viewColumn;
          this.setDocument(e.document.uri);
        }
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => this.followCursor(e.textEditor)),
    );
    this.updateTitle();
  }

  setDocument(uri: vscode.Uri): void {
    if (this.document?.toString() === uri.toString()) return;
    this.document = uri;
    this.updateTitle();
    this.update();
  }

  private updateTitle(): void {
    this.panel.title = this.document ? `Layout: ${path.basename(this.document.fsPath)}` : 'Layout';
  }

  /** Re-sends the model when it changed; updates run one after another so an old answer never wins. */
  update(): void {
    this.updating = this.updating.then(() => this.send()).catch((e) => this.ctx.output.appendLine(`layout panel: ${e instanceof Error ? e.message : String(e)}`));
  }

  private async send(): Promise<void> {
    if (!this.ready) return;
    const uri = this.document;
    let model: LayoutResult | null = null;
    let message: string | undefined;
    if (!uri) message = 'Open a header of a kernel tree, or a .memdesc sketch, to see its layout.';
    else {
      try {
        model = await this.ctx.layouts.get(uri);
        if (!model) message = 'This document is not a file the server can analyse.';
        else if (!model.structs.length) message = 'No struct page in this analysis: open a header of a kernel tree, or a file that defines struct page.';
      } catch (e) {
        message = `The language server did not answer: ${e instanceof Error ? e.message : String(e)}`;
      }
    }
    if (uri !== this.document) return; // switched documents meanwhile: that update follows
    this.model = model;
    const msg: ToWebview = {
      type: 'model',
      model,
      document: uri?.toString() ?? '',
      documentLabel: uri ? documentLabel(uri) : '',
      config: model?.configSource === null ? 'no kernel tree' : configLabel(uri),
      message,
      numberFormat: this.numberFormat,
    };
    const text = JSON.stringify(msg);
    if (text === this.lastSent) return; // nothing new: no re-render, no flicker
    this.lastSent = text;
    await this.panel.webview.postMessage(msg);
    const editor = vscode.window.activeTextEditor;
    if (editor) this.followCursor(editor);
  }

  private followCursor(editor: vscode.TextEditor): void {
    if (!this.model || !this.ready || !isServed(editor.document)) return;
    const pos = editor.selection.active;
    const found = memberAt(this.model, editor.document.uri, pos);
    let target: NodeRef | null = found ? { struct: found.struct.name, path: found.path } : null;
    if (!target) {
      const s = structAt(this.model, editor.document.uri, pos);
      if (s) target = { struct: s.name, path: [] };
    }
    void this.panel.webview.postMessage({ type: 'highlight', target } satisfies ToWebview);
  }

  private async onMessage(msg: FromWebview): Promise<void> {
    switch (msg.type) {
      case 'ready':
        this.ready = true;
        this.lastSent = '';
        this.update();
        return;
      case 'reveal':
        return this.reveal(msg.target);
      case 'setArch':
        if (msg.arch !== currentArch(this.document)) await update('arch', msg.arch, this.document);
        return;
      case 'selectConfig':
        await vscode.commands.executeCommand('memdesc.selectConfig');
        return;
      case 'setNumberFormat':
        this.numberFormat = msg.numberFormat;
        return;
      case 'rendered':
        this.reportRendered(msg.report);
        return;
      case 'exported':
        this.exports.get(msg.id)?.resolve(msg.data);
        this.exports.delete(msg.id);
        return;
      case 'exportFailed':
        this.exports.get(msg.id)?.reject(new Error(msg.message));
        this.exports.delete(msg.id);
        return;
    }
  }

  /** Only locations of the model we sent are opened: the webview names a node, never a file. */
  private async reveal(target: NodeRef): Promise<void> {
    if (!this.model) return;
    const loc = target.path.length ? nodeAt(this.model, target.struct, target.path)?.node.location : this.model.structs.find((s) => s.name === target.struct)?.location;
    if (!loc || !loc.uri.startsWith('file:')) return;
    const l = locationToVscode(loc);
    const column = this.editorColumn ?? vscode.window.visibleTextEditors.find((e) => sameUri(e.document.uri.toString(), loc.uri))?.viewColumn ?? vscode.ViewColumn.One;
    await vscode.window.showTextDocument(l.uri, { selection: l.range, viewColumn: column, preserveFocus: false });
  }

  private reportRendered(report: RenderReport): void {
    this.lastReport = report;
    for (const w of this.renderWaiters.splice(0)) w();
    const blocks = report.blocks.length;
    this.ctx.output.appendLine(`layout diagram: ${report.columns.map((c) => c.struct).join(', ')} · ${blocks} blocks · ${report.arch} · ${report.theme}`);
    // For the end-to-end tests (and anyone debugging the diagram): the full report, when asked for.
    const file = process.env.MEMDESC_LAYOUT_REPORT;
    if (file) {
      try {
        fs.writeFileSync(`${file}.tmp`, JSON.stringify(report));
        fs.renameSync(`${file}.tmp`, file);
      } catch (e) {
        this.ctx.output.appendLine(`could not write ${file}: ${String(e)}`);
      }
    }
  }

  /** The diagram as SVG text or PNG (base64), drawn by the webview with the theme's colours. */
  async exportImage(format: 'svg' | 'png'): Promise<string> {
    if (!this.panel.visible || !this.ready) {
      // Only a live webview can draw: bring the panel forward and wait for its next rendering.
      const drawn = new Promise<void>((resolve) => this.renderWaiters.push(resolve));
      this.panel.reveal(undefined, true);
      await Promise.race([drawn, new Promise((r) => setTimeout(r, EXPORT_TIMEOUT_MS))]);
    }
    const id = ++this.exportId;
    return new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.exports.delete(id);
        reject(new Error('the diagram did not answer (is the panel visible?)'));
      }, EXPORT_TIMEOUT_MS);
      this.exports.set(id, {
        resolve: (d) => {
          clearTimeout(timer);
          resolve(d);
        },
        reject: (e) => {
          clearTimeout(timer);
          reject(e);
        },
      });
      void this.panel.webview.postMessage({ type: 'export', id, format } satisfies ToWebview);
    });
  }

  get documentUri(): vscode.Uri | undefined {
    return this.document;
  }

  get arch(): string | undefined {
    return this.model?.arch;
  }

  dispose(): void {
    if (LayoutPanel.current === this) {
      LayoutPanel.current = undefined;
      void vscode.commands.executeCommand('setContext', 'memdesc.layoutPanelOpen', false);
    }
    for (const e of this.exports.values()) e.reject(new Error('the layout panel was closed'));
    this.exports.clear();
    for (const d of this.disposables) d.dispose();
    this.panel.dispose();
  }
}

function webviewOptions(extensionUri: vscode.Uri): vscode.WebviewPanelOptions & vscode.WebviewOptions {
  return {
    enableScripts: true,
    enableCommandUris: false,
    enableFindWidget: true,
    // The webview can load the bundled media and nothing else.
    localResourceRoots: [vscode.Uri.joinPath(extensionUri, 'media')],
  };
}

function html(webview: vscode.Webview, extensionUri: vscode.Uri): string {
  const media = (f: string) => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, 'media', f)).toString();
  return webviewHtml({ cspSource: webview.cspSource, nonce: crypto.randomBytes(18).toString('base64'), script: media('layout.js'), style: media('layout.css') });
}
