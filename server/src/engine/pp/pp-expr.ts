// #if expressions: integer constant expressions in intmax_t / uintmax_t, after `defined` and macro expansion.

import { decodeCharConstant } from '../base/charconst';
import type { CodeOf } from '../base/problems';
import { decodeNumber, TOO_LARGE_MESSAGE } from '../base/numbers';
import { Token, TokenKind } from '../base/token';

export interface PPValue {
  v: bigint;
  unsigned: boolean;
}

export class PPExprError extends Error {
  constructor(
    message: string,
    readonly tok: Token | undefined,
    readonly code: CodeOf<'error'> = 'pp-expr',
  ) {
    super(message);
  }
}

const wrap = (v: bigint, unsigned: boolean): PPValue => ({ v: unsigned ? BigInt.asUintN(64, v) : BigInt.asIntN(64, v), unsigned });

const BIN_PREC: Record<string, number> = {
  '||': 1, '&&': 2, '|': 3, '^': 4, '&': 5, '==': 6, '!=': 6, '<': 7, '>': 7, '<=': 7, '>=': 7, '<<': 8, '>>': 8, '+': 9, '-': 9, '*': 10, '/': 10, '%': 10,
};

/** Evaluates tokens that contain only numbers, character constants, operators and (already zeroed) identifiers. */
/** `warn` hears of what gcc accepts with a warning (an integer constant wider than 64 bits). */
export function evalPPExpr(tokens: Token[], charSigned: boolean, warn?: (message: string, at: Token) => void): PPValue {
  let pos = 0;
  let depth = 0;
  const peek = () => tokens[pos];
  const is = (t: string) => pos < tokens.length && tokens[pos].kind === TokenKind.Punct && tokens[pos].text === t;

  const primary = (evaluate: boolean): PPValue => {
    const t = tokens[pos];
    if (!t) throw new PPExprError('expected a value at the end of the #if expression', tokens[tokens.length - 1]);
    if (t.kind === TokenKind.Punct && t.text === '(') {
      pos++;
      if (++depth > 1000) throw new PPExprError('#if expression nested too deeply', t, 'nesting-too-deep');
      const v = comma(evaluate);
      depth--;
      if (!is(')')) throw new PPExprError("missing ')' in #if expression", peek() ?? t);
      pos++;
      return v;
    }
    if (t.kind === TokenKind.Punct && (t.text === '-' || t.text === '+' || t.text === '~' || t.text === '!')) {
      pos++;
      if (++depth > 1000) throw new PPExprError('#if expression nested too deeply', t, 'nesting-too-deep');
      const a = primary(evaluate);
      depth--;
      if (t.text === '-') return wrap(-a.v, a.unsigned);
      if (t.text === '+') return a;
      if (t.text === '~') return wrap(~a.v, a.unsigned);
      return { v: a.v === 0n ? 1n : 0n, unsigned: false };
    }
    pos++;
    if (t.kind === TokenKind.Number) return parseNumber(t, warn);
    if (t.kind === TokenKind.Char) return parseChar(t, charSigned);
    if (t.kind === TokenKind.Identifier) return { v: 0n, unsigned: false };
    throw new PPExprError(`unexpected '${t.text}' in #if expression`, t);
  };

  const binary = (minPrec: number, evaluate: boolean): PPValue => {
    let l = primary(evaluate);
    for (;;) {
      const t = tokens[pos];
      if (!t || t.kind !== TokenKind.Punct) return l;
      const prec = BIN_PREC[t.text];
      if (prec === undefined || prec <= minPrec) return l;
      pos++;
      if (t.text === '&&') {
        const r = binary(prec, evaluate && l.v !== 0n);
        l = { v: l.v !== 0n && r.v !== 0n ? 1n : 0n, unsigned: false };
        continue;
      }
      if (t.text === '||') {
        const r = binary(prec, evaluate && l.v === 0n);
        l = { v: l.v !== 0n || r.v !== 0n ? 1n : 0n, unsigned: false };
        continue;
      }
      const r = binary(prec, evaluate);
      l = apply(t, l, r, evaluate);
    }
  };

  const conditional = (evaluate: boolean): PPValue => {
    const c = binary(0, evaluate);
    if (!is('?')) return c;
    const q = tokens[pos];
    pos++;
    if (++depth > 1000) throw new PPExprError('#if expression nested too deeply', q, 'nesting-too-deep');
    const a = comma(evaluate && c.v !== 0n);
    if (!is(':')) throw new PPExprError("expected ':' in #if expression", peek() ?? tokens[pos - 1]);
    pos++;
    const b = conditional(evaluate && c.v === 0n);
    depth--;
    const unsigned = a.unsigned || b.unsigned;
    return wrap(c.v !== 0n ? a.v : b.v, unsigned);
  };

  const comma = (evaluate: boolean): PPValue => {
    let v = conditional(evaluate);
    while (is(',')) {
      pos++;
      v = conditional(evaluate);
    }
    return v;
  };

  if (tokens.length === 0) throw new PPExprError('#if with no expression', undefined);
  const v = comma(true);
  if (pos < tokens.length) throw new PPExprError(`unexpected '${tokens[pos].text}' in #if expression`, tokens[pos]);
  return v;
}

