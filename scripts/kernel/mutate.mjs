#!/usr/bin/env node
// Mutates a prepared kernel tree (insert, widen, move, flip an #ifdef) and checks that memdesc-layout fails
// exactly the assertions gcc fails for that config: no more, no fewer. Every file is restored afterwards.
//
// usage: node scripts/kernel/mutate.mjs --kernel SRC --build BUILD --arch ABI [--json]
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { KARCH, makeArgs, probeIncludes } from './probe.mjs';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** Each mutation: file, the exact text it replaces (must occur once), and the replacement. */
export const MUTATIONS = [
  { name: 'insert a word before slab.__page_type', file: 'mm/slab.h', from: '\tunsigned int __page_type;\n', to: '\tunsigned long __mutant_pad;\n\tunsigned int __page_type;\n' },
  { name: 'widen slab.__page_type to a long', file: 'mm/slab.h', from: '\tunsigned int __page_type;\n', to: '\tunsigned long __page_type;\n' },
  { name: 'move ptdesc.__page_mapping after pt_index', file: 'include/linux/mm_types.h', from: '\tunsigned long __page_mapping;\n\n\tunion {\n\t\tpgoff_t pt_index;', to: '\tunion {\n\t\tpgoff_t pt_index;', after: { find: '\tunion {\n\t\tunsigned long _pt_pad_2;', insert: '\tunsigned long __page_mapping;\n' } },
  { name: 'flip #ifdef CONFIG_MEMCG around page.memcg_data', file: 'include/linux/mm_types.h', from: '#ifdef CONFIG_MEMCG\n\tunsigned long memcg_data;', to: '#ifndef CONFIG_MEMCG\n\tunsigned long memcg_data;' },
  { name: 'align page._refcount to 8 bytes', file: 'include/linux/mm_types.h', from: '\tatomic_t _refcount;\n\n#ifdef CONFIG_MEMCG', to: '\tatomic_t _refcount __attribute__((aligned(8)));\n\n#ifdef CONFIG_MEMCG' },
  { name: 'insert a word at the start of struct folio', file: 'include/linux/mm_types.h', from: 'struct folio {\n', to: 'struct folio {\n\tunsigned long __mutant_head;\n' },
];

function args() {
  const a = process.argv.slice(2);
  const get = (f) => (a.indexOf(f) >= 0 ? a[a.indexOf(f) + 1] : undefined);
  const o = { kernel: get('--kernel'), build: get('--build'), arch: get('--arch') ?? 'x86_64', json: a.includes('--json') };
  if (!o.kernel || !o.build || !KARCH[o.arch]) {
    console.error(`usage: mutate.mjs --kernel SRC --build BUILD --arch ${Object.keys(KARCH).join('|')} [--json]`);
    process.exit(2);
  }
  return o;
}

function apply(text, m) {
  const at = text.indexOf(m.from);
  if (at < 0 || text.indexOf(m.from, at + 1) >= 0) return undefined;
  let out = text.slice(0, at) + m.to + text.slice(at + m.from.length);
  if (m.after) {
    const k = out.indexOf(m.after.find, at);
    if (k < 0) return undefined;
    out = out.slice(0, k) + m.after.insert + out.slice(k);
  }
  return out;
}

/** Header assertions memdesc-layout says fail, as "file:line". */
function oursFailing(o) {
  const r = spawnSync(process.execPath, [path.join(repo, 'dist/cli.js'), 'check', '--kernel', o.kernel, '--config', path.join(o.build, '.config'), '--arch', o.arch, '--format', 'json', '--fail-on', 'never'], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0 && r.status !== 1) throw new Error(`memdesc-layout check failed: ${r.stderr}`);
  const j = JSON.parse(r.stdout);
  return new Set(j.items.filter((i) => i.kind === 'assert' && i.holds === false && i.file.endsWith('.h')).map((i) => `${i.file}:${i.line}`));
}

function probeText(o) {
  return probeIncludes(o.kernel).join('\n') + '\n';
}

/**
 * kbuild's exact gcc command for a file in mm/, captured once on the unmodified tree. Mutants are compiled with
 * it directly: through make, an edit of mm_types.h would first rebuild asm-offsets and stop there.
 */
