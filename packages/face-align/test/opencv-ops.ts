import { readFileSync } from 'node:fs';

/** Small OpenCV 4.6 results made by fixtures/make-opencv-fixtures.py. */
export interface OpenCvOps {
  lmeds: { src: [number, number][]; dst: [number, number][]; matrix: number[] | null; inliers: number[] | null }[];
  warp: {
    border: 'constant' | 'reflect' | 'reflect101' | 'replicate';
    w: number; h: number; cn: 3 | 4; img: number[]; matrix: number[]; ow: number; oh: number;
    borderValue: number[]; out: number[]; fimg: number[]; fborderValue: number[]; fout: number[];
  }[];
  lanczos: { w: number; h: number; cn: 3 | 4; ow: number; oh: number; img: number[]; out: number[]; fimg: number[]; fout: number[] }[];
  blur: { k: number; w: number; h: number; img: number[]; out: number[] }[];
  erode: { k: number; w: number; h: number; img: number[]; out: number[] }[];
  gaussian_kernels: Record<string, number[]>;
}

export const ops = JSON.parse(readFileSync(new URL('fixtures/opencv-ops.json', import.meta.url), 'utf8')) as OpenCvOps;
