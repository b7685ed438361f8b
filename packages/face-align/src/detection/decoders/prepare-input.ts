import type { ColorImage } from '@diffmac/base';

/** How a detector wants its input tensor. */
export interface InputRecipe {
  /** Channel order of the tensor. */
  readonly channelOrder: 'rgb' | 'bgr';
  /** Per-channel value subtracted (0–255 scale, in the tensor's channel order). */
  readonly mean: readonly [number, number, number];
  /** Per-channel divisor applied after the mean. */
  readonly std: readonly [number, number, number];
  /** Pad the dynamic input size up to a multiple of this (e.g. 32 for YuNet). */
  readonly multipleOf?: number;
}

/** The prepared NCHW tensor and how it maps back to the image. */
export interface PreparedInput {
  readonly data: Float32Array;
  readonly width: number;
  readonly height: number;
  /** Network pixels per image pixel. */
  readonly scale: number;
}

/**
 * Build a detector's NCHW float32 input from an image: at the image's own size (facexlib's
 * `use_origin_size`) when `size` is undefined, padded at the bottom/right to `multipleOf`;
 * otherwise resized keeping the aspect ratio (bilinear, half-pixel centres) into the top-left of a
 * `size` canvas, the rest black. Pixels become `(v - mean) / std` in the recipe's channel order.
 *
 * @example
 * const input = prepareInput(photo, { channelOrder: 'bgr', mean: [104, 117, 123], std: [1, 1, 1] });
 */
export function prepareInput(image: ColorImage, recipe: InputRecipe, size?: { width: number; height: number }): PreparedInput {
  const { width: w, height: h, channels, data } = image;
  const k = data instanceof Float32Array ? 255 : 1;
  let scale = 1;
  let outW: number;
  let outH: number;
  if (size) {
    scale = Math.min(size.width / w, size.height / h);
    outW = size.width;
    outH = size.height;
  } else {
    const m = recipe.multipleOf ?? 1;
    outW = Math.ceil(w / m) * m;
    outH = Math.ceil(h / m) * m;
  }
  const contentW = size ? Math.min(outW, Math.floor(w * scale + 1e-9)) : w;
  const contentH = size ? Math.min(outH, Math.floor(h * scale + 1e-9)) : h;
  const plane = outW * outH;
  const out = new Float32Array(3 * plane);
  const order = recipe.channelOrder === 'bgr' ? [2, 1, 0] : [0, 1, 2];
  for (let c = 0; c < 3; c++) out.fill((0 - (recipe.mean[c] as number)) / (recipe.std[c] as number), c * plane, (c + 1) * plane);
  const pixel = (x: number, y: number, c: number) => (data[(y * w + x) * channels + c] as number) * k;
  for (let y = 0; y < contentH; y++) {
    let y0 = y;
    let y1 = y;
    let fy = 0;
    if (size) {
      const sy = Math.min(Math.max((y + 0.5) / scale - 0.5, 0), h - 1);
      y0 = Math.floor(sy);
      y1 = Math.min(y0 + 1, h - 1);
      fy = sy - y0;
    }
    for (let x = 0; x < contentW; x++) {
      let x0 = x;
      let x1 = x;
      let fx = 0;
      if (size) {
        const sx = Math.min(Math.max((x + 0.5) / scale - 0.5, 0), w - 1);
        x0 = Math.floor(sx);
        x1 = Math.min(x0 + 1, w - 1);
        fx = sx - x0;
      }
      for (let c = 0; c < 3; c++) {
        const src = order[c] as number;
        const top = pixel(x0, y0, src) * (1 - fx) + pixel(x1, y0, src) * fx;
        const bottom = pixel(x0, y1, src) * (1 - fx) + pixel(x1, y1, src) * fx;
        const v = top * (1 - fy) + bottom * fy;
        out[c * plane + y * outW + x] = (v - (recipe.mean[c] as number)) / (recipe.std[c] as number);
      }
    }
  }
  return { data: out, width: outW, height: outH, scale };
}
