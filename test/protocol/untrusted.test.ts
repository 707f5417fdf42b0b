// What a workspace can make the language server do, as VS Code's Restricted Mode promises (package.json's
// untrustedWorkspaces: "limited"): with every-configuration search on, the server and its search worker read the
// tree's headers, .config and Kconfig files only, and start no process — not the Kconfig's $(shell,...), not a
// compiler. A preload (spy-preload.ts) records every read and every attempt to start a process, in each thread.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { SERVER_JS, TestClient } from './client';
import { tmpdir } from './fixtures';
import { KCONFIG_ZPDESC, makeKconfigTree } from './kconfig-fixture';

interface SpyLine {
  kind: 'read' | 'spawn';
  thread: number;
  what: string;
}

describe('an untrusted workspace: reads Kconfig, headers and .config, runs nothing', { timeout: 120_000 }, () => {
  let c: TestClient | undefined;
  let tree = '';
  let scratch = '';
  let marker = '';
  let spyLog = '';
  let cache = '';
  const spied = (): SpyLine[] =>
    fs.existsSync(spyLog)
      ? fs.readFileSync(spyLog, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as SpyLine)
      : [];

  before(async () => {
    scratch = tmpdir('untrusted');
    marker = path.join(scratch, 'shell-ran');
    spyLog = path.join(scratch, 'spy.jsonl');
    tree = makeKconfigTree(marker);
    const preload = path.join(__dirname, 'spy-preload.js');
    // The server's own cache (V8's code cache of its bundles) in a folder of this test, so that it can be told apart.
    const saved = { spy: process.env.MEMDESC_SPY_LOG, cache: process.env.MEMDESC_CACHE };
    process.env.MEMDESC_SPY_LOG = spyLog;
    process.env.MEMDESC_CACHE = cache = path.join(scratch, 'cache');
    try {
      c = await TestClient.start({ folders: [tree], command: [process.execPath, '--require', preload, SERVER_JS, '--stdio'] });
    } finally {
      for (const [k, v] of [['MEMDESC_SPY_LOG', saved.spy], ['MEMDESC_CACHE', saved.cache]] as const) {
        if (v === undefined) delete process.env[k];
        else process.env[k] = v;
      }
    }
    const uri = await c.open(path.join(tree, 'mm/zpdesc.h'), KCONFIG_ZPDESC);
    // The search's warning: the worker has read the Kconfig and analysed configurations by then.
    const end = Date.now() + 60_000;
    while (!(await c.pull(uri)).some((d) => d.code === 'config-counterexample')) {
      if (Date.now() > end) throw new Error(`no config-counterexample warning within 60 s; stderr: ${c.stderr}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async () => {
    await c?.stop();
    fs.rmSync(tree, { recursive: true, force: true });
    fs.rmSync(scratch, { recursive: true, force: true });
  });

  it('the spy saw both threads: the server read the header, the search worker the Kconfig files', () => {
    const reads = spied().filter((l) => l.kind === 'read');
    const readIn = (file: string, worker: boolean) => reads.some((l) => path.resolve(l.what) === path.join(tree, file) && (l.thread !== 0) === worker);
    assert.ok(readIn('include/linux/mm_types.h', false), JSON.stringify(reads));
    for (const k of ['Kconfig', 'arch/x86/Kconfig', 'mm/Kconfig']) assert.ok(readIn(k, true), `${k} read by the worker: ${JSON.stringify(reads)}`);
  });

  it('starts no process in any thread, and the Kconfig $(shell,...) never ran', () => {
    assert.deepEqual(spied().filter((l) => l.kind === 'spawn'), []);
    assert.equal(fs.existsSync(marker), false);
  });

  it('reads nothing outside the tree but its own bundles and their code cache', () => {
    const own = [tree, path.dirname(SERVER_JS), path.join(cache, 'v8')].map((d) => d + path.sep);
    const reads = spied().filter((l) => l.kind === 'read');
    assert.ok(reads.some((l) => l.what.startsWith(own[2])), 'the code cache was read or written where MEMDESC_CACHE says');
    assert.deepEqual(reads.filter((l) => !own.some((d) => path.resolve(l.what).startsWith(d))), []);
  });
});
