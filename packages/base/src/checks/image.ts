import { DiffmacError, describeValue } from '../errors';
import type { ColorImage, RasterImage } from '../image';

/** What an image check accepts beyond a well-formed raster. */
interface ImageRule {
  /** Channel counts allowed, and how to say them. */
  readonly channels: readonly number[];
  readonly channelsText: string;
  /** Pixel storage allowed, and how to say it. */
  readonly pixels: readonly (typeof Uint8Array | typeof Uint16Array | typeof Float32Array)[];
  readonly pixelsText: string;
  /** Reject NaN and ±Infinity in float pixels (`IMAGE_NOT_FINITE`). */
  readonly finite: boolean;
}

/**
 * The one image check. Each fault has one code everywhere: `INVALID_IMAGE` for a value that is
 * not an image (not an object, non-integer size, wrong storage, wrong data length), `IMAGE_EMPTY`
 * for a zero width or height, `IMAGE_CHANNELS` for a channel count the caller cannot take,
 * `IMAGE_NOT_FINITE` for NaN or ±Infinity pixels.
 */
function checkImage(image: unknown, argument: string, rule: ImageRule): void {
  const fail = (code: 'INVALID_IMAGE' | 'IMAGE_EMPTY' | 'IMAGE_CHANNELS', expected: string, received: string): never => {
    throw new DiffmacError(code, `Expected ${expected} for ${argument}, received ${received}`, { argument, expected, received });
  };
  if (image === null || typeof image !== 'object') fail('INVALID_IMAGE', 'an image { width, height, channels, data }', describeValue(image));
  const { width, height, channels, data } = image as RasterImage;
  if (!Number.isInteger(width) || width < 0) fail('INVALID_IMAGE', 'a non-negative integer width', describeValue(width));
  if (!Number.isInteger(height) || height < 0) fail('INVALID_IMAGE', 'a non-negative integer height', describeValue(height));
  if (width === 0 || height === 0) fail('IMAGE_EMPTY', 'a non-empty image (width and height > 0)', `${width}×${height}`);
  if (!rule.channels.includes(channels)) fail('IMAGE_CHANNELS', rule.channelsText, describeValue(channels));
  if (!rule.pixels.some((type) => data instanceof type)) fail('INVALID_IMAGE', rule.pixelsText, describeValue(data));
  const n = width * height * channels;
  if (data.length !== n) fail('INVALID_IMAGE', `${n} values (${width}×${height}×${channels})`, `${data.length} values`);
  if (rule.finite && data instanceof Float32Array) {
    for (let i = 0; i < n; i++) {
      const v = data[i] as number;
      if (v - v !== 0) {
        const received = `${describeValue(v)} at index ${i}`;
        throw new DiffmacError('IMAGE_NOT_FINITE', `Expected finite pixels for ${argument}, received ${received}`, { argument, expected: 'finite pixel values', received });
      }
    }
  }
}

const RASTER: ImageRule = {
  channels: [1, 2, 3, 4],
  channelsText: '1, 2, 3 or 4 channels',
  pixels: [Uint8Array, Uint16Array, Float32Array],
  pixelsText: 'Uint8Array, Uint16Array or Float32Array data',
  finite: false,
};
const COLOR: ImageRule = {
  channels: [3, 4],
  channelsText: '3 (RGB) or 4 (RGBA) channels',
  pixels: [Uint8Array, Float32Array],
  pixelsText: 'Uint8Array or Float32Array data',
  finite: false,
};
const FINITE_COLOR: ImageRule = { ...COLOR, finite: true };

/**
 * Check that `image` is a well-formed {@link RasterImage}: positive integer width and height,
 * 1–4 channels, Uint8Array / Uint16Array / Float32Array data of exactly width × height × channels
 * values.
 *
 * @example
 * assertRasterImage({ width: 1, height: 1, channels: 3, data: new Uint8Array(3) }, 'image'); // ok
 */
export function assertRasterImage(image: unknown, argument = 'image'): asserts image is RasterImage {
  checkImage(image, argument, RASTER);
}

/**
 * Check that `image` is a {@link ColorImage}: a well-formed raster with 3 or 4 channels and
 * Uint8Array or Float32Array data; with `finite`, also no NaN or ±Infinity pixel.
 *
 * @example
 * assertColorImage({ width: 1, height: 1, channels: 3, data: new Uint8Array(3) }, 'photo');
 */
export function assertColorImage(image: unknown, argument = 'image', options: { finite?: boolean } = {}): asserts image is ColorImage {
  checkImage(image, argument, options.finite ? FINITE_COLOR : COLOR);
}
