// Every configuration (memdesc.allConfigs), engine results → LSP: the config-counterexample warnings (the smallest
// assignment and the arch, with both members as related locations), their code actions, the assertion hover's lines
// (the Kconfig symbols its verdict reads, and the search's verdict per arch), memdesc/explored and
// memdesc/exploredConfig. The search's places are mapped to the text the editor has now (explore.ts).

import { CodeAction, CodeActionKind, Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity, Range } from 'vscode-languageserver';
import type { ExploredAssert, ExploredConfig, ExploredResult } from '../../../shared/protocol';
import { EXPLORED_COMMANDS, ExploredCommandArgs } from '../../../shared/protocol';
import type { AssertVerdict, ExploredAssertion } from '../engine';
import { definitionAt, severityOf } from '../engine';
import { alsoSet, applyAssignment, ArchRun, assignmentText, Exploration, lineMapper, textNow, textThen, TextSource } from '../explore';
import type { AnalysisResult } from '../session';
import { pathToUri, toRange } from './util';

export const COUNTEREXAMPLE_CODE = 'config-counterexample';
const RULES_URL = 'https://github.com/memdesc-layout/memdesc-layout/blob/main/README.md#every-configuration';
const SOURCE = 'memdesc-layout';

/** An assertion the search reported, placed in the text as it is now. */
export interface PlacedAssertion {
  run: ArchRun;
  x: ExploredAssertion;
  /** 1-based line in the file's current text. */
  line: number;
  /** The same assertion in the document's analysis (absent when the configured config does not compile it). */
  verdict: AssertVerdict | undefined;
}

/** Line mappers by file, kept while the texts they map between stay the same. */
const mappers = new Map<string, { then: string | undefined; now: string | undefined; map: (l: number) => number }>();

function mapperFor(e: Exploration, src: TextSource, file: string): (l: number) => number {
  const then = textThen(e, src, file);
  const now = textNow(src, file);
  const m = mappers.get(file);
  if (m && m.then === then && m.now === now) return m.map;
  const map = then === undefined || now === undefined ? (l: number) => l : lineMapper(then, now);
  mappers.set(file, { then, now, map });
  while (mappers.size > 16) mappers.delete(mappers.keys().next().value as string);
  return map;
}

/** The search's assertions (of one file, or all), placed in the current text, with the analysis's verdicts. */
export function placedAssertions(r: AnalysisResult, src: TextSource, file?: string): PlacedAssertion[] {
  const e = r.exploration;
  if (!e) return [];
  const out: PlacedAssertion[] = [];
  const lineOf = new Map<AssertVerdict, number>();
  for (const run of e.runs) {
    for (const x of run.result?.asserts ?? []) {
      if (file !== undefined && x.file !== file) continue;
      const line = mapperFor(e, src, x.file)(x.line);
      const verdict = r.analysis.asserts.find((v) => {
        if (v.file.path !== x.file) return false;
        let l = lineOf.get(v);
        if (l === undefined) lineOf.set(v, (l = v.file.position(v.offset).line));
        return l === line;
      });
      out.push({ run, x, line, verdict });
    }
  }
  return out;
}

/** The range of a 1-based line's text (without its indentation) in a file as it is now. */
function lineRange(src: TextSource, file: string, line: number): Range {
  const text = (textNow(src, file) ?? '').split('\n')[line - 1] ?? '';
  const start = text.length - text.trimStart().length;
  return { start: { line: line - 1, character: start }, end: { line: line - 1, character: text.trimEnd().length } };
}

function rangeOf(p: PlacedAssertion, src: TextSource): Range {
  return p.verdict ? toRange(p.verdict) : lineRange(src, p.x.file, p.line);
}

/** Whether a placed assertion gets a config-counterexample warning: it fails somewhere, and not already in the configured config itself. */
function warned(r: AnalysisResult, p: PlacedAssertion): boolean {
  return p.x.holds === false && !!p.x.counterexample && !(p.run.arch === r.analysis.abi.name && p.verdict?.holds === false);
}

