// `memdesc-layout check`: assertion verdicts and rule findings as text, JSON or SARIF 2.1.0, with an exit status for CI.

import { AssertVerdict } from '../engine';
import { Finding } from '../engine';
import { Problem } from '../engine';
import { PathDisplay } from '../engine';
import { sarifLevel, sarifLog } from './sarif';
import { CommonArgs } from './args';
import type { Run } from './main';

const README_RULES = 'https://github.com/memdesc-layout/memdesc-layout/blob/main/README.md#rules';

/** One assertion or finding, with every analysis (ABI · config) it appears in. */
export interface CheckItem {
  kind: 'assert' | 'finding' | 'problem';
  code: string;
  severity: 'error' | 'warning' | 'info';
  file: string;
  line: number;
  column: number;
  message: string;
  text?: string;
  holds?: boolean | null;
  related: Array<{ file: string; line: number; column: number; message: string }>;
  /** Labels of the combinations this item was found in. */
  in: string[];
}

export interface LabelledRun {
  run: Run;
  label: string;
}

function assertItem(v: AssertVerdict, show: PathDisplay, label: string): CheckItem | undefined {
  if (v.holds === true) return undefined;
  const pos = v.file.position(v.offset);
  return {
    kind: 'assert',
    code: v.holds === false ? 'assert-fails' : 'assert-unknown',
    severity: v.holds === false ? 'error' : 'warning',
    file: show(v.file),
    line: pos.line,
    column: pos.column,
    message: v.holds === false ? `${v.text} fails: ${v.detail}` : `${v.text} cannot be evaluated: ${v.detail}`,
    text: v.text,
    holds: v.holds,
    related: [],
    in: [label],
  };
}

function findingItem(f: Finding, show: PathDisplay, label: string): CheckItem {
  const pos = f.at.file.position(f.at.offset);
  return {
    kind: 'finding',
    code: f.code,
    severity: f.severity,
    file: show(f.at.file),
    line: pos.line,
    column: pos.column,
    message: f.message,
    related: f.related.map((r) => {
      const p = r.at.file.position(r.at.offset);
      return { file: show(r.at.file), line: p.line, column: p.column, message: r.message };
    }),
    in: [label],
  };
}

function problemItem(p: Problem, show: PathDisplay, label: string): CheckItem | undefined {
  if (p.severity !== 'error' || !p.file) return undefined;
  const pos = p.file.position(p.offset);
  return { kind: 'problem', code: p.code, severity: 'error', file: show(p.file), line: pos.line, column: pos.column, message: p.message, related: [], in: [label] };
}

/** Merges items across runs: the same item at the same place lists every combination it appears in. */
export function collectItems(runs: LabelledRun[]): CheckItem[] {
  const byKey = new Map<string, CheckItem>();
  const add = (it: CheckItem | undefined) => {
    if (!it) return;
    const key = `${it.kind}|${it.code}|${it.file}|${it.line}|${it.column}|${it.kind === 'assert' ? it.text : it.message}`;
    const old = byKey.get(key);
    if (old) {
      for (const l of it.in) if (!old.in.includes(l)) old.in.push(l);
    } else byKey.set(key, it);
  };
  for (const { run, label } of runs) {
    for (const v of run.analysis.asserts) add(assertItem(v, run.show, label));
    for (const f of run.model?.findings ?? []) add(findingItem(f, run.show, label));
    for (const p of run.analysis.problems) add(problemItem(p, run.show, label));
  }
  return [...byKey.values()].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

export function exitStatus(items: CheckItem[], failOn: CommonArgs['failOn']): number {
  if (items.some((i) => i.kind === 'assert' && i.holds === false)) return 1;
  if (failOn === 'never') return 0;
  if (failOn === 'warning' && items.some((i) => i.kind === 'finding' || i.severity === 'error')) return 1;
  if (failOn === 'error' && items.some((i) => i.severity === 'error')) return 1;
  return 0;
}

export function checkOutput(args: CommonArgs, runs: LabelledRun[], out: (s: string) => void, configLines: string[] = []): number {
  const items = collectItems(runs);
  const totals = runs.map(({ run, label }) => {
    const a = run.analysis.asserts;
    return { label, asserts: a.length, hold: a.filter((v) => v.holds === true).length, fail: a.filter((v) => v.holds === false).length, unknown: a.filter((v) => v.holds === null).length, findings: run.model?.findings.length ?? 0 };
  });
  if (args.format === 'json') out(JSON.stringify({ combinations: totals, ...(configLines.length ? { config: configLines } : {}), items }, null, 2) + '\n');
  else if (args.format === 'sarif') out(JSON.stringify(sarif(items), null, 2) + '\n');
  else {
    const lines = items.map((i) => {
      const where = runs.length > 1 ? `  [${i.in.length === runs.length ? 'all combinations' : i.in.join(', ')}]` : '';
      return `${i.file}:${i.line}:${i.column}: ${i.severity}: ${i.message} [${i.code}]${where}`;
    });
    lines.push(...configLines);
    for (const t of totals) lines.push(`${t.label}: ${t.asserts} assertions: ${t.hold} hold, ${t.fail} fail, ${t.unknown} cannot be evaluated; ${t.findings} rule findings`);
    out(lines.join('\n') + '\n');
  }
  return exitStatus(items, args.failOn);
}


function sarif(items: CheckItem[]) {
  return sarifLog({
    helpUri: README_RULES,
    results: items.map((i) => ({
      ruleId: i.code,
      level: sarifLevel(i.severity),
      message: { text: i.in.length > 1 || i.in[0] ? `${i.message} (in: ${i.in.join(', ')})` : i.message },
      locations: [{ physicalLocation: { artifactLocation: { uri: i.file }, region: { startLine: i.line, startColumn: i.column } } }],
      relatedLocations: i.related.map((r, k) => ({ id: k, message: { text: r.message }, physicalLocation: { artifactLocation: { uri: r.file }, region: { startLine: r.line, startColumn: r.column } } })),
    })),
  });
}
