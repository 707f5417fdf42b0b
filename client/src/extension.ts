// The memdesc-layout VS Code extension: starts the bundled language server and wires the client features
// (layout diagram, status bar, ABI and config pickers, overlaps, export). No layout logic here: the server knows.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { selectArch } from './archPicker';
import { selectConfig } from './configPicker';
import { exportLayout } from './exportLayout';
import { isCandidate, isServed, setServed, treeAround, workspaceTrees } from './documents';
import { createLanguageClient } from './languageClient';
import { LayoutPanel, PanelContext, VIEW_TYPE } from './layoutPanel';
import { LayoutSource } from './layoutSource';
import { showOverlaps } from './overlaps';
import { SETTINGS_SECTION } from '../../shared/settings';
import { folderFor, get, resolvePath } from './settings';
import { StatusBar } from './statusBar';

let client: LanguageClient | undefined;

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const t0 = Date.now();
  const output = vscode.window.createOutputChannel('memdesc-layout', { log: true });
  context.subscriptions.push(output);
  client = createLanguageClient(context, output);
  const layouts = new LayoutSource(client);
  const panels: PanelContext = { extensionUri: context.extensionUri, layouts, output };
  const c = client;
  context.subscriptions.push(
    layouts,
    vscode.commands.registerCommand('memdesc.openLayout', (uri?: unknown) => {
      // The code lens passes its document's URI (a string or a Uri); the palette and menus pass nothing or a Uri.
      const target = uri instanceof vscode.Uri ? uri : typeof uri === 'string' && uri.startsWith('file:') ? vscode.Uri.parse(uri) : undefined;
      LayoutPanel.show(panels, target);
    }),
    vscode.commands.registerCommand('memdesc.selectArch', (arch?: unknown) => selectArch(arch)),
    vscode.commands.registerCommand('memdesc.selectConfig', () => selectConfig(c)),
    vscode.commands.registerCommand('memdesc.showOverlaps', () => showOverlaps(layouts)),
    vscode.commands.registerCommand('memdesc.exportLayout', (args?: unknown) => exportLayout(args && typeof args === 'object' ? args : undefined)),
    vscode.commands.registerCommand('memdesc.showOutput', () => output.show(true)),
    vscode.commands.registerCommand('memdesc.restartServer', async () => {
      await c.restart();
      layouts.invalidate();
    }),
    vscode.window.registerWebviewPanelSerializer(VIEW_TYPE, {
      deserializeWebviewPanel: async (panel, state) => {
        LayoutPanel.revive(panels, panel, state);
      },
    }),
    { dispose: () => LayoutPanel.current?.dispose() },
  );
  // Which documents the server gets: headers of the kernel trees in the workspace (and of any tree a
  // header is opened from), .memdesc sketches, or every C header with memdesc.serveAllHeaders.
  const opened = new Set<string>();
  const refreshServed = async (restart: boolean) => {
    const root = get('kernelRoot');
    const trees = await workspaceTrees(root ? [resolvePath(root, folderFor())] : []);
    const changed = setServed([...trees, ...opened], get('serveAllHeaders') === true);
    if (changed && restart && c.isRunning()) {
      output.appendLine('memdesc-layout: the set of served documents changed; restarting the language server');
      await c.restart();
      layouts.invalidate();
    }
  };
  const noteTree = (doc: vscode.TextDocument) => {
    if (!isCandidate(doc) || isServed(doc)) return;
    const t = treeAround(doc.uri.fsPath);
    if (t && !opened.has(t)) {
      opened.add(t);
      void refreshServed(true);
    }
  };
  context.subscriptions.push(
    vscode.workspace.onDidOpenTextDocument(noteTree),
    vscode.workspace.onDidChangeWorkspaceFolders(() => void refreshServed(true)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration(`${SETTINGS_SECTION}.kernelRoot`) || e.affectsConfiguration(`${SETTINGS_SECTION}.serveAllHeaders`)) void refreshServed(true);
    }),
  );
  for (const d of vscode.workspace.textDocuments) if (isCandidate(d)) {
    const t = treeAround(d.uri.fsPath);
    if (t) opened.add(t);
  }
  await refreshServed(false);
  try {
    await client.start();
  } catch (e) {
    output.appendLine(`memdesc-layout: the language server did not start: ${e instanceof Error ? e.stack : String(e)}`);
    void vscode.window.showErrorMessage('memdesc-layout: the language server did not start; see the memdesc-layout output.', 'Show Output').then((a) => a && output.show());
    return;
  }
  context.subscriptions.push(new StatusBar(layouts));
  output.appendLine(`memdesc-layout ${context.extension.packageJSON.version as string}: activated in ${Date.now() - t0} ms (language server ready)`);
}

export async function deactivate(): Promise<void> {
  await client?.stop();
  client = undefined;
}
