import type { ColorImage } from '@diffmac/base';

/** One image as separate float channel planes on the 0–255 scale, after crop (and Y conversion). */
export interface Planes {
  readonly width: number;
  readonly height: number;
  /** R, G, B planes, or the single Y plane. Row-major, `width * height` each. */
  readonly planes: readonly Float64Array[];
}

const fround = Math.fround;

/**
 * BasicSR's Y (BT.601, MATLAB `rgb2ycbcr`) of one pixel given on the 0–255 scale, with its exact
 * float32 steps: `fround(fround(t / 255) * 255)`, `t = 24.966 b + 128.553 g + 65.481 r + 16` with
 * `r, g, b = fround(R / 255), ...`. The result is float32-valued, not rounded to an integer.
 *
 * @example
 * yOfPixel(255, 255, 255); // 235.00000762939453 (float32 of 235)
 */
export function yOfPixel(r255: number, g255: number, b255: number): number {
  const r = fround(r255 / 255);
  const g = fround(g255 / 255);
  const b = fround(b255 / 255);
  const t = 24.966 * b + 128.553 * g + 65.481 * r + 16.0;
  return fround(fround(t / 255) * 255);
}

/**
 * Split `img` into 0–255 float planes, cropping `cropBorder` pixels on every edge first and then,
 * when `yChannel`, converting to BasicSR's Y channel. Uint8 pixels are taken as they are, float
 * pixels (0–1) are multiplied by 255; alpha is dropped.
 *
 * @example
 * const { planes } = toPlanes(img, 4, true); // one 504x504 Y plane of a 512x512 image
 */
export function toPlanes(img: ColorImage, cropBorder: number, yChannel: boolean): Planes {
  const width = img.width - 2 * cropBorder;
  const height = img.height - 2 * cropBorder;
  const c = img.channels;
  const scale = img.data instanceof Uint8Array ? 1 : 255;
  const src = img.data;
  const n = width * height;
  if (yChannel) {
    const y = new Float64Array(n);
    // uint8 fast path: 256-entry tables of fround(v / 255)
    for (let row = 0; row < height; row++) {
      let s = ((row + cropBorder) * img.width + cropBorder) * c;
      let o = row * width;
      for (let col = 0; col < width; col++, s += c, o++) {
        y[o] = yOfPixel((src[s] as number) * scale, (src[s + 1] as number) * scale, (src[s + 2] as number) * scale);
      }
    }
    return { width, height, planes: [y] };
  }
  const r = new Float64Array(n);
  const g = new Float64Array(n);
  const b = new Float64Array(n);
  for (let row = 0; row < height; row++) {
    let s = ((row + cropBorder) * img.width + cropBorder) * c;
    let o = row * width;
    for (let col = 0; col < width; col++, s += c, o++) {
      r[o] = (src[s] as number) * scale;
      g[o] = (src[s + 1] as number) * scale;
      b[o] = (src[s + 2] as number) * scale;
    }
  }
  return { width, height, planes: [r, g, b] };
}
