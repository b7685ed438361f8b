import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import type { ColorImage } from '@diffmac/base';
import { goldenUrl } from '../../../scripts/golden.mjs';

/** The shared golden metrics folder. */
export const goldenDir = goldenUrl('metrics');

export function goldenPath(rel: string): string {
  return fileURLToPath(new URL(rel, goldenDir));
}

export function readGoldenJson<T = unknown>(rel: string): T {
  return JSON.parse(readFileSync(goldenPath(rel), 'utf8')) as T;
}

/** Read a PNG as uint8 RGB, the pixels cv2.imread gives (in RGB order). */
export async function readPng(rel: string): Promise<ColorImage<Uint8Array>> {
  const { data, info } = await sharp(goldenPath(rel)).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}
