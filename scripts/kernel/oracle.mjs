#!/usr/bin/env node
// Compares memdesc-layout with gcc on a real, prepared kernel tree: every member offset and size, every
// bitfield's bit range, every struct's size and alignment, for page and each memory descriptor.
// gcc's numbers come from a probe compiled by kbuild itself (make O=BUILD mm/memdesc_probe.s).
//
// usage: node scripts/kernel/oracle.mjs --kernel SRC --build BUILD --arch ABI [--header-only] [--json]
//   --header-only  run memdesc-layout with --config BUILD/.config (bounds.h computed by us) instead of --build
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KARCH, makeArgs, probeIncludes } from './probe.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const BIG_ENDIAN = new Set(['s390x']);

function args() {
  const a = process.argv.slice(2);
  const get = (f) => {
    const i = a.indexOf(f);
    return i >= 0 ? a[i + 1] : undefined;
  };
  const o = { kernel: get('--kernel'), build: get('--build'), arch: get('--arch') ?? 'x86_64', headerOnly: a.includes('--header-only'), json: a.includes('--json') };
  if (!o.kernel || !o.build || !KARCH[o.arch]) {
    console.error('usage: oracle.mjs --kernel SRC --build BUILD --arch ABI [--header-only] [--json]');
    process.exit(2);
  }
  return o;
}

