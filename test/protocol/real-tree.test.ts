// A real kernel tree through the server: Debian's linux-source-6.12 and its prepared x86_64 defconfig build
// (the same cache the kernel suite downloads, via scripts/kernel/fetch-tree.sh), opened as workspace folders.
// An unmodified tree shows zero diagnostics at error or warning level, also with the config matrix on.
// MEMDESC_KERNEL_SRC / MEMDESC_KERNEL_BUILD point it at another prepared tree.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { loud, ROOT, TestClient } from './client';

const VERSION = process.env.MEMDESC_KERNEL_VERSION ?? '6.12';
let src = process.env.MEMDESC_KERNEL_SRC ?? '';
let build = process.env.MEMDESC_KERNEL_BUILD ?? '';

type Sym = { name: string; selectionRange: { start: { line: number; character: number } }; children?: Sym[] };

describe(`a real kernel tree (Linux ${VERSION}, x86_64 defconfig) in the language server`, { timeout: 20 * 60_000 }, () => {
  let c: TestClient | undefined;
  let mmUri = '';
  let slabUri = '';
  /** Where struct page's members are, as the server's own document symbols say. */
  let pageMember: (name: string) => { line: number; character: number };

  before(async () => {
    if (!(src && build)) {
      const cache = process.env.MEMDESC_CACHE ?? path.join(process.env.HOME ?? '/tmp', '.cache/memdesc-layout');
      fs.mkdirSync(cache, { recursive: true });
      // Serialised with any other fetch of the same tree (test files may run in parallel).
      const r = spawnSync('flock', [path.join(cache, `.fetch-tree-${VERSION}.lock`), 'bash', path.join(ROOT, 'scripts/kernel/fetch-tree.sh'), VERSION, 'x86_64'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], maxBuffer: 1 << 26 });
      assert.equal(r.status, 0, 'fetching and preparing the kernel tree failed (see stderr); it needs Debian apt, gcc, flex, bison, bc, libelf-dev, libssl-dev (.ci/run installs them)');
      [src, build] = r.stdout.trim().split('\n').slice(-2);
    }
    c = await TestClient.start({ folders: [src, build], trace: 'verbose' });
    mmUri = await c.open(path.join(src, 'include/linux/mm_types.h'));
    slabUri = await c.open(path.join(src, 'mm/slab.h'));
    const syms = (await c.request('textDocument/documentSymbol', { textDocument: { uri: mmUri } })) as Sym[];
    const page = syms.find((x) => x.name === 'struct page');
    assert.ok(page, `struct page among ${syms.length} symbols`);
    const find = (ss: Sym[], name: string): Sym | undefined => ss.map((x) => (x.name === name ? x : find(x.children ?? [], name))).find((x) => x);
    pageMember = (name) => {
      const m = find(page.children ?? [], name);
      assert.ok(m, `page.${name}`);
      return { line: m.selectionRange.start.line, character: m.selectionRange.start.character + 1 };
    };
  });
  after(async () => {
    await c?.stop();
  });

  it('zero diagnostics at error or warning level in mm_types.h and slab.h', async () => {
    const mm = await c!.pull(mmUri);
    const slab = await c!.pull(slabUri);
    assert.deepEqual(loud(mm), [], JSON.stringify(loud(mm).slice(0, 5)));
    assert.deepEqual(loud(slab), [], JSON.stringify(loud(slab).slice(0, 5)));
    assert.ok(c!.traces.some((t) => t.includes(`build dir ${build} found in the workspace`)), 'the prepared build dir was found among the folders');
  });

  it('hovers the compiler\'s offsets (page.mapping at 24, page._refcount at 52) and the MATCH pairs', async () => {
    const h = await c!.hover(mmUri, pageMember('mapping'));
    assert.match(h, /### page\.mapping/);
    assert.match(h, /offset \*\*24\*\* · size 8/);
    assert.match(h, /\| folio \| mapping \| same bytes, asserted \|/);
    const r = await c!.hover(mmUri, pageMember('_refcount'));
    assert.match(r, /offset \*\*52\*\* · size 4/);
    assert.match(r, /`FOLIO_MATCH\(_refcount, _refcount\)` holds/);
    const layout = (await c!.request('memdesc/layout', { uri: mmUri })) as { structs: Array<{ name: string }>; findings: unknown[] };
    for (const s of ['page', 'folio', 'slab', 'ptdesc']) assert.ok(layout.structs.some((x) => x.name === s), `${s} in ${layout.structs.map((x) => x.name)}`);
    assert.deepEqual(layout.findings, []);
  });

  it('with memdesc.matrix: still nothing at error or warning level, in any ABI or config', async () => {
    c!.settings = { matrix: true };
    await c!.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
    const end = Date.now() + 15 * 60_000;
    for (;;) {
      const h = await c!.hover(mmUri, pageMember('flags'));
      assert.match(h, /### page\.flags/);
      if (/config matrix: (?!evaluating)/.test(h)) break;
      if (Date.now() > end) throw new Error(`the matrix never finished: ${c!.traces.slice(-5).join('\n')}`);
      await new Promise((r) => setTimeout(r, 500));
    }
    const mm = await c!.pull(mmUri);
    const slab = await c!.pull(slabUri);
    assert.deepEqual(loud(mm), [], JSON.stringify(loud(mm).slice(0, 5)));
    assert.deepEqual(loud(slab), [], JSON.stringify(loud(slab).slice(0, 5)));
    assert.ok(c!.traces.some((t) => /^matrix: 15 combinations in \d+ ms/.test(t)), c!.traces.filter((t) => t.startsWith('matrix')).join('\n'));
  });

  it('no request failed inside the server', () => {
    assert.deepEqual(c!.logs.filter((l) => / failed/.test(l)), []);
  });
});
