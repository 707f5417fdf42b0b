// The node bundles' V8 code cache (scripts/code-cache-prologue.js): a second process uses what the first compiled,
// a damaged cache is rejected and rewritten, the output never changes, and MEMDESC_CODE_CACHE=0 turns it off.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(__dirname, '../../..');
const cli = path.join(root, 'dist/cli.js');
const sketch = path.join(root, 'examples/page-sketch.h');

function run(cache: string, mode = 'debug') {
  const r = spawnSync(process.execPath, [cli, 'layout', sketch], { encoding: 'utf8', env: { ...process.env, MEMDESC_CACHE: cache, MEMDESC_CODE_CACHE: mode }, timeout: 60_000 });
  assert.equal(r.status, 0, r.stderr);
  const state = /memdesc code cache: (hit|miss)/.exec(r.stderr)?.[1];
  return { out: r.stdout, state };
}

describe('V8 code cache of the node bundles', () => {
  it('is written by the first run, used by the next, rewritten when damaged; output is the same', () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-code-cache-'));
    try {
      const first = run(cache);
      assert.equal(first.state, 'miss');
      const files = fs.readdirSync(path.join(cache, 'v8'));
      assert.equal(files.length, 1);
      assert.match(files[0], /^cli-layout-\d+-\d+-v\d+\.\d+\.\d+-[a-z0-9]+\.bin$/);
      const second = run(cache);
      assert.equal(second.state, 'hit');
      assert.equal(second.out, first.out);
      assert.ok(first.out.includes('struct list_node'), first.out);
      const file = path.join(cache, 'v8', files[0]);
      fs.writeFileSync(file, Buffer.alloc(64, 7));
      const damaged = run(cache);
      assert.equal(damaged.state, 'miss');
      assert.equal(damaged.out, first.out);
      assert.equal(run(cache).state, 'hit');
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });

  it('MEMDESC_CODE_CACHE=0 leaves no cache and runs the bundle as it is', () => {
    const cache = fs.mkdtempSync(path.join(os.tmpdir(), 'memdesc-code-cache-'));
    try {
      const r = run(cache, '0');
      assert.equal(r.state, undefined);
      assert.ok(r.out.includes('struct list_node'));
      assert.equal(fs.existsSync(path.join(cache, 'v8')), false);
    } finally {
      fs.rmSync(cache, { recursive: true, force: true });
    }
  });
});
