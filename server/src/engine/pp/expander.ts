// Macro expansion (C11 6.10.3): argument collection, substitution with # and ##, __VA_OPT__ and GNU's `, ##`,
// rescanning through hidesets, the builtin macros and __has_* operators, remembered expansions of closed
// object-like macros, and the expansion budget that stops macro bombs.

import { Token, TokenKind, Expansion, locationOf } from '../base/token';
import { Problems } from '../base/problems';
import { SourceFile } from '../base/source';
import { HideSet, hsAdd, hsIntersect, hsUnion } from './hideset';
import { lex } from './lexer';
import { MacroDef, Memo, stringize } from './macros';
import { Frame, seqFrame } from './frames';
import type { Preprocessor } from './preprocessor';
import { Arg, Seq } from './seq';
import { S } from './spellings';

/** Thrown when a top-level invocation exceeds its budget (or its nesting): everything it produced is dropped. */
export class ExpansionLimit {}
export const LIMIT = new ExpansionLimit();
/** Thrown while remembering an expansion that turns out not to be closed (or not repeatable). */
class NotMemoizable {}
const NOT_MEMOIZABLE = new NotMemoizable();

export const BUILTINS = ['__FILE__', '__LINE__', '__COUNTER__', '__DATE__', '__TIME__', '__INCLUDE_LEVEL__', '__BASE_FILE__', '__TIMESTAMP__'];
export const HAS_OPERATORS = new Set(['__has_include', '__has_include_next', '__has_attribute', '__has_builtin', '__has_feature', '__has_extension', '__has_c_attribute', '__has_cpp_attribute', '__has_declspec_attribute']);

/** Attributes gcc 12 knows (both spellings are accepted by __has_attribute). */
const GCC_ATTRIBUTES = new Set(
  ('aligned packed section used unused noreturn always_inline noinline cold hot const pure format format_arg nonnull ' +
    'returns_nonnull warn_unused_result deprecated weak alias visibility designated_init externally_visible error warning ' +
    'fallthrough noclone no_instrument_function copy mode nonstring flatten assume_aligned alloc_size alloc_align malloc ' +
    'gnu_inline no_sanitize_address no_sanitize no_sanitize_undefined no_sanitize_thread no_sanitize_coverage ' +
    'no_profile_instrument_function no_split_stack optimize target cleanup constructor destructor leaf noipa ' +
    'no_stack_protector no_reorder sentinel simd transparent_union vector_size may_alias tls_model access ' +
    'noinit persistent retain symver zero_call_used_regs warn_if_not_aligned nocf_check indirect_branch function_return ' +
    'naked interrupt regparm stdcall fastcall ms_abi sysv_abi ms_struct gcc_struct scalar_storage_order artificial ' +
    'returns_twice unavailable patchable_function_entry no_stack_limit stack_protect').split(/\s+/),
);
const GCC_BUILTIN_PREFIXES = ['__builtin_', '__sync_', '__atomic_'];
const NOT_GCC12_BUILTINS = new Set(['__builtin_dynamic_object_size', '__builtin_counted_by_ref', '__builtin_is_constant_evaluated']);

const PLACEMARKER: Token = { kind: TokenKind.Other, text: '', spell: S.empty, file: new SourceFile(0, '<placemarker>', ''), offset: 0, end: 0, bol: false, space: false };

/** name/definition pairs with each name once (a runaway expansion looks the same names up millions of times). */
function uniqueDeps(deps: Array<number | MacroDef | undefined>): Array<number | MacroDef | undefined> {
  const seen = new Map<number, MacroDef | undefined>();
  for (let i = 0; i < deps.length; i += 2) if (!seen.has(deps[i] as number)) seen.set(deps[i] as number, deps[i + 1] as MacroDef | undefined);
  return [...seen].flat();
}

export class Expander {
  /** Tokens charged to the current top-level invocation. */
  private budget = 0;
  /** Argument pre-expansions in progress, inside each other; and whether the last LIMIT was for nesting. */
  private argNesting = 0;
  private nestingLimit = false;
  /** The invocation written in a file whose expansion is being read, and the frame depth and output before it. */
  private top: { tok: Token; depth: number; outLen: number } | undefined;
  /** __COUNTER__ (part of the scan state: a checkpoint records it). */
  counter = 0;

  constructor(private readonly pp: Preprocessor) {}

