import { roundHalfEven, type FloatImage } from '@diffmac/base';

export type { FloatImage } from '@diffmac/base';

/**
 * 8-bit to float in [0, 1] (x / 255), as BasicSR reads images.
 *
 * @example
 * const f = toFloatImage({ width: 1, height: 1, channels: 3, data: new Uint8Array([255, 0, 51]) });
 */
export function toFloatImage(image: { width: number; height: number; channels: 1 | 2 | 3 | 4; data: Uint8Array }): FloatImage {
  const data = new Float32Array(image.data.length);
  for (let i = 0; i < data.length; i++) data[i] = image.data[i]! / 255;
  return { width: image.width, height: image.height, channels: image.channels, data };
}

/**
 * Float in [0, 1] to 8-bit: clip, ×255, round half to even (numpy's `round`), as BasicSR writes.
 *
 * @example
 * const u8 = toUint8Image(floatImage).data;
 */
export function toUint8Image(image: FloatImage): { width: number; height: number; channels: 1 | 2 | 3 | 4; data: Uint8Array } {
  const data = new Uint8Array(image.data.length);
  for (let i = 0; i < data.length; i++) {
    const v = Math.fround(Math.min(1, Math.max(0, image.data[i]!)) * 255);
    data[i] = roundHalfEven(v);
  }
  return { width: image.width, height: image.height, channels: image.channels, data };
}
