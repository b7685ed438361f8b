/**
 * Colour correction after diffusion (PROTOCOLS.md §5, as StableSR / DiffBIR write it): AdaIN
 * (match each channel's mean and unbiased standard deviation to a reference) and the wavelet fix
 * (keep the restored image's high frequencies, take the reference's lowest band).
 */
import { DiffmacError } from '@diffmac/base';
import type { Tensor } from '../inference/types';
import { assertFloat32, assertShape, formatShape } from '../tensor/shape';

/** Options shared by the colour fixes. */
export interface ColourFixOptions {
  /** Clamp the result to [0, 1] (default true: the images are in [0, 1]). */
  clamp?: boolean;
}

/** Options of {@link waveletColourFix}. */
export interface WaveletColourFixOptions extends ColourFixOptions {
  /** Decomposition levels (default 5); level i blurs with dilation and replicate padding 2^i. */
  levels?: number;
}

/** Which colour fix a pipeline applies: `'adain'`, `'wavelet'` or `'none'`. */
export type ColourFixKind = 'adain' | 'wavelet' | 'none';

/** The AdaIN epsilon added to the unbiased variance (StableSR's `calc_mean_std`). */
export const ADAIN_EPSILON = 1e-5;

function checkPair(image: Tensor, reference: Tensor, sameSize: boolean): [number, number, number, number, number, number] {
  const [n, c, h, w] = assertShape(image, [null, null, null, null], 'image') as [number, number, number, number];
  const [rn, rc, rh, rw] = assertShape(reference, [null, null, null, null], 'reference') as [number, number, number, number];
  assertFloat32(image, 'image');
  assertFloat32(reference, 'reference');
  if (rn !== n || rc !== c || (sameSize && (rh !== h || rw !== w))) {
    const expected = sameSize ? formatShape(image.shape) : `[${n}, ${c}, H, W]`;
    throw new DiffmacError('TENSOR_SHAPE_MISMATCH', `Expected ${expected} for reference, received ${formatShape(reference.shape)}`, {
      argument: 'reference',
      expected,
      received: formatShape(reference.shape),
    });
  }
  return [n, c, h, w, rh, rw];
}

/** Mean and `sqrt(unbiased variance + eps)` of `count` values from `offset` (float64). @internal */
export function channelMeanStd(data: Float32Array, offset: number, count: number, eps = ADAIN_EPSILON): [number, number] {
  let sum = 0;
  for (let i = 0; i < count; i++) sum += data[offset + i]!;
  const mean = sum / count;
  let ss = 0;
  for (let i = 0; i < count; i++) {
    const d = data[offset + i]! - mean;
    ss += d * d;
  }
  const variance = count > 1 ? ss / (count - 1) : 0;
  return [mean, Math.sqrt(variance + eps)];
}

/**
 * AdaIN colour fix: for every image and channel, `(x − mean_x) / std_x · std_ref + mean_ref` with
 * `std = sqrt(unbiased variance + 1e-5)`, then clamped to [0, 1]. `image` and `reference` are
 * float32 `[N, C, H, W]` in [0, 1]; the reference may have another height and width. Returns a new
 * tensor.
 *
 * @example
 * const fixed = adainColourFix(restored, lowQuality); // restored's detail, the input's colours
 */
export function adainColourFix(image: Tensor, reference: Tensor, options: ColourFixOptions = {}): Tensor {
  const [n, c, h, w, rh, rw] = checkPair(image, reference, false);
  const x = image.data as Float32Array;
  const r = reference.data as Float32Array;
  const clamp = options.clamp ?? true;
  const out = new Float32Array(x.length);
  const plane = h * w;
  const refPlane = rh * rw;
  for (let i = 0; i < n * c; i++) {
    const [mx, sx] = channelMeanStd(x, i * plane, plane);
    const [mr, sr] = channelMeanStd(r, i * refPlane, refPlane);
    const scale = sr / sx;
    for (let k = i * plane, end = k + plane; k < end; k++) {
      const v = (x[k]! - mx) * scale + mr;
      out[k] = clamp ? (v < 0 ? 0 : v > 1 ? 1 : v) : v;
    }
  }
  return { data: out, shape: [...image.shape] };
}

/**
 * One wavelet blur of one plane: the 3×3 kernel `[1,2,1]⊗[1,2,1]/16` with dilation `radius`
 * over the plane padded by `radius` with replicate (edge) padding, computed separably (rows, then
 * columns; replicate padding is separable too). `tmp` is a work plane of the same size.
 * @internal
 */
