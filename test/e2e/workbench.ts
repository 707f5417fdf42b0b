// Driving a real VS Code (code-server) workbench from playwright-core: quick open, the command palette, hovers,
// the status bar and the layout webview's frame. Every wait has a deadline and retries; none asserts on time.

import * as fs from 'node:fs';
import type { Frame, FrameLocator, Locator, Page } from 'playwright-core';
import type { RenderReport } from '../../shared/webview';

export const DEADLINE_MS = 30_000;

export const CHROMIUM = process.env.MEMDESC_CHROMIUM || '/usr/bin/chromium';
export const CHROMIUM_ARGS = ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage'];

/** The user settings of a test's code-server: a quiet, predictable workbench. */
export const USER_SETTINGS = {
  'workbench.colorTheme': 'Default Light Modern',
  'workbench.startupEditor': 'none',
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.tips.enabled': false,
  'chat.disableAIFeatures': true,
  'git.openRepositoryInParentFolders': 'never',
  'git.enabled': false,
  'extensions.ignoreRecommendations': true,
  'extensions.autoCheckUpdates': false,
  'telemetry.telemetryLevel': 'off',
  'editor.minimap.enabled': false,
  'editor.hover.delay': 200,
  'files.autoSave': 'off',
  'editor.quickSuggestions': { other: false, comments: false, strings: false },
  'editor.suggestOnTriggerCharacters': false,
  'editor.wordBasedSuggestions': 'off',
  'window.restoreWindows': 'all',
};