  /** A new top-level invocation (written in a file): its whole expansion shares one budget. */
  startInvocation(tok: Token): void {
    this.budget = 0;
    this.top = { tok, depth: this.pp.frames.length, outLen: this.pp.outLength };
  }

  /** After a LIMIT: drops everything the runaway invocation produced, tokens already passed on included. */
  dropRunaway(tok: Token): void {
    const pp = this.pp;
    const top = this.top ?? { tok, depth: pp.frames.length, outLen: pp.outLength };
    pp.frames.length = top.depth;
    pp.truncateOutput(top.outLen);
    this.limitProblem(`expanding '${top.tok.text}'`, top.tok);
  }

  /** Throws when an expansion is being remembered: what is happening cannot be replayed (see memoFor). */
  notWhileRemembering(): void {
    if (this.pp.macros.depLog) throw NOT_MEMOIZABLE;
  }

  /** Consumes `_Pragma ( "..." )` after the _Pragma token; returns false if it is not one. */
  pragmaOperator(): boolean {
    const pp = this.pp;
    const save = pp.snapshot();
    const open = pp.nextInExpansion();
    if (!open || open.spell !== S.lparen) {
      pp.restore(save);
      return false;
    }
    const str = pp.nextInExpansion();
    const close = pp.nextInExpansion();
    if (!str || str.kind !== TokenKind.String || !close || close.spell !== S.rparen) {
      pp.restore(save);
      return false;
    }
    return true;
  }

  /**
   * Expands `m`, invoked by `tok` (carrying hideset `hs`, produced by expansion `ex`), if it may be;
   * pushes the result as a frame. Returns false if not expanded.
   */
  expand(tok: Token, m: MacroDef, hs: HideSet, ex: Expansion | undefined, sp: boolean): boolean {
    const pp = this.pp;
    if (m.builtin) return this.expandBuiltin(tok, m, ex, sp);
    if (!m.params) {
      const exp: Expansion = { macro: m.name, at: tok, callEnd: tok.end, parent: ex };
      const memo = this.memoFor(m, hs, tok, sp);
      if (memo) {
        this.charge(memo.seq.length);
        pp.frames.push(seqFrame(memo.seq, exp, sp));
        return true;
      }
      pp.frames.push(seqFrame(this.subst(m, [], hsAdd(hs, m.name), exp, sp)));
      return true;
    }
    const next = pp.peekInExpansion();
    if (!next || next.kind !== TokenKind.Punct || next.spell !== S.lparen) return false;
    pp.nextInExpansion();
    const read = this.readArgs(m, tok, ex);
    if (!read) return true;
    const { args, rparen, rparenHs, rparenEx } = read;
    const ihs = hsAdd(hsIntersect(hs, rparenHs), m.name);
    const exp: Expansion = { macro: m.name, at: tok, callEnd: rparen.file === tok.file && !rparenEx ? rparen.end : tok.end, parent: ex };
    pp.frames.push(seqFrame(this.subst(m, args, ihs, exp, sp)));
    return true;
  }

  /** A macro met in a skipped function body whose expansion may unbalance braces: expanded, with its own budget. */
  expandInSkippedBody(tok: Token, m: MacroDef, hs: HideSet, ex: Expansion | undefined): void {
    this.budget = 0;
    try {
      this.expand(tok, m, hs, ex, false);
    } catch (e) {
      if (e !== LIMIT) throw e;
      this.limitProblem(`expanding '${tok.text}'`, tok, ex);
    }
  }

  /** Whether expanding `m` can yield unbalanced braces: its body, or a macro it names (transitively), has them. */
  mayUnbalance(m: MacroDef): boolean {
    const macros = this.pp.macros;
    const seen = new Set<MacroDef>();
    const stack = [m];
    while (stack.length) {
      const d = stack.pop()!;
      if (d.unbalanced) return true;
      if (seen.size > 256) return true;
      for (let i = 0; i < d.length; i++) {
        if (d.kindAt(i) !== TokenKind.Identifier) continue;
        const n = macros.get(d.spellAt(i));
        if (n && !n.builtin && !seen.has(n)) {
          seen.add(n);
          stack.push(n);
        }
      }
    }
    return false;
  }

