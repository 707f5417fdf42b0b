// Every configuration in VS Code: the code actions' commands (show the layout diagram under a counterexample's
// .config, open that .config in an untitled document) and the config picker's items for what the server's search
// found (its counterexamples and the distinct layouts it met). The server finds them; this only asks and shows.

import * as vscode from 'vscode';
import type { LanguageClient } from 'vscode-languageclient/node';
import { EXPLORED_COMMANDS, ExploredCommandArgs, ExploredConfig, ExploredConfigParams, ExploredConfigRequest, ExploredRequest, ExploredResult } from '../../shared/protocol';
import { LayoutPanel, PanelContext } from './layoutPanel';

const isArgs = (x: unknown): x is ExploredCommandArgs => {
  const a = x as Partial<ExploredCommandArgs> | undefined;
  return !!a && typeof a.uri === 'string' && typeof a.arch === 'string' && typeof a.line === 'number';
};

/** Asks the server for a .config it found; says why not when it cannot. */
async function fetchConfig(client: LanguageClient, params: ExploredConfigParams): Promise<ExploredConfig | undefined> {
  try {
    const c = await client.sendRequest(ExploredConfigRequest, params);
    if (c) return c;
    void vscode.window.showWarningMessage('memdesc: that configuration is gone (the text changed since it was found); the search runs again in the background.');
  } catch (e) {
    void vscode.window.showErrorMessage(`memdesc: the language server did not answer: ${e instanceof Error ? e.message : String(e)}`);
  }
  return undefined;
}

/** The layout diagram, for a document, under a .config the search found. */
export async function showFoundLayout(panels: PanelContext, client: LanguageClient, uri: vscode.Uri, params: ExploredConfigParams): Promise<void> {
  const c = await fetchConfig(client, params);
  if (!c) return;
  LayoutPanel.show(panels, uri).showConfig({ arch: c.arch, label: c.label, config: c.config });
}

export function registerExploredCommands(panels: PanelContext, client: LanguageClient): vscode.Disposable[] {
  return [
    vscode.commands.registerCommand(EXPLORED_COMMANDS.showLayout, async (args?: unknown) => {
      if (!isArgs(args)) return;
      await showFoundLayout(panels, client, vscode.Uri.parse(args.uri), args);
    }),
    vscode.commands.registerCommand(EXPLORED_COMMANDS.openConfig, async (args?: unknown) => {
      if (!isArgs(args)) return;
      const c = await fetchConfig(client, args);
      if (!c) return;
      let doc: vscode.TextDocument;
      try {
        // Kconfig's .config is KEY=VALUE with # comments: the properties grammar reads it well.
        doc = await vscode.workspace.openTextDocument({ content: c.config, language: 'properties' });
      } catch {
        doc = await vscode.workspace.openTextDocument({ content: c.config });
      }
      await vscode.window.showTextDocument(doc, { preview: false });
      // The untitled text does not say what it is: the status bar does, while it is the active editor (a timed
      // message would go on naming the counterexample over another editor, or after the config was left).
      const message = vscode.window.setStatusBarMessage(`memdesc: ${c.label}`);
      const watch = vscode.window.onDidChangeActiveTextEditor((e) => {
        if (e?.document === doc) return;
        message.dispose();
        watch.dispose();
      });
    }),
  ];
}

/** Config picker items for what the search found for a document: its counterexamples and distinct layouts. */
export async function foundConfigItems(panels: PanelContext, client: LanguageClient, uri: vscode.Uri | undefined): Promise<Array<vscode.QuickPickItem & { apply?: () => Promise<void> }>> {
  if (!uri) return [];
  let r: ExploredResult | null;
  try {
    r = await client.sendRequest(ExploredRequest, { uri: uri.toString() });
  } catch {
    return [];
  }
  if (!r || r.state === 'off') return [];
  const items: Array<vscode.QuickPickItem & { apply?: () => Promise<void> }> = [{ label: 'Every configuration (found by the search; the diagram only)', kind: vscode.QuickPickItemKind.Separator }];
  const panel = LayoutPanel.current;
  if (panel?.givenConfig) items.push({ label: '$(discard) Back to the configured config', description: `now: ${panel.givenConfig.label}`, apply: async () => panel.showConfig(undefined) });
  if (r.state === 'pending') {
    items.push({ label: '$(sync~spin) Searching every configuration…', description: 'its counterexamples and layouts will be listed here', apply: async () => undefined });
    return items;
  }
  const words = (a: Record<string, string>) => Object.entries(a).map(([k, v]) => `${k}=${v}`).join(' ') || 'defconfig';
  for (const x of r.asserts) {
    if (x.holds !== false || !x.counterexample) continue;
    items.push({
      label: `$(warning) ${x.arch}: ${words(x.counterexample.assignment)}`,
      description: `breaks ${x.text}`,
      detail: x.counterexample.detail,
      apply: () => showFoundLayout(panels, client, vscode.Uri.parse(x.uri), { uri: x.uri, arch: x.arch, line: x.line }),
    });
  }
  for (const l of r.layouts) {
    items.push({
      label: `$(symbol-structure) ${l.arch}: ${words(l.assignment)}`,
      description: l.differs.length ? `${l.differs.join(', ')} laid out differently` : 'the defconfig\'s layout',
      apply: () => showFoundLayout(panels, client, uri, { uri: uri.toString(), arch: l.arch, assignment: l.assignment }),
    });
  }
  return items;
}
