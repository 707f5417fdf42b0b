#!/usr/bin/env node
// gcc's own layout of struct page and the memory descriptors, from a prepared kernel build (prepare-build.sh).
// Independent of memdesc-layout: nothing here uses the project's engine.
//
// Method: two probes compiled by kbuild itself, so with the exact flags of a file in mm/:
//   1. mm/memdesc_probe_dwarf.o, built with -g -gdwarf-5: one pointer variable per memdesc type makes gcc emit
//      each type's DWARF; `readelf --debug-dump=info` is walked to list every member reachable through
//      anonymous structs/unions (and MS-extension tagged anonymous members) with absolute offsets, sizes,
//      and bitfields' absolute bit offsets (DW_AT_data_bit_offset).
//   3. mm/memdesc_probe_asserts.{i,o}: the memdesc files (iommu-pages.c too) preprocessed, to count the static
//      assertions gcc sees in each, and compiled, for gcc's verdict on them (a failing one names itself).
//   2. mm/memdesc_probe_check.s: asm-offsets-style constants for sizeof/__alignof__ of each struct and
//      offsetof/sizeof of each non-bitfield member (which also proves the names are what offsetof accepts),
//      and, per bitfield, a const object with that bitfield set to all ones whose bytes are read back from the
//      assembly. Every value must agree with the DWARF, or the oracle fails.
// Probe files live in the build directory (kbuild finds $(obj)/%.c there before the source tree) and are
// removed afterwards (--keep keeps them).
//
// usage: node scripts/kernel/gcc-oracle.mjs BUILD_DIR [--out FILE] [--keep] [--structs a,b,...]
// writes  $MEMDESC_CACHE/oracle/VERSION-ARCH-VARIANT.json (or under $MEMDESC_ORACLE_DIR, or --out), and the compiler command line of a
//         file in mm/ to $MEMDESC_CACHE/notes/VERSION-ARCH[-VARIANT]-cmdline.txt
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as os from 'node:os';
import { attrNum, Dwarf } from './dwarf.mjs';

// kbuild's ARCH, the cross compiler, byte order, and how wide the assembler's `.word` is (as prepare-build.sh).
const ARCHES = {
  x86_64: { karch: 'x86_64', cross: '', word: 2 },
  i386: { karch: 'i386', cross: 'i686-linux-gnu-', word: 2 },
  arm64: { karch: 'arm64', cross: 'aarch64-linux-gnu-', word: 4 },
  arm: { karch: 'arm', cross: 'arm-linux-gnueabihf-', word: 4 },
  riscv64: { karch: 'riscv', cross: 'riscv64-linux-gnu-', word: 4 },
  s390x: { karch: 's390', cross: 's390x-linux-gnu-', word: 2, big: true },
  ppc64le: { karch: 'powerpc', cross: 'powerpc64le-linux-gnu-', word: 4 },
  ppc64: { karch: 'powerpc', cross: 'powerpc64-linux-gnu-', word: 4, big: true },
  ppc32: { karch: 'powerpc', cross: 'powerpc-linux-gnu-', word: 4, big: true },
  mips: { karch: 'mips', cross: 'mips-linux-gnu-', word: 4, big: true },
  mipsel: { karch: 'mips', cross: 'mipsel-linux-gnu-', word: 4 },
  mips64: { karch: 'mips', cross: 'mips64-linux-gnuabi64-', word: 4, big: true },
  mips64el: { karch: 'mips', cross: 'mips64el-linux-gnuabi64-', word: 4 },
  m68k: { karch: 'm68k', cross: 'm68k-linux-gnu-', word: 2, big: true },
  sparc64: { karch: 'sparc64', cross: 'sparc64-linux-gnu-', word: 4, big: true },
  parisc: { karch: 'parisc', cross: 'hppa-linux-gnu-', word: 4, big: true },
  parisc64: { karch: 'parisc64', cross: 'hppa64-linux-gnu-', word: 4, big: true },
  sh4: { karch: 'sh', cross: 'sh4-linux-gnu-', word: 2 },
  alpha: { karch: 'alpha', cross: 'alpha-linux-gnu-', word: 2 },
  arc: { karch: 'arc', cross: 'arc-linux-gnu-', word: 4 },
};
// CONFIG symbols that change these layouts (recorded in the JSON, null when unset).
const LAYOUT_CONFIG = ['64BIT', 'SMP', 'NR_CPUS', 'NUMA', 'NODES_SHIFT', 'SPARSEMEM', 'SPARSEMEM_VMEMMAP', 'MEMCG', 'MEMCG_KMEM', 'SLAB_OBJ_EXT', 'SLUB_TINY', 'SLUB_CPU_PARTIAL', 'KASAN', 'KMSAN', 'PAGE_POOL', 'NUMA_BALANCING', 'LRU_GEN', 'TRANSPARENT_HUGEPAGE', 'HUGETLB_PAGE', 'HUGETLBFS', 'ZSMALLOC', 'ZONE_DEVICE', 'ZONE_DMA', 'ZONE_DMA32', 'HIGHMEM', 'HIGHMEM4G', 'HIGHMEM64G', 'X86_PAE', 'PHYS_ADDR_T_64BIT', 'PGTABLE_LEVELS', 'SPLIT_PTE_PTLOCKS', 'SPLIT_PMD_PTLOCKS', 'PREEMPT_RT', 'DEBUG_SPINLOCK', 'DEBUG_LOCK_ALLOC', 'PROVE_LOCKING', 'LOCK_STAT', 'DEBUG_VM', 'PAGE_EXTENSION', 'KFENCE', 'ARM64_MTE', 'ARM64_4K_PAGES', 'ARM64_VA_BITS', 'CC_MS_EXTENSIONS', 'GCC_VERSION'];
const DEFAULT_STRUCTS = ['page', 'folio', 'slab', 'ptdesc', 'zpdesc', 'netmem_desc', 'net_iov', 'ioptdesc'];

