// `check --all-configs`: each layout assertion of the memdesc set over every valid Kconfig configuration of an arch,
// or of every arch the tree's Kconfig has (the engine's explorer): it holds in all of them, or here is a
// counterexample .config, or it was not decided within the time budget. Text, JSON or SARIF 2.1.0, and an exit
// status for CI.

import * as path from 'node:path';
import { analyze, buildModel, configValues, DiskHost, DiskKconfigHost, exploreArch, forTree, isAbiName, KCONFIG_ARCHES, kconfigArch, kernelSetup, PreprocessCache, recordName, severityOf } from '../engine';
import type { AbiName, Counterexample, ExploredAssertion, ExploredLayout, ExploreResult, KconfigHost, KernelConfigChoice, ProblemCode } from '../engine';
import { sarifLevel, sarifLog } from './sarif';
import type { CommonArgs } from './args';

type Out = (s: string) => void;

/** The exit status when nothing fails but not everything was decided (the budget ended, or some verdict is unknown). */
export const EXIT_UNDECIDED = 3;

/** The default budget, per arch explored (the issue's target for x86_64 on the 7.3 memdesc set). */
export const DEFAULT_BUDGET_PER_ARCH_S = 60;

const README_ALL_CONFIGS = 'https://github.com/memdesc-layout/memdesc-layout/blob/main/README.md#every-configuration';

/**
 * Progress on stderr. On a terminal: one status line, rewritten in place as the search moves from assertion to
 * assertion, and a line per arch. Elsewhere (a CI log): only a line when an arch starts and when it ends.
 */
export class Progress {
  private dirty = false;

  constructor(
    private readonly err: Out,
    private readonly tty: boolean,
    private readonly columns = 100,
  ) {}

