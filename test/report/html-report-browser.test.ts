import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import type { Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../support/run-cli.ts';
import { createFiveRunScenario } from '../support/five-run-scenario.ts';
import type { FiveRunScenario } from '../support/five-run-scenario.ts';

/**
 * The HTML report in a real headless browser: Debian's `chromium` (CI installs it when missing), driven by
 * playwright-core, which downloads no browser of its own. `CHROMIUM_PATH` names another binary.
 */
const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

let scenario: FiveRunScenario;
let browser: Browser;
let reportUrl: string;

beforeAll(async () => {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM}: apt-get install chromium (or set CHROMIUM_PATH)`);
  scenario = await createFiveRunScenario();
  const out = path.join(scenario.dir, 'report', 'savings.html');
  await mkdir(path.dirname(out), { recursive: true });
  const { code } = await runCli(['report', '--format', 'html', '--out', out, '--config', scenario.configFile]);
  expect(code).toBe(0);
  reportUrl = pathToFileURL(out).href;
  // As root (CI), Chromium's sandbox cannot start; the page is our own static file.
  browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await scenario?.cleanup();
});

async function open(colorScheme: 'light' | 'dark') {
  const context = await browser.newContext({ colorScheme, viewport: { width: 1400, height: 1000 }, offline: true });
  const page = await context.newPage();
  const problems: string[] = [];
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') problems.push(`${message.type()}: ${message.text()}`);
  });
  page.on('pageerror', (error) => problems.push(`pageerror: ${error.message}`));
  const requests: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  await page.goto(reportUrl);
  return { context, page, problems, requests };
}

describe('HTML savings report in headless Chromium', () => {
  it('renders the chart with one bar group per run, and logs no console errors', async () => {
    const { context, page, problems, requests } = await open('light');
    try {
      await expect(page.locator('svg.chart g.bar-group').count()).resolves.toBe(5);
      // Each group has a full-run bar and a this-run bar, and the chart has a real size on the page.
      await expect(page.locator('svg.chart rect.bar-full').count()).resolves.toBe(5);
      await expect(page.locator('svg.chart rect.bar-moved').count()).resolves.toBe(5);
      const box = await page.locator('svg.chart').boundingBox();
      expect(box!.width).toBeGreaterThan(200);
      expect(box!.height).toBeGreaterThan(200);
      // Bars are drawn to scale: the unchanged rerun (#2) moved less than a full run would, so its bar is shorter,
      // and the heights stand in the ratio of the figures the report recorded.
      // (Page code as strings: the project's TypeScript has no DOM types.)
      const heights = (await page.evaluate(`[...document.querySelectorAll('svg.chart g.bar-group')[1].querySelectorAll('rect')].map((r) => r.getBBox().height)`)) as number[];
      const second = JSON.parse((await runCli(['report', '-f', 'json', '--config', scenario.configFile])).stdout).runs[1];
      expect(heights[1]!).toBeLessThan(heights[0]!);
      expect(heights[1]! / heights[0]!).toBeCloseTo(second.movedBytes / second.fullSyncBytes, 1);
      await expect(page.locator('table.runs tbody tr').count()).resolves.toBe(6);
      await expect(page.locator('table.strategies tbody tr').count()).resolves.toBe(5);
      expect(problems).toEqual([]);
      // Self-contained: the page itself is the only thing loaded.
      expect(requests).toEqual([reportUrl]);
      await page.screenshot({ path: path.join(scenario.dir, 'report', 'light.png'), fullPage: true });
    } finally {
      await context.close();
    }
  });

  it('is readable in light and dark mode: the colours follow the reader\'s scheme', async () => {
    const colours = async (scheme: 'light' | 'dark') => {
      const { context, page, problems } = await open(scheme);
      try {
        const body = (await page.evaluate(
          `(() => { const style = getComputedStyle(document.body); return { background: style.backgroundColor, colour: style.color }; })()`,
        )) as { background: string; colour: string };
        const bar = (await page.evaluate(`getComputedStyle(document.querySelector('svg.chart rect.bar-moved')).fill`)) as string;
        expect(problems).toEqual([]);
        return { ...body, bar };
      } finally {
        await context.close();
      }
    };
    const light = await colours('light');
    const dark = await colours('dark');
    expect(light.background).toBe('rgb(255, 255, 255)');
    expect(dark.background).toBe('rgb(13, 17, 23)');
    expect(light.colour).not.toBe(dark.colour);
    expect(light.bar).not.toBe(dark.bar);
  });
});
