// Integer constant expressions with C's types and conversions: sizeof, alignof and offsetof come from the layout.

import { ScalarKind } from '../base/abi';
import { Expr, IntType } from './expr';
import { Layouter } from './layout';
import { isFloatKind, isInteger, scalar, Type } from './types';

export type Value = { kind: 'int'; v: bigint; t: IntType } | { kind: 'ptr'; v: bigint } | { kind: 'float'; v: number };

export type EvalResult = { ok: true; value: Value } | { ok: false; reason: string; at: Expr };

const INT: IntType = { bits: 32, signed: true };

export class Evaluator {
  constructor(readonly layouter: Layouter) {}

  private get abi() {
    return this.layouter.abi;
  }

  /** The integer type of a scalar or enum type, or undefined for non-integers. */
  intTypeOf(t: Type): IntType | undefined {
    if (t.kind === 'enum') {
      this.layouter.onRead?.(t.def);
      return t.def.underlying ? this.intTypeOf(scalar(t.def.underlying)) : INT;
    }
    if (t.kind === 'pointer') return { bits: this.abi.pointerSize * 8, signed: false };
    if (t.kind !== 'scalar') return undefined;
    const k = t.scalar;
    if (k === 'void' || isFloatKind(k)) return undefined;
    const signed = k === 'char' ? this.abi.charSigned : !(k === 'bool' || k.startsWith('u'));
    return { bits: this.abi.scalars[k].size * 8, signed };
  }

  get sizeType(): IntType {
    return { bits: this.abi.pointerSize * 8, signed: false };
  }

  /** Evaluate as an integer; everything else is an error. */
  evalInt(e: Expr): { ok: true; v: bigint; t: IntType } | { ok: false; reason: string; at: Expr } {
    const r = this.eval(e);
    if (!r.ok) return r;
    if (r.value.kind === 'int') return { ok: true, v: r.value.v, t: r.value.t };
    if (r.value.kind === 'ptr') return { ok: true, v: r.value.v, t: this.sizeType };
    return { ok: false, reason: 'not an integer constant', at: e };
  }

  eval(e: Expr): EvalResult {
    try {
      return { ok: true, value: this.ev(e) };
    } catch (err) {
      if (err instanceof NotConstant) return { ok: false, reason: err.message, at: err.at };
      throw err;
    }
  }

  private fail(at: Expr, reason: string): never {
    throw new NotConstant(reason, at);
  }

  private int(v: bigint, t: IntType): Value {
    return { kind: 'int', v: t.signed ? BigInt.asIntN(t.bits, v) : BigInt.asUintN(t.bits, v), t };
  }

  private truthy(v: Value): boolean {
    return v.kind === 'float' ? v.v !== 0 : v.v !== 0n;
  }

  private promote(t: IntType): IntType {
    return t.bits < 32 ? INT : t;
  }

  private common(a: IntType, b: IntType): IntType {
    a = this.promote(a);
    b = this.promote(b);
    if (a.signed === b.signed) return { bits: Math.max(a.bits, b.bits), signed: a.signed };
    const u = a.signed ? b : a;
    const s = a.signed ? a : b;
    return u.bits >= s.bits ? u : s;
  }

  private asInt(v: Value, at: Expr): { v: bigint; t: IntType } {
    if (v.kind === 'int') return v;
    if (v.kind === 'ptr') return { v: v.v, t: this.sizeType };
    return this.fail(at, 'floating value in an integer constant expression');
  }

  private size(t: Type, at: Expr): bigint {
    const n = this.layouter.sizeOf(t);
    if (n === undefined) this.fail(at, `size of '${describe(t)}' is not known`);
    return BigInt(n);
  }