  status(text: string): void {
    if (!this.tty) return;
    const width = Math.max(20, this.columns - 1);
    this.err(`\r\x1b[K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    this.dirty = true;
  }

  line(text: string): void {
    this.err(`${this.dirty ? '\r\x1b[K' : ''}memdesc-layout: ${text}\n`);
    this.dirty = false;
  }

  end(): void {
    if (this.dirty) this.err('\r\x1b[K');
    this.dirty = false;
  }
}

/** One arch's run: what it started from, its share of the budget, and the explorer's result (or why there is none). */
export interface ArchRun {
  abi: AbiName;
  /** The defconfig file(s) the search starts from, relative to the tree. */
  base: string;
  budgetMs: number;
  result?: ExploreResult;
  /** Why this arch was not explored. */
  skipped?: string;
  /** The .config that gave the toolchain probes their values (as the user named it). */
  probesFrom?: string;
}

/** Where a member an assertion compares sits in the counterexample's configuration. */
interface MemberSite {
  struct: string;
  member: string;
  file: string;
  line: number;
  column: number;
  offset: number | null;
}

/** A Kconfig problem, with every arch whose reading of the tree met it. */
interface MergedProblem {
  file: string;
  line: number;
  column: number;
  severity: 'error' | 'warning' | 'info';
  code: ProblemCode;
  message: string;
  arches: AbiName[];
}

/** Runs the exploration for the arches asked for; returns the exit status. */
export function allConfigsCheck(args: CommonArgs, out: Out, err: Out, choice: KernelConfigChoice | undefined, progress: Progress): number {
  const root = path.resolve(args.kernel!);
  const kconfigHost = new DiskKconfigHost();
  if (!kconfigHost.exists(path.join(root, 'Kconfig'))) {
    err(`memdesc-layout: '${args.kernel}' has no top Kconfig file: --all-configs reads the tree's Kconfig\n`);
    return 2;
  }
  const abis = args.archAll ? treeArches(root, kconfigHost) : [args.arch];
  if (!abis.length) {
    err(`memdesc-layout: '${args.kernel}' has no arch/<arch>/Kconfig for any ABI memdesc-layout knows\n`);
    return 2;
  }
  const budgetMs = (args.budget ?? DEFAULT_BUDGET_PER_ARCH_S * abis.length) * 1000;
  const deadline = performance.now() + budgetMs;
  const host = new DiskHost();
  const cache = new PreprocessCache();
  const probes = userConfig(choice, host);
  const files = args.files.map((f) => path.resolve(f));
  const runs: ArchRun[] = [];
  abis.forEach((abi, i) => {
    const base = defconfigOf(root, abi, kconfigHost);
    // Each arch gets an equal share of what is left: an arch that finishes early leaves its time to the next.
    const share = Math.max(0, Math.floor((deadline - performance.now()) / (abis.length - i)));
    const run: ArchRun = { abi, base: base.rel, budgetMs: share };
    runs.push(run);
    if (!base.exists) {
      run.skipped = `the tree has no ${base.rel} (the configuration every answer starts from)`;
      progress.line(`${abi}: not explored: ${run.skipped}`);
      return;
    }
    progress.line(`${abi}: exploring every configuration from ${base.rel} (budget ${seconds(share)})`);
    const configs = probes && probes.abi === abi ? [probes.text] : undefined;
    if (configs) run.probesFrom = probes!.label;
    run.result = exploreArch({
      root,
      abi,
      kconfigHost,
      host,
      cache,
      configs,
      budgetMs: share,
      files,
      onProgress: (message, done, total) => progress.status(total > 1 ? `${message} (${done + 1}/${total})` : message),
    });
    if (run.result.defconfig === undefined) run.skipped = `the tree's Kconfig does not give a defconfig from ${base.rel}`;
    progress.line(`${abi}: ${archSummary(run)}`);
  });
  progress.end();
  if (runs.every((r) => r.skipped)) {
    err(`memdesc-layout: nothing explored: ${runs.map((r) => `${r.abi}: ${r.skipped}`).join('; ')}\n`);
    return 2;
  }
  const report = new AllConfigsReport(root, runs, files, host, cache, args.format !== 'text');
  if (args.format === 'json') out(JSON.stringify(report.json(), null, 2) + '\n');
  else if (args.format === 'sarif') out(JSON.stringify(report.sarif(), null, 2) + '\n');
  else out(report.text().join('\n') + '\n');
  return report.exitStatus(args.failOn);
}

/** Every ABI of the Kconfig front end whose arch this tree has (arch/<SRCARCH>/Kconfig), in the table's order. */
function treeArches(root: string, host: KconfigHost): AbiName[] {
  return KCONFIG_ARCHES.filter((a) => isAbiName(a.name) && host.exists(path.join(root, 'arch', a.SRCARCH, 'Kconfig'))).map((a) => a.name as AbiName);
}

/** The defconfig `make ARCH=...` starts from for an ABI, relative to the tree, and whether the tree has it. */
function defconfigOf(root: string, abi: AbiName, host: KconfigHost): { rel: string; exists: boolean } {
  const known = kconfigArch(abi);
  if (!known) return { rel: `a defconfig for ${abi}`, exists: false };
  const arch = forTree(known, (p) => host.exists(path.join(root, p)));
  const rels = arch.defconfig.map((f) => `arch/${arch.SRCARCH}/configs/${f}`);
  return { rel: rels.join(' + '), exists: rels.every((r) => host.exists(path.join(root, r))) };
}

/** The user's .config (named, a build dir's, or the tree's own): its ABI lends it toolchain probe values. */
function userConfig(choice: KernelConfigChoice | undefined, host: DiskHost): { abi: AbiName; text: string; label: string } | undefined {
  if (!choice || choice.kind === 'default' || choice.error) return undefined;
  const file = choice.configFile ?? (choice.buildDir ? path.join(choice.buildDir, '.config') : undefined);
  const text = file === undefined ? undefined : host.readFile(path.resolve(file));
  return text === undefined ? undefined : { abi: choice.abi, text, label: file! };
}

const seconds = (ms: number) => `${(ms / 1000).toFixed(ms < 10_000 ? 1 : 0)} s`;

function counts(r: ExploreResult): { hold: number; fail: number; undecided: number } {
  return {
    hold: r.asserts.filter((a) => a.holds === true).length,
    fail: r.asserts.filter((a) => a.holds === false).length,
    undecided: r.asserts.filter((a) => a.holds === null).length,
  };
}

function archSummary(run: ArchRun): string {
  if (run.skipped || !run.result) return `not explored: ${run.skipped}`;
  const r = run.result;
  const c = counts(r);
  const budget = r.complete ? '' : `; the budget (${seconds(run.budgetMs)}) ended first: raise --budget to decide the rest`;
  const probes = run.probesFrom ? `; toolchain probes from ${run.probesFrom}` : '';
  return `${r.asserts.length} assertions: ${c.hold} hold in every configuration, ${c.fail} fail in some, ${c.undecided} not decided; ${r.analyses} configurations analysed in ${seconds(r.ms)} from ${run.base}; ${r.layouts.length} distinct layouts${probes}${budget}`;
}

const withConfig = (name: string) => (name.startsWith('CONFIG_') ? name : `CONFIG_${name}`);
/** CONFIG_X=v ..., an int/hex/string left unset ('' in JSON) as "CONFIG_X unset". */
const assignmentText = (a: Record<string, string>) => Object.entries(a).map(([k, v]) => (v === '' ? `${k} unset` : `${k}=${v}`)).join(' ');

/** The results of every arch, in the three formats, with their exit status. */
class AllConfigsReport {
  private readonly rows: Array<{ run: ArchRun; a: ExploredAssertion; column: number }> = [];
  private readonly problems: MergedProblem[];
  /** Counterexample member sites, by arch, file and line (JSON and SARIF only: they cost an analysis per .config). */
  private readonly members = new Map<string, MemberSite[]>();

