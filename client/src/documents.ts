// Which documents the extension hands the server: .memdesc sketches, and C sources and headers (VS Code opens
// .h as C++ by default) inside a kernel tree, so that an unrelated C or C++ project gets no squiggles from us;
// with memdesc.serveAllHeaders, every C header and source. (The server walks up from a file the same way.)

import * as path from 'node:path';
import * as vscode from 'vscode';
import { isKernelTree, kernelTreeAround } from '../../shared/kernel-tree';

/** A filter as the language client takes it (LSP: a relative pattern's base is a URI string). */
type Filter = { scheme: string; language: string; pattern?: string | { baseUri: string; pattern: string } };

let served: { trees: string[]; all: boolean } = { trees: [], all: false };

/**
 * The selector the language client was started with. One array, updated in place: the client reads it on
 * every (re)start, and isServed() follows the same rule.
 */
export const DOCUMENT_SELECTOR: Filter[] = [{ scheme: 'file', language: 'memdesc' }];

/** Sets which documents are served; true when that changed (the client must then restart to see it). */
export function setServed(trees: readonly string[], all: boolean): boolean {
  const next = { trees: [...new Set(trees)].sort(), all };
  if (JSON.stringify(next) === JSON.stringify(served)) return false;
  served = next;
  const filters: Filter[] = [{ scheme: 'file', language: 'memdesc' }];
  if (all) filters.push({ scheme: 'file', language: 'c' }, { scheme: 'file', language: 'cpp', pattern: '**/*.h' });
  else
    for (const t of next.trees) {
      const baseUri = vscode.Uri.file(t).toString();
      filters.push({ scheme: 'file', language: 'c', pattern: { baseUri, pattern: '**/*.{c,h}' } });
      filters.push({ scheme: 'file', language: 'cpp', pattern: { baseUri, pattern: '**/*.h' } });
    }
  DOCUMENT_SELECTOR.splice(0, DOCUMENT_SELECTOR.length, ...filters);
  return true;
}

export function isServed(doc: vscode.TextDocument): boolean {
  if (doc.uri.scheme !== 'file') return false;
  if (doc.languageId === 'memdesc') return true;
  if (!isCandidate(doc)) return false;
  return served.all || served.trees.some((t) => doc.uri.fsPath.startsWith(t + path.sep));
}

/** A document the extension would serve if it knew the tree around it: a C/C++ file on disk. */
export function isCandidate(doc: vscode.TextDocument): boolean {
  return doc.uri.scheme === 'file' && (doc.languageId === 'c' || (doc.languageId === 'cpp' && doc.uri.fsPath.endsWith('.h')));
}

/** The kernel tree a file is in (the server's own test). */
export const treeAround = kernelTreeAround;

/** Kernel trees of the workspace: folders inside one, trees inside folders (found by their mm_types.h), and memdesc.kernelRoot. */
export async function workspaceTrees(kernelRoots: readonly string[]): Promise<string[]> {
  const out = new Set<string>();
  for (const f of vscode.workspace.workspaceFolders ?? []) {
    if (f.uri.scheme !== 'file') continue;
    const up = isKernelTree(f.uri.fsPath) ? f.uri.fsPath : treeAround(path.join(f.uri.fsPath, 'x'));
    if (up) out.add(up);
  }
  const hits = await vscode.workspace.findFiles('**/include/linux/mm_types.h', '{**/node_modules/**,**/.git/**}', 50);
  for (const h of hits) {
    const root = path.dirname(path.dirname(path.dirname(h.fsPath)));
    if (isKernelTree(root)) out.add(root);
  }
  for (const r of kernelRoots) if (r && isKernelTree(r)) out.add(r);
  return [...out];
}

/** A short name for a document: its path inside the workspace folder, else its file name. */
export function documentLabel(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}
