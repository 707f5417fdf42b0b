// Document symbols: each struct/union defined in the document, its members as children with offsets in detail.

import { DocumentSymbol, SymbolKind } from 'vscode-languageserver';
import { recordName } from '../engine/types';
import type { AnalysisResult, Settings } from '../session';
import { num, toRange } from './util';

export function documentSymbols(r: AnalysisResult, file: string, settings: Settings): DocumentSymbol[] {
  const a = r.analysis;
  const out: DocumentSymbol[] = [];
  for (const def of a.parse.records) {
    const name = recordName(def);
    if (!name || !def.members || def.loc.file.path !== file) continue;
    const l = a.layouter.layout(def);
    const range = def.body && def.body.file === def.loc.file ? toRange({ file: def.loc.file, offset: Math.min(def.loc.offset, def.body.offset), end: def.body.end }) : toRange(def.loc);
    const children: DocumentSymbol[] = a.layouter
      .flatten(def)
      .filter((fm) => fm.member.loc.file.path === file)
      .map((fm) => ({
        name: fm.name,
        kind: SymbolKind.Field,
        detail: `offset ${num(fm.bitOffset === undefined ? undefined : Math.floor(fm.bitOffset / 8), settings.numberFormat)}, size ${num(fm.size, settings.numberFormat)}${fm.isBitfield ? `, bits ${fm.bitOffset! % 8}+${fm.bitSize}` : ''}`,
        range: toRange(fm.member.loc),
        selectionRange: toRange(fm.member.loc),
      }));
    out.push({ name: `${def.kind} ${name}`, kind: SymbolKind.Struct, detail: `size ${num(l.size, settings.numberFormat)}, align ${num(l.align, settings.numberFormat)}`, range, selectionRange: toRange(def.loc), children });
  }
  return out;
}