  constructor(
    private readonly root: string,
    private readonly runs: ArchRun[],
    private readonly files: string[],
    private readonly host: DiskHost,
    private readonly cache: PreprocessCache,
    withMembers: boolean,
  ) {
    for (const run of runs) {
      const asserts = [...(run.result?.asserts ?? [])].sort((x, y) => this.rel(x.file).localeCompare(this.rel(y.file)) || x.line - y.line);
      for (const a of asserts) this.rows.push({ run, a, column: this.columnOf(a) });
    }
    this.problems = mergeProblems(runs);
    if (withMembers) this.findMembers();
  }

  /** A path as reports give it: relative to the tree, or absolute when outside it (a sketch given as FILE). */
  private rel(file: string): string {
    const r = path.relative(this.root, file);
    return r.startsWith('..') || path.isAbsolute(r) ? file : r;
  }

  /** The column of the assertion's text on its line (1 when it cannot be found). */
  private columnOf(a: ExploredAssertion): number {
    const line = this.host.readFile(a.file)?.split('\n')[a.line - 1];
    if (line === undefined) return 1;
    const at = a.text ? line.indexOf(a.text) : -1;
    return at >= 0 ? at + 1 : line.length - line.trimStart().length + 1;
  }

  /** Both members of each failing pair, placed in the counterexample's own configuration (one analysis per .config). */
  private findMembers(): void {
    const byConfig = new Map<string, Array<{ run: ArchRun; a: ExploredAssertion }>>();
    for (const { run, a } of this.rows) {
      if (!a.counterexample) continue;
      const k = `${run.abi}\n${a.counterexample.config}`;
      byConfig.set(k, [...(byConfig.get(k) ?? []), { run, a }]);
    }
    for (const list of byConfig.values()) {
      const { run } = list[0];
      const setup = kernelSetup({ root: this.root, arch: run.abi, configText: { text: list[0].a.counterexample!.config, source: 'counterexample' } }, this.host, this.cache);
      const analysis = analyze([...setup.files, ...this.files], setup.options, setup.host, this.cache);
      const model = buildModel(analysis);
      const defs = new Map(analysis.parse.records.filter((d) => d.members && recordName(d)).map((d) => [recordName(d)!, d]));
      for (const { a } of list) {
        const sites: MemberSite[] = [];
        for (const p of model.pairs) {
          if (p.assert.file.path !== a.file || p.assert.file.position(p.assert.offset).line !== a.line) continue;
          for (const side of [p.a, p.b]) {
            const def = defs.get(side.struct);
            const fm = def && analysis.layouter.findMember(def, side.member);
            if (!fm) continue;
            const pos = fm.member.loc.file.position(fm.member.loc.offset);
            sites.push({ struct: side.struct, member: side.member, file: this.rel(fm.member.loc.file.path), line: pos.line, column: pos.column, offset: fm.bitOffset === undefined ? null : Math.floor(fm.bitOffset / 8) });
          }
        }
        this.members.set(`${run.abi}|${a.file}|${a.line}`, sites);
      }
    }
  }

