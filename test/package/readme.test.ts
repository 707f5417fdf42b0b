// The README's install instructions cannot drift from what is tested: the Neovim, Emacs and GitHub Actions
// snippets it shows are the files under editors/ and ci/ that the editor and CI tests run, byte for byte;
// Install comes first; the versions it names are package.json's.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { describe, it } from 'node:test';

const root = path.resolve(__dirname, '../../..');
const readme = fs.readFileSync(path.join(root, 'README.md'), 'utf8');
const pkg = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf8'));

describe('the README install section', () => {
  it('shows the tested setup files verbatim', () => {
    for (const [file, lang] of [['editors/neovim/memdesc-layout.lua', 'lua'], ['editors/emacs/memdesc-layout.el', 'elisp'], ['ci/github-actions.yml', 'yaml']]) {
      const text = fs.readFileSync(path.join(root, file), 'utf8');
      assert.ok(readme.includes('```' + lang + '\n' + text + '```\n'), `README shows ${file} as it is`);
      assert.ok(readme.includes(`](${file})`), `README links ${file}`);
    }
    assert.ok(readme.includes('](ci/memdesc-layout-check.sh)'));
  });

  it('comes first, with VS Code, the command line, Neovim, Emacs and CI', () => {
    const h2 = [...readme.matchAll(/^## (.+)$/gm)].map((m) => m[1]);
    assert.equal(h2[0], 'Install');
    const install = readme.slice(readme.indexOf('## Install\n'), readme.indexOf(`## ${h2[1]}\n`));
    assert.deepEqual([...install.matchAll(/^### (.+)$/gm)].map((m) => m[1]), ['VS Code', 'Command line and language server', 'Neovim', 'Emacs', 'CI']);
  });

  it("names package.json's version wherever it names one", () => {
    const named = [...readme.matchAll(/memdesc-layout[-@](\d+\.\d+\.\d+)/g)].map((m) => m[1]);
    assert.ok(named.length > 0);
    for (const v of named) assert.equal(v, pkg.version);
  });
});
