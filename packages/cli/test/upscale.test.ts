/**
 * The embedded learned upsampler from the command line: `diffmac upscale`, and `diffmac restore`
 * with `--bg-upsampler esrgan` (background upsampled before paste-back) and `--no-faces` (no face model).
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readImage } from '@diffmac/core';
import { cli } from './helpers';

const astronaut = new URL('../assets/mini-set/astronaut.jpg', import.meta.url).pathname;
let dir: string;
let small: string;
let photo: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'diffmac-upscale-'));
  small = path.join(dir, 'small.png');
  await sharp(astronaut).resize(96, 96).png().toFile(small);
  // A whole photo: the face smaller, with a plain border around it.
  photo = path.join(dir, 'photo.png');
  await sharp(astronaut).resize(200, 200).extend({ top: 30, bottom: 30, left: 50, right: 50, background: '#446' }).png().toFile(photo);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('diffmac upscale', () => {
  it('upsamples ×2 and ×3 with the shipped ESRGAN, with a JSON summary', async () => {
    for (const scale of [2, 3]) {
      const out = path.join(dir, `up${scale}`);
      const r = await cli(['upscale', small, '-o', out, '--scale', String(scale), '--json']);
      expect(r.code, r.stderr).toBe(0);
      const summary = JSON.parse(r.stdout);
      expect(summary.model).toBe(`esrgan-medium-x${scale}`);
      const img = await readImage(path.join(out, 'small.png'));
      expect([img.width, img.height]).toEqual([96 * scale, 96 * scale]);
    }
  }, 120_000);

  it('never writes over an input, refuses an existing output without --force, and an unknown scale', async () => {
    expect((await cli(['upscale', small, '-o', dir])).stderr).toMatch(/OUTPUT_IS_INPUT/);
    const again = await cli(['upscale', small, '-o', path.join(dir, 'up2'), '--scale', '2']);
    expect(again.code).toBe(1);
    expect(again.stderr).toMatch(/OUTPUT_EXISTS/);
    const bad = await cli(['upscale', small, '-o', path.join(dir, 'bad'), '--scale', '8']);
    expect(bad.code).toBe(2);
  }, 60_000);
});

describe('diffmac restore with the ESRGAN background upsampler', () => {
  it('--no-faces upsamples whole photos without any face model', async () => {
    const out = path.join(dir, 'noface');
    const r = await cli(['restore', photo, '-o', out, '--upscale', '2', '--bg-upsampler', 'esrgan', '--no-faces', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [summary] = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ mode: 'upsample', backgroundUpsampler: 'esrgan-medium-x2' });
    const img = await readImage(path.join(out, 'photo.png'));
    expect([img.width, img.height]).toEqual([600, 520]);
    expect(JSON.parse(await readFile(path.join(out, 'photo.json'), 'utf8')).mode).toBe('upsample');
  }, 120_000);

  it('pastes restored faces onto the ESRGAN background (tiny bundle), and says what the options need', async () => {
    const tiny = path.join(dir, 'tiny');
    expect((await cli(['bundle', 'make-tiny', tiny, '--seed', '1'])).code).toBe(0);
    const out = path.join(dir, 'withfaces');
    const r = await cli(['restore', photo, '-o', out, '--model', tiny, '--upscale', '2', '--bg-upsampler', 'esrgan', '--stage1-steps', '2', '--steps', '2', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [summary] = JSON.parse(r.stdout);
    expect(summary.backgroundUpsampler).toBe('esrgan-medium-x2');
    const img = await readImage(path.join(out, 'photo.png'));
    expect([img.width, img.height]).toEqual([600, 520]);

    expect((await cli(['restore', photo, '-o', path.join(dir, 'x'), '--no-faces'])).stderr).toMatch(/--no-faces needs --bg-upsampler/);
    expect((await cli(['restore', photo, '-o', path.join(dir, 'x'), '--bg-upsampler', 'esrgan', '--no-faces'])).stderr).toMatch(/--upscale/);
    expect((await cli(['restore', photo, '-o', path.join(dir, 'x'), '--bg-upsampler', 'realesrgan', '--upscale', '2'])).stderr).toMatch(/must be one of esrgan/);
    const noModel = await cli(['restore', photo, '-o', path.join(dir, 'x')]);
    expect(noModel.stderr).toMatch(/--bg-upsampler esrgan --no-faces/);
  }, 180_000);
});
