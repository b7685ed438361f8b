import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import sharp from 'sharp';
import { createEsrganUpsampler, writeImage } from '@diffmac/core';
import { listImages } from '@diffmac/eval';

/** The scale of the demo's super-resolution track. */
export const SR_SCALE = 2;

/**
 * The demo's super-resolution track, the task the embedded ESRGAN is trained for: each HQ face
 * shrunk ×2 with bicubic (`<out>/lq`), then enlarged back by bicubic (`<out>/bicubic`) and by
 * ESRGAN-medium ×2 (`<out>/esrgan`). Returns the LQ folder and one folder per method.
 *
 * @example
 * const { lq, methods } = await superResolutionTrack(miniSetDir(), 'diffmac-demo/sr');
 */
export async function superResolutionTrack(hqDir: string, outDir: string, signal?: AbortSignal): Promise<{ lq: string; methods: { name: string; kind: 'baseline' | 'learned'; dir: string }[] }> {
  const lq = path.join(outDir, 'lq');
  const methods = [
    { name: `bicubic ×${SR_SCALE}`, kind: 'baseline' as const, dir: path.join(outDir, 'bicubic') },
    { name: `esrgan ×${SR_SCALE}`, kind: 'learned' as const, dir: path.join(outDir, 'esrgan') },
  ];
  for (const dir of [lq, ...methods.map((m) => m.dir)]) await mkdir(dir, { recursive: true });
  const up = await createEsrganUpsampler({ scale: SR_SCALE, ...(signal ? { signal } : {}) });
  try {
    for (const f of await listImages(hqDir)) {
      signal?.throwIfAborted();
      const name = `${path.parse(f).name}.png`;
      const { width = 512, height = 512 } = await sharp(path.join(hqDir, f)).metadata();
      const { data, info } = await sharp(path.join(hqDir, f)).removeAlpha().resize(Math.round(width / SR_SCALE), Math.round(height / SR_SCALE), { kernel: 'cubic' }).raw().toBuffer({ resolveWithObject: true });
      await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).png().toFile(path.join(lq, name));
      await sharp(data, { raw: { width: info.width, height: info.height, channels: 3 } }).resize(width, height, { kernel: 'cubic' }).png().toFile(path.join(methods[0]!.dir, name));
      const big = await up.upsample({ width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) }, signal ? { signal } : {});
      await writeImage(path.join(methods[1]!.dir, name), big);
    }
  } finally {
    await up.dispose();
  }
  return { lq, methods };
}
