// The extension inside a desktop VS Code downloaded by @vscode/test-electron (`npm run test:electron`, for
// machines that can download VS Code; CI here uses code-server instead, test/e2e). Runs in the extension host.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';

async function until<T>(what: string, probe: () => Promise<T | undefined> | T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

/** Called by the test runner inside VS Code; a rejection fails the run. */
export async function run(): Promise<void> {
  const ws = vscode.workspace.workspaceFolders?.[0];
  assert.ok(ws, 'opened on the examples workspace');
  const slab = vscode.Uri.joinPath(ws.uri, 'linux/mm/slab.h');
  const doc = await vscode.workspace.openTextDocument(slab);
  await vscode.window.showTextDocument(doc);
  const ext = vscode.extensions.getExtension('memdesc-layout.memdesc-layout');
  assert.ok(ext, 'the extension is installed');
  await ext.activate();

  const line = doc.getText().split('\n').findIndex((l) => l.includes('void *freelist;'));
  const pos = new vscode.Position(line, doc.lineAt(line).text.indexOf('freelist') + 2);
  const text = await until('a hover on slab.freelist', async () => {
    const hovers = (await vscode.commands.executeCommand<vscode.Hover[]>('vscode.executeHoverProvider', slab, pos)) ?? [];
    const t = hovers.flatMap((h) => h.contents.map((c) => (typeof c === 'string' ? c : 'value' in c ? c.value : ''))).join('\n');
    return t.includes('slab.freelist') ? t : undefined;
  });
  assert.match(text, /offset \*\*32\*\*/);
  assert.match(text, /\| page \| __folio_index \| same bytes/);

  const sketch = vscode.Uri.joinPath(ws.uri, 'linux/mm/balloon.memdesc');
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(sketch));
  const diags = await until('the failing assertion', () => {
    const d = vscode.languages.getDiagnostics(sketch).filter((x) => x.code === 'assert-fails' || (typeof x.code === 'object' && x.code.value === 'assert-fails'));
    return d.length ? d : undefined;
  });
  assert.match(diags[0].message, /BALLOON_MATCH\(_refcount, __page_refcount\) fails on x86_64/);

  await vscode.commands.executeCommand('memdesc.openLayout');
  const report = process.env.MEMDESC_LAYOUT_REPORT;
  assert.ok(report, 'MEMDESC_LAYOUT_REPORT is set by scripts/test-electron.mjs');
  const r = await until('the diagram to report', () => {
    try {
      const j = JSON.parse(fs.readFileSync(report, 'utf8')) as { document: string; columns: Array<{ struct: string }> };
      return j.document.endsWith('/mm/balloon.memdesc') ? j : undefined;
    } catch {
      return undefined;
    }
  });
  assert.deepEqual(r.columns.map((c) => c.struct), ['page', 'folio', 'ptdesc', 'slab', 'zpdesc', 'netmem_desc', 'balloondesc']);
}
