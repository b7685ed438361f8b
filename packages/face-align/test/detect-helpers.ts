import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { goldenUrl } from '../../../scripts/golden.mjs';

/** The golden alignment data in use (scripts/golden.mjs). */
export const alignDir = goldenUrl('align');

/** One cache outside the repository for every detection test run (conversion happens once). */
export const testCacheDir = join(tmpdir(), 'diffmac-face-align-test-cache');

export interface RgbImage {
  width: number;
  height: number;
  channels: 3;
  data: Uint8Array;
}

export async function readRgb(url: URL | string): Promise<RgbImage> {
  const { data, info } = await sharp(typeof url === 'string' ? url : url.pathname).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.byteLength) };
}

export function crop(img: RgbImage, x: number, y: number, w: number, h: number): RgbImage {
  const data = new Uint8Array(w * h * 3);
  for (let r = 0; r < h; r++) data.set(img.data.subarray(((y + r) * img.width + x) * 3, ((y + r) * img.width + x + w) * 3), r * w * 3);
  return { width: w, height: h, channels: 3, data };
}

export interface AlignFace {
  input: string;
  face: string;
  landmarks: [number, number][];
}

/** Every face of the visible golden cases with its hand-placed 5 landmarks. */
export function goldenFaces(): AlignFace[] {
  const json = JSON.parse(readFileSync(new URL('expected.json', alignDir), 'utf8')) as {
    cases: { input: string; faces: { face: string; landmarks: [number, number][] }[] }[];
  };
  return json.cases.flatMap((c) => c.faces.map((f) => ({ input: c.input, face: f.face, landmarks: f.landmarks })));
}

export const dist = (a: readonly number[], b: readonly number[]) => Math.hypot((a[0] as number) - (b[0] as number), (a[1] as number) - (b[1] as number));
