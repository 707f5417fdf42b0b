#!/usr/bin/env node
// Fidelity at scale: every struct and union of real kernel translation units, memdesc-layout against gcc.
//
// For each TU (a .c file of a prepared O= build, see prepare-build.sh):
//   1. kbuild's exact command: the build dir's `.<stem>.o.cmd`, made by `make O=BUILD <dir>/<stem>.o` if missing;
//   2. gcc: that command re-run with `-g -fno-eliminate-unused-debug-types -femit-struct-debug-detailed=any`
//      (object in a temp dir); its DWARF (readelf) gives every struct's size and every member's offset, size,
//      bit offset and width, through any nesting of anonymous members; `pahole --sizes` reads the same object
//      (an independent reader of the sizes); a probe (the TU itself, #included, followed by asm-offsets-style
//      constants) gives gcc's __alignof__ of every file-scope struct and offsetof/sizeof of every member, which
//      must agree with the DWARF;
//   3. memdesc-layout: `layout --kernel SRC --build BUILD --tu FILE --all --json` (mode `build`: the .cmd file,
//      the build's generated headers) and/or `--config BUILD/.config` (mode `header-only`: the command we
//      synthesise, bounds.h computed by the engine; no build needed);
//   4. every struct both sides have (file scope, by tag or typedef name) compared: size, alignment, the member
//      list (names in order), each member's offset and size, each bitfield's bit offset and width, and the layout
//      of untagged struct/union types of named members (`struct { ... } x[3];`); every static assertion of the TU
//      must hold for us (gcc compiled it). Structs only one side has are counted with the reason.
//
// usage: node scripts/kernel/tu-fidelity.mjs --build BUILD [--tu FILE]... [--mode build|header-only|both]
//                                           [--json] [--out FILE] [--list N] [--keep]
//   defaults: --tu mm/page_alloc.c mm/slub.c kernel/fork.c (and net/core/page_pool.c where the tree has it),
//   --mode both. Exit 0 when there are no mismatches, 1 when there are, 2 on bad usage or a broken setup.
//   Needs gcc (or the build's cross gcc), readelf (binutils) and pahole (Debian dwarves).
//        node scripts/kernel/tu-fidelity.mjs --summary REPORT.json...   (tables over several --out reports;
//   a TU given twice for one build counts once, the later report winning)
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { attrNum, Dwarf, fileTable } from './dwarf.mjs';
import { makeArgs } from './probe.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cache = process.env.MEMDESC_CACHE ?? path.join(os.homedir(), '.cache/memdesc-layout');

function usage(msg) {
  if (msg) console.error(`tu-fidelity: ${msg}`);
  console.error('usage: tu-fidelity.mjs --build BUILD [--tu FILE]... [--mode build|header-only|both] [--json] [--out FILE] [--list N] [--keep]');
  process.exit(2);
}

function parseArgs() {
  const a = process.argv.slice(2);
  const o = { build: undefined, tus: [], mode: 'both', json: false, out: undefined, list: 20, keep: false };
  for (let i = 0; i < a.length; i++) {
    const v = () => a[++i] ?? usage(`${a[i - 1]} needs a value`);
    if (a[i] === '--build') o.build = v();
    else if (a[i] === '--tu') o.tus.push(v());
    else if (a[i] === '--mode') o.mode = v();
    else if (a[i] === '--json') o.json = true;
    else if (a[i] === '--out') o.out = v();
    else if (a[i] === '--list') o.list = Number(v());
    else if (a[i] === '--keep') o.keep = true;
    else usage(`unknown argument ${a[i]}`);
  }
  if (!o.build) usage('--build is required');
  if (!['build', 'header-only', 'both'].includes(o.mode)) usage(`unknown mode ${o.mode}`);
  return o;
}

