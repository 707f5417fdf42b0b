// A third real LSP client: Emacs in batch mode with eglot (Debian emacs-nox + elpa-eglot; eglot 1.9 takes
// pushed diagnostics only) runs the README's setup (editors/emacs/memdesc-layout.el) with the npm package
// installed as a user installs it, opens a .memdesc sketch, gets a hover and the published diagnostics.
// Emacs is killed at the deadline, pass or fail.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Installed, installPackage } from '../installed';
import { runEditor, writeSketch } from './editor';

const root = path.resolve(__dirname, '../../..');

describe('Emacs eglot as the LSP client, set up as the README says', { timeout: 300_000 }, () => {
  let installed: Installed;
  before(async () => {
    installed = await installPackage();
  });
  after(() => installed?.remove());

  it('connects to the installed memdesc-layout, hovers a member and shows a failing assertion', async () => {
    // No -Q: Debian activates its elpa-* packages from site-start (batch mode never reads the user's init).
    const probe = spawnSync('emacs', ['--batch', '--eval', '(require (quote eglot))'], { encoding: 'utf8', env: { ...process.env, HOME: os.tmpdir() } });
    assert.equal(probe.status, 0, `Emacs with eglot is not installed: apt-get install emacs-nox elpa-eglot (.ci/run does). ${probe.stderr ?? ''}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-eglot-'));
    try {
      const { lines, out, env } = writeSketch(dir, 'editors/emacs/memdesc-layout.el');
      // A private HOME: eglot must not read or write the user's Emacs state.
      const home = path.join(dir, 'home');
      fs.mkdirSync(home);
      const r = await runEditor('emacs', ['--batch', '-l', path.join(root, 'test/protocol/eglot.el')], { ...installed.env, ...env, HOME: home }, dir, 90_000);
      assert.ok(fs.existsSync(out), `Emacs wrote nothing (exit ${r.code}): ${r.stderr}`);
      const got = JSON.parse(fs.readFileSync(out, 'utf8'));
      assert.equal(got.error, undefined, `${got.error}\n${r.stderr}`);
      assert.equal(got.mode, 'c-mode', 'the setup maps .memdesc to c-mode');
      assert.equal(got.connected, true);
      assert.deepEqual(got.command, ['memdesc-layout', 'lsp', '--stdio'], 'eglot started the command the setup names, from PATH');
      assert.match(got.hover, /demo_page\.refcount/);
      assert.match(got.hover, /offset \*\*52\*\*/);
      const fail = got.diagnostics.find((d: { message: string }) => /DEMO_MATCH\(refcount, page_refcount\) fails/.test(d.message));
      assert.ok(fail, JSON.stringify(got.diagnostics));
      assert.equal(fail.line, lines.findIndex((l) => l.startsWith('DEMO_MATCH(refcount')));
      assert.equal(fail.severity, 1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
