// `npm run package`: the .vsix holds exactly the bundles, the manifest and what the manifest points at, and vsce
// warns about nothing; the manifest meets the Marketplace's and Open VSX's requirements, says package.json's
// version (as the bundled server does), its lists agree with the server's (ABIs, config variants) and its settings
// are shared/settings.ts's.

import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import * as zlib from 'node:zlib';
import { describe, it } from 'node:test';
import { ABI_NAMES as CLIENT_ABIS, INLAY_HINT_MODES, NUMBER_FORMATS, SECTION_DEFAULTS, SETTINGS_SECTION, TRACE_LEVELS } from '../../shared/settings';
import { ABI_NAMES } from '../../server/src/engine/base/abi';
import { VARIANTS } from '../../server/src/engine/kernel/matrix';
import { TestClient } from '../protocol/client';

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
  let stage = '';
  const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
  const vsce = (cwd: string, ...args: string[]) => {
    const r = spawnSync(process.execPath, [path.join(root, 'node_modules/@vscode/vsce/vsce'), ...args], { cwd, encoding: 'utf8' });
    assert.equal(r.status, 0, `vsce ${args.join(' ')}: ${r.stdout}${r.stderr}`);
    return r.stdout;
  };

  it('npm run package produces a .vsix with only the bundled files, and vsce warns about nothing', async () => {
    const packaging: PackageModule = await import(pathToFileURL(path.join(root, 'scripts/package.mjs')).href);
    const report = packaging.packageVsixReport({ quiet: true });
    stage = report.stage;
    assert.doesNotMatch(report.log, /WARNING|warning/, report.log);
    files = readZip(fs.readFileSync(report.path));
    assert.deepEqual([...files.keys()].sort(), [
      '[Content_Types].xml',
      'extension.vsixmanifest',
      'extension/LICENSE.txt',
      'extension/changelog.md',
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

  it('vsce ls lists the same files, in the stage and in the repository (.vscodeignore, not npm\'s files)', () => {
    const packed = [...files.keys()].filter((f) => f.startsWith('extension/')).map((f) => f.slice('extension/'.length));
    const rename: Record<string, string> = { 'LICENSE': 'LICENSE.txt', 'CHANGELOG.md': 'changelog.md', 'README.md': 'readme.md' };
    const listed = (cwd: string) => vsce(cwd, 'ls', '--no-dependencies').trim().split('\n').map((f) => rename[f] ?? f).sort();
    assert.deepEqual(listed(stage), packed.sort());
    // The repository's own dist/ and media/ were built by npm test: the same allowlist applies there.
    assert.deepEqual(listed(root), packed.sort());
  });

  it('the packaged manifest is package.json without npm\'s files list, with its version', () => {
    const manifest = JSON.parse(files.get('extension/package.json')!.toString('utf8'));
    const { files: npmFiles, ...rest } = pkg;
    assert.ok(Array.isArray(npmFiles), 'package.json has the npm files list');
    assert.deepEqual(manifest, rest);
    // What the extension reports as its version (context.extension.packageJSON.version) and the gallery's.
    assert.equal(manifest.version, pkg.version);
    assert.match(files.get('extension.vsixmanifest')!.toString('utf8'), new RegExp(`<Identity Language="en-US" Id="${pkg.name}" Version="${pkg.version.replace(/\./g, '\\.')}" Publisher="${pkg.publisher}" />`));
  });

  it('the packaged server says the same version in serverInfo', async () => {
    const c = await TestClient.start({ command: [process.execPath, path.join(stage, 'dist/server.js'), '--stdio'] });
    try {
      assert.deepEqual(c.serverInfo, { name: 'memdesc-layout', version: pkg.version });
    } finally {
      await c.stop();
    }
  });

  it("the manifest meets the Marketplace's and Open VSX's requirements", () => {
    assert.match(pkg.name, /^[a-z0-9][a-z0-9-]*$/);
    assert.match(pkg.publisher, /^[a-z0-9][a-z0-9-]*$/);
    assert.match(pkg.version, /^\d+\.\d+\.\d+$/, 'a release version (the Marketplace takes no pre-release suffix)');
    assert.ok(pkg.displayName && pkg.description, 'display name and description');
    assert.equal(pkg.license, 'GPL-2.0-only', 'an SPDX license (Open VSX requires one)');
    assert.ok(files.has('extension/LICENSE.txt'));
    assert.match(pkg.repository.url, /^git\+https:\/\/github\.com\/[^/]+\/[^/]+\.git$/);
    assert.match(pkg.bugs.url, /^https:\/\//);
    assert.match(pkg.homepage, /^https:\/\//);
    const allowed = ['Azure', 'Data Science', 'Debuggers', 'Education', 'Extension Packs', 'Formatters', 'Keymaps', 'Language Packs', 'Linters', 'Machine Learning', 'Notebooks', 'Programming Languages', 'SCM Providers', 'Snippets', 'Testing', 'Themes', 'Visualization', 'AI', 'Chat', 'Other'];
    for (const c of pkg.categories) assert.ok(allowed.includes(c), `category ${c}`);
    assert.ok(pkg.keywords.length > 0 && pkg.keywords.length <= 30, 'at most 30 keywords');
    // A PNG icon (no SVG) of at least 128×128 px.
    const icon = files.get(`extension/${pkg.icon}`)!;
    assert.equal(icon.subarray(1, 4).toString('latin1'), 'PNG');
    assert.ok(icon.readUInt32BE(16) >= 128 && icon.readUInt32BE(20) >= 128, 'icon size');
    // README: the marketplace's page. Its images are PNGs (vsce rejects SVG ones), given relative (vsce points
    // them at the repository) or over https.
    const readme = files.get('extension/readme.md')!.toString('utf8');
    const images = [...readme.matchAll(/!\[[^\]]*\]\(([^)\s]+)/g)].map((m) => m[1]);
    assert.ok(images.length > 0);
    for (const img of images) assert.match(img, /^https:\/\/github\.com\/.*\.png$/, img);
    const changelog = files.get('extension/changelog.md')!.toString('utf8');
    assert.ok(changelog.split('\n').some((l) => l === `## ${pkg.version}` || l.startsWith(`## ${pkg.version} `)), 'the changelog has this version');
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

  it('the manifest\'s settings are shared/settings.ts\'s: the same names, defaults and values', () => {
    const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));
    const props = manifest.contributes.configuration.properties as Record<string, { default: unknown; enum?: unknown[] }>;
    assert.deepEqual(Object.keys(props).sort(), Object.keys(SECTION_DEFAULTS).map((k) => `${SETTINGS_SECTION}.${k}`).sort());
    for (const [k, v] of Object.entries(SECTION_DEFAULTS)) assert.deepEqual(props[`${SETTINGS_SECTION}.${k}`].default, v, `the default of ${k}`);
    assert.deepEqual(props['memdesc.inlayHints'].enum, [...INLAY_HINT_MODES]);
    assert.deepEqual(props['memdesc.numberFormat'].enum, [...NUMBER_FORMATS]);
    assert.deepEqual(props['memdesc.trace.server'].enum, [...TRACE_LEVELS]);
  });
});
