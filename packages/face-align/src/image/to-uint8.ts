import type { ColorImage } from '@diffmac/core';

/**
 * An 8-bit view of an image: uint8 images come back as they are; float images (0–1) are clamped,
 * scaled by 255 and rounded, as BasicSR's `tensor2img` does.
 *
 * @example
 * const u8 = toUint8(floatFace).data; // Uint8Array
 */
export function toUint8(image: ColorImage): ColorImage<Uint8Array> {
  if (image.data instanceof Uint8Array) return image as ColorImage<Uint8Array>;
  const src = image.data;
  const out = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const v = src[i]!;
    out[i] = Math.round((v < 0 ? 0 : v > 1 ? 1 : v) * 255);
  }
  return { width: image.width, height: image.height, channels: image.channels, data: out };
}
