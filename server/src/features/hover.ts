// Hover: a member's absolute offset, size, bits, holes, page, overlapping members, governing assertions and
// (memdesc.matrix) where its offset differs; a struct's size, alignment, holes, overlay and assertion summary;
// an assertion's verdict. A member named inside a MATCH invocation hovers as that member.

import { Hover, MarkupKind } from 'vscode-languageserver';
import type { AssertVerdict } from '../engine';
import { entityAt, Entity, memberAt, memberFacts, recordFacts, tokenIndexAt } from '../engine';
import { assertElsewhere, compactLabels, offsetsElsewhere, sizesElsewhere } from '../matrix';
import type { Settings } from '../../../shared/settings';
import type { AnalysisResult } from '../session';
import { num, pathToUri, sourceFile, toOffset, toRange } from './util';
import type { Position } from 'vscode-languageserver';

const verdict = (v: AssertVerdict) => (v.holds === true ? 'holds' : v.holds === false ? '**fails**' : 'cannot be evaluated');
const code = (s: string) => '`' + s.replace(/`/g, "'") + '`';
/** Markdown table cells must not break the table. */
const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function hover(r: AnalysisResult, file: string, pos: Position, settings: Settings): Hover | null {
  const f = sourceFile(r.analysis, file);
  if (!f) return null;
  const offset = toOffset(f, pos);
  let e: Entity | undefined = entityAt(r.analysis, file, offset);
  if (e?.kind === 'assert') {
    // A member name inside an assertion (either side of a MATCH) is that member.
    const m = memberAt(r.analysis, r.model, file, offset);
    const fm = m && r.analysis.layouter.findMember(m.record, m.name);
    const i = tokenIndexAt(r.analysis, file, offset);
    if (m && fm && i !== undefined) {
      const t = r.analysis.tokens[i];
      e = { kind: 'member', record: m.record, flat: fm, span: { file: t.file, offset: t.offset, end: t.end } };
    }
  }
  if (!e) return null;
  const matrixPending = settings.matrix && !r.matrix;
  const pending = 'config matrix: evaluating in the background…';
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
    if (r.matrix && (m.record === r.model.base?.name || r.model.memdescs.some((d) => d.name === m.record))) {
      const here = { offset: m.offset ?? null, size: m.size ?? null, ...(m.bitOffset !== undefined ? { bitOffset: m.bitOffset, bitSize: m.bitSize } : {}) };
      const o = offsetsElsewhere(r, m.record, m.name, here);
      const parts = o.differs.map((d) => `${d.placement === 'absent' ? 'absent' : d.placement === 'unknown' ? 'unknown' : `offset ${d.placement}`} on ${compactLabels(d.labels, r)}`);
      lines.push('', parts.length ? `config matrix: ${parts.join('; ')}; the same on ${o.same} other${o.same === 1 ? '' : 's'}` : `config matrix: the same offset on all ${o.same} other ABI and config combinations`);
    } else if (matrixPending) lines.push('', pending);
  } else if (e.kind === 'record') {
    const s = recordFacts(r.analysis, r.model, e.record);
    lines.push(`### ${s.kind} ${s.name}`, '');
    lines.push(`size **${n(s.size)}** · align ${n(s.align)} · ${s.cachelines ?? '?'} cacheline${s.cachelines === 1 ? '' : 's'} · ${r.analysis.abi.name}`);
    lines.push('', `${s.holes} hole${s.holes === 1 ? '' : 's'} (${s.holeBytes} bytes) · ${s.padding} bytes padding`);
    if (s.overlays) lines.push('', `overlays struct ${s.overlays}${s.pages && s.pages > 1 ? ` (${s.pages} pages)` : ''}`);
    if (s.assertsHold + s.assertsFail + s.assertsUnknown) lines.push('', `assertions: ${s.assertsHold} hold, ${s.assertsFail} fail${s.assertsUnknown ? `, ${s.assertsUnknown} cannot be evaluated` : ''}`);
    if (r.matrix && (s.overlays !== undefined || r.model.base?.def === e.record)) {
      const d = sizesElsewhere(r, s.name, s.size);
      lines.push('', d.length ? `config matrix: size ${d.map((x) => `${x.size} on ${compactLabels(x.labels, r)}`).join('; ')}` : `config matrix: the same size on all ${r.matrix.runs.length} other combinations`);
    } else if (matrixPending) lines.push('', pending);
    const args = encodeURIComponent(JSON.stringify([pathToUri(file), s.name]));
    lines.push('', `[Open layout diagram](command:memdesc.openLayout?${args})`);
  } else {
    const v = e.verdict;
    lines.push(`${code(v.text)} ${verdict(v)}`, '', v.detail);
    if (r.matrix) {
      const x = assertElsewhere(r, v.file.path, v.offset);
      const parts = [`holds on ${x.holds.length}`];
      if (x.fails.length) parts.push(`**fails** on ${compactLabels(x.fails, r)}`);
      if (x.unknown.length) parts.push(`cannot be evaluated on ${compactLabels(x.unknown, r)}`);
      if (x.absent.length) parts.push(`not compiled on ${compactLabels(x.absent, r)}`);
      lines.push('', `config matrix (${r.matrix.runs.length} other combinations): ${parts.join('; ')}`);
    } else if (matrixPending) lines.push('', pending);
  }
  return { contents: { kind: MarkupKind.Markdown, value: lines.join('\n') }, range: toRange(e.span) };
}
