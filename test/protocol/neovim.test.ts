// A second, independent LSP client: headless Neovim (0.7, no pull diagnostics) attaches the bundled server to
// a .memdesc sketch, gets a hover and the published diagnostics. The Neovim process is killed at the deadline.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { runEditor, writeSketch } from './editor';

const root = path.resolve(__dirname, '../../..');

const runNeovim = (env: Record<string, string>, deadlineMs: number) => runEditor('nvim', ['--headless', '-u', 'NONE', '-i', 'NONE', '-n', '-c', `luafile ${path.join(root, 'test/protocol/neovim.lua')}`], env, deadlineMs);

describe('Neovim as the LSP client', { timeout: 90_000 }, () => {
  it('attaches the server, hovers a member and shows a failing assertion', async () => {
    const probe = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
    assert.equal(probe.status, 0, 'Neovim is not installed: apt-get install neovim (.ci/run does)');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-nvim-'));
    try {
      const { lines, out, env } = writeSketch(dir);
      const r = await runNeovim(env, 60_000);
      assert.ok(fs.existsSync(out), `Neovim wrote nothing (exit ${r.code}): ${r.stderr}`);
      const got = JSON.parse(fs.readFileSync(out, 'utf8'));
      assert.equal(got.error, undefined, got.error);
      assert.equal(got.attached, true);
      assert.match(got.hover, /demo_page\.refcount/);
      assert.match(got.hover, /offset \*\*52\*\*/);
      const fail = got.diagnostics.find((d: { message: string }) => /DEMO_MATCH\(refcount, page_refcount\) fails/.test(d.message));
      assert.ok(fail, JSON.stringify(got.diagnostics));
      assert.equal(fail.line, lines.findIndex((l) => l.startsWith('DEMO_MATCH(refcount')));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
