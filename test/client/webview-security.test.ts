/// <reference lib="dom" />
/// <reference lib="dom.iterable" />
// Webview and extension security. The layout diagram's real bundle (media/layout.js) runs in headless Chromium
// (Debian's, as the end-to-end tests use it) inside the HTML the extension serves, CSP included, with a stand-in
// for acquireVsCodeApi. A model made by the real engine from a file with a hostile name and an assertion with
// hostile text, plus hostile struct, member and type names (the server would never send those, but the
// webview must not trust it), renders as text: nothing runs, no element comes from the names. Unknown and
// malformed messages are ignored. The extension's own code runs nothing from the workspace.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { Browser, chromium, Page } from 'playwright-core';
import { analyzeSources, VIRTUAL_ROOT } from '../helpers';
import { buildModel } from '../../server/src/engine/memdesc/memdesc';
import { layoutModel } from '../../server/src/features/layout';
import { AnalysisResult } from '../../server/src/session';
import { webviewHtml } from '../../client/src/webviewHtml';

const ROOT = path.resolve(__dirname, '../../..');
const CHROMIUM = process.env.MEMDESC_CHROMIUM || '/usr/bin/chromium';
const ORIGIN = 'https://webview.test';

const HOSTILE = [
  '<img src=x onerror="window.__pwned=1">',
  '"><script>window.__pwned=2</script>',
  "'><svg onload=window.__pwned=3>",
  '</text><foreignObject><iframe src="javascript:window.parent.__pwned=4"></iframe></foreignObject>',
  '${window.__pwned=5}',
];

/** A real model: the engine on a struct page and a descriptor, in a file whose path is markup. */
function hostileModel() {
  const file = `evil/${HOSTILE[0]}/x"'.h`;
  const src = `#define offsetof(T, M) __builtin_offsetof(T, M)
struct page { unsigned long flags; void *lru[2]; int _refcount; };
struct slab { unsigned long flags; void *cache; long counters; int refcount; };
_Static_assert(offsetof(struct page, flags) == offsetof(struct slab, flags), "${HOSTILE[1].replace(/"/g, '\\"')}");
_Static_assert(offsetof(struct page, _refcount) == offsetof(struct slab, counters), "${HOSTILE[0].replace(/"/g, '\\"')}");
`;
  const a = analyzeSources({ [file]: src });
  const result = { analysis: a, model: buildModel(a), setup: undefined, root: undefined, context: { key: 'k', kind: 'file', arch: 'x86_64', defines: [], includePaths: [], files: [`${VIRTUAL_ROOT}/${file}`], globsTruncated: false }, stamp: 's', ms: 0 } as AnalysisResult;
  const model = layoutModel(result);
  assert.equal(model.structs.length, 2, 'page and slab');
  assert.ok(model.findings.some((f) => f.message.includes('<img')), 'the failing assertion carries its markup-like message');
  // Defence in depth: names the server would never send.
  const slab = model.structs[1];
  slab.name = HOSTILE[2];
  const m = slab.nodes.find((n) => n.name === 'cache')!;
  m.name = HOSTILE[3];
  m.type = HOSTILE[4];
  if (m.overlaps?.[0]) m.overlaps[0].member = HOSTILE[1];
  return { model, document: `file:///${encodeURI(file)}` };
}

