import { roundHalfEven } from '../numeric/round-half-even';
import type { AffineMatrix } from '../geometry/affine-matrix';
import { borderIndex, type BorderMode } from './border-cv';

/**
 * OpenCV's per-column coordinate terms of warpAffine: `round(M00·x·1024)` and `round(M10·x·1024)`
 * (round half to even), for the window's columns.
 */
function columnTerms(m0: number, m3: number, window: OutputWindow): [Int32Array, Int32Array] {
  const adelta = new Int32Array(window.width);
  const bdelta = new Int32Array(window.width);
  for (let i = 0; i < window.width; i++) {
    const x = window.x + i;
    adelta[i] = roundHalfEven(m0 * x * 1024);
    bdelta[i] = roundHalfEven(m3 * x * 1024);
  }
  return [adelta, bdelta];
}

/** OpenCV's per-row term `round((M01·y + M02)·1024) + 16` (16 = half of a 1/32-px step, in 1/1024 px). */
function rowTerm(a: number, b: number, y: number): number {
  return roundHalfEven((a * y + b) * 1024) + 16;
}

/** Interleaved pixels plus their layout. */
export interface InterleavedPixels<D extends Uint8Array | Float32Array = Uint8Array | Float32Array> {
  data: D;
  width: number;
  height: number;
  channels: number;
}

/** Where in the full output the computed window lies. */
export interface OutputWindow {
  x: number;
  y: number;
  width: number;
  height: number;
}

const f32 = Math.fround;

/**
 * OpenCV's bilinear `warpAffine` on a window of the output: `inverse` maps output pixels to source
 * pixels; coordinates are quantised to 1/32 px exactly as OpenCV does (1024-scaled integer row and
 * column terms, round half to even); uint8 weights are the 15-bit fixed-point table, float weights
 * the float table with float32 sums. `out` has `window.width × window.height × src.channels` values.
 */
export function warpBilinear(
  src: InterleavedPixels,
  inverse: AffineMatrix,
  out: Uint8Array | Float32Array,
  window: OutputWindow,
  border: BorderMode,
  borderValue: readonly number[]
): void {
  if (src.data instanceof Uint8Array) warpU8(src as InterleavedPixels<Uint8Array>, inverse, out as Uint8Array, window, border, borderValue);
  else warpF32(src as InterleavedPixels<Float32Array>, inverse, out as Float32Array, window, border, borderValue);
}

function warpU8(src: InterleavedPixels<Uint8Array>, inverse: AffineMatrix, out: Uint8Array, window: OutputWindow, border: BorderMode, borderValue: readonly number[]): void {
  const { width: sw, height: sh, channels: cn } = src;
  const [m0, m1, m2, m3, m4, m5] = inverse;
  const ww = window.width;
  const [adelta, bdelta] = columnTerms(m0, m3, window);
  const constant = border === 'constant';
  const stride = sw * cn;
  for (let j = 0; j < window.height; j++) {
    const y = window.y + j;
    const X0 = rowTerm(m1, m2, y);
    const Y0 = rowTerm(m4, m5, y);
    let o = j * ww * cn;
    const S = src.data;
    const D = out;
    for (let i = 0; i < ww; i++, o += cn) {
      const X = (X0 + adelta[i]!) >> 5;
      const Y = (Y0 + bdelta[i]!) >> 5;
      const sx = X >> 5,
        sy = Y >> 5,
        fx = X & 31,
        fy = Y & 31;
      const w00 = (32 - fy) * (32 - fx) * 32,
        w01 = (32 - fy) * fx * 32,
        w10 = fy * (32 - fx) * 32,
        w11 = fy * fx * 32;
      if (sx >= 0 && sy >= 0 && sx < sw - 1 && sy < sh - 1) {
        const p = sy * stride + sx * cn;
        if (cn === 3) {
          const q = p + stride;
          D[o] = (w00 * S[p]! + w01 * S[p + 3]! + w10 * S[q]! + w11 * S[q + 3]! + 16384) >> 15;
          D[o + 1] = (w00 * S[p + 1]! + w01 * S[p + 4]! + w10 * S[q + 1]! + w11 * S[q + 4]! + 16384) >> 15;
          D[o + 2] = (w00 * S[p + 2]! + w01 * S[p + 5]! + w10 * S[q + 2]! + w11 * S[q + 5]! + 16384) >> 15;
        } else {
          for (let k = 0; k < cn; k++) {
            const q = p + k;
            D[o + k] = (w00 * S[q]! + w01 * S[q + cn]! + w10 * S[q + stride]! + w11 * S[q + stride + cn]! + 16384) >> 15;
          }
        }
      } else if (constant && (sx >= sw || sx + 1 < 0 || sy >= sh || sy + 1 < 0)) {
        for (let k = 0; k < cn; k++) D[o + k] = borderValue[k]!;
      } else {
        const x0 = borderIndex(sx, sw, border),
          x1 = borderIndex(sx + 1, sw, border);
        const y0 = borderIndex(sy, sh, border),
          y1 = borderIndex(sy + 1, sh, border);
        for (let k = 0; k < cn; k++) {
          const bv = borderValue[k]!;
          const v00 = x0 >= 0 && y0 >= 0 ? S[y0 * stride + x0 * cn + k]! : bv;
          const v01 = x1 >= 0 && y0 >= 0 ? S[y0 * stride + x1 * cn + k]! : bv;
          const v10 = x0 >= 0 && y1 >= 0 ? S[y1 * stride + x0 * cn + k]! : bv;
          const v11 = x1 >= 0 && y1 >= 0 ? S[y1 * stride + x1 * cn + k]! : bv;
          D[o + k] = (w00 * v00 + w01 * v01 + w10 * v10 + w11 * v11 + 16384) >> 15;
        }
      }
    }
  }
}