function usage(msg) {
  if (msg) console.error(msg);
  console.error('usage: gcc-oracle.mjs BUILD_DIR [--out FILE] [--keep] [--structs a,b,...]');
  process.exit(2);
}

function parseArgs() {
  const a = process.argv.slice(2);
  const o = { build: undefined, out: undefined, keep: false, structs: DEFAULT_STRUCTS };
  for (let i = 0; i < a.length; i++) {
    if (a[i] === '--out') o.out = a[++i];
    else if (a[i] === '--keep') o.keep = true;
    else if (a[i] === '--structs') o.structs = a[++i].split(',').filter(Boolean);
    else if (a[i].startsWith('-')) usage(`unknown option ${a[i]}`);
    else if (!o.build) o.build = a[i];
    else usage();
  }
  if (!o.build) usage();
  return o;
}

const readIf = (f) => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8') : undefined);

/** What the build is: tree, version, arch, variant. */
function describeBuild(build) {
  const config = readIf(path.join(build, '.config'));
  if (!config) throw new Error(`${build}: no .config (run prepare-build.sh first)`);
  if (!fs.existsSync(path.join(build, 'include/generated/bounds.h'))) throw new Error(`${build}: not prepared (no include/generated/bounds.h)`);
  const src = fs.realpathSync(path.join(build, 'source'));
  const stamp = readIf(path.join(build, '.memdesc-prepared')) ?? '';
  let arch = /arch=(\S+)/.exec(stamp)?.[1];
  if (!arch) arch = /^CONFIG_X86_64=y/m.test(config) ? 'x86_64' : /^CONFIG_X86_32=y/m.test(config) ? 'i386' : /^CONFIG_ARM64=y/m.test(config) ? 'arm64' : undefined;
  if (!ARCHES[arch]) throw new Error(`${build}: cannot tell the arch`);
  const variant = /variant=(\S+)/.exec(stamp)?.[1] ?? 'custom';
  // fetch-trees.sh's stamp: "VERSION PACKAGE-VERSION full=.. arches=.."
  const [stampVersion, pkg] = (readIf(path.join(src, '.memdesc-tree')) ?? '').split(' ');
  const release = readIf(path.join(build, 'include/config/kernel.release'))?.trim();
  const version = stampVersion || /^\d+\.\d+/.exec(release ?? '')?.[0] || path.basename(src);
  const tree = pkg;
  return { build, src, arch, variant, version, debianPackage: tree ? `linux-source-${version} ${tree}` : undefined, kernelRelease: release, config };
}

