import { DiffmacError, describeValue, type ColorImage, type RasterImage } from '@diffmac/base';
import { assertRasterImage } from '@diffmac/core';

/**
 * Check that `image` is a {@link ColorImage}: core's raster checks (positive integer size, data of
 * exactly width × height × channels values), plus 3 or 4 channels and Uint8Array or Float32Array
 * data. Throws `INVALID_IMAGE` naming `argument`.
 *
 * @example
 * assertColorImage({ width: 1, height: 1, channels: 3, data: new Uint8Array(3) }, 'photo');
 */
export function assertColorImage(image: unknown, argument = 'image'): asserts image is ColorImage {
  const fail = (expected: string, received: string): never => {
    throw new DiffmacError('INVALID_IMAGE', `Expected ${expected} for ${argument}, received ${received}`, { argument, expected, received });
  };
  if (image === null || typeof image !== 'object') fail('an image { width, height, channels, data }', describeValue(image));
  const { channels, data } = image as ColorImage;
  if (channels !== 3 && channels !== 4) fail('3 (RGB) or 4 (RGBA) channels', describeValue(channels));
  if (!(data instanceof Uint8Array || data instanceof Float32Array)) fail('Uint8Array or Float32Array data', describeValue(data));
  assertRasterImage(image as RasterImage, argument);
}
