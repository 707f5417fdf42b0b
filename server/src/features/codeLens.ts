// Code lens on struct page and each memory descriptor: size · holes · overlay · assertion summary, and a
// command to open the layout diagram.

import { CodeLens } from 'vscode-languageserver';
import { recordFacts } from '../engine';
import type { Settings } from '../../../shared/settings';
import type { AnalysisResult } from '../session';
import { num, pathToUri, toRange } from './util';

export function codeLenses(r: AnalysisResult, file: string, settings: Settings): CodeLens[] {
  const out: CodeLens[] = [];
  for (const s of [r.model.base, ...r.model.memdescs]) {
    if (!s || s.def.loc.file.path !== file) continue;
    const f = recordFacts(r.analysis, r.model, s.def);
    const parts = [`${num(f.size, settings.numberFormat)} bytes`, `${f.holes} hole${f.holes === 1 ? '' : 's'}`];
    if (f.overlays) parts.push(`overlays ${f.overlays}${f.pages && f.pages > 1 ? ` ×${f.pages}` : ''}`);
    const total = f.assertsHold + f.assertsFail + f.assertsUnknown;
    if (total) parts.push(`${f.assertsHold}/${total} assertions hold`);
    parts.push('Open layout diagram');
    const range = toRange(s.def.loc);
    out.push({ range, command: { title: parts.join(' · '), command: 'memdesc.openLayout', arguments: [pathToUri(file)] } });
  }
  return out;
}