  private ev(e: Expr): Value {
    switch (e.k) {
      case 'int':
        return this.int(e.value, this.intTypeOf(e.type) ?? INT);
      case 'float':
        return { kind: 'float', v: e.value };
      case 'string':
        return this.fail(e, 'a string is not an integer constant');
      case 'ident':
        if (e.binding.kind === 'enumerator') return this.int(e.binding.value, this.intTypeOf(e.binding.type) ?? INT);
        if (e.binding.kind === 'variable') return this.fail(e, `'${e.name}' is a variable, not a constant`);
        return this.fail(e, `'${e.name}' is not declared`);
      case 'sizeof': {
        const t = e.type ?? (e.arg ? this.typeOf(e.arg) : undefined);
        if (!t) return this.fail(e, 'cannot tell the type of the sizeof operand');
        if (t.kind === 'array' && t.length === undefined && !t.lengthUnknown) return this.fail(e, 'sizeof an array of unknown length');
        return this.int(this.size(t, e), this.sizeType);
      }
      case 'alignof': {
        const t = e.type ?? (e.arg ? this.typeOf(e.arg) : undefined);
        if (!t) return this.fail(e, 'cannot tell the type of the alignof operand');
        const a = e.preferred ? this.layouter.prefAlignOf(t) : this.layouter.c11AlignOf(t);
        if (a === undefined) return this.fail(e, `alignment of '${describe(t)}' is not known`);
        return this.int(BigInt(a), this.sizeType);
      }
      case 'offsetof':
        return this.int(this.offsetof(e), this.sizeType);
      case 'unary': {
        if (e.op === '&' || e.op === '*') return this.fail(e, `'${e.op}' in a constant expression is not supported`);
        const a = this.ev(e.arg);
        if (e.op === '!') return this.int(this.truthy(a) ? 0n : 1n, INT);
        if (a.kind === 'float') return { kind: 'float', v: e.op === '-' ? -a.v : a.v };
        const x = this.asInt(a, e.arg);
        const t = this.promote(x.t);
        if (e.op === '-') return this.int(-x.v, t);
        if (e.op === '~') return this.int(~x.v, t);
        return this.int(x.v, t);
      }
      case 'cast': {
        const a = this.ev(e.arg);
        const t = e.type;
        if (t.kind === 'scalar' && t.scalar === 'bool') return this.int(this.truthy(a) ? 1n : 0n, { bits: 8, signed: false });
        if (t.kind === 'scalar' && t.scalar === 'void') return this.int(0n, INT);
        if (t.kind === 'pointer') return { kind: 'ptr', v: a.kind === 'float' ? BigInt(Math.trunc(a.v)) : a.v };
        const it = this.intTypeOf(t);
        if (it) return this.int(a.kind === 'float' ? BigInt(Math.trunc(a.v)) : a.v, it);
        if (t.kind === 'scalar') return { kind: 'float', v: Number(a.v) };
        return this.fail(e, `cast to '${describe(t)}' is not a constant`);
      }
      case 'cond': {
        const c = this.ev(e.c);
        if (this.truthy(c)) return e.t ? this.ev(e.t) : c;
        return this.ev(e.f);
      }
      case 'binary':
        return this.binary(e);
      case 'call':
        return this.call(e);
      case 'typesCompatible':
        if (hasUnknown(e.a) || hasUnknown(e.b)) return this.fail(e, 'a type in __builtin_types_compatible_p is not known');
        return this.int(compatible(e.a, e.b) ? 1n : 0n, INT);
      case 'member':
      case 'index':
        return this.fail(e, 'member access is not a constant expression');
      case 'unsupported':
        return this.fail(e, `${e.what} is not supported in constant expressions`);
    }
  }

