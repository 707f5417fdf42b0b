// `npm test`: type-check and compile, bundle, then run every node:test suite (or the named groups).
// Groups are folders under test/: unit, diff, protocol, ... Each group's tests are out/test/<group>/**/*.test.js.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.dirname(path.dirname(fileURLToPath(import.meta.url)));
const run = (cmd, args, opts = {}) => {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', ...opts });
  if (r.status !== 0) process.exit(r.status ?? 1);
};

fs.rmSync(path.join(root, 'out'), { recursive: true, force: true });
const tsc = path.join(root, 'node_modules/typescript/bin/tsc');
run(process.execPath, [tsc, '-p', 'tsconfig.json']);
// The extension and its webview are bundled, not run from out/: type-check them with their own settings
// (the VS Code API types; the DOM for the webview).
for (const p of ['client/tsconfig.json', 'client/webview/tsconfig.json']) if (fs.existsSync(path.join(root, p))) run(process.execPath, [tsc, '-p', p]);
run(process.execPath, [path.join(root, 'scripts/build.mjs')]);

const wanted = process.argv.slice(2);
const groups = fs
  .readdirSync(path.join(root, 'out/test'), { withFileTypes: true })
  .filter((d) => d.isDirectory() && (wanted.length === 0 || wanted.includes(d.name)))
  .map((d) => d.name)
  .sort();
const files = [];
const walk = (dir) => {
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) walk(p);
    else if (d.name.endsWith('.test.js')) files.push(path.relative(root, p));
  }
};
for (const g of groups) walk(path.join(root, 'out/test', g));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
files.sort();
run(process.execPath, ['--test', '--test-reporter=spec', ...files]);
