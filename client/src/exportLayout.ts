// memdesc.exportLayout: saves the open layout diagram as SVG (themed colours inlined) or PNG (2× scale).

import * as path from 'node:path';
import * as vscode from 'vscode';
import { LayoutPanel } from './layoutPanel';
import { folderFor } from './settings';

/** Arguments for scripting (keybindings, tests): `{ format: 'svg' | 'png', path?: '/abs/file' }`. */
interface ExportArgs {
  format?: unknown;
  path?: unknown;
}

export async function exportLayout(args?: ExportArgs): Promise<void> {
  const panel = LayoutPanel.current;
  if (!panel) {
    void vscode.window.showInformationMessage('memdesc: open the layout diagram first (memdesc: Open Layout Diagram).');
    return;
  }
  let format: 'svg' | 'png' | undefined = args?.format === 'svg' || args?.format === 'png' ? args.format : undefined;
  if (!format) {
    const pick = await vscode.window.showQuickPick(
      [
        { label: 'SVG', description: 'vector: crisp at any size, the theme colours inlined', format: 'svg' as const },
        { label: 'PNG', description: 'bitmap at twice the on-screen size', format: 'png' as const },
      ],
      { title: 'memdesc: Export Layout Diagram' },
    );
    if (!pick) return;
    format = pick.format;
  }
  const doc = panel.documentUri;
  const name = `${doc ? path.basename(doc.fsPath).replace(/\.[^.]*$/, '') : 'layout'}-${panel.arch ?? 'layout'}.${format}`;
  const folder = folderFor(doc);
  let target: vscode.Uri | undefined;
  if (typeof args?.path === 'string' && path.isAbsolute(args.path)) target = vscode.Uri.file(args.path);
  else {
    const defaultUri = folder ? vscode.Uri.joinPath(folder.uri, name) : doc ? vscode.Uri.file(path.join(path.dirname(doc.fsPath), name)) : undefined;
    target = await vscode.window.showSaveDialog({ defaultUri, filters: format === 'svg' ? { SVG: ['svg'] } : { PNG: ['png'] }, title: `Export the layout diagram as ${format.toUpperCase()}` });
  }
  if (!target) return;
  try {
    const data = await panel.exportImage(format);
    const bytes = format === 'svg' ? Buffer.from(data, 'utf8') : Buffer.from(data, 'base64');
    await vscode.workspace.fs.writeFile(target, bytes);
    void vscode.window.showInformationMessage(`memdesc: layout diagram saved to ${vscode.workspace.asRelativePath(target)}`);
  } catch (e) {
    void vscode.window.showErrorMessage(`memdesc: could not export the diagram: ${e instanceof Error ? e.message : String(e)}`);
  }
}
