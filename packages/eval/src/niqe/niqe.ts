import { type ColorImage, DiffmacError, imresizeMatlab, type Plane32, roundHalfEven, symmetricPinv } from '@diffmac/base';
import { yOfPixel } from '../image/planes';
import { assertCropBorder, assertImage } from '../image/validate';
import { aggdGrid, blockFeatures } from './aggd';

const fround = Math.fround;

/**
 * The pristine multivariate Gaussian NIQE compares against, as data (BasicSR's
 * `niqe_pris_params.npz`: `mu_pris_param`, `cov_pris_param`, `gaussian_window`). Row-major float64.
 */
export interface NiqeParams {
  /** Mean of the 36 features. */
  readonly mu: Float64Array;
  /** 36 x 36 covariance, row-major. */
  readonly cov: Float64Array;
  /** Square smoothing window (7 x 7 in BasicSR), row-major. */
  readonly gaussianWindow: Float64Array;
}

/** Options of {@link niqe}. */
export interface NiqeOptions {
  /** Pixels cut from every edge after the Y conversion (BasicSR `crop_border`). Default 0. */
  cropBorder?: number;
  params: NiqeParams;
  /** Block size (BasicSR: 96, no overlap). */
  blockSize?: number;
}


const isNumbers = (v: unknown): v is ArrayLike<number> =>
  v instanceof Float64Array || v instanceof Float32Array || (Array.isArray(v) && v.every((x) => typeof x === 'number'));

/** Validate the pristine parameters and bring them to Float64Array (plain number arrays are accepted). */
function checkParams(params: NiqeParams | undefined): NiqeParams {
  if (!params || !isNumbers(params.mu) || !isNumbers(params.cov) || !isNumbers(params.gaussianWindow)) {
    throw new DiffmacError('INVALID_ARGUMENT', 'Expected params { mu, cov, gaussianWindow } as Float64Arrays (row-major) for niqe', {
      argument: 'params',
      expected: '{ mu: Float64Array, cov: Float64Array, gaussianWindow: Float64Array }',
      received: params === undefined || params === null ? String(params) : Object.keys(params).join(', '),
    });
  }
  const mu = Float64Array.from(params.mu);
  const cov = Float64Array.from(params.cov);
  const gaussianWindow = Float64Array.from(params.gaussianWindow);
  const nf = mu.length;
  const k = Math.round(Math.sqrt(gaussianWindow.length));
  if (nf !== 36 || cov.length !== nf * nf || k * k !== gaussianWindow.length || k % 2 !== 1) {
    const received = `mu(${nf}), cov(${cov.length}), gaussianWindow(${gaussianWindow.length})`;
    throw new DiffmacError('INVALID_ARGUMENT', `Expected mu(36), cov(1296) and an odd square gaussianWindow for params, received ${received}`, {
      argument: 'params',
      expected: 'mu(36), cov(1296), odd square gaussianWindow',
      received,
    });
  }
  return { mu, cov, gaussianWindow };
}

/**
 * NIQE (Mittal et al.), exactly as BasicSR's `calculate_niqe(img, crop_border, 'HWC', 'y')`: float32
 * Y channel, rounded; 96 x 96 blocks; two scales with BasicSR's float32 intermediates (MSCN maps
 * rounded to float32 at each step, MATLAB-style bicubic half-size resize in float32); 36
 * features per block; `sqrt((mu_p - mu_d) pinv((cov_p + cov_d)/2) (mu_p - mu_d)ᵀ)`. Lower is better.
 * The pristine parameters are data: pass them in (BasicSR ships them as `niqe_pris_params.npz`).
 *
 * @example
 * const score = niqe(img, { cropBorder: 0, params: { mu, cov, gaussianWindow } });
 */
