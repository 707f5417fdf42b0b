// Command-line parsing for memdesc-layout: plain data out, errors as messages (exit 2 is the caller's job).

import { ABI_NAMES, AbiName, isAbiName } from '../engine';
import { parseLimit, PreprocessLimits } from '../engine';

export type Command = 'layout' | 'check' | 'overlaps';
export type Format = 'text' | 'json' | 'sarif';

export interface CommonArgs {
  command: Command;
  files: string[];
  includePaths: string[];
  defines: Array<{ name: string; value?: string } | { undef: string }>;
  forcedIncludes: string[];
  arch: AbiName;
  /** True when --arch was given (the matrix then keeps to it). */
  archGiven: boolean;
  structs: string[] | undefined;
  msExtensions: boolean;
  format: Format;
  kernel: string | undefined;
  config: string | undefined;
  build: string | undefined;
  all: boolean;
  /** --tu FILE: one .c file of the kernel tree, preprocessed as kbuild compiles it. */
  tu: string | undefined;
  matrix: boolean;
  /** check --all-configs: every valid Kconfig configuration of the arch (or of every arch, --arch all). */
  allConfigs: boolean;
  /** --arch all (only with --all-configs): every ABI whose arch the tree's Kconfig has. */
  archAll: boolean;
  /** --budget SECONDS for --all-configs: the whole run's wall-clock time (undefined: 60 s per arch). */
  budget: number | undefined;
  failOn: 'error' | 'warning' | 'never';
  /** --limit NAME=N: resource limits raised (or lowered) for big or odd inputs. */
  limits: Partial<PreprocessLimits>;
}

export type ParsedArgs = CommonArgs | { command: 'help' } | { command: 'version' } | { command: 'lsp' };

export class UsageError extends Error {}

export const USAGE = `usage: memdesc-layout layout   [FILE...] [options] [--json]
       memdesc-layout check    [FILE...] [options] [--matrix] [--format text|json|sarif] [--fail-on error|warning|never]
       memdesc-layout check    --kernel DIR --all-configs [--arch ABI|all] [--budget SECONDS] [--format text|json|sarif]
       memdesc-layout overlaps [FILE...] [options]
       memdesc-layout lsp --stdio          (the language server, for any LSP client)
       memdesc-layout --help | --version

options:
  -I DIR                 include search path
  -D NAME[=VAL], -U NAME define / undefine a macro (with --kernel: a CONFIG option)
  --include FILE         process FILE before the inputs
  --arch ABI             ${ABI_NAMES.join(', ')} (default x86_64)
  --struct NAME[,NAME]   only these structs
  --ms-extensions        -fms-extensions (tagged members without a name are anonymous)
  --kernel DIR           analyse a kernel tree: struct page and its memory descriptors
  --config FILE          the kernel .config to use
  --build DIR            an O= build directory (its .config and include/generated/)
  --tu FILE              with --kernel: one .c file of the tree as kbuild compiles it (its .cmd file when the
                         build dir has one, else the command kbuild would use)
  --all                  with --kernel: every struct, not only the memdesc set
  --json                 JSON output (same as --format json)
  --matrix               check: every ABI x config variant of the matrix
  --all-configs          check: every valid Kconfig configuration of the arch (the tree's Kconfig, from the arch's
                         defconfig): each assertion holds in all of them, or a counterexample .config; --arch all:
                         every ABI the tree's Kconfig has
  --budget SECONDS       with --all-configs: time for the whole run (default 60 per arch), shared among the arches;
                         what it does not decide is reported as not decided, never as holding
  --fail-on LEVEL        check: exit 1 on failing assertions always, and on findings at LEVEL: error (default),
                         warning (also rule findings), never (with --all-configs: no exit 3 either)
  --limit NAME=N         raise a resource limit: include-depth (200), expansion-tokens (2M per invocation),
                         macro-nesting (256), if-depth (1000), tokens (5M), file-size (8M bytes), includes (10k)

exit status: 0 the analysis ran and nothing failed; 1 an assertion fails (check --all-configs: in some valid
configuration, a counterexample) or a finding at the --fail-on level; 2 bad usage or input that cannot be read;
3 (check --all-configs) nothing fails but some assertion was not decided (--budget ended, or a verdict is unknown):
not a proof.`;