function kbuildCommand(o) {
  const probe = path.join(o.kernel, 'mm/memdesc_mutant.c');
  fs.writeFileSync(probe, probeText(o));
  try {
    const r = spawnSync('make', ['-s', ...makeArgs(o.build, o.arch), 'mm/memdesc_mutant.o'], { cwd: o.kernel, encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.status !== 0) throw new Error(`the unmodified tree does not compile the probe:\n${r.stderr}`);
    const cmdFile = fs.readFileSync(path.join(o.build, 'mm/.memdesc_mutant.o.cmd'), 'utf8');
    const m = /^(?:saved)?cmd_mm\/memdesc_mutant\.o := (.*)$/m.exec(cmdFile);
    if (!m) throw new Error('no command in mm/.memdesc_mutant.o.cmd');
    return m[1];
  } finally {
    fs.rmSync(probe, { force: true });
    fs.rmSync(path.join(o.build, 'mm/memdesc_mutant.o'), { force: true });
  }
}

/** Header assertions gcc fails when it compiles the memdesc headers, as "file:line" of the outermost macro invocation. */
function gccFailing(o, command) {
  const probe = path.join(o.kernel, 'mm/memdesc_mutant.c');
  fs.writeFileSync(probe, probeText(o));
  let r;
  try {
    // Syntax only, every error: the verdicts are all we need.
    const cmd = command.replace(/ -c -o \S+/, ' -fsyntax-only -fmax-errors=0');
    r = spawnSync('sh', ['-c', cmd], { cwd: o.build, encoding: 'utf8', maxBuffer: 1 << 26 });
  } finally {
    fs.rmSync(probe, { force: true });
  }
  const rel = (p) => {
    const abs = path.resolve(o.build, p);
    const fromSrc = path.relative(path.resolve(o.kernel), abs);
    return fromSrc.startsWith('..') ? p.replace(/^(\.\.\/|\.\/)+/, '') : fromSrc;
  };
  const out = new Set();
  const lines = r.stderr.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const e = /^(.*?):(\d+):\d+: error: static assertion failed/.exec(lines[i]);
    if (!e) continue;
    let where = `${rel(e[1])}:${e[2]}`;
    for (let k = i + 1; k < lines.length && !/: error: /.test(lines[k]); k++) {
      const n = /^(.*?):(\d+):\d+: note: in expansion of macro/.exec(lines[k]);
      if (n) where = `${rel(n[1])}:${n[2]}`;
    }
    out.add(where);
  }
  const otherErrors = lines.filter((l) => / error: /.test(l) && !/static assertion failed/.test(l));
  return { failing: out, otherErrors };
}

function main() {
  const o = args();
  const command = kbuildCommand(o);
  const results = [];
  for (const m of MUTATIONS) {
    const file = path.join(o.kernel, m.file);
    const original = fs.readFileSync(file, 'utf8');
    const mutated = apply(original, m);
    if (mutated === undefined) {
      results.push({ mutation: m.name, applied: false });
      continue;
    }
    fs.writeFileSync(file, mutated);
    try {
      const ours = oursFailing(o);
      const gcc = gccFailing(o, command);
      const missed = [...gcc.failing].filter((x) => !ours.has(x));
      const extra = [...ours].filter((x) => !gcc.failing.has(x));
      results.push({ mutation: m.name, applied: true, gcc: [...gcc.failing].sort(), ours: [...ours].sort(), missed, extra, gccOtherErrors: gcc.otherErrors.slice(0, 3) });
    } finally {
      fs.writeFileSync(file, original);
    }
  }
  // A mutation that breaks more than layout (type errors) says nothing about assertions: it fails the run.
  const bad = results.filter((r) => r.applied && (r.missed.length || r.extra.length || r.gccOtherErrors.length));
  if (o.json) console.log(JSON.stringify(results, null, 2));
  else {
    for (const r of results) {
      if (!r.applied) console.log(`- ${r.mutation}: does not apply to this tree`);
      else console.log(`- ${r.mutation}: gcc fails ${r.gcc.length} [${r.gcc.join(', ')}], memdesc-layout fails ${r.ours.length}${r.missed.length ? `; MISSED ${r.missed.join(', ')}` : ''}${r.extra.length ? `; EXTRA ${r.extra.join(', ')}` : ''}${r.gccOtherErrors.length ? `; gcc also reports other errors: ${r.gccOtherErrors[0]}` : ''}`);
    }
  }
  process.exit(bad.length || results.every((r) => !r.applied) ? 1 : 0);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === path.resolve(process.argv[1])) main();