export function niqe(img: ColorImage, options: NiqeOptions): number {
  assertImage('img', img);
  const params = checkParams(options?.params);
  const cropBorder = options.cropBorder ?? 0;
  assertCropBorder(cropBorder, img.width, img.height);
  const blockSize = options.blockSize ?? 96;
  if (!Number.isInteger(blockSize) || blockSize < 2) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected an integer blockSize >= 2, received ${String(blockSize)}`, { argument: 'blockSize', expected: 'an integer >= 2', received: String(blockSize) });
  }
  return niqeOfLuma(niqeLuma(img, cropBorder), params, blockSize);
}

/**
 * The image NIQE scores: BasicSR's float32 Y channel, cropped, rounded half-to-even.
 *
 * @example
 * const y = niqeLuma(img, 0); // { width, height, data: Float32Array }
 */
export function niqeLuma(img: ColorImage, cropBorder: number): Plane32 {
  const width = img.width - 2 * cropBorder;
  const height = img.height - 2 * cropBorder;
  const c = img.channels;
  const scale = img.data instanceof Uint8Array ? 1 : 255;
  const out = new Float32Array(width * height);
  for (let r = 0; r < height; r++) {
    let s = ((r + cropBorder) * img.width + cropBorder) * c;
    for (let col = 0; col < width; col++, s += c) {
      const v = yOfPixel((img.data[s] as number) * scale, (img.data[s + 1] as number) * scale, (img.data[s + 2] as number) * scale);
      out[r * width + col] = roundHalfEven(v);
    }
  }
  return { width, height, data: out };
}

/** scipy.ndimage.convolve(x, window, mode='nearest') on float32 input: float64 sums, float32 output. */
function convolveNearest(x: Float32Array, width: number, height: number, window: Float64Array, k: number): Float32Array {
  const out = new Float32Array(width * height);
  const c = Math.floor(k / 2);
  for (let i = 0; i < height; i++) {
    for (let j = 0; j < width; j++) {
      let s = 0;
      for (let a = 0; a < k; a++) {
        const ii = Math.min(Math.max(i + c - a, 0), height - 1) * width;
        for (let b = 0; b < k; b++) {
          const jj = Math.min(Math.max(j + c - b, 0), width - 1);
          s += (window[a * k + b] as number) * (x[ii + jj] as number);
        }
      }
      out[i * width + j] = s;
    }
  }
  return out;
}

/** MSCN coefficients `(img - mu) / (sigma + 1)` with every step rounded to float32, as BasicSR's numpy/scipy code. */
function mscn(img: Plane32, window: Float64Array, k: number): Float32Array {
  const { width, height, data } = img;
  const n = width * height;
  const mu = convolveNearest(data, width, height, window, k);
  const sq = new Float32Array(n);
  for (let i = 0; i < n; i++) sq[i] = (data[i] as number) * (data[i] as number);
  const e2 = convolveNearest(sq, width, height, window, k);
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    const m = mu[i] as number;
    const diff = fround((e2[i] as number) - fround(m * m));
    const sigma = fround(Math.sqrt(Math.abs(diff)));
    out[i] = fround((data[i] as number) - m) / fround(sigma + 1);
  }
  return out;
}

/**
 * Per-block NIQE features of a luma plane: one row of 36 numbers per block (18 at full scale,
 * 18 at half scale), blocks in BasicSR's column-major order.
 *
 * @example
 * const rows = niqeFeatures(niqeLuma(img, 0), params.gaussianWindow); // 25 rows for 512x512
 */
export function niqeFeatures(luma: Plane32, gaussianWindow: Float64Array, blockSize = 96): number[][] {
  const k = Math.round(Math.sqrt(gaussianWindow.length));
  const nbH = Math.floor(luma.height / blockSize);
  const nbW = Math.floor(luma.width / blockSize);
  if (nbH < 1 || nbW < 1) {
    throw new DiffmacError('IMAGE_TOO_SMALL', `Expected at least ${blockSize}x${blockSize} pixels for NIQE, received ${luma.height}x${luma.width}`, {
      argument: 'img',
      expected: `at least ${blockSize}x${blockSize} pixels`,
      received: `${luma.height}x${luma.width}`,
    });
  }
  const w = nbW * blockSize;
  const h = nbH * blockSize;
  let img: Plane32 = { width: w, height: h, data: new Float32Array(w * h) };
  for (let r = 0; r < h; r++) img.data.set(luma.data.subarray(r * luma.width, r * luma.width + w), r * w);
  const grid = aggdGrid();
  const rows: number[][] = Array.from({ length: nbH * nbW }, () => []);
  for (const scale of [1, 2]) {
    const n = mscn(img, gaussianWindow, k);
    let b = 0;
    for (let bw = 0; bw < nbW; bw++) {
      for (let bh = 0; bh < nbH; bh++, b++) {
        const r0 = Math.floor((bh * blockSize) / scale);
        const r1 = Math.floor(((bh + 1) * blockSize) / scale);
        const c0 = Math.floor((bw * blockSize) / scale);
        const c1 = Math.floor(((bw + 1) * blockSize) / scale);
        const bwid = c1 - c0;
        const block = new Float32Array((r1 - r0) * bwid);
        for (let r = r0; r < r1; r++) block.set(n.subarray(r * img.width + c0, r * img.width + c1), (r - r0) * bwid);
        (rows[b] as number[]).push(...blockFeatures(block, bwid, r1 - r0, grid));
      }
    }
    if (scale === 1) {
      const scaled = new Float32Array(img.data.length);
      for (let i = 0; i < scaled.length; i++) scaled[i] = (img.data[i] as number) / 255;
      const half = imresizeMatlab({ width: img.width, height: img.height, data: scaled }, 0.5, true);
      for (let i = 0; i < half.data.length; i++) half.data[i] = (half.data[i] as number) * 255;
      img = half;
    }
  }
  return rows;
}

/**
 * NIQE of a luma plane (0–255 float32), given the pristine parameters.
 *
 * @example
 * niqeOfLuma(niqeLuma(img, 0), params);
 */
export function niqeOfLuma(luma: Plane32, params: NiqeParams, blockSize = 96): number {
  const p = checkParams(params);
  const rows = niqeFeatures(luma, p.gaussianWindow, blockSize);
  return niqeFromFeatures(rows, p, p.mu.length);
}

function niqeFromFeatures(rows: number[][], params: NiqeParams, nf: number): number {
  const mu = new Float64Array(nf);
  for (let f = 0; f < nf; f++) {
    let s = 0;
    let count = 0;
    for (const row of rows) {
      const v = row[f] as number;
      if (!Number.isNaN(v)) {
        s += v;
        count++;
      }
    }
    mu[f] = s / count;
  }
  const clean = rows.filter((row) => row.every((v) => !Number.isNaN(v)));
  const m = clean.length;
  const mean = new Float64Array(nf);
  for (const row of clean) for (let f = 0; f < nf; f++) mean[f] = (mean[f] as number) + (row[f] as number);
  for (let f = 0; f < nf; f++) mean[f] = (mean[f] as number) / m;
  const cov = new Float64Array(nf * nf);
  for (let a = 0; a < nf; a++) {
    for (let b = a; b < nf; b++) {
      let s = 0;
      for (const row of clean) s += ((row[a] as number) - (mean[a] as number)) * ((row[b] as number) - (mean[b] as number));
      const v = s / (m - 1);
      cov[a * nf + b] = v;
      cov[b * nf + a] = v;
    }
  }
  const avg = new Float64Array(nf * nf);
  for (let i = 0; i < avg.length; i++) avg[i] = ((params.cov[i] as number) + (cov[i] as number)) / 2;
  const inv = symmetricPinv(avg, nf);
  const d = new Float64Array(nf);
  for (let f = 0; f < nf; f++) d[f] = (params.mu[f] as number) - (mu[f] as number);
  let q = 0;
  for (let i = 0; i < nf; i++) {
    let row = 0;
    for (let j = 0; j < nf; j++) row += (inv[i * nf + j] as number) * (d[j] as number);
    q += (d[i] as number) * row;
  }
  return Math.sqrt(q);
}
