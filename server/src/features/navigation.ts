// Go to definition (type names, and member names inside MATCH-style assertions on both sides) and
// references (a member's declaration and every assertion that names it).

import { Location, Position } from 'vscode-languageserver';
import { definitionAt, memberAt, referencesTo } from '../engine';
import type { AnalysisResult } from '../session';
import { pathToUri, sourceFile, toOffset, toRange } from './util';

export function definition(r: AnalysisResult, file: string, pos: Position): Location[] {
  const f = sourceFile(r.analysis, file);
  if (!f) return [];
  return definitionAt(r.analysis, r.model, file, toOffset(f, pos)).map((s) => ({ uri: pathToUri(s.file.path), range: toRange(s) }));
}

export function references(r: AnalysisResult, file: string, pos: Position, includeDeclaration: boolean): Location[] {
  const f = sourceFile(r.analysis, file);
  if (!f) return [];
  const m = memberAt(r.analysis, r.model, file, toOffset(f, pos));
  if (!m) return [];
  const spans = referencesTo(r.analysis, r.model, m.record, m.name);
  return (includeDeclaration ? spans : spans.slice(1)).map((s) => ({ uri: pathToUri(s.file.path), range: toRange(s) }));
}
