// A second, independent LSP client: headless Neovim runs the README's setup (editors/neovim/memdesc-layout.lua)
// with the npm package installed as a user installs it: a .memdesc sketch gets a hover and the diagnostics, a
// header of a kernel tree a hover, a C file elsewhere nothing. Three Neovims, one per branch of the setup: Debian stable's 0.7 (start_client), trixie's 0.10
// (vim.lsp.start) and unstable's newest (vim.lsp.config and vim.lsp.enable), the last two fetched by
// scripts/editors/fetch-neovim.sh into the cache. Each Neovim is killed at its deadline.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Installed, installPackage } from '../installed';
import { runEditor, writeSketch } from './editor';

const root = path.resolve(__dirname, '../../..');
const SETUP = 'editors/neovim/memdesc-layout.lua';

/** Neovim from a newer Debian suite (fetched once into the cache; the script says why it failed). */
function fetchedNeovim(suite: string): string {
  const r = spawnSync('bash', [path.join(root, 'scripts/editors/fetch-neovim.sh'), suite], { encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, `scripts/editors/fetch-neovim.sh ${suite} failed (it needs apt-get and Debian's archive): ${r.stderr}${r.error ?? ''}`);
  return r.stdout.trim().split(' ').pop()!;
}

describe('Neovim as the LSP client, set up as the README says', { timeout: 600_000 }, () => {
  let installed: Installed;
  before(async () => {
    installed = await installPackage();
  });
  after(() => installed?.remove());

  const check = async (nvim: () => string, version: RegExp, branch: 'start_client' | 'lsp.start' | 'lsp.config') => {
    const bin = nvim();
    const probe = spawnSync(bin, ['--version'], { encoding: 'utf8' });
    assert.equal(probe.status, 0, `${bin} --version failed: ${probe.stderr}`);
    assert.match(probe.stdout.split('\n')[0], version);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-nvim-'));
    try {
      const { lines, out, env } = writeSketch(dir, SETUP);
      // A kernel tree (the examples') and a C file outside it.
      const tree = path.join(dir, 'linux');
      fs.cpSync(path.join(root, 'examples/linux'), tree, { recursive: true });
      const header = path.join(tree, 'include/linux/mm_types.h');
      const headerLines = fs.readFileSync(header, 'utf8').split('\n');
      const refcount = headerLines.findIndex((l) => l === '\tatomic_t _refcount;');
      const other = path.join(dir, 'other.c');
      fs.writeFileSync(other, 'struct other { int x; };\n');
      const files = { MEMDESC_HEADER: header, MEMDESC_HEADER_LINE: String(refcount), MEMDESC_HEADER_COL: String(headerLines[refcount].indexOf('_refcount') + 1), MEMDESC_OTHER: other };
      // --clean: Neovim's defaults and filetype detection, no user config; the setup is sourced as a user's would be.
      const r = await runEditor(bin, ['--headless', '--clean', '-n', '-c', `luafile ${path.join(root, 'test/protocol/neovim.lua')}`], { ...installed.env, ...env, ...files, HOME: dir }, dir, 90_000);
      assert.ok(fs.existsSync(out), `Neovim wrote nothing (exit ${r.code}): ${r.stderr}`);
      const got = JSON.parse(fs.readFileSync(out, 'utf8'));
      assert.equal(got.error, undefined, `${got.error}\n${r.stderr}`);
      assert.equal(got.lsp_config, branch === 'lsp.config', `Neovim ${got.version} takes the ${branch} branch of the setup`);
      // The sketch: its own filetype; outside any tree, the current directory is the root.
      assert.equal(got.sketch.filetype, 'memdesc');
      assert.equal(fs.realpathSync(got.sketch.root), fs.realpathSync(dir));
      assert.match(got.sketch.hover, /demo_page\.refcount/);
      assert.match(got.sketch.hover, /offset \*\*52\*\*/);
      const fail = got.diagnostics.find((d: { message: string }) => /DEMO_MATCH\(refcount, page_refcount\) fails/.test(d.message));
      assert.ok(fail, JSON.stringify(got.diagnostics));
      assert.equal(fail.line, lines.findIndex((l) => l.startsWith('DEMO_MATCH(refcount')));
      if (branch !== 'start_client') assert.equal(got.inlay_hints, true, 'inlay hints are on (0.10+)');
      // A header of the tree: C, rooted at the tree, hovered with the tree's struct page.
      assert.equal(got.header.filetype, 'c');
      assert.equal(fs.realpathSync(got.header.root), fs.realpathSync(tree));
      assert.match(got.header.hover, /page\._refcount/);
      assert.match(got.header.hover, /offset \*\*52\*\*/);
      // Other C code is none of the server's business.
      assert.deepEqual(got.other, { filetype: 'c', attached: false });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };

  it("Debian stable's Neovim 0.7: vim.lsp.start_client and buf_attach_client", () =>
    check(() => {
      const probe = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
      assert.equal(probe.status, 0, 'Neovim is not installed: apt-get install neovim (.ci/run does)');
      return 'nvim';
    }, /^NVIM v0\.7\./, 'start_client'));

  it("trixie's Neovim 0.10: vim.lsp.start", () => check(() => fetchedNeovim('trixie'), /^NVIM v0\.10\./, 'lsp.start'));

  it("unstable's Neovim (0.11 or later): vim.lsp.config and vim.lsp.enable", () => check(() => fetchedNeovim('unstable'), /^NVIM v(0\.(1[1-9]|[2-9]\d)|[1-9])/, 'lsp.config'));
});