/** Like kmake, but returns the status and output instead of throwing. */
function kmakeStatus(d, extra, target) {
  const { karch, cross } = ARCHES[d.arch];
  const cache = process.env.MEMDESC_CACHE ?? path.join(os.homedir(), '.cache/memdesc-layout');
  const args = [path.join(cache, '.make.lock'), 'make', '-s', '-C', d.src, `O=${d.build}`, `ARCH=${karch}`, ...(cross ? [`CROSS_COMPILE=${cross}`] : []), ...extra, target];
  const r = spawnSync('flock', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  return { status: r.status, stderr: `${r.stdout}\n${r.stderr}` };
}

function kmake(d, extra, target) {
  const { karch, cross } = ARCHES[d.arch];
  const cache = process.env.MEMDESC_CACHE ?? path.join(os.homedir(), '.cache/memdesc-layout');
  fs.mkdirSync(cache, { recursive: true });
  const args = [path.join(cache, '.make.lock'), 'make', '-s', '-C', d.src, `O=${d.build}`, `ARCH=${karch}`, ...(cross ? [`CROSS_COMPILE=${cross}`] : []), ...extra, target];
  const r = spawnSync('flock', args, { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`make ${target} failed:\n${r.stdout}\n${r.stderr}`);
  return r;
}

// ---------------------------------------------------------------- probes

function headerIncludes(src) {
  const inc = ['#include <linux/mm_types.h>', '#include <linux/mm.h>'];
  for (const rel of ['mm/slab.h', 'mm/zpdesc.h', 'include/net/netmem.h', 'drivers/iommu/iommu-pages.h']) {
    if (fs.existsSync(path.join(src, rel))) inc.push(`#include "${path.join(src, rel)}"`);
  }
  return inc;
}

function dwarfProbe(src, structs) {
  return [
    '/* memdesc-layout gcc oracle, DWARF probe (generated; removed after use) */',
    ...headerIncludes(src),
    ...structs.map((s, i) => `struct ${s} *memdesc_probe_p${i};`),
    '',
  ].join('\n');
}

/** The memdesc files memdesc-layout analyses in a tree (engine/kernel/kernel.ts MEMDESC_FILES), those that exist. */
const MEMDESC_FILES = ['include/linux/mm_types.h', 'mm/slab.h', 'mm/zpdesc.h', 'include/net/netmem.h', 'drivers/iommu/iommu-pages.h', 'drivers/iommu/iommu-pages.c'];

function assertsProbe(src) {
  const lines = ['/* memdesc-layout gcc oracle, assertion probe (generated; removed after use) */', ...headerIncludes(src)];
  if (fs.existsSync(path.join(src, 'drivers/iommu/iommu-pages.c'))) lines.push(`#include "${path.join(src, 'drivers/iommu/iommu-pages.c')}"`);
  return lines.join('\n') + '\n';
}

/**
 * File-scope `_Static_assert`s per memdesc file in preprocessed output, by its line markers (relative to the
 * tree), and every one's place (file:line, how many there, how many at file scope). Those inside braces are not
 * counted: in a function they are mostly container_of's type checks inside statement expressions, which
 * memdesc-layout need not report; the ones it does report must be among them.
 */
function assertCounts(text, d) {
  const counts = Object.fromEntries(MEMDESC_FILES.filter((f) => fs.existsSync(path.join(d.src, f))).map((f) => [f, 0]));
  /** The file-scope assertions of the .c file, whole (an expanded macro is one line), for a fallback probe. */
  const cAsserts = [];
  /** Every assertion of the memdesc files, file-scope or not, where it is written: "file:line" → [all, file-scope]. */
  const sites = {};
  let file;
  let lineNo = 0;
  let depth = 0;
  for (const line of text.split('\n')) {
    const m = /^# (\d+) "([^"]*)"/.exec(line);
    if (m) {
      file = path.relative(d.src, path.resolve(d.build, m[2]));
      lineNo = Number(m[1]);
      continue;
    }
    const here = lineNo++;
    // Braces outside string and character literals; the assertion's place is where its keyword starts.
    const code = line.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, (q) => '"' + ' '.repeat(q.length - 2) + '"');
    for (const t of code.matchAll(/[{}]|\b_Static_assert\b/g)) {
      if (t[0] === '{') depth++;
      else if (t[0] === '}') depth = Math.max(0, depth - 1);
      if (t[0] === '_Static_assert' && file in counts) {
        const site = (sites[`${file}:${here}`] ??= [0, 0]);
        site[0]++;
        if (depth === 0) site[1]++;
      }
      if (t[0] === '_Static_assert' && depth === 0 && file in counts) {
        counts[file]++;
        if (file.endsWith('.c')) {
          const end = code.indexOf(';', t.index);
          cAsserts.push(line.slice(t.index, end < 0 ? undefined : end + 1));
        }
      }
    }
  }
  return { counts, cAsserts, sites };
}

function checkProbe(src, layouts, arch) {
  const lines = [
    '/* memdesc-layout gcc oracle, offsetof probe (generated; removed after use) */',
    ...headerIncludes(src),
    // %c0 prints a bare constant, except on s390, where it prints the low byte as a signed char: %0 there.
    `#define MEMDESC_VAL(sym, val) asm volatile("\\n.ascii \\"@@memdesc " #sym " ${arch === 's390x' ? '%0' : '%c0'} @@\\"" : : "i" ((long)(val)))`,
    'void memdesc_probe(void);',
    'void memdesc_probe(void)',
    '{',
  ];
  const objects = [];
  layouts.forEach((s, si) => {
    const T = `struct ${s.name}`;
    lines.push(`\tMEMDESC_VAL(s${si}.size, sizeof(${T}));`, `\tMEMDESC_VAL(s${si}.align, __alignof__(${T}));`);
    s.members.forEach((m, mi) => {
      if (m.bitSize !== undefined) {
        objects.push(`const ${T} memdesc_bf_s${si}_m${mi} __attribute__((used)) = { .${m.name} = -1 };`);
        return;
      }
      lines.push(`\tMEMDESC_VAL(s${si}.m${mi}.off, __builtin_offsetof(${T}, ${m.name}));`);
      if (!m.flexible) lines.push(`\tMEMDESC_VAL(s${si}.m${mi}.size, sizeof(((${T} *)0)->${m.name}));`);
    });
  });
  lines.push('}', ...objects, '');
  return lines.join('\n');
}

/** Bytes of an initialised object, in memory order, read from gcc's assembly. */
function objectBytes(asm, label, arch) {
  const at = asm.indexOf(`\n${label}:`);
  if (at < 0) return undefined;
  const { word, big } = ARCHES[arch];
  // Unaligned data has its own directives on sparc (.uahalf .uaword .uaxword) and sh (.uaword .ualong .uaquad).
  const widths = { byte: 1, value: 2, short: 2, hword: 2, half: 2, uahalf: 2, '2byte': 2, long: 4, ualong: 4, int: 4, '4byte': 4, quad: 8, uaquad: 8, xword: 8, uaxword: 8, '8byte': 8, dword: 8, word, uaword: word };
  const bytes = [];
  for (const line of asm.slice(at + label.length + 2).split('\n')) {
    // kbuild compiles .s with -fverbose-asm: comments start with the target's comment character (# @ // | ! ;).
    const t = line.replace(/\s(#|@|\/\/|\||!|;)\s.*$/, '').trim();
    if (t === '' || /^(#|@|\/\/|\||!|;)/.test(t)) continue;
    const m = /^\.(\w+)\s+(.*)$/.exec(t);
    if (!m) break; // next label
    const [, dir, arg] = m;
    if (dir === 'zero' || dir === 'skip' || dir === 'space') {
      bytes.push(...new Array(Number(arg.split(',')[0])).fill(0));
      continue;
    }
    const w = widths[dir];
    if (!w) break; // .size, .section, .globl, ...: the object is over
    for (const v of arg.split(',')) {
      let n = BigInt.asUintN(w * 8, BigInt(v.trim()));
      const le = [];
      for (let k = 0; k < w; k++) {
        le.push(Number(n & 0xffn));
        n >>= 8n;
      }
      bytes.push(...(big ? le.reverse() : le));
    }
  }
  return bytes;
}

/**
 * First set bit and number of bits up to the last set one, in allocation order: from the least significant bit
 * of each byte on little-endian targets, from the most significant on big-endian ones (gcc allocates bitfields
 * from the MSB there, and DW_AT_data_bit_offset counts the same way).
 */
function bitRange(bytes, big) {
  let first = -1;
  let last = -1;
  bytes.forEach((b, i) => {
    for (let k = 0; k < 8; k++) {
      if ((big ? (b >> (7 - k)) & 1 : (b >> k) & 1)) {
        if (first < 0) first = i * 8 + k;
        last = i * 8 + k;
      }
    }
  });
  return first < 0 ? undefined : { bitOffset: first, bitSize: last - first + 1 };
}

// ---------------------------------------------------------------- flags and generated values

function boundsValues(build) {
  const out = {};
  for (const m of fs.readFileSync(path.join(build, 'include/generated/bounds.h'), 'utf8').matchAll(/^#define (\w+) (-?\d+)/gm)) out[m[1]] = Number(m[2]);
  return out;
}

function configValue(config, name) {
  const m = new RegExp(`^CONFIG_${name}=(.*)$`, 'm').exec(config);
  if (!m) return null;
  const v = m[1];
  return /^"/.test(v) ? v.slice(1, -1) : /^-?\d+$/.test(v) ? Number(v) : v;
}

function splitCmd(cmd) {
  const out = [];
  for (const m of cmd.matchAll(/(?:[^\s'"]+|'[^']*'|"[^"]*")+/g)) out.push(m[0]);
  return out;
}

/** The layout-relevant part of kbuild's command line for a file in mm/. */
function describeCmdline(cmd, d) {
  const words = splitCmd(cmd);
  const rel = (p) => p.replace(d.src, '$(srctree)').replace(/^\.\//, '$(objtree)/').replace(/^(?!\$\()/, '$(objtree)/');
  const r = { compiler: words[0], std: undefined, includePaths: [], forcedIncludes: [], defines: [], layoutFlags: [], targetFlags: [] };
  for (let i = 1; i < words.length; i++) {
    const w = words[i];
    if (w.startsWith('-std=')) r.std = w.slice(5);
    else if (w === '-include') r.forcedIncludes.push(rel(words[++i]));
    else if (w.startsWith('-I')) r.includePaths.push(rel(w.slice(2) || words[++i]));
    else if (w.startsWith('-D') && !/KBUILD_(MODFILE|BASENAME|MODNAME)|__KBUILD_MODNAME/.test(w)) r.defines.push(w.slice(2));
    else if (/^-f(ms-|plan9-|short-|unsigned-|signed-|pack-struct|no-common|strict-flex|no-strict-aliasing)/.test(w)) r.layoutFlags.push(w);
    else if (/^-m/.test(w)) r.targetFlags.push(w);
  }
  return r;
}

/** The dialect flags as the top Makefile and Kconfig spell them. */
function makefileDialect(d) {
  const mk = fs.readFileSync(path.join(d.src, 'Makefile'), 'utf8');
  const lines = mk.split('\n').filter((l) => /-std=gnu|ms-extensions|ms-anonymous|CC_FLAGS_DIALECT|CONFIG_CC_MS_EXTENSIONS/.test(l) && !/^\s*#/.test(l)).map((l) => l.trim());
  const ms = /^CONFIG_CC_MS_EXTENSIONS="?([^"\n]*)"?$/m.exec(d.config)?.[1];
  return { makefileLines: lines, CONFIG_CC_MS_EXTENSIONS: ms ?? null };
}

// ---------------------------------------------------------------- main

function main() {
  const o = parseArgs();
  const d = describeBuild(path.resolve(o.build));
  const cache = process.env.MEMDESC_CACHE ?? path.join(os.homedir(), '.cache/memdesc-layout');
  const { cross } = ARCHES[d.arch];
  const mmDir = path.join(d.build, 'mm');
  fs.mkdirSync(mmDir, { recursive: true });
  const files = [];
  const put = (name, text) => {
    const f = path.join(mmDir, name);
    fs.writeFileSync(f, text);
    files.push(f);
  };
  const generated = (stem, ext) => [path.join(mmDir, `${stem}.${ext}`), path.join(mmDir, `.${stem}.${ext}.cmd`), path.join(mmDir, `.${stem}.${ext}.d`)];
  const t0 = Date.now();
  let out;
  try {
    // 1. DWARF
    put('memdesc_probe_dwarf.c', dwarfProbe(d.src, o.structs));
    files.push(...generated('memdesc_probe_dwarf', 'o'));
    kmake(d, ['CFLAGS_memdesc_probe_dwarf.o=-g -gdwarf-5 -femit-struct-debug-detailed=any -Wno-error'], 'mm/memdesc_probe_dwarf.o');
    const re = spawnSync('readelf', ['--debug-dump=info', '-W', path.join(mmDir, 'memdesc_probe_dwarf.o')], { encoding: 'utf8', maxBuffer: 1 << 30 });
    if (re.status !== 0) throw new Error(`readelf failed: ${re.stderr}`);
    const dw = new Dwarf(re.stdout);
    const layouts = [];
    for (const name of o.structs) {
      const s = dw.struct(name);
      if (!s) continue;
      layouts.push({ name, size: attrNum(s.attrs.DW_AT_byte_size), dwarfAlignment: attrNum(s.attrs.DW_AT_alignment), members: dw.members(s) });
    }
    const t1 = Date.now();

    // 2. offsetof / sizeof / bitfield bytes
    put('memdesc_probe_check.c', checkProbe(d.src, layouts, d.arch));
    files.push(...generated('memdesc_probe_check', 's'));
    kmake(d, ['CFLAGS_memdesc_probe_check.o=-Wno-error'], 'mm/memdesc_probe_check.s');
    const asm = fs.readFileSync(path.join(mmDir, 'memdesc_probe_check.s'), 'utf8');
    const vals = new Map();
    for (const m of asm.matchAll(/@@memdesc (\S+) [$#]?(-?\d+) @@/g)) vals.set(m[1], Number(m[2]));
    const problems = [];
    const agree = (what, dwarfVal, gccVal) => {
      if (gccVal === undefined) problems.push(`${what}: no value from the offsetof probe`);
      else if (dwarfVal !== gccVal) problems.push(`${what}: DWARF ${dwarfVal}, offsetof probe ${gccVal}`);
    };
    const structs = {};
    let nMembers = 0;
    let nBitfields = 0;
    layouts.forEach((s, si) => {
      agree(`sizeof(struct ${s.name})`, s.size, vals.get(`s${si}.size`));
      const align = vals.get(`s${si}.align`);
      const members = {};
      s.members.forEach((m, mi) => {
        nMembers++;
        const rec = { offset: m.offset, size: m.size, type: m.type };
        if (m.bitSize !== undefined) {
          nBitfields++;
          const bytes = objectBytes(asm, `memdesc_bf_s${si}_m${mi}`, d.arch);
          const range = bytes && bitRange(bytes, !!ARCHES[d.arch].big);
          agree(`struct ${s.name}.${m.name} bit offset`, m.bitOffset, range?.bitOffset);
          agree(`struct ${s.name}.${m.name} bit size`, m.bitSize, range?.bitSize);
          rec.bitOffset = m.bitOffset;
          rec.bitSize = m.bitSize;
        } else {
          agree(`offsetof(struct ${s.name}, ${m.name})`, m.offset, vals.get(`s${si}.m${mi}.off`));
          if (!m.flexible) agree(`sizeof(struct ${s.name}.${m.name})`, m.size, vals.get(`s${si}.m${mi}.size`));
          else rec.flexible = true;
        }
        if (members[m.name]) problems.push(`struct ${s.name}: member ${m.name} twice`);
        members[m.name] = rec;
      });
      structs[s.name] = { size: s.size, align, members };
    });
    if (problems.length) throw new Error(`DWARF and the offsetof probe disagree:\n  ${problems.join('\n  ')}`);
    const t2 = Date.now();

    // 3. gcc's verdict on every static assertion of the memdesc files: how many it sees in each (preprocessed),
    // and which fail (compiled; a failing one is gcc's `static assertion failed: "..."`).
    put('memdesc_probe_asserts.c', assertsProbe(d.src));
    files.push(...generated('memdesc_probe_asserts', 'i'), ...generated('memdesc_probe_asserts', 'o'));
    kmake(d, ['CFLAGS_memdesc_probe_asserts.o=-Wno-error'], 'mm/memdesc_probe_asserts.i');
    const { counts, cAsserts, sites } = assertCounts(fs.readFileSync(path.join(mmDir, 'memdesc_probe_asserts.i'), 'utf8'), d);
    let compiled = kmakeStatus(d, ['CFLAGS_memdesc_probe_asserts.o=-Wno-error'], 'mm/memdesc_probe_asserts.o');
    let failed = [...compiled.stderr.matchAll(/static assertion failed: "([^"\n]*)"/g)].map((m) => m[1]);
    let how = 'the memdesc files compiled';
    if (compiled.status !== 0 && failed.length === 0 && cAsserts.length) {
      // iommu-pages.c's functions need its config (CONFIG_IOMMU_SUPPORT's NR_IOMMU_PAGES): its file-scope
      // assertions, as preprocessed, after the headers instead.
      put('memdesc_probe_asserts2.c', [...headerIncludes(d.src), ...cAsserts].join('\n') + '\n');
      files.push(...generated('memdesc_probe_asserts2', 'o'));
      compiled = kmakeStatus(d, ['CFLAGS_memdesc_probe_asserts2.o=-Wno-error'], 'mm/memdesc_probe_asserts2.o');
      failed = [...compiled.stderr.matchAll(/static assertion failed: "([^"\n]*)"/g)].map((m) => m[1]);
      how = 'the memdesc headers compiled, with the file-scope assertions of iommu-pages.c (its functions need CONFIG_IOMMU_SUPPORT)';
    }
    if (compiled.status !== 0 && failed.length === 0) throw new Error(`the assertion probe does not compile:\n${compiled.stderr.split('\n').slice(0, 20).join('\n')}`);
    const asserts = { counts, sites, failed, how };

    const cmdFile = path.join(mmDir, '.memdesc_probe_check.s.cmd');
    const cmd = /^(?:savedcmd|cmd)_\S+ := (.*)$/m.exec(fs.readFileSync(cmdFile, 'utf8'))[1];
    const gccVersion = spawnSync(`${cross}gcc`, ['-dumpfullversion'], { encoding: 'utf8' }).stdout.trim();
    out = {
      build: d.build,
      src: d.src,
      version: d.version,
      kernelRelease: d.kernelRelease,
      debianPackage: d.debianPackage,
      arch: d.arch,
      variant: d.variant,
      compiler: `${cross}gcc ${gccVersion}`,
      method: 'kbuild-compiled probe in mm/: DWARF 5 (readelf) for the member list, checked against offsetof/sizeof/__alignof__ constants and bitfield bytes',
      absent: o.structs.filter((n) => !structs[n]),
      structs,
      bounds: boundsValues(d.build),
      config: Object.fromEntries(LAYOUT_CONFIG.map((c) => [c, configValue(d.config, c)])),
      dialect: { ...makefileDialect(d), cmdline: describeCmdline(cmd, d) },
      asserts,
      stats: { members: nMembers, bitfields: nBitfields, dwarfMs: t1 - t0, checkMs: t2 - t1, assertsMs: Date.now() - t2 },
    };
    const notes = path.join(cache, 'notes');
    fs.mkdirSync(notes, { recursive: true });
    const noteName = `${d.version}-${d.arch}${d.variant === 'defconfig' ? '' : `-${d.variant}`}-cmdline.txt`;
    fs.writeFileSync(
      path.join(notes, noteName),
      `# kbuild's command line for a file in mm/ (mm/memdesc_probe_check.c -> .s), ${d.version} ${d.arch} ${d.variant}\n` +
        `# srctree=${d.src} objtree=${d.build}\n${cmd}\n\n# one word a line\n${splitCmd(cmd).join('\n')}\n`,
    );
  } finally {
    if (!o.keep) for (const f of files) fs.rmSync(f, { force: true });
  }
  const file = o.out ?? path.join(process.env.MEMDESC_ORACLE_DIR ?? path.join(cache, 'oracle'), `${d.version}-${d.arch}-${d.variant}.json`);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(out, null, 1) + '\n');
  const sz = (n) => (out.structs[n] ? `${n} ${out.structs[n].size}/${out.structs[n].align}` : `${n} -`);
  console.log(`${file}: ${o.structs.map(sz).join(', ')}; ${out.stats.members} members (${out.stats.bitfields} bitfields) agree; ${Date.now() - t0} ms`);
}

try {
  main();
} catch (e) {
  console.error(`gcc-oracle: ${e.message}`);
  process.exit(1);
}
