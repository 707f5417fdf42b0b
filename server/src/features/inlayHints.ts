// Inlay hints: pahole-style `/* offset size */` after each member name, and hole markers (setting memdesc.inlayHints).

import { InlayHint, InlayHintKind, Range } from 'vscode-languageserver';
import { memberFacts } from '../engine';
import { recordName } from '../engine';
import type { Settings } from '../../../shared/settings';
import type { AnalysisResult } from '../session';
import { num, toPosition } from './util';

export function inlayHints(r: AnalysisResult, file: string, range: Range, settings: Settings): InlayHint[] {
  if (settings.inlayHints === 'off') return [];
  const a = r.analysis;
  const out: InlayHint[] = [];
  const n = (x: number | undefined) => num(x, settings.numberFormat);
  for (const def of a.parse.records) {
    if (!recordName(def) || !def.members) continue;
    for (const fm of a.layouter.flatten(def)) {
      const loc = fm.member.loc;
      if (loc.file.path !== file) continue;
      const pos = toPosition(loc.file, loc.end);
      if (pos.line < range.start.line || pos.line > range.end.line) continue;
      const off = fm.bitOffset === undefined ? undefined : Math.floor(fm.bitOffset / 8);
      let label = fm.isBitfield && fm.bitOffset !== undefined ? `/* ${n(off)}:${fm.bitOffset % 8} ${n(fm.size)} */` : `/* ${n(off)} ${n(fm.size)} */`;
      if (settings.inlayHints === 'full') {
        const m = memberFacts(a, r.model, def, fm);
        if (m.holeAfter) label += ` /* XXX ${m.holeAfter}-byte hole */`;
        const paired = m.overlaps.filter((o) => o.asserted).map((o) => `${o.struct}.${o.member}`);
        if (paired.length) label += ` = ${paired.join(', ')}`;
      }
      out.push({ position: pos, label, kind: InlayHintKind.Type, paddingLeft: true });
    }
  }
  return out;
}
