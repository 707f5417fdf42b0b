// One code-server with the packaged .vsix installed, a Chromium page on it and the workbench driver: what each
// end-to-end suite starts in `before` and stops in `after`. Stopping kills every code-server process (and says
// so in an assertion), pass or fail, and keeps the logs that explain a failure.

import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { Browser, chromium, Locator, Page } from 'playwright-core';
import { CHROMIUM, CHROMIUM_ARGS, DiagramReports, USER_SETTINGS, waitFor, Workbench } from './workbench';

type CodeServerModule = typeof import('../../scripts/code-server.mjs', { with: { 'resolution-mode': 'import' } });
type PackageModule = typeof import('../../scripts/package.mjs', { with: { 'resolution-mode': 'import' } });
type CodeServer = Awaited<ReturnType<CodeServerModule['startCodeServer']>>;
type InstanceDirs = ReturnType<CodeServerModule['instanceDirs']>;

const root = path.resolve(__dirname, '../../..');
const log = (s: string) => console.error(`# ${s}`);

export interface SessionOptions {
  /** Where screenshots and, after a failure, the logs go (emptied at start). */
  artifacts: string;
  /** The prefix of the session's temporary folder. */
  tmpPrefix: string;
  /** Makes the folder to open, given the session's temporary folder. */
  workspace: (tmp: string) => string;
}

export class CodeServerSession {
  /** Set when a step failed: the logs are kept at stop. */
  failed = false;
  server: CodeServer | undefined;
  browser: Browser | undefined;
  page!: Page;
  wb!: Workbench;
  /** The user settings file of this instance. */
  readonly userSettings: string;
  /** Where the extension writes the diagram's render reports (MEMDESC_LAYOUT_REPORT). */
  readonly reportFile: string;
  /** The diagram's render reports. */
  readonly reports: DiagramReports;

  private constructor(
    readonly opts: SessionOptions,
    readonly tmp: string,
    readonly dirs: InstanceDirs,
  ) {
    this.userSettings = path.join(dirs.userData, 'User', 'settings.json');
    this.reportFile = path.join(tmp, 'layout-report.json');
    this.reports = new DiagramReports(() => this.reportFile);
  }

  /** Installs code-server if need be, packages the .vsix, and opens the workspace in Chromium. */
  static async start(opts: SessionOptions): Promise<CodeServerSession> {
    fs.rmSync(opts.artifacts, { recursive: true, force: true });
    fs.mkdirSync(opts.artifacts, { recursive: true });
    if (!fs.existsSync(CHROMIUM)) throw new Error(`Chromium not found at ${CHROMIUM}. The end-to-end tests drive a real browser: apt-get install chromium (or set MEMDESC_CHROMIUM to a Chromium binary).`);
    const cs: CodeServerModule = await import(pathToFileURL(path.join(root, 'scripts/code-server.mjs')).href);
    const pkg: PackageModule = await import(pathToFileURL(path.join(root, 'scripts/package.mjs')).href);
    let code;
    try {
      code = await cs.ensureCodeServer({ log });
    } catch (e) {
      throw new Error(`code-server is not installed and could not be installed (${e instanceof Error ? e.message : String(e)}). Run .ci/run, or node scripts/code-server.mjs (needs the npm registry and apt-get install libkrb5-dev).`);
    }
    const vsix = pkg.packageVsix({ quiet: true });
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), opts.tmpPrefix));
    const s = new CodeServerSession(opts, tmp, cs.instanceDirs(path.join(tmp, 'code-server')));
    try {
      const folder = opts.workspace(tmp);
      fs.mkdirSync(path.dirname(s.userSettings), { recursive: true });
      fs.writeFileSync(s.userSettings, JSON.stringify(USER_SETTINGS, null, 2));
      cs.installExtension(code, s.dirs, vsix);
      s.server = await cs.startCodeServer(code, s.dirs, { folder, env: { MEMDESC_LAYOUT_REPORT: s.reportFile }, log });
      s.browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
      s.page = await s.browser.newPage({ viewport: { width: 1920, height: 1200 } });
      s.wb = new Workbench(s.page);
      await s.page.goto(s.server.url);
      await s.wb.ready();
    } catch (e) {
      s.failed = true;
      await s.stop();
      throw e;
    }
    return s;
  }

  /** Runs test step `name`: on failure, a screenshot named after it, and the logs kept at stop. */
  async run(name: string, f: () => Promise<void>): Promise<void> {
    try {
      await f();
    } catch (e) {
      this.failed = true;
      await this.page?.screenshot({ path: path.join(this.opts.artifacts, `failed-${name.replace(/\W+/g, '-').slice(0, 60)}.png`) }).catch(() => undefined);
      throw e;
    }
  }

  /** The diagram's panel maximised (its editor group), `shoot` given its frame once drawn, and the group restored. */
  async maximisedDiagram<T>(shoot: (frame: Locator) => Promise<T>): Promise<T> {
    await this.wb.clickTab(1, 'Layout');
    await this.wb.runCommand('View: Toggle Maximize Editor Group');
    try {
      await this.page.mouse.move(10, 700);
      const frame = this.page.locator('iframe.webview.ready').first();
      await waitFor('the maximised panel', async () => ((await frame.boundingBox())?.width ?? 0) > 1500);
      await this.reports.rendered('the maximised panel drawn', () => true);
      return await shoot(frame);
    } finally {
      await this.wb.runCommand('View: Toggle Maximize Editor Group');
    }
  }

  /** The extension host's log lines that contain `needle`, from every log file of this instance. */
  extensionLog(needle: string): string[] {
    const found: string[] = [];
    const walk = (d: string) => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else if (e.name === 'memdesc-layout.log') found.push(...fs.readFileSync(p, 'utf8').split('\n').filter((l) => l.includes(needle)));
      }
    };
    const logs = path.join(this.dirs.userData, 'logs');
    if (fs.existsSync(logs)) walk(logs);
    return found;
  }

  /** Closes the browser and kills every code-server process; after a failure the logs go to the artifacts. */
  async stop(): Promise<void> {
    try {
      await this.browser?.close();
    } finally {
      const left = this.server ? await this.server.stop() : [];
      if (this.failed) {
        const logs = path.join(this.opts.artifacts, 'logs');
        fs.rmSync(logs, { recursive: true, force: true });
        if (fs.existsSync(path.join(this.dirs.userData, 'logs'))) fs.cpSync(path.join(this.dirs.userData, 'logs'), logs, { recursive: true, force: true });
        if (this.server) {
          fs.mkdirSync(logs, { recursive: true });
          fs.copyFileSync(this.server.logFile, path.join(logs, 'code-server.log'));
        }
      }
      if (fs.existsSync(this.reportFile)) fs.copyFileSync(this.reportFile, path.join(this.opts.artifacts, 'layout-report.json'));
      fs.rmSync(this.tmp, { recursive: true, force: true });
      assert.deepEqual(left, [], 'every code-server process is gone');
    }
  }
}