function apply(op: Token, l: PPValue, r: PPValue, evaluate: boolean): PPValue {
  const unsigned = l.unsigned || r.unsigned;
  const a = unsigned ? BigInt.asUintN(64, l.v) : l.v;
  const b = unsigned ? BigInt.asUintN(64, r.v) : r.v;
  const bool = (x: boolean): PPValue => ({ v: x ? 1n : 0n, unsigned: false });
  switch (op.text) {
    case '*': return wrap(a * b, unsigned);
    case '/':
    case '%':
      if (b === 0n) {
        if (!evaluate) return { v: 0n, unsigned };
        throw new PPExprError('division by zero in #if', op, 'pp-div-zero');
      }
      return wrap(op.text === '/' ? a / b : a % b, unsigned);
    case '+': return wrap(a + b, unsigned);
    case '-': return wrap(a - b, unsigned);
    case '<<': return wrap(r.v >= 64n || r.v < 0n ? 0n : (l.unsigned ? BigInt.asUintN(64, l.v) : l.v) << r.v, l.unsigned);
    case '>>': return wrap(r.v >= 64n || r.v < 0n ? (l.v < 0n && !l.unsigned ? -1n : 0n) : (l.unsigned ? BigInt.asUintN(64, l.v) : l.v) >> r.v, l.unsigned);
    case '<': return bool(a < b);
    case '>': return bool(a > b);
    case '<=': return bool(a <= b);
    case '>=': return bool(a >= b);
    case '==': return bool(a === b);
    case '!=': return bool(a !== b);
    case '&': return wrap(a & b, unsigned);
    case '^': return wrap(a ^ b, unsigned);
    case '|': return wrap(a | b, unsigned);
  }
  throw new PPExprError(`operator '${op.text}' is not allowed in #if`, op);
}

function parseNumber(t: Token, warn?: (message: string, at: Token) => void): PPValue {
  const d = decodeNumber(t.text);
  if (d.kind === 'float') throw new PPExprError('floating constant in preprocessor expression', t, 'bad-number');
  if (d.kind === 'error') throw new PPExprError(d.message, t, 'bad-number');
  if (d.tooLarge) warn?.(TOO_LARGE_MESSAGE, t);
  // In #if every integer is intmax_t or uintmax_t: unsigned with a u suffix, or when too large for intmax_t.
  return wrap(d.value, d.unsigned || d.value > 2n ** 63n - 1n);
}

function parseChar(t: Token, charSigned: boolean): PPValue {
  return { v: decodeCharConstant(t.text, charSigned).value, unsigned: false };
}
