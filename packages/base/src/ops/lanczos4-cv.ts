import { invalidArgument } from '../errors';
import type { ColorImage } from '../image';
import { roundHalfEven } from '../numeric/round-half-even';
import { assertColorImage } from '../checks/image';

const f32 = Math.fround;
// eslint-disable-next-line no-loss-of-precision -- the constant as the reference C source writes it (it rounds to the intended double)
const S45 = 0.70710678118654752440084436210485;
const CS: readonly (readonly [number, number])[] = [[1, 0], [-S45, -S45], [0, 1], [S45, -S45], [-1, 0], [S45, S45], [0, -1], [-S45, S45]];

/** OpenCV's `interpolateLanczos4(x, coeffs)` in float32. */
function lanczos4(x: number, out: Float32Array): void {
  if (x === 0) {
    out.fill(0);
    out[3] = 1;
    return;
  }
  const y0 = -f32(x + 3) * Math.PI * 0.25;
  const s0 = Math.sin(y0), c0 = Math.cos(y0);
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const yi = f32(f32(x + 3) - i);
    let c: number;
    if (Math.abs(yi) >= f32(1e-6)) {
      const y = -yi * Math.PI * 0.25;
      c = f32((CS[i]![0] * s0 + CS[i]![1] * c0) / (y * y));
    } else {
      c = f32(1e30);
    }
    out[i] = c;
    sum = f32(sum + c);
  }
  const inv = f32(1 / sum);
  for (let i = 0; i < 8; i++) out[i] = f32(out[i]! * inv);
}

interface Taps {
  /** first source index (before clamping) per output index */
  start: Int32Array;
  coeffs: Float32Array;
  fixed: Int32Array;
}

function taps(dst: number, src: number): Taps {
  const scale = 1 / (dst / src);
  const start = new Int32Array(dst);
  const coeffs = new Float32Array(dst * 8);
  const fixed = new Int32Array(dst * 8);
  const c = new Float32Array(8);
  for (let d = 0; d < dst; d++) {
    let f = f32((d + 0.5) * scale - 0.5);
    const s = Math.floor(f);
    f = f32(f - s);
    lanczos4(f, c);
    start[d] = s - 3;
    for (let k = 0; k < 8; k++) {
      coeffs[d * 8 + k] = c[k]!;
      fixed[d * 8 + k] = roundHalfEven(c[k]! * 2048);
    }
  }
  return { start, coeffs, fixed };
}

const clampIndex = (i: number, n: number): number => (i < 0 ? 0 : i >= n ? n - 1 : i);

/**
 * Resize with OpenCV's `INTER_LANCZOS4` arithmetic (`cv2.resize(img, (width, height),
 * interpolation=cv2.INTER_LANCZOS4)`): 8×8 taps, replicated borders, 11-bit fixed-point weights on
 * uint8 images, float32 weights on float images. Same size returns a copy. Returns a new image.
 *
 * @example
 * const background = resizeLanczos4(photo, photo.width * 2, photo.height * 2);
 */
export function resizeLanczos4(image: ColorImage, width: number, height: number): ColorImage {
  assertColorImage(image, 'image');
  if (!Number.isInteger(width) || width < 1) invalidArgument('width', 'a positive integer', width, 'INVALID_SIZE');
  if (!Number.isInteger(height) || height < 1) invalidArgument('height', 'a positive integer', height, 'INVALID_SIZE');
  const { width: sw, height: sh, channels: cn } = image;
  if (sw === width && sh === height) return { width, height, channels: cn, data: image.data.slice() };
  const tx = taps(width, sw);
  const ty = taps(height, sh);
  const u8 = image.data instanceof Uint8Array;
  const S = image.data;
  const rowLen = width * cn;
  // horizontal pass for every source row that is needed (all of them here)
  const hbuf = u8 ? new Int32Array(sh * rowLen) : new Float32Array(sh * rowLen);
  const xIdx = new Int32Array(width * 8);
  for (let d = 0; d < width; d++) for (let k = 0; k < 8; k++) xIdx[d * 8 + k] = clampIndex(tx.start[d]! + k, sw) * cn;
  for (let y = 0; y < sh; y++) {
    const sbase = y * sw * cn;
    const obase = y * rowLen;
    for (let d = 0; d < width; d++) {
      for (let c = 0; c < cn; c++) {
        let v = 0;
        if (u8) {
          for (let k = 0; k < 8; k++) v += S[sbase + xIdx[d * 8 + k]! + c]! * tx.fixed[d * 8 + k]!;
        } else {
          for (let k = 0; k < 8; k++) v = f32(v + f32(S[sbase + xIdx[d * 8 + k]! + c]! * tx.coeffs[d * 8 + k]!));
        }
        hbuf[obase + d * cn + c] = v;
      }
    }
  }
  const out = u8 ? new Uint8Array(height * rowLen) : new Float32Array(height * rowLen);
  for (let d = 0; d < height; d++) {
    const rows: number[] = [];
    for (let k = 0; k < 8; k++) rows.push(clampIndex(ty.start[d]! + k, sh) * rowLen);
    const obase = d * rowLen;
    for (let x = 0; x < rowLen; x++) {
      if (u8) {
        let s = 0;
        for (let k = 0; k < 8; k++) s += hbuf[rows[k]! + x]! * ty.fixed[d * 8 + k]!;
        const v = Math.floor(((s | 0) + 2097152) / 4194304);
        out[obase + x] = v < 0 ? 0 : v > 255 ? 255 : v;
      } else {
        let s = 0;
        for (let k = 0; k < 8; k++) s = f32(s + f32(hbuf[rows[k]! + x]! * ty.coeffs[d * 8 + k]!));
        out[obase + x] = s;
      }
    }
  }
  return { width, height, channels: cn, data: out };
}
