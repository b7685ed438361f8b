import { DiffmacError, describeValue } from '@diffmac/base';
import type { RasterImage } from './types';

/**
 * Check that `image` is a well-formed {@link RasterImage}: positive integer width and height,
 * 1–4 channels, Uint8Array / Uint16Array / Float32Array data of exactly width × height × channels
 * values. Throws `INVALID_IMAGE` naming `name` otherwise.
 *
 * @example
 * assertRasterImage({ width: 1, height: 1, channels: 3, data: new Uint8Array(3) }, 'image'); // ok
 */
export function assertRasterImage(image: RasterImage, name = 'image'): void {
  const fail = (expected: string, received: string): never => {
    throw new DiffmacError('INVALID_IMAGE', `Expected ${expected} for ${name}, received ${received}`, { argument: name, expected, received });
  };
  if (image === null || typeof image !== 'object') fail('a RasterImage { width, height, channels, data }', describeValue(image));
  const { width, height, channels, data } = image;
  if (!Number.isInteger(width) || width < 1) fail('a positive integer width', describeValue(width));
  if (!Number.isInteger(height) || height < 1) fail('a positive integer height', describeValue(height));
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) fail('1, 2, 3 or 4 channels', describeValue(channels));
  if (!(data instanceof Uint8Array || data instanceof Uint16Array || data instanceof Float32Array)) {
    fail('Uint8Array, Uint16Array or Float32Array data', describeValue(data));
  }
  if (data.length !== width * height * channels) {
    fail(`${width * height * channels} values (${width}×${height}×${channels})`, `${data.length} values`);
  }
}
