import { createHash } from 'node:crypto';
import { copyFile, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RasterImage } from '@diffmac/base';
import { imageToTensor, readImage, resizeBilinearNchw, tensorToImage, writeImage } from '@diffmac/core';
import { cli } from './helpers';
import { goldenUrl } from '../../../scripts/golden.mjs';

const gtDir = fileURLToPath(goldenUrl('metrics', 'images', 'gt'));

let dir: string;
let tiny: string;
let facePath: string;
let photoPath: string;
let gtFiles: string[];

/** A grey canvas with `faces` golden faces (each resized to `size`) pasted side by side. */
async function severalFacesPhoto(files: string[], size: number): Promise<RasterImage<Uint8Array>> {
  const gap = 48;
  const width = files.length * size + (files.length + 1) * gap;
  const height = size + 2 * gap;
  const data = new Uint8Array(width * height * 3).fill(120);
  for (const [k, f] of files.entries()) {
    const t = resizeBilinearNchw(imageToTensor(await readImage(path.join(gtDir, f)), { range: 'unit', channels: 'rgb' }), size, size);
    const img = tensorToImage(t, { range: 'unit', depth: 8 });
    const x0 = gap + k * (size + gap);
    for (let y = 0; y < size; y++) {
      const src = (img.data as Uint8Array).subarray(y * size * 3, (y + 1) * size * 3);
      data.set(src, ((gap + y) * width + x0) * 3);
    }
  }
  return { width, height, channels: 3, data };
}

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'diffmac-restore-'));
  tiny = path.join(dir, 'tiny');
  const made = await cli(['bundle', 'make-tiny', tiny, '--seed', '1']);
  expect(made.code).toBe(0);
  gtFiles = (await readdir(gtDir)).filter((f) => f.endsWith('.png')).sort();
  facePath = path.join(gtDir, gtFiles[0]!);
  photoPath = path.join(dir, 'group.png');
  await writeImage(photoPath, await severalFacesPhoto(gtFiles.slice(0, 3), 224));
}, 120_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('diffmac restore', () => {
  it('restores an aligned face against a tiny bundle: image, JSON summary, same seed → same bytes', async () => {
    const out = path.join(dir, 'aligned');
    const args = ['restore', facePath, '-o', out, '--model', tiny, '--aligned', '--stage1-steps', '2', '--steps', '4', '--seed', '7', '--json'];
    const r = await cli(args);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const [summary] = JSON.parse(r.stdout) as {
      mode: string;
      faces: { seed: number }[];
      seeds: number[];
      timings: Record<string, number>;
      model: { digests: Record<string, string>; resolution: number };
      output: string;
      pipeline: string;
    }[];
    expect(summary!.mode).toBe('aligned');
    expect(summary!.pipeline).toBe('diffmac');
    expect(summary!.seeds).toEqual([7]);
    expect(summary!.model.resolution).toBe(64);
    expect(summary!.model.digests['unet/model.onnx']).toMatch(/^[0-9a-f]{64}$/);
    for (const k of ['read', 'pipeline', 'stage.restorer', 'stage.bottleneck', 'stage.refiner', 'total']) expect(summary!.timings[k]).toBeGreaterThanOrEqual(0);
    const img = await readImage(summary!.output);
    const src = await readImage(facePath);
    expect([img.width, img.height]).toEqual([src.width, src.height]);
    const onDisk = JSON.parse(await readFile(path.join(out, `${path.basename(facePath, '.png')}.json`), 'utf8'));
    expect(onDisk.seeds).toEqual([7]);
    const first = createHash('sha256').update(img.data).digest('hex');
    const refused = await cli(args);
    expect(refused.code).toBe(1);
    expect(refused.stderr).toContain('[OUTPUT_EXISTS]');
    const again = await cli([...args, '--force']);
    expect(again.code).toBe(0);
    expect(createHash('sha256').update((await readImage(summary!.output)).data).digest('hex')).toBe(first);
  }, 180_000);

  it('restores every face of a whole photo with several faces and pastes them back (upscaled)', async () => {
    const out = path.join(dir, 'photo');
    const r = await cli(['restore', photoPath, '-o', out, '--model', tiny, '--stage1-steps', '2', '--steps', '2', '--upscale', '2', '--sampler', 'dpmpp_2m', '--json']);
    expect(r.code).toBe(0);
    const [summary] = JSON.parse(r.stdout) as { mode: string; width: number; height: number; faces: { box: number[]; seed: number }[]; timings: Record<string, number>; output: string }[];
    expect(summary!.mode).toBe('photo');
    expect(summary!.faces.length).toBeGreaterThanOrEqual(2);
    // each face found sits in its own pasted square
    const columns = new Set(summary!.faces.map((f) => Math.floor(((f.box[0]! + f.box[2]!) / 2 - 48) / (224 + 48))));
    expect(columns.size).toBe(summary!.faces.length);
    expect(summary!.faces.map((f) => f.seed)).toEqual(summary!.faces.map((_, i) => i));
    for (const k of ['detectAlign', 'pipeline', 'paste']) expect(summary!.timings[k]).toBeGreaterThanOrEqual(0);
    const img = await readImage(summary!.output);
    expect([img.width, img.height]).toEqual([summary!.width * 2, summary!.height * 2]);
  }, 300_000);

  it('without a model it says what to download and where, and exits 1', async () => {
    const none = await cli(['restore', facePath, '-o', path.join(dir, 'x')]);
    expect(none.code).toBe(1);
    expect(none.stderr).toMatch(/No model bundle was given/);
    expect(none.stderr).toMatch(/diffmac bundle make-tiny/);
    expect(none.stderr).toMatch(/--allow-network/);
    expect(none.stderr).toMatch(/model\.onnx/);
    const missing = await cli(['restore', facePath, '-o', path.join(dir, 'x'), '--model', path.join(dir, 'nope')]);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain(path.join(dir, 'nope'));
    const hub = await cli(['restore', facePath, '-o', path.join(dir, 'x'), '--model', 'nobody/no-such-bundle-xyz']);
    expect(hub.code).toBe(1);
    expect(hub.stderr).toMatch(/nobody\/no-such-bundle-xyz/);
  });

  it('an interrupt stops the run, frees the pipeline and exits 130', async () => {
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(), 1500);
    const started = performance.now();
    // 20 inputs x (1000 + 500) sampler steps: far longer than 1.5 s on any machine
    const inputs = await Promise.all(Array.from({ length: 20 }, async (_, i) => {
      const f = path.join(dir, `face-${i}.png`);
      await copyFile(facePath, f);
      return f;
    }));
    const r = await cli(['restore', ...inputs, '-o', path.join(dir, 'abort'), '--model', tiny, '--aligned', '--stage1-steps', '1000', '--steps', '1000', '--quiet'], { signal: controller.signal });
    clearTimeout(timer);
    expect(r.code).toBe(130);
    expect(r.stderr).toMatch(/interrupted/);
    expect(performance.now() - started).toBeLessThan(60_000);
  }, 120_000);

  it('usage errors exit 2', async () => {
    expect((await cli(['restore'])).code).toBe(2);
    expect((await cli(['restore', 'a.png'])).code).toBe(2);
    expect((await cli(['restore', 'a.png', '-o', 'o', '--model', tiny, '--preset', 'magic'])).code).toBe(2);
    expect((await cli(['restore', 'a.png', '-o', 'o', '--model', tiny, '--sampler', 'nope'])).code).toBe(2);
    expect((await cli(['restore', 'a.png', '-o', 'o', '--model', tiny, '--steps', '0'])).code).toBe(2);
    expect((await cli(['restore', 'a.png', '-o', 'o', '--model', tiny, '--fidelity', '2'])).code).toBe(2);
  });
});
