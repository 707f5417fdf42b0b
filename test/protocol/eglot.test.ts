// A third real LSP client: Emacs in batch mode with eglot (Debian emacs-nox + elpa-eglot; eglot 1.9 takes
// pushed diagnostics only) attaches the bundled server to a .memdesc sketch, gets a hover and the published
// diagnostics. Emacs is killed at the deadline, pass or fail.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runEditor, writeSketch } from './editor';

const root = path.resolve(__dirname, '../../..');

const runEmacs = (env: Record<string, string>, deadlineMs: number) => runEditor('emacs', ['--batch', '-l', path.join(root, 'test/protocol/eglot.el')], env, deadlineMs);

describe('Emacs eglot as the LSP client', { timeout: 90_000 }, () => {
  it('connects, hovers a member and shows a failing assertion', async () => {
    // No -Q: Debian activates its elpa-* packages from site-start (batch mode never reads the user's init).
    const probe = spawnSync('emacs', ['--batch', '--eval', '(require (quote eglot))'], { encoding: 'utf8', env: { ...process.env, HOME: os.tmpdir() } });
    assert.equal(probe.status, 0, `Emacs with eglot is not installed: apt-get install emacs-nox elpa-eglot (.ci/run does). ${probe.stderr ?? ''}`);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-eglot-'));
    try {
      const { lines, out, env } = writeSketch(dir);
      // A private HOME: eglot must not read or write the user's Emacs state.
      const home = path.join(dir, 'home');
      fs.mkdirSync(home);
      const r = await runEmacs({ ...env, HOME: home }, 60_000);
      assert.ok(fs.existsSync(out), `Emacs wrote nothing (exit ${r.code}): ${r.stderr}`);
      const got = JSON.parse(fs.readFileSync(out, 'utf8'));
      assert.equal(got.error, undefined, `${got.error}\n${r.stderr}`);
      assert.equal(got.connected, true);
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
