#!/usr/bin/env node
// Regenerates server/src/engine/kernel/kernel-defaults.json, the built-in configs: for the version family of SRC
// (its major version) and each configured build dir given, that build's .config (a defconfig) restricted to the
// symbols the memdesc headers, kernel/bounds.c and their includes mention. The ABI comes from the .config; the
// defconfig's name from BUILD/.memdesc-target (prepare-build.sh writes it; MEMDESC_CONFIG_ONLY=1 stops there).
// Values every ABI of a family shares are stored once (`common`), the rest per ABI.
// usage: npm run build && node scripts/kernel/make-defaults.mjs SRC BUILD_DIR [BUILD_DIR...]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const { kernelSetup, parseDotConfig, readKernelVersion } = require(path.join(repo, 'out/server/src/engine/kernel/kernel.js'));
const { configArch } = require(path.join(repo, 'out/server/src/engine/kernel/config-arch.js'));
const { analyze } = require(path.join(repo, 'out/server/src/engine/analysis/analyze.js'));

const [src, ...builds] = process.argv.slice(2);
if (!src || builds.length === 0) {
  console.error('usage: node scripts/kernel/make-defaults.mjs SRC BUILD_DIR [BUILD_DIR...]');
  process.exit(2);
}
const outFile = path.join(repo, 'server/src/engine/kernel/kernel-defaults.json');
const file = fs.existsSync(outFile) ? JSON.parse(fs.readFileSync(outFile, 'utf8')) : { families: {} };
const v = readKernelVersion(src);
const family = String(v.version);
const old = file.families[family] ?? { abis: {} };
// Every ABI's full values (common ones put back), so that `common` can be computed again over all of them.
const abis = Object.fromEntries(Object.entries(old.abis).map(([abi, e]) => [abi, { source: e.source, values: { ...(old.common ?? {}), ...e.values } }]));
for (const build of builds) {
  const configFile = path.join(build, '.config');
  const text = fs.readFileSync(configFile, 'utf8');
  const abi = configArch(text)?.abi;
  if (!abi) throw new Error(`${configFile}: no ABI for this config`);
  const config = parseDotConfig(text);
  const setup = kernelSetup({ root: src, arch: abi, configFile });
  const a = analyze([...setup.files, path.join(src, 'kernel/bounds.c')], setup.options, setup.host);
  const mentioned = new Set();
  for (const f of a.files) if (!f.path.includes('/generated/')) for (const m of f.text.matchAll(/\bCONFIG_([A-Za-z0-9_]+)/g)) mentioned.add(m[1].replace(/_MODULE$/, ''));
  const values = {};
  for (const name of [...mentioned].sort()) if (config.has(name)) values[name] = config.get(name);
  const targetFile = path.join(build, '.memdesc-target');
  const target = fs.existsSync(targetFile) ? fs.readFileSync(targetFile, 'utf8').trim() : 'defconfig';
  abis[abi] = { source: `Linux ${v.version}.${v.patchlevel} ${abi} ${target}`, values };
  const errors = a.problems.filter((p) => p.severity === 'error');
  console.log(`${family}.x ${abi}: ${Object.keys(values).length} of ${config.size} CONFIG values kept (${mentioned.size} symbols mentioned), ${errors.length} errors${errors.length ? `: ${errors[0].message}` : ''}`);
}
const names = Object.keys(abis).sort();
const common = {};
for (const [k, val] of Object.entries(abis[names[0]].values)) if (names.every((n) => abis[n].values[k] === val)) common[k] = val;
const entries = Object.fromEntries(names.map((n) => [n, { source: abis[n].source, values: Object.fromEntries(Object.entries(abis[n].values).filter(([k]) => !(k in common))) }]));
file.families[family] = { from: `${v.version}.${v.patchlevel}`, common, abis: entries };
file.families = Object.fromEntries(Object.entries(file.families).sort(([a], [b]) => Number(a) - Number(b)));
// One line per ABI and family (a generated file: small beats diff-friendly).
const lines = ['{', ' "families": {'];
Object.entries(file.families).forEach(([fam, f], i, all) => {
  lines.push(`  ${JSON.stringify(fam)}: {`, `   "from": ${JSON.stringify(f.from)},`, `   "common": ${JSON.stringify(f.common)},`, '   "abis": {');
  const abiNames = Object.keys(f.abis);
  abiNames.forEach((n, j) => lines.push(`    ${JSON.stringify(n)}: ${JSON.stringify(f.abis[n])}${j < abiNames.length - 1 ? ',' : ''}`));
  lines.push('   }', `  }${i < all.length - 1 ? ',' : ''}`);
});
lines.push(' }', '}');
fs.writeFileSync(outFile, lines.join('\n') + '\n');
console.log(`${family}.x: ${Object.keys(common).length} values common to ${names.length} ABIs; ${fs.statSync(outFile).size} bytes`);
