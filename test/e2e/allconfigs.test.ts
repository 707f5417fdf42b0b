// Every configuration in a real VS Code: code-server with the packaged .vsix, driven through Chromium, on the small
// Kconfig tree of test/protocol/kconfig-fixture.ts (ZPDESC_MATCH(_refcount, _refcount) fails only with MEMCG off
// and MEM_ALLOC_PROFILING on). The config-counterexample warning (squiggle, Problems, hover), its quick fixes (the
// diagram switched to the counterexample's config; its .config in an untitled editor), the config picker's found
// layouts, and the way back. Screenshots go to test/e2e/artifacts-allconfigs/. Every code-server process is killed
// in `after`, pass or fail.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { RenderReport } from '../../shared/webview';
import { makeKconfigTree } from '../protocol/kconfig-fixture';
import { CodeServerSession } from './session';
import { memberBlock, DEADLINE_MS, waitFor, Workbench } from './workbench';

const root = path.resolve(__dirname, '../../..');
const artifacts = path.join(root, 'test/e2e/artifacts-allconfigs');
/** The search runs after the server has started and the typing has settled; on a loaded machine give it time. */
const SEARCH_MS = 120_000;

describe('every configuration in VS Code (code-server + Chromium)', { timeout: 420_000 }, () => {
  let session: CodeServerSession | undefined;
  let tree = '';
  let marker = '';
  let page: Page;
  let wb: Workbench;

  /** The diagram's latest report once it satisfies `ok`. */
  const rendered = (what: string, ok: (r: RenderReport) => boolean, timeoutMs = DEADLINE_MS) => session!.reports.rendered(what, ok, timeoutMs);
  const block = memberBlock;

  /** Ctrl+. on the warning's line, then the quick fix whose title starts with `title`. */
  async function quickFix(title: string): Promise<void> {
    await waitFor(`the quick fix ${title}`, async () => {
      await page.keyboard.press('Escape');
      await wb.clickLine(0, 'ZPDESC_MATCH(_refcount, _refcount)');
      await page.keyboard.press('Control+.');
      const row = page.locator('.action-widget .monaco-list-row', { hasText: title }).first();
      await row.waitFor({ state: 'visible', timeout: 5000 });
      await row.click({ timeout: 5000 });
      return true;
    });
  }

  /** The diagram's panel maximised, shot, and restored. */
  const shootDiagram = (name: string) => session!.maximisedDiagram(() => page.screenshot({ path: path.join(artifacts, name) }));

  before(async () => {
    session = await CodeServerSession.start({
      artifacts,
      tmpPrefix: 'memdesc-e2e-allconfigs-',
      workspace: (tmp) => {
        marker = path.join(tmp, 'shell-ran');
        tree = makeKconfigTree(marker);
        return tree;
      },
    });
    ({ page, wb } = session);
  });

  after(async () => {
    try {
      await session?.stop();
    } finally {
      if (tree) fs.rmSync(tree, { recursive: true, force: true });
    }
  });

  const step = (name: string, f: () => Promise<void>) => it(name, () => session!.run(name, f));

  step('the search finds the combination: a warning squiggle, the Problems panel, the hover', async () => {
    await wb.openFile('zpdesc.h');
    await waitFor('a warning squiggle', () => page.locator('.editor-instance .squiggly-warning').first().isVisible(), SEARCH_MS);
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'ZPDESC_MATCH(_refcount, _refcount) fails on x86_64 with CONFIG_MEMCG=n' }).first();
    await waitFor('the warning in the Problems panel', () => row.isVisible());
    const text = await row.innerText();
    assert.match(text, /its \.config also sets CONFIG_MEM_ALLOC_PROFILING=y/);
    assert.match(text, /config-counterexample/);
    // Both members as related locations, under the warning.
    await waitFor('the related locations', async () => (await page.locator('.markers-panel .monaco-list-row', { hasText: '_refcount: offset' }).count()) >= 2);
    await page.screenshot({ path: path.join(artifacts, 'warning.png') });
    await wb.runCommand('View: Toggle Panel Visibility');
    const hover = await wb.hover('ZPDESC_MATCH', ['every configuration of x86_64', 'fails', 'CONFIG_MEMCG=n'], 'ZPDESC_MATCH(_refcount, _refcount)');
    assert.match(hover, /Kconfig symbols its verdict reads \(x86_64, this config\):[^\n]*MEMCG/);
    const box = await page.locator('.monaco-hover:not(.hidden)').first().boundingBox();
    if (box) await page.screenshot({ path: path.join(artifacts, 'hover.png'), clip: { x: Math.max(0, box.x - 100), y: Math.max(0, box.y - 60), width: Math.min(1800, box.width + 300), height: box.height + 160 } });
    await page.mouse.move(5, 5);
    await page.keyboard.press('Escape');
  });

  step('quick fix "Show layout under this config": the diagram switches to the counterexample\'s config', async () => {
    await wb.runCommand('View: Toggle Primary Side Bar Visibility');
    await quickFix('Show layout under this config');
    const r = await rendered('zpdesc without memcg_data', (x) => block(x, 'zpdesc', '_refcount')?.offset === 16, SEARCH_MS);
    assert.equal(block(r, 'zpdesc', 'memcg_data'), undefined);
    assert.equal(block(r, 'page', '_refcount')?.offset, 24);
    // The failing pair outlined, and the toolbar names the configuration.
    assert.equal(block(r, 'zpdesc', '_refcount')?.outline, 'error');
    const frame = await wb.webviewFrame();
    const label = await waitFor('the toolbar to name the found config', async () => {
      const t = (await frame.locator('#config').textContent()) ?? '';
      return t.includes('found:') ? t : undefined;
    });
    assert.match(label, /found: x86_64 defconfig \+ CONFIG_MEMCG=n/);
    await shootDiagram('diagram-counterexample.png');
  });

  step('quick fix "Open counterexample .config": its full text in an untitled editor', async () => {
    await wb.focusGroup(0);
    await wb.clickTab(0, 'zpdesc.h');
    await quickFix('Open counterexample .config');
    await waitFor('an untitled editor', () => page.locator('.tab.active[aria-label^="Untitled"]').first().isVisible());
    const text = await waitFor('the .config text', async () => {
      const t = await wb.editorText();
      return t.includes('CONFIG_MEMCG is not set') ? t : undefined;
    });
    assert.match(text, /CONFIG_MEM_ALLOC_PROFILING=y/);
    await page.screenshot({ path: path.join(artifacts, 'counterexample-config.png') });
    const statusBar = page.locator('#workbench\\.parts\\.statusbar');
    await waitFor('the status bar to say what the untitled text is', async () => /memdesc: x86_64 defconfig \+ CONFIG_MEMCG=n/.test(await statusBar.innerText()));
    // Leave it without saving; the status bar stops naming it.
    await wb.runCommand('View: Revert and Close Editor');
    await waitFor('the status bar to stop naming the counterexample', async () => !/defconfig \+ CONFIG_MEMCG=n/.test(await statusBar.innerText()));
  });

  step('the config picker lists the layouts found, and leads back to the configured config', async () => {
    await wb.clickTab(0, 'zpdesc.h');
    await wb.runCommand('memdesc: Select Kernel Config');
    const rows = page.locator('.quick-input-list .monaco-list-row:visible');
    const labels = await waitFor('the found layouts in the picker', async () => {
      const l = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      return l.some((x) => x.includes('Back to the configured config')) && l.some((x) => /x86_64: CONFIG_MEMCG=n/.test(x)) ? l : undefined;
    });
    assert.ok(labels.some((x) => /laid out differently/.test(x)), labels.join(' | '));
    await page.screenshot({ path: path.join(artifacts, 'picker.png') });
    await wb.pick('Back to the configured config');
    const r = await rendered('the configured config again', (x) => block(x, 'zpdesc', '_refcount')?.offset === 24);
    assert.equal(block(r, 'zpdesc', '_refcount')?.outline, undefined);
  });

  step('an edit that fixes the guard clears the warning once the search is done again', async () => {
    await wb.focusGroup(0);
    await wb.clickTab(0, 'zpdesc.h');
    await wb.replaceLine(0, '#ifdef CONFIG_MEMCG', '#ifdef CONFIG_SLAB_OBJ_EXT');
    await waitFor('the squiggle to go', async () => (await page.locator('.editor-instance .squiggly-warning').count()) === 0, SEARCH_MS);
    await page.screenshot({ path: path.join(artifacts, 'fixed.png') });
    assert.equal(fs.existsSync(marker), false, 'the Kconfig $(shell,...) never ran');
  });
});
