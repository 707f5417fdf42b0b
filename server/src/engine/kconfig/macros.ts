// Kconfig's macro language (variables, user functions, built-in functions), as scripts/kconfig/preprocess.c
// expands it, except that nothing is ever run: $(shell,...) and unknown environment variables become free atoms.

import type { CodeOf } from '../base/problems';

/**
 * A free atom stands for text only a toolchain (or the build's environment) could supply: the output of
 * $(shell,...) (every probe — cc-option, success, ld-option, cc-version — ends in one) or an environment
 * variable we were not given (CC_VERSION_TEXT). In expanded text an atom is the marker \x01<id>\x02; the
 * lexer turns a token that holds one into a free symbol whose value comes from a probe assignment.
 */
export interface FreeAtom {
  id: number;
  kind: 'shell' | 'env';
  /** The command or variable name, with nested atoms shown as $(...) text. */
  text: string;
}

export const ATOM_START = '\x01';
export const ATOM_END = '\x02';
const ATOM_RE = /\x01(\d+)\x02/g;

export type VariableFlavor = 'recursive' | 'simple' | 'append';

interface Variable {
  value: string;
  flavor: 'recursive' | 'simple';
  expanding: number;
}

/** Where an expansion happens, for $(filename), $(lineno) and diagnostics. */
export interface MacroPlace {
  file: string;
  line: number;
}

export interface MacroSink {
  error(code: CodeOf<'error'>, message: string, place: MacroPlace): void;
  warning(code: CodeOf<'warning'>, message: string, place: MacroPlace): void;
  info(message: string, place: MacroPlace): void;
}

/** Past this length an expansion is cut (bounded memory: $(x) = $(x)$(x) doubling 40 times). */
const MAX_EXPANSION = 1 << 20;
const MAX_ARGS = 16;
const MAX_RECURSION = 1000;

class ExpansionError extends Error {}

export class MacroExpander {
  private readonly variables = new Map<string, Variable>();
  readonly atoms: FreeAtom[] = [];
  private readonly atomByKey = new Map<string, number>();
  /** Environment variables read, in the order first read (the kernel writes them to auto.conf.cmd). */
  readonly envUsed = new Map<string, string | undefined>();
  private depth = 0;

  constructor(
    private readonly env: Readonly<Record<string, string>>,
    private readonly sink: MacroSink,
  ) {}

  /** `NAME = value`, `NAME := value`, `NAME += value` (preprocess.c variable_add). */
  assign(name: string, value: string, flavor: VariableFlavor, place: MacroPlace): void {
    let v = this.variables.get(name);
    let append = false;
    let fl: 'recursive' | 'simple';
    if (v) {
      if (flavor === 'append') {
        fl = v.flavor;
        append = true;
      } else fl = flavor;
    } else {
      fl = flavor === 'append' ? 'recursive' : flavor;
      v = { value: '', flavor: fl, expanding: 0 };
      this.variables.set(name, v);
    }
    v.flavor = fl;
    const newValue = fl === 'simple' ? this.expandString(value, [], place) : value;
    v.value = append ? `${v.value} ${newValue}` : newValue;
  }

  /** Forgets every variable (conf does this after parsing; the atoms stay). */
  clearVariables(): void {
    this.variables.clear();
  }

  /** Expands every $(...) in a string (expand_string). */
  expandString(input: string, args: string[], place: MacroPlace): string {
    return this.guard(() => this.expandUntil(input, 0, () => false, args, place).text, place);
  }

  /**
   * Expands a token that starts at `pos` and ends at the first character that is not [A-Za-z0-9_-] outside
   * a $(...) reference (expand_one_token). Returns the expansion and the position after the token.
   */
  expandToken(input: string, pos: number, place: MacroPlace): { text: string; end: number } {
    let end = pos;
    const text = this.guard(() => {
      const r = this.expandUntil(input, pos, (c) => !/[A-Za-z0-9_-]/.test(c), [], place);
      end = r.end;
      return r.text;
    }, place);
    if (end === pos) end = skipToken(input, pos);
    return { text, end };
  }

  /** Expands the reference after a '$' at `pos` (expand_dollar): `$` alone, or `$(...)`. */
  expandDollar(input: string, pos: number, place: MacroPlace): { text: string; end: number } {
    let end = pos;
    const text = this.guard(() => {
      const r = this.dollar(input, pos, [], place);
      end = r.end;
      return r.text;
    }, place);
    if (end === pos) end = skipReference(input, pos);
    return { text, end };
  }

  /** The text of a string with atoms shown as the $(...) they stand for. */
  display(s: string): string {
    return s.replace(ATOM_RE, (_, id: string) => {
      const a = this.atoms[Number(id)];
      return a.kind === 'shell' ? `$(shell,${a.text})` : `$(${a.text})`;
    });
  }

  atomsIn(s: string): FreeAtom[] {
    const out: FreeAtom[] = [];
    for (const m of s.matchAll(ATOM_RE)) out.push(this.atoms[Number(m[1])]);
    return out;
  }

  private guard(f: () => string, place: MacroPlace): string {
    try {
      return f();
    } catch (e) {
      if (e instanceof ExpansionError) {
        this.sink.error('kconfig-macro', e.message, place);
        return '';
      }
      throw e;
    }
  }

  private atom(kind: 'shell' | 'env', raw: string): string {
    const key = `${kind}:${raw}`;
    let id = this.atomByKey.get(key);
    if (id === undefined) {
      id = this.atoms.length;
      this.atoms.push({ id, kind, text: this.display(raw) });
      this.atomByKey.set(key, id);
    }
    return `${ATOM_START}${id}${ATOM_END}`;
  }

