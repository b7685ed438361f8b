/// <reference lib="dom" />
import { copyFile, mkdir, mkdtemp, readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Browser } from 'playwright-core';
import { evaluateFolders } from '../src/runner/evaluate-folders';
import { writeComparisonReport } from '../src/runner/write-comparison';
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

describe('comparison report in headless Chromium (item 7)', () => {
  it('shows every method in one metrics table, overlaid distributions and an LQ | methods | GT grid, with no console errors', async () => {
    const root = await mkdtemp(path.join(os.tmpdir(), 'diffmac-compare-'));
    for (const d of ['gt', 'lq', 'input', 'blurred']) await mkdir(path.join(root, d));
    const pairs = [
      ['P01_adele_blur.png', 'adele.png'],
      ['P02_julia_roberts_bicubic_x4.png', 'julia_roberts.png'],
      ['P03_justin_timberlake_noise_s10.png', 'justin_timberlake.png'],
    ];
    for (const [lq, gt] of pairs) {
      await copyFile(path.join(GOLDEN, 'images/gt', gt!), path.join(root, 'gt', gt!));
      await copyFile(path.join(GOLDEN, 'images/lq', lq!), path.join(root, 'lq', gt!));
      await copyFile(path.join(GOLDEN, 'images/lq', lq!), path.join(root, 'input', gt!));
      await sharp(path.join(GOLDEN, 'images/lq', lq!)).blur(2).png().toFile(path.join(root, 'blurred', gt!));
    }
    const runs = [];
    for (const method of ['input', 'blurred']) {
      const r = await evaluateFolders({ pred: path.join(root, method), gt: path.join(root, 'gt'), outDir: path.join(root, 'eval', method), metrics: ['psnr', 'ssim'], workers: 0 });
      runs.push({ method, pred: path.join(root, method), summary: r.summary, rows: r.rows, report: r.files.html, kind: 'baseline' });
    }
    const file = await writeComparisonReport(path.join(root, 'eval', 'comparison.html'), runs, { protocol: 'basicsr', gtDir: path.join(root, 'gt'), lqDir: path.join(root, 'lq') });
    expect(await readFile(file, 'utf8')).not.toMatch(/<script|(src|href)="https?:/);

    const page = await browser.newPage({ viewport: { width: 1100, height: 1400 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    await page.goto(pathToFileURL(file).href);
    expect(await page.locator('h1').textContent()).toBe('Comparison: input, blurred');
    const heads = await page.locator('table.metrics thead th').allTextContents();
    expect(heads).toEqual(['Method', 'PSNR ↑', 'SSIM ↑', 'n']);
    const rows = await page.locator('table.metrics tbody tr').allTextContents();
    expect(rows).toHaveLength(2);
    expect(rows[0]).toContain(runs[0]!.summary.psnr!.mean.toFixed(2));
    expect(rows[1]).toContain(runs[1]!.summary.psnr!.mean.toFixed(2));
    // The better PSNR of the two is the bold one.
    const better = runs[0]!.summary.psnr!.mean > runs[1]!.summary.psnr!.mean ? 0 : 1;
    expect(await page.locator('table.metrics tbody tr').nth(better).locator('td.best').first().textContent()).toBe(runs[better]!.summary.psnr!.mean.toFixed(2));
    expect(await page.locator('table.metrics a').count()).toBe(2);
    // One overlaid chart per metric, each with one outline per method.
    expect(await page.locator('.charts svg').count()).toBe(2);
    expect(await page.locator('.charts svg').first().locator('path').count()).toBe(2);
    expect(await page.locator('table.grid thead th').allTextContents()).toEqual(['Name', 'LQ', 'input', 'blurred', 'GT']);
    expect(await page.locator('table.grid tbody tr').count()).toBe(3);
    const images = await page.evaluate(() => Array.from(document.images).map((i) => ({ complete: i.complete, w: i.naturalWidth, h: i.naturalHeight })));
    expect(images).toHaveLength(12);
    for (const i of images) expect(i.complete && i.w > 0 && i.h > 0).toBe(true);
    await mkdir(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: path.join(ARTIFACTS, 'eval-comparison.png'), fullPage: true });
    expect(errors).toEqual([]);
    await page.close();
  }, 120_000);
});
