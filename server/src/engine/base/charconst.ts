// Character constants ('a', '\n', '\x41', L'x', multi-character 'ab'): one decoder for #if and for C expressions.

const SIMPLE_ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, a: 7, b: 8, f: 12, v: 11, e: 27, '\\': 92, "'": 39, '"': 34, '?': 63 };

/**
 * The value gcc gives a character constant: plain single-character constants are `char` promoted to int
 * (negative for bytes >= 0x80 where char is signed); multi-character ones pack bytes into an int.
 */
export function decodeCharConstant(text: string, charSigned: boolean): { value: bigint; count: number } {
  const body = text.replace(/^[A-Za-z0-9]*'/, '').replace(/'$/, '');
  const wide = !text.startsWith("'");
  let v = 0n;
  let count = 0;
  for (let i = 0; i < body.length; ) {
    let c: number;
    if (body[i] === '\\') {
      const n = body[i + 1] ?? '';
      if (n === 'x') {
        const hex = /^[0-9a-fA-F]+/.exec(body.slice(i + 2))?.[0] ?? '0';
        c = parseInt(hex, 16);
        i += 2 + hex.length;
      } else if (/[0-7]/.test(n)) {
        const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
        c = parseInt(oct, 8);
        i += 1 + oct.length;
      } else {
        c = n ? (SIMPLE_ESCAPES[n] ?? n.charCodeAt(0)) : 92;
        i += 2;
      }
    } else {
      c = body.charCodeAt(i);
      i++;
    }
    v = (v << 8n) | BigInt(c & 0xff);
    count++;
  }
  if (count === 1 && !wide && charSigned) return { value: BigInt.asIntN(8, v), count };
  return { value: BigInt.asIntN(32, v), count };
}

/**
 * The bytes gcc stores for one string-literal token, the terminating NUL not included: for a narrow string
 * (no prefix, or u8) an escape is one byte, other characters their UTF-8 bytes; undefined for wide strings
 * (L, u, U), whose element type this engine does not model.
 */
export function stringLiteralBytes(text: string): number[] | undefined {
  const prefix = /^[A-Za-z0-9]*/.exec(text)![0];
  if (prefix !== '' && prefix !== 'u8') return undefined;
  const body = text.slice(prefix.length + 1, text.endsWith('"') ? -1 : undefined);
  const out: number[] = [];
  const utf8 = (cp: number) => out.push(...Buffer.from(String.fromCodePoint(Math.min(Math.max(cp, 0), 0x10ffff))));
  for (let i = 0; i < body.length; ) {
    if (body[i] === '\\') {
      const c = body[i + 1] ?? '';
      if (c === 'x') {
        const hex = /^[0-9a-fA-F]*/.exec(body.slice(i + 2))![0];
        out.push(parseInt(hex || '0', 16) & 0xff);
        i += 2 + hex.length;
      } else if (/[0-7]/.test(c)) {
        const oct = /^[0-7]{1,3}/.exec(body.slice(i + 1))![0];
        out.push(parseInt(oct, 8) & 0xff);
        i += 1 + oct.length;
      } else if (c === 'u' || c === 'U') {
        const digits = c === 'u' ? 4 : 8;
        utf8(parseInt(body.slice(i + 2, i + 2 + digits), 16) || 0);
        i += 2 + digits;
      } else {
        out.push(c ? (SIMPLE_ESCAPES[c] ?? c.charCodeAt(0)) & 0xff : 92);
        i += 2;
      }
      continue;
    }
    const cp = body.codePointAt(i)!;
    utf8(cp);
    i += cp > 0xffff ? 2 : 1;
  }
  return out;
}
