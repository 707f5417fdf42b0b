// memdesc.showOverlaps: for the member at the cursor, a quick pick of every member of struct page and of the
// other descriptors that shares its bytes (as the server reports them), previewed as you move and opened on Enter.

import * as vscode from 'vscode';
import type { OverlapInfo } from '../../shared/protocol';
import { findMember, LayoutSource, locationToVscode, memberAt } from './layoutSource';

type Item = vscode.QuickPickItem & { location?: vscode.Location };

const rank = (o: OverlapInfo) => (o.asserted ? 0 : 2) + (o.exact ? 0 : 1);

export async function showOverlaps(layouts: LayoutSource): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) return;
  const model = await layouts.get(editor.document.uri);
  const here = model && memberAt(model, editor.document.uri, editor.selection.active);
  if (!model || !here) {
    void vscode.window.showInformationMessage('memdesc: put the cursor on a member of struct page or of a memory descriptor.');
    return;
  }
  const { node, struct } = here;
  const overlaps = [...(node.overlaps ?? [])].sort((a, b) => rank(a) - rank(b));
  if (!overlaps.length) {
    void vscode.window.showInformationMessage(`memdesc: ${struct.name}.${node.name} shares its bytes with no member of another descriptor (${model.arch}).`);
    return;
  }
  const items: Item[] = overlaps.map((o) => {
    const target = findMember(model, o.struct, o.member);
    const t = target?.node;
    const where = t ? `offset ${t.bitSize !== undefined ? `${Math.floor(t.bitOffset! / 8)}:${t.bitOffset! % 8}` : t.offset ?? '?'}, ${t.bitSize !== undefined ? `${t.bitSize} bits` : `size ${t.size ?? '?'}`}${t.page ? `, page ${t.page}` : ''}` : '';
    return {
      label: `${o.struct}.${o.member}`,
      description: [o.exact ? 'same bytes' : 'partly', o.asserted ? 'asserted' : ''].filter(Boolean).join(' · '),
      detail: [t?.type, where].filter(Boolean).join(' · '),
      location: t?.location ? locationToVscode(t.location) : undefined,
    };
  });
  const origin = { uri: editor.document.uri, selection: editor.selection, column: editor.viewColumn };
  const qp = vscode.window.createQuickPick<Item>();
  qp.title = `${struct.name}.${node.name}: offset ${node.offset ?? '?'}, size ${node.size ?? '?'} · ${model.arch}`;
  qp.placeholder = `${overlaps.length} member${overlaps.length === 1 ? '' : 's'} share these bytes`;
  qp.items = items;
  qp.matchOnDescription = true;
  let accepted = false;
  const show = (l: vscode.Location, preview: boolean) =>
    vscode.window.showTextDocument(l.uri, { selection: l.range, preview, preserveFocus: preview, viewColumn: origin.column });
  qp.onDidChangeActive((active) => {
    const l = active[0]?.location;
    if (l) void show(l, true);
  });
  qp.onDidAccept(() => {
    const l = qp.selectedItems[0]?.location;
    accepted = true;
    qp.hide();
    if (l) void show(l, false);
  });
  qp.onDidHide(() => {
    qp.dispose();
    // Escape: back where the user was.
    if (!accepted) void vscode.window.showTextDocument(origin.uri, { selection: origin.selection, viewColumn: origin.column });
  });
  qp.show();
}