/** Polls `probe` until it returns a value (not undefined/false), or fails after the deadline saying what it waited for. */
export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = DEADLINE_MS, everyMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v as T;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${last ? ` (last error: ${last instanceof Error ? last.message : String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/** Does `act` and polls `done`, doing `act` again every `retryMs` until `done` holds (a click on a webview that
 *  re-renders under the pointer, or a key press before focus settles, can be lost; the deadline still bounds it). */
export async function actUntil(what: string, act: () => Promise<unknown>, done: () => Promise<boolean>, retryMs = 4000, timeoutMs = DEADLINE_MS): Promise<void> {
  let acted = 0;
  await waitFor(what, async () => {
    if (Date.now() - acted >= retryMs) {
      acted = Date.now();
      await act();
    }
    return done();
  }, timeoutMs);
}

/** A quick pick row's accessible label (`"beaker  memcg, description"`, `"slab.h linux/mm"`) starts with this label. */
function matchesLabel(aria: string, label: string): boolean {
  const l = aria.replace(/^[a-z0-9-]+ {2}/, '');
  return l === label || l.startsWith(`${label},`) || l.startsWith(`${label} `);
}

/** The index of the matching row once the list has stopped changing (it filters as results arrive). */
async function stableIndex(rows: Locator, matches: (label: string) => boolean): Promise<number | undefined> {
  const labels = () => rows.evaluateAll((els) => els.map((e) => e.getAttribute('aria-label') ?? ''));
  let before = await labels();
  for (let i = 0; i < 20; i++) {
    await new Promise((r) => setTimeout(r, 150));
    const now = await labels();
    if (now.join('\n') === before.join('\n')) {
      const at = now.findIndex(matches);
      return at < 0 ? undefined : at;
    }
    before = now;
  }
  return undefined;
}

/**
 * The diagram's render reports, written by the webview to the file `file()` names (set once the test has its
 * folders): the latest one, and a wait for one that satisfies `ok`.
 */
export class DiagramReports {
  constructor(private readonly file: () => string) {}

  latest(): RenderReport | undefined {
    try {
      return JSON.parse(fs.readFileSync(this.file(), 'utf8')) as RenderReport;
    } catch {
      return undefined;
    }
  }

  rendered(what: string, ok: (r: RenderReport) => boolean, timeoutMs = DEADLINE_MS): Promise<RenderReport> {
    return waitFor(`the diagram to report ${what}`, () => {
      const r = this.latest();
      return r && ok(r) ? r : undefined;
    }, timeoutMs);
  }
}

/** A member's block on a page of the diagram. */
export function memberBlock(r: RenderReport, struct: string, name: string, page = 0) {
  return r.blocks.find((b) => b.struct === struct && b.name === name && b.page === page && b.kind === 'member');
}

export class Workbench {
  constructor(readonly page: Page) {}

  async ready(): Promise<void> {
    await this.page.waitForSelector('.monaco-workbench', { timeout: 90_000 });
    // The status bar appears once the window has restored its editors and extensions started.
    await waitFor('the status bar', () => this.page.locator('#workbench\\.parts\\.statusbar').isVisible(), 60_000);
  }

  /** Opens a quick input, types, and accepts the row whose label starts with `row` (the list may still be filtering). */
  private async quickInput(open: () => Promise<void>, text: string, row: string | RegExp): Promise<void> {
    const matches = (label: string) => (typeof row === 'string' ? matchesLabel(label, row) : row.test(label));
    await waitFor(`the quick input to offer ${String(row)}`, async () => {
      await this.page.keyboard.press('Escape');
      await open();
      const input = this.page.locator('.quick-input-widget input.input');
      await input.waitFor({ state: 'visible', timeout: 5000 });
      await input.fill(text, { timeout: 5000 });
      const rows = this.page.locator('.quick-input-list .monaco-list-row:visible');
      await rows.first().waitFor({ state: 'visible', timeout: 5000 });
      const i = await stableIndex(rows, matches);
      if (i === undefined) return false;
      await rows.nth(i).click({ timeout: 5000 });
      return true;
    });
  }

  /** Ctrl+P: opens a file by name, and waits for its tab to be the active one. */
  async openFile(name: string): Promise<void> {
    await this.quickInput(() => this.page.keyboard.press('Control+P'), name, name);
    await waitFor(`the tab of ${name}`, () => this.page.locator(`.tab.active[aria-label^="${name}"]`).first().isVisible());
  }

  /** F1: runs a command by its palette title. */
  async runCommand(title: string): Promise<void> {
    // The palette's input starts with '>' (without it, it searches files).
    await this.quickInput(() => this.page.keyboard.press('F1'), `>${title}`, title);
  }

  /** Picks the item of the open quick pick whose label starts with `label` (a leading $(icon) is ignored). */
  async pick(label: string, timeoutMs = DEADLINE_MS): Promise<void> {
    const rows = this.page.locator('.quick-input-list .monaco-list-row:visible');
    await waitFor(`a quick pick item ${label}`, async () => {
      const i = await stableIndex(rows, (l) => matchesLabel(l, label));
      if (i === undefined) return false;
      await rows.nth(i).click({ timeout: 5000 });
      return true;
    }, timeoutMs);
  }

  /**
   * Runs a command that opens a quick pick and accepts `label` in it. When the pick does not offer it soon, the
   * command is run again (on a loaded machine a palette run can end before the extension's pick opens).
   */
  async commandPick(title: string, label: string): Promise<void> {
    await waitFor(`${title}, then ${label}`, async () => {
      await this.runCommand(title);
      await this.pick(label, 8000);
      return true;
    }, 2 * DEADLINE_MS);
  }

  async statusBarText(id: string): Promise<string> {
    return (await this.page.locator(`[id="${id}"]`).first().textContent({ timeout: 5000 })) ?? '';
  }

  /**
   * Hovers a token of the active editor until a hover containing every needle shows (the first can race the server).
   * With `line`, the token on the first line containing that text (a macro's name is also on its #define's line).
   */
  async hover(token: string, needles: string[], line?: string): Promise<string> {
    return waitFor(`a hover on ${token}${line ? ` in ${line}` : ''} showing ${needles.join(', ')}`, async () => {
      await this.page.mouse.move(5, 5);
      await this.page.keyboard.press('Escape');
      const lines = line ? this.page.locator('.editor-instance .view-line', { hasText: line }).first() : this.page.locator('.editor-instance .view-line');
      const span = lines.locator('span', { hasText: new RegExp(`^${token}$`) }).first();
      await span.scrollIntoViewIfNeeded({ timeout: 5000 });
      await span.hover({ timeout: 5000 });
      const hover = this.page.locator('.monaco-hover:not(.hidden)', { hasText: needles[0] }).first();
      await hover.waitFor({ state: 'visible', timeout: 4000 });
      const text = (await hover.innerText()) ?? '';
      return needles.every((n) => text.includes(n)) ? text : undefined;
    });
  }

  /** Clicks the tab of an open editor in the nth editor group (0-based) and waits for it to be active there. */
  async clickTab(group: number, name: string): Promise<void> {
    const g = this.page.locator('.editor-group-container').nth(group);
    await waitFor(`${name} active in editor group ${group}`, async () => {
      await g.locator(`.tab[aria-label^="${name}"]`).first().click({ timeout: 5000 });
      return (await g.getAttribute('class'))?.includes('active') && (await g.locator(`.tab.active[aria-label^="${name}"]`).count()) > 0;
    });
  }

  /** Clicks into the text of the nth editor group (0-based), so that what opens next opens there. */
  async focusGroup(n: number): Promise<void> {
    const lines = this.page.locator('.editor-group-container').nth(n).locator('.monaco-editor .view-lines').first();
    await lines.waitFor({ state: 'visible', timeout: DEADLINE_MS });
    const box = await lines.boundingBox();
    if (!box) throw new Error(`editor group ${n} has no text on screen`);
    await this.page.mouse.click(box.x + Math.min(200, box.width / 2), box.y + 10);
  }

  /** The text of the active editor's visible lines, inlay hints included, with Monaco's non-breaking spaces as spaces. */
  async editorText(group?: number): Promise<string> {
    const g = group === undefined ? this.page.locator('.editor-group-container.active') : this.page.locator('.editor-group-container').nth(group);
    const t = await g.locator('.editor-instance .view-lines').first().innerText({ timeout: 5000 });
    return t.replace(/\u00a0/g, ' ');
  }

  /** Replaces the text of the line of the nth editor group's editor that contains `containing` (indentation kept) by typing. */
  async replaceLine(group: number, containing: string, text: string): Promise<void> {
    await this.clickLine(group, containing);
    await this.typeOverLine(group, text);
  }

  /** Puts the cursor on the line of the nth editor group's editor that contains `containing`. */
  async clickLine(group: number, containing: string): Promise<void> {
    const line = this.page.locator('.editor-group-container').nth(group).locator('.editor-instance .view-line', { hasText: containing }).first();
    await line.waitFor({ state: 'visible', timeout: DEADLINE_MS });
    await line.click({ timeout: 5000 });
  }

  /** Replaces the cursor's line (indentation kept) by typing `text`. */
  async typeOverLine(group: number, text: string): Promise<void> {
    await this.page.keyboard.press('End');
    await this.page.keyboard.press('Shift+Home');
    // One input event, like a paste: no suggestion widget can take keystrokes halfway.
    await this.page.keyboard.insertText(text);
    const typed = text.replace(/;$/, '');
    await waitFor(`the line to read ${text}`, async () => (await this.editorText(group)).includes(typed));
  }

  /** The layout webview's inner frame (VS Code nests the content in pre/fake.html inside pre/index.html). */
  webview(): FrameLocator {
    return this.page.frameLocator('iframe.webview.ready').frameLocator('iframe#active-frame');
  }

  async webviewFrame(): Promise<Frame> {
    return waitFor('the layout webview frame', () => this.page.frames().find((f) => f.url().includes('/webview/browser/pre/fake.html') && !f.isDetached()));
  }
}