/** Our layout of page and the memdescs, from the bundled CLI. */
function ours(o) {
  const cli = path.join(repo, 'dist/cli.js');
  const src = o.headerOnly ? ['--config', path.join(o.build, '.config')] : ['--build', o.build];
  const r = spawnSync(process.execPath, [cli, 'layout', '--kernel', o.kernel, ...src, '--arch', o.arch, '--json'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`memdesc-layout failed: ${r.stderr}`);
  const j = JSON.parse(r.stdout);
  const names = new Set(['page', ...j.memdescs]);
  return { json: j, structs: j.structs.filter((s) => names.has(s.name)) };
}

const ident = (s) => s.replace(/[^A-Za-z0-9_]/g, '_');

/** The probe: asm-offsets-style constants for offsets and sizes, and one object per bitfield with it set to all ones. */
function probeSource(o, structs) {
  const inc = probeIncludes(o.kernel);
  const lines = [...inc, '#define MEMDESC_P(sym, val) asm volatile("\\n.ascii \\"@@" #sym " %c0\\"" : : "i" ((long)(val)))', 'void memdesc_probe(void);', 'void memdesc_probe(void)', '{'];
  const objects = [];
  for (const s of structs) {
    const T = `struct ${s.name}`;
    lines.push(`\tMEMDESC_P(${s.name}.__size, sizeof(${T}));`, `\tMEMDESC_P(${s.name}.__align, __alignof__(${T}));`);
    for (const m of s.members) {
      if (m.bitSize !== undefined) {
        objects.push(`const ${T} memdesc_bf__${s.name}__${m.name} __attribute__((used)) = { .${m.name} = -1 };`);
        continue;
      }
      lines.push(`\tMEMDESC_P(${s.name}.${m.name}.off, __builtin_offsetof(${T}, ${m.name}));`);
      if (!/\[\]$/.test(m.type)) lines.push(`\tMEMDESC_P(${s.name}.${m.name}.size, sizeof(((${T} *)0)->${m.name}));`);
    }
  }
  lines.push('}', ...objects);
  return lines.join('\n') + '\n';
}

/** Bytes of an initialised object in gcc's assembly output. */
function objectBytes(asm, label) {
  const start = asm.indexOf(`\n${label}:`);
  if (start < 0) return undefined;
  const bytes = [];
  for (const line of asm.slice(start + label.length + 2).split('\n')) {
    const m = /^\s*\.(byte|value|short|2byte|hword|long|4byte|word|int|quad|8byte|xword|dword|zero|skip|space)\s+(.*)$/.exec(line);
    if (!m) {
      if (/^\s*\.(size|section|text|data|globl|type|align|p2align|ident)\b/.test(line) || /^\S+:/.test(line)) break;
      continue;
    }
    const dir = m[1];
    if (dir === 'zero' || dir === 'skip' || dir === 'space') {
      bytes.push(...new Array(Number(m[2].split(',')[0])).fill(0));
      continue;
    }
    // `.word` is 16 bits for the x86 and s390 assemblers, 32 for arm, aarch64 and riscv.
    const width = dir === 'word' && gcc.shortWord ? 2 : { byte: 1, value: 2, short: 2, '2byte': 2, hword: 2, long: 4, '4byte': 4, word: 4, int: 4, quad: 8, '8byte': 8, xword: 8, dword: 8 }[dir];
    for (const v of m[2].split(',')) {
      let n = BigInt.asUintN(width * 8, BigInt(v.trim()));
      const b = [];
      for (let k = 0; k < width; k++) {
        b.push(Number(n & 0xffn));
        n >>= 8n;
      }
      bytes.push(...(gcc.bigEndian ? b.reverse() : b));
    }
  }
  return bytes;
}
const gcc = { bigEndian: false, shortWord: false };

/** Set bits of an object, in allocation order (LSB first on little-endian, MSB first on big-endian). */
function bitRange(bytes) {
  let first = -1;
  let last = -1;
  bytes.forEach((b, i) => {
    for (let k = 0; k < 8; k++) {
      const set = gcc.bigEndian ? (b >> (7 - k)) & 1 : (b >> k) & 1;
      if (set) {
        if (first < 0) first = i * 8 + k;
        last = i * 8 + k;
      }
    }
  });
  return first < 0 ? undefined : { bitOffset: first, bitSize: last - first + 1 };
}

function main() {
  const o = args();
  gcc.bigEndian = BIG_ENDIAN.has(o.arch);
  gcc.shortWord = ['x86_64', 'i386', 's390x'].includes(o.arch);
  const { structs, json } = ours(o);
  const probe = path.join(o.kernel, 'mm/memdesc_probe.c');
  fs.writeFileSync(probe, probeSource(o, structs));
  let r;
  try {
    r = spawnSync('make', ['-s', ...makeArgs(o.build, o.arch), 'KCFLAGS=-Wno-error', 'mm/memdesc_probe.s'], { cwd: o.kernel, encoding: 'utf8', maxBuffer: 1 << 26 });
  } finally {
    fs.rmSync(probe, { force: true });
  }
  if (r.status !== 0) {
    console.error(r.stderr.split('\n').filter((l) => / error: /.test(l)).slice(0, 15).join('\n'));
    throw new Error('the probe did not compile: gcc rejects something in these headers under this config');
  }
  const asm = fs.readFileSync(path.join(o.build, 'mm/memdesc_probe.s'), 'utf8');
  const values = new Map();
  for (const m of asm.matchAll(/@@(\S+) \$?#?(-?\d+)/g)) values.set(m[1], Number(m[2]));
  const mismatches = [];
  let members = 0;
  let bitfields = 0;
  const expect = (what, mine, theirs) => {
    if (theirs === undefined) mismatches.push(`${what}: gcc gave no value`);
    else if (mine !== theirs) mismatches.push(`${what}: memdesc-layout ${mine}, gcc ${theirs}`);
  };
  for (const s of structs) {
    expect(`sizeof(struct ${s.name})`, s.size, values.get(`${s.name}.__size`));
    expect(`__alignof__(struct ${s.name})`, s.align, values.get(`${s.name}.__align`));
    for (const m of s.members) {
      members++;
      if (m.bitSize !== undefined) {
        bitfields++;
        const bytes = objectBytes(asm, `memdesc_bf__${s.name}__${m.name}`);
        const range = bytes && bitRange(bytes);
        expect(`${s.name}.${m.name} bit offset`, m.bitOffset, range?.bitOffset);
        expect(`${s.name}.${m.name} bit size`, m.bitSize, range?.bitSize);
        continue;
      }
      expect(`offsetof(struct ${s.name}, ${m.name})`, m.offset, values.get(`${s.name}.${m.name}.off`));
      if (!/\[\]$/.test(m.type)) expect(`sizeof(${s.name}.${m.name})`, m.size, values.get(`${s.name}.${m.name}.size`));
    }
  }
  // The probe compiled, so every static_assert in these headers holds for gcc under this config.
  const assertsNotHolding = json.asserts.filter((a) => a.holds !== true);
  for (const a of assertsNotHolding) mismatches.push(`assertion ${a.file}:${a.line} ${a.text}: memdesc-layout says ${a.holds}, gcc compiled it (holds)`);
  const errors = json.diagnostics.filter((d) => d.severity === 'error');
  for (const d of errors) mismatches.push(`memdesc-layout reported an error gcc did not: ${d.file}:${d.line} ${d.message}`);
  const report = { arch: o.arch, kernel: json.kernel?.version, mode: o.headerOnly ? 'header-only (.config)' : 'build dir', structs: structs.map((s) => s.name), members, bitfields, asserts: json.asserts.length, mismatches };
  if (o.json) console.log(JSON.stringify(report, null, 2));
  else {
    console.log(`${report.kernel} ${o.arch} (${report.mode}): ${structs.length} structs [${report.structs.join(', ')}], ${members} members (${bitfields} bitfields), ${report.asserts} assertions: ${mismatches.length} mismatches`);
    for (const m of mismatches) console.log(`  MISMATCH ${m}`);
  }
  process.exit(mismatches.length ? 1 : 0);
}

main();
