import { mkdtemp, readFile, readdir } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from './helpers';

describe('diffmac demo', () => {
  it('degrades the bundled mini-set, restores it with the baselines, scores PSNR/SSIM/identity and writes the reports', async () => {
    const cwd = await mkdtemp(path.join(os.tmpdir(), 'diffmac-demo-'));
    const r = await cli(['demo', '--json', '--workers', '0'], { cwd });
    expect(r.stderr).not.toMatch(/Error/);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary.methods.map((m: { method: string }) => m.method)).toEqual(['input', 'bicubic', 'colour-fixed']);
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
  }, 300_000);
});