  /**
   * The remembered expansion of object-like `m`, computing it on first use; undefined when it cannot be used
   * here (a macro it consulted changed, or the invocation hides one of the names it depends on).
   */
  private memoFor(m: MacroDef, hs: HideSet, tok: Token, sp: boolean): Memo | undefined {
    const pp = this.pp;
    const macros = pp.macros;
    let memo = m.memo;
    if (memo === null) return undefined;
    if (memo !== undefined && !macros.memoValid(memo, hs)) memo = undefined;
    if (memo !== undefined) {
      if (memo.over !== undefined) {
        // It ran out of budget here before; with less budget left than it charged then, it does again.
        if (this.budget + memo.over <= pp.limits.maxExpansionTokens) return undefined;
        if (macros.depLog) for (const d of memo.deps) macros.depLog.push(d);
        this.nestingLimit = false;
        throw LIMIT;
      }
      if (macros.depLog) for (const d of memo.deps) macros.depLog.push(d);
      macros.recordAll(memo.deps);
      return memo;
    }
    if (macros.depLog) return undefined; // inside another remembering: expand the ordinary way
    // Expand on its own, recording every lookup; it must end without reaching past its own tokens.
    const savedFrames = pp.frames;
    const deps: Array<number | MacroDef | undefined> = [m.id, m];
    const budget = this.budget;
    macros.depLog = deps;
    try {
      const exp: Expansion = { macro: m.name, at: tok, callEnd: tok.end, parent: undefined };
      const body = this.subst(m, [], hsAdd(undefined, m.name), exp, sp);
      const seq = this.expandSeq(body);
      // _Pragma is consumed where it is read, not kept: an expansion producing it is replayed the long way.
      if (seq.t.some((t) => t.kind === TokenKind.Identifier && t.spell === S.pragmaOp)) throw NOT_MEMOIZABLE;
      memo = { seq, deps };
    } catch (e) {
      // Out of budget: remembered as such, with what it depended on up to there (see Memo.over).
      if (e === LIMIT && !this.nestingLimit) m.memo = { seq: new Seq(), deps: uniqueDeps(deps), over: this.budget - budget };
      if (e !== NOT_MEMOIZABLE) throw e;
      m.memo = null;
      return undefined;
    } finally {
      pp.frames = savedFrames;
      macros.depLog = undefined;
    }
    m.memo = memo;
    return macros.memoValid(memo, hs) ? memo : undefined;
  }

  private readArgs(m: MacroDef, nameTok: Token, nameEx: Expansion | undefined): { args: Arg[]; rparen: Token; rparenHs: HideSet; rparenEx: Expansion | undefined } | undefined {
    const pp = this.pp;
    const params = m.params!;
    const args: Arg[] = [];
    let cur = new Seq();
    let depth = 0;
    for (;;) {
      const t = pp.nextInExpansion();
      if (!t) {
        pp.report('error', 'unterminated-macro-call', `unterminated argument list invoking macro '${m.name}'`, nameTok, nameEx);
        return undefined;
      }
      if (t.kind === TokenKind.Punct) {
        const id = t.spell;
        if (id === S.lparen) depth++;
        else if (id === S.rparen) {
          if (depth === 0) {
            args.push({ raw: cur });
            const rparenHs = pp.rHs;
            const rparenEx = pp.rEx;
            if (!this.checkArgs(m, params, args, nameTok, nameEx)) return undefined;
            return { args, rparen: t, rparenHs, rparenEx };
          }
          depth--;
        } else if (id === S.comma && depth === 0 && !(m.variadic && args.length === params.length - 1)) {
          args.push({ raw: cur });
          cur = new Seq();
          continue;
        }
      }
      cur.push(t, pp.rHs, pp.rEx, pp.rSp);
    }
  }

  private checkArgs(m: MacroDef, params: string[], args: Arg[], nameTok: Token, nameEx: Expansion | undefined): boolean {
    if (params.length === 0 && args.length === 1 && args[0].raw.length === 0) {
      args.length = 0;
      return true;
    }
    if (m.variadic && args.length === params.length - 1) args.push({ raw: new Seq() });
    if (args.length !== params.length) {
      this.pp.report('error', 'macro-arg-count', `macro '${m.name}' takes ${params.length}${m.variadic ? ' or more' : ''} argument${params.length === 1 ? '' : 's'}, but ${args.length} were given`, nameTok, nameEx);
      return false;
    }
    return true;
  }

  private charge(n: number): void {
    this.budget += n;
    if (this.budget > this.pp.limits.maxExpansionTokens) {
      this.nestingLimit = false;
      throw LIMIT;
    }
  }

