// Diagnostics: failing and unevaluable assertions (with both members as related locations), memdesc rule
// findings, engine problems, and (memdesc.matrix) what fails only in other ABI × config combinations, for one
// document, each with its code's severity from the engine's registry; a C file outside any kernel tree that no
// setting names shows its failing assertions and rule findings only.

import { Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity } from 'vscode-languageserver';
import { labelText, ProblemCode, recordName, severityOf } from '../engine';
import { assertElsewhere, compactLabels, matrixOnly } from '../matrix';
import type { AnalysisResult } from '../session';
import { pathToUri, sourceFile, toRange } from './util';

const RULES_URL = 'https://github.com/memdesc-layout/memdesc-layout/blob/main/README.md#rules';
const SOURCE = 'memdesc-layout';

/** A code's severity, from the engine's one registry (the CLI and SARIF say the same). */
const severity = (code: ProblemCode): DiagnosticSeverity => {
  const s = severityOf(code);
  return s === 'error' ? DiagnosticSeverity.Error : s === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information;
};

export function diagnostics(r: AnalysisResult, file: string): Diagnostic[] {
  const a = r.analysis;
  const out: Diagnostic[] = [];
  // A C file nobody asked about (outside a tree, not a sketch, not in memdesc.files): failures only.
  const quiet = !!r.context.quiet;
  // Settings that contradict each other (memdesc.arch against the named config): nothing was analysed; say why.
  const configError = r.context.configChoice?.error;
  if (configError) out.push({ range: { start: { line: 0, character: 0 }, end: { line: 0, character: 0 } }, severity: severity('config-arch-mismatch'), code: 'config-arch-mismatch', source: SOURCE, message: configError });
  for (const p of a.problems) {
    if (quiet || !p.file || p.file.path !== file) continue;
    out.push({ range: toRange({ file: p.file, offset: p.offset, end: p.end }), severity: severity(p.code), code: p.code, source: SOURCE, message: p.message });
  }
  const defByName = new Map(a.parse.records.filter((d) => d.members && recordName(d)).map((d) => [recordName(d)!, d]));
  for (const v of a.asserts) {
    if (v.file.path !== file || v.holds === true || (quiet && v.holds === null)) continue;
    const related: DiagnosticRelatedInformation[] = [];
    for (const p of r.model.pairs.filter((x) => x.assert === v)) {
      for (const side of [p.a, p.b]) {
        const def = defByName.get(side.struct);
        const fm = def && a.layouter.findMember(def, side.member);
        if (fm) related.push({ location: { uri: pathToUri(fm.member.loc.file.path), range: toRange(fm.member.loc) }, message: `${side.struct}.${side.member} at offset ${fm.bitOffset === undefined ? '?' : Math.floor(fm.bitOffset / 8)}` });
      }
    }
    const fails = v.holds === false;
    const also = r.matrix && fails ? assertElsewhere(r, v.file.path, v.offset).fails : [];
    out.push({
      range: toRange(v),
      severity: fails ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning,
      code: fails ? 'assert-fails' : 'assert-unknown',
      codeDescription: { href: RULES_URL },
      source: SOURCE,
      message: fails ? `${v.text} fails on ${a.abi.name}: ${v.detail}${also.length ? ` (also fails on ${compactLabels(also, r)})` : ''}` : `${v.text} cannot be evaluated: ${v.detail}`,
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
  // The config matrix: failures the configured ABI and config do not show. Same text, same offsets in the file.
  const sf = sourceFile(a, file);
  if (r.matrix && sf) {
    for (const x of matrixOnly(r)) {
      if (x.file !== file) continue;
      const where = compactLabels(x.labels, r);
      out.push({
        range: toRange({ file: sf, offset: x.offset, end: x.end }),
        severity: DiagnosticSeverity.Warning,
        code: x.code,
        codeDescription: { href: RULES_URL },
        source: SOURCE,
        message: x.kind === 'assert' ? `${x.text} holds on ${labelText(r.matrix.primary)} but fails on ${where}; on ${labelText(x.labels[0])}: ${x.detail}` : `only on ${where}: ${x.text}`,
      });
    }
  }
  return out;
}
