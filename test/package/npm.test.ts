// The npm package of the CLI and language server, as a user gets it: packed (only the bundles, README, LICENSE
// and CHANGELOG, at most 1 MB), installed with `npm install -g` offline into an empty prefix, then the
// installed command checks the examples with the documented exit codes, serves LSP over stdio (its matrix
// worker found beside it), and says package.json's version everywhere.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { cleanEnv, Installed, installPackage, ROOT } from '../installed';
import { TestClient } from '../protocol/client';
import { makeTree, MM_TYPES, pos } from '../protocol/fixtures';

const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
const SHIPPED = ['CHANGELOG.md', 'LICENSE', 'README.md', 'dist/cli.js', 'dist/matrix-worker.js', 'dist/server.js', 'package.json'];

/** Every file under `dir`, relative, sorted. */
function listFiles(dir: string, rel = ''): string[] {
  return fs
    .readdirSync(path.join(dir, rel), { withFileTypes: true })
    .flatMap((d) => (d.isDirectory() ? listFiles(dir, path.join(rel, d.name)) : [path.join(rel, d.name)]))
    .sort();
}

describe('the npm package (CLI and language server)', { timeout: 300_000 }, () => {
  let installed: Installed;
  const run = (args: string[], cwd = ROOT) => spawnSync(installed.command, args, { cwd, encoding: 'utf8', env: installed.env, timeout: 120_000 });

  before(async () => {
    installed = await installPackage();
  });
  after(() => installed?.remove());

  it('packs only the bundles, README, LICENSE and CHANGELOG, in at most 1 MB', () => {
    assert.deepEqual(installed.tarball.files, SHIPPED);
    assert.ok(installed.tarball.size <= 1_000_000, `the tarball is ${installed.tarball.size} bytes`);
    for (const f of ['dist/cli.js', 'dist/server.js', 'dist/matrix-worker.js']) assert.doesNotMatch(fs.readFileSync(path.join(installed.packageDir, f), 'utf8'), /sourceMappingURL/, `${f} is the production bundle`);
  });

  it('the repository packs the same list, after prepack builds the same production bundles', () => {
    assert.equal(pkg.scripts.prepack, 'node scripts/build.mjs --production');
    // --ignore-scripts: prepack would rewrite the dist/ that other tests are running (npm test built it).
    const r = spawnSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: ROOT, encoding: 'utf8', env: cleanEnv() });
    assert.equal(r.status, 0, r.stderr);
    const [report] = JSON.parse(r.stdout.slice(r.stdout.indexOf('[')));
    assert.deepEqual(report.files.map((f: { path: string }) => f.path).sort(), SHIPPED);
  });

  it('the manifest is one npm publishes as it is (nothing to correct) and that needs no dependencies', () => {
    assert.equal(pkg.private, undefined, 'not private: it is meant for the registry');
    assert.equal(pkg.dependencies, undefined, 'everything is in the bundles');
    assert.deepEqual(pkg.bin, { 'memdesc-layout': 'dist/cli.js' });
    assert.match(pkg.engines.node, /^>=\d+$/);
    // Offline, and a registry nobody listens on: --dry-run never uploads, and reports what it would correct.
    const r = spawnSync('npm', ['publish', '--dry-run', '--ignore-scripts', '--offline', '--registry', 'http://127.0.0.1:9/'], { cwd: ROOT, encoding: 'utf8', env: cleanEnv() });
    const warnings = `${r.stdout}${r.stderr}`.split('\n').filter((l) => /npm warn/i.test(l) && !/requires you to be logged in/.test(l));
    assert.deepEqual(warnings, []);
  });

  it('installs offline with nothing but the tarball: the command, the bundles and nothing else', () => {
    assert.deepEqual(listFiles(installed.packageDir), SHIPPED, 'no node_modules: no dependencies were installed');
    assert.equal(fs.realpathSync(installed.command), path.join(fs.realpathSync(installed.packageDir), 'dist/cli.js'));
    fs.accessSync(installed.command, fs.constants.X_OK);
  });

  it('--version is package.json\'s', () => {
    const r = run(['--version']);
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, `memdesc-layout ${pkg.version}\n`);
  });

  it('checks the examples: exit 0 when the assertions hold, 1 when one fails, 2 on bad input', () => {
    const ok = run(['check', '--kernel', 'examples/linux']);
    assert.equal(ok.status, 0, ok.stderr);
    // The example tree's own .config (MEMCG on) is used: the memcg assertions are compiled.
    assert.match(ok.stdout, /46 assertions: 46 hold, 0 fail/);
    const sketch = run(['check', '--kernel', 'examples/linux', 'examples/linux/mm/balloon.memdesc']);
    assert.equal(sketch.status, 1, sketch.stderr);
    assert.match(sketch.stdout, /balloon\.memdesc:31:1: error: BALLOON_MATCH\(_refcount, __page_refcount\) fails: offsetof\(struct page, _refcount\) is 52 but offsetof\(struct balloondesc, __page_refcount\) is 56 \[assert-fails\]/);
    const matrix = run(['check', '--kernel', 'examples/linux', '--matrix']);
    assert.equal(matrix.status, 0, matrix.stderr);
    assert.match(matrix.stdout, /i386·highmem: \d+ assertions: \d+ hold, 0 fail/);
    const bad = run(['check', '--kernel', 'no/such/tree']);
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /^memdesc-layout: 'no\/such\/tree' is not a kernel source tree/);
  });

  it('lsp --stdio serves, with the version and the matrix worker of the installed package', async () => {
    const tree = makeTree();
    const c = await TestClient.start({ command: [installed.command, 'lsp', '--stdio'], folders: [tree], settings: { matrix: true } });
    try {
      assert.deepEqual(c.serverInfo, { name: 'memdesc-layout', version: pkg.version });
      const uri = await c.open(path.join(tree, 'include/linux/mm_types.h'));
      const at = pos(MM_TYPES, 'unsigned long flags;', 15);
      const end = Date.now() + 90_000;
      let h = '';
      while (!/config matrix: (?!evaluating)/.test(h)) {
        if (Date.now() > end) throw new Error(`the matrix never finished: ${h}\n${c.stderr}`);
        await new Promise((r) => setTimeout(r, 100));
        h = await c.hover(uri, at);
      }
      assert.match(h, /config matrix: the same offset on all 15 other ABI and config combinations/);
      assert.doesNotMatch(c.stderr, /matrix worker could not start/);
    } finally {
      await c.stop();
      fs.rmSync(tree, { recursive: true, force: true });
    }
    // The server bundle alone, as `node …/dist/server.js --stdio` (the README's other way to start it).
    const s = await TestClient.start({ command: [process.execPath, path.join(installed.packageDir, 'dist/server.js'), '--stdio'] });
    try {
      assert.deepEqual(s.serverInfo, { name: 'memdesc-layout', version: pkg.version });
    } finally {
      await s.stop();
    }
  });
});