  private binary(e: Expr & { k: 'binary' }): Value {
    const op = e.op;
    if (op === '&&') {
      if (!this.truthy(this.ev(e.l))) return this.int(0n, INT);
      return this.int(this.truthy(this.ev(e.r)) ? 1n : 0n, INT);
    }
    if (op === '||') {
      if (this.truthy(this.ev(e.l))) return this.int(1n, INT);
      return this.int(this.truthy(this.ev(e.r)) ? 1n : 0n, INT);
    }
    if (op === ',') {
      this.ev(e.l);
      return this.ev(e.r);
    }
    const lv = this.ev(e.l);
    const rv = this.ev(e.r);
    if (lv.kind === 'float' || rv.kind === 'float') {
      const a = Number(lv.v);
      const b = Number(rv.v);
      const cmp = (x: boolean) => this.int(x ? 1n : 0n, INT);
      switch (op) {
        case '+': return { kind: 'float', v: a + b };
        case '-': return { kind: 'float', v: a - b };
        case '*': return { kind: 'float', v: a * b };
        case '/': return { kind: 'float', v: a / b };
        case '<': return cmp(a < b);
        case '>': return cmp(a > b);
        case '<=': return cmp(a <= b);
        case '>=': return cmp(a >= b);
        case '==': return cmp(a === b);
        case '!=': return cmp(a !== b);
      }
      return this.fail(e, `'${op}' on floating values`);
    }
    const l = this.asInt(lv, e.l);
    const r = this.asInt(rv, e.r);
    if (op === '<<' || op === '>>') {
      const t = this.promote(l.t);
      if (r.v < 0n || r.v >= BigInt(t.bits)) return this.fail(e, `shift count ${r.v} is out of range for a ${t.bits}-bit value`);
      return this.int(op === '<<' ? l.v << r.v : l.v >> r.v, t);
    }
    const t = this.common(l.t, r.t);
    const a = t.signed ? BigInt.asIntN(t.bits, l.v) : BigInt.asUintN(t.bits, l.v);
    const b = t.signed ? BigInt.asIntN(t.bits, r.v) : BigInt.asUintN(t.bits, r.v);
    const bool = (x: boolean) => this.int(x ? 1n : 0n, INT);
    switch (op) {
      case '+': return this.int(a + b, t);
      case '-': return this.int(a - b, t);
      case '*': return this.int(a * b, t);
      case '/':
        if (b === 0n) return this.fail(e, 'division by zero');
        return this.int(a / b, t);
      case '%':
        if (b === 0n) return this.fail(e, 'division by zero');
        return this.int(a % b, t);
      case '&': return this.int(a & b, t);
      case '|': return this.int(a | b, t);
      case '^': return this.int(a ^ b, t);
      case '<': return bool(a < b);
      case '>': return bool(a > b);
      case '<=': return bool(a <= b);
      case '>=': return bool(a >= b);
      case '==': return bool(a === b);
      case '!=': return bool(a !== b);
    }
    return this.fail(e, `operator '${op}' is not supported`);
  }

  private call(e: Expr & { k: 'call' }): Value {
    switch (e.name) {
      case '__builtin_constant_p':
        return this.int(e.args.length === 1 && this.eval(e.args[0]).ok ? 1n : 0n, INT);
      case '__builtin_expect':
        if (e.args.length >= 1) return this.ev(e.args[0]);
        break;
      case '__builtin_choose_expr':
        if (e.args.length === 3) return this.truthy(this.ev(e.args[0])) ? this.ev(e.args[1]) : this.ev(e.args[2]);
        break;
      case '__builtin_strlen': {
        // gcc folds strlen of a string literal (module_param_named's static_assert on the parameter name).
        const a = e.args[0];
        if (e.args.length === 1 && a.k === 'string' && a.strlen !== undefined) return this.int(BigInt(a.strlen), this.sizeType);
        break;
      }
    }
    // Byte swaps fold to constants in gcc (cpu_to_be16() in enumerators, include/linux/sctp.h).
    const swap = /^__builtin_bswap(16|32|64)$/.exec(e.name ?? '');
    if (swap && e.args.length === 1) {
      const width = Number(swap[1]);
      let v = BigInt.asUintN(width, this.evalIntOrFail(e.args[0]));
      let r = 0n;
      for (let i = 0; i < width / 8; i++) {
        r = (r << 8n) | (v & 0xffn);
        v >>= 8n;
      }
      return this.int(r, { bits: width, signed: false });
    }
    const bits = /^__builtin_(clz|ctz|popcount|ffs|parity)(l|ll)?$/.exec(e.name ?? '');
    if (bits && e.args.length === 1) {
      const width = bits[2] === 'll' ? 64 : bits[2] === 'l' ? this.abi.wordSize * 8 : 32;
      const v = BigInt.asUintN(width, this.evalIntOrFail(e.args[0]));
      const str = v.toString(2);
      const ones = [...str].filter((c) => c === '1').length;
      switch (bits[1]) {
        case 'clz':
          if (v === 0n) return this.fail(e, `${e.name}(0) is undefined`);
          return this.int(BigInt(width - str.length), INT);
        case 'ctz':
          if (v === 0n) return this.fail(e, `${e.name}(0) is undefined`);
          return this.int(BigInt(str.length - 1 - str.lastIndexOf('1')), INT);
        case 'ffs':
          return this.int(v === 0n ? 0n : BigInt(str.length - str.lastIndexOf('1')), INT);
        case 'popcount':
          return this.int(BigInt(ones), INT);
        case 'parity':
          return this.int(BigInt(ones & 1), INT);
      }
    }
    return this.fail(e, `call to '${e.name ?? 'a function'}' is not a constant expression`);
  }