const ARCH_OF_CONFIG = [
  ['X86_64', 'x86_64'], ['X86_32', 'i386'], ['ARM64', 'arm64'], ['ARM', 'arm'], ['RISCV', 'riscv64'], ['S390', 's390x'], ['PPC64', 'ppc64le'],
];
const CROSS = { x86_64: '', i386: 'i686-linux-gnu-', arm64: 'aarch64-linux-gnu-', arm: 'arm-linux-gnueabihf-', riscv64: 'riscv64-linux-gnu-', s390x: 's390x-linux-gnu-', ppc64le: 'powerpc64le-linux-gnu-' };

function describeBuild(build) {
  const config = fs.readFileSync(path.join(build, '.config'), 'utf8');
  if (!fs.existsSync(path.join(build, 'include/generated/bounds.h'))) usage(`${build} is not prepared (no include/generated/bounds.h; run prepare-build.sh)`);
  const src = fs.realpathSync(path.join(build, 'source'));
  const arch = ARCH_OF_CONFIG.find(([c]) => new RegExp(`^CONFIG_${c}=y`, 'm').test(config))?.[1];
  if (!arch) usage(`${build}: cannot tell the arch from .config`);
  const release = fs.existsSync(path.join(build, 'include/config/kernel.release')) ? fs.readFileSync(path.join(build, 'include/config/kernel.release'), 'utf8').trim() : undefined;
  const stamp = fs.existsSync(path.join(build, '.memdesc-prepared')) ? fs.readFileSync(path.join(build, '.memdesc-prepared'), 'utf8') : '';
  // prepare-build.sh stamps the variant; fetch-tree.sh (the test suite's) makes trees/VERSION/build-ARCH from defconfig.
  const variant = /variant=(\S+)/.exec(stamp)?.[1] ?? (/^build-/.test(path.basename(build)) ? 'defconfig' : 'custom');
  return { build, src, arch, release, variant, config };
}

function need(tool, pkg) {
  const r = spawnSync(tool, ['--version'], { encoding: 'utf8' });
  if (r.error) usage(`${tool} not found: install ${pkg}`);
}

// ---------------------------------------------------------------- kbuild's command

function shellWords(cmd) {
  const out = [];
  let cur;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i];
    if (c === "'") {
      const j = cmd.indexOf("'", i + 1);
      cur = (cur ?? '') + cmd.slice(i + 1, j);
      i = j;
    } else if (c === '"') {
      let v = '';
      for (i++; i < cmd.length && cmd[i] !== '"'; i++) {
        if (cmd[i] === '\\' && '"\\$`'.includes(cmd[i + 1])) i++;
        v += cmd[i];
      }
      cur = (cur ?? '') + v;
    } else if (c === '\\') cur = (cur ?? '') + cmd[++i];
    else if (c === ';') break;
    else if (c === ' ' || c === '\t') {
      if (cur !== undefined) out.push(cur);
      cur = undefined;
    } else cur = (cur ?? '') + c;
  }
  if (cur !== undefined) out.push(cur);
  return out;
}

/** kbuild's command for TU, from its .cmd file (compiling the object once with kbuild when there is none). */
function kbuildCommand(d, tu) {
  const stem = path.basename(tu, '.c');
  const cmdFile = path.join(d.build, path.dirname(tu), `.${stem}.o.cmd`);
  let made = false;
  if (!fs.existsSync(cmdFile)) {
    const r = spawnSync('flock', [path.join(cache, '.make.lock'), 'make', '-s', '-C', d.src, ...makeArgs(d.build, d.arch), `${tu.replace(/\.c$/, '.o')}`], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (r.status !== 0 || !fs.existsSync(cmdFile)) {
      const lines = (r.stderr || r.stdout).trim().split('\n');
      const why = lines.filter((l) => /error:|No rule to make/.test(l)).slice(0, 2);
      return { error: `kbuild could not compile ${tu} in this tree and config: ${(why.length ? why : lines.slice(-2)).join(' | ')}` };
    }
    made = true;
  }
  const line = /^(?:savedcmd|cmd)_\S+ := (.*)$/m.exec(fs.readFileSync(cmdFile, 'utf8'))?.[1];
  if (!line) return { error: `${cmdFile}: no command line` };
  return { cmdFile, words: shellWords(line), made };
}

/** The same command with the source, the output and the mode replaced, the dependency file dropped, flags added. */
function variantCommand(words, { source, output, asm, extra }) {
  const out = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (/^-Wp,-M/.test(w)) continue;
    if (w === '-o') {
      out.push('-o', output);
      i++;
    } else if (w === '-c' && asm) out.push('-S');
    else if (i > 0 && !w.startsWith('-') && /\.c$/.test(w) && words[i - 1] !== '-o') out.push(source);
    else out.push(w);
  }
  return [...out, ...extra];
}

