/**
 * End-to-end harness: a real VS Code workbench (code-server, set up offline by
 * scripts/setup-code-server.sh) with the packed .vsix installed, a copy of an example
 * project as the workspace, and Debian's chromium driven by playwright-core.
 * Everything is asserted through the UI, as a user would see it.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Browser, type Locator, type Page } from 'playwright-core';

export const REPO = path.resolve(__dirname, '..', '..', '..');
const manifest = JSON.parse(fs.readFileSync(path.join(REPO, 'package.json'), 'utf8')) as { name: string; displayName: string; publisher: string; version: string };
export const EXTENSION_ID = `${manifest.publisher}.${manifest.name}`;
export const CHROMIUM = process.env.E2E_CHROMIUM ?? '/usr/bin/chromium';
export const SCREENSHOTS = path.join(REPO, 'docs');
export const FAILURE_SCREENSHOTS = path.join(os.tmpdir(), 'database-migration-e2e-failures');

/** Runs the idempotent setup script (reuses its cache) and returns the code-server package folder. */
export function codeServerDir(): string {
  const out = execFileSync('bash', [path.join(REPO, 'scripts', 'setup-code-server.sh')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  const dir = out.trim().split('\n').pop()!;
  if (!fs.existsSync(path.join(dir, 'out', 'node', 'entry.js'))) throw new Error(`code-server is not set up in ${dir}`);
  return dir;
}

export function vsixPath(): string {
  const file = process.env.E2E_VSIX ?? path.join(REPO, `${manifest.name}-${manifest.version}.vsix`);
  if (!fs.existsSync(file)) throw new Error(`${file} not found: run "npm run package" first`);
  return file;
}

/** Unpacks the .vsix the way VS Code installs it: extension/ → <extensions>/<publisher>.<name>-<version>/. */
export function installVsix(vsix: string, extensionsDir: string): string {
  const target = path.join(extensionsDir, `${EXTENSION_ID}-${manifest.version}`);
  const unpack = fs.mkdtempSync(path.join(extensionsDir, '.unpack-'));
  execFileSync('python3', ['-c', 'import sys, zipfile; zipfile.ZipFile(sys.argv[1]).extractall(sys.argv[2])', vsix, unpack]);
  fs.renameSync(path.join(unpack, 'extension'), target);
  fs.rmSync(unpack, { recursive: true, force: true });
  return target;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo;
      srv.close(() => resolve(port));
    });
  });
}

function httpOk(url: string): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get(url, (res) => { res.resume(); resolve((res.statusCode ?? 500) < 400); });
    req.on('error', () => resolve(false));
    req.setTimeout(2000, () => { req.destroy(); resolve(false); });
  });
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 30000, everyMs = 200): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await probe();
      if (v !== undefined && v !== false) return v;
    } catch (err) { last = err; }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

export interface WorkbenchOptions {
  /** Example project copied as the workspace (default examples/nasa-portal). */
  example?: string;
  /** Extra user settings. */
  settings?: Record<string, unknown>;
}

/** Milliseconds, measured in the page: action → editor shown, and editor shown → diagnostics (squiggle or count). */
export interface EditorTimes {
  editorShownMs: number;
  diagnosticsMs: number;
  /** Editor shown → the first squiggle change in it (null: no squiggle in view changed). */
  squiggleMs: number | null;
  /** Editor shown → the status bar's problem count changed. */
  countMs: number;
  /** Start → the text in view changed (a typed key echoed by the editor: VS Code's own latency), null if it did not. */
  textChangedMs: number | null;
}

export class Workbench {
  private constructor(
    readonly page: Page,
    private readonly browser: Browser,
    private readonly server: ChildProcess,
    readonly dir: string,
    readonly workspace: string,
    readonly userData: string,
    readonly url: string,
    /** Time from process start to the workbench DOM (ms). */
    readonly startupMs: number,
  ) {}