  /** The diagnostic for a LIMIT caught while expanding `what`. */
  limitProblem(what: string, at: Token, ex?: Expansion): void {
    const limits = this.pp.limits;
    if (this.nestingLimit) this.pp.report('error', 'nesting-too-deep', `${what}: macro invocations nested more than ${limits.maxMacroNesting} deep in arguments; expansion stopped`, at, ex);
    else this.pp.report('error', 'macro-expansion-limit', `${what} produced more than ${limits.maxExpansionTokens} tokens; expansion stopped`, at, ex);
  }

  /** A directive's operand fully expanded on its own (#if, #include), with a budget of its own. */
  expandOperand(toks: Token[], what: string, at: Token): Token[] | undefined {
    this.budget = 0;
    try {
      return this.expandArg({ raw: Seq.ofTokens(toks) }).t;
    } catch (e) {
      if (e !== LIMIT) throw e;
      this.limitProblem(what, at);
      return undefined;
    }
  }

  /** Fully macro-expands an argument on its own (C11 6.10.3.1). */
  private expandArg(arg: Arg): Seq {
    if (arg.expanded) return arg.expanded;
    const raw = arg.raw;
    const macros = this.pp.macros;
    let any = false;
    for (let k = 0; k < raw.length; k++) {
      const t = raw.t[k];
      if (t.kind !== TokenKind.Identifier) continue;
      const m = macros.lookup(t.spell);
      if (m !== undefined && !raw.hs[k]?.has(m.name)) {
        any = true;
        break;
      }
    }
    return (arg.expanded = any ? this.expandSeq(raw) : raw);
  }

  /** Expands and rescans a sequence on its own, to the end: nothing after it can take part. */
  private expandSeq(seq: Seq): Seq {
    const pp = this.pp;
    // Arguments are pre-expanded recursively (expand → subst → expandArg → expandSeq): bounded, for the stack.
    if (this.argNesting >= pp.limits.maxMacroNesting) {
      this.nestingLimit = true;
      throw LIMIT;
    }
    const saved = pp.frames;
    pp.frames = [seqFrame(seq)];
    const out = new Seq();
    this.argNesting++;
    try {
      while (pp.frames.length) {
        const f: Frame = pp.frames[pp.frames.length - 1];
        const pos = f.pos;
        if (pos >= f.len) {
          pp.frames.pop();
          continue;
        }
        const t = f.toks[pos];
        f.pos++;
        if (f.ctx) {
          out.push(t, f.seq!.hs[pos], f.ctx, pos === 0 ? f.sp0 : f.seq!.sp[pos]);
          continue;
        }
        const s = f.seq!;
        const hs = s.hs[pos];
        const ex = s.ex[pos];
        const sp = s.sp[pos];
        if (t.kind === TokenKind.Identifier) {
          const m = pp.macros.lookup(t.spell);
          if (m !== undefined && !(hs !== undefined && hs.has(m.name)) && this.expand(t, m, hs, ex, sp)) continue;
        }
        out.push(t, hs, ex, sp);
      }
    } finally {
      pp.frames = saved;
      this.argNesting--;
    }
    return out;
  }

  /** For each body token of a function-like macro, the index of the parameter it names (or -1). */
  private paramIndexes(m: MacroDef): Int32Array {
    if (m.paramIndex) return m.paramIndex;
    const idx = new Int32Array(m.length).fill(-1);
    const ids = m.paramIds;
    if (ids) for (let i = 0; i < m.length; i++) if (m.kindAt(i) === TokenKind.Identifier) idx[i] = ids.indexOf(m.spellAt(i));
    return (m.paramIndex = idx);
  }

