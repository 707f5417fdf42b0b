// The every-configuration search's results in the server (memdesc.allConfigs): each arch's run as plain data from
// the worker, whether a finished search still holds for the text the editor has now, and its places mapped to that
// text. A search is stale only when the tokens of a file it read changed: an edit of a comment or of whitespace, or
// of a file it never read, leaves it standing (and the lines it reports are moved with the edit).

import * as fs from 'node:fs';
import * as path from 'node:path';
import type { AbiName, ExploredAssertion, ExploreResult } from './engine';
import { parseDotConfig } from './engine';

/** One arch's search, as the worker sent it. */
export interface ArchRun {
  arch: AbiName;
  /** The engine's result (undefined when the run failed). */
  result?: ExploreResult;
  /** The run failed (an engine exception, the worker's memory cap): why. */
  failure?: string;
  ms: number;
}

/** A finished search of one analysis context. */
export interface Exploration {
  /** The context (Session.contextFor's key) and the session generation it was made for. */
  key: string;
  generation: number;
  root: string;
  /** The open buffers as the search read them (path → text); other files came from the disk. */
  overlays: Map<string, string>;
  /** Every path the search read or looked for. */
  read: Set<string>;
  runs: ArchRun[];
}

/** Where the texts a search read are now and were then. */
export interface TextSource {
  /** The open buffer's text, if the file is open. */
  overlay(file: string): string | undefined;
  /** The file on disk. */
  disk(file: string): string | undefined;
}

/**
 * A file's text as the preprocessor's tokens see it: line splices removed, comments (outside string and character
 * literals) as one space, runs of whitespace as one space, or one newline when they hold a newline (directives end
 * at newlines) followed by one space when the next line is indented (the lexer marks a token that whitespace
 * precedes, at the start of a line too, and the engine reads that mark). Two texts with the same form give the same
 * tokens, with the same marks, in the same order (test/unit/explore-results.test.ts checks it against the lexer on
 * random edits). What it leaves out: how many lines there are, which only __LINE__ can see.
 */
export function tokenForm(text: string): string {
  // Line ends as the lexer reads them (\r\n, \r or \n), then line splices.
  const s = text.replace(/\r\n?/g, '\n').replace(/\\\n/g, '');
  let out = '';
  let i = 0;
  let ws = '';
  const flushWs = () => {
    const nl = ws.lastIndexOf('\n');
    if (ws) out += nl < 0 ? ' ' : nl < ws.length - 1 ? '\n ' : '\n';
    ws = '';
  };
  while (i < s.length) {
    const c = s[i];
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\f' || c === '\v') {
      ws += c;
      i++;
    } else if (c === '/' && s[i + 1] === '*') {
      const end = s.indexOf('*/', i + 2);
      ws += ' ';
      i = end < 0 ? s.length : end + 2;
    } else if (c === '/' && s[i + 1] === '/') {
      const end = s.indexOf('\n', i);
      i = end < 0 ? s.length : end;
      ws += ' ';
    } else if (c === '"' || c === "'") {
      flushWs();
      let j = i + 1;
      while (j < s.length && s[j] !== c && s[j] !== '\n') j += s[j] === '\\' ? 2 : 1;
      out += s.slice(i, Math.min(j + 1, s.length));
      i = j + 1;
    } else {
      flushWs();
      out += c;
      i++;
    }
  }
  // Whitespace at the end of the file precedes no token.
  return out;
}

/** Token forms of recent texts (the same buffer is compared again and again until it changes). */
class TokenForms {
  private readonly forms = new Map<string, string>();

  of(text: string): string {
    let f = this.forms.get(text);
    if (f === undefined) {
      f = tokenForm(text);
      this.forms.set(text, f);
      while (this.forms.size > 32) this.forms.delete(this.forms.keys().next().value as string);
    } else {
      // Most recently used last.
      this.forms.delete(text);
      this.forms.set(text, f);
    }
    return f;
  }
}

const forms = new TokenForms();

/** Whether two texts give the same tokens (undefined: the file is absent). */
export function sameTokens(a: string | undefined, b: string | undefined): boolean {
  if (a === b) return true;
  if (a === undefined || b === undefined) return false;
  return forms.of(a) === forms.of(b);
}

/** A file's text when the search read it. */
export function textThen(e: Pick<Exploration, 'overlays'>, src: TextSource, file: string): string | undefined {
  return e.overlays.has(file) ? e.overlays.get(file) : src.disk(file);
}

