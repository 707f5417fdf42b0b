// Directives: #define and #undef, the conditionals and their #if expressions, #include with its search path and
// guards, #pragma once, #error and #warning. A directive line is read from its file's token table; token objects
// are made only for operands that are expanded or evaluated.

import * as path from 'node:path';
import { Token, TokenKind } from '../base/token';
import { Cond, pushCond } from './conditionals';
import { HAS_OPERATORS, parseHeaderName } from './expander';
import { includeGuard } from './files';
import { Frame } from './frames';
import { MacroDef, sameDefinition } from './macros';
import { evalPPExpr, PPExprError } from './pp-expr';
import { ConditionProber, CondExpr, Patch } from './probe';
import type { IncludeRecord, Preprocessor } from './preprocessor';
import { S } from './spellings';
import { TokenTable } from './tokens';

export class Directives {
  private readonly searchPath: string[];
  private readonly includeCache = new Map<string, { path: string; dirIndex: number } | null>();
  /** `"name"` next to the including file: whether it exists there. */
  private readonly quotedCache = new Map<string, boolean>();

  constructor(private readonly pp: Preprocessor) {
    this.searchPath = [...pp.opts.includePaths, ...(pp.opts.systemIncludePaths ?? [])];
  }

  /** The directive whose '#' is at the frame's position; the frame moves past its line. */
  directive(frame: Frame): void {
    const pp = this.pp;
    const t = frame.table!;
    const hash = frame.pos;
    const end = t.lineEnd(hash);
    frame.pos = end;
    const at = hash + 1;
    if (at >= end) return;
    const d = t.kind[at] === TokenKind.Identifier ? t.id(at) : -1;
    if (!pp.active) {
      // Inside a skipped group only the conditional structure matters.
      if (d === S.if || d === S.ifdef || d === S.ifndef) this.push(t.token(at), false, true);
      else if (d === S.elif || d === S.else || d === S.endif || d === S.elifdef || d === S.elifndef) this.conditional(d, t, at, end);
      return;
    }
    switch (d) {
      case S.define:
        return this.define(t, at, end);
      case S.undef:
        if (at + 1 < end && t.kind[at + 1] === TokenKind.Identifier) {
          const m = pp.macros.get(t.id(at + 1));
          if (m && !m.builtin) pp.macros.set(t.id(at + 1), undefined);
        } else pp.report('error', 'syntax-error', 'macro name missing in #undef', t.token(at));
        return;
      case S.include:
      case S.includeNext:
      case S.import:
        return this.include(t.slice(at + 1, end), t.token(at), d === S.includeNext);
      case S.if:
      case S.ifdef:
      case S.ifndef:
      case S.elif:
      case S.else:
      case S.endif:
      case S.elifdef:
      case S.elifndef:
        return this.conditional(d, t, at, end);
    }
    const name = t.token(at);
    switch (name.text) {
      case 'error':
      case 'warning': {
        const text = lineText(t, at, end - 1);
        pp.report(name.text === 'error' ? 'error' : 'warning', name.text === 'error' ? 'pp-error' : 'pp-warning', `#${name.text} ${text}`.trim(), name);
        return;
      }
      case 'pragma': {
        const a = at + 1 < end ? t.text(at + 1) : undefined;
        const b = at + 2 < end ? t.text(at + 2) : undefined;
        if (a === 'once') {
          const p = pp.currentFile()!.sf.path;
          if (!pp.onceFiles.has(p)) {
            pp.onceFiles.add(p);
            pp.journal?.onceLog.push(p);
          }
        } else if (a === 'pack' || (a === 'GCC' && b === 'pack')) {
          pp.report('warning', 'unsupported-pragma', '#pragma pack is not modelled: layouts after it may differ from the compiler', name);
        }
        return;
      }
      case 'line':
      case 'ident':
      case 'sccs':
      case 'assert':
      case 'unassert':
        return;
      default:
        if (name.kind === TokenKind.Number) return; // `# 33 "file"` line markers
        pp.report('warning', 'unknown-directive', `unknown directive '#${name.text}'`, name);
    }
  }