/** What a counterexample sets, for people: the assignment, and what else Kconfig made its .config set. */
function counterexampleText(p: PlacedAssertion): string {
  const c = p.x.counterexample!;
  const also = alsoSet(p.run, p.x);
  const n = Object.keys(also).length;
  return `${assignmentText(c.assignment)}${n ? ` (its .config also sets ${assignmentText(also, 3)})` : ''}`;
}

/** The members an assertion compares, at their declarations in the analysis (view/query's definitionAt), with their values under the counterexample. */
function related(r: AnalysisResult, p: PlacedAssertion): DiagnosticRelatedInformation[] {
  const v = p.verdict;
  if (!v) return [];
  const a = r.analysis;
  const pairs = r.model.pairs.filter((x) => x.assert === v);
  const c = p.x.counterexample!;
  const out: DiagnosticRelatedInformation[] = [];
  for (const pair of pairs) {
    [pair.a, pair.b].forEach((side, i) => {
      const t = a.tokens[side.tok];
      const decl = t && definitionAt(a, r.model, t.file.path, t.offset)[0];
      const value = pairs.length === 1 ? c.offsets[i] : undefined;
      const there = value === undefined ? '' : value === null ? ': unknown there' : `: offset ${value} there`;
      const location = decl ? { uri: pathToUri(decl.file.path), range: toRange(decl) } : { uri: pathToUri(t.file.path), range: toRange({ file: t.file, offset: t.offset, end: t.end }) };
      out.push({ location, message: `${side.struct}.${side.member}${there}${decl ? '' : ' (not declared in the configured config)'}` });
    });
  }
  return out;
}

/** The config-counterexample warnings of one file. */
export function counterexampleDiagnostics(r: AnalysisResult, src: TextSource, file: string): Diagnostic[] {
  const sev = severityOf(COUNTEREXAMPLE_CODE);
  const out: Diagnostic[] = [];
  for (const p of placedAssertions(r, src, file)) {
    if (!warned(r, p)) continue;
    const c = p.x.counterexample!;
    const rel = related(r, p);
    out.push({
      range: rangeOf(p, src),
      severity: sev === 'error' ? DiagnosticSeverity.Error : sev === 'warning' ? DiagnosticSeverity.Warning : DiagnosticSeverity.Information,
      code: COUNTEREXAMPLE_CODE,
      codeDescription: { href: RULES_URL },
      source: SOURCE,
      message: `${p.x.text} fails on ${p.run.arch} with ${counterexampleText(p)}: ${c.detail}. Why: ${c.why}`,
      relatedInformation: rel.length ? rel : undefined,
      data: { arch: p.run.arch, line: p.line - 1 },
    });
  }
  return out;
}

/** Code actions on the counterexamples within a range: show the layout there, open its .config. */
export function counterexampleActions(r: AnalysisResult, src: TextSource, file: string, uri: string, range: Range, diagnostics: Diagnostic[]): CodeAction[] {
  const out: CodeAction[] = [];
  for (const p of placedAssertions(r, src, file)) {
    if (!warned(r, p)) continue;
    const at = rangeOf(p, src);
    if (at.end.line < range.start.line || at.start.line > range.end.line) continue;
    const args: ExploredCommandArgs = { uri, arch: p.run.arch, line: p.line - 1 };
    const diags = diagnostics.filter((d) => d.code === COUNTEREXAMPLE_CODE && d.range.start.line === at.start.line && (d.data as { arch?: string } | undefined)?.arch === p.run.arch);
    const what = `${p.run.arch}: ${assignmentText(p.x.counterexample!.assignment, 3)}`;
    out.push(
      { title: `Show layout under this config (${what})`, kind: CodeActionKind.QuickFix, diagnostics: diags, command: { title: 'Show layout under this config', command: EXPLORED_COMMANDS.showLayout, arguments: [args] } },
      { title: `Open counterexample .config (${what})`, kind: CodeActionKind.QuickFix, diagnostics: diags, command: { title: 'Open counterexample .config', command: EXPLORED_COMMANDS.openConfig, arguments: [args] } },
    );
  }
  return out;
}