  private membersOf(run: ArchRun, a: ExploredAssertion): MemberSite[] {
    return this.members.get(`${run.abi}|${a.file}|${a.line}`) ?? [];
  }

  /** Every symbol whose value in the counterexample's .config differs from the defconfig's (CONFIG_X: value). */
  private changes(run: ArchRun, c: Counterexample): Record<string, string> {
    const before = configValues(run.result?.defconfig ?? '');
    const after = configValues(c.config);
    const out: Record<string, string> = {};
    for (const name of [...new Set([...before.keys(), ...after.keys()])].sort()) {
      const v = after.get(name) ?? 'n';
      if ((before.get(name) ?? 'n') !== v) out[`CONFIG_${name}`] = v;
    }
    return out;
  }

  /**
   * 1: a counterexample, or a Kconfig problem at the --fail-on level; else 3 when something was not decided (an
   * assertion, or an arch not explored): neither a proof (0) nor a breakage (1), so that CI can tell the three
   * apart; 0 only when every assertion of every arch asked for holds in every configuration. --fail-on never: 1 on
   * counterexamples only.
   */
  exitStatus(failOn: CommonArgs['failOn']): number {
    if (this.rows.some((r) => r.a.holds === false)) return 1;
    if (failOn === 'never') return 0;
    if (this.problems.some((p) => p.severity === 'error' || (failOn === 'warning' && p.severity === 'warning'))) return 1;
    if (this.rows.some((r) => r.a.holds === null) || this.runs.some((r) => r.skipped || !r.result?.complete)) return EXIT_UNDECIDED;
    return 0;
  }

  text(): string[] {
    const lines: string[] = [];
    for (const { run, a, column } of this.rows) {
      const where = `${this.rel(a.file)}:${a.line}:${column}: ${run.abi}: ${a.text}`;
      if (a.holds === true) {
        const syms = a.symbols.map(withConfig);
        lines.push(`${where} holds in every configuration (${syms.length ? `${syms.length} symbol${syms.length > 1 ? 's' : ''}: ${syms.join(', ')}` : 'no Kconfig symbol changes it'}; ${a.cases} case${a.cases === 1 ? '' : 's'})`);
      } else if (a.holds === false && a.counterexample) {
        const c = a.counterexample;
        const assignment = assignmentText(c.assignment);
        const also = Object.entries(this.changes(run, c)).filter(([k]) => !(k in c.assignment));
        const alsoText = also.length ? ` [its .config also sets ${also.slice(0, 8).map(([k, v]) => `${k}=${v}`).join(' ')}${also.length > 8 ? ` and ${also.length - 8} more` : ''}]` : '';
        lines.push(`${where} FAILS ${assignment ? `under ${assignment}` : 'in the defconfig itself'}: ${c.detail}; why: ${c.why}${alsoText}`);
      } else lines.push(`${where} not decided: ${a.note ?? 'no verdict'}`);
    }
    for (const p of this.problems) lines.push(problemText(p, this.runs.filter((r) => r.result).length));
    for (const run of this.runs) lines.push(`${run.abi}: ${archSummary(run)}`);
    if (this.rows.some((r) => r.a.counterexample)) lines.push('each counterexample\'s full .config: --format json');
    return lines;
  }

  json() {
    return {
      arches: this.runs.map((r) => r.abi),
      asserts: this.rows.map(({ run, a, column }) => ({
        file: this.rel(a.file),
        line: a.line,
        column,
        text: a.text,
        arch: run.abi,
        symbols: a.symbols.map(withConfig),
        holds: a.holds,
        cases: a.cases,
        ...(a.note ? { note: a.note } : {}),
        ...(a.counterexample
          ? {
              counterexample: {
                assignment: a.counterexample.assignment,
                config: a.counterexample.config,
                offsets: a.counterexample.offsets,
                why: a.counterexample.why,
                detail: a.counterexample.detail,
                changes: this.changes(run, a.counterexample),
                members: this.membersOf(run, a),
              },
            }
          : {}),
      })),
      explored: this.runs.map((run) => ({
        arch: run.abi,
        base: run.base,
        budgetMs: run.budgetMs,
        ...(run.skipped ? { skipped: run.skipped } : {}),
        ...(run.probesFrom ? { probesFrom: run.probesFrom } : {}),
        ...(run.result && !run.skipped
          ? { complete: run.result.complete, analyses: run.result.analyses, ms: Math.round(run.result.ms), layouts: run.result.layouts.map((l: ExploredLayout) => ({ assignment: l.assignment, differs: l.differs })) }
          : {}),
      })),
      problems: this.problems,
    };
  }