function warpF32(
  src: InterleavedPixels<Float32Array>,
  inverse: AffineMatrix,
  out: Float32Array,
  window: OutputWindow,
  border: BorderMode,
  borderValue: readonly number[]
): void {
  const { width: sw, height: sh, channels: cn } = src;
  const [m0, m1, m2, m3, m4, m5] = inverse;
  const ww = window.width;
  const [adelta, bdelta] = columnTerms(m0, m3, window);
  const constant = border === 'constant';
  const stride = sw * cn;
  for (let j = 0; j < window.height; j++) {
    const y = window.y + j;
    const X0 = rowTerm(m1, m2, y);
    const Y0 = rowTerm(m4, m5, y);
    let o = j * ww * cn;
    const S = src.data;
    const D = out;
    for (let i = 0; i < ww; i++, o += cn) {
      const X = (X0 + adelta[i]!) >> 5;
      const Y = (Y0 + bdelta[i]!) >> 5;
      const sx = X >> 5,
        sy = Y >> 5,
        fx = X & 31,
        fy = Y & 31;
      const ax = fx / 32,
        ay = fy / 32;
      const w00 = (1 - ay) * (1 - ax),
        w01 = (1 - ay) * ax,
        w10 = ay * (1 - ax),
        w11 = ay * ax;
      if (sx >= 0 && sy >= 0 && sx < sw - 1 && sy < sh - 1) {
        const p = sy * stride + sx * cn;
        for (let k = 0; k < cn; k++) {
          const q = p + k;
          D[o + k] = f32(f32(f32(f32(S[q]! * w00) + f32(S[q + cn]! * w01)) + f32(S[q + stride]! * w10)) + f32(S[q + stride + cn]! * w11));
        }
      } else if (constant && (sx >= sw || sx + 1 < 0 || sy >= sh || sy + 1 < 0)) {
        for (let k = 0; k < cn; k++) D[o + k] = borderValue[k]!;
      } else {
        const x0 = borderIndex(sx, sw, border),
          x1 = borderIndex(sx + 1, sw, border);
        const y0 = borderIndex(sy, sh, border),
          y1 = borderIndex(sy + 1, sh, border);
        for (let k = 0; k < cn; k++) {
          const bv = f32(borderValue[k]!);
          const v00 = x0 >= 0 && y0 >= 0 ? S[y0 * stride + x0 * cn + k]! : bv;
          const v01 = x1 >= 0 && y0 >= 0 ? S[y0 * stride + x1 * cn + k]! : bv;
          const v10 = x0 >= 0 && y1 >= 0 ? S[y1 * stride + x0 * cn + k]! : bv;
          const v11 = x1 >= 0 && y1 >= 0 ? S[y1 * stride + x1 * cn + k]! : bv;
          D[o + k] = f32(f32(f32(f32(v00 * w00) + f32(v01 * w01)) + f32(v10 * w10)) + f32(v11 * w11));
        }
      }
    }
  }
}

/**
 * {@link warpBilinear} of an all-ones float plane of `sw × sh` with a zero constant border (the
 * paste-back mask), without reading a source: inside pixels are exactly 1 (the weights are dyadic
 * and sum to 1), border pixels sum the weights of the taps that fall inside, in float32 order.
 */
export function warpOnes(sw: number, sh: number, inverse: AffineMatrix, out: Float32Array, window: OutputWindow): void {
  const [m0, m1, m2, m3, m4, m5] = inverse;
  const ww = window.width;
  const [adelta, bdelta] = columnTerms(m0, m3, window);
  for (let j = 0; j < window.height; j++) {
    const y = window.y + j;
    const X0 = rowTerm(m1, m2, y);
    const Y0 = rowTerm(m4, m5, y);
    const o = j * ww;
    for (let i = 0; i < ww; i++) {
      const X = (X0 + adelta[i]!) >> 5;
      const Y = (Y0 + bdelta[i]!) >> 5;
      const sx = X >> 5,
        sy = Y >> 5;
      if (sx >= 0 && sy >= 0 && sx < sw - 1 && sy < sh - 1) {
        out[o + i] = 1;
      } else if (sx >= sw || sx + 1 < 0 || sy >= sh || sy + 1 < 0) {
        out[o + i] = 0;
      } else {
        const ax = (X & 31) / 32,
          ay = (Y & 31) / 32;
        const in0 = sx >= 0 && sx < sw,
          in1 = sx + 1 >= 0 && sx + 1 < sw;
        const r0 = sy >= 0 && sy < sh,
          r1 = sy + 1 >= 0 && sy + 1 < sh;
        const v00 = in0 && r0 ? 1 : 0,
          v01 = in1 && r0 ? 1 : 0,
          v10 = in0 && r1 ? 1 : 0,
          v11 = in1 && r1 ? 1 : 0;
        out[o + i] = f32(f32(f32(f32(v00 * (1 - ay) * (1 - ax)) + f32(v01 * (1 - ay) * ax)) + f32(v10 * ay * (1 - ax))) + f32(v11 * ay * ax));
      }
    }
  }
}
