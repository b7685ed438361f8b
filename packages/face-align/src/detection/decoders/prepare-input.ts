import { resizeBilinearTorch, type ColorImage } from '@diffmac/base';

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
 * otherwise resized keeping the aspect ratio (base's `resizeBilinearTorch` with a scale factor) into the top-left of a
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
  // The image's first three channels as CHW planes on the 0–255 scale, in the recipe's order.
  const planes = new Float32Array(3 * w * h);
  for (let c = 0; c < 3; c++) {
    const src = order[c] as number;
    for (let i = 0, s = src; i < w * h; i++, s += channels) planes[c * w * h + i] = (data[s] as number) * k;
  }
  const content = size ? resizeBilinearTorch(planes, 3, h, w, contentH, contentW, { scaleFactor: [scale, scale] }) : planes;
  for (let c = 0; c < 3; c++) {
    const mean = recipe.mean[c] as number;
    const std = recipe.std[c] as number;
    for (let y = 0; y < contentH; y++) {
      for (let x = 0, i = (c * contentH + y) * contentW, o = c * plane + y * outW; x < contentW; x++) out[o + x] = ((content[i + x] as number) - mean) / std;
    }
  }
  return { data: out, width: outW, height: outH, scale };
}
