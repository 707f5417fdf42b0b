// End to end in a real VS Code: code-server (from the npm registry, cached) with the packaged .vsix installed,
// driven through Debian's Chromium by playwright-core, on a copy of examples/. Hover, squiggle, Problems, the
// layout diagram (its rendered model reported back, its screenshots not blank, light and dark), ABI switch,
// click-to-reveal, live re-render on an edit, and the panel restored after a reload. Screenshots go to
// test/e2e/artifacts/. The whole code-server process tree is killed in `after`, pass or fail.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { RenderReport } from '../../shared/webview';
import { CodeServerSession } from './session';
import { actUntil, memberBlock, DEADLINE_MS, waitFor, Workbench } from './workbench';

/** The page's globals inside evaluate callbacks (this file is compiled without the DOM library). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type BrowserGlobals = any;

const root = path.resolve(__dirname, '../../..');
const artifacts = path.join(root, 'test/e2e/artifacts');

const lineOf = (file: string, needle: string) => fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes(needle)) + 1;

describe('VS Code end to end (code-server + Chromium)', { timeout: 420_000 }, () => {
  let tmp = '';
  let ws = '';
  let reportFile = '';
  let session: CodeServerSession | undefined;
  let browser: Browser | undefined;
  let page: Page;
  let wb: Workbench;

  const report = () => session!.reports.latest();
  /** The diagram's latest report once it satisfies `ok`. */
  const rendered = (what: string, ok: (r: RenderReport) => boolean, timeoutMs = DEADLINE_MS) => session!.reports.rendered(what, ok, timeoutMs);
  const block = memberBlock;

  /** Distinct colours and the share of pixels unlike the most common one, measured in a scratch page. */
  async function imageStats(png: Buffer): Promise<{ colours: number; busy: number }> {
    const scratch = await browser!.newPage();
    try {
      await scratch.setContent('<canvas id="c"></canvas>');
      return await scratch.evaluate(async (b64) => {
        const { Image, document } = globalThis as BrowserGlobals;
        const img = new Image();
        img.src = `data:image/png;base64,${b64}`;
        await img.decode();
        const c = document.getElementById('c');
        c.width = img.width;
        c.height = img.height;
        const ctx = c.getContext('2d')!;
        ctx.drawImage(img, 0, 0);
        const d = ctx.getImageData(0, 0, c.width, c.height).data;
        const counts = new Map<number, number>();
        for (let i = 0; i < d.length; i += 4) {
          const k = ((d[i] >> 3) << 10) | ((d[i + 1] >> 3) << 5) | (d[i + 2] >> 3);
          counts.set(k, (counts.get(k) ?? 0) + 1);
        }
        const top = Math.max(...counts.values());
        return { colours: counts.size, busy: 1 - top / (d.length / 4) };
      }, png.toString('base64'));
    } finally {
      await scratch.close();
    }
  }

  async function shoot(name: string, clip?: { x: number; y: number; width: number; height: number }): Promise<Buffer> {
    const png = await page.screenshot({ path: path.join(artifacts, name), clip });
    return png;
  }

  /** A screenshot of the diagram panel (its editor group maximised for it), checked to be a picture and not a blank panel. */
  async function shootDiagram(name: string): Promise<void> {
    const png = await session!.maximisedDiagram((frame) => frame.screenshot({ path: path.join(artifacts, name) }));
    const s = await imageStats(png);
    assert.ok(s.colours >= 12 && s.busy > 0.15, `${name} looks blank: ${s.colours} colours, ${(s.busy * 100).toFixed(1)}% non-background`);
  }

  /** memdesc: Export Layout Diagram through the quick pick and VS Code's own save dialog. */
  async function exportVia(format: 'SVG' | 'PNG', file: string): Promise<Buffer> {
    await wb.commandPick('memdesc: Export Layout Diagram (SVG or PNG)', format);
    const input = page.locator('.quick-input-widget input.input');
    // The dialog fills its input and then its listing: type the path once both have settled.
    await waitFor('the save dialog', async () => (await input.inputValue({ timeout: 5000 })).endsWith(`.${format.toLowerCase()}`) && (await page.locator('.quick-input-list .monaco-list-row:visible').count()) > 0);
    await waitFor(`the save dialog to take ${file}`, async () => {
      await input.fill(file, { timeout: 5000 });
      await new Promise((r) => setTimeout(r, 300));
      return (await input.inputValue()) === file;
    });
    await page.locator('.quick-input-widget .monaco-button', { hasText: 'OK' }).first().click({ timeout: 5000 });
    return waitFor(`${file} written`, () => (fs.existsSync(file) && fs.statSync(file).size > 0 ? fs.readFileSync(file) : undefined));
  }

  /** Preferences: Color Theme, as a user would pick it. */
  async function setTheme(theme: string, expect: string): Promise<void> {
    await wb.commandPick('Preferences: Color Theme', theme);
    await rendered(`the ${expect} theme`, (r) => r.theme === expect);
  }

  before(async () => {
    session = await CodeServerSession.start({
      artifacts,
      tmpPrefix: 'memdesc-e2e-',
      workspace: (dir) => {
        // A copy of the examples: the test edits files and the ABI picker writes workspace settings.
        ws = path.join(dir, 'examples');
        fs.cpSync(path.join(root, 'examples'), ws, { recursive: true });
        return ws;
      },
    });
    ({ page, wb, reportFile, tmp, browser } = session);
  });

  after(async () => {
    // What the extension logged about its own start (a figure for the notes, never asserted).
    for (const l of session?.extensionLog('activated in') ?? []) console.error(`# ${l.replace(/^.*memdesc-layout/, 'memdesc-layout')}`);
    await session?.stop();
  });

  const step = (name: string, f: () => Promise<void>) => it(name, () => session!.run(name, f));

  step('hover a slab member: its offset and the page members under it', async () => {
    await wb.openFile('slab.h');
    await waitFor('the memdesc status bar item', async () => /memdesc: x86_64 · linux\/\.config/.test(await wb.statusBarText('memdesc-layout.memdesc-layout.memdesc.status')));
    const text = await wb.hover('freelist', ['slab.freelist', 'offset 32', '__folio_index']);
    assert.match(text, /void \* · offset 32 · size 8/);
    assert.match(text, /page\s+__folio_index\s+same bytes/);
    const box = await page.locator('.monaco-hover:not(.hidden)').first().boundingBox();
    assert.ok(box);
    await shoot('hover.png', { x: Math.max(0, box.x - 260), y: Math.max(0, box.y - 60), width: Math.min(1920 - Math.max(0, box.x - 260), box.width + 520), height: box.height + 160 });
    // A header outside any kernel tree is not handed to the server (no memdesc status, no squiggles from us).
    await page.mouse.move(5, 5);
    await wb.openFile('page-sketch.h');
    await waitFor('the memdesc status to hide outside a kernel tree', async () => !(await page.locator('[id="memdesc-layout.memdesc-layout.memdesc.status"]').first().isVisible()));
    await wb.openFile('slab.h');
    await waitFor('the memdesc status back on slab.h', () => page.locator('[id="memdesc-layout.memdesc-layout.memdesc.status"]').first().isVisible());
  });

  step('Show Overlapping Members: a quick pick of the members sharing the bytes at the cursor', async () => {
    await wb.clickLine(0, 'void *freelist');
    await wb.runCommand('memdesc: Show Overlapping Members');
    const rows = page.locator('.quick-input-list .monaco-list-row:visible');
    const labels = await waitFor('the overlaps of slab.freelist', async () => {
      const l = await rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
      return l.some((x) => x.startsWith('page.__folio_index')) ? l : undefined;
    });
    for (const m of ['page.share', 'page.dma_addr', 'folio.index', 'ptdesc.pt_index', 'zpdesc.next', 'netmem_desc.dma_addr']) assert.ok(labels.some((x) => x.startsWith(m)), `${m} in ${labels.join(' | ')}`);
    assert.match(await page.locator('.quick-input-widget').innerText(), /slab\.freelist: offset 32, size 8/);
    // Enter opens the first one: page.__folio_index, in mm_types.h.
    await page.keyboard.press('Enter');
    const line = lineOf(path.join(ws, 'linux/include/linux/mm_types.h'), 'pgoff_t __folio_index;');
    await waitFor('mm_types.h at __folio_index', async () => (await page.locator('.tab.active[aria-label^="mm_types.h"]').first().isVisible()) && (await wb.statusBarText('status.editor.selection')).includes(`Ln ${line},`));
  });

  step('Select Kernel Config: automatic (the tree\'s own .config), a variant on top, then the example .config again', async () => {
    await wb.openFile('slab.h');
    const status = () => wb.statusBarText('memdesc-layout.memdesc-layout.memdesc.status');
    await wb.commandPick('memdesc: Select Kernel Config', 'Automatic');
    await waitFor('the tree\'s own config in the status bar', async () => /x86_64 · \.config \(tree\) · .*46/.test(await status()));
    await wb.commandPick('memdesc: Select Kernel Config', 'no-memcg');
    await waitFor('the tree\'s config + no-memcg in the status bar', async () => /\.config \(tree\) \+ no-memcg · .*43/.test(await status()));
    await wb.commandPick('memdesc: Select Kernel Config', 'No variant');
    await wb.commandPick('memdesc: Select Kernel Config', 'linux/.config');
    await waitFor('the example .config again', async () => /x86_64 · linux\/\.config · .*46/.test(await status()));
    const settings = fs.readFileSync(path.join(ws, '.vscode/settings.json'), 'utf8');
    assert.match(settings, /"memdesc\.config": "linux\/\.config"/);
  });

  step('the failing assertion: a squiggle and the Problems panel', async () => {
    await wb.openFile('balloon.memdesc');
    await waitFor('an error squiggle', () => page.locator('.editor-instance .squiggly-error').first().isVisible());
    await page.keyboard.press('Escape');
    await page.keyboard.press('Control+Shift+M');
    const row = page.locator('.markers-panel .monaco-list-row', { hasText: 'BALLOON_MATCH(_refcount, __page_refcount) fails on x86_64' }).first();
    await waitFor('the failure in the Problems panel', () => row.isVisible());
    assert.match((await row.innerText()) ?? '', /offsetof\(struct page, _refcount\) is 52 but offsetof\(struct balloondesc, __page_refcount\) is 56/);
    assert.match(await wb.statusBarText('memdesc-layout.memdesc-layout.memdesc.status'), /1 failing/);
    await shoot('problems.png');
    await wb.runCommand('View: Toggle Panel Visibility');
  });

  step('Open Layout Diagram: every column and block, reported back and on screen (light theme)', async () => {
    await wb.runCommand('View: Toggle Primary Side Bar Visibility');
    await wb.runCommand('memdesc: Open Layout Diagram');
    const r = await rendered('the balloon sketch', (x) => x.document.endsWith('/mm/balloon.memdesc') && x.arch === 'x86_64');
    assert.deepEqual(r.columns.map((c) => c.struct), ['page', 'folio', 'ptdesc', 'slab', 'zpdesc', 'netmem_desc', 'balloondesc']);
    assert.equal(r.wordSize, 8);
    assert.equal(r.theme, 'light');
    assert.deepEqual(r.columns.map((c) => c.pages), [3, 3, 1, 1, 1, 1, 1]);
    const freelist = block(r, 'slab', 'freelist');
    assert.ok(freelist && freelist.offset === 32 && freelist.size === 8, JSON.stringify(freelist));
    // Bitfields as partial blocks: inuse is 16 bits, a quarter of a word, at bit 320.
    const inuse = block(r, 'slab', 'inuse');
    assert.ok(inuse && inuse.bitOffset === 320 && inuse.bitSize === 16 && inuse.h < freelist.h / 2, JSON.stringify(inuse));
    // Union arms side by side: page.lru and page.pp_magic share a row at different x.
    const lru = block(r, 'page', 'lru')!;
    const ppMagic = block(r, 'page', 'pp_magic')!;
    assert.ok(lru.y === ppMagic.y && lru.x !== ppMagic.x);
    // The folio's second page is drawn one page further down, beside the second copy of struct page.
    const flags1 = block(r, 'folio', '_flags_1', 1)!;
    const pageFlags1 = block(r, 'page', 'flags', 1)!;
    assert.equal(flags1.y, pageFlags1.y);
    // The failing assertion outlines both members it compares.
    assert.equal(block(r, 'balloondesc', '__page_refcount')?.outline, 'error');
    assert.equal(block(r, 'page', '_refcount')?.outline, 'error');
    assert.equal(block(r, 'slab', '__page_refcount')?.outline, undefined);
    // The DOM agrees with the report.
    const frame = await wb.webviewFrame();
    const shown = await waitFor('the blocks in the webview DOM', async () => {
      const n = await frame.locator('g.block').count();
      return n > 0 ? n : undefined;
    });
    assert.equal(shown, r.blocks.filter((b) => b.kind === 'member').length);
    await errorOutlineStandsOut();
    await shootDiagram('diagram-light.png');
  });

  step('hovering a block lights up every block that shares its bytes', async () => {
    await wb.clickTab(1, 'Layout');
    await wb.runCommand('View: Toggle Maximize Editor Group');
    try {
      const frame = await wb.webviewFrame();
      const freelist = frame.locator('g.block[aria-label^="slab.freelist,"]').first();
      await freelist.scrollIntoViewIfNeeded();
      await freelist.hover();
      const tip = frame.locator('#tooltip');
      await waitFor('the diagram tooltip', async () => (await tip.isVisible()) && /page\.__folio_index @32 — same bytes/.test(await tip.innerText()));
      const lit = await frame.locator('g.block.lit').evaluateAll((els) => els.map((e) => e.getAttribute('aria-label')?.split(',')[0]));
      for (const m of ['page.__folio_index', 'page.share', 'page.dma_addr', 'folio.index', 'ptdesc.pt_index', 'zpdesc.next', 'netmem_desc.dma_addr', 'balloondesc.inflated_at']) assert.ok(lit.includes(m), `${m} lit: ${lit.join(' ')}`);
      assert.ok(!lit.includes('page.flags'));
      await page.locator('iframe.webview.ready').first().screenshot({ path: path.join(artifacts, 'diagram-hover.png') });
    } finally {
      await page.mouse.move(10, 700);
      await wb.runCommand('View: Toggle Maximize Editor Group');
    }
  });

  step('export the diagram as SVG and PNG', async () => {
    const svg = (await exportVia('SVG', path.join(tmp, 'layout.svg'))).toString('utf8');
    assert.match(svg, /^<\?xml[^>]*>\s*<svg /);
    assert.match(svg, /struct balloondesc/);
    // Standalone: the theme's colours are inlined, no CSS variable is left to resolve.
    assert.doesNotMatch(svg, /var\(--vscode/);
    const png = await exportVia('PNG', path.join(tmp, 'layout.png'));
    assert.equal(png.subarray(0, 8).toString('hex'), '89504e470d0a1a0a');
    const s = await imageStats(png);
    assert.ok(s.colours >= 12 && s.busy > 0.15, `the exported PNG looks blank: ${s.colours} colours`);
  });

  /** In every theme the failing pair keeps an outline of its own colour (no theme rule may paint over it). */
  async function errorOutlineStandsOut(): Promise<void> {
    const frame = await wb.webviewFrame();
    const [error, plain] = await frame.evaluate(() => {
      const { document, getComputedStyle } = globalThis as BrowserGlobals;
      const stroke = (sel: string) => getComputedStyle(document.querySelector(sel)).stroke as string;
      return [stroke('g.block.error rect'), stroke('g.block:not(.error):not(.warning):not(.lit):not(.hot):not(.cursor) rect')];
    });
    assert.notEqual(error, plain, `the error outline (${error}) differs from a block's border (${plain})`);
  }

  step('dark and high-contrast themes: the diagram follows the theme', async () => {
    await setTheme('Dark Modern', 'dark');
    await errorOutlineStandsOut();
    await shootDiagram('diagram-dark.png');
    await setTheme('Dark High Contrast', 'high-contrast');
    await errorOutlineStandsOut();
    await shootDiagram('diagram-high-contrast.png');
    await setTheme('Dark Modern', 'dark');
  });

  step('switch the ABI to i386: offsets change in the diagram, the status bar and the hover', async () => {
    await wb.commandPick('memdesc: Select ABI', 'i386');
    const r = await rendered('i386', (x) => x.arch === 'i386');
    assert.equal(r.wordSize, 4);
    assert.equal(block(r, 'slab', 'freelist')?.offset, 16);
    assert.equal(block(r, 'page', '_refcount')?.offset, 28);
    await waitFor('the status bar on i386', async () => (await wb.statusBarText('memdesc-layout.memdesc-layout.memdesc.status')).includes('memdesc: i386'));
    await wb.focusGroup(0);
    await wb.openFile('slab.h');
    await wb.hover('freelist', ['slab.freelist', 'offset 16', 'i386']);
    // The inlay hints of an open header follow the ABI too (the server asks the editor to refresh them).
    await waitFor('the i386 inlay hint on freelist', async () => /freelist\s*\/\* 16 4 \*\//.test(await wb.editorText()));
  });

  step('click a block: the editor lands on its declaration, and the cursor highlights it back', async () => {
    const frame = await wb.webviewFrame();
    const target = frame.locator('g.block[aria-label^="zpdesc.zspage,"]').first();
    const line = lineOf(path.join(ws, 'linux/mm/zpdesc.h'), 'struct zspage *zspage;');
    await actUntil('zpdesc.h at the declaration', async () => {
      await target.scrollIntoViewIfNeeded({ timeout: 5000 });
      await target.click({ timeout: 5000 });
    }, async () => (await page.locator('.tab.active[aria-label^="zpdesc.h"]').first().isVisible()) && (await wb.statusBarText('status.editor.selection')).includes(`Ln ${line},`));
    await waitFor('the diagram to mark the member at the cursor', async () => (await frame.locator('g.block.cursor[aria-label^="zpdesc.zspage,"]').count()) > 0);
    // Keyboard: Enter on a focused block reveals it too.
    const slab = frame.locator('g.block[aria-label^="slab.slab_cache,"]').first();
    const slabLine = lineOf(path.join(ws, 'linux/mm/slab.h'), 'struct list_head slab_list;');
    await actUntil('slab.h at slab_list', async () => {
      await slab.focus({ timeout: 5000 });
      await page.keyboard.press('ArrowDown');
      const focused = await frame.evaluate(() => (globalThis as BrowserGlobals).document.activeElement?.getAttribute('aria-label')?.split(',')[0] as string | undefined);
      assert.equal(focused, 'slab.slab_list');
      await page.keyboard.press('Enter');
    }, async () => (await page.locator('.tab.active[aria-label^="slab.h"]').first().isVisible()) && (await wb.statusBarText('status.editor.selection')).includes(`Ln ${slabLine},`));
  });

  step('live: an edit that fixes the sketch re-renders the diagram, keeping its scroll position', async () => {
    await wb.commandPick('memdesc: Select ABI', 'x86_64');
    // Its tab in the first group (quick open may pick the diagram's group, hiding the diagram).
    await wb.clickTab(0, 'balloon.memdesc');
    await rendered('the sketch on x86_64', (x) => x.arch === 'x86_64' && x.document.endsWith('/mm/balloon.memdesc'));
    const frame = await wb.webviewFrame();
    // The cursor onto the member first: the diagram marks it (and may scroll to it); then scroll, then type.
    await wb.clickLine(0, 'unsigned long __page_type');
    await waitFor('the cursor mark on balloondesc.__page_type', async () => (await frame.locator('g.block.cursor[aria-label^="balloondesc.__page_type,"]').count()) > 0);
    const scrolled = await frame.evaluate(() => {
      const d = (globalThis as BrowserGlobals).document.getElementById('diagram');
      d.scrollTop = Math.floor((d.scrollHeight - d.clientHeight) / 2);
      d.scrollLeft = 200;
      return [d.scrollTop, d.scrollLeft] as number[];
    });
    assert.ok(scrolled[1] === 200, `the diagram scrolls sideways: ${scrolled}`);
    // (Lines are matched without their ';': the inlay hint sits between the name and it.)
    await wb.typeOverLine(0, 'unsigned int __page_type;');
    const r = await rendered('the fixed sketch', (x) => block(x, 'balloondesc', '__page_refcount')?.offset === 52);
    assert.equal(block(r, 'balloondesc', '__page_refcount')?.outline, undefined);
    const scroll = await frame.evaluate(() => {
      const d = (globalThis as BrowserGlobals).document.getElementById('diagram');
      return [d.scrollTop, d.scrollLeft] as number[];
    });
    assert.deepEqual(scroll, scrolled);
    await waitFor('the squiggle to go', async () => (await page.locator('.editor-instance .squiggly-error').count()) === 0);
    await wb.replaceLine(0, 'unsigned int __page_type', 'unsigned long __page_type;');
    await rendered('the failure again', (x) => block(x, 'balloondesc', '__page_refcount')?.outline === 'error');
    await waitFor('the squiggle again', () => page.locator('.editor-instance .squiggly-error').first().isVisible());
  });

  step('the panel is restored after a window reload', async () => {
    const shown = report();
    assert.ok(shown);
    fs.rmSync(reportFile, { force: true });
    // A mark in the page tells whether the reload happened (a palette run can be lost on a loaded machine).
    await page.evaluate(() => ((globalThis as { memdescBeforeReload?: boolean }).memdescBeforeReload = true));
    let asked = 0;
    await waitFor('the window to reload', async () => {
      let marked: boolean;
      try {
        marked = await page.evaluate(() => (globalThis as { memdescBeforeReload?: boolean }).memdescBeforeReload === true);
      } catch {
        return false; // navigating
      }
      if (!marked) return true;
      if (Date.now() - asked > 15_000) {
        asked = Date.now();
        await wb.runCommand('Developer: Reload Window');
      }
      return false;
    }, 2 * DEADLINE_MS);
    await wb.ready();
    const r = await rendered('the restored panel', (x) => x.document === shown.document, 60_000);
    assert.deepEqual(r.columns.map((c) => c.struct), shown.columns.map((c) => c.struct));
    await waitFor('the memdesc status bar item after the reload', async () => /memdesc: x86_64/.test(await wb.statusBarText('memdesc-layout.memdesc-layout.memdesc.status')));
  });
});