  private subst(m: MacroDef, args: Arg[], hs: ReadonlySet<string>, exp: Expansion, nameSpace: boolean): Seq {
    const body = m.body;
    const params = m.params;
    const pidx = this.paramIndexes(m);
    const out = new Seq();
    let placemarkers = false;
    const vaIndex = m.variadic && params ? params.length - 1 : -1;
    const n = body.length;
    for (let i = 0; i < n; i++) {
      const t = body[i];
      const space = out.length === 0 ? nameSpace : t.space;
      if (params !== undefined) {
        // # param
        if (t.kind === TokenKind.Punct && t.spell === S.hash && i + 1 < n && pidx[i + 1] >= 0) {
          const arg = args[pidx[i + 1]];
          out.push(this.synthetic(TokenKind.String, stringize(arg.raw), t, space), hs, exp, space);
          i++;
          continue;
        }
        // __VA_OPT__( ... )
        if (m.variadic && t.spell === S.vaOpt && body[i + 1]?.spell === S.lparen) {
          let depth = 0;
          let j = i + 1;
          for (; j < n; j++) {
            if (body[j].spell === S.lparen) depth++;
            else if (body[j].spell === S.rparen && --depth === 0) break;
          }
          const vaEmpty = this.expandArg(args[vaIndex]).length === 0;
          if (!vaEmpty) out.append(this.subst(m.withBody(body.slice(i + 2, j)), args, hs, exp, nameSpace));
          else {
            out.push(PLACEMARKER, undefined, undefined, false);
            placemarkers = true;
          }
          i = j;
          continue;
        }
      }
      // lhs ## rhs
      if (t.kind === TokenKind.Punct && t.spell === S.hashhash && i > 0 && i + 1 < n) {
        const rhsTok = body[i + 1];
        const ri = pidx[i + 1];
        const rhs = new Seq();
        if (ri >= 0) {
          const a = args[ri].raw;
          for (let k = 0; k < a.length; k++) rhs.push(a.t[k], hsUnion(hs, a.hs[k]), exp, k === 0 ? rhsTok.space : a.sp[k]);
        } else rhs.push(rhsTok, hs, exp, rhsTok.space);
        i++;
        const last = out.length - 1;
        const lhs = last >= 0 ? out.t[last] : undefined;
        if (lhs !== undefined && lhs.spell === S.comma && lhs.kind === TokenKind.Punct && ri === vaIndex && ri >= 0) {
          // GNU `, ## __VA_ARGS__`: no paste; the comma goes away only when the variable arguments are absent.
          if (rhs.length) out.append(rhs);
          else out.pop();
          this.charge(rhs.length);
          continue;
        }
        if (lhs === undefined || lhs === PLACEMARKER) {
          if (lhs !== undefined) out.pop();
          if (rhs.length) out.append(rhs);
          else {
            out.push(PLACEMARKER, undefined, undefined, false);
            placemarkers = true;
          }
          continue;
        }
        if (rhs.length === 0) continue;
        const lhsHs = out.hs[last];
        const lhsSp = out.sp[last];
        const pasted = this.paste(lhs, rhs.t[0], exp);
        if (pasted) {
          out.pop();
          out.push(pasted, hsUnion(lhsHs, rhs.hs[0]), exp, lhsSp);
          out.append(rhs, 1);
        } else out.append(rhs);
        continue;
      }
      const pi = pidx[i];
      if (pi >= 0) {
        const arg = args[pi];
        const nextIsPaste = i + 1 < n && body[i + 1].kind === TokenKind.Punct && body[i + 1].spell === S.hashhash;
        const src = nextIsPaste ? arg.raw : this.expandArg(arg);
        if (src.length === 0) {
          if (nextIsPaste) {
            out.push(PLACEMARKER, undefined, undefined, false);
            placemarkers = true;
          }
          continue;
        }
        for (let k = 0; k < src.length; k++) out.push(src.t[k], hsUnion(hs, src.hs[k]), exp, k === 0 ? space : src.sp[k]);
        this.charge(src.length);
        continue;
      }
      out.push(t, hs, exp, space);
    }
    this.charge(out.length);
    if (!placemarkers) return out;
    const result = new Seq();
    for (let k = 0; k < out.length; k++) if (out.t[k] !== PLACEMARKER) result.push(out.t[k], out.hs[k], out.ex[k], out.sp[k]);
    if (result.length && out.t[0] === PLACEMARKER) result.sp[0] = nameSpace;
    return result;
  }

  /** A token the preprocessor makes (a stringized argument, a paste, a builtin's value), placed at `at`. */
  private synthetic(kind: TokenKind, text: string, at: Token, space: boolean): Token {
    // Stringized arguments are not interned (they are many and never looked up); -1 names no spelling.
    const spell = kind === TokenKind.String ? -1 : this.pp.spellings.intern(text);
    return { kind, text, spell, file: at.file, offset: at.offset, end: at.end, bol: false, space };
  }

