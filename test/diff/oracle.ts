// Ground truth from the compilers: clang's record-layout dump for every ABI, gcc's verdict on offset
// assertions, and gcc's placement of bitfields read back from initialised objects in its assembly.

import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ABIS, AbiName } from '../../server/src/engine/base/abi';

export interface OracleMember {
  /** Byte offset, for members that are not bitfields. */
  offset?: number;
  bitOffset?: number;
  bitSize?: number;
}

export interface OracleRecord {
  size: number;
  align: number;
  members: Map<string, OracleMember>;
}

function tmpFile(name: string, text: string): { file: string; dir: string } {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-diff-'));
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  return { file, dir };
}

export function requireTool(cmd: string): void {
  const r = spawnSync(cmd, ['--version'], { encoding: 'utf8' });
  if (r.error || r.status !== 0) {
    throw new Error(`${cmd} is needed for the differential tests: install it (.ci/run does: apt-get install clang gcc-i686-linux-gnu gcc-aarch64-linux-gnu gcc-m68k-linux-gnu ...; see .ci/run for the whole list)`);
  }
}

/**
 * Every record's layout as clang lays it out for `abi`, keyed by tag (or typedef name for anonymous ones);
 * undefined when clang rejects the source (clang 14 lacks much of GNU C: _Float32, mode(CDI), vectors of enums).
 */