function waveletBlurPlane(src: Float32Array, h: number, w: number, radius: number, out: Float32Array, tmp: Float32Array | Float64Array = new Float64Array(h * w), high?: Float32Array, highOffset = 0): void {
  const r = radius;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const lo = Math.min(r, w);
    const hi = Math.max(lo, w - r);
    for (let x = 0; x < lo; x++) {
      const xl = x - r < 0 ? 0 : x - r;
      const xr = x + r >= w ? w - 1 : x + r;
      tmp[row + x] = 0.25 * src[row + xl]! + 0.5 * src[row + x]! + 0.25 * src[row + xr]!;
    }
    for (let i = row + lo, end = row + hi; i < end; i++) tmp[i] = 0.25 * src[i - r]! + 0.5 * src[i]! + 0.25 * src[i + r]!;
    for (let x = hi; x < w; x++) {
      const xl = x - r < 0 ? 0 : x - r;
      const xr = x + r >= w ? w - 1 : x + r;
      tmp[row + x] = 0.25 * src[row + xl]! + 0.5 * src[row + x]! + 0.25 * src[row + xr]!;
    }
  }
  for (let y = 0; y < h; y++) {
    const up = (y - r < 0 ? 0 : y - r) * w;
    const down = (y + r >= h ? h - 1 : y + r) * w;
    const row = y * w;
    if (high === undefined) {
      for (let x = 0; x < w; x++) out[row + x] = 0.25 * tmp[up + x]! + 0.5 * tmp[row + x]! + 0.25 * tmp[down + x]!;
    } else {
      // fused: out = blur(src), high += src − out (with out rounded to float32 first, as a separate pass would)
      for (let x = 0, i = row; x < w; x++, i++) {
        const v = Math.fround(0.25 * tmp[up + x]! + 0.5 * tmp[i]! + 0.25 * tmp[down + x]!);
        out[i] = v;
        high[highOffset + i] = high[highOffset + i]! + (src[i]! - v);
      }
    }
  }
}

/**
 * Split a `[N, C, H, W]` float32 tensor into its high frequencies (the sum of every level's detail)
 * and its lowest band after `levels` wavelet blurs (level i: dilation and padding 2^i). `high + low`
 * equals the input.
 *
 * @example
 * const { high, low } = waveletDecompose(image, 5);
 */
export function waveletDecompose(image: Tensor, levels = 5): { high: Tensor; low: Tensor } {
  const [n, c, h, w] = assertShape(image, [null, null, null, null], 'image') as [number, number, number, number];
  const x = assertFloat32(image, 'image');
  if (!Number.isInteger(levels) || levels < 1) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a positive integer for levels, received ${String(levels)}`, { argument: 'levels', expected: 'a positive integer', received: String(levels) });
  }
  const plane = h * w;
  const high = new Float32Array(x.length);
  const low = new Float32Array(x.length);
  const work = new Float32Array(plane);
  let current = new Float32Array(plane);
  let next = new Float32Array(plane);
  for (let p = 0; p < n * c; p++) {
    const off = p * plane;
    current.set(x.subarray(off, off + plane));
    for (let i = 0; i < levels; i++) {
      waveletBlurPlane(current, h, w, 2 ** i, next, work, high, off);
      const swap = current;
      current = next;
      next = swap;
    }
    low.set(current, off);
  }
  return { high: { data: high, shape: [...image.shape] }, low: { data: low, shape: [...image.shape] } };
}

/**
 * Wavelet colour fix: 5 levels of a 3×3 `[1,2,1]⊗[1,2,1]/16` blur with dilation `2^i` and
 * replicate padding `2^i`; the result is the restored image's high frequencies plus the
 * reference's lowest band, clamped to [0, 1]. Both tensors float32 `[N, C, H, W]` of one shape.
 *
 * @example
 * const fixed = waveletColourFix(restored, lowQuality);
 */
export function waveletColourFix(image: Tensor, reference: Tensor, options: WaveletColourFixOptions = {}): Tensor {
  checkPair(image, reference, true);
  const levels = options.levels ?? 5;
  const { high } = waveletDecompose(image, levels);
  const { low } = waveletDecompose(reference, levels);
  const clamp = options.clamp ?? true;
  const h = high.data as Float32Array;
  const l = low.data as Float32Array;
  const out = new Float32Array(h.length);
  for (let i = 0; i < out.length; i++) {
    const v = h[i]! + l[i]!;
    out[i] = clamp ? (v < 0 ? 0 : v > 1 ? 1 : v) : v;
  }
  return { data: out, shape: [...image.shape] };
}

/**
 * Apply the colour fix named `kind` (`'none'` returns a copy).
 *
 * @example
 * const fixed = colourFix('wavelet', restored, lowQuality);
 */
export function colourFix(kind: ColourFixKind, image: Tensor, reference: Tensor, options: WaveletColourFixOptions = {}): Tensor {
  if (kind === 'adain') return adainColourFix(image, reference, options);
  if (kind === 'wavelet') return waveletColourFix(image, reference, options);
  if (kind === 'none') return { data: Float32Array.from(assertFloat32(image, 'image')), shape: [...image.shape] };
  throw new DiffmacError('INVALID_ARGUMENT', `Expected 'adain', 'wavelet' or 'none' for kind, received ${JSON.stringify(kind)}`, {
    argument: 'kind',
    expected: "'adain' | 'wavelet' | 'none'",
    received: JSON.stringify(kind),
  });
}
