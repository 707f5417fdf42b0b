// One version, package.json's: the sources hold no copy of it, and what the CLI, the server and the extension
// say is tested where each is packaged (npm.test.ts: the installed --version and serverInfo; vsix.test.ts: the
// packaged manifest the extension reads its version from, and the packaged server's serverInfo).

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { VERSION } from '../../server/src/version';

const root = path.resolve(__dirname, '../../..');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

function sources(dir: string): string[] {
  return fs.readdirSync(path.join(root, dir), { withFileTypes: true }).flatMap((d) => {
    const rel = path.join(dir, d.name);
    return d.isDirectory() ? sources(rel) : /\.(ts|mjs|js)$/.test(d.name) ? [rel] : [];
  });
}

describe('the version', () => {
  it("is package.json's, and no source file writes it down", () => {
    assert.equal(VERSION, pkg.version);
    const copies = ['server/src', 'client/src', 'client/webview', 'shared', 'scripts'].flatMap(sources).filter((f) => fs.readFileSync(path.join(root, f), 'utf8').includes(`'${pkg.version}'`) || fs.readFileSync(path.join(root, f), 'utf8').includes(`"${pkg.version}"`));
    assert.deepEqual(copies, []);
  });
});
