// The VS Code client's plain parts, without VS Code: webview message validation (hostile or malformed messages
// are dropped), the saved panel state, the webview's CSP, and the settings handed to the server.

import assert from 'node:assert/strict';
import * as os from 'node:os';
import * as path from 'node:path';
import { describe, it } from 'node:test';
import { resolvePath, settingsForServer } from '../../client/src/serverSettings';
import { contentSecurityPolicy, webviewHtml } from '../../client/src/webviewHtml';
import { parseFromWebview, parseToWebview, parseWebviewState } from '../../client/src/webviewProtocol';

describe('webview messages', () => {
  it('accepts the messages the webview sends', () => {
    assert.deepEqual(parseFromWebview({ type: 'ready' }), { type: 'ready' });
    assert.deepEqual(parseFromWebview({ type: 'reveal', target: { struct: 'slab', path: [2, 0, 1] } }), { type: 'reveal', target: { struct: 'slab', path: [2, 0, 1] } });
    assert.deepEqual(parseFromWebview({ type: 'setArch', arch: 'i386' }), { type: 'setArch', arch: 'i386' });
    assert.deepEqual(parseFromWebview({ type: 'setNumberFormat', numberFormat: 'hex' }), { type: 'setNumberFormat', numberFormat: 'hex' });
    assert.deepEqual(parseFromWebview({ type: 'exported', id: 3, format: 'svg', data: '<svg/>' }), { type: 'exported', id: 3, format: 'svg', data: '<svg/>' });
  });

  it('drops malformed and hostile ones', () => {
    const bad: unknown[] = [
      null,
      'ready',
      [],
      { type: 'run', command: 'workbench.action.terminal.new' },
      { type: 'reveal', target: { struct: 'slab', path: [-1] } },
      { type: 'reveal', target: { struct: 'slab', path: [1.5] } },
      { type: 'reveal', target: { struct: 'slab', path: '0' } },
      { type: 'reveal', target: { uri: 'file:///etc/passwd', line: 0 } },
      { type: 'reveal', target: { struct: 'x'.repeat(10_000), path: [] } },
      { type: 'setArch', arch: 'x86_64; rm -rf /' },
      { type: 'setArch', arch: { toString: () => 'x86_64' } },
      { type: 'setNumberFormat', numberFormat: 'octal' },
      { type: 'exported', id: 'one', format: 'svg', data: '' },
      { type: 'exported', id: 1, format: 'pdf', data: '' },
      { type: 'rendered', report: { arch: 'x86_64' } },
      { type: 'rendered', report: { arch: 'x86_64', wordSize: 8, document: 'file:///x', columns: [], blocks: [{ struct: 'page', name: 1 }], unplaced: 0, numberFormat: 'decimal', theme: 'dark' } },
    ];
    for (const m of bad) assert.equal(parseFromWebview(m), undefined, JSON.stringify(m));
  });

  it('the saved panel state keeps only what it should', () => {
    assert.deepEqual(parseWebviewState({ document: 'file:///w/mm/slab.h', hidden: ['folio', 3], numberFormat: 'hex', scrollTop: 12, scrollLeft: -4, extra: 1 }), { document: 'file:///w/mm/slab.h', hidden: ['folio'], numberFormat: 'hex', scrollTop: 12 });
    assert.deepEqual(parseWebviewState({ document: 'https://example.invalid/x.h' }), {});
    assert.deepEqual(parseWebviewState('garbage'), {});
  });

  it('the webview checks what the extension sends too', () => {
    assert.equal(parseToWebview({ type: 'model', model: { structs: 'no' } }), undefined);
    assert.equal(parseToWebview({ type: 'highlight', target: { struct: 's', path: ['a'] } }), undefined);
    assert.deepEqual(parseToWebview({ type: 'highlight', target: null }), { type: 'highlight', target: null });
    const model = { type: 'model', model: null, document: '', documentLabel: '', config: 'default', numberFormat: 'decimal' };
    assert.deepEqual(parseToWebview(model), model);
  });
});

describe('webview HTML', () => {
  it('a strict CSP: nothing by default, our script by nonce only, no inline code', () => {
    const csp = contentSecurityPolicy('https://file+.vscode-resource.vscode-cdn.net', 'n0nce');
    assert.match(csp, /^default-src 'none'; /);
    assert.match(csp, /script-src 'nonce-n0nce'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval|\*/);
    const html = webviewHtml({ cspSource: 'vscode-resource:', nonce: 'n0nce', script: 'vscode-resource:/media/layout.js', style: 'vscode-resource:/media/layout.css' });
    assert.equal((html.match(/<script/g) ?? []).length, 1);
    assert.match(html, /<script nonce="n0nce" src="vscode-resource:\/media\/layout\.js"><\/script>/);
    assert.doesNotMatch(html, /\son[a-z]+=/i, 'no inline event handlers');
    assert.doesNotMatch(html, /<style|style=/, 'no inline styles');
  });
});

describe('settings for the server', () => {
  it('resolves paths against the workspace folder', () => {
    assert.equal(resolvePath('linux/.config', '/w'), path.join('/w', 'linux/.config'));
    assert.equal(resolvePath('${workspaceFolder}/build', '/w'), '/w/build');
    assert.equal(resolvePath('/abs/.config', '/w'), '/abs/.config');
    assert.equal(resolvePath('~/k/.config', '/w'), path.join(os.homedir(), 'k/.config'));
    assert.equal(resolvePath('', '/w'), '');
    assert.equal(resolvePath('rel', undefined), 'rel');
  });

  it('resolves the paths and passes the variant on for the server, which knows the ABI it chose', () => {
    const s = settingsForServer({ arch: 'i386', config: '.config', buildDir: '', includePaths: ['inc', '/abs'], files: ['mm/x.h'], variant: 'lockdep', defines: ['NR_CPUS=8'] }, '/w') as Record<string, unknown>;
    assert.equal(s.config, '/w/.config');
    assert.equal(s.buildDir, '');
    assert.deepEqual(s.includePaths, ['/w/inc', '/abs']);
    assert.deepEqual(s.files, ['mm/x.h'], 'memdesc.files are relative to the tree');
    assert.equal(s.variant, 'lockdep');
    assert.deepEqual(s.defines, ['NR_CPUS=8']);
    assert.equal(settingsForServer(null, '/w'), null);
  });
});
