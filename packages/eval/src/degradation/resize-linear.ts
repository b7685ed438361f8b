import { invalidArgument } from '@diffmac/base';
import type { FloatImage } from './float-image';

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
