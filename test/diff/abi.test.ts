// Every ABI fact in engine/base/abi.ts checked against that ABI's gcc: sizes and alignments of every scalar
// (inside a struct, _Alignof and __alignof__), pointers, plain char's signedness, byte order, what a bare
// `aligned` means, whether __int128 exists, and every predefined macro we define (same value as gcc's), plus
// the layout-relevant and kernel-tested macros gcc defines that we must define too.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { ABI_NAMES, ABIS, AbiName, ScalarKind } from '../../server/src/engine/base/abi';
import { requireTool } from './oracle';

/** Our scalar kinds as C spells them (the extra floating kinds by the ABI's keywords, below). */
const SPELLING: Record<Exclude<ScalarKind, 'void' | 'float16' | 'float128'>, string> = {
  bool: '_Bool', char: 'char', schar: 'signed char', uchar: 'unsigned char', short: 'short', ushort: 'unsigned short',
  int: 'int', uint: 'unsigned int', long: 'long', ulong: 'unsigned long', llong: 'long long', ullong: 'unsigned long long',
  int128: '__int128', uint128: 'unsigned __int128', float: 'float', double: 'double', ldouble: 'long double',
};

/**
 * Macros gcc defines that we must define too, when gcc does: the layout-relevant ones and those the kernel's
 * headers test (found by intersecting every cross gcc's `-dM` with the identifiers of 7.3's include/ and
 * arch/{*}/include).
 */
const REQUIRED = /^(__SIZEOF_\w+__|__BIGGEST_ALIGNMENT__|__BYTE_ORDER__|__FLOAT_WORD_ORDER__|__CHAR_UNSIGNED__|__CHAR_BIT__|__LP64__|_LP64|__ILP32__|_ILP32|__(SIZE|PTRDIFF|WCHAR|INTPTR|UINTPTR|INT(8|16|32|64)|UINT(8|16|32|64))_TYPE__|__(SCHAR|SHRT|INT|LONG|LONG_LONG|SIZE)_MAX__|__BIG_ENDIAN__|__LITTLE_ENDIAN__|_MIPSE[BL]|__MIPSE[BL]__|_MIPS_ISA|_MIPS_SIM|_MIPS_SZ(INT|LONG|PTR)|__mips64|__mips__|__mips_isa_rev|__PPC64__|__powerpc64__|__powerpc__|__aarch64__|__alpha__|__arch64__|__arm__|__ARM_EABI__|__hppa__|__i386__|__mc68000__|__riscv|__riscv_xlen|__s390x__|__sparc__|__x86_64__|_CALL_ELF|__linux__)$/;

/** Macros whose value we fix on purpose where gcc's default differs: kernel builds are -std=gnu11 -O2 -ffreestanding. */
const FLAGS = ['-std=gnu11', '-O2', '-ffreestanding'];

