// Which documents the extension serves: C files, headers opened as C++ (VS Code's default for .h), and .memdesc sketches.

import * as vscode from 'vscode';

/** Plain filters: the same value serves vscode.languages.match and the language client. */
export const DOCUMENT_SELECTOR: Array<{ scheme: string; language: string; pattern?: string }> = [
  { scheme: 'file', language: 'c' },
  { scheme: 'file', language: 'cpp', pattern: '**/*.h' },
  { scheme: 'file', language: 'memdesc' },
];

export function isServed(doc: vscode.TextDocument): boolean {
  return vscode.languages.match(DOCUMENT_SELECTOR, doc) > 0;
}

/** A short name for a document: its path inside the workspace folder, else its file name. */
export function documentLabel(uri: vscode.Uri): string {
  return vscode.workspace.asRelativePath(uri, false);
}
