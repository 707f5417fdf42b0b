// Document symbols: each struct/union defined in the document as a tree — its members, with anonymous
// structs and unions as nodes holding their own members — absolute offsets and sizes in the detail.

import { DocumentSymbol, SymbolKind } from 'vscode-languageserver';
import { recordName, RecordDef } from '../engine';
import type { Settings } from '../../../shared/settings';
import type { AnalysisResult } from '../session';
import { num, toRange } from './util';

export function documentSymbols(r: AnalysisResult, file: string, settings: Settings): DocumentSymbol[] {
  const a = r.analysis;
  const lay = a.layouter;
  const n = (x: number | undefined) => num(x, settings.numberFormat);

  /** The members of `def`, laid out at absolute bit offset `base` of the outermost record. */
  const members = (def: RecordDef, base: number | undefined): DocumentSymbol[] =>
    lay.layout(def).fields.flatMap((f): DocumentSymbol[] => {
      const m = f.member;
      if (m.loc.file.path !== file) return [];
      const abs = base === undefined || f.bitOffset === undefined ? undefined : base + f.bitOffset;
      const offset = abs === undefined ? undefined : Math.floor(abs / 8);
      const size = lay.sizeOf(m.type);
      if (m.anonymous && m.type.kind === 'record') {
        const inner = m.type.def;
        const body = inner.body && inner.body.file === m.loc.file ? inner.body : undefined;
        return [
          {
            // Anonymous, or (MS extensions) a tagged struct whose members are promoted: `struct freelist_counters`.
            name: recordName(inner) ? `${inner.kind} ${recordName(inner)}` : inner.kind,
            kind: SymbolKind.Struct,
            detail: `offset ${n(offset)}, size ${n(size)}`,
            range: toRange({ file: m.loc.file, offset: m.loc.offset, end: Math.max(m.loc.end, body?.end ?? m.loc.end) }),
            selectionRange: toRange(m.loc),
            children: members(inner, abs),
          },
        ];
      }
      if (m.name === undefined) return [];
      const bits = m.bitWidth !== undefined && abs !== undefined ? `, bits ${abs % 8}+${m.bitWidth}` : '';
      return [{ name: m.name, kind: SymbolKind.Field, detail: `offset ${n(offset)}, size ${n(size)}${bits}`, range: toRange(m.loc), selectionRange: toRange(m.loc) }];
    });

  const out: DocumentSymbol[] = [];
  for (const def of a.parse.records) {
    const name = recordName(def);
    if (!name || !def.members || def.loc.file.path !== file) continue;
    const l = lay.layout(def);
    const range = def.body && def.body.file === def.loc.file ? toRange({ file: def.loc.file, offset: Math.min(def.loc.offset, def.body.offset), end: def.body.end }) : toRange(def.loc);
    out.push({ name: `${def.kind} ${name}`, kind: SymbolKind.Struct, detail: `size ${n(l.size)}, align ${n(l.align)}`, range, selectionRange: toRange(def.loc), children: members(def, 0) });
  }
  return out;
}
