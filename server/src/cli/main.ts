// The memdesc-layout command: layouts, assertion checks and overlap tables, from the engine the server uses.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { ABIS, AbiName } from '../engine';
import { analyze, Analysis } from '../engine';
import { kernelSetup, KernelSetup, TuCommand, tuCommand, tuOptions } from '../engine';
import { chooseKernelConfig, CLI_WORDS, DiskHost } from '../engine';
import type { KernelConfigChoice } from '../engine';
import { buildModel, MemdescModel } from '../engine';
import { PreprocessCache } from '../engine';
import type { MatrixRunPlan } from '../engine';
import { diagnosticText, embeddedRecords, layoutJson, layoutText, modelStructJson, overlapsText, PathDisplay, recordsText, structJson } from '../engine';
import { SourceFile } from '../engine';
import { recordName } from '../engine';
import { startServer } from '../server';
import { CommonArgs, parseArgs, UsageError, USAGE } from './args';
import { matrixCheck } from './matrix';
import { checkOutput } from './check';
import { allConfigsCheck, Progress } from './all-configs';
import { VERSION } from '../version';

type Out = (s: string) => void;

/**
 * Runs the CLI; returns the exit status. Output goes through the given writers so tests can capture it; `stderr`
 * says whether err is a terminal (progress is then a status line rewritten in place) and how wide.
 */
export function runCli(argv: string[], out: Out, err: Out, stderr: { isTTY?: boolean; columns?: number } = {}): number {
  let args;
  try {
    args = parseArgs(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      err(`memdesc-layout: ${e.message}\n`);
      return 2;
    }
    throw e;
  }
  if (args.command === 'help') {
    out(USAGE + '\n');
    return 0;
  }
  if (args.command === 'version') {
    out(`memdesc-layout ${VERSION}\n`);
    return 0;
  }
  if (args.command === 'lsp') {
    // The language server speaks on stdio (--stdio) or node IPC (--node-ipc); it runs until the client exits.
    startServer();
    return -1;
  }
  const unreadable = checkInputs(args);
  if (unreadable) {
    err(`memdesc-layout: ${unreadable}\n`);
    return 2;
  }
  let choice: KernelConfigChoice | undefined;
  if (args.kernel) {
    // Which config and ABI: --config/--build, else the tree's own .config, else the built-in default; the ABI
    // follows the config unless --arch names one (a contradiction with a named config is an error).
    choice = chooseKernelConfig({ root: path.resolve(args.kernel), configFile: args.config, buildDir: args.build, arch: args.archGiven ? args.arch : undefined, words: CLI_WORDS }, new DiskHost());
    if (choice.error) {
      err(`memdesc-layout: ${choice.error}\n`);
      return 2;
    }
    args = { ...args, arch: choice.abi, config: choice.configFile, build: choice.buildDir };
    // Never silent about a default: JSON carries the notice, text output says it on stderr (check: in its summary).
    if (choice.notice && args.format === 'text' && args.command !== 'check') err(`memdesc-layout: note: ${choice.notice}\n`);
  }
  if (args.command === 'check' && args.matrix) return matrixCheck(args, out, choice);
  if (args.command === 'check' && args.allConfigs) return allConfigsCheck(args, out, err, choice, new Progress(err, !!stderr.isTTY, stderr.columns));
  const run = runAnalysis(args, args.arch);
  run.choice = choice;
  switch (args.command) {
    case 'layout':
      return runLayout(args, run, out);
    case 'check':
      return checkOutput(args, [{ run, label: `${args.arch} · ${configLabel(run, args)}` }], out, choice && configSummary(choice, run, args));
    case 'overlaps':
      out(run.model ? overlapsText(run.analysis, run.model) : 'no struct page in the analysed files\n');
      return 0;
  }
}

/** Where a run's config came from, for labels: the file as given, the tree's own, or the built-in default. */
export function configLabel(run: Run, args: CommonArgs): string {
  if (!run.setup) return 'as given';
  if (run.choice?.kind === 'in-tree' && args.kernel) return `${path.join(args.kernel, '.config')} (the tree's own)`;
  if (run.setup.configSource.startsWith('built-in') || !args.kernel) return run.setup.configSource;
  return args.config ?? (args.build ? path.join(args.build, '.config') : run.setup.configSource);
}

/** The summary's lines about the config: which one, the ABI and why, and the notice when the default is used. */
export function configSummary(choice: KernelConfigChoice, run: Run, args: CommonArgs): string[] {
  const why = choice.abiFrom === 'config' ? `from the .config (${choice.evidence})` : choice.abiFrom === 'given' ? 'as --arch says' : 'the default ABI';
  const lines = [`config: ${configLabel(run, args)}; ABI ${choice.abi}, ${why}`];
  if (choice.notice) lines.push(`note: ${choice.notice}`);
  return lines;
}

