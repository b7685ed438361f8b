/**
 * Tiled upsampling: the tiling itself is exact (a per-pixel network gives the untiled result), the
 * real ESRGAN tiled stays within the cross-fade of its untiled result, and the learned model beats
 * bicubic on faces downsampled from the HQ mini-set (the super-resolution track the demo shows).
 */
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { createEsrganUpsampler, readImage, upsampleTiled, tileStarts, type ColorImage, type TileRunner } from '@diffmac/core';

const MINI_SET = new URL('../../cli/assets/mini-set/', import.meta.url);

/** A per-pixel "network" (nearest-neighbour ×s and an integer colour mix): any tiling must give the same bytes. */
function pixelRunner(scale: number): TileRunner {
  return async (tile, h, w) => {
    const out = new Float32Array(3 * h * w * scale * scale);
    for (let c = 0; c < 3; c++) for (let y = 0; y < h * scale; y++) for (let x = 0; x < w * scale; x++) {
      const src = Math.floor(y / scale) * w + Math.floor(x / scale);
      out[(c * h * scale + y) * w * scale + x] = (tile[c * h * w + src]! + 2 * tile[((c + 1) % 3) * h * w + src]!) % 256;
    }
    return out;
  };
}

function gradient(width: number, height: number, channels: 3 | 4): ColorImage<Uint8Array> {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) for (let c = 0; c < channels; c++) data[i * channels + c] = (i * (c + 3) + c * 40) % 256;
  return { width, height, channels, data };
}

function psnr(a: Uint8Array, b: Uint8Array): number {
  let se = 0;
  for (let i = 0; i < a.length; i++) se += (a[i]! - b[i]!) ** 2;
  return 10 * Math.log10((255 * 255) / (se / a.length));
}

describe('upsampleTiled', () => {
  it('places tiles flush with the far edge', () => {
    expect(tileStarts(100, 128, 16)).toEqual([0]);
    expect(tileStarts(300, 128, 16)).toEqual([0, 112, 172]);
  });

  it('gives exactly the untiled result for a per-pixel network, RGB and RGBA, with progress', async () => {
    for (const channels of [3, 4] as const) {
      const image = gradient(70, 45, channels);
      const whole = await upsampleTiled(image, pixelRunner(3), { scale: 3, tileSize: 1024 });
      const events: number[] = [];
      const tiled = await upsampleTiled(image, pixelRunner(3), { scale: 3, tileSize: 24, overlap: 5, onProgress: (e) => events.push(e.done / e.total) });
      expect(tiled.width).toBe(210);
      expect(tiled.channels).toBe(channels);
      expect(Buffer.from(tiled.data).equals(Buffer.from(whole.data))).toBe(true);
      expect(events.at(-1)).toBe(1);
      expect(events.length).toBeGreaterThan(4);
    }
  });

  it('stops on abort and refuses bad options and outputs', async () => {
    const image = gradient(40, 40, 3);
    const controller = new AbortController();
    controller.abort();
    await expect(upsampleTiled(image, pixelRunner(2), { scale: 2, signal: controller.signal })).rejects.toThrow();
    await expect(upsampleTiled(image, pixelRunner(2), { scale: 2, tileSize: 16, overlap: 8 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'overlap' });
    await expect(upsampleTiled(image, pixelRunner(3), { scale: 2 })).rejects.toMatchObject({ code: 'MODEL_OUTPUT_SHAPE' });
  });
});

describe('createEsrganUpsampler (ESRGAN-medium, shipped)', () => {
  it('tiled ESRGAN stays within the cross-fade of untiled ESRGAN', async () => {
    const up = await createEsrganUpsampler({ scale: 2, tileSize: 512 });
    const tiledUp = await createEsrganUpsampler({ scale: 2, tileSize: 48, overlap: 12 });
    const hq = await readImage(new URL('astronaut.jpg', MINI_SET).pathname, { channels: 'rgb' });
    const crop = { width: 96, height: 96, channels: 3 as const, data: new Uint8Array(await sharp(hq.data, { raw: { width: 512, height: 512, channels: 3 } }).extract({ left: 200, top: 150, width: 96, height: 96 }).raw().toBuffer()) };
    const whole = await up.upsample(crop);
    const tiled = await tiledUp.upsample(crop);
    expect(psnr(whole.data, tiled.data)).toBeGreaterThan(40);
    await up.dispose();
    await tiledUp.dispose();
  }, 120_000);

  it.each([
    [2, 3],
    [4, 0.1],
  ] as const)('×%i beats bicubic on bicubic-downsampled HQ faces by more than %f dB', async (scale, margin) => {
    const up = await createEsrganUpsampler({ scale });
    for (const name of ['astronaut.jpg', 'astronaut-rotated.jpg']) {
      const hq = await readImage(new URL(name, MINI_SET).pathname, { channels: 'rgb' });
      const size = 512 / scale;
      const lq = new Uint8Array(await sharp(hq.data, { raw: { width: 512, height: 512, channels: 3 } }).resize(size, size, { kernel: 'cubic' }).raw().toBuffer());
      const bicubic = new Uint8Array(await sharp(lq, { raw: { width: size, height: size, channels: 3 } }).resize(512, 512, { kernel: 'cubic' }).raw().toBuffer());
      const sr = await up.upsample({ width: size, height: size, channels: 3, data: lq });
      expect(psnr(hq.data as Uint8Array, sr.data)).toBeGreaterThan(psnr(hq.data as Uint8Array, bicubic) + margin);
    }
    await up.dispose();
  }, 180_000);

  it('refuses a scale it does not ship', async () => {
    await expect(createEsrganUpsampler({ scale: 8 as 4 })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'scale' });
  });
});
