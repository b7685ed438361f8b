import { type ColorImage } from '@diffmac/base';
import { float32ToUint8 } from '@diffmac/core';

/**
 * An 8-bit view of an image: uint8 images come back as they are; float images (0–1) go through
 * core's `float32ToUint8` (clamp, ×255 in float32, round half to even), as BasicSR's `tensor2img`.
 *
 * @example
 * const u8 = toUint8(floatFace).data; // Uint8Array
 */
export function toUint8(image: ColorImage): ColorImage<Uint8Array> {
  if (image.data instanceof Uint8Array) return image as ColorImage<Uint8Array>;
  return { width: image.width, height: image.height, channels: image.channels, data: float32ToUint8(image.data) };
}
