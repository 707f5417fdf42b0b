// memdesc.matrix over stdio: the config matrix evaluated in the background, failures that only other ABIs or
// configs show as their own diagnostics, offsets that differ elsewhere in the hover, and an edit that makes
// the matrix stale (its results vanish until the re-evaluation for the new text is done).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Diag, loud, TestClient } from './client';
import { makeTree, MM_TYPES, pos } from './fixtures';

describe('the config matrix in the background (memdesc.matrix)', { timeout: 180_000 }, () => {
  let c: TestClient;
  let tree = '';
  let uri = '';
  const text = MM_TYPES;
  const matrixDiags = (ds: Diag[]) => ds.filter((d) => d.code === 'matrix-assert-fails');

  /** Waits (with a deadline) until the hover no longer says the matrix is pending, then pulls. */
  const pullWithMatrix = async (what: string, at = pos(text, 'unsigned long flags;', 15)): Promise<Diag[]> => {
    const end = Date.now() + 60_000;
    for (;;) {
      const h = await c.hover(uri, at);
      if (/config matrix: (?!evaluating)/.test(h)) break;
      assert.match(h, /config matrix: evaluating in the background…/, 'while pending, the hover says so');
      if (Date.now() > end) throw new Error(`the matrix never finished (${what}): ${c.stderr}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    return c.pull(uri);
  };

  before(async () => {
    tree = makeTree();
    c = await TestClient.start({ folders: [tree], settings: { matrix: true } });
    uri = await c.open(path.join(tree, 'include/linux/mm_types.h'));
  });
  after(async () => {
    await c?.stop();
    fs.rmSync(tree, { recursive: true, force: true });
  });

  it('says the matrix is pending until it is done, then shows matrix-only failures as their own diagnostics', async () => {
    const first = await c.pull(uri);
    assert.deepEqual(loud(first), [], 'the configured ABI (x86_64, default config) holds everywhere');
    assert.match(await c.hover(uri, pos(text, 'unsigned long flags;', 15)), /config matrix: evaluating in the background…/);
    const ds = matrixDiags(await pullWithMatrix('first evaluation'));
    assert.equal(ds.length, 2, JSON.stringify(ds));
    const refcount = ds.find((d) => d.message.startsWith('SLAB_MATCH(_refcount, __page_refcount)'))!;
    assert.equal(refcount.severity, 2);
    assert.equal(refcount.range.start.line, pos(text, 'SLAB_MATCH(_refcount, __page_refcount);').line);
    assert.match(refcount.message, /holds on x86_64·default but fails on i386 \(all configs\); on i386·default: offsetof\(struct page, _refcount\) is 24 but offsetof\(struct slab, __page_refcount\) is 28/);
    // Under #ifdef CONFIG_MEMCG: not compiled in the configured config, fails with MEMCG on i386 only.
    const memcg = ds.find((d) => d.message.startsWith('SLAB_MATCH(memcg_data, obj_exts)'))!;
    assert.match(memcg.message, /fails on i386·memcg;/);
    assert.equal(memcg.range.start.line, pos(text, 'SLAB_MATCH(memcg_data, obj_exts);').line);
  });

  it('hovers show where an offset differs, and the assertion\'s verdict across the matrix', async () => {
    const h = await c.hover(uri, pos(text, 'int __page_refcount;', 6));
    assert.match(h, /config matrix: offset 28 on i386 \(all configs\); the same on \d+ others/);
    const flags = await c.hover(uri, pos(text, 'unsigned long flags;', 15));
    assert.match(flags, /config matrix: the same offset on all 15 other ABI and config combinations/);
    const v = await c.hover(uri, pos(text, 'SLAB_MATCH(_refcount, __page_refcount);', 2));
    assert.match(v, /config matrix \(15 other combinations\): holds on 9; \*\*fails\*\* on i386 \(all configs\)/);
    const page = await c.hover(uri, pos(text, 'struct page {', 8));
    assert.match(page, /config matrix: size 64 on [^\n]*x86_64·memcg[^\n]*; 28 on i386/);
  });

  it('an edit makes the matrix stale at once; the re-evaluation for the new text brings it back', async () => {
    // Fix the i386 failure: pad the page so _refcount moves with the slab on 32-bit too.
    const fixed = text.replace('\tunsigned long long stamp;', '\tunsigned long stamp;');
    await c.change(uri, 2, fixed);
    const now = await c.pull(uri);
    assert.deepEqual(matrixDiags(now), [], 'results computed for the old text are never shown for the new one');
    assert.match(await c.hover(uri, pos(fixed, 'int __page_refcount;', 6)), /config matrix: evaluating in the background…/);
    const after = await pullWithMatrix('after the edit', pos(fixed, 'unsigned long flags;', 15));
    assert.deepEqual(matrixDiags(after), []);
    assert.match(await c.hover(uri, pos(fixed, 'int __page_refcount;', 6)), /config matrix: offset 24 on i386 \(all configs\); the same on 9 others/);
    await c.change(uri, 3, text);
    assert.equal(matrixDiags(await pullWithMatrix('after the undo')).length, 2);
  });

  it('turning the setting off drops the matrix', async () => {
    c.settings = { matrix: false };
    await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    assert.deepEqual(matrixDiags(await c.pull(uri)), []);
    assert.doesNotMatch(await c.hover(uri, pos(text, 'int __page_refcount;', 6)), /config matrix/);
  });
});
