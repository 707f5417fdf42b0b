// `npm run package`: the .vsix holds exactly the bundles, the manifest and what the manifest points at; the
// manifest's lists agree with the server's (ABIs, config variants); the webview's HTML keeps a strict CSP.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { ABI_NAMES as CLIENT_ABIS } from '../../client/src/webviewProtocol';
import { ABI_NAMES } from '../../server/src/engine/base/abi';
import { VARIANTS } from '../../server/src/engine/kernel/matrix';

type PackageModule = typeof import('../../scripts/package.mjs', { with: { 'resolution-mode': 'import' } });

const root = path.resolve(__dirname, '../../..');

/** Names and contents of a zip's entries, from its central directory (stored or deflated, as vsce writes them). */
function readZip(buf: Buffer): Map<string, Buffer> {
  let eocd = buf.length - 22;
  while (eocd >= 0 && buf.readUInt32LE(eocd) !== 0x06054b50) eocd--;
  assert.ok(eocd >= 0, 'a zip end-of-central-directory record');
  const count = buf.readUInt16LE(eocd + 10);
  let p = buf.readUInt32LE(eocd + 16);
  const out = new Map<string, Buffer>();
  for (let i = 0; i < count; i++) {
    assert.equal(buf.readUInt32LE(p), 0x02014b50);
    const method = buf.readUInt16LE(p + 10);
    const compressed = buf.readUInt32LE(p + 20);
    const size = buf.readUInt32LE(p + 24);
    const nameLen = buf.readUInt16LE(p + 28);
    const extraLen = buf.readUInt16LE(p + 30);
    const commentLen = buf.readUInt16LE(p + 32);
    const local = buf.readUInt32LE(p + 42);
    const name = buf.subarray(p + 46, p + 46 + nameLen).toString('utf8');
    const dataAt = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
    const raw = buf.subarray(dataAt, dataAt + compressed);
    out.set(name, method === 8 ? zlib.inflateRawSync(raw) : raw);
    assert.equal(out.get(name)!.length, size, `${name} size`);
    p += 46 + nameLen + extraLen + commentLen;
  }
  return out;
}

describe('the packaged extension', { timeout: 120_000 }, () => {
  let files: Map<string, Buffer>;

  it('npm run package produces a .vsix with only the bundled files', async () => {
    const pkg: PackageModule = await import(pathToFileURL(path.join(root, 'scripts/package.mjs')).href);
    const vsix = pkg.packageVsix({ quiet: true });
    files = readZip(fs.readFileSync(vsix));
    assert.deepEqual([...files.keys()].sort(), [
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/LICENSE.txt',
      'extension/dist/extension.js',
      'extension/dist/matrix-worker.js',
      'extension/dist/server.js',
      'extension/language-configuration.json',
      'extension/media/icon.png',
      'extension/media/layout.css',
      'extension/media/layout.js',
      'extension/package.json',
      'extension/readme.md',
      'extension/syntaxes/layout-assertions.injection.tmLanguage.json',
      'extension/syntaxes/memdesc.tmLanguage.json',
    ]);
    // Production bundles: minified, no source maps beside them or referenced from them.
    for (const f of ['extension/dist/extension.js', 'extension/dist/server.js', 'extension/dist/matrix-worker.js', 'extension/media/layout.js']) assert.doesNotMatch(files.get(f)!.toString('utf8'), /sourceMappingURL/, f);
  });

  it('every file the manifest names is inside', () => {
    const manifest = JSON.parse(files.get('extension/package.json')!.toString('utf8'));
    const named = [manifest.main, manifest.icon, ...manifest.contributes.grammars.map((g: { path: string }) => g.path), ...manifest.contributes.languages.map((l: { configuration: string }) => l.configuration)];
    for (const n of named) assert.ok(files.has(`extension/${path.posix.normalize(n.replace(/^\.\//, ''))}`), n);
  });

  it('the manifest: every command has a title and category, every setting a description and default, enums explained', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const commands = manifest.contributes.commands as Array<{ command: string; title: string; category: string }>;
    for (const c of ['memdesc.openLayout', 'memdesc.selectArch', 'memdesc.selectConfig', 'memdesc.showOverlaps', 'memdesc.exportLayout']) {
      const cmd = commands.find((x) => x.command === c);
      assert.ok(cmd?.title && cmd.category === 'memdesc', c);
    }
    for (const [key, p] of Object.entries(manifest.contributes.configuration.properties as Record<string, Record<string, unknown>>)) {
      assert.ok(p.description || p.markdownDescription, `${key} is described`);
      assert.ok('default' in p, `${key} has a default`);
      if (Array.isArray(p.enum)) assert.equal((p.enumDescriptions as unknown[] | undefined)?.length, p.enum.length, `${key} explains each value`);
    }
    assert.equal(manifest.capabilities.untrustedWorkspaces.supported, 'limited');
    assert.equal(manifest.capabilities.virtualWorkspaces.supported, false);
    assert.match(manifest.engines.vscode, /^\^1\.\d+\.\d+$/);
    const types = JSON.parse(fs.readFileSync(path.join(root, 'node_modules/@types/vscode/package.json'), 'utf8')).version as string;
    assert.equal(types.split('.').slice(0, 2).join('.'), manifest.engines.vscode.slice(1).split('.').slice(0, 2).join('.'), '@types/vscode matches engines.vscode');
  });

  it('the lists the client keeps agree with the server: ABIs and config variants', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const props = manifest.contributes.configuration.properties;
    assert.deepEqual([...CLIENT_ABIS], [...ABI_NAMES]);
    // '' follows the kernel .config.
    assert.deepEqual(props['memdesc.arch'].enum, ['', ...ABI_NAMES]);
    assert.equal(props['memdesc.arch'].default, '');
    assert.deepEqual(props['memdesc.variant'].enum, ['', ...VARIANTS.filter((v) => v.name !== 'config').map((v) => v.name)]);
  });
});
