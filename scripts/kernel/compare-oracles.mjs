#!/usr/bin/env node
// memdesc-layout (header-only: --config) against every oracle JSON that gcc-oracle.mjs wrote, where gcc's
// DWARF supplies the member list too: every struct's size and alignment, every member's offset, size and
// bitfield bits, and members present on one side only.
// usage: node scripts/kernel/compare-oracles.mjs [CACHE]   (default ${MEMDESC_CACHE:-~/.cache/memdesc-layout})
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cache = process.argv[2] ?? process.env.MEMDESC_CACHE ?? path.join(os.homedir(), '.cache/memdesc-layout');
const oracleDir = process.env.MEMDESC_ORACLE_DIR ?? path.join(cache, 'oracle');
const total = { builds: 0, structs: 0, members: 0, mismatches: 0, engineErrors: 0, assertsNotHolding: 0 };
for (const f of fs.readdirSync(oracleDir).filter((x) => x.endsWith('.json')).sort()) {
  const o = JSON.parse(fs.readFileSync(path.join(oracleDir, f), 'utf8'));
  const build = o.build ?? path.join(cache, 'builds', f.replace(/\.json$/, ''));
  const src = o.src ?? path.join(cache, 'trees', o.version, 'src');
  // The ABI comes from the .config (no --arch): the product must find it there, as a user's would.
  const r = spawnSync(process.execPath, [path.join(repo, 'dist/cli.js'), 'layout', '--kernel', src, '--config', path.join(build, '.config'), '--all', '--json'], { encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) {
    console.log(`${f}: memdesc-layout failed: ${r.stderr.split('\n')[0]}`);
    total.mismatches++;
    continue;
  }
  const ours = JSON.parse(r.stdout);
  const mm = [];
  if (ours.arch !== o.arch) mm.push(`the ABI from the .config is ${ours.arch}, the build's is ${o.arch}`);
  for (const [name, s] of Object.entries(o.structs)) {
    total.structs++;
    const os_ = ours.structs.find((x) => x.name === name);
    if (!os_) {
      mm.push(`struct ${name} missing`);
      continue;
    }
    if (os_.size !== s.size) mm.push(`sizeof(${name}) ${os_.size}, gcc ${s.size}`);
    if (s.align !== undefined && os_.align !== s.align) mm.push(`alignof(${name}) ${os_.align}, gcc ${s.align}`);
    const mine = new Map(os_.members.map((m) => [m.name, m]));
    for (const [mn, m] of Object.entries(s.members)) {
      total.members++;
      const x = mine.get(mn);
      if (!x) mm.push(`${name}.${mn} missing`);
      else if (m.bitSize !== undefined) {
        if (x.bitOffset !== m.bitOffset || x.bitSize !== m.bitSize) mm.push(`${name}.${mn} bits ${x.bitOffset}+${x.bitSize}, gcc ${m.bitOffset}+${m.bitSize}`);
      } else {
        if (x.offset !== m.offset) mm.push(`${name}.${mn} offset ${x.offset}, gcc ${m.offset}`);
        if (m.size !== undefined && x.size !== m.size && !/\[\]$/.test(x.type)) mm.push(`${name}.${mn} size ${x.size}, gcc ${m.size}`);
      }
    }
    for (const x of os_.members) if (!(x.name in s.members)) mm.push(`${name}.${x.name} only in memdesc-layout`);
  }
  const errors = ours.diagnostics.filter((d) => d.severity === 'error').length;
  const notHolding = ours.asserts.filter((a) => a.holds !== true).length;
  // gcc's verdict: the assertions it sees in each memdesc file (as many as ours), and the ones that fail (the same).
  if (o.asserts?.sites) {
    // Where each assertion is written: every one gcc sees at file scope is ours, every one of ours gcc sees.
    const mine = {};
    for (const a of ours.asserts) if (a.file in o.asserts.counts) mine[`${a.file}:${a.line}`] = (mine[`${a.file}:${a.line}`] ?? 0) + 1;
    for (const [site, [all, fileScope]] of Object.entries(o.asserts.sites)) {
      if ((mine[site] ?? 0) < fileScope) mm.push(`${site}: ${mine[site] ?? 0} assertions, gcc has ${fileScope} at file scope`);
      if ((mine[site] ?? 0) > all) mm.push(`${site}: ${mine[site]} assertions, gcc sees ${all}`);
    }
    for (const site of Object.keys(mine)) if (!(site in o.asserts.sites)) mm.push(`${site}: an assertion gcc does not see`);
  } else if (o.asserts) {
    for (const [file, n] of Object.entries(o.asserts.counts)) {
      const mine = ours.asserts.filter((a) => a.file === file).length;
      if (mine !== n) mm.push(`${file}: ${mine} assertions, gcc sees ${n}`);
    }
    const oursFailing = ours.asserts.filter((a) => a.holds === false).map((a) => a.text);
    if (oursFailing.length !== o.asserts.failed.length) mm.push(`assertions failing: ours ${oursFailing.length} (${oursFailing.join('; ')}), gcc ${o.asserts.failed.length} (${o.asserts.failed.join('; ')})`);
  }
  total.builds++;
  total.mismatches += mm.length;
  total.engineErrors += errors;
  total.assertsNotHolding += notHolding;
  const gccSees = o.asserts ? Object.values(o.asserts.counts).reduce((x, y) => x + y, 0) : '?'; // at file scope
  console.log(`${f.replace(/\.json$/, '').padEnd(24)} ${ours.arch.padEnd(8)} ${Object.keys(o.structs).length} structs, ${Object.values(o.structs).reduce((n, st) => n + Object.keys(st.members).length, 0)} members, ${ours.asserts.length} assertions (gcc ${gccSees}; ${notHolding} not holding), ${errors} engine errors, ${mm.length} mismatches${mm.length ? `: ${mm.slice(0, 5).join('; ')}` : ''}`);
}
console.log(JSON.stringify(total));
process.exit(total.mismatches || total.engineErrors || total.assertsNotHolding ? 1 : 0);
