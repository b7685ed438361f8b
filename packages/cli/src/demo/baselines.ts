import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { type ColorImage } from '@diffmac/base';
import { colourFix, createEsrganUpsampler, imageToTensor, readImage, tensorToImage, writeImage, type EsrganUpsampler } from '@diffmac/core';
import { listImages } from '@diffmac/eval';

/** A built-in "restorer" that needs no model, to anchor a table. */
export interface Baseline {
  name: string;
  description: string;
  /** `baseline` (no model) or `learned` (a trained network runs), shown beside the name in the reports. */
  kind: 'baseline' | 'learned';
  /** Write the restored version of every image of `lqDir` into `outDir` under the same name. */
  run(lqDir: string, outDir: string, signal?: AbortSignal): Promise<void>;
}

async function eachImage(lqDir: string, outDir: string, signal: AbortSignal | undefined, fn: (src: string, dst: string) => Promise<void>) {
  await mkdir(outDir, { recursive: true });
  for (const f of await listImages(lqDir)) {
    signal?.throwIfAborted();
    await fn(path.join(lqDir, f), path.join(outDir, f));
  }
}

/** The LQ input shrunk ×4 with bicubic, as the bicubic and ESRGAN methods both start from it. */
async function quarter(src: string): Promise<ColorImage<Uint8Array>> {
  const { width = 512, height = 512 } = await sharp(src).metadata();
  const { data, info } = await sharp(src).removeAlpha().resize(Math.max(1, Math.round(width / 4)), Math.max(1, Math.round(height / 4)), { kernel: 'cubic' }).raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

/** Run `fn` with the embedded ESRGAN ×4 loaded once for the whole folder. */
async function withEsrgan(fn: (up: EsrganUpsampler) => Promise<void>, signal?: AbortSignal): Promise<void> {
  const up = await createEsrganUpsampler({ scale: 4, ...(signal ? { signal } : {}) });
  try {
    await fn(up);
  } finally {
    await up.dispose();
  }
}

async function bicubic(src: string): Promise<Buffer> {
  const { width = 512, height = 512 } = await sharp(src).metadata();
  const small = await sharp(src).resize(Math.max(1, Math.round(width / 4)), Math.max(1, Math.round(height / 4)), { kernel: 'cubic' }).toBuffer();
  return sharp(small).resize(width, height, { kernel: 'cubic' }).png().toBuffer();
}

/**
 * The methods every demo table starts from. Baselines (no model): the LQ input itself, a bicubic
 * ×4 round trip, and that round trip passed through the wavelet colour fix toward the input (the
 * post-processing diffusion restorers use, on its own). Learned: the same ×4 round trip with the
 * embedded ESRGAN enlarging, alone and followed by the colour fix.
 */
export const baselines: readonly Baseline[] = [
  {
    name: 'input',
    kind: 'baseline',
    description: 'the LQ input as it is',
    run: (lq, out, signal) => eachImage(lq, out, signal, (s, d) => copyFile(s, d)),
  },
  {
    name: 'bicubic',
    kind: 'baseline',
    description: 'the LQ input shrunk ×4 and enlarged back with bicubic interpolation (sharp)',
    run: (lq, out, signal) => eachImage(lq, out, signal, async (s, d) => void (await sharp(await bicubic(s)).toFile(d))),
  },
  {
    name: 'colour-fixed',
    kind: 'baseline',
    description: 'the bicubic baseline after the wavelet colour fix toward the LQ input',
    run: (lq, out, signal) =>
      eachImage(lq, out, signal, async (s, d) => {
        const restored = imageToTensor(await readImage(await bicubic(s), { channels: 'rgb' }), { range: 'unit' });
        const reference = imageToTensor(await readImage(s, { channels: 'rgb' }), { range: 'unit' });
        await writeImage(d, tensorToImage(colourFix('wavelet', restored, reference), { range: 'unit', depth: 8 }));
      }),
  },
  {
    name: 'esrgan',
    kind: 'learned',
    description: 'the LQ input shrunk ×4 and enlarged back by the embedded learned super-resolution model (ESRGAN-medium ×4)',
    run: (lq, out, signal) =>
      withEsrgan((up) => eachImage(lq, out, signal, async (s, d) => void (await writeImage(d, await up.upsample(await quarter(s), signal ? { signal } : {})))), signal),
  },
  {
    name: 'esrgan+colour-fix',
    kind: 'learned',
    description: 'the ESRGAN method as a one-pass Stage I, then the wavelet colour fix toward the LQ input',
    run: (lq, out, signal) =>
      withEsrgan(
        (up) =>
          eachImage(lq, out, signal, async (s, d) => {
            const restored = imageToTensor(await up.upsample(await quarter(s), signal ? { signal } : {}), { range: 'unit' });
            const reference = imageToTensor(await readImage(s, { channels: 'rgb' }), { range: 'unit' });
            await writeImage(d, tensorToImage(colourFix('wavelet', restored, reference), { range: 'unit', depth: 8 }));
          }),
        signal,
      ),
  },
];