function run(words, cwd) {
  const t0 = Date.now();
  const r = spawnSync(words[0], words.slice(1), { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  return { ...r, ms: Date.now() - t0 };
}

// ---------------------------------------------------------------- gcc's side

const DEBUG_FLAGS = ['-g', '-gdwarf-5', '-fno-eliminate-unused-debug-types', '-femit-struct-debug-detailed=any', '-Wno-error'];

/** Every complete struct/union of the TU as gcc's DWARF has it. */
function gccRecords(d, tu, cmd, tmp, cross) {
  const obj = path.join(tmp, `${path.basename(tu, '.c')}.o`);
  const c = run(variantCommand(cmd.words, { source: path.join(d.src, tu), output: obj, extra: DEBUG_FLAGS }), d.build);
  if (c.status !== 0) throw new Error(`gcc -g failed on ${tu}:\n${c.stderr.split('\n').slice(0, 20).join('\n')}`);
  const readelf = `${cross}readelf`;
  const info = spawnSync(fs.existsSync(`/usr/bin/${readelf}`) ? readelf : 'readelf', ['--debug-dump=info', '-W', obj], { encoding: 'utf8', maxBuffer: 1 << 30 });
  const raw = spawnSync(fs.existsSync(`/usr/bin/${readelf}`) ? readelf : 'readelf', ['--debug-dump=rawline', obj], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (info.status !== 0) throw new Error(`readelf failed: ${info.stderr}`);
  const dw = new Dwarf(info.stdout);
  const files = fileTable(raw.stdout);
  const records = dw.records().map((r) => ({ ...r, file: files[r.declFile] }));
  // pahole reads the same DWARF with its own code: its sizes of named structs and unions.
  const pahole = new Map();
  for (const args of [['--sizes'], ['--sizes', '--unions']]) {
    const p = spawnSync('pahole', [...args, obj], { encoding: 'utf8', maxBuffer: 1 << 28 });
    if (p.status !== 0) throw new Error(`pahole failed: ${p.stderr}`);
    for (const line of p.stdout.split('\n')) {
      const [name, size] = line.split('\t');
      if (name && size !== undefined) pahole.set(`${args.length > 1 ? 'union' : 'struct'} ${name}`, Number(size));
    }
  }
  return { dw, records, pahole, obj, compileMs: c.ms };
}

/**
 * gcc's __alignof__, sizeof and offsetof for every file-scope struct, from a probe that #includes the TU and
 * appends asm-offsets-style constants (every name #undef'd first, so no macro of the TU can change them). A
 * line gcc rejects is dropped and the probe compiled again (its struct's values are then missing).
 */
function probeValues(d, tu, cmd, tmp, recs, dw) {
  const undef = new Set();
  const body = [];
  recs.forEach((r, ri) => {
    const T = r.typedef ? r.name : `${r.kind} ${r.name}`;
    undef.add(r.name);
    body.push(`\tTU_VAL(s${ri}.size, sizeof(${T}));`, `\tTU_VAL(s${ri}.align, __alignof__(${T}));`);
    r.members.forEach((m, mi) => {
      undef.add(m.name);
      if (m.bitSize !== undefined) return;
      body.push(`\tTU_VAL(s${ri}.m${mi}.off, __builtin_offsetof(${T}, ${m.name}));`);
      if (!m.flexible) body.push(`\tTU_VAL(s${ri}.m${mi}.size, sizeof(((${T} *)0)->${m.name}));`);
    });
  });
  const head = [
    `#include "${path.join(d.src, tu)}"`,
    ...[...undef].map((n) => `#undef ${n}`),
    '#undef TU_VAL',
    '#define TU_VAL(sym, val) __asm__ __volatile__("\\n.ascii \\"@@tu " #sym " %c0 @@\\"" : : "i" ((long)(val)))',
    'void memdesc_tu_probe(void);',
    'void memdesc_tu_probe(void)',
    '{',
  ];
  let lines = [...head, ...body, '}', ''];
  const probe = path.join(tmp, 'tu_probe.c');
  const asm = path.join(tmp, 'tu_probe.s');
  const dropped = [];
  for (let attempt = 0; attempt < 4; attempt++) {
    fs.writeFileSync(probe, lines.join('\n'));
    const c = run(variantCommand(cmd.words, { source: probe, output: asm, asm: true, extra: ['-Wno-error', '-w'] }), d.build);
    if (c.status === 0) {
      const vals = new Map();
      for (const m of fs.readFileSync(asm, 'utf8').matchAll(/@@tu (\S+) [$#]?(-?\d+) @@/g)) vals.set(m[1], Number(m[2]));
      return { vals, dropped, ms: c.ms };
    }
    const bad = new Set();
    for (const m of c.stderr.matchAll(/tu_probe\.c:(\d+):\d+: error/g)) bad.add(Number(m[1]) - 1);
    if (bad.size === 0) throw new Error(`the probe does not compile:\n${c.stderr.split('\n').slice(0, 20).join('\n')}`);
    dropped.push(...[...bad].map((i) => lines[i].trim()));
    lines = lines.filter((_, i) => !bad.has(i));
  }
  throw new Error('the probe still does not compile after dropping the lines gcc rejected');
}

// ---------------------------------------------------------------- memdesc-layout's side

function ours(d, tu, mode) {
  const src = mode === 'build' ? ['--build', d.build] : ['--config', path.join(d.build, '.config')];
  const t0 = Date.now();
  const r = spawnSync(process.execPath, [path.join(repo, 'dist/cli.js'), 'layout', '--kernel', d.src, ...src, '--arch', d.arch, '--tu', tu, '--all', '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`memdesc-layout failed on ${tu} (${mode}): ${r.stderr}`);
  return { json: JSON.parse(r.stdout), ms: Date.now() - t0 };
}

// ---------------------------------------------------------------- comparison

/** Compares one record; pushes mismatch strings; returns the number of members compared. */
function compareRecord(label, theirs, mine, dw, mismatches) {
  let members = 0;
  const diff = (what, a, b) => {
    if (a !== b) mismatches.push(`${label}${what}: memdesc-layout ${a}, gcc ${b}`);
  };
  diff(' size', mine.size, theirs.size);
  if (theirs.align !== undefined) diff(' align', mine.align, theirs.align);
  const tm = theirs.members;
  const names = (ms) => ms.map((m) => m.name).join(',');
  if (names(tm) !== names(mine.members)) {
    const a = new Set(mine.members.map((m) => m.name));
    const b = new Set(tm.map((m) => m.name));
    const onlyOurs = [...a].filter((n) => !b.has(n));
    const onlyGcc = [...b].filter((n) => !a.has(n));
    mismatches.push(`${label} members: ${onlyOurs.length || onlyGcc.length ? `only memdesc-layout [${onlyOurs.join(', ')}], only gcc [${onlyGcc.join(', ')}]` : 'same names, different order'}`);
  }
  const byName = new Map(mine.members.map((m) => [m.name, m]));
  for (const t of tm) {
    const m = byName.get(t.name);
    if (!m) continue;
    members++;
    const at = `${label}.${t.name}`;
    if (t.bitSize !== undefined || m.bitSize !== undefined) {
      if (m.bitSize === undefined || t.bitSize === undefined) mismatches.push(`${at}: bitfield on one side only`);
      else {
        diff(`.${t.name} bit offset`, m.bitOffset, t.bitOffset);
        diff(`.${t.name} bit size`, m.bitSize, t.bitSize);
      }
    } else diff(`.${t.name} offset`, m.offset, t.offset);
    diff(`.${t.name} size`, m.size, t.size);
    // An untagged record type of a named member: compare its own layout too.
    let inner = dw.strip(t.typeDie);
    while (inner && inner.tag === 'DW_TAG_array_type') inner = dw.strip(dw.type(inner));
    if (inner && ['DW_TAG_structure_type', 'DW_TAG_union_type'].includes(inner.tag) && inner.attrs.DW_AT_name === undefined && !dw.typedefNamed(inner)) {
      if (!m.inner) mismatches.push(`${at}: gcc has an untagged record type here, memdesc-layout reports none`);
      else members += compareRecord(`${at}{}`, { size: attrNum(inner.attrs.DW_AT_byte_size), align: undefined, members: dw.members(inner) }, m.inner, dw, mismatches);
    }
  }
  return members;
}

function compareTu(d, tu, mode, gcc, probe, mine, list) {
  const key = (kind, name, typedef) => (typedef ? `typedef ${name}` : `tag ${name}`);
  const oursBy = new Map();
  const oursDup = [];
  for (const s of mine.json.structs) {
    const k = key(s.kind, s.name, s.typedef);
    if (oursBy.has(k)) oursDup.push(`${s.kind} ${s.name} (${s.file}:${s.line})`);
    else oursBy.set(k, s);
  }
  const mismatches = [];
  const onlyGcc = {};
  const note = (bucket, what) => (onlyGcc[bucket] ??= []).push(what);
  const seen = new Set();
  const compared = [];
  let structs = 0;
  let members = 0;
  let paholeAgree = 0;
  let paholeChecked = 0;
  const where = (r) => `${r.file ? path.relative(d.src, r.file) : '?'}:${r.declLine ?? '?'}`;
  for (const r of gcc.fileRecords) {
    if (!r.name) {
      const why = {
        'anonymous member': 'untagged, an anonymous member (compared inside its parent)',
        'named member': 'untagged, the type of a named member (compared inside its parent)',
        'main variant of a typedef with a type attribute': 'untagged, main variant of a typedef with a type attribute (compared under the typedef name)',
        variable: 'untagged, the type of a variable (`static struct { ... } x;`): no name to compare by',
      }[r.use];
      note(why ?? 'untagged, used in an expression only (`sizeof(struct { int:(-!!e); })` in an initialiser): no name, memdesc-layout skips initialisers', where(r));
      continue;
    }
    const k = key(r.kind, r.name, r.typedef);
    const s = oursBy.get(k);
    if (!s) {
      if (r.file?.endsWith('<built-in>')) note("the compiler's built-in type (no source)", `${r.kind} ${r.name}`);
      else note('named, memdesc-layout has no complete definition', `${r.kind} ${r.name} (${where(r)})`);
      continue;
    }
    seen.add(k);
    compared.push(k);
    structs++;
    const label = `${r.kind} ${r.name}`;
    if (s.kind !== r.kind) mismatches.push(`${label}: memdesc-layout says ${s.kind}`);
    const ri = gcc.probeIndex.get(r);
    const align = ri === undefined ? undefined : probe.vals.get(`s${ri}.align`);
    members += compareRecord(label, { size: r.size, align, members: r.members }, s, gcc.dw, mismatches);
    const ps = r.typedef ? undefined : gcc.pahole.get(`${r.kind} ${r.name}`);
    if (ps !== undefined) {
      paholeChecked++;
      if (ps === s.size) paholeAgree++;
      else mismatches.push(`${label} size: memdesc-layout ${s.size}, pahole ${ps}`);
    }
  }
  for (const r of gcc.blockRecords) note('defined inside a function body (memdesc-layout skips function bodies)', `${r.kind} ${r.name ?? '<untagged>'} (${where(r)})`);
  const onlyOurs = [...oursBy].filter(([k]) => !seen.has(k)).map(([, s]) => `${s.kind} ${s.name} (${s.file}:${s.line})`);
  // gcc compiled the TU, so each of its static assertions holds.
  const asserts = mine.json.asserts;
  for (const a of asserts.filter((x) => x.holds === false)) mismatches.push(`assertion ${a.file}:${a.line} ${a.text}: memdesc-layout says it fails, gcc compiled it`);
  const errors = mine.json.diagnostics.filter((x) => x.severity === 'error');
  return {
    tu,
    mode,
    command: mine.json.kernel?.tu?.command,
    commandDifferences: mine.json.kernel?.tu?.differences ?? [],
    structs,
    members,
    mismatches,
    compared,
    gccRecords: gcc.fileRecords.length + gcc.blockRecords.length,
    oursRecords: mine.json.structs.length,
    onlyGcc: Object.fromEntries(Object.entries(onlyGcc).map(([k, v]) => [k, { count: v.length, examples: v.slice(0, list) }])),
    onlyOurs: { count: onlyOurs.length, examples: onlyOurs.slice(0, list) },
    oursDuplicates: oursDup,
    pahole: { checked: paholeChecked, agree: paholeAgree },
    asserts: { total: asserts.length, hold: asserts.filter((x) => x.holds === true).length, fail: asserts.filter((x) => x.holds === false).length, unknown: asserts.filter((x) => x.holds === null).length },
    errors: errors.map((x) => `${x.file}:${x.line}: ${x.message} [${x.code}]`),
    ms: { ours: mine.ms },
  };
}

// ---------------------------------------------------------------- main

function main() {
  const o = parseArgs();
  const d = describeBuild(path.resolve(o.build));
  const cross = CROSS[d.arch];
  need(`${cross}gcc`, `gcc${cross ? `-${cross.slice(0, -1)}` : ''}`);
  need('readelf', 'binutils');
  need('pahole', 'dwarves');
  if (!fs.existsSync(path.join(repo, 'dist/cli.js'))) usage('dist/cli.js is missing: run `npm run build` first');
  const tus = o.tus.length ? o.tus : ['mm/page_alloc.c', 'mm/slub.c', 'kernel/fork.c', 'net/core/page_pool.c'].filter((t) => fs.existsSync(path.join(d.src, t)));
  const modes = o.mode === 'both' ? ['build', 'header-only'] : [o.mode];
  const results = [];
  const skipped = [];
  for (const tu of tus) {
    const cmd = kbuildCommand(d, tu);
    if (cmd.error) {
      skipped.push({ tu, reason: cmd.error });
      continue;
    }
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-tu-'));
    try {
      const g = gccRecords(d, tu, cmd, tmp, cross);
      const fileRecords = g.records.filter((r) => r.scope === 'file');
      const blockRecords = g.records.filter((r) => r.scope === 'block');
      for (const r of fileRecords) r.members = g.dw.members(r.membersDie);
      const named = fileRecords.filter((r) => r.name);
      const probe = probeValues(d, tu, cmd, tmp, named, g.dw);
      // The probe's offsetof/sizeof must agree with the DWARF, or our reading of the DWARF is wrong.
      const oracleProblems = [];
      const probeIndex = new Map();
      named.forEach((r, ri) => {
        probeIndex.set(r, ri);
        const v = (k) => probe.vals.get(`s${ri}.${k}`);
        if (v('size') !== undefined && v('size') !== r.size) oracleProblems.push(`${r.kind} ${r.name} size: DWARF ${r.size}, sizeof ${v('size')}`);
        r.members.forEach((m, mi) => {
          if (m.bitSize !== undefined) return;
          if (v(`m${mi}.off`) !== undefined && v(`m${mi}.off`) !== m.offset) oracleProblems.push(`${r.kind} ${r.name}.${m.name}: DWARF offset ${m.offset}, offsetof ${v(`m${mi}.off`)}`);
          if (!m.flexible && v(`m${mi}.size`) !== undefined && v(`m${mi}.size`) !== m.size) oracleProblems.push(`${r.kind} ${r.name}.${m.name}: DWARF size ${m.size}, sizeof ${v(`m${mi}.size`)}`);
        });
      });
      if (oracleProblems.length) throw new Error(`gcc's DWARF and its offsetof/sizeof disagree (a bug in reading the DWARF):\n  ${oracleProblems.slice(0, 20).join('\n  ')}`);
      const gcc = { ...g, fileRecords, blockRecords, probeIndex };
      for (const mode of modes) {
        const mine = ours(d, tu, mode);
        const res = compareTu(d, tu, mode, gcc, probe, mine, o.list);
        res.ms.gccDebugCompile = g.compileMs;
        res.ms.probeCompile = probe.ms;
        res.probeDropped = probe.dropped;
        res.alignChecked = named.filter((r) => probe.vals.has(`s${probeIndex.get(r)}.align`)).length;
        results.push(res);
      }
    } finally {
      if (o.keep) console.error(`kept ${tmp}`);
      else fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  const total = (k) => results.reduce((a, r) => a + (typeof r[k] === 'number' ? r[k] : r[k].length), 0);
  const report = {
    kernel: d.release,
    arch: d.arch,
    variant: d.variant,
    build: d.build,
    compiler: `${cross}gcc ${spawnSync(`${cross}gcc`, ['-dumpfullversion'], { encoding: 'utf8' }).stdout.trim()}`,
    pahole: spawnSync('pahole', ['--version'], { encoding: 'utf8' }).stdout.trim(),
    tus: results.length ? [...new Set(results.map((r) => r.tu))].length : 0,
    structs: total('structs'),
    members: total('members'),
    mismatches: total('mismatches'),
    results,
    skipped,
  };
  if (o.out) fs.writeFileSync(o.out, JSON.stringify(report, null, 1) + '\n');
  if (o.json) console.log(JSON.stringify(report, null, 1));
  else printText(report, o.list);
  process.exit(report.mismatches ? 1 : 0);
}

function printText(r, list) {
  console.log(`Linux ${r.kernel} ${r.arch} ${r.variant} (${r.compiler}, ${r.pahole}): ${r.tus} TUs`);
  console.log('| TU | mode | command | structs | members | mismatches | only gcc | only ours | assertions hold | pahole sizes agree |');
  console.log('|---|---|---|---|---|---|---|---|---|---|');
  for (const x of r.results) {
    const og = Object.values(x.onlyGcc).reduce((a, b) => a + b.count, 0);
    console.log(`| ${x.tu} | ${x.mode} | ${x.command}${x.commandDifferences.length ? ` (${x.commandDifferences.length} differences)` : ''} | ${x.structs} | ${x.members} | ${x.mismatches.length} | ${og} | ${x.onlyOurs.count} | ${x.asserts.hold}/${x.asserts.total} | ${x.pahole.agree}/${x.pahole.checked} |`);
  }
  console.log(`total: ${r.structs} structs, ${r.members} members compared, ${r.mismatches} mismatches`);
  for (const x of r.results) {
    for (const m of x.mismatches.slice(0, list)) console.log(`  MISMATCH ${x.tu} (${x.mode}): ${m}`);
    if (x.mismatches.length > list) console.log(`  ... ${x.mismatches.length - list} more`);
    for (const c of x.commandDifferences) console.log(`  command ${x.tu}: ${c}`);
    for (const e of x.errors.slice(0, 5)) console.log(`  memdesc-layout error ${x.tu} (${x.mode}): ${e}`);
  }
  const first = r.results.filter((x) => x.mode === r.results[0]?.mode);
  for (const x of first) {
    console.log(`only one side, ${x.tu}:`);
    for (const [why, v] of Object.entries(x.onlyGcc)) console.log(`  gcc only, ${why}: ${v.count}${v.examples.length ? ` (e.g. ${v.examples.slice(0, 3).join('; ')})` : ''}`);
    console.log(`  memdesc-layout only: ${x.onlyOurs.count}${x.onlyOurs.count ? ` (${x.onlyOurs.examples.slice(0, 5).join('; ')})` : ''}`);
  }
  for (const s of r.skipped) console.log(`skipped ${s.tu}: ${s.reason}`);
}

/** Markdown tables over several reports: one row per build, then the reasons for structs only gcc has. */
function summary(files) {
  const builds = new Map();
  for (const f of files) {
    const r = JSON.parse(fs.readFileSync(f, 'utf8'));
    const key = `${r.kernel} ${r.arch} ${r.variant}`;
    const b = builds.get(key) ?? { key, r, rows: new Map() };
    for (const x of r.results) b.rows.set(`${x.tu} ${x.mode}`, x);
    builds.set(key, b);
  }
  console.log('| tree, arch, config | TUs | mode | structs compared (distinct) | members compared | mismatches | assertions hold | pahole sizes agree | only memdesc-layout | command differences | memdesc-layout errors |');
  console.log('|---|---|---|---|---|---|---|---|---|---|---|');
  const reasons = new Map();
  const tot = { structs: 0, members: 0, mismatches: 0, tus: 0 };
  for (const b of builds.values()) {
    for (const mode of ['build', 'header-only']) {
      const xs = [...b.rows.values()].filter((x) => x.mode === mode);
      if (!xs.length) continue;
      const sum = (f) => xs.reduce((a, x) => a + f(x), 0);
      const tus = new Set(xs.map((x) => x.tu));
      if (mode === 'build') tot.tus += tus.size;
      tot.structs += sum((x) => x.structs);
      tot.members += sum((x) => x.members);
      tot.mismatches += sum((x) => x.mismatches.length);
      const distinct = new Set(xs.flatMap((x) => x.compared ?? [])).size;
      console.log(`| Linux ${b.key} | ${tus.size} | ${mode === 'build' ? '.cmd file' : 'header-only'} | ${sum((x) => x.structs).toLocaleString('en-US')} (${distinct.toLocaleString('en-US')}) | ${sum((x) => x.members).toLocaleString('en-US')} | ${sum((x) => x.mismatches.length)} | ${sum((x) => x.asserts.hold)}/${sum((x) => x.asserts.total)} | ${sum((x) => x.pahole.agree)}/${sum((x) => x.pahole.checked)} | ${sum((x) => x.onlyOurs.count)} | ${sum((x) => x.commandDifferences.length)} | ${sum((x) => x.errors.length)} |`);
      if (mode === 'build') for (const x of xs) for (const [why, v] of Object.entries(x.onlyGcc)) reasons.set(why, (reasons.get(why) ?? 0) + v.count);
    }
  }
  console.log(`| **total** | ${tot.tus} | both | **${tot.structs.toLocaleString('en-US')}** | **${tot.members.toLocaleString('en-US')}** | **${tot.mismatches}** | | | | | |`);
  console.log('');
  console.log('| structs only gcc has (mode .cmd file, all builds) | count |');
  console.log('|---|---|');
  for (const [why, n] of [...reasons].sort((a, b) => b[1] - a[1])) console.log(`| ${why} | ${n.toLocaleString('en-US')} |`);
  const tuList = [...builds.values()].map((b) => `${b.key}: ${[...new Set([...b.rows.values()].map((x) => x.tu))].join(', ')}`);
  console.log('');
  console.log(`TUs: ${tuList.join('; ')}`);
}

try {
  if (process.argv[2] === '--summary') summary(process.argv.slice(3));
  else main();
} catch (e) {
  console.error(`tu-fidelity: ${e.stack ?? e.message}`);
  process.exit(2);
}