export function clangLayouts(source: string, abi: AbiName, msExtensions = false): Map<string, OracleRecord> | undefined {
  // An ABI clang 14 has no target for: no opinion (an empty map).
  const triple = ABIS[abi].triple;
  if (!triple) return new Map();
  const { file, dir } = tmpFile('input.c', source);
  try {
    const args = [`--target=${triple}`, '-ffreestanding', '-fsyntax-only', '-w', '-std=gnu11', '-Xclang', '-fdump-record-layouts-complete', ...(msExtensions ? ['-fms-extensions'] : []), file];
    const r = spawnSync('clang', args, { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (r.status !== 0) return undefined;
    return parseDump(r.stdout, source);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Parses clang's `-fdump-record-layouts-complete`: one block per record; lines are `OFFSET | TYPE NAME` or
 * `BYTE:FIRST-LAST | TYPE NAME` for bitfields, indented two spaces per nesting level; nested records are
 * expanded in place. Named members reachable through anonymous records are what `offsetof` accepts.
 */
export function parseDump(dump: string, source: string): Map<string, OracleRecord> {
  const typedefOf = anonymousTypedefs(source);
  const out = new Map<string, OracleRecord>();
  const blocks = dump.split('*** Dumping AST Record Layout').slice(1);
  for (const block of blocks) {
    const lines = block.split('\n').filter((l) => l.includes('|'));
    if (lines.length === 0) continue;
    const head = /^\s*\d+ \|\s(struct|union) (.*)$/.exec(lines[0]);
    if (!head) continue;
    let name = head[2].trim();
    const anon = /\(unnamed (?:struct |union )?at (.*):(\d+):(\d+)\)$|\(anonymous (?:struct |union )?at (.*):(\d+):(\d+)\)$/.exec(name);
    if (anon) {
      const line = Number(anon[2] ?? anon[5]);
      const td = typedefOf.get(line);
      if (!td) continue;
      name = td;
    }
    if (name.includes('::') || out.has(name)) continue;
    // Nested records print their own footers first; the record's own is the last.
    const footers = [...block.matchAll(/\[sizeof=(\d+),.*?align=(\d+)/g)];
    const footer = footers[footers.length - 1];
    if (!footer) continue;
    const rec: OracleRecord = { size: Number(footer[1]), align: Number(footer[2]), members: new Map() };
    // reachable[d]: whether members at depth d belong to the top record (directly or through anonymous records).
    const reachable: boolean[] = [true];
    for (const line of lines.slice(1)) {
      const m = /^\s*(\d+)(?::(\d+)-(\d+))?\s*\|( *)(.*)$/.exec(line);
      if (!m) continue;
      const depth = Math.floor((m[4].length - 1) / 2);
      if (depth < 1) continue;
      const text = m[5].trim();
      // Anonymous members: unnamed record types, and (with -fms-extensions) a record type with no member name.
      const isAnonRecord = /^(struct|union) .*\((anonymous|unnamed) (struct |union )?at [^)]*\)$/.test(text) || /^(struct|union) [A-Za-z_][A-Za-z0-9_]*$/.test(text);
      const parentReachable = reachable[depth - 1] === true;
      reachable.length = depth + 1;
      reachable[depth] = parentReachable && isAnonRecord;
      if (!parentReachable || isAnonRecord) continue;
      const nameMatch = /([A-Za-z_][A-Za-z0-9_]*)$/.exec(text);
      if (!nameMatch) continue;
      const memberName = nameMatch[1];
      // A line that is only a type (an unnamed bitfield) ends in a type word.
      if (/^(struct|union|enum) [A-Za-z_][A-Za-z0-9_]*$/.test(text) || /^(unsigned |signed )?(char|short|int|long|long long|_Bool|unsigned|__int128)$/.test(text)) continue;
      if (text.split(/\s+/).length < 2) continue;
      const byte = Number(m[1]);
      if (m[2] !== undefined) {
        const first = Number(m[2]);
        const last = Number(m[3]);
        rec.members.set(memberName, { bitOffset: byte * 8 + first, bitSize: last - first + 1 });
      } else rec.members.set(memberName, { offset: byte });
    }
    out.set(name, rec);
  }
  return out;
}

/** Line numbers of `typedef struct {` / `typedef union {` declarations → typedef name. */
function anonymousTypedefs(source: string): Map<number, string> {
  const out = new Map<number, string>();
  source.split('\n').forEach((line, i) => {
    const m = /^typedef (struct|union) \{.*\}(?: __attribute__\(\(.*?\)\))* ([A-Za-z_][A-Za-z0-9_]*);/.exec(line);
    if (m) out.set(i + 1, m[2]);
  });
  return out;
}

/** Compiles `source` plus `_Static_assert`s with the gcc for `abi`; returns the messages of those that failed. */
export function gccFailedAssertions(source: string, assertions: Array<{ expr: string; id: string }>, abi: AbiName, msExtensions = false, compiler: 'gcc' | 'clang' = 'gcc'): string[] {
  if (compiler === 'clang' && !ABIS[abi].triple) return [];
  const text = source + '\n' + assertions.map((a) => `_Static_assert(${a.expr}, "${a.id}");`).join('\n') + '\n';
  const { file, dir } = tmpFile('input.c', text);
  try {
    const cmd = compiler === 'gcc' ? ABIS[abi].gcc : 'clang';
    const target = compiler === 'clang' ? [`--target=${ABIS[abi].triple}`, '-ferror-limit=0'] : ABIS[abi].gccFlags;
    const r = spawnSync(cmd, [...target, '-ffreestanding', '-fsyntax-only', '-w', '-std=gnu11', ...(msExtensions ? ['-fms-extensions'] : []), file], { encoding: 'utf8', maxBuffer: 1 << 28 });
    // gcc: `static assertion failed: "id"`; clang 14: `static_assert failed due to requirement '...' "id"`.
    const failed = [...r.stderr.matchAll(/static[ _]assert(?:ion)? failed(?: due to requirement '(?:[^'\\]|\\.)*')?:? "([^"\n]*)"/g)].map((m) => m[1]);
    if (r.status !== 0 && failed.length === 0) throw new Error(`${cmd} rejected the input:\n${r.stderr.split('\n').slice(0, 20).join('\n')}`);
    return failed;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/**
 * Where gcc puts bitfields: one object per bitfield, initialised with that bitfield all ones, compiled with -S;
 * the set bits of the object's bytes give the bit range (in allocation order: MSB first on big-endian).
 */
export function gccBitfields(source: string, fields: Array<{ record: string; kind: 'struct' | 'union'; member: string }>, abi: AbiName, msExtensions = false): Map<string, { bitOffset: number; bitSize: number }> {
  const objs = fields.map((f, i) => `const ${f.kind} ${f.record} __memdesc_bf${i} __attribute__((used)) = { .${f.member} = -1 };`);
  const { file, dir } = tmpFile('input.c', source + '\n' + objs.join('\n') + '\n');
  const out = new Map<string, { bitOffset: number; bitSize: number }>();
  try {
    const r = spawnSync(ABIS[abi].gcc, [...ABIS[abi].gccFlags, '-ffreestanding', '-S', '-o', '-', '-w', '-std=gnu11', '-O0', '-fno-common', ...(msExtensions ? ['-fms-extensions'] : []), file], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0) throw new Error(`${ABIS[abi].gcc} -S failed:\n${r.stderr.split('\n').slice(0, 20).join('\n')}`);
    const big = ABIS[abi].bigEndian;
    fields.forEach((f, i) => {
      const bytes = objectBytes(r.stdout, `__memdesc_bf${i}`, big, abi);
      if (!bytes) return;
      let first = -1;
      let last = -1;
      for (const [k, b] of bytes) {
        for (let bit = 0; bit < 8; bit++) {
          if ((big ? (b >> (7 - bit)) & 1 : (b >> bit) & 1) === 1) {
            if (first < 0) first = k * 8 + bit;
            last = k * 8 + bit;
          }
        }
      }
      if (first >= 0) out.set(`${f.record}.${f.member}`, { bitOffset: first, bitSize: last - first + 1 });
    });
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

// Unaligned data (packed members) has directives of its own on sparc (.uahalf .uaword .uaxword) and sh (.uaword
// .ualong .uaquad).
const WIDTHS: Record<string, number> = { byte: 1, '2byte': 2, short: 2, value: 2, hword: 2, half: 2, uahalf: 2, '4byte': 4, long: 4, ualong: 4, word: 4, uaword: 4, int: 4, '8byte': 8, quad: 8, uaquad: 8, xword: 8, uaxword: 8, dword: 8 };
/** ABIs whose assembler's `.word` is 16 bits (x86, s390, m68k, alpha, sh); elsewhere it is 32. */
const WORD16 = new Set<AbiName>(['x86_64', 'i386', 's390x', 'm68k', 'alpha', 'sh4']);

/** The nonzero bytes of an object in gcc's assembly, by offset, in order (`.zero N` runs are skipped, not stored). */
function objectBytes(asm: string, label: string, bigEndian: boolean, abi: AbiName): Array<[number, number]> | undefined {
  const at = asm.search(new RegExp(`^${label}:`, 'm'));
  if (at < 0) return undefined;
  const bytes: Array<[number, number]> = [];
  let offset = 0;
  for (const line of asm.slice(at).split('\n').slice(1)) {
    const m = /^\s*\.(byte|2byte|short|value|hword|half|uahalf|4byte|long|ualong|word|uaword|int|8byte|quad|uaquad|xword|uaxword|dword|zero|skip|space)\s+(.*)$/.exec(line);
    if (!m) {
      if (/^\S+:/.test(line) || /^\s*\.(size|section|text|data|globl|type|align|p2align|ident|balign)\b/.test(line)) break;
      continue;
    }
    if (m[1] === 'zero' || m[1] === 'skip' || m[1] === 'space') {
      offset += Number(m[2].split(',')[0]);
      continue;
    }
    // `.word` is 16 bits for the x86 and s390 assemblers, 32 for arm, aarch64 and riscv.
    const width = (m[1] === 'word' || m[1] === 'uaword') && WORD16.has(abi) ? 2 : WIDTHS[m[1]];
    for (const v of m[2].split(',')) {
      let n = BigInt.asUintN(width * 8, BigInt(v.trim()));
      const b: number[] = [];
      for (let k = 0; k < width; k++) {
        b.push(Number(n & 0xffn));
        n >>= 8n;
      }
      for (const x of bigEndian ? b.reverse() : b) {
        if (x !== 0) bytes.push([offset, x]);
        offset++;
      }
    }
  }
  return bytes;
}