  private define(t: TokenTable, at: number, end: number): void {
    const pp = this.pp;
    const n = at + 1;
    if (n >= end || t.kind[n] !== TokenKind.Identifier) {
      pp.report('error', 'syntax-error', 'macro names must be identifiers', t.token(n < end ? n : at));
      return;
    }
    const nameText = t.text(n);
    if (t.id(n) === S.defined) {
      pp.report('error', 'syntax-error', "'defined' cannot be used as a macro name", t.token(n));
      return;
    }
    let i = n + 1;
    let params: string[] | undefined;
    let paramIds: number[] | undefined;
    let variadic = false;
    const text = (k: number) => (k < end ? t.text(k) : undefined);
    if (i < end && t.spell[i] === S.lparen && !t.space(i)) {
      params = [];
      paramIds = [];
      i++;
      for (;;) {
        if (i >= end) {
          pp.report('error', 'syntax-error', `missing ')' in the parameters of macro '${nameText}'`, t.token(n));
          return;
        }
        if (t.spell[i] === S.rparen && params.length === 0) {
          i++;
          break;
        }
        if (t.spell[i] === S.ellipsis) {
          params.push('__VA_ARGS__');
          paramIds.push(S.vaArgs);
          variadic = true;
          i++;
        } else if (t.kind[i] === TokenKind.Identifier) {
          params.push(t.text(i));
          paramIds.push(t.id(i));
          i++;
          if (text(i) === '...') {
            variadic = true;
            i++;
          }
        } else {
          pp.report('error', 'syntax-error', `bad parameter '${t.text(i)}' in macro '${nameText}'`, t.token(i));
          return;
        }
        if (text(i) === ')') {
          i++;
          break;
        }
        if (text(i) !== ',' || variadic) {
          pp.report('error', 'syntax-error', `expected ',' or ')' in the parameters of macro '${nameText}'`, t.token(i < end ? i : n));
          return;
        }
        i++;
      }
    }
    const def = new MacroDef(nameText, t.id(n), params, paramIds, variadic, t.file, t.start[n], t, i, end - i);
    def.context = pp.conds;
    const old = pp.macros.get(def.id);
    if (old?.builtin) {
      pp.report('warning', 'macro-redefined', `redefining builtin macro '${def.name}'`, t.token(n));
    } else if (old && !sameDefinition(old, def)) {
      pp.report('warning', 'macro-redefined', `'${def.name}' redefined`, t.token(n));
    }
    pp.macros.set(def.id, def);
  }

  private push(tok: Token, value: boolean, outerInactive = false, deps?: ReadonlyArray<number | MacroDef | undefined>, exprs?: ReadonlyArray<CondExpr>): void {
    const pp = this.pp;
    if ((pp.conds?.depth ?? 0) >= pp.limits.maxIfDepth) {
      pp.report('error', 'nesting-too-deep', `#if nested deeper than ${pp.limits.maxIfDepth}`, tok);
      value = false;
    }
    pp.conds = pushCond(pp.conds, tok, value, !outerInactive && pp.active, deps, exprs);
  }

  private prober: ConditionProber | undefined;

  /**
   * Evaluates a conditional expression by `test` (its lookups told apart as a condition's). In a run with config
   * probes it also says what the exploration reads of it (CondExpr): its own lookups and its value under each
   * combination of the varying symbols it read, evaluated again by `test` with nothing recorded, reported or
   * counted; or, for an abstracted expression whose value the exploration gives, that value without evaluating.
   */
  private decide(name: Token, mark: number | undefined, test: () => boolean): { value: boolean; expr: CondExpr | undefined } {
    const pp = this.pp;
    const probe = pp.opts.configProbe;
    const l = pp.macros.lookups;
    const key = probe && l && mark !== undefined ? `${name.file.path}:${name.offset}` : undefined;
    const forced = key === undefined ? undefined : probe!.forced?.get(key);
    if (forced !== undefined) return { value: forced, expr: { key: key!, value: forced, lookups: [], forced: true } };
    if (l) l.condition = true;
    let value: boolean;
    try {
      value = test();
    } finally {
      if (l) l.condition = false;
    }
    if (key === undefined) return { value, expr: undefined };
    this.prober ??= new ConditionProber(probe!, pp.macros.spellings);
    const macros = pp.macros;
    const setDefs = (patch: Patch): Patch => {
      const saved: Patch = [];
      for (const { id, def } of patch) {
        saved.unshift({ id, def: macros.peek(id) });
        macros.restore(id, def);
      }
      return saved;
    };
    const quietly = (): boolean => {
      const counter = pp.expander.counter;
      macros.lookups = undefined;
      pp.silent++;
      try {
        return test();
      } finally {
        pp.silent--;
        macros.lookups = l;
        pp.expander.counter = counter;
      }
    };
    const lookups = l!.pairsFrom(mark!);
    const p = this.prober.run(l!.idsFrom(mark!), name, setDefs, quietly, value);
    return { value, expr: { key, value, lookups, probe: p ?? undefined, complex: p === null ? true : undefined } };
  }

  /** In a journalled run: the lookups made since `from` (a condition's), after `before` (earlier groups'). */
  private depsSince(from: number | undefined, before?: ReadonlyArray<number | MacroDef | undefined>): ReadonlyArray<number | MacroDef | undefined> | undefined {
    const l = this.pp.macros.lookups;
    if (l === undefined || from === undefined) return undefined;
    return l.pairsFrom(from, before ? [...before] : []);
  }

