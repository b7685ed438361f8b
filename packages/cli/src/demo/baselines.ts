import { copyFile, mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { colourFix, imageToTensor, readImage, tensorToImage, writeImage } from '@diffmac/core';
import { listImages } from '@diffmac/eval';

/** A built-in "restorer" that needs no model, to anchor a table. */
export interface Baseline {
  name: string;
  description: string;
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

async function bicubic(src: string): Promise<Buffer> {
  const { width = 512, height = 512 } = await sharp(src).metadata();
  const small = await sharp(src).resize(Math.max(1, Math.round(width / 4)), Math.max(1, Math.round(height / 4)), { kernel: 'cubic' }).toBuffer();
  return sharp(small).resize(width, height, { kernel: 'cubic' }).png().toBuffer();
}

/**
 * The baselines every evaluation table starts from: the LQ input itself, a bicubic ×4 round
 * trip, and that round trip passed through the wavelet colour fix toward the input (the
 * post-processing diffusion restorers use, on its own).
 */
export const baselines: readonly Baseline[] = [
  {
    name: 'input',
    description: 'the LQ input as it is',
    run: (lq, out, signal) => eachImage(lq, out, signal, (s, d) => copyFile(s, d)),
  },
  {
    name: 'bicubic',
    description: 'the LQ input shrunk ×4 and enlarged back with bicubic interpolation (sharp)',
    run: (lq, out, signal) => eachImage(lq, out, signal, async (s, d) => void (await sharp(await bicubic(s)).toFile(d))),
  },
  {
    name: 'colour-fixed',
    description: 'the bicubic baseline after the wavelet colour fix toward the LQ input',
    run: (lq, out, signal) =>
      eachImage(lq, out, signal, async (s, d) => {
        const restored = imageToTensor(await readImage(await bicubic(s), { channels: 'rgb' }), { range: 'unit' });
        const reference = imageToTensor(await readImage(s, { channels: 'rgb' }), { range: 'unit' });
        await writeImage(d, tensorToImage(colourFix('wavelet', restored, reference), { range: 'unit', depth: 8 }));
      }),
  },
];
