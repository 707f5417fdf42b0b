#!/usr/bin/env node
// Regenerates server/src/engine/kernel/kernel-defaults.json: for each ABI, the CONFIG values of that arch's
// defconfig (from a configured tree) restricted to the symbols the memdesc headers and their includes mention.
// usage: node scripts/kernel/make-defaults.mjs SRC ABI=BUILD_DIR [ABI=BUILD_DIR...]
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const require = createRequire(import.meta.url);
const { kernelSetup, parseDotConfig, readKernelVersion } = require(path.join(repo, 'out/server/src/engine/kernel/kernel.js'));
const { analyze } = require(path.join(repo, 'out/server/src/engine/analysis/analyze.js'));

const [src, ...pairs] = process.argv.slice(2);
const outFile = path.join(repo, 'server/src/engine/kernel/kernel-defaults.json');
const out = fs.existsSync(outFile) ? JSON.parse(fs.readFileSync(outFile, 'utf8')) : {};
const v = readKernelVersion(src);
for (const pair of pairs) {
  const [abi, build] = pair.split('=');
  const configFile = path.join(build, '.config');
  const config = parseDotConfig(fs.readFileSync(configFile, 'utf8'));
  const setup = kernelSetup({ root: src, arch: abi, configFile });
  const a = analyze([...setup.files, path.join(src, 'kernel/bounds.c')], setup.options, setup.host);
  const mentioned = new Set();
  for (const f of a.files) if (!f.path.includes('/generated/')) for (const m of f.text.matchAll(/\bCONFIG_([A-Za-z0-9_]+)/g)) mentioned.add(m[1].replace(/_MODULE$/, ''));
  const values = {};
  for (const name of [...mentioned].sort()) if (config.has(name)) values[name] = config.get(name);
  out[abi] = { source: `Linux ${v.version}.${v.patchlevel} ${path.basename(build)} defconfig`, values };
  console.log(`${abi}: ${Object.keys(values).length} of ${config.size} CONFIG values kept (${mentioned.size} symbols mentioned), ${a.problems.length} problems`);
}
fs.writeFileSync(outFile, JSON.stringify(out, null, 1) + '\n');