  /** Byte offset designated by offsetof(type, a.b[2].c). */
  private offsetof(e: Expr & { k: 'offsetof' }): bigint {
    let t: Type = e.type;
    let off = 0n;
    for (const step of e.path) {
      if ('member' in step) {
        if (t.kind !== 'record') return this.fail(e, `'${describe(t)}' has no members (looking for '${step.member}')`);
        // Whether it is complete is part of what the answer depends on.
        this.layouter.onRead?.(t.def);
        if (!t.def.members) return this.fail(e, `'${describe(t)}' is incomplete`);
        const fm = this.layouter.findMember(t.def, step.member);
        if (!fm) return this.fail(e, `'${describe(t)}' has no member named '${step.member}'`);
        if (fm.isBitfield) return this.fail(e, `'${step.member}' is a bitfield; offsetof cannot take it`);
        if (fm.bitOffset === undefined) return this.fail(e, `the offset of '${step.member}' in '${describe(t)}' is not known`);
        off += BigInt(fm.bitOffset / 8);
        t = fm.member.type;
      } else {
        if (t.kind !== 'array') return this.fail(e, `'${describe(t)}' is not an array`);
        const i = this.evalIntOrFail(step.index);
        off += i * this.size(t.of, e);
        t = t.of;
      }
    }
    return off;
  }

  private evalIntOrFail(e: Expr): bigint {
    return this.asInt(this.ev(e), e).v;
  }

  /** Static type of an expression, for sizeof/typeof/alignof of expressions. */
  typeOf(e: Expr): Type | undefined {
    switch (e.k) {
      case 'int':
      case 'float':
        return e.type;
      case 'string':
        return e.length === undefined ? { kind: 'array', of: scalar('char'), length: undefined, lengthUnknown: true } : { kind: 'array', of: scalar('char'), length: e.length };
      case 'ident':
        return e.binding.kind === 'unknown' ? undefined : e.binding.type;
      case 'cast':
        return e.type;
      case 'sizeof':
      case 'alignof':
      case 'offsetof':
        return scalar(this.abi.pointerSize === 8 ? 'ulong' : 'uint');
      case 'typesCompatible':
        return scalar('int');
      case 'member': {
        let t = this.typeOf(e.arg);
        if (!t) return undefined;
        if (e.arrow) {
          if (t.kind !== 'pointer' && t.kind !== 'array') return undefined;
          t = t.kind === 'pointer' ? t.to : t.of;
        }
        if (t.kind !== 'record') return undefined;
        this.layouter.onRead?.(t.def);
        if (!t.def.members) return undefined;
        return this.layouter.findMember(t.def, e.name)?.member.type;
      }
      case 'index': {
        const t = this.typeOf(e.arg) ?? this.typeOf(e.index);
        if (!t) return undefined;
        return t.kind === 'pointer' ? t.to : t.kind === 'array' ? t.of : undefined;
      }
      case 'unary': {
        const t = this.typeOf(e.arg);
        if (!t) return undefined;
        if (e.op === '*') return t.kind === 'pointer' ? t.to : t.kind === 'array' ? t.of : undefined;
        if (e.op === '&') return { kind: 'pointer', to: t };
        if (e.op === '!') return scalar('int');
        return this.promoteType(t);
      }
      case 'binary': {
        if (['<', '>', '<=', '>=', '==', '!=', '&&', '||'].includes(e.op)) return scalar('int');
        if (e.op === ',') return this.typeOf(e.r);
        const l = this.typeOf(e.l);
        const r = this.typeOf(e.r);
        if (!l || !r) return undefined;
        if (l.kind === 'pointer' || l.kind === 'array') return e.op === '-' && (r.kind === 'pointer' || r.kind === 'array') ? scalar(this.abi.pointerSize === 8 ? 'long' : 'int') : l;
        if (r.kind === 'pointer' || r.kind === 'array') return r;
        if (e.op === '<<' || e.op === '>>') return this.promoteType(l);
        const li = this.intTypeOf(l);
        const ri = this.intTypeOf(r);
        if (!li || !ri) return l.kind === 'scalar' && r.kind === 'scalar' ? (rankFloat(l.scalar) >= rankFloat(r.scalar) ? l : r) : undefined;
        return this.kindOf(this.common(li, ri));
      }
      case 'cond':
        return this.typeOf(e.t ?? e.c) ?? this.typeOf(e.f);
      case 'call':
        if (e.name === '__builtin_choose_expr' && e.args.length === 3) {
          const c = this.eval(e.args[0]);
          return this.typeOf(c.ok && this.truthy(c.value) ? e.args[1] : e.args[2]);
        }
        if (e.name === '__builtin_expect' && e.args.length >= 1) return this.typeOf(e.args[0]);
        if (e.name === '__builtin_constant_p') return scalar('int');
        return undefined;
      case 'unsupported':
        return undefined;
    }
  }

