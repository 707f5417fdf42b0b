// Hover: a member's absolute offset, size, bits, holes, page, overlapping members and governing assertions;
// a struct's size, alignment, holes, overlay and assertion summary; an assertion's verdict.

import { Hover, MarkupKind } from 'vscode-languageserver';
import type { AssertVerdict } from '../engine/analyze';
import { entityAt, memberFacts, recordFacts } from '../engine/query';
import type { AnalysisResult, Settings } from '../session';
import { num, sourceFile, toOffset, toRange } from './util';
import type { Position } from 'vscode-languageserver';

const verdict = (v: AssertVerdict) => (v.holds === true ? 'holds' : v.holds === false ? '**fails**' : 'cannot be evaluated');
const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';
/** Markdown table cells must not break the table. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function hover(r: AnalysisResult, file: string, pos: Position, settings: Settings): Hover | null {
  const f = sourceFile(r.analysis, file);
  if (!f) return null;
  const e = entityAt(r.analysis, file, toOffset(f, pos));
  if (!e) return null;
  const n = (x: number | undefined) => num(x, settings.numberFormat);
  const lines: string[] = [];
  if (e.kind === 'member') {
    const m = memberFacts(r.analysis, r.model, e.record, e.flat);
    lines.push(`### ${m.record}.${m.name}`, '');
    const bits = m.bitOffset !== undefined && m.bitSize !== undefined ? ` · bits ${m.bitOffset % 8}..${(m.bitOffset % 8) + m.bitSize - 1} of byte ${n(Math.floor(m.bitOffset / 8))} (bit ${m.bitOffset}, ${m.bitSize} wide)` : '';
    lines.push(`${code(m.type)} · offset **${n(m.offset)}** · size ${n(m.size)} · align ${n(m.align)}${bits} · ${r.analysis.abi.name}`);
    const extra: string[] = [];
    if (m.page !== undefined && m.page > 0) extra.push(`on page ${m.page} of the descriptor`);
    if (m.holeBefore) extra.push(`${m.holeBefore}-byte hole before`);
    if (m.holeAfter) extra.push(`${m.holeAfter}-byte hole after`);
    if (extra.length) lines.push('', extra.join(' · '));
    if (m.overlaps.length) {
      lines.push('', '| overlaps | member | |', '|---|---|---|');
      for (const o of m.overlaps) lines.push(`| ${cell(o.struct)} | ${cell(o.member)} | ${[o.exact ? 'same bytes' : 'partly', o.asserted ? 'asserted' : ''].filter(Boolean).join(', ')} |`);
    }
    for (const v of m.asserts) lines.push('', `${code(v.text)} ${verdict(v)}: ${v.detail}`);
  } else if (e.kind === 'record') {
    const s = recordFacts(r.analysis, r.model, e.record);
    lines.push(`### ${s.kind} ${s.name}`, '');
    lines.push(`size **${n(s.size)}** · align ${n(s.align)} · ${s.cachelines ?? '?'} cacheline${s.cachelines === 1 ? '' : 's'} · ${r.analysis.abi.name}`);
    lines.push('', `${s.holes} hole${s.holes === 1 ? '' : 's'} (${s.holeBytes} bytes) · ${s.padding} bytes padding`);
    if (s.overlays) lines.push('', `overlays struct ${s.overlays}${s.pages && s.pages > 1 ? ` (${s.pages} pages)` : ''}`);
    if (s.assertsHold + s.assertsFail + s.assertsUnknown) lines.push('', `assertions: ${s.assertsHold} hold, ${s.assertsFail} fail${s.assertsUnknown ? `, ${s.assertsUnknown} cannot be evaluated` : ''}`);
    lines.push('', `[Open layout diagram](command:memdesc.openLayout)`);
  } else {
    const v = e.verdict;
    lines.push(`${code(v.text)} ${verdict(v)}`, '', v.detail);
  }
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: toRange(e.span) };
}
