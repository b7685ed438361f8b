import { copyFile, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { createRng, type ColorImage } from '@diffmac/base';
import { readImage } from '@diffmac/core';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { degradationPreset, degradationPresets } from '../src/degradation/presets';
import { degradeFolder, degradeOne, type DegradationRecord } from '../src/degradation/degrade-folder';
import { degradeImage } from '../src/degradation/degrade-image';
import { goldenUrl } from '../../../scripts/golden.mjs';

const GT = goldenUrl('metrics', 'images', 'gt').pathname;
const faces = ['adele.png', 'julia_roberts.png', 'justin_timberlake.png'];
let hqDir: string;
/** The same faces at 128², for the tests that run the whole folder several times. */
let smallDir: string;

beforeAll(async () => {
  hqDir = await mkdtemp(path.join(os.tmpdir(), 'diffmac-hq-'));
  smallDir = await mkdtemp(path.join(os.tmpdir(), 'diffmac-hq-small-'));
  for (const f of faces) {
    await copyFile(path.join(GT, f), path.join(hqDir, f));
    await sharp(path.join(GT, f)).resize(128, 128).png().toFile(path.join(smallDir, f));
  }
});

const readLines = async (file: string) => (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l));

describe('degradeFolder', () => {
  it('writes one 512² LQ PNG per face and a manifest of every drawn parameter within the preset ranges', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'diffmac-lq-'));
    const events: string[] = [];
    const { records, failures, manifestPath } = await degradeFolder(hqDir, out, { preset: 'gfpgan', seed: 3, onProgress: (e) => events.push(e.type) });
    expect(failures).toEqual([]);
    expect((await readdir(out)).sort()).toEqual([...faces, 'manifest.jsonl'].sort());
    const manifest: DegradationRecord[] = await readLines(manifestPath);
    expect(manifest).toEqual(records);
    for (const r of manifest) {
      expect(r.kernel.size).toBe(41);
      expect(r.kernel.sigmaX).toBeGreaterThanOrEqual(0.1);
      expect(r.kernel.sigmaX).toBeLessThanOrEqual(10);
      expect(r.scale).toBeGreaterThanOrEqual(0.8);
      expect(r.scale).toBeLessThanOrEqual(8);
      expect(r.noiseSigma).toBeLessThanOrEqual(20);
      expect(Number.isInteger(r.jpegQuality) && r.jpegQuality >= 60 && r.jpegQuality <= 100).toBe(true);
      const lq = await readImage(path.join(out, r.output));
      expect([lq.width, lq.height, lq.channels]).toEqual([512, 512, 3]);
    }
    expect(events[0]).toBe('start');
    expect(events.at(-1)).toBe('done');
  });

  it('is reproducible by seed, and any single image regenerates alone', async () => {
    const a = await mkdtemp(path.join(os.tmpdir(), 'diffmac-lq-'));
    const b = await mkdtemp(path.join(os.tmpdir(), 'diffmac-lq-'));
    const c = await mkdtemp(path.join(os.tmpdir(), 'diffmac-lq-'));
    await degradeFolder(smallDir, a, { seed: 11 });
    await degradeFolder(smallDir, b, { seed: 11 });
    await degradeFolder(smallDir, c, { seed: 12 });
    for (const f of faces) expect(await readFile(path.join(a, f))).toEqual(await readFile(path.join(b, f)));
    expect(await readFile(path.join(a, faces[1]!))).not.toEqual(await readFile(path.join(c, faces[1]!)));

    const hq = (await readImage(path.join(smallDir, faces[1]!), { channels: 'rgb' })) as ColorImage<Uint8Array>;
    const alone = await degradeOne(hq, { source: faces[1]!, index: 1, seed: 11, preset: 'gfpgan' });
    const written = await readImage(path.join(a, faces[1]!));
    expect(Buffer.from(alone.image.data).equals(Buffer.from(written.data))).toBe(true);
  });

  it('degrades: the LQ face is measurably worse than the HQ face but still the same picture', async () => {
    const hq = (await readImage(path.join(hqDir, faces[0]!), { channels: 'rgb' })) as ColorImage<Uint8Array>;
    const params = { preset: 'gfpgan' as const, kernel: { type: 'iso' as const, size: 41, sigmaX: 3, sigmaY: 3, theta: 0 }, scale: 4, noiseSigma: 10, jpegQuality: 70 };
    const lq = await degradeImage(hq, params, { noise: createRng(0) });
    let se = 0;
    for (let i = 0; i < hq.data.length; i++) se += (hq.data[i]! - lq.data[i]!) ** 2;
    const psnr = 10 * Math.log10((255 * 255) / (se / hq.data.length));
    expect(psnr).toBeGreaterThan(18);
    expect(psnr).toBeLessThan(32);
  });

  it('reports a corrupt file as a failure row with a reason, and still writes the others', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'diffmac-hq-bad-'));
    await copyFile(path.join(GT, faces[0]!), path.join(dir, 'good.png'));
    await writeFile(path.join(dir, 'broken.png'), Buffer.from('not a png at all'));
    const out = await mkdtemp(path.join(os.tmpdir(), 'diffmac-lq-'));
    const { records, failures, manifestPath } = await degradeFolder(dir, out, { seed: 0 });
    expect(records.map((r) => r.source)).toEqual(['good.png']);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ source: 'broken.png', code: 'IMAGE_DECODE_FAILED' });
    const lines = await readLines(manifestPath);
    expect(lines.find((l) => l.source === 'broken.png')).toMatchObject({ failed: true });
  });

  it('refuses to write into the HQ folder', async () => {
    await expect(degradeFolder(hqDir, hqDir)).rejects.toMatchObject({ code: 'OUTPUT_IS_INPUT' });
  });

  it('stops on abort', async () => {
    const out = await mkdtemp(path.join(os.tmpdir(), 'diffmac-lq-'));
    const controller = new AbortController();
    controller.abort();
    await expect(degradeFolder(hqDir, out, { signal: controller.signal })).rejects.toThrow();
  });
});

describe('degradation presets', () => {
  it('rejects an unknown preset, listing the valid ones', () => {
    expect(() => degradationPreset('bsrgan')).toThrow(expect.objectContaining({ code: 'UNKNOWN_PRESET', expected: 'gfpgan, codeformer, difface-grid' }));
  });

  it('codeformer draws the heavier ranges', () => {
    const rng = createRng(5);
    for (let i = 0; i < 200; i++) {
      const p = degradationPresets.codeformer.draw(rng, i);
      expect(p.kernel.sigmaX >= 1 && p.kernel.sigmaX <= 15).toBe(true);
      expect(p.scale >= 4 && p.scale <= 30).toBe(true);
      expect(p.jpegQuality >= 30 && p.jpegQuality <= 80).toBe(true);
    }
  });

  it('difface-grid walks DifFace loop order: quality outermost, θ innermost', () => {
    const rng = { uniform: () => 0 };
    const at = (i: number) => degradationPresets['difface-grid'].draw(rng, i);
    expect(at(0)).toMatchObject({ jpegQuality: 30, scale: 4, noiseSigma: 1, kernel: { sigmaX: 4, theta: 0, sigmaY: 4 } });
    expect(at(1).kernel.theta).toBeCloseTo(Math.PI / 4, 12);
    expect(at(4).kernel.sigmaX).toBe(8);
    expect(at(16).noiseSigma).toBe(5);
    expect(at(80).scale).toBe(8);
    expect(at(800).jpegQuality).toBe(40);
    expect(at(4000)).toEqual(at(0));
  });
});