  private expandUntil(
    input: string,
    start: number,
    isEnd: (c: string) => boolean,
    args: string[],
    place: MacroPlace,
  ): { text: string; end: number } {
    let out = '';
    let p = start;
    let from = start;
    for (;;) {
      if (p < input.length && input[p] === '$') {
        out += input.slice(from, p);
        const r = this.dollar(input, p + 1, args, place);
        out += r.text;
        if (out.length > MAX_EXPANSION) throw new ExpansionError(`expansion longer than ${MAX_EXPANSION} characters`);
        p = from = r.end;
        continue;
      }
      if (p >= input.length || isEnd(input[p])) break;
      p++;
    }
    out += input.slice(from, p);
    return { text: out, end: p };
  }

  /** After a '$' (expand_dollar_with_args). */
  private dollar(input: string, p: number, args: string[], place: MacroPlace): { text: string; end: number } {
    if (input[p] !== '(') return { text: '$', end: p };
    const start = p + 1;
    let q = start;
    let nest = 0;
    for (; q < input.length; q++) {
      if (input[q] === '(') nest++;
      else if (input[q] === ')') {
        if (nest-- === 0) break;
      }
    }
    if (q >= input.length) throw new ExpansionError(`unterminated reference to '${input.slice(start)}': missing ')'`);
    return { text: this.clause(input.slice(start, q), args, place), end: q + 1 };
  }

  /** A `name,arg,...` clause (eval_clause). */
  private clause(str: string, args: string[], place: MacroPlace): string {
    if (/^[0-9]+$/.test(str)) {
      const n = Number(str);
      if (n > 0 && n <= args.length) return args[n - 1];
    }
    const parts: string[] = [];
    let nest = 0;
    let prev = 0;
    for (let i = 0; i < str.length; i++) {
      const c = str[i];
      if (nest === 0 && c === ',') {
        if (parts.length >= MAX_ARGS) throw new ExpansionError('too many function arguments');
        parts.push(str.slice(prev, i));
        prev = i + 1;
      } else if (c === '(') nest++;
      else if (c === ')') nest--;
    }
    if (parts.length >= MAX_ARGS) throw new ExpansionError('too many function arguments');
    parts.push(str.slice(prev));
    if (++this.depth > MAX_RECURSION) {
      this.depth = 0;
      throw new ExpansionError('Too deep recursive expansion');
    }
    try {
      const name = this.expandUntil(parts[0], 0, () => false, args, place).text;
      const fargs = parts.slice(1).map((a) => this.expandUntil(a, 0, () => false, args, place).text);
      const v = this.variables.get(name);
      if (v) {
        if (fargs.length === 0 && v.expanding) throw new ExpansionError(`Recursive variable '${name}' references itself (eventually)`);
        if (v.expanding > MAX_RECURSION) throw new ExpansionError('Too deep recursive expansion');
        v.expanding++;
        try {
          return v.flavor === 'recursive' ? this.expandUntil(v.value, 0, () => false, fargs, place).text : v.value;
        } finally {
          v.expanding--;
        }
      }
      const f = this.builtin(name, fargs, place);
      if (f !== undefined) return f;
      if (fargs.length === 0 && name !== '') return this.envValue(name);
      return '';
    } finally {
      this.depth--;
    }
  }

  private envValue(name: string): string {
    if (Object.prototype.hasOwnProperty.call(this.env, name)) {
      const value = this.env[name];
      if (!this.envUsed.has(name)) this.envUsed.set(name, value);
      return value;
    }
    if (!this.envUsed.has(name)) this.envUsed.set(name, undefined);
    return this.atom('env', name);
  }

  private builtin(name: string, args: string[], place: MacroPlace): string | undefined {
    const arity = BUILTINS[name];
    if (!arity) return undefined;
    if (args.length < arity[0]) throw new ExpansionError(`too few function arguments passed to '${name}'`);
    if (args.length > arity[1]) throw new ExpansionError(`too many function arguments passed to '${name}'`);
    switch (name) {
      case 'error-if':
        // A free atom is not "y": a probe that might fail does not stop the parse.
        if (args[0] === 'y') this.sink.error('kconfig-error-if', this.display(args[1]), place);
        return '';
      case 'warning-if':
        if (args[0] === 'y') this.sink.warning('kconfig-warning-if', this.display(args[1]), place);
        return '';
      case 'info':
        this.sink.info(this.display(args[0]), place);
        return '';
      case 'filename':
        return place.file;
      case 'lineno':
        return String(place.line);
      case 'shell':
        return this.atom('shell', args[0]);
    }
    return undefined;
  }
}

const BUILTINS: Record<string, [number, number]> = {
  'error-if': [2, 2],
  filename: [0, 0],
  info: [1, 1],
  lineno: [0, 0],
  shell: [1, 1],
  'warning-if': [2, 2],
};

function skipReference(input: string, p: number): number {
  if (input[p] !== '(') return p;
  let nest = 0;
  for (let q = p + 1; q < input.length; q++) {
    if (input[q] === '(') nest++;
    else if (input[q] === ')' && nest-- === 0) return q + 1;
  }
  return input.length;
}

function skipToken(input: string, p: number): number {
  while (p < input.length) {
    if (input[p] === '$') p = skipReference(input, p + 1);
    else if (/[A-Za-z0-9_-]/.test(input[p])) p++;
    else break;
  }
  return p;
}

export function hasAtom(s: string): boolean {
  return s.includes(ATOM_START);
}