  private promoteType(t: Type): Type | undefined {
    const it = this.intTypeOf(t);
    if (!it) return t;
    return this.kindOf(this.promote(it));
  }

  private kindOf(t: IntType): Type {
    const w = this.abi.wordSize * 8;
    if (t.bits <= 32) return scalar(t.signed ? 'int' : 'uint');
    if (t.bits === 128) return scalar(t.signed ? 'int128' : 'uint128');
    if (w === 64) return scalar(t.signed ? 'long' : 'ulong');
    return scalar(t.signed ? 'llong' : 'ullong');
  }
}

function rankFloat(k: ScalarKind): number {
  return k === 'float128' ? 4 : k === 'ldouble' ? 3 : k === 'double' ? 2 : k === 'float' ? 1 : k === 'float16' ? 0.5 : 0;
}

/** Thrown and caught inside this module only; not an Error, whose stack trace cost more than the evaluation on broken input. */
class NotConstant {
  constructor(
    readonly message: string,
    readonly at: Expr,
  ) {}
}

function describe(t: Type): string {
  if (t.typedefName) return t.typedefName;
  if (t.kind === 'record') return `${t.def.kind} ${t.def.tag ?? '<anonymous>'}`;
  if (t.kind === 'enum') return `enum ${t.def.tag ?? '<anonymous>'}`;
  if (t.kind === 'unknown') return t.name;
  if (t.kind === 'scalar') return t.scalar;
  return t.kind;
}

function hasUnknown(t: Type): boolean {
  if (t.kind === 'unknown') return true;
  if (t.kind === 'pointer') return hasUnknown(t.to);
  if (t.kind === 'array') return hasUnknown(t.of);
  if (t.kind === 'function') return hasUnknown(t.returns);
  return false;
}

/** __builtin_types_compatible_p: same type ignoring qualifiers; typedefs are transparent. */
function compatible(a: Type, b: Type): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'scalar':
      return b.kind === 'scalar' && a.scalar === b.scalar;
    case 'complex':
      return b.kind === 'complex' && a.of === b.of;
    case 'vector':
      return b.kind === 'vector' && a.bytes === b.bytes && compatible(a.of, b.of);
    case 'pointer':
      return b.kind === 'pointer' && compatible(a.to, b.to);
    case 'array':
      return b.kind === 'array' && (a.length === undefined || b.length === undefined || a.length === b.length) && compatible(a.of, b.of);
    case 'record':
      return b.kind === 'record' && a.def === b.def;
    case 'enum':
      return b.kind === 'enum' && a.def === b.def;
    case 'function':
      return b.kind === 'function' && compatible(a.returns, b.returns);
    case 'unknown':
      return false;
  }
}

export { isInteger };
