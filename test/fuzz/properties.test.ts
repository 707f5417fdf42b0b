// Property-based tests with fast-check, beside the fuzzer's own campaign: inputs drawn as token sequences (from
// the seed headers' own tokens and C's hard cases) and as edits of a kernel-shaped header, so that a failure
// shrinks token by token to a short counterexample. The same invariants as the campaign (test/fuzz/lib.ts).
// Fixed seed: npm test is deterministic; MEMDESC_FUZZ_SEED=N tries another.

import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Rng } from '../diff/generator';
import { KERNELISH, KERNELISH_MAINS, runCase, runIncrementalEdit, seedTexts, tokenize } from './lib';

const seed = Number(process.env.MEMDESC_FUZZ_SEED ?? 20261201);

// Every distinct token of the seed headers, plus what breaks parsers: imbalance, directives, huge numbers.
const HARD = ['{', '}', '(', ')', '[', ']', ';', ':', ',', '*', '\n#if 1\n', '\n#if 0\n', '\n#else\n', '\n#endif\n', '\n#define X X X\n', '\n#define struct union\n', '\n#undef CONFIG_MEMCG\n', '__attribute__((packed))', '__attribute__((aligned(64)))', '"', "'", '/*', '*/', '\\\n', '#', '##', '__VA_ARGS__', '[1ULL<<63]', '[-1]', ':65', 'sizeof(struct page)', '_Static_assert(', 'typedef', 'enum', 'union', 'struct'];
const VOCAB = [...new Set([...seedTexts().flatMap(tokenize).filter((t) => !/^\s+$/.test(t)), ...HARD])].sort();
const token = fc.constantFrom(...VOCAB);
const separator = fc.constantFrom(' ', ' ', ' ', '\n', '');

/** A text of up to `max` tokens from the vocabulary, with the separators drawn too (they matter to directives). */
const tokenText = (max: number) => fc.array(fc.tuple(token, separator), { maxLength: max }).map((ts) => ts.map(([t, s]) => t + s).join(''));

const violationsOf = (files: Record<string, string>) => runCase(files, new Rng(1)).violations.map((v) => `${v.invariant}: ${v.detail.slice(0, 300)}`);

describe(`properties (fast-check, seed ${seed})`, { timeout: 240_000 }, () => {
  it('a sequence of C and preprocessor tokens keeps every invariant', () => {
    fc.assert(
      fc.property(tokenText(120), (text) => {
        assert.deepEqual(violationsOf({ 'main.h': text }), []);
      }),
      { seed, numRuns: 400 },
    );
  });

  it('a struct of drawn members inside a kernel-shaped header keeps every invariant', () => {
    const member = fc.tuple(fc.constantFrom('ulong_t', 'unsigned int', 'atomic_t', 'struct list_head', 'void *', 'char', 'u32', 'unsigned short', 'struct page *'), fc.option(fc.integer({ min: 0, max: 70 })), fc.option(fc.constantFrom('[0]', '[3]', '[BITS_PER_LONG]', '[]')), fc.option(fc.constantFrom('__aligned(16)', '__attribute__((packed))')));
    const body = fc.array(fc.oneof(member.map((m) => [m]), fc.array(member, { minLength: 1, maxLength: 4 })), { maxLength: 10 });
    fc.assert(
      fc.property(body, fc.boolean(), (groups, packed) => {
        let n = 0;
        const decl = ([type, bits, array, attr]: [string, number | null, string | null, string | null]) => {
          const name = `m${n++}`;
          return `${type} ${name}${bits !== null && !array ? ` : ${bits}` : ''}${array ?? ''}${attr ? ` ${attr}` : ''};`;
        };
        const fields = groups.map((g) => (g.length === 1 ? decl(g[0]) : `union { ${g.map(decl).join(' ')} };`)).join('\n\t');
        const text = `#include "mm_types.h"\nstruct drawn {\n\t${fields}\n}${packed ? ' __attribute__((packed))' : ''};\n_Static_assert(sizeof(struct drawn) <= sizeof(struct page), "drawn");\n`;
        assert.deepEqual(violationsOf({ 'main.h': text, ...KERNELISH }), []);
      }),
      { seed, numRuns: 300 },
    );
  });

  it('an edit of a kernel-shaped header: the incremental analysis equals a fresh one', () => {
    const names = Object.keys(KERNELISH);
    const edit = fc.record({ file: fc.constantFrom(...names), at: fc.nat(), cut: fc.nat({ max: 40 }), insert: tokenText(12) });
    let updates = 0;
    let incremental = 0;
    fc.assert(
      fc.property(fc.array(edit, { minLength: 1, maxLength: 4 }), (edits) => {
        const r = runIncrementalEdit(KERNELISH, KERNELISH_MAINS, edits);
        updates += r.updates;
        incremental += r.incremental;
        assert.deepEqual(r.violations.map((v) => `${v.invariant}: ${v.detail.slice(0, 600)}`), []);
      }),
      { seed, numRuns: 200 },
    );
    // The comparison tests the incremental engine only if most updates took its path (not a full re-run).
    assert.ok(updates >= 200 && incremental / updates > 0.6, `${incremental} of ${updates} updates were incremental`);
  });
});
