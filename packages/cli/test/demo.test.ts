import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers';
import { goldenUrl } from '../../../scripts/golden.mjs';

describe('diffmac demo', () => {
  it('degrades the bundled mini-set, restores it with the baselines, scores PSNR/SSIM/identity and writes the reports', async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'diffmac-demo-'));
    const r = await cli(['demo', '--json', '--workers', '0'], { cwd });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.methods.map((m: { method: string }) => m.method)).toEqual(['input', 'bicubic', 'colour-fixed', 'esrgan', 'esrgan+colour-fix']);
    for (const m of summary.methods) {
      expect(m.failed).toBe(0);
      expect(m.summary.psnr.n).toBe(3);
      expect(m.summary.psnr.mean).toBeGreaterThan(15);
      expect(m.summary.psnr.mean).toBeLessThan(45);
      expect(m.summary.idcos.mean).toBeGreaterThan(0.5);
      expect(m.summary.idcos.mean).toBeLessThanOrEqual(1);
      expect((await readFile(m.report, 'utf8')).length).toBeGreaterThan(1000);
    }
    expect((await readdir(path.join(cwd, 'diffmac-demo', 'lq'))).filter((f) => f.endsWith('.jpg') || f.endsWith('.png'))).toHaveLength(3);
    const table = await readFile(path.join(cwd, 'diffmac-demo', 'table.md'), 'utf8');
    expect(table.split('\n')[0]).toBe('| Method | IDS ↑ | PSNR ↑ | SSIM ↑ |');
    expect(table).toContain('| colour-fixed |');
    // The super-resolution track: the embedded learned model beats bicubic clearly on the task it is trained for.
    const sr = Object.fromEntries(summary.superResolution.methods.map((m: { method: string; summary: { psnr: { mean: number }; ssim: { mean: number } } }) => [m.method, m.summary]));
    expect(sr['esrgan ×2'].psnr.mean).toBeGreaterThan(sr['bicubic ×2'].psnr.mean + 3);
    expect(sr['esrgan ×2'].ssim.mean).toBeGreaterThan(sr['bicubic ×2'].ssim.mean);
    expect((await readFile(summary.superResolution.comparison, 'utf8'))).toContain('esrgan ×2');
  }, 300_000);
});

describe('diffmac demo with a configured restorer and LPIPS weights', () => {
  it('adds the model bundle as a method and LPIPS as a metric', async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'diffmac-demo-model-'));
    expect((await cli(['bundle', 'make-tiny', 'tiny', '--kind', 'restorer', '--json'], { cwd })).code).toBe(0);
    const lpips = goldenUrl('metrics', 'lpips').pathname;
    const r = await cli(['demo', '--json', '--quiet', '--workers', '0', '--model', 'tiny', '--lpips-trunk', path.join(lpips, 'lpips_alex_randinit_seed0.onnx'), '--lpips-weights', path.join(lpips, 'lpips_alex_lin_seed1.json')], { cwd });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.methods.map((m: { method: string }) => m.method)).toEqual(['input', 'bicubic', 'colour-fixed', 'esrgan', 'esrgan+colour-fix', 'tiny']);
    for (const m of summary.methods) {
      expect(m.summary.lpips.n).toBe(3);
      expect(m.summary.lpips.mean).toBeGreaterThanOrEqual(0);
    }
    // The tiny random-weight restorer really ran: its faces differ from the input it was given.
    const byName = Object.fromEntries(summary.methods.map((m: { method: string; summary: { psnr: { mean: number } } }) => [m.method, m.summary.psnr.mean]));
    expect(byName.tiny).not.toBeCloseTo(byName.input, 2);
    expect((await readdir(path.join(cwd, 'diffmac-demo', 'restored', 'tiny'))).filter((f) => f.endsWith('.png'))).toHaveLength(3);
  }, 300_000);
});

describe('diffmac demo with a bad model', () => {
  it('exits 1 with a typed error naming the model when the configured restorer fails', async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'diffmac-demo-bad-'));
    const r = await cli(['demo', '--quiet', '--workers', '0', '--model', 'no-such-bundle'], { cwd });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[RESTORE_FAILED]');
    expect(r.stderr).toContain('no-such-bundle');
  }, 300_000);
});
