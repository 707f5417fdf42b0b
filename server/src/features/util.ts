// Shared by the feature modules: positions between LSP and the engine, and number formatting.

import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { Position, Range } from 'vscode-languageserver';
import type { Analysis } from '../engine';
import { SourceFile, Span } from '../engine';
import type { Settings } from '../../../shared/settings';

export function uriToPath(uri: string): string | undefined {
  try {
    return uri.startsWith('file:') ? path.normalize(fileURLToPath(uri)) : undefined;
  } catch {
    return undefined;
  }
}

export function pathToUri(p: string): string {
  return pathToFileURL(p).toString();
}

export function sourceFile(a: Analysis, file: string): SourceFile | undefined {
  return a.files.find((f) => f.path === file);
}

export function toPosition(f: SourceFile, offset: number): Position {
  const p = f.position(Math.max(0, Math.min(offset, f.text.length)));
  return { line: p.line - 1, character: p.column - 1 };
}

export function toRange(span: Span): Range {
  return { start: toPosition(span.file, span.offset), end: toPosition(span.file, Math.max(span.end, span.offset)) };
}

/** Offset of an LSP position, clamped into the file (positions past the end are normal input). */
export function toOffset(f: SourceFile, pos: Position): number {
  return f.offsetAt(pos.line + 1, pos.character + 1);
}

export function num(n: number | undefined | null, fmt: Settings['numberFormat']): string {
  if (n === undefined || n === null) return '?';
  if (fmt === 'hex') return `0x${n.toString(16)}`;
  if (fmt === 'both') return `${n} (0x${n.toString(16)})`;
  return String(n);
}
