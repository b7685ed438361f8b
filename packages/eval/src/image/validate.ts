import { DiffmacError, assertColorImage, describeValue, type ColorImage } from '@diffmac/base';

/**
 * Printable shape of an image, `HxWxC`, for error messages.
 *
 * @example
 * shapeOf({ width: 4, height: 2, channels: 3, data: new Uint8Array(24) }); // '2x4x3'
 */
export function shapeOf(img: ColorImage): string {
  return `${img.height}x${img.width}x${img.channels}`;
}

/**
 * Check that `img` is a well-formed, non-empty colour image with finite pixels (base's
 * `assertColorImage` with `finite`); throws a {@link DiffmacError} naming `argument` otherwise.
 *
 * @example
 * assertImage('img', { width: 1, height: 1, channels: 3, data: new Uint8Array(3) });
 */
export function assertImage(argument: string, img: unknown): asserts img is ColorImage {
  assertColorImage(img, argument, { finite: true });
}

/**
 * Check that two images have the same height, width and colour channel count (alpha ignored);
 * the error names both shapes.
 *
 * @example
 * assertSamePair(restored, groundTruth);
 */
export function assertSamePair(img: unknown, ref: unknown, names: readonly [string, string] = ['img', 'ref']): asserts img is ColorImage {
  assertImage(names[0], img);
  assertImage(names[1], ref);
  const b = ref as ColorImage;
  if (img.width !== b.width || img.height !== b.height) {
    const received = `${names[0]} ${shapeOf(img)}, ${names[1]} ${shapeOf(b)}`;
    throw new DiffmacError('IMAGE_SIZE_MISMATCH', `Expected images of the same size, received ${received}`, {
      argument: names[0],
      expected: `the size of ${names[1]} (${b.height}x${b.width})`,
      received,
    });
  }
}

/**
 * Check a `cropBorder` option against an image size: a non-negative integer that leaves pixels.
 *
 * @example
 * assertCropBorder(4, 512, 512, 0);
 */
export function assertCropBorder(cropBorder: unknown, width: number, height: number, minRemaining = 1): asserts cropBorder is number {
  if (typeof cropBorder !== 'number' || !Number.isInteger(cropBorder) || cropBorder < 0) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a non-negative integer for cropBorder, received ${describeValue(cropBorder)}`, {
      argument: 'cropBorder',
      expected: 'a non-negative integer',
      received: describeValue(cropBorder),
    });
  }
  const w = width - 2 * cropBorder;
  const h = height - 2 * cropBorder;
  if (w < minRemaining || h < minRemaining) {
    throw new DiffmacError('IMAGE_TOO_SMALL', `Expected at least ${minRemaining}x${minRemaining} pixels after cropping ${cropBorder} from ${height}x${width}, received ${h}x${w}`, {
      argument: 'cropBorder',
      expected: `at least ${minRemaining}x${minRemaining} pixels after the crop`,
      received: `${h}x${w}`,
    });
  }
}