function checkInputs(args: CommonArgs): string | undefined {
  const isFile = (f: string) => {
    try {
      fs.accessSync(f, fs.constants.R_OK);
      return fs.statSync(f).isFile();
    } catch {
      return false;
    }
  };
  const isDir = (f: string) => {
    try {
      return fs.statSync(f).isDirectory();
    } catch {
      return false;
    }
  };
  for (const f of args.files) if (!isFile(f)) return `cannot read '${f}'`;
  if (args.kernel && !(isDir(args.kernel) && isFile(path.join(args.kernel, 'Makefile')))) return `'${args.kernel}' is not a kernel source tree`;
  if (args.config && !isFile(args.config)) return `cannot read '${args.config}'`;
  if (args.tu && args.kernel && !isFile(path.resolve(args.kernel, args.tu))) return `cannot read '${args.tu}' in the kernel tree '${args.kernel}'`;
  if (args.build && !isDir(args.build)) return `'${args.build}' is not a directory`;
  return undefined;
}

export interface Run {
  analysis: Analysis;
  setup: KernelSetup | undefined;
  /** Kernel mode: which config was chosen and why. */
  choice?: KernelConfigChoice;
  /** --tu: the translation unit's compiler command. */
  tu?: TuCommand;
  model: MemdescModel | undefined;
  show: PathDisplay;
}

/** Analyses the inputs for one ABI (and, in kernel mode, one config). */
/**
 * One analysis of the arguments' inputs for an ABI. Kernel mode: on the given .config / build dir, or on `run`'s
 * (a matrix run: its config, none for the built-in default, and its overrides on top of the given -D/-U).
 */
export function runAnalysis(args: CommonArgs, arch: AbiName, run?: Omit<MatrixRunPlan, 'label' | 'abi'>, cache?: PreprocessCache): Run {
  const cwd = process.cwd();
  const given = new Map(args.files.map((f) => [path.resolve(f), f]));
  if (args.kernel) {
    const root = path.resolve(args.kernel);
    const setup = kernelSetup(
      {
        root,
        arch,
        configFile: run ? run.config : args.config,
        buildDir: run ? run.buildDir : args.build,
        configOverrides: [...args.defines, ...(run?.overrides ?? [])],
      },
      undefined,
      cache,
    );
    const show: PathDisplay = (file: SourceFile) => {
      const g = given.get(file.path);
      if (g !== undefined) return g;
      const rel = path.relative(root, file.path);
      return rel.startsWith('..') || path.isAbsolute(rel) ? file.path : rel;
    };
    if (args.tu) {
      // One translation unit, as kbuild compiles it: the .c file is the main file, every assertion of the TU is reported.
      const tu = tuCommand(setup, path.resolve(root, args.tu));
      const opts = tuOptions(setup, tu);
      const files = [tu.file, ...args.files.map((f) => path.resolve(f))];
      const analysis = analyze(files, { ...opts, includePaths: [...args.includePaths, ...(opts.includePaths ?? [])], limits: args.limits }, setup.host, cache);
      return { analysis, setup, tu, model: buildModel(analysis), show };
    }
    const files = [...setup.files, ...args.files.map((f) => path.resolve(f))];
    const analysis = analyze(files, { ...setup.options, includePaths: [...args.includePaths, ...(setup.options.includePaths ?? [])], limits: args.limits }, setup.host, cache);
    return { analysis, setup, model: buildModel(analysis), show };
  }
  const analysis = analyze(
    args.files,
    { arch, includePaths: args.includePaths, defines: args.defines, forcedIncludes: args.forcedIncludes, msExtensions: args.msExtensions, limits: args.limits },
    undefined,
    cache,
  );
  const show: PathDisplay = (file: SourceFile) => {
    const g = given.get(file.path);
    if (g !== undefined) return g;
    if (!path.isAbsolute(file.path)) return file.path;
    const rel = path.relative(cwd, file.path);
    return rel.startsWith('..') ? file.path : rel;
  };
  const model = buildModel(analysis);
  return { analysis, setup: undefined, model: model.base ? model : undefined, show };
}

