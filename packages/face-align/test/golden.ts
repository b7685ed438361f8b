import { readFileSync } from 'node:fs';
import sharp from 'sharp';
import type { ColorImage } from '@diffmac/base';
import { goldenUrl } from '../../../scripts/golden.mjs';

/** The golden data in use (scripts/golden.mjs: $DIFFMAC_GOLDEN, ../shared/golden, or the repository copy). */
export const goldenRoot = new URL('', goldenUrl());
export const alignRoot = new URL('align/', goldenRoot);

export interface GoldenFace {
  face: string;
  landmarks: [number, number][];
  affine_matrix: [number[], number[]];
  lmeds_inliers: number[];
  least_squares_similarity_for_comparison: [number[], number[]];
  aligned_crop: string;
  inverse_affine: [number[], number[]];
  inverse_affine_used_in_paste: [number[], number[]];
}

export interface GoldenCase {
  id: string;
  input: string;
  input_size_wh: [number, number];
  upscale_factor: number;
  face_size: [number, number];
  border_value_bgr: [number, number, number];
  face_template: [number, number][];
  faces: GoldenFace[];
  pasted: string;
  pasted_size_wh: [number, number];
  paste_internals: { erode1_kernel: number[]; erode2_kernel: number[]; w_edge: number; gaussian_ksize: number[] }[];
  background?: string;
  [key: string]: unknown;
}

export function loadCases(): GoldenCase[] {
  const json = JSON.parse(readFileSync(new URL('expected.json', alignRoot), 'utf8')) as { cases: GoldenCase[] };
  return json.cases;
}

/** Decode a PNG as 8-bit RGB. */
export async function readRgb(url: URL): Promise<ColorImage<Uint8Array>> {
  const { data, info } = await sharp(url.pathname).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
}

export function flat(m: [number[], number[]]): [number, number, number, number, number, number] {
  return [m[0][0]!, m[0][1]!, m[0][2]!, m[1][0]!, m[1][1]!, m[1][2]!];
}

/** Max and mean absolute difference, and how many values differ. */
export function diff(a: ArrayLike<number>, b: ArrayLike<number>): { max: number; mean: number; count: number } {
  let max = 0, sum = 0, count = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    if (d > max) max = d;
    if (d > 0) count++;
    sum += d;
  }
  return { max, mean: sum / a.length, count };
}
