// Number literals (pp-numbers) as gcc reads them: one decoder for #if and for C expressions, so both accept and
// reject the same spellings with the same messages.

export type DecodedNumber =
  | {
      kind: 'int';
      value: bigint;
      /** A `u` suffix. */
      unsigned: boolean;
      /** `l` (1) or `ll` (2) suffix. */
      longs: 0 | 1 | 2;
      /** Written in decimal (the C type rules differ for octal, hex and binary). */
      decimal: boolean;
      /** More than 64 bits: gcc warns and keeps the low 64 bits. */
      tooLarge?: boolean;
    }
  | { kind: 'float'; value: number; float: boolean }
  | { kind: 'error'; message: string };

const U64_MAX = 2n ** 64n - 1n;

export const TOO_LARGE_MESSAGE = 'integer constant is too large for its type';

/** Decodes a pp-number as an integer or floating constant. */
export function decodeNumber(text: string): DecodedNumber {
  const m = /^(0[xX][0-9a-fA-F]*|0[bB][0-9]*|[0-9]+)([A-Za-z_]*)$/.exec(text);
  if (!m || (/^0[xX]/.test(text) && /[.pP]/.test(text))) return decodeFloat(text);
  const digits = m[1];
  const suffix = m[2];
  // A base prefix with no digit of its base after it: gcc reads a 0 with a suffix.
  if (/^0[xX]$/.test(digits) || /^0[bB][^01]?$/.test(digits)) return { kind: 'error', message: `invalid suffix "${text.slice(1)}" on integer constant` };
  const badBinary = /^0[bB][01]*([2-9])/.exec(digits);
  if (badBinary) return { kind: 'error', message: `invalid digit "${badBinary[1]}" in binary constant` };
  const octal = /^0[0-9]/.test(digits);
  if (octal) {
    const bad = /[89]/.exec(digits);
    if (bad) return { kind: 'error', message: `invalid digit "${bad[0]}" in octal constant` };
  }
  // u, l, ll in either order (ll in one case only); nothing else.
  if (!/^([uU]?(l|L|ll|LL)?|(l|L|ll|LL)[uU])$/.test(suffix)) return { kind: 'error', message: `invalid suffix "${suffix}" on integer constant` };
  const value = octal ? BigInt('0o' + digits.slice(1)) : BigInt(digits);
  const longs = /ll/i.test(suffix) ? 2 : /l/i.test(suffix) ? 1 : 0;
  const decimal = !/^0/.test(digits) || digits === '0';
  if (value > U64_MAX) return { kind: 'int', value: BigInt.asUintN(64, value), unsigned: true, longs: 2, decimal, tooLarge: true };
  return { kind: 'int', value, unsigned: /u/i.test(suffix), longs, decimal };
}

function decodeFloat(text: string): DecodedNumber {
  const m = /^(0[xX](?:[0-9a-fA-F]*\.[0-9a-fA-F]+|[0-9a-fA-F]+\.?)[pP][+-]?[0-9]+|(?:[0-9]*\.[0-9]+|[0-9]+\.?)(?:[eE][+-]?[0-9]+)?)(.*)$/.exec(text);
  if (!m) return { kind: 'error', message: `'${text}' is not a valid number` };
  if (!/^[fFlL]?$/.test(m[2])) return { kind: 'error', message: `invalid suffix "${m[2]}" on floating constant` };
  const body = m[1];
  const value = /^0[xX]/.test(body) ? hexFloat(body) : Number(body);
  if (Number.isNaN(value)) return { kind: 'error', message: `'${text}' is not a valid number` };
  return { kind: 'float', value, float: /[fF]/.test(m[2]) };
}

function hexFloat(body: string): number {
  const m = /^0[xX]([0-9a-fA-F]*)\.?([0-9a-fA-F]*)[pP]([+-]?[0-9]+)$/.exec(body)!;
  const mantissa = parseInt(m[1] || '0', 16) + (m[2] ? parseInt(m[2], 16) / 16 ** m[2].length : 0);
  return mantissa * 2 ** Number(m[3]);
}
