// Verdicts for static assertions, explained with the values on both sides.

import type { AssertVerdict } from './analyze';
import { Expr } from '../sema/expr';
import { StaticAssertDecl } from '../sema/parser';
import { locationOf, Token, TokenKind, TokenStream } from '../base/token';

/** Longest text of an operand in an assertion's detail: a side can span a broken file's whole rest. */
const MAX_TEXT = 2000;

/** Tokens s..e (inclusive) joined as written after expansion; __builtin_offsetof reads as offsetof. Cut at MAX_TEXT, with '…'. */
export function tokenText(stream: TokenStream, s: number, e: number): string {
  const tokens = stream.tokens;
  let out = '';
  for (let i = s; i <= e && i < tokens.length; i++) {
    const t = tokens[i];
    if (t.kind === TokenKind.EOF) break;
    if (out.length > MAX_TEXT) return `${out} …`;
    if (out && stream.spaces[i]) out += ' ';
    out += t.text === '__builtin_offsetof' ? 'offsetof' : t.text;
  }
  return out;
}

/** The span of source the user wrote for tokens s..e: through macro invocations to their closing parenthesis. */
export function userSpan(stream: TokenStream, s: number, e: number): { file: Token['file']; offset: number; end: number } {
  const first = locationOf(stream.tokens[s], stream.exps[s]);
  const lastTok = stream.tokens[e];
  let exp = stream.exps[e];
  let end: number;
  if (exp) {
    while (exp.parent) exp = exp.parent;
    end = exp.callEnd ?? exp.at.end;
    if (exp.at.file !== first.file) end = first.end;
  } else end = lastTok.file === first.file ? lastTok.end : first.end;
  return { file: first.file, offset: first.offset, end: Math.max(end, first.end) };
}

/** Evaluates one side of a comparison; undefined when it is not a constant. */
export type SideEvaluator = (e: Expr) => bigint | undefined;

export function explainAssert(a: StaticAssertDecl, stream: TokenStream, side: SideEvaluator): AssertVerdict {
  const span = userSpan(stream, a.s, a.e);
  const text = span.file.text.slice(span.offset, span.end);
  const base = { file: span.file, offset: span.offset, end: span.end, text, message: a.message, s: a.s, e: a.e };
  if (!a.expr || !a.result) return { ...base, holds: null, detail: 'the assertion could not be parsed' };
  if (!a.result.ok) {
    const where = tokenText(stream, a.result.at.s, a.result.at.e);
    return { ...base, holds: null, detail: `cannot evaluate ${where}: ${a.result.reason}` };
  }
  const v = a.result.value;
  const holds = v.kind === 'float' ? v.v !== 0 : v.v !== 0n;
  let e = a.expr;
  while (e.k === 'unary' && e.op === '!' && e.arg.k === 'unary' && e.arg.op === '!') e = e.arg.arg;
  const sides = collectComparisons(e, side).map((c): [bigint | undefined, bigint | undefined] => [c.lv, c.rv]);
  return { ...base, holds, detail: describeComparison(a.expr, stream, holds, side), sides };
}

function describeComparison(expr: Expr, stream: TokenStream, holds: boolean, side: SideEvaluator): string {
  let e = expr;
  while (e.k === 'unary' && e.op === '!' && e.arg.k === 'unary' && e.arg.op === '!') e = e.arg.arg;
  const values = collectComparisons(e, side);
  if (values.length === 0) return holds ? 'holds' : `${tokenText(stream, expr.s, expr.e)} is false`;
  return values
    .map(({ op, l, r, lv, rv }) => {
      const lt = tokenText(stream, l.s, l.e);
      const rt = tokenText(stream, r.s, r.e);
      if (lv === undefined || rv === undefined) return `${lt} ${op} ${rt}`;
      const ok = compare(op, lv, rv);
      if (op === '==') return ok ? `${lt} = ${rt} = ${lv}` : `${lt} is ${lv} but ${rt} is ${rv}`;
      return `${lt} is ${lv}, ${rt} is ${rv}: '${op}' ${ok ? 'holds' : 'fails'}`;
    })
    .join('; ');
}

interface Cmp {
  op: string;
  l: Expr;
  r: Expr;
  lv: bigint | undefined;
  rv: bigint | undefined;
}

/** Comparisons joined by && (the shape of every layout assertion), with their evaluated sides. */
function collectComparisons(e: Expr, side: SideEvaluator): Cmp[] {
  if (e.k === 'binary' && e.op === '&&') return [...collectComparisons(e.l, side), ...collectComparisons(e.r, side)];
  if (e.k === 'binary' && ['==', '!=', '<', '<=', '>', '>='].includes(e.op)) {
    return [{ op: e.op, l: e.l, r: e.r, lv: side(e.l), rv: side(e.r) }];
  }
  return [];
}

function compare(op: string, a: bigint, b: bigint): boolean {
  switch (op) {
    case '==': return a === b;
    case '!=': return a !== b;
    case '<': return a < b;
    case '<=': return a <= b;
    case '>': return a > b;
    default: return a >= b;
  }
}
