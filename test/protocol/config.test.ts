// The user's own config in the editor: a tree configured in place (a .config at its root) is its own build dir,
// the ABI follows the config unless memdesc.arch names one, the built-in default is never silent (one information
// message per tree, and the layout result says why and how to pick a config), and memdesc.arch contradicting a
// named config is an error that names both (a diagnostic and an error message).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { TestClient } from './client';
import { makeTree, MM_TYPES, pos, tmpdir, write } from './fixtures';

const PPC32 = '#\n# Automatically generated file; DO NOT EDIT.\n# Linux/powerpc 7.3.0-rc7 Kernel Configuration\n#\nCONFIG_PPC=y\nCONFIG_PPC32=y\nCONFIG_CPU_BIG_ENDIAN=y\n';

interface Layout {
  arch: string;
  configSource: string | null;
  configKind: string | null;
  archFrom: string | null;
  configNotice: string | null;
}

describe('the user\'s config: in place, followed by the ABI, never a silent default', { timeout: 120_000 }, () => {
  let top = '';
  let configured = '';
  let bare = '';
  before(() => {
    top = tmpdir('config');
    configured = makeTree({ files: { '.config': PPC32 } }, path.join(top, 'configured'));
    bare = makeTree({}, path.join(top, 'bare'));
  });
  after(() => fs.rmSync(top, { recursive: true, force: true }));

  it('a tree configured in place: its .config, and the ABI it names, with no memdesc.arch', async () => {
    const c = await TestClient.start({ folders: [configured] });
    try {
      const uri = await c.open(path.join(configured, 'include/linux/mm_types.h'));
      const l = (await c.request('memdesc/layout', { uri })) as Layout;
      assert.equal(l.arch, 'ppc32');
      assert.equal(l.configKind, 'in-tree');
      assert.equal(l.archFrom, 'config');
      assert.equal(l.configSource, path.join(configured, '.config'));
      assert.equal(l.configNotice, null);
      assert.match(await c.hover(uri, pos(MM_TYPES, 'int _refcount;', 6)), /offset \*\*24\*\*.*ppc32/);
      assert.deepEqual(c.messages, [], 'nothing to tell: the user\'s config is used');
    } finally {
      await c.stop();
    }
  });

  it('no .config anywhere: the built-in default, said once in an information message and in every layout result', async () => {
    const c = await TestClient.start({ folders: [bare] });
    try {
      const mm = await c.open(path.join(bare, 'include/linux/mm_types.h'));
      const l = (await c.request('memdesc/layout', { uri: mm })) as Layout;
      assert.equal(l.arch, 'x86_64');
      assert.equal(l.configKind, 'default');
      assert.equal(l.archFrom, 'default');
      assert.match(l.configSource ?? '', /^built-in default/);
      assert.match(l.configNotice ?? '', /no \.config found .*using the built-in x86_64 default.*make defconfig.*memdesc\.config or memdesc\.buildDir/);
      await c.pull(mm);
      await c.hover(mm, pos(MM_TYPES, 'int _refcount;', 6));
      await c.waitFor(() => c.messages.length > 0, 'the information message');
      assert.equal(c.messages.length, 1, JSON.stringify(c.messages));
      assert.equal(c.messages[0].type, 3, 'an information message');
      assert.match(c.messages[0].message, /no \.config found/);
    } finally {
      await c.stop();
    }
  });

  it('memdesc.arch names another ABI than the tree\'s own .config: that ABI\'s built-in default, and why', async () => {
    const c = await TestClient.start({ folders: [configured], settings: { arch: 'arm64' } });
    try {
      const uri = await c.open(path.join(configured, 'include/linux/mm_types.h'));
      const l = (await c.request('memdesc/layout', { uri })) as Layout;
      assert.equal(l.arch, 'arm64');
      assert.equal(l.archFrom, 'setting');
      assert.equal(l.configKind, 'default');
      assert.match(l.configNotice ?? '', /\.config is for ppc32 \(CONFIG_PPC=y.*\): using the built-in arm64 default/);
    } finally {
      await c.stop();
    }
  });

  it('memdesc.variant is applied by the server for the ABI it chose: phys64 sets ppc32\'s own switch', async () => {
    const wide = makeTree({ files: { '.config': PPC32 }, mmTypes: MM_TYPES.replace('\tint _refcount;\n#ifdef CONFIG_MEMCG', '\tint _refcount;\n#ifdef CONFIG_PHYS_64BIT\n\tunsigned long long dma_addr;\n#endif\n#ifdef CONFIG_MEMCG') }, path.join(top, 'wide'));
    const c = await TestClient.start({ folders: [wide], settings: { variant: 'phys64' } });
    try {
      const uri = await c.open(path.join(wide, 'include/linux/mm_types.h'));
      const l = (await c.request('memdesc/layout', { uri })) as Layout & { pageSize: number };
      assert.equal(l.arch, 'ppc32');
      assert.equal(l.pageSize, 40, 'PHYS_64BIT on: dma_addr after _refcount, 8-aligned');
      c.settings = {};
      await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
      assert.equal(((await c.request('memdesc/layout', { uri })) as { pageSize: number }).pageSize, 28);
    } finally {
      await c.stop();
    }
  });

  it('memdesc.arch contradicting memdesc.config is an error naming both: a diagnostic, an error message, nothing analysed', async () => {
    const named = path.join(top, 'ppc32.config');
    write(top, { 'ppc32.config': PPC32 });
    const c = await TestClient.start({ folders: [bare], settings: { arch: 'x86_64', config: named } });
    try {
      const uri = await c.open(path.join(bare, 'include/linux/mm_types.h'));
      const ds = await c.pull(uri);
      const err = ds.find((d) => d.code === 'config-arch-mismatch');
      assert.ok(err, JSON.stringify(ds));
      assert.equal(err.severity, 1);
      assert.match(err.message, /memdesc\.arch x86_64 contradicts memdesc\.config .*ppc32\.config, which is for ppc32 \(CONFIG_PPC=y, CONFIG_PPC32=y/);
      assert.equal(ds.filter((d) => d.code === 'assert-fails').length, 0, 'nothing analysed under contradicting settings');
      await c.waitFor(() => c.messages.some((m) => m.type === 1), 'the error message');
      // Following the config instead: memdesc.arch empty.
      c.settings = { config: named };
      await c.conn.sendNotification('workspace/didChangeConfiguration', { settings: {} });
      const l = (await c.request('memdesc/layout', { uri })) as Layout;
      assert.equal(l.arch, 'ppc32');
      assert.equal(l.configKind, 'setting');
      assert.equal((await c.pull(uri)).filter((d) => d.code === 'config-arch-mismatch').length, 0);
    } finally {
      await c.stop();
    }
  });
});
