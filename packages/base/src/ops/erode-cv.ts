import { invalidArgument } from '../errors';

/**
 * Grey-level erosion (minimum filter) of a float plane by a `k × k` rectangle, as OpenCV's
 * `cv2.erode(img, np.ones((k, k)))`: anchor at the kernel centre (offsets `-⌊k/2⌋ … k-1-⌊k/2⌋`),
 * pixels outside the plane ignored. `k = 0` behaves as OpenCV's empty kernel (3 × 3). O(1) per pixel
 * (van Herk / Gil-Werman). Returns a new plane.
 *
 * @example
 * erodePlane(mask, width, height, 2);
 */
export function erodePlane(src: Float32Array, width: number, height: number, k: number): Float32Array {
  if (!Number.isInteger(k) || k < 0) invalidArgument('k', 'a non-negative integer kernel size', k, 'INVALID_KERNEL');
  if (src.length !== width * height) invalidArgument('src', `${width * height} values`, src, 'INVALID_IMAGE');
  if (k === 0) k = 3;
  if (k === 1) return src.slice();
  const anchor = k >> 1;
  const tmp = new Float32Array(width * height);
  const res = new Float32Array(Math.max(width, height));
  const scratch = makeScratch(Math.max(width, height), k);
  for (let y = 0; y < height; y++) {
    const row = src.subarray(y * width, (y + 1) * width);
    slidingMin(row, width, k, anchor, res, scratch);
    tmp.set(res.subarray(0, width), y * width);
  }
  // Column pass, whole rows at a time (van Herk / Gil-Werman over blocks of k rows).
  const len = height + k - 1;
  const rowAt = (i: number): Float32Array | undefined => {
    const y = i - anchor;
    return y >= 0 && y < height ? tmp.subarray(y * width, (y + 1) * width) : undefined;
  };
  const g = new Float32Array(len * width);
  const hh = new Float32Array(len * width);
  for (let start = 0; start < len; start += k) {
    const end = Math.min(start + k, len);
    for (let i = start; i < end; i++) {
      const row = rowAt(i);
      const o = i * width;
      if (i === start) {
        if (row) g.set(row, o);
        else g.fill(Infinity, o, o + width);
      } else {
        for (let x = 0; x < width; x++) {
          const v = row ? row[x]! : Infinity;
          const p = g[o - width + x]!;
          g[o + x] = v < p ? v : p;
        }
      }
    }
    for (let i = end - 1; i >= start; i--) {
      const row = rowAt(i);
      const o = i * width;
      if (i === end - 1) {
        if (row) hh.set(row, o);
        else hh.fill(Infinity, o, o + width);
      } else {
        for (let x = 0; x < width; x++) {
          const v = row ? row[x]! : Infinity;
          const p = hh[o + width + x]!;
          hh[o + x] = v < p ? v : p;
        }
      }
    }
  }
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const a = y * width, b = (y + k - 1) * width, o = y * width;
    for (let x = 0; x < width; x++) {
      const u = hh[a + x]!, v = g[b + x]!;
      out[o + x] = u < v ? u : v;
    }
  }
  return out;
}

interface Scratch {
  padded: Float32Array;
  g: Float32Array;
  h: Float32Array;
}

function makeScratch(n: number, k: number): Scratch {
  const len = n + k;
  return { padded: new Float32Array(len), g: new Float32Array(len), h: new Float32Array(len) };
}

/** out[i] = min(v[i - anchor .. i - anchor + k - 1]) with out-of-range values ignored. */
function slidingMin(v: ArrayLike<number>, n: number, k: number, anchor: number, out: Float32Array, s: Scratch): void {
  const len = n + k - 1;
  const { padded, g, h } = s;
  for (let i = 0; i < len; i++) {
    const j = i - anchor;
    padded[i] = j >= 0 && j < n ? v[j]! : Infinity;
  }
  for (let start = 0; start < len; start += k) {
    const end = Math.min(start + k, len);
    g[start] = padded[start]!;
    for (let i = start + 1; i < end; i++) g[i] = Math.min(g[i - 1]!, padded[i]!);
    h[end - 1] = padded[end - 1]!;
    for (let i = end - 2; i >= start; i--) h[i] = Math.min(h[i + 1]!, padded[i]!);
  }
  for (let i = 0; i < n; i++) out[i] = Math.min(h[i]!, g[i + k - 1]!);
}
