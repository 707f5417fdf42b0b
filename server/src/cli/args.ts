// Command-line parsing for memdesc-layout: plain data out, errors as messages (exit 2 is the caller's job).

import { ABI_NAMES, AbiName, isAbiName } from '../engine/abi';

export interface LayoutArgs {
  command: 'layout';
  files: string[];
  includePaths: string[];
  defines: Array<{ name: string; value?: string } | { undef: string }>;
  forcedIncludes: string[];
  arch: AbiName;
  structs: string[] | undefined;
  msExtensions: boolean;
  json: boolean;
}

export type ParsedArgs = LayoutArgs | { command: 'help' } | { command: 'version' };

export class UsageError extends Error {}

export const USAGE = `usage: memdesc-layout layout [FILE...] [-I DIR]... [-D NAME[=VAL]]... [-U NAME]...
                             [--include FILE]... [--arch ABI] [--struct NAME[,NAME...]]
                             [--ms-extensions] [--json]
       memdesc-layout --help | --version

ABIs: ${ABI_NAMES.join(', ')} (default x86_64)`;

export function parseArgs(argv: string[]): ParsedArgs {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') return { command: 'help' };
  if (argv[0] === '--version' || argv[0] === '-V') return { command: 'version' };
  const [command, ...rest] = argv;
  if (command !== 'layout') throw new UsageError(`unknown command '${command}' (try --help)`);
  const out: LayoutArgs = { command, files: [], includePaths: [], defines: [], forcedIncludes: [], arch: 'x86_64', structs: undefined, msExtensions: false, json: false };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (flag: string): string => {
      // Accept "-IDIR", "--arch=x", and "-I DIR".
      if (a.length > flag.length && a.startsWith(flag)) return a.slice(flag.length + (a[flag.length] === '=' && flag.startsWith('--') ? 1 : 0));
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    if (a === '--json') out.json = true;
    else if (a === '--ms-extensions') out.msExtensions = true;
    else if (a.startsWith('-I')) out.includePaths.push(value('-I'));
    else if (a.startsWith('-D')) {
      const d = value('-D');
      const eq = d.indexOf('=');
      if (eq === 0 || d === '') throw new UsageError(`bad -D value '${d}'`);
      out.defines.push(eq < 0 ? { name: d } : { name: d.slice(0, eq), value: d.slice(eq + 1) });
    } else if (a.startsWith('-U')) out.defines.push({ undef: value('-U') });
    else if (a === '--include' || a.startsWith('--include=')) out.forcedIncludes.push(value('--include'));
    else if (a === '--arch' || a.startsWith('--arch=')) {
      const v = value('--arch');
      if (!isAbiName(v)) throw new UsageError(`unknown ABI '${v}' (one of ${ABI_NAMES.join(', ')})`);
      out.arch = v;
    } else if (a === '--struct' || a.startsWith('--struct=')) {
      const names = value('--struct').split(',').map((s) => s.trim()).filter(Boolean);
      out.structs = [...(out.structs ?? []), ...names];
    } else if (a === '--') {
      out.files.push(...rest.slice(i + 1));
      break;
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
    else out.files.push(a);
  }
  if (out.files.length === 0) throw new UsageError('no input files');
  return out;
}