function gccMacros(abi: AbiName): Map<string, string> {
  const r = spawnSync(ABIS[abi].gcc, [...ABIS[abi].gccFlags, ...FLAGS, '-dM', '-E', '-x', 'c', '/dev/null'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return macroMap(r.stdout);
}

function macroMap(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^#define (\S+)(?: (.*))?$/.exec(line);
    if (m) out.set(m[1], (m[2] ?? '').trim());
  }
  return out;
}

/** Values gcc computes for a probe: `@@name value@@` strings in its assembly. */
function gccValues(abi: AbiName, body: string): Map<string, number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-abi-'));
  try {
    const file = path.join(dir, 'probe.c');
    // %c0 prints a bare constant, except on s390, where it prints the low byte as a signed char: %0 there.
    fs.writeFileSync(file, `#define V(name, val) asm volatile("\\n.ascii \\"@@" #name " ${abi === 's390x' ? '%0' : '%c0'}@@\\"" : : "i" ((long)(val)))\nvoid probe(void) {\n${body}\n}\n`);
    const r = spawnSync(ABIS[abi].gcc, [...ABIS[abi].gccFlags, ...FLAGS, '-w', '-S', '-o', '-', file], { encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    return new Map([...r.stdout.matchAll(/@@(\S+) [$#]?(-?\d+)@@/g)].map((m) => [m[1], Number(m[2])]));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

describe('ABI facts against gcc', () => {
  for (const abi of ABI_NAMES) {
    const a = ABIS[abi];
    it(`${abi}: scalars, pointers, char, byte order and aligned match ${a.gcc}`, () => {
      requireTool(a.gcc);
      const kinds = (Object.keys(SPELLING) as Array<keyof typeof SPELLING>).filter((k) => a.hasInt128 || (k !== 'int128' && k !== 'uint128'));
      const lines = kinds.map((k, i) => `struct s${i} { char c; ${SPELLING[k]} x; }; V(${k}.size, sizeof(${SPELLING[k]})); V(${k}.align, _Alignof(${SPELLING[k]})); V(${k}.pref, __alignof__(${SPELLING[k]})); V(${k}.field, __builtin_offsetof(struct s${i}, x));`);
      lines.push('struct sp { char c; void *p; }; V(ptr.size, sizeof(void *)); V(ptr.align, _Alignof(void *)); V(ptr.field, __builtin_offsetof(struct sp, p));');
      lines.push('V(char.signed, (char)-1 < 0); struct __attribute__((aligned)) big { char c; }; V(aligned, _Alignof(struct big));');
      lines.push('union endian { int i; char c[4]; }; V(endian.little, ((union endian){ .i = 1 }).c[0]);');
      const v = gccValues(abi, lines.join('\n'));
      const ours: Record<string, number> = {};
      const theirs: Record<string, number | undefined> = {};
      for (const k of kinds) {
        const sc = a.scalars[k];
        Object.assign(ours, { [`${k}.size`]: sc.size, [`${k}.align`]: sc.align, [`${k}.pref`]: sc.pref, [`${k}.field`]: sc.align });
        for (const f of ['size', 'align', 'pref', 'field']) theirs[`${k}.${f}`] = v.get(`${k}.${f}`);
      }
      Object.assign(ours, { 'ptr.size': a.pointerSize, 'ptr.align': a.pointerAlign, 'ptr.field': a.pointerAlign, 'char.signed': a.charSigned ? 1 : 0, aligned: a.biggestAlignment });
      for (const k of ['ptr.size', 'ptr.align', 'ptr.field', 'char.signed', 'aligned']) theirs[k] = v.get(k);
      // `((union){...}).c[0]` is folded only on little-endian gcc gives 1; on big-endian it is 0.
      ours['endian.little'] = a.bigEndian ? 0 : 1;
      theirs['endian.little'] = v.get('endian.little');
      assert.deepEqual(theirs, ours);
      assert.equal(a.wordSize, a.scalars.long.size, 'wordSize is sizeof(long)');
    });

    it(`${abi}: the extra floating types and floating modes are those ${a.gcc} has, each laid out as its scalar`, () => {
      requireTool(a.gcc);
      // Every keyword and mode some ABI has: those this ABI lists must compile with their scalar's size and
      // alignments, the others must be rejected (an unsupported-type or mode-attribute error on our side).
      const keywords = [...new Set(ABI_NAMES.flatMap((n) => Object.keys(ABIS[n].extraFloats)))];
      const modes = [...new Set(ABI_NAMES.flatMap((n) => Object.keys(ABIS[n].floatModes)))];
      const lines: string[] = [];
      const ours: Record<string, number | string> = {};
      const theirs: Record<string, number | string | undefined> = {};
      const probe = (label: string, type: string, decl: string, kind: ScalarKind | undefined) => {
        const accepted = spawnSync(a.gcc, [...a.gccFlags, ...FLAGS, '-fsyntax-only', '-x', 'c', '-'], { input: `${decl}\n`, encoding: 'utf8' }).status === 0;
        if (kind === undefined) {
          ours[label] = 'rejected';
          theirs[label] = accepted ? 'accepted' : 'rejected';
          return;
        }
        if (!accepted) {
          ours[label] = 'accepted';
          theirs[label] = 'rejected';
          return;
        }
        const i = lines.length;
        lines.push(`${decl} struct f${i} { char c; ${type} x; }; V(${label}.size, sizeof(${type})); V(${label}.align, _Alignof(${type})); V(${label}.pref, __alignof__(${type})); V(${label}.field, __builtin_offsetof(struct f${i}, x));`);
        const sc = a.scalars[kind];
        Object.assign(ours, { [`${label}.size`]: sc.size, [`${label}.align`]: sc.align, [`${label}.pref`]: sc.pref, [`${label}.field`]: sc.align });
      };
      keywords.forEach((k) => probe(k, k, `${k} kw_${k};`, a.extraFloats[k]));
      modes.forEach((m) => probe(`mode_${m}`, `mode_${m}`, `typedef float mode_${m} __attribute__((mode(${m})));`, a.floatModes[m]));
      if (lines.length) {
        const v = gccValues(abi, lines.join('\n'));
        for (const key of Object.keys(ours)) if (/\.(size|align|pref|field)$/.test(key)) theirs[key] = v.get(key);
      }
      assert.deepEqual(theirs, ours);
    });

    it(`${abi}: every predefined macro has gcc's value, and the layout-relevant and kernel-tested ones are all there`, () => {
      requireTool(a.gcc);
      const gcc = gccMacros(abi);
      const ours = macroMap(a.predefines);
      const wrong: string[] = [];
      for (const [name, value] of ours) {
        if (!gcc.has(name)) wrong.push(`${name}: we define it (${value}), gcc does not`);
        else if (gcc.get(name) !== value) wrong.push(`${name}: ours ${value}, gcc ${gcc.get(name)}`);
      }
      for (const [name, value] of gcc) if (REQUIRED.test(name) && !ours.has(name)) wrong.push(`${name}: gcc defines it (${value}), we do not`);
      assert.deepEqual(wrong, []);
      assert.equal(ours.has('__SIZEOF_INT128__'), a.hasInt128);
    });
  }
});