  sarif() {
    type Result = { ruleId: string; level: string; message: { text: string }; locations: unknown[]; relatedLocations?: unknown[]; properties?: Record<string, unknown> };
    const results: Result[] = [];
    const location = (file: string, line: number, column: number) => ({
      physicalLocation: { artifactLocation: { uri: file }, region: { startLine: Math.max(1, line), ...(column > 0 ? { startColumn: column } : {}) } },
    });
    for (const { run, a, column } of this.rows) {
      if (a.holds === true) continue;
      if (a.counterexample) {
        const c = a.counterexample;
        const under = Object.keys(c.assignment).length ? `under ${assignmentText(c.assignment)}` : 'in the defconfig itself';
        const members = this.membersOf(run, a);
        results.push({
          ruleId: 'config-counterexample',
          level: sarifLevel(severityOf('config-counterexample')),
          message: { text: `${a.text} fails on ${run.abi} ${under}: ${c.detail}; why: ${c.why}` },
          locations: [location(this.rel(a.file), a.line, column)],
          ...(members.length ? { relatedLocations: members.map((m, k) => ({ id: k, message: { text: `${m.struct}.${m.member} at offset ${m.offset ?? '?'} on ${run.abi} ${under}` }, ...location(m.file, m.line, m.column) })) } : {}),
          properties: { arch: run.abi, assignment: c.assignment, offsets: c.offsets, changes: this.changes(run, c) },
        });
      } else {
        results.push({
          ruleId: 'config-undecided',
          level: sarifLevel(severityOf('config-undecided')),
          message: { text: `${a.text} not decided on ${run.abi}: ${a.note ?? 'no verdict'}` },
          locations: [location(this.rel(a.file), a.line, column)],
          properties: { arch: run.abi, symbols: a.symbols.map(withConfig), cases: a.cases },
        });
      }
    }
    for (const p of this.problems) {
      results.push({
        ruleId: p.code,
        level: sarifLevel(p.severity),
        message: { text: `${p.message} (${p.arches.join(', ')})` },
        locations: p.file ? [location(p.file, p.line, p.column)] : [],
      });
    }
    return sarifLog({
      helpUri: README_ALL_CONFIGS,
      results,
      properties: { arches: this.runs.map((r) => r.abi), complete: this.runs.every((r) => r.skipped || r.result?.complete) },
    });
  }
}


/** Kconfig problems of every arch, each once, with the arches that met it. */
function mergeProblems(runs: ArchRun[]): MergedProblem[] {
  const byKey = new Map<string, MergedProblem>();
  for (const run of runs) {
    for (const p of run.result?.kconfigProblems ?? []) {
      const key = `${p.file}:${p.line}:${p.column}:${p.code}:${p.message}`;
      const old = byKey.get(key);
      if (old) {
        if (!old.arches.includes(run.abi)) old.arches.push(run.abi);
      } else byKey.set(key, { file: p.file, line: p.line, column: p.column, severity: p.severity, code: p.code, message: p.message, arches: [run.abi] });
    }
  }
  return [...byKey.values()].sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column);
}

function problemText(p: MergedProblem, explored: number): string {
  const where = p.file ? `${p.file}:${p.line > 0 ? `${p.line}:` : ''}${p.line > 0 && p.column > 0 ? `${p.column}:` : ''} ` : '';
  const arches = p.arches.length < explored ? ` (${p.arches.join(', ')})` : '';
  return `${where}${p.severity}: ${p.message} [${p.code}]${arches}`;
}
