// Diagnostics: failing and unevaluable assertions (with both members as related locations), memdesc rule
// findings, and engine problems, for one document. Unknown types are information, never a wall of errors.

import { Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity } from 'vscode-languageserver';
import { recordName } from '../engine/types';
import type { AnalysisResult } from '../session';
import { pathToUri, toRange } from './util';

const RULES_URL = 'https://github.com/memdesc-layout/memdesc-layout/blob/main/README.md#rules';
const SOURCE = 'memdesc-layout';

const severity = (s: 'error' | 'warning' | 'info', code: string): DiagnosticSeverity =>
  code === 'unknown-type' || s === 'info' ? DiagnosticSeverity.Information : s === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;

export function diagnostics(r: AnalysisResult, file: string): Diagnostic[] {
  const a = r.analysis;
  const out: Diagnostic[] = [];
  for (const p of a.problems) {
    if (!p.file || p.file.path !== file) continue;
    out.push({ range: toRange({ file: p.file, offset: p.offset, end: p.end }), severity: severity(p.severity, p.code), code: p.code, source: SOURCE, message: p.message });
  }
  const defByName = new Map(a.parse.records.filter((d) => d.members && recordName(d)).map((d) => [recordName(d)!, d]));
  for (const v of a.asserts) {
    if (v.file.path !== file || v.holds === true) continue;
    const related: DiagnosticRelatedInformation[] = [];
    for (const p of r.model.pairs.filter((x) => x.assert === v)) {
      for (const side of [p.a, p.b]) {
        const def = defByName.get(side.struct);
        const fm = def && a.layouter.findMember(def, side.member);
        if (fm) related.push({ location: { uri: pathToUri(fm.member.loc.file.path), range: toRange(fm.member.loc) }, message: `${side.struct}.${side.member} at offset ${fm.bitOffset === undefined ? '?' : Math.floor(fm.bitOffset / 8)}` });
      }
    }
    const fails = v.holds === false;
    out.push({
      range: toRange(v),
      severity: fails ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      code: fails ? 'assert-fails' : 'assert-unknown',
      codeDescription: { href: RULES_URL },
      source: SOURCE,
      message: fails ? `${v.text} fails on ${a.abi.name}: ${v.detail}` : `${v.text} cannot be evaluated: ${v.detail}`,
      relatedInformation: related.length ? related : undefined,
    });
  }
  for (const f of r.model.findings) {
    if (f.at.file.path !== file) continue;
    out.push({
      range: toRange(f.at),
      severity: DiagnosticSeverity.Warning,
      code: f.code,
      codeDescription: { href: RULES_URL },
      source: SOURCE,
      message: f.message,
      relatedInformation: f.related.map((x) => ({ location: { uri: pathToUri(x.at.file.path), range: toRange(x.at) }, message: x.message })),
    });
  }
  return out;
}