  /** A conditional directive named by spelling `d` at token `at` of its line (which ends before `end`). */
  private conditional(d: number, t: TokenTable, at: number, end: number): void {
    const pp = this.pp;
    const name = t.token(at);
    const file = pp.currentFile();
    const top = (pp.conds?.depth ?? 0) > (file?.condBase ?? 0) ? pp.conds : undefined;
    const mark = pp.macros.lookups?.length;
    const set = (c: Cond, change: Partial<Cond>, exprs = c.exprs) => (pp.conds = { ...c, ...change, deps: this.depsSince(mark, c.deps), exprs });
    const defined = () => at + 1 < end && t.kind[at + 1] === TokenKind.Identifier && pp.macros.has(t.id(at + 1));
    switch (d) {
      case S.if: {
        const toks = t.slice(at + 1, end);
        const { value, expr } = this.decide(name, mark, () => this.evalIf(toks, name));
        this.push(name, value, false, this.depsSince(mark), expr && [expr]);
        return;
      }
      case S.ifdef:
      case S.ifndef: {
        if (!(at + 1 < end && t.kind[at + 1] === TokenKind.Identifier)) {
          pp.report('error', 'syntax-error', `no macro name given in #${name.text}`, name);
          this.push(name, false);
          return;
        }
        const { value, expr } = this.decide(name, mark, () => (d === S.ifdef ? defined() : !defined()));
        this.push(name, value, false, this.depsSince(mark), expr && [expr]);
        return;
      }
      case S.elif:
      case S.elifdef:
      case S.elifndef: {
        if (!top) {
          pp.report('error', 'unbalanced-endif', `#${name.text} without #if`, name);
          return;
        }
        if (top.sawElse) pp.report('error', 'unbalanced-else', `#${name.text} after #else`, name);
        if (top.taken || !top.outerActive) {
          set(top, { active: false });
          return;
        }
        const toks = d === S.elif ? t.slice(at + 1, end) : undefined;
        const { value, expr } = this.decide(name, mark, () => (toks ? this.evalIf(toks, name) : at + 1 < end && t.kind[at + 1] === TokenKind.Identifier && pp.macros.has(t.id(at + 1)) === (d === S.elifdef)));
        set(top, { active: value, taken: value }, expr ? [...(top.exprs ?? []), expr] : top.exprs);
        return;
      }
      case S.else:
        if (!top) {
          pp.report('error', 'unbalanced-else', '#else without #if', name);
          return;
        }
        if (top.sawElse) pp.report('error', 'unbalanced-else', '#else after #else', name);
        set(top, { sawElse: true, active: top.outerActive && !top.taken, taken: true });
        return;
      case S.endif:
        if (!top) {
          pp.report('error', 'unbalanced-endif', '#endif without #if', name);
          return;
        }
        pp.conds = top.parent;
        return;
    }
  }

  private evalIf(rest: Token[], at: Token): boolean {
    const pp = this.pp;
    // `defined` and __has_* take their operands unexpanded; then macros expand; then identifiers are 0.
    const number = (t: Token, value: boolean): Token => ({ ...t, kind: TokenKind.Number, text: value ? '1' : '0', spell: -1 });
    const pass = (toks: Token[]): Token[] => {
      const out: Token[] = [];
      for (let i = 0; i < toks.length; i++) {
        const t = toks[i];
        if (t.kind === TokenKind.Identifier && t.spell === S.defined) {
          let id: Token | undefined;
          if (toks[i + 1]?.spell === S.lparen) {
            id = toks[i + 2];
            if (toks[i + 3]?.spell !== S.rparen) {
              pp.report('error', 'syntax-error', "missing ')' after 'defined'", t);
              return [];
            }
            i += 3;
          } else {
            id = toks[i + 1];
            i += 1;
          }
          if (!id || id.kind !== TokenKind.Identifier) {
            pp.report('error', 'syntax-error', "'defined' needs a macro name", t);
            return [];
          }
          out.push(number(t, pp.macros.has(id.spell)));
          continue;
        }
        if (t.kind === TokenKind.Identifier && HAS_OPERATORS.has(t.text) && toks[i + 1]?.spell === S.lparen) {
          let depth = 0;
          let j = i + 1;
          for (; j < toks.length; j++) {
            if (toks[j].spell === S.lparen) depth++;
            else if (toks[j].spell === S.rparen && --depth === 0) break;
          }
          out.push(number(t, pp.expander.hasOperator(t.text, toks.slice(i + 2, j))));
          i = j;
          continue;
        }
        out.push(t);
      }
      return out;
    };
    const first = pass(rest);
    const expanded = pp.expander.expandOperand(first, `expanding the #${at.text} expression`, at);
    if (expanded === undefined) return false;
    try {
      const warn = (message: string, t: Token) => pp.report('warning', 'number-too-large', message, rest.includes(t) ? t : at);
      return evalPPExpr(pass(expanded), pp.opts.charSigned ?? true, warn).v !== 0n;
    } catch (e) {
      if (e instanceof PPExprError) {
        // A token from a macro body is shown at the directive, where the user wrote the expression.
        pp.report('error', e.code, e.message, e.tok && rest.includes(e.tok) ? e.tok : at);
        return false;
      }
      throw e;
    }
  }

