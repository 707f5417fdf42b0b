// The memdesc-layout command: layouts as text or JSON, from the same engine the language server uses.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { analyze } from '../engine/analyze';
import { layoutJson, layoutText, PathDisplay } from '../engine/report';
import { SourceFile } from '../engine/source';
import { LayoutArgs, parseArgs, UsageError, USAGE } from './args';

const VERSION = '0.1.0';

/** Runs the CLI; returns the exit status. Output goes through the given writers so tests can capture it. */
export function runCli(argv: string[], out: (s: string) => void, err: (s: string) => void): number {
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
  return runLayout(args, out, err);
}

function runLayout(args: LayoutArgs, out: (s: string) => void, err: (s: string) => void): number {
  for (const f of args.files) {
    let ok = false;
    try {
      ok = fs.statSync(f).isFile();
      if (ok) fs.accessSync(f, fs.constants.R_OK);
    } catch {
      ok = false;
    }
    if (!ok) {
      err(`memdesc-layout: cannot read '${f}'\n`);
      return 2;
    }
  }
  const a = analyze(args.files, {
    arch: args.arch,
    includePaths: args.includePaths,
    defines: args.defines,
    forcedIncludes: args.forcedIncludes,
    msExtensions: args.msExtensions,
  });
  const given = new Map(args.files.map((f) => [path.resolve(f), f]));
  const cwd = process.cwd();
  const show: PathDisplay = (file: SourceFile) => {
    const g = given.get(file.path);
    if (g !== undefined) return g;
    if (!path.isAbsolute(file.path)) return file.path;
    const rel = path.relative(cwd, file.path);
    return rel.startsWith('..') ? file.path : rel;
  };
  if (args.json) out(JSON.stringify(layoutJson(a, show, args.structs), null, 2) + '\n');
  else out(layoutText(a, show, args.structs));
  return 0;
}

if (require.main === module) {
  process.exitCode = runCli(process.argv.slice(2), (s) => process.stdout.write(s), (s) => process.stderr.write(s));
}