/** A file's text now. */
export function textNow(src: TextSource, file: string): string | undefined {
  return src.overlay(file) ?? src.disk(file);
}

/**
 * The files among `candidates` (open now or when the search read them) whose tokens changed since, limited to
 * `watched` when given.
 */
export function changedFiles(e: Pick<Exploration, 'overlays'>, src: TextSource, openNow: Iterable<string>, watched?: Set<string>): string[] {
  const out: string[] = [];
  const seen = new Set<string>();
  for (const f of [...e.overlays.keys(), ...openNow]) {
    if (seen.has(f) || (watched && !watched.has(f))) continue;
    seen.add(f);
    if (!sameTokens(textThen(e, src, f), textNow(src, f))) out.push(f);
  }
  return out;
}

/**
 * A 1-based line of `then` in `now`, when the two differ only between a common first and a common last part (one
 * edit, or edits of comments and whitespace): lines before the change stay, lines after it move by the change's
 * line count, and a line inside it goes to where the change starts.
 */
export function lineMapper(then: string, now: string): (line: number) => number {
  if (then === now) return (l) => l;
  const a = then.split('\n');
  const b = now.split('\n');
  let p = 0;
  while (p < a.length && p < b.length && a[p] === b[p]) p++;
  let s = 0;
  while (s < a.length - p && s < b.length - p && a[a.length - 1 - s] === b[b.length - 1 - s]) s++;
  return (l) => (l <= p ? l : l > a.length - s ? l + (b.length - a.length) : p + 1);
}

/** Config symbols whose values differ between two .config texts (`CONFIG_X`: the value in `other`; `n` when unset there). */
export function configDiff(base: string, other: string): Record<string, string> {
  const a = parseDotConfig(base);
  const b = parseDotConfig(other);
  const out: Record<string, string> = {};
  for (const [n, v] of b) if (a.get(n) !== v) out[`CONFIG_${n}`] = v;
  for (const n of a.keys()) if (!b.has(n)) out[`CONFIG_${n}`] = 'n';
  return Object.fromEntries(Object.entries(out).sort(([x], [y]) => (x < y ? -1 : 1)));
}

/**
 * A .config's text with some symbols set (`CONFIG_X`: y, m, n or a value): each one's line replaced where it is, or
 * added at the end. A value that is not y, m, n or a number is written as a string.
 */
export function applyAssignment(config: string, assignment: Record<string, string>): string {
  const left = new Map(Object.entries(assignment));
  const line = (name: string, v: string, quoted: boolean) => (v === 'n' ? `# ${name} is not set` : `${name}=${quoted || !/^(y|m|-?\d+|0x[0-9a-fA-F]+)$/.test(v) ? JSON.stringify(v) : v}`);
  const out = config.split('\n').map((l) => {
    const m = /^(CONFIG_\w+)=("?)/.exec(l) ?? /^# (CONFIG_\w+) is not set$/.exec(l);
    if (!m || !left.has(m[1])) return l;
    const v = left.get(m[1])!;
    left.delete(m[1]);
    return line(m[1], v, m[2] === '"');
  });
  if (out.length && out[out.length - 1] === '') out.pop();
  for (const [n, v] of left) out.push(line(n, v, false));
  return `${out.join('\n')}\n`;
}

/** An assignment for people: `CONFIG_MEMCG=n CONFIG_X=y`, or `the defconfig` when empty. */
export function assignmentText(a: Record<string, string>, max = Infinity): string {
  const parts = Object.entries(a).map(([n, v]) => `${n}=${v}`);
  if (!parts.length) return 'the defconfig';
  return parts.length > max ? `${parts.slice(0, max).join(' ')} and ${parts.length - max} more` : parts.join(' ');
}

/** A run's counterexample with what its full .config also changes (the symbols Kconfig needed beyond the assignment). */
export function alsoSet(run: ArchRun, x: ExploredAssertion): Record<string, string> {
  const c = x.counterexample;
  if (!c || run.result?.defconfig === undefined) return {};
  const all = configDiff(run.result.defconfig, c.config);
  for (const n of Object.keys(c.assignment)) delete all[n];
  return all;
}

/** Whether a tree can be searched: it has a top Kconfig. */
export function hasKconfig(root: string): boolean {
  try {
    return fs.statSync(path.join(root, 'Kconfig')).isFile();
  } catch {
    return false;
  }
}