  private include(rest: Token[], at: Token, next: boolean): void {
    const pp = this.pp;
    let toks: Token[] = rest;
    if (!(toks[0]?.kind === TokenKind.String || toks[0]?.spell === S.lt)) {
      const expanded = pp.expander.expandOperand(rest, 'expanding the #include operand', at);
      if (expanded === undefined) return;
      toks = expanded;
    }
    let spelled: string;
    if (toks[0]?.kind === TokenKind.String) spelled = toks[0].text;
    else if (toks[0]?.spell === S.lt) {
      const close = toks.findIndex((t) => t.spell === S.gt);
      if (close < 0) {
        pp.report('error', 'syntax-error', "missing '>' in #include", at);
        return;
      }
      spelled = '<' + toks.slice(1, close).map((t, k) => (k > 0 && t.space ? ' ' : '') + t.text).join('') + '>';
    } else {
      pp.report('error', 'syntax-error', '#include expects "FILENAME" or <FILENAME>', at);
      return;
    }
    const parsed = parseHeaderName(spelled);
    const from = pp.currentFile()!;
    if (!parsed) {
      pp.report('error', 'syntax-error', `bad #include name ${spelled}`, at);
      return;
    }
    const found = this.resolveInclude(parsed.name, parsed.quoted, next);
    const rec: IncludeRecord = { from: from.sf, offset: at.offset, to: undefined, spelled, resolved: found?.path, next };
    pp.includes.push(rec);
    if (!found) {
      pp.report('error', 'include-not-found', `'${parsed.name}' not found in the include path`, at);
      return;
    }
    const depth = pp.frames.filter((f) => f.file).length;
    if (depth >= pp.limits.maxIncludeDepth) {
      pp.report('error', 'include-depth', `#include nested more than ${pp.limits.maxIncludeDepth} deep (an include cycle?)`, at);
      return;
    }
    if (pp.onceFiles.has(found.path)) return;
    const seen = pp.entered.get(found.path);
    if (seen) rec.text = seen.tokens.src;
    if (seen?.guard && pp.macros.hasName(seen.guard)) return;
    const cached = seen ?? pp.load(found.path, at);
    if (cached) rec.text = cached.tokens.src;
    if (cached === null) return;
    if (!cached) {
      pp.report('error', 'include-not-found', `'${parsed.name}' cannot be read`, at);
      return;
    }
    rec.to = cached.file;
    if (cached.guard === undefined) cached.guard = includeGuard(cached.tokens);
    if (cached.guard && pp.macros.hasName(cached.guard)) return;
    if (pp.entryCount >= pp.limits.maxIncludes) {
      pp.report('error', 'too-many-includes', `the translation unit enters more than ${pp.limits.maxIncludes} files (an exponential include tree?); the rest is not analysed`, at);
      pp.stopped = true;
      return;
    }
    if (!pp.entered.has(found.path)) pp.journal?.enteredLog.push(found.path);
    pp.entered.set(found.path, cached);
    pp.pushFile(cached, found.dirIndex);
  }

  resolveInclude(name: string, quoted: boolean, next: boolean): { path: string; dirIndex: number } | undefined {
    const pp = this.pp;
    const cur = pp.currentFile();
    if (path.isAbsolute(name)) return pp.host.fileExists(name) ? { path: path.normalize(name), dirIndex: -1 } : undefined;
    let startIndex = 0;
    if (next && cur && cur.dirIndex >= 0) startIndex = cur.dirIndex + 1;
    if (quoted && !next && cur) {
      const p = path.join(path.dirname(cur.sf.path), name);
      let here = this.quotedCache.get(p);
      if (here === undefined) this.quotedCache.set(p, (here = pp.host.fileExists(p)));
      if (here) return { path: p, dirIndex: -1 };
    }
    const key = `${startIndex}\0${name}`;
    const hit = this.includeCache.get(key);
    if (hit !== undefined) return hit ?? undefined;
    for (let i = startIndex; i < this.searchPath.length; i++) {
      const p = path.join(this.searchPath[i], name);
      if (pp.host.fileExists(p)) {
        const r = { path: p, dirIndex: i };
        this.includeCache.set(key, r);
        return r;
      }
    }
    this.includeCache.set(key, null);
    return undefined;
  }
}

/** The text of a directive line from after token `first` to the end of token `last`, splices removed. */
function lineText(t: TokenTable, first: number, last: number): string {
  return t.src.slice(t.end[first], t.end[last]).replace(/\\\r?\n/g, '').trim();
}