describe('the layout webview renders hostile names as text', { timeout: 120_000 }, () => {
  let browser: Browser;
  let page: Page;

  before(async () => {
    if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}: apt-get install chromium (or set MEMDESC_CHROMIUM)`);
    if (!fs.existsSync(path.join(ROOT, 'media/layout.js'))) throw new Error('media/layout.js is missing: run node scripts/build.mjs');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'] });
    page = await browser.newPage();
    const html = webviewHtml({ cspSource: ORIGIN, nonce: 'bm9uY2UtZm9yLXRlc3Q', script: `${ORIGIN}/media/layout.js`, style: `${ORIGIN}/media/layout.css` });
    await page.route(`${ORIGIN}/**`, (route) => {
      const u = new URL(route.request().url());
      if (u.pathname === '/index.html') return route.fulfill({ contentType: 'text/html', body: html });
      if (u.pathname === '/media/layout.js' || u.pathname === '/media/layout.css') return route.fulfill({ contentType: u.pathname.endsWith('.js') ? 'text/javascript' : 'text/css', body: fs.readFileSync(path.join(ROOT, u.pathname.slice(1))) });
      return route.fulfill({ status: 404, body: '' });
    });
    // The stand-in for VS Code's API, and a record of what the page does that it should not.
    await page.addInitScript(() => {
      const w = window as unknown as Record<string, unknown>;
      w.__posted = [];
      w.__errors = [];
      w.__violations = [];
      w.acquireVsCodeApi = () => ({ postMessage: (m: unknown) => (w.__posted as unknown[]).push(m), getState: () => undefined, setState: () => undefined });
      window.addEventListener('error', (e) => (w.__errors as string[]).push(String(e.message)));
      document.addEventListener('securitypolicyviolation', (e) => (w.__violations as string[]).push(`${e.violatedDirective} ${e.blockedURI}`));
    });
    await page.goto(`${ORIGIN}/index.html`);
    await page.waitForFunction(() => ((window as unknown as { __posted: Array<{ type: string }> }).__posted ?? []).some((m) => m.type === 'ready'));
  });
  after(async () => {
    await browser?.close();
  });

  const posted = () => page.evaluate(() => (window as unknown as { __posted: Array<{ type: string; report?: unknown }> }).__posted);
  const send = (m: unknown) => page.evaluate((msg) => window.postMessage(msg, '*'), m);

  it('a hostile model: drawn, nothing runs, no element made from a name, every name in the text', async () => {
    const { model, document: doc } = hostileModel();
    await send({ type: 'model', model, document: doc, documentLabel: HOSTILE[0], config: HOSTILE[1], numberFormat: 'decimal' });
    await page.waitForFunction(() => (window as unknown as { __posted: Array<{ type: string }> }).__posted.some((m) => m.type === 'rendered'));
    // Hover every block: tooltips render names too.
    for (const b of await page.$$('#diagram g')) await b.hover({ force: true, timeout: 2000 }).catch(() => undefined);
    await page.waitForTimeout(200);
    const state = await page.evaluate(() => {
      const w = window as unknown as Record<string, unknown>;
      const all = [...document.querySelectorAll('*')];
      return {
        pwned: w.__pwned,
        errors: w.__errors,
        scripts: document.querySelectorAll('script').length,
        foreign: document.querySelectorAll('img, iframe, object, embed, foreignObject, a[href^="javascript"]').length,
        handlers: all.filter((e) => [...e.attributes].some((a) => /^on/i.test(a.name))).map((e) => e.outerHTML.slice(0, 80)),
        text: document.body.textContent ?? '',
        labels: all.map((e) => [e.getAttribute('aria-label') ?? '', e.getAttribute('title') ?? ''].join(' ')).join(' '),
        rendered: (w.__posted as Array<{ type: string; report?: { blocks: unknown[] } }>).filter((m) => m.type === 'rendered').pop()?.report?.blocks.length ?? 0,
      };
    });
    assert.equal(state.pwned, undefined, 'no hostile script ran');
    assert.deepEqual(state.errors, []);
    assert.equal(state.scripts, 1, 'only the bundle');
    assert.equal(state.foreign, 0, 'no element made from a name');
    assert.deepEqual(state.handlers, []);
    assert.ok(state.rendered > 5, 'the diagram was drawn');
    const shown = state.text + ' ' + state.labels;
    for (const h of [HOSTILE[0], HOSTILE[1], HOSTILE[2]]) assert.ok(shown.includes(h), `shown as text: ${h}`);
  });

  it('the CSP holds in the page: an inline script and a remote image are refused', async () => {
    await page.evaluate(() => {
      const s = document.createElement('script');
      s.textContent = 'window.__inline = 1';
      document.body.appendChild(s);
      const i = document.createElement('img');
      i.src = 'https://elsewhere.test/x.png';
      document.body.appendChild(i);
    });
    await page.waitForTimeout(300);
    const r = await page.evaluate(() => ({ inline: (window as unknown as { __inline?: number }).__inline, violations: (window as unknown as { __violations: string[] }).__violations }));
    assert.equal(r.inline, undefined);
    assert.ok(r.violations.some((v) => v.startsWith('script-src')), r.violations.join('; '));
    assert.ok(r.violations.some((v) => v.startsWith('img-src')), r.violations.join('; '));
  });

  it('unknown and malformed messages are ignored: nothing drawn again, nothing thrown', async () => {
    const before = (await posted()).length;
    const svgBefore = await page.evaluate(() => document.getElementById('diagram')!.innerHTML.length);
    for (const m of [null, 'model', 42, [], { type: 'run', command: 'rm -rf /' }, { type: 'model', model: { structs: 'no' } }, { type: 'model', model: null, document: 1 }, { type: 'highlight', target: { struct: 'x', path: [-1] } }, { type: 'export', id: 'x', format: 'svg' }, { type: '__proto__' }, { type: 'model', model: { structs: [], findings: [], wordSize: 99 }, document: '', documentLabel: '', config: '', numberFormat: 'decimal' }]) {
      await send(m);
    }
    await page.waitForTimeout(200);
    const r = await page.evaluate(() => ({ errors: (window as unknown as { __errors: string[] }).__errors, svg: document.getElementById('diagram')!.innerHTML.length }));
    assert.deepEqual(r.errors, []);
    assert.equal((await posted()).length, before, 'no message answered');
    assert.equal(r.svg, svgBefore, 'the diagram is as it was');
  });
});

describe('the extension runs nothing from the workspace', () => {
  const sources = fs.readdirSync(path.join(ROOT, 'client/src')).filter((f) => f.endsWith('.ts')).map((f) => [f, fs.readFileSync(path.join(ROOT, 'client/src', f), 'utf8')] as const);
  const webview = fs.readdirSync(path.join(ROOT, 'client/webview')).filter((f) => f.endsWith('.ts')).map((f) => [f, fs.readFileSync(path.join(ROOT, 'client/webview', f), 'utf8')] as const);

  it('no process, shell, task, terminal or eval in the extension or the webview', () => {
    const forbidden = /child_process|\bexecSync?\(|\bspawn(Sync)?\(|\bexecFile|new Function\(|\beval\(|createTerminal|executeTask|ShellExecution|ProcessExecution|\binnerHTML\s*=|insertAdjacentHTML|outerHTML\s*=|document\.write/;
    for (const [f, text] of [...sources, ...webview]) assert.doesNotMatch(text, forbidden, f);
  });

  it('the only program started is the bundled server, from the extension itself', () => {
    const lc = sources.find(([f]) => f === 'languageClient.ts')![1];
    assert.match(lc, /const module = context\.asAbsolutePath\('dist\/server\.js'\);/);
    assert.equal((lc.match(/module[,:]/g) ?? []).length >= 1, true);
    // No setting names a program to run.
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const props = Object.keys(Object.assign({}, ...[pkg.contributes.configuration].flat().map((c: { properties: object }) => c.properties)));
    for (const p of props) assert.doesNotMatch(p, /server[Pp]ath|command|executable|program|compiler|gcc|make/, p);
  });

  it('Restricted Mode: every setting that points the analyser at other files is withheld until the workspace is trusted', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    const cap = pkg.capabilities.untrustedWorkspaces;
    assert.equal(cap.supported, 'limited');
    for (const s of ['memdesc.kernelRoot', 'memdesc.config', 'memdesc.buildDir', 'memdesc.includePaths', 'memdesc.files']) assert.ok(cap.restrictedConfigurations.includes(s), s);
    // Hover markdown may run exactly one command of ours.
    const lc = sources.find(([f]) => f === 'languageClient.ts')![1];
    assert.match(lc, /isTrusted: \{ enabledCommands: \['memdesc\.openLayout'\] \}/);
  });
});
