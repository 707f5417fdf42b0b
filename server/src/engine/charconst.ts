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
