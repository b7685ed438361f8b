import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { DiffmacError, psnr, ssim } from '../src/index';
import { evaluateFolders } from '../src/runner/evaluate-folders';

// Hostile-but-realistic restored images against a clean 16×16 ground truth: each is scored
// correctly or fails with a typed code of its own (never the generic SCORE_FAILED, never a crash).
let gt: string;
let pred: string;
const rgb = (w: number, h: number, seed: number) => {
  const data = Buffer.alloc(w * h * 3);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + seed * 11) & 255;
  return sharp(data, { raw: { width: w, height: h, channels: 3 } });
};
const CASES = ['zero-byte', 'truncated', 'cmyk', 'sixteen-bit', 'grey', 'alpha', 'one-pixel', 'huge-header', 'wrong-extension', 'clean'] as const;

beforeAll(async () => {
  gt = await mkdtemp(path.join(os.tmpdir(), 'diffmac-hostile-gt-'));
  pred = await mkdtemp(path.join(os.tmpdir(), 'diffmac-hostile-pred-'));
  for (const name of CASES) await rgb(16, 16, 1).png().toFile(path.join(gt, `${name}.png`));
  await writeFile(path.join(pred, 'zero-byte.png'), new Uint8Array(0));
  const full = await rgb(16, 16, 2).png().toBuffer();
  await writeFile(path.join(pred, 'truncated.png'), full.subarray(0, 40));
  await rgb(16, 16, 2).toColourspace('cmyk').jpeg().toFile(path.join(pred, 'cmyk.jpg'));
  await rgb(16, 16, 2).toColourspace('rgb16').png().toFile(path.join(pred, 'sixteen-bit.png'));
  await rgb(16, 16, 2).toColourspace('b-w').png().toFile(path.join(pred, 'grey.png'));
  await rgb(16, 16, 2).ensureAlpha(0.5).png().toFile(path.join(pred, 'alpha.png'));
  await rgb(1, 1, 2).png().toFile(path.join(pred, 'one-pixel.png'));
  // A PNG whose header claims 100000 × 100000 pixels.
  const huge = Buffer.from(await rgb(16, 16, 2).png().toBuffer());
  huge.writeUInt32BE(100_000, 16);
  huge.writeUInt32BE(100_000, 20);
  await writeFile(path.join(pred, 'huge-header.png'), huge);
  await writeFile(path.join(pred, 'wrong-extension.png'), await rgb(16, 16, 2).jpeg().toBuffer());
  await rgb(16, 16, 2).png().toFile(path.join(pred, 'clean.png'));
});

describe('hostile images through evaluateFolders', () => {
  it('each is scored or has a typed reason of its own', async () => {
    const r = await evaluateFolders({ pred, gt, outDir: path.join(pred, '..', `${path.basename(pred)}-out`), metrics: ['psnr', 'ssim'], workers: 0 });
    const by = new Map(r.rows.map((x) => [x.name, x]));
    expect([...by.keys()].sort()).toEqual([...CASES].sort());
    for (const [name, row] of by) {
      if (row.ok) {
        expect(Number.isFinite(row.scores.psnr!), name).toBe(true);
        expect(row.scores.ssim!, name).toBeGreaterThan(-1);
      } else {
        expect(row.code, `${name}: ${row.message}`).toMatch(/^[A-Z][A-Z0-9_]+$/);
        expect(row.code, `${name}: ${row.message}`).not.toBe('SCORE_FAILED');
      }
    }
    for (const name of ['zero-byte', 'truncated', 'huge-header', 'one-pixel']) expect(by.get(name)!.ok, name).toBe(false);
    for (const name of ['cmyk', 'sixteen-bit', 'grey', 'alpha', 'wrong-extension', 'clean']) expect(by.get(name)!.ok, name).toBe(true);
    expect(by.get('huge-header')).toMatchObject({ code: 'IMAGE_TOO_LARGE' });
    expect(by.get('one-pixel')).toMatchObject({ code: 'SIZE_MISMATCH' });
    expect(r.complete).toBe(false);
    expect((await readFile(r.files.perImageCsv, 'utf8')).split('\n')).toHaveLength(CASES.length + 2);
  });

  it('NaN pixels in an image given to a metric are a typed error', () => {
    const img = { width: 2, height: 2, channels: 3 as const, data: new Float32Array(12).fill(0.5) };
    const bad = { ...img, data: Float32Array.from(img.data, (v, i) => (i === 5 ? Number.NaN : v)) };
    for (const f of [() => psnr(bad, img), () => ssim(img, bad)]) {
      let caught: unknown;
      try {
        f();
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(DiffmacError);
    }
  });
});