function runLayout(args: CommonArgs, run: Run, out: Out): number {
  const { analysis: a, model, show, setup } = run;
  if (!setup) {
    if (args.format === 'text') out(layoutText(a, show, args.structs));
    else out(JSON.stringify(withModel(layoutJson(a, show, args.structs), run), null, 2) + '\n');
    return 0;
  }
  // Kernel mode: page, the memdescs and what they embed by value (everything with --all, the named ones with --struct).
  const roots = model ? [model.base, ...model.memdescs].filter((s) => s !== undefined).map((s) => s!.def) : [];
  const everything = a.parse.records.filter((d) => d.members && recordName(d) !== undefined);
  let defs = args.all ? everything : args.structs ? everything : embeddedRecords(roots);
  if (args.structs) defs = defs.filter((d) => args.structs!.includes(recordName(d) ?? ''));
  if (args.format === 'text') {
    const parts = [recordsText(a, defs, show)];
    const line = (v: Analysis['asserts'][number]) => `${show(v.file)}:${v.file.position(v.offset).line}: ${v.holds === true ? 'holds' : v.holds === false ? 'FAILS' : 'unknown'}: ${v.text}${v.holds === true ? '' : `\n    ${v.detail}`}`;
    // A whole TU has hundreds of assertions: a count, and only those that do not hold.
    const asserts = run.tu
      ? [`${a.asserts.length} static assertions in the translation unit: ${a.asserts.filter((v) => v.holds === true).length} hold, ${a.asserts.filter((v) => v.holds === false).length} fail, ${a.asserts.filter((v) => v.holds === null).length} unknown`, ...a.asserts.filter((v) => v.holds !== true).map(line)]
      : a.asserts.map(line);
    const problems = a.problems.map((p) => diagnosticText(p, show));
    const findings = (model?.findings ?? []).map((f) => `${show(f.at.file)}:${f.at.file.position(f.at.offset).line}: warning: ${f.message} [${f.code}]`);
    out([parts.join('\n\n'), asserts.join('\n'), [...problems, ...findings].join('\n')].filter(Boolean).join('\n\n') + '\n');
    return 0;
  }
  const base = layoutJson(a, show, []);
  const byDef = new Map([model?.base, ...(model?.memdescs ?? [])].filter((s) => s !== undefined).map((s) => [s!.def, s!]));
  const json = {
    ...base,
    kernel: kernelInfo(setup, run.tu, run.choice),
    memdescs: model?.memdescs.map((m) => m.name) ?? [],
    structs: defs.map((d) => {
      const ms = byDef.get(d);
      return ms && model ? modelStructJson(a, ms, model, show) : structJson(a, d, show);
    }),
  };
  out(JSON.stringify(withModel(json, run), null, 2) + '\n');
  return 0;
}

/** Rule findings join the diagnostics, with their stable codes. */
function withModel<T extends { diagnostics: unknown[] }>(json: T, run: Run): T {
  const findings = (run.model?.findings ?? []).map((f) => {
    const pos = f.at.file.position(f.at.offset);
    return { file: run.show(f.at.file), line: pos.line, column: pos.column, severity: f.severity, code: f.code, message: f.message };
  });
  return { ...json, diagnostics: [...json.diagnostics, ...findings] };
}

export function kernelInfo(setup: KernelSetup, tu?: TuCommand, choice?: KernelConfigChoice) {
  return {
    ...(tu ? { tu: tuInfo(setup, tu) } : {}),
    version: setup.version ? `${setup.version.version}.${setup.version.patchlevel}.${setup.version.sublevel}${setup.version.extraversion}` : null,
    config: setup.configSource,
    ...(choice ? { configKind: choice.kind, abiFrom: choice.abiFrom, ...(choice.evidence ? { abiEvidence: choice.evidence } : {}), notice: choice.notice ?? null } : {}),
    msExtensions: !!setup.options.msExtensions,
    standIns: [...setup.standIns].sort(),
    bounds: setup.bounds ? Object.fromEntries([...setup.bounds].map(([k, v]) => [k, Number(v)])) : null,
  };
}

/** The TU's command in JSON: where it came from and how it differs from the one we would synthesise. */
function tuInfo(setup: KernelSetup, tu: TuCommand) {
  const rel = (p: string) => {
    const r = path.relative(setup.root, p);
    return r.startsWith('..') || path.isAbsolute(r) ? p : r;
  };
  return {
    file: rel(tu.file),
    command: tu.source,
    ...(tu.cmdFile ? { cmdFile: tu.cmdFile } : {}),
    includePaths: tu.includePaths,
    forcedIncludes: tu.forcedIncludes.map(rel),
    defines: tu.defines.map((d) => ('undef' in d ? `-U${d.undef}` : `-D${d.name}${d.value === undefined ? '' : `=${d.value}`}`)),
    msExtensions: tu.msExtensions,
    charSigned: tu.charSigned ?? null,
    ...(tu.differences ? { differences: tu.differences } : {}),
  };
}

export { ABIS };

if (require.main === module) {
  const status = runCli(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s), process.stderr);
  if (status >= 0) process.exitCode = status;
}