/** Hover lines for an assertion: the Kconfig symbols its verdict reads here, and the search's verdict per arch. */
export function assertHoverLines(r: AnalysisResult, src: TextSource, v: AssertVerdict, searching: boolean): string[] {
  const lines: string[] = [];
  if (r.live && r.live.analysis === r.analysis) {
    const symbols = r.live.relevance([], [v]).symbols();
    lines.push('', symbols.length ? `Kconfig symbols its verdict reads (${r.analysis.abi.name}, this config): ${symbols.map((s) => `\`${s}\``).join(', ')}` : `Kconfig symbols its verdict reads (${r.analysis.abi.name}, this config): none`);
  }
  const line = v.file.position(v.offset).line;
  const mine = placedAssertions(r, src, v.file.path).filter((p) => p.line === line);
  for (const p of mine) {
    const x = p.x;
    const syms = x.symbols.length ? `symbols ${x.symbols.join(', ')}` : 'no changeable symbol';
    if (x.holds === true) lines.push('', `every configuration of ${p.run.arch}: holds in all valid configurations (${x.cases} case${x.cases === 1 ? '' : 's'}; ${syms})`);
    else if (x.holds === false && x.counterexample) lines.push('', `every configuration of ${p.run.arch}: **fails** with ${counterexampleText(p)}: ${x.counterexample.detail}`, '', `why: ${x.counterexample.why}`);
    else lines.push('', `every configuration of ${p.run.arch}: not decided (${x.note ?? 'unknown'}; ${x.cases} case${x.cases === 1 ? '' : 's'}; ${syms})`);
  }
  if (!r.exploration && searching) lines.push('', 'every configuration: searching in the background…');
  return lines;
}

/** memdesc/explored: the search's results for the text as it is now. */
export function exploredResult(r: AnalysisResult, src: TextSource): ExploredResult {
  const e = r.exploration;
  if (!e) return { state: 'pending', arches: [], asserts: [], layouts: [] };
  const asserts: ExploredAssert[] = placedAssertions(r, src).map((p) => {
    const c = p.x.counterexample;
    return {
      arch: p.run.arch,
      uri: pathToUri(p.x.file),
      line: p.line - 1,
      text: p.x.text,
      holds: p.x.holds,
      symbols: p.x.symbols,
      cases: p.x.cases,
      ...(c ? { counterexample: { assignment: c.assignment, alsoSet: alsoSet(p.run, p.x), offsets: c.offsets, why: c.why, detail: c.detail } } : {}),
      ...(p.x.note ? { note: p.x.note } : {}),
    };
  });
  return {
    state: 'done',
    arches: e.runs.map((run) => ({
      arch: run.arch,
      complete: !!run.result?.complete && !run.failure,
      analyses: run.result?.analyses ?? 0,
      ms: Math.round(run.ms),
      kconfigProblems: run.result?.kconfigProblems.length ?? 0,
      ...(run.failure ? { failure: run.failure } : {}),
    })),
    asserts,
    layouts: e.runs.flatMap((run) => (run.result?.layouts ?? []).map((l) => ({ arch: run.arch, assignment: l.assignment, differs: l.differs }))),
  };
}

/** memdesc/exploredConfig: a counterexample's full .config (by its assertion's line), or a layout's (by its assignment). */
export function exploredConfig(r: AnalysisResult, src: TextSource, file: string, arch: string, line: number | undefined, assignment: Record<string, string> | undefined): ExploredConfig | null {
  const e = r.exploration;
  if (!e) return null;
  if (line !== undefined) {
    const p = placedAssertions(r, src, file).find((x) => x.run.arch === arch && x.line === line + 1 && x.x.counterexample);
    if (!p) return null;
    return { arch, label: `${arch} defconfig + ${assignmentText(p.x.counterexample!.assignment, 3)} (fails ${p.x.text})`, config: p.x.counterexample!.config };
  }
  const run = e.runs.find((x) => x.arch === arch);
  if (!run?.result?.defconfig) return null;
  const a = assignment ?? {};
  return { arch, label: Object.keys(a).length ? `${arch} defconfig + ${assignmentText(a, 3)}` : `${arch} defconfig`, config: applyAssignment(run.result.defconfig, a) };
}