export function parseArgs(argv: string[]): ParsedArgs {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') return { command: 'help' };
  if (argv[0] === '--version' || argv[0] === '-V') return { command: 'version' };
  if (argv[0] === 'lsp') return { command: 'lsp' };
  const [command, ...rest] = argv;
  if (command !== 'layout' && command !== 'check' && command !== 'overlaps') throw new UsageError(`unknown command '${command}' (try --help)`);
  const out: CommonArgs = {
    command, files: [], includePaths: [], defines: [], forcedIncludes: [], arch: 'x86_64', archGiven: false, structs: undefined,
    msExtensions: false, format: 'text', kernel: undefined, config: undefined, build: undefined, all: false, tu: undefined, matrix: false, allConfigs: false, archAll: false, budget: undefined, failOn: 'error', limits: {},
  };
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    const value = (flag: string): string => {
      // Accept "-IDIR", "--arch=x", and "-I DIR".
      if (a.length > flag.length && a.startsWith(flag)) return a.slice(flag.length + (a[flag.length] === '=' && flag.startsWith('--') ? 1 : 0));
      const v = rest[++i];
      if (v === undefined) throw new UsageError(`${flag} needs a value`);
      return v;
    };
    const long = (flag: string) => a === flag || a.startsWith(flag + '=');
    if (a === '--json') out.format = 'json';
    else if (a === '--ms-extensions') out.msExtensions = true;
    else if (a === '--all') out.all = true;
    else if (a === '--matrix') out.matrix = true;
    else if (a === '--all-configs') out.allConfigs = true;
    else if (a.startsWith('-I')) out.includePaths.push(value('-I'));
    else if (a.startsWith('-D')) {
      const d = value('-D');
      const eq = d.indexOf('=');
      if (eq === 0 || d === '') throw new UsageError(`bad -D value '${d}'`);
      out.defines.push(eq < 0 ? { name: d } : { name: d.slice(0, eq), value: d.slice(eq + 1) });
    } else if (a.startsWith('-U')) out.defines.push({ undef: value('-U') });
    else if (long('--include')) out.forcedIncludes.push(value('--include'));
    else if (long('--limit')) {
      const v = value('--limit');
      const eq = v.indexOf('=');
      const l = eq < 0 ? `--limit takes NAME=N` : parseLimit(v.slice(0, eq), v.slice(eq + 1));
      if (typeof l === 'string') throw new UsageError(l);
      out.limits[l.key] = l.value;
    }
    else if (long('--budget')) {
      const v = value('--budget');
      const n = Number(v);
      if (!/^\d+(\.\d+)?$/.test(v.trim()) || !Number.isFinite(n)) throw new UsageError(`--budget takes a number of seconds, not '${v}'`);
      out.budget = n;
    } else if (long('--arch')) {
      const v = value('--arch');
      if (v === 'all') {
        out.archAll = true;
        out.archGiven = false;
        continue;
      }
      out.archAll = false;
      if (!isAbiName(v)) throw new UsageError(`unknown ABI '${v}' (one of ${ABI_NAMES.join(', ')})`);
      out.arch = v;
      out.archGiven = true;
    } else if (long('--struct')) {
      const names = value('--struct').split(',').map((s) => s.trim()).filter(Boolean);
      out.structs = [...(out.structs ?? []), ...names];
    } else if (long('--kernel')) out.kernel = value('--kernel');
    else if (long('--config')) out.config = value('--config');
    else if (long('--build')) out.build = value('--build');
    else if (long('--tu')) out.tu = value('--tu');
    else if (long('--format')) {
      const v = value('--format');
      if (v !== 'text' && v !== 'json' && v !== 'sarif') throw new UsageError(`unknown format '${v}' (text, json or sarif)`);
      out.format = v;
    } else if (long('--fail-on')) {
      const v = value('--fail-on');
      if (v !== 'error' && v !== 'warning' && v !== 'never') throw new UsageError(`--fail-on takes error, warning or never`);
      out.failOn = v;
    } else if (a === '--') {
      out.files.push(...rest.slice(i + 1));
      break;
    } else if (a.startsWith('-') && a !== '-') throw new UsageError(`unknown option '${a}'`);
    else out.files.push(a);
  }
  if (out.allConfigs && !out.kernel) throw new UsageError('--all-configs needs --kernel (the tree whose Kconfig it explores)');
  if (out.files.length === 0 && !out.kernel) throw new UsageError('no input files (give FILEs or --kernel DIR)');
  if ((out.config || out.build || out.all || out.tu) && !out.kernel) throw new UsageError('--config, --build, --all and --tu need --kernel');
  if (out.matrix && !out.kernel) throw new UsageError('--matrix needs --kernel');
  if (out.archAll && !out.allConfigs) throw new UsageError(`--arch all needs --all-configs (else one of ${ABI_NAMES.join(', ')})`);
  if (out.budget !== undefined && !out.allConfigs) throw new UsageError('--budget needs --all-configs');
  if (out.allConfigs) {
    if (out.command !== 'check') throw new UsageError('--all-configs is an option of check');
    if (out.matrix) throw new UsageError('--all-configs and --matrix exclude each other (--all-configs covers every configuration)');
    if (out.tu) throw new UsageError('--all-configs checks the memdesc set, not a --tu translation unit');
    if (out.defines.length) throw new UsageError('-D/-U set one configuration; --all-configs explores every one (drop them)');
  }
  return out;
}
