// Number literals: one decoder for #if and for C expressions. Both contexts must accept and reject the same
// spellings, with the same messages and values, and agree with gcc on which are errors.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { decodeNumber } from '../../server/src/engine/base/numbers';
import { analyzeText } from '../helpers';

const SPELLINGS = [
  '0', '7', '42', '010', '0x10', '0X1f', '0b101', '0B1', '08', '09', '0778', '0x', '0b', '0b2', '0b1012',
  '1u', '1U', '1l', '1L', '1ul', '1lu', '1LU', '1uL', '1ll', '1LL', '1ull', '1llu', '1ULL', '1LLu', '1lL', '1Ll', '1uu', '1lll', '1ulu',
  '1f', '1x', '123abc', '0xffffffffffffffff', '0xffffffffffffffffu', '18446744073709551615', '18446744073709551616',
  '9223372036854775807', '9223372036854775808', '0x7fffffffffffffff', '0x8000000000000000', '2147483647', '2147483648', '4294967296',
  '1.0', '1e5', '1.5f', '.5', '0x1p3', '1.0x',
];

/** What #if says of a spelling: its value as a string, or the error message. */
function inIf(n: string): string {
  const a = analyzeText(`#if (${n}) == 0\nint zero;\n#elif (${n}) > 0\nint positive;\n#else\nint negative;\n#endif\n`);
  const p = a.problems.find((x) => x.code === 'bad-number');
  if (p) return `error: ${p.message}`;
  return a.tokens.map((t) => t.text).join(' ').trim();
}

/** What a C expression says: the error message, or the same zero/positive/negative class. */
function inC(n: string): string {
  const a = analyzeText(`enum probe { P = (${n}) == 0 ? 0 : (${n}) > 0 ? 1 : 2 };\n`);
  const p = a.problems.find((x) => x.code === 'bad-number');
  if (p) return `error: ${p.message}`;
  const e = a.parse.ordinary.get('P');
  return e?.kind === 'enumerator' ? ['int zero ;', 'int positive ;', 'int negative ;'][Number(e.value)] : 'no value';
}

describe('number literals: one decoder for #if and C', () => {
  it('decodes suffixes, bases and errors as gcc spells them', () => {
    assert.deepEqual(decodeNumber('0x10UL'), { kind: 'int', value: 16n, unsigned: true, longs: 1, decimal: false });
    assert.deepEqual(decodeNumber('1llu'), { kind: 'int', value: 1n, unsigned: true, longs: 2, decimal: true });
    assert.deepEqual(decodeNumber('08'), { kind: 'error', message: 'invalid digit "8" in octal constant' });
    assert.deepEqual(decodeNumber('1uu'), { kind: 'error', message: 'invalid suffix "uu" on integer constant' });
    assert.deepEqual(decodeNumber('0b2'), { kind: 'error', message: 'invalid suffix "b2" on integer constant' });
    assert.deepEqual(decodeNumber('0b1012'), { kind: 'error', message: 'invalid digit "2" in binary constant' });
    assert.deepEqual(decodeNumber('0x'), { kind: 'error', message: 'invalid suffix "x" on integer constant' });
    // gcc warns and keeps the low 64 bits.
    assert.deepEqual(decodeNumber('18446744073709551617'), { kind: 'int', value: 1n, unsigned: true, longs: 2, decimal: true, tooLarge: true });
    assert.equal(decodeNumber('0x1p3').kind, 'float');
    assert.deepEqual(decodeNumber('1.0x'), { kind: 'error', message: 'invalid suffix "x" on floating constant' });
  });

  it('#if and C accept and reject the same integer spellings, with the same messages', () => {
    for (const n of SPELLINGS) {
      const d = decodeNumber(n);
      if (d.kind === 'float') {
        assert.equal(inIf(n), 'error: floating constant in preprocessor expression', n);
        continue;
      }
      const a = inIf(n);
      const c = inC(n);
      if (d.kind === 'error') {
        assert.equal(a, `error: ${d.message}`, `#if ${n}`);
        assert.equal(c, `error: ${d.message}`, `C ${n}`);
      } else assert.ok(!a.startsWith('error') && !c.startsWith('error'), `${n}: #if ${a}, C ${c}`);
    }
  });

  it('gcc agrees on which spellings are errors, in #if and in C', () => {
    const cc = spawnSync('gcc', ['--version']);
    assert.equal(cc.status, 0, 'gcc is needed (apt-get install gcc)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-numbers-'));
    try {
      for (const n of SPELLINGS) {
        const d = decodeNumber(n);
        const ifFile = path.join(dir, 'if.c');
        const cFile = path.join(dir, 'c.c');
        fs.writeFileSync(ifFile, `#if ${n}\n#endif\nint x;\n`);
        fs.writeFileSync(cFile, `int x = (int)(${n});\n`);
        const gIf = spawnSync('gcc', ['-fsyntax-only', '-w', ifFile], { encoding: 'utf8' });
        const gC = spawnSync('gcc', ['-fsyntax-only', '-w', cFile], { encoding: 'utf8' });
        assert.equal(gIf.status !== 0, d.kind !== 'int', `#if ${n}: gcc ${gIf.status === 0 ? 'accepts' : 'rejects'} (${gIf.stderr.trim().split('\n')[0] ?? ''})`);
        assert.equal(gC.status !== 0, d.kind === 'error', `C ${n}: gcc ${gC.status === 0 ? 'accepts' : 'rejects'} (${gC.stderr.trim().split('\n')[0] ?? ''})`);
        if (d.kind === 'error') assert.ok(gC.stderr.includes(d.message), `C ${n}: gcc says ${gC.stderr}`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