  static async start(options: WorkbenchOptions = {}): Promise<Workbench> {
    const cs = codeServerDir();
    const vsix = vsixPath();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dm-e2e-'));
    const userData = path.join(dir, 'user-data');
    const extensions = path.join(dir, 'extensions');
    const example = options.example ?? path.join(REPO, 'examples', 'nasa-portal');
    const workspace = path.join(dir, path.basename(example));
    fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
    fs.mkdirSync(extensions, { recursive: true });
    fs.cpSync(example, workspace, { recursive: true, filter: (src) => !/[\\/]\.migrations$/.test(src) });
    installVsix(vsix, extensions);
    fs.writeFileSync(path.join(userData, 'User', 'settings.json'), JSON.stringify({
      'workbench.startupEditor': 'none',
      // Saves happen when a test presses Ctrl+S, never on a delay: the schema problems appear on save.
      'files.autoSave': 'off',
      'workbench.tips.enabled': false,
      'workbench.enableExperiments': false,
      'workbench.welcomePage.walkthroughs.openOnInstall': false,
      'telemetry.telemetryLevel': 'off',
      'update.mode': 'none',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'extensions.ignoreRecommendations': true,
      'security.workspace.trust.enabled': false,
      'git.enabled': false,
      'editor.minimap.enabled': false,
      'window.commandCenter': false,
      'chat.commandCenter.enabled': false,
      ...options.settings,
    }, null, 2));
    fs.writeFileSync(path.join(dir, 'config.yaml'), 'auth: none\n');

    const port = await freePort();
    const log = fs.openSync(path.join(dir, 'code-server.log'), 'a');
    const started = Date.now();
    const server = spawn(process.execPath, [
      path.join(cs, 'out', 'node', 'entry.js'),
      '--config', path.join(dir, 'config.yaml'),
      '--auth', 'none',
      '--bind-addr', `127.0.0.1:${port}`,
      '--disable-telemetry', '--disable-update-check', '--disable-workspace-trust', '--disable-getting-started-override',
      '--user-data-dir', userData,
      '--extensions-dir', extensions,
      workspace,
    ], { detached: true, stdio: ['ignore', log, log], env: { ...process.env, VSCODE_PROXY_URI: '' } });
    fs.closeSync(log);
    const base = `http://127.0.0.1:${port}`;
    try {
      await waitFor('code-server to answer', async () => (server.exitCode === null ? httpOk(`${base}/healthz`) : Promise.reject(new Error(`code-server exited (${server.exitCode}); see ${dir}/code-server.log`))), 60000);
      const browser = await chromium.launch({
        executablePath: CHROMIUM,
        args: ['--no-sandbox', '--headless', '--disable-gpu', '--disable-background-networking', '--disable-component-update'],
      });
      const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
      const url = `${base}/?folder=${encodeURIComponent(workspace)}`;
      await page.goto(url);
      await page.locator('.monaco-workbench').waitFor({ timeout: 60000 });
      return new Workbench(page, browser, server, dir, workspace, userData, url, Date.now() - started);
    } catch (err) {
      stopProcessGroup(server);
      throw err;
    }
  }

  async close(keep = !!process.env.E2E_KEEP): Promise<void> {
    await this.browser.close().catch(() => undefined);
    stopProcessGroup(this.server);
    await new Promise((r) => setTimeout(r, 300));
    if (!keep) fs.rmSync(this.dir, { recursive: true, force: true });
    else console.log(`e2e: kept ${this.dir}`);
  }

  /** The code-server log and every extension host log, for failure messages. */
  logs(): string {
    const parts: string[] = [];
    const walk = (d: string): void => {
      if (!fs.existsSync(d)) return;
      for (const name of fs.readdirSync(d)) {
        const p = path.join(d, name);
        if (fs.statSync(p).isDirectory()) walk(p);
        else if (/exthost|remoteexthost|code-server\.log/.test(p)) parts.push(`--- ${p}\n${fs.readFileSync(p, 'utf8').slice(-4000)}`);
      }
    };
    walk(this.dir);
    return parts.join('\n');
  }

