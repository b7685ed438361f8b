/// <reference lib="dom" />
import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveStatic } from './serve-static';

// The built site (nx runs docs:build before docs:test). Chromium is Debian's package, which .ci/run installs.
const dist = new URL('../.vitepress/dist/', import.meta.url).pathname;
const artifacts = new URL('../../artifacts/docs/', import.meta.url).pathname;
const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
let browser: Browser;
let site: Awaited<ReturnType<typeof serveStatic>>;

beforeAll(async () => {
  if (!existsSync(path.join(dist, 'index.html'))) throw new Error(`No built site at ${dist}: run npx nx run docs:build first`);
  site = await serveStatic(dist);
  browser = await chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
  mkdirSync(artifacts, { recursive: true });
});

afterAll(async () => {
  await browser?.close();
  await site?.close();
});

const pages = [
  { path: '/', name: 'home', heading: 'diffmac', selector: '.VPHero .name' },
  { path: '/guide/eval', name: 'guide-eval', heading: '@diffmac/eval', selector: 'main h1' },
  { path: '/tasks/evaluate', name: 'task-evaluate', heading: 'Evaluate on a CelebA-Test-style set', selector: 'main h1' },
  { path: '/api/eval', name: 'api-eval', heading: 'psnr()', selector: 'main h3#psnr' },
];

describe('the documentation site in headless Chromium', () => {
  it.each(pages)('$path renders its heading with no console errors', async (p) => {
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`${m.text()} at ${m.location().url}`);
    });
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('response', (r) => {
      if (r.status() >= 400) errors.push(`${r.status()} ${r.url()}`);
    });
    const response = await page.goto(site.url + p.path, { waitUntil: 'networkidle' });
    expect(response?.status()).toBe(200);
    expect((await page.locator(p.selector).first().textContent())?.trim()).toContain(p.heading);
    await page.screenshot({ path: path.join(artifacts, `${p.name}.png`), fullPage: false });
    expect(errors).toEqual([]);
    await page.close();
  });

  it('shows the figures: the dependency graph and the degradation grid load', async () => {
    const page = await browser.newPage();
    await page.goto(`${site.url}/guide/architecture`, { waitUntil: 'networkidle' });
    const ok = await page.evaluate(() => Array.from(document.images).filter((i) => i.src.includes('/figures/')).map((i) => i.complete && i.naturalWidth > 0));
    expect(ok).toEqual([true]);
    await page.goto(`${site.url}/getting-started`, { waitUntil: 'networkidle' });
    const grid = await page.evaluate(() => Array.from(document.images).filter((i) => i.src.includes('degradation-presets')).map((i) => i.naturalWidth));
    expect(grid[0]).toBeGreaterThan(500);
    await page.close();
  });
});