  /** The token `l ## r` makes, or undefined (reported) when the spellings do not form one token. */
  private paste(l: Token, r: Token, exp: Expansion): Token | undefined {
    const text = l.text + r.text;
    let kind: TokenKind | undefined;
    // The common cases need no lexer: identifier characters glued to an identifier or a pp-number.
    if ((l.kind === TokenKind.Identifier || l.kind === TokenKind.Number) && (r.kind === TokenKind.Identifier || r.kind === TokenKind.Number)) {
      if (l.kind === TokenKind.Number || !/^[0-9]/.test(r.text) || r.kind === TokenKind.Identifier || /^[0-9A-Za-z_$]*$/.test(r.text)) kind = l.kind;
    }
    if (kind === undefined) {
      const scratch = new Problems();
      const toks = lex(new SourceFile(0, '<paste>', text), scratch, this.pp.spellings);
      if (toks.length === 2 && scratch.list.length === 0) kind = toks[0].kind;
    }
    if (kind === undefined) {
      this.pp.report('error', 'invalid-paste', `pasting '${l.text}' and '${r.text}' does not give a valid token`, exp.at, exp.parent);
      return undefined;
    }
    return this.synthetic(kind, text, l, l.space);
  }

  private expandBuiltin(tok: Token, m: MacroDef, ex: Expansion | undefined, sp: boolean): boolean {
    const pp = this.pp;
    // A builtin's value depends on where and when it is expanded: an expansion using one is not remembered.
    this.notWhileRemembering();
    const exp: Expansion = { macro: m.name, at: tok, callEnd: tok.end, parent: ex };
    const push = (kind: TokenKind, text: string): true => {
      const s = new Seq();
      s.push(this.synthetic(kind, text, tok, sp), undefined, exp, sp);
      pp.frames.push(seqFrame(s));
      return true;
    };
    const loc = locationOf(tok, ex);
    switch (m.name) {
      case '__FILE__':
        return push(TokenKind.String, JSON.stringify(loc.file.path));
      case '__BASE_FILE__':
        return push(TokenKind.String, JSON.stringify(pp.baseFile));
      case '__LINE__':
        return push(TokenKind.Number, String(loc.file.position(loc.offset).line));
      case '__COUNTER__':
        return push(TokenKind.Number, String(this.counter++));
      case '__INCLUDE_LEVEL__':
        return push(TokenKind.Number, String(Math.max(0, pp.frames.filter((f) => f.file).length - 1)));
      case '__DATE__':
        return push(TokenKind.String, '"Jan  1 2026"');
      case '__TIME__':
        return push(TokenKind.String, '"00:00:00"');
      case '__TIMESTAMP__':
        return push(TokenKind.String, '"Thu Jan  1 00:00:00 2026"');
    }
    // __has_* outside #if: evaluate the same way, producing 0 or 1.
    const next = pp.peekInExpansion();
    if (!next || next.spell !== S.lparen) return false;
    pp.nextInExpansion();
    const inner: Token[] = [];
    let depth = 0;
    for (;;) {
      const t = pp.nextInExpansion();
      if (!t) break;
      if (t.spell === S.lparen) depth++;
      if (t.spell === S.rparen && depth-- === 0) break;
      inner.push(t);
    }
    return push(TokenKind.Number, this.hasOperator(m.name, inner) ? '1' : '0');
  }

  hasOperator(name: string, arg: Token[]): boolean {
    const word = arg.map((t) => t.text).join('');
    switch (name) {
      case '__has_include':
      case '__has_include_next': {
        const spelled = arg.length === 1 && arg[0].kind === TokenKind.String ? arg[0].text : word;
        const parsed = parseHeaderName(spelled);
        if (!parsed) return false;
        return this.pp.directives.resolveInclude(parsed.name, parsed.quoted, name === '__has_include_next') !== undefined;
      }
      case '__has_attribute': {
        const n = word.replace(/^.*::/, '').replace(/^__(.*)__$/, '$1');
        return GCC_ATTRIBUTES.has(n);
      }
      case '__has_builtin':
        return (GCC_BUILTIN_PREFIXES.some((p) => word.startsWith(p)) && !NOT_GCC12_BUILTINS.has(word)) || word === '__builtin_offsetof' || word === '__builtin_types_compatible_p';
      default:
        return false;
    }
  }
}

export function parseHeaderName(spelled: string): { name: string; quoted: boolean } | undefined {
  if (spelled.length >= 2 && spelled[0] === '"' && spelled[spelled.length - 1] === '"') return { name: spelled.slice(1, -1), quoted: true };
  if (spelled.length >= 2 && spelled[0] === '<' && spelled[spelled.length - 1] === '>') return { name: spelled.slice(1, -1), quoted: false };
  return undefined;
}