  /** Saves a PNG in docs/ (the README's screenshots) or, for failures, in another folder. */
  async screenshot(name: string, dir = SCREENSHOTS): Promise<string> {
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${name}.png`);
    await this.page.screenshot({ path: file });
    return file;
  }

  // ---------- workbench interactions ----------

  /** Opens the command palette and runs the command with this exact title (e.g. "Database Migration: Create Migration"). */
  async runCommand(title: string): Promise<void> {
    const input = await this.openQuickInput('F1');
    await input.fill(`>${title}`);
    const row = this.quickPickRow(title);
    await row.first().waitFor({ timeout: 15000 });
    await input.press('Enter');
  }

  private async openQuickInput(key: string): Promise<Locator> {
    // A webview (the status panel) keeps keys to itself: move focus back to the workbench first.
    const sidebarTitle = this.page.locator('.part.sidebar .composite.title .title-label');
    if (await sidebarTitle.isVisible()) await sidebarTitle.click();
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press(key);
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    return input;
  }

  quickPickRow(label: string): Locator {
    return this.page.locator('.quick-input-widget .quick-input-list .monaco-list-row').filter({ hasText: label });
  }

  /** Waits for the open quick pick to offer `label`, then picks it. */
  async pick(label: string): Promise<void> {
    const row = this.quickPickRow(label).first();
    await row.waitFor({ timeout: 15000 });
    await row.click();
  }

  /** Types into the open input box and accepts it. */
  async answerInput(text: string): Promise<void> {
    const input = this.page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 15000 });
    await input.fill(text);
    await input.press('Enter');
  }

  /** Quick Open a workspace file by name (F1 with the ">" removed: F1 works even when a webview has focus). */
  async openFile(name: string, beforeEnter?: () => void): Promise<void> {
    // Quick Open's file list is cached; a file written a moment ago may need the list to be asked again.
    for (let attempt = 1; ; attempt++) {
      const input = await this.openQuickInput('F1');
      await input.fill(name);
      try {
        await this.quickPickRow(name).first().waitFor({ timeout: 5000 });
        beforeEnter?.();
        await input.press('Enter');
        break;
      } catch (err) {
        if (attempt === 3) throw err;
      }
    }
    await this.page.locator('.tabs-container .tab.active').filter({ hasText: name }).first().waitFor({ timeout: 15000 });
  }

  /**
   * Starts watching the page (every 5 ms, in the page itself, so no round trip is timed) for the active editor to
   * show `name` and then for diagnostics to reach the user: a squiggle in that editor or, when none is in view, a
   * change of the status bar's problem count. Start it right before the action; await the result after it.
   */
  watchEditorDiagnostics(name: string, timeoutMs = 60000): Promise<EditorTimes> {
    return this.page.evaluate(({ name, timeoutMs }) => new Promise<EditorTimes>((resolve, reject) => {
      // Runs in the page (no DOM types here): the little of the DOM it uses.
      type El = { getAttribute(n: string): string | null; textContent: string | null };
      const document = (globalThis as unknown as { document: { querySelector(s: string): El | null; querySelectorAll(s: string): ArrayLike<El> & Iterable<El> } }).document;
      const t0 = performance.now();
      const count = (): string => document.querySelector('#status\\.problems a, #status\\.problems')?.getAttribute('aria-label') ?? '';
      const squiggles = (): number => document.querySelectorAll('.editor-group-container.active .monaco-editor .squiggly-error, .editor-group-container.active .monaco-editor .squiggly-warning').length;
      const shown = (): boolean => [...document.querySelectorAll('.editor-group-container.active .tabs-container .tab.active')].some((t) => (t.textContent ?? '').includes(name))
        && document.querySelectorAll('.editor-group-container.active .monaco-editor .view-lines .view-line').length > 0;
      const lines = (): string => document.querySelector('.editor-group-container.active .monaco-editor .view-lines')?.textContent ?? '';
      const lines0 = lines();
      let echoAt: number | undefined;
      const count0 = count();
      const squiggles0 = squiggles();
      let shownAt: number | undefined;
      let countAt: number | undefined;
      let squiggleAt: number | undefined;
      const tick = (): void => {
        const now = performance.now();
        if (echoAt === undefined && lines() !== lines0) echoAt = now;
        if (shownAt === undefined && shown()) shownAt = now;
        if (shownAt !== undefined) {
          if (countAt === undefined && count() !== count0) countAt = now;
          if (squiggleAt === undefined && squiggles() !== squiggles0) squiggleAt = now;
        }
        if (shownAt !== undefined && countAt !== undefined && (squiggleAt !== undefined || now - countAt > 500)) {
          resolve({ editorShownMs: shownAt - t0, diagnosticsMs: Math.min(countAt, squiggleAt ?? Infinity) - shownAt, squiggleMs: squiggleAt === undefined ? null : squiggleAt - shownAt, countMs: countAt - shownAt,
            textChangedMs: echoAt === undefined ? null : echoAt - t0 });
        } else if (now - t0 > timeoutMs) reject(new Error(`no diagnostics for ${name} within ${timeoutMs} ms (editor shown: ${shownAt !== undefined})`));
        else setTimeout(tick, 5);
      };
      tick();
    }), { name, timeoutMs });
  }

  /** Drags the sash at the side bar's right edge so tree labels and descriptions are not cut off (screenshots). */
  async widenSidebar(width: number): Promise<void> {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (!box || box.width >= width) return;
    const x = box.x + box.width, y = box.y + box.height / 2;
    await this.page.mouse.move(x - 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 5 });
    await this.page.mouse.up();
  }

  /** Texts of the rows in the Problems panel (opened if needed). */
  async problems(): Promise<string[]> {
    const panel = this.page.locator('.markers-panel');
    if (!(await panel.isVisible())) await this.runCommand('Problems: Focus on Problems View');
    await panel.waitFor({ timeout: 15000 });
    return this.page.locator('.markers-panel .monaco-list-row').allInnerTexts();
  }

  /** Errors and warnings counted in the status bar (what VS Code has received from all sources). */
  async problemCounts(): Promise<{ errors: number; warnings: number }> {
    const label = (await this.page.locator('#status\\.problems a, #status\\.problems').first().getAttribute('aria-label')) ?? '';
    const num = (re: RegExp): number => Number(re.exec(label)?.[1] ?? 0);
    return { errors: num(/Errors?:\s*(\d+)/i), warnings: num(/Warnings?:\s*(\d+)/i) };
  }

  /** Our extension's activation time as VS Code measured it (Developer: Show Running Extensions). */
  async activationTimeMs(): Promise<number> {
    await this.runCommand('Developer: Show Running Extensions');
    const row = this.page.locator('.runtime-extensions-editor .monaco-list-row').filter({ hasText: manifest.displayName });
    const text = await waitFor('an activation time in the Running Extensions row', async () => {
      const t = await row.first().innerText({ timeout: 2000 });
      return /Activation:\s*\d+\s*ms/i.test(t) ? t : undefined;
    }, 30000);
    await this.page.keyboard.press('Control+W');
    return Number(/Activation:\s*(\d+)\s*ms/i.exec(text)![1]);
  }

  /** With the cursor on a finding: Ctrl+. and run the quick fix with this title (by keyboard, as the menu wants). */
  async applyQuickFix(title: string): Promise<void> {
    await this.page.keyboard.press('Control+.');
    const rows = this.page.locator('.action-widget .monaco-list-row');
    await rows.filter({ hasText: title }).first().waitFor({ timeout: 15000 });
    for (let i = 0; i < 20; i++) {
      if ((await this.page.locator('.action-widget .monaco-list-row.focused').getAttribute('aria-label')) === title) {
        await this.page.keyboard.press('Enter');
        await this.page.locator('.action-widget').waitFor({ state: 'hidden', timeout: 10000 });
        return;
      }
      await this.page.keyboard.press('ArrowDown');
    }
    throw new Error(`quick fix "${title}" could not be selected; offered: ${(await rows.allInnerTexts()).join(' | ')}`);
  }
}

function stopProcessGroup(child: ChildProcess): void {
  if (child.pid === undefined || child.exitCode !== null) return;
  try { process.kill(-child.pid, 'SIGTERM'); } catch { /* already gone */ }
}
