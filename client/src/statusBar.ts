// Status bar item `memdesc: x86_64 · <config> · ✓ n ✗ m` for the active analysed document; a click offers the
// ABI and config switches. Also sets the `memdesc.activeEditorHasLayout` context key that menus use.

import * as vscode from 'vscode';
import type { LayoutResult } from '../../shared/protocol';
import { isServed } from './documents';
import type { LayoutSource } from './layoutSource';
import { configLabel, currentArch } from './settings';

export const SWITCH_COMMAND = 'memdesc.switch';

/**
 * The config in a few characters, as the server chose it when no setting names one (the tree's own .config, a build
 * dir found, the built-in default), else as the settings name it; the variant after a "+".
 */
function statusConfig(model: LayoutResult | null, fromSettings: string): string {
  const variant = / \+ (.*)$/.exec(fromSettings)?.[1];
  const plus = variant ? ` + ${variant}` : '';
  switch (model?.configKind) {
    case 'in-tree':
      return `.config (tree)${plus}`;
    case 'build-dir':
      return `${model.configSource?.replace(/\/\.config$/, '').split('/').pop() ?? 'build'}/ (found)${plus}`;
    case 'default':
      return `built-in default (no .config)${plus}`;
    default:
      return fromSettings;
  }
}

export class StatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('memdesc.status', vscode.StatusBarAlignment.Left, 10);
  private readonly disposables: vscode.Disposable[] = [];
  private generation = 0;
  /** The analysed document last in front: the item keeps showing it while the diagram (a webview) has focus. */
  private lastDocument: vscode.TextDocument | undefined;

  constructor(private readonly layouts: LayoutSource) {
    this.item.name = 'memdesc layout';
    this.item.command = SWITCH_COMMAND;
    this.disposables.push(
      this.item,
      vscode.window.onDidChangeActiveTextEditor(() => void this.refresh()),
      vscode.window.onDidChangeVisibleTextEditors(() => void this.refresh()),
      layouts.onDidChange(() => void this.refresh()),
      vscode.commands.registerCommand(SWITCH_COMMAND, () => this.switchMenu()),
    );
    void this.refresh();
  }

  async refresh(): Promise<void> {
    const gen = ++this.generation;
    const active = vscode.window.activeTextEditor?.document;
    const doc = active ?? (this.lastDocument && !this.lastDocument.isClosed ? this.lastDocument : vscode.window.visibleTextEditors.map((e) => e.document).find(isServed));
    if (!doc || !isServed(doc)) {
      this.lastDocument = undefined;
      this.item.hide();
      void vscode.commands.executeCommand('setContext', 'memdesc.activeEditorHasLayout', false);
      return;
    }
    this.lastDocument = doc;
    const arch = currentArch(doc.uri);
    let model: LayoutResult | null = null;
    let failed: string | undefined;
    try {
      model = await this.layouts.get(doc.uri);
    } catch (e) {
      failed = e instanceof Error ? e.message : String(e);
    }
    if (gen !== this.generation) return; // a newer refresh is on its way
    const has = !!model && model.structs.length > 0;
    void vscode.commands.executeCommand('setContext', 'memdesc.activeEditorHasLayout', has);
    const config = model?.configSource === null ? 'no kernel tree' : statusConfig(model, configLabel(doc.uri));
    const a = model?.asserts;
    const verdicts = !a ? '' : a.failing ? ` · $(error) ${a.failing} failing` : a.holding ? ` · $(check) ${a.holding}` : '';
    this.item.text = `$(symbol-structure) memdesc: ${model?.arch ?? (arch || 'x86_64')} · ${config}${verdicts}`;
    // A failing assertion or contradicting settings: error colour; the built-in default (no .config found): warning.
    const broken = a?.failing || (model?.configNotice && model.configSource?.startsWith('none'));
    this.item.backgroundColor = broken ? new vscode.ThemeColor('statusBarItem.errorBackground') : model?.configKind === 'default' ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    const tip = new vscode.MarkdownString(undefined, true);
    tip.isTrusted = { enabledCommands: ['memdesc.selectArch', 'memdesc.selectConfig', 'memdesc.openLayout'] };
    tip.appendMarkdown('**memdesc layout**\n\n');
    const archFrom = model?.archFrom === 'config' ? ', from the .config' : model?.archFrom === 'default' ? ' (no config says otherwise)' : '';
    tip.appendText(`ABI ${model?.arch ?? (arch || 'x86_64')}${model ? ` (${model.wordSize}-byte words)${archFrom}` : ''}\n\n`);
    tip.appendText(model?.configSource === null ? 'Outside a kernel tree: the file is analysed alone.\n\n' : `Config: ${model?.configSource ?? config}\n\n`);
    if (model?.configNotice) tip.appendText(`${model.configNotice}\n\n`);
    if (a) tip.appendText(`Assertions: ${a.holding} hold, ${a.failing} fail${a.unknown ? `, ${a.unknown} cannot be evaluated` : ''}\n\n`);
    if (model) tip.appendText(`${model.structs.map((s) => s.name).join(', ') || 'no struct page in this analysis'}\n\n`);
    if (failed) tip.appendText(`The server did not answer: ${failed}\n\n`);
    tip.appendMarkdown('[Select ABI](command:memdesc.selectArch) · [Select config](command:memdesc.selectConfig) · [Open layout diagram](command:memdesc.openLayout)');
    this.item.tooltip = tip;
    this.item.accessibilityInformation = { label: `memdesc layout: ABI ${model?.arch ?? arch}, config ${config}${a ? `, ${a.holding} assertions hold, ${a.failing} fail` : ''}. Activate to switch.` };
    this.item.show();
  }

  private async switchMenu(): Promise<void> {
    const uri = vscode.window.activeTextEditor?.document.uri;
    const items: Array<vscode.QuickPickItem & { command: string }> = [
      { label: '$(chip) Select ABI…', description: currentArch(uri) || 'follows the .config', command: 'memdesc.selectArch' },
      { label: '$(settings-gear) Select kernel config…', description: configLabel(uri), command: 'memdesc.selectConfig' },
      { label: '$(symbol-structure) Open layout diagram', command: 'memdesc.openLayout' },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: 'memdesc layout', placeHolder: 'Switch the ABI or the config' });
    if (pick) await vscode.commands.executeCommand(pick.command);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
