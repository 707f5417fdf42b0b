// C's strtoll/strtoull as Kconfig uses them (prefixes, partial parses, overflow), on BigInt.

const LLONG_MAX = (1n << 63n) - 1n;
const LLONG_MIN = -(1n << 63n);
const ULLONG_MAX = (1n << 64n) - 1n;

export interface CParse {
  value: bigint;
  /** Index just after the last character used; 0 when nothing was converted. */
  end: number;
  overflow: boolean;
}

const isSpace = (c: string) => c === ' ' || c === '\t' || c === '\n' || c === '\v' || c === '\f' || c === '\r';

function digitValue(c: string): number {
  const k = c.charCodeAt(0);
  if (k >= 48 && k <= 57) return k - 48;
  if (k >= 97 && k <= 122) return k - 87;
  if (k >= 65 && k <= 90) return k - 55;
  return 99;
}

/** strtoll (signed) or strtoull (unsigned) with base 0, 10 or 16. */
export function strtol(s: string, base: number, unsigned: boolean): CParse {
  let i = 0;
  while (i < s.length && isSpace(s[i])) i++;
  let neg = false;
  if (s[i] === '+' || s[i] === '-') {
    neg = s[i] === '-';
    i++;
  }
  if ((base === 0 || base === 16) && s[i] === '0' && (s[i + 1] === 'x' || s[i + 1] === 'X') && digitValue(s[i + 2] ?? '') < 16) {
    i += 2;
    base = 16;
  } else if (base === 0) base = s[i] === '0' ? 8 : 10;
  const start = i;
  let v = 0n;
  const b = BigInt(base);
  while (i < s.length && digitValue(s[i]) < base) {
    v = v * b + BigInt(digitValue(s[i]));
    i++;
  }
  if (i === start) return { value: 0n, end: 0, overflow: false };
  if (unsigned) {
    if (v > ULLONG_MAX) return { value: ULLONG_MAX, end: i, overflow: true };
    return { value: neg ? (ULLONG_MAX + 1n - v) & ULLONG_MAX : v, end: i, overflow: false };
  }
  if (neg) v = -v;
  if (v > LLONG_MAX) return { value: LLONG_MAX, end: i, overflow: true };
  if (v < LLONG_MIN) return { value: LLONG_MIN, end: i, overflow: true };
  return { value: v, end: i, overflow: false };
}

/** Two's complement view of a signed value as unsigned 64-bit (a comparison that mixes both kinds). */
export function asUnsigned(v: bigint): bigint {
  return v < 0n ? v + (1n << 64n) : v;
}
