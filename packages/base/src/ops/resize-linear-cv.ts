import { invalidArgument } from '../errors';
import type { FloatImage } from '../image';

const f = Math.fround;

/**
 * Resize a float image as OpenCV's `cv2.resize(img, (width, height), interpolation=INTER_LINEAR)`
 * does for float32 input: pixel-centre mapping `(d + 0.5)·scale − 0.5`, edge samples clamped,
 * float32 weights and arithmetic, no antialiasing when shrinking, and OpenCV's switch to
 * INTER_AREA (2×2 means) for an exact 2× reduction on both axes.
 *
 * @example
 * const small = resizeLinear(image, Math.floor(512 / 3.7), Math.floor(512 / 3.7));
 */
export function resizeLinear(image: FloatImage, width: number, height: number): FloatImage {
  if (!Number.isInteger(width) || width < 1) invalidArgument('width', 'a positive integer', width);
  if (!Number.isInteger(height) || height < 1) invalidArgument('height', 'a positive integer', height);
  const { width: sw, height: sh, channels: c, data } = image;
  if (sw === width && sh === height) return { width, height, channels: c, data: data.slice() };
  const scaleX = 1 / (width / sw);
  const scaleY = 1 / (height / sh);
  if (scaleX === 2 && scaleY === 2) return halve(image);

  const xs = axisTaps(width, sw, scaleX);
  const ys = axisTaps(height, sh, scaleY);
  const out = new Float32Array(width * height * c);
  const row0 = new Float32Array(width * c);
  const row1 = new Float32Array(width * c);
  const horizontal = (sy: number, into: Float32Array) => {
    const base = sy * sw * c;
    for (let dx = 0; dx < width; dx++) {
      const s0 = base + xs.index0[dx]! * c;
      const s1 = base + xs.index1[dx]! * c;
      const a0 = xs.w0[dx]!;
      const a1 = xs.w1[dx]!;
      for (let ch = 0; ch < c; ch++) into[dx * c + ch] = f(f(data[s0 + ch]! * a0) + f(data[s1 + ch]! * a1));
    }
  };
  for (let dy = 0; dy < height; dy++) {
    horizontal(ys.index0[dy]!, row0);
    horizontal(ys.index1[dy]!, row1);
    const b0 = ys.w0[dy]!;
    const b1 = ys.w1[dy]!;
    const o = dy * width * c;
    for (let i = 0; i < width * c; i++) out[o + i] = f(f(row0[i]! * b0) + f(row1[i]! * b1));
  }
  return { width, height, channels: c, data: out };
}

/** Source indices and float32 weights along one axis, with OpenCV's border clamping. */
function axisTaps(dst: number, src: number, scale: number) {
  const index0 = new Int32Array(dst);
  const index1 = new Int32Array(dst);
  const w0 = new Float32Array(dst);
  const w1 = new Float32Array(dst);
  for (let d = 0; d < dst; d++) {
    let fx = f((d + 0.5) * scale - 0.5);
    let sx = Math.floor(fx);
    fx = f(fx - sx);
    if (sx < 0) {
      fx = 0;
      sx = 0;
    }
    if (sx >= src - 1) {
      fx = 0;
      sx = src - 1;
    }
    index0[d] = sx;
    index1[d] = Math.min(sx + 1, src - 1);
    w0[d] = f(1 - fx);
    w1[d] = fx;
  }
  return { index0, index1, w0, w1 };
}

/** OpenCV's INTER_AREA fast path for an exact 2× reduction: mean of each 2×2 block. */
function halve(image: FloatImage): FloatImage {
  const { width: sw, channels: c, data } = image;
  const width = Math.floor(sw / 2);
  const height = Math.floor(image.height / 2);
  const out = new Float32Array(width * height * c);
  for (let y = 0; y < height; y++) {
    const r0 = 2 * y * sw * c;
    const r1 = (2 * y + 1) * sw * c;
    for (let x = 0; x < width; x++) {
      for (let ch = 0; ch < c; ch++) {
        const a = r0 + 2 * x * c + ch;
        const b = r1 + 2 * x * c + ch;
        out[(y * width + x) * c + ch] = f(f(f(data[a]! + data[a + c]!) + f(data[b]! + data[b + c]!)) * 0.25);
      }
    }
  }
  return { width, height, channels: c, data: out };
}

// 8-bit: OpenCV's fixed-point path.

/** One axis of OpenCV's INTER_LINEAR map: source index and 11-bit fixed-point weights per output. */
function fixedPointAxis(src: number, dst: number, clamp: boolean): { index: Int32Array; w0: Int32Array; w1: Int32Array } {
  const scale = src / dst;
  const index = new Int32Array(dst);
  const w0 = new Int32Array(dst);
  const w1 = new Int32Array(dst);
  for (let d = 0; d < dst; d++) {
    let f = Math.fround((d + 0.5) * scale - 0.5);
    let s = Math.floor(f);
    f = Math.fround(f - s);
    // columns are clamped with zero weight (cv2's xmin/xmax); rows keep their weights and read
    // clipped row indices (both taps may hit the same edge row)
    if (clamp && s < 0) {
      f = 0;
      s = 0;
    }
    if (clamp && s >= src - 1) {
      f = 0;
      s = src - 1;
    }
    index[d] = s;
    const a1 = Math.round(f * 2048);
    w1[d] = a1;
    w0[d] = Math.round(Math.fround(1 - f) * 2048);
  }
  return { index, w0, w1 };
}

/**
 * OpenCV's `cv2.resize(img, (dstW, dstH), interpolation=INTER_LINEAR)` on 8-bit planes, with its
 * fixed-point arithmetic (11-bit weights, the x86 SIMD vertical pass
 * `((b0·(S0>>4))>>16 + (b1·(S1>>4))>>16 + 2) >> 2`): half-pixel centres, no antialiasing.
 * `src` is interleaved with `channels` channels.
 *
 * @example
 * const small = resizeLinearU8(gray, 512, 512, 1, 128, 128);
 */
export function resizeLinearU8(src: Uint8Array, width: number, height: number, channels: number, dstW: number, dstH: number): Uint8Array {
  const ax = fixedPointAxis(width, dstW, true);
  const ay = fixedPointAxis(height, dstH, false);
  const rowLen = dstW * channels;
  const hrow = (y: number): Int32Array => {
    const out = new Int32Array(rowLen);
    const base = y * width * channels;
    for (let d = 0; d < dstW; d++) {
      const s = ax.index[d] as number;
      const a0 = ax.w0[d] as number;
      const a1 = ax.w1[d] as number;
      const s1 = Math.min(s + 1, width - 1);
      for (let c = 0; c < channels; c++) {
        out[d * channels + c] = (src[base + s * channels + c] as number) * a0 + (src[base + s1 * channels + c] as number) * a1;
      }
    }
    return out;
  };
  const out = new Uint8Array(dstH * rowLen);
  for (let d = 0; d < dstH; d++) {
    const s = ay.index[d] as number;
    const r0 = hrow(Math.min(Math.max(s, 0), height - 1));
    const r1 = hrow(Math.min(Math.max(s + 1, 0), height - 1));
    const b0 = ay.w0[d] as number;
    const b1 = ay.w1[d] as number;
    for (let i = 0; i < rowLen; i++) {
      const v = (((b0 * ((r0[i] as number) >> 4)) >> 16) + ((b1 * ((r1[i] as number) >> 4)) >> 16) + 2) >> 2;
      out[d * rowLen + i] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  return out;
}
