/// <reference lib="dom" />
import { copyFile, mkdir, mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { evaluateFolders } from '../src/runner/evaluate-folders';
import { launchChromium } from './browser/chromium';
import { goldenUrl } from '../../../scripts/golden.mjs';

const GOLDEN = goldenUrl('metrics').pathname;
const ARTIFACTS = new URL('../../../artifacts/', import.meta.url).pathname;
let browser: Browser;

beforeAll(async () => {
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
});

describe('HTML report in headless Chromium', () => {
  it('renders the summary table, the LQ / restored / GT grid and one histogram per metric, with no console errors', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'diffmac-report-'));
    for (const d of ['gt', 'pred', 'lq']) await mkdir(path.join(root, d));
    const pairs = [
      ['P01_adele_blur.png', 'adele.png'],
      ['P02_julia_roberts_bicubic_x4.png', 'julia_roberts.png'],
      ['P03_justin_timberlake_noise_s10.png', 'justin_timberlake.png'],
    ];
    for (const [lq, gt] of pairs) {
      await copyFile(path.join(GOLDEN, 'images/gt', gt!), path.join(root, 'gt', gt!));
      await copyFile(path.join(GOLDEN, 'images/lq', lq!), path.join(root, 'pred', gt!));
      await copyFile(path.join(GOLDEN, 'images/lq', lq!), path.join(root, 'lq', gt!));
    }
    const r = await evaluateFolders({ pred: path.join(root, 'pred'), gt: path.join(root, 'gt'), lq: path.join(root, 'lq'), outDir: path.join(root, 'eval'), metrics: ['psnr', 'ssim'], workers: 0, method: 'input' });

    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(r.files.html).href);
    expect(await page.locator('h1').textContent()).toBe('input: psnr, ssim');
    const summaryRows = await page.locator('table.summary tbody tr').allTextContents();
    expect(summaryRows).toHaveLength(2);
    expect(summaryRows[0]).toContain(r.summary.psnr!.mean.toFixed(2));
    expect(await page.locator('table.grid tbody tr').count()).toBe(3);
    expect(await page.locator('.charts svg').count()).toBe(2);
    // Every picture decoded and has pixels.
    const images = await page.evaluate(() => Array.from(document.images).map((i) => ({ complete: i.complete, w: i.naturalWidth, h: i.naturalHeight })));
    expect(images).toHaveLength(9);
    for (const i of images) expect(i.complete && i.w > 0 && i.h > 0).toBe(true);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'eval-report.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  });
});
