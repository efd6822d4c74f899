/**
 * The status panel's page rendered by chromium at the widths issue 17 reports (~850 px) and narrower: no sideways
 * scrolling, the Message column inside the page, dates on one line. Needs chromium only (no code-server):
 * `npx mocha --no-config --timeout 60000 out/test/e2e/panel-layout.test.js`. Skipped when chromium is missing.
 */
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { renderPanelHtml } from '../../src/extension/model/status-panel-html';
import { busyFleetPanelData } from '../unit/helpers/fleet-panel-data';
import { busyPanelData } from '../unit/helpers/panel-data';
import { CHROMIUM } from './workbench';

interface Layout { scrollWidth: number; clientWidth: number; dateLines: number[]; messageRight: number; cutCells: number; cutWithoutTitle: number }

async function layoutAt(page: Page, width: number): Promise<Layout> {
  await page.setViewportSize({ width, height: 900 });
  // Runs in the page (this project compiles without DOM types, so the measurement is a string).
  return page.evaluate(MEASURE) as Promise<Layout>;
}

const MEASURE = `(() => {
  const doc = document.documentElement;
  // Lines of text in each date cell (one rect per line box; the row may be taller when a message wraps).
  const dates = [...document.querySelectorAll('td.date')].filter((td) => td.textContent).map((td) => { const r = document.createRange(); r.selectNodeContents(td); return r.getClientRects().length; });
  const messages = [...document.querySelectorAll('#history-log td:last-child')].map((td) => td.getBoundingClientRect().right);
  const clipped = [...document.querySelectorAll('td.clip')].filter((td) => td.scrollWidth > td.clientWidth);
  return {
    scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, dateLines: dates,
    messageRight: Math.max(...messages), cutCells: clipped.length, cutWithoutTitle: clipped.filter((td) => !td.getAttribute('title')).length,
  };
})()`;

/**
 * The panel's page in chromium as a webview shows it: acquireVsCodeApi (which exists only inside a webview) stubbed,
 * and the font variables VS Code gives webviews, plus `themeVars`.
 */
async function openPanel(html: string, themeVars: string): Promise<{ browser: Browser; page: Page }> {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--headless', '--disable-gpu'] });
  const page = await browser.newPage();
  await page.setContent(html
    .replace('<script nonce="n0nce">', '<script nonce="n0nce">window.acquireVsCodeApi = () => ({ postMessage() {} });')
    .replace('<html lang="en">', `<html lang="en" style="--vscode-font-size: 13px; --vscode-font-family: system-ui, sans-serif;${themeVars}">`));
  return { browser, page };
}

describe('status panel layout in chromium (issue 17)', function () {
  this.timeout(60000);
  let browser: Browser | undefined;
  let page: Page;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) this.skip();
    ({ browser, page } = await openPanel(renderPanelHtml(busyPanelData(), { nonce: 'n0nce', cspSource: 'vscode-webview://x' }), ''));
  });
  after(async () => { await browser?.close(); });

  for (const width of [850, 700, 1400]) {
    it(`at ${width} px: no sideways scroll, the Message column is inside the page, dates on one line, cut text has its title`, async () => {
      const l = await layoutAt(page, width);
      assert.ok(l.scrollWidth <= l.clientWidth, `the page scrolls sideways: ${l.scrollWidth} > ${l.clientWidth}`);
      assert.ok(l.messageRight <= l.clientWidth, `the Message column ends at ${l.messageRight} px, past ${l.clientWidth}`);
      assert.ok(l.dateLines.length > 0);
      for (const lines of l.dateLines) assert.equal(lines, 1, 'a date cell wraps');
      assert.equal(l.cutWithoutTitle, 0, 'every cut cell shows its whole text as a tooltip');
    });
  }
});

const MEASURE_FLEET = `(() => {
  const doc = document.documentElement;
  const table = document.getElementById('fleet-matrix');
  const rows = [...table.querySelectorAll('tbody tr')];
  const stateRight = Math.max(...rows.map((tr) => tr.lastElementChild.getBoundingClientRect().right));
  // A line's height (a glyph's text box), and each target's row in lines: the label, glyphs and state never wrap.
  const probe = document.createRange();
  probe.selectNodeContents(table.querySelector('td.cell.state-applied'));
  const line = probe.getBoundingClientRect().height;
  const rowLines = rows.map((tr) => Math.floor(tr.getBoundingClientRect().height / line));
  const clipped = [...table.querySelectorAll('.clip')].filter((c) => c.scrollWidth > c.clientWidth);
  const cells = [...table.querySelectorAll('td.cell')];
  return {
    scrollWidth: doc.scrollWidth, clientWidth: doc.clientWidth, stateRight, rowLines, columns: table.querySelectorAll('col.w-cell').length,
    cutWithoutTitle: clipped.filter((c) => !c.getAttribute('title')).length, cellsWithoutTitle: cells.filter((c) => !c.getAttribute('title')).length,
    colours: [...new Set(['state-applied', 'state-pending', 'state-dirty'].map((k) => getComputedStyle(table.querySelector('td.' + k)).color))].length,
  };
})()`;

describe('status panel fleet matrix layout in chromium (issue 19)', function () {
  this.timeout(60000);
  let browser: Browser | undefined;
  let page: Page;

  before(async function () {
    if (!fs.existsSync(CHROMIUM)) this.skip();
    // Theme colours as VS Code's dark theme gives them, so the state classes can be told apart.
    ({ browser, page } = await openPanel(renderPanelHtml(busyFleetPanelData(), { nonce: 'n0nce', cspSource: 'vscode-webview://x' }),
      ' --vscode-testing-iconPassed: #73c991; --vscode-editorWarning-foreground: #cca700; --vscode-errorForeground: #f48771;'));
  });
  after(async () => { await browser?.close(); });

  for (const width of [850, 700, 1400]) {
    it(`at ${width} px: 12 migration columns, no sideways scroll, the State column inside the page, one line per target`, async () => {
      await page.setViewportSize({ width, height: 900 });
      const l = await page.evaluate(MEASURE_FLEET) as { scrollWidth: number; clientWidth: number; stateRight: number; rowLines: number[]; columns: number; cutWithoutTitle: number; cellsWithoutTitle: number; colours: number };
      assert.equal(l.columns, 12);
      assert.ok(l.scrollWidth <= l.clientWidth, `the page scrolls sideways: ${l.scrollWidth} > ${l.clientWidth}`);
      assert.ok(l.stateRight <= l.clientWidth, `the State column ends at ${l.stateRight} px, past ${l.clientWidth}`);
      assert.deepEqual(l.rowLines, l.rowLines.map(() => 1), 'a target\'s row wraps');
      assert.equal(l.cutWithoutTitle, 0, 'every cut label shows its whole text as a tooltip');
      assert.equal(l.cellsWithoutTitle, 0, 'every cell has its tooltip');
      assert.equal(l.colours, 3, 'applied, pending and dirty cells have colours of their own');
    });
  }
});
