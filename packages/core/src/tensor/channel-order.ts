import { DiffmacError, type RasterImage } from '@diffmac/base';
import type { Tensor } from '../inference/types';
import { allocLike, assertTensor, formatShape } from './shape';

/**
 * Swap the first and third colour channels of an RGB(A) image (RGB → BGR; alpha stays last).
 * The same call converts BGR back to RGB. Returns a new image.
 *
 * @example
 * const bgr = rgbToBgr({ width: 1, height: 1, channels: 3, data: new Uint8Array([1, 2, 3]) }); // data [3, 2, 1]
 */
export function rgbToBgr<I extends RasterImage>(image: I): I {
  if (image.channels !== 3 && image.channels !== 4) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a 3- or 4-channel image for image, received ${image.channels} channels`, {
      argument: 'image',
      expected: '3 or 4 channels',
      received: `${image.channels} channels`,
    });
  }
  const c = image.channels;
  const src = image.data;
  const out = allocLike(src, src.length);
  out.set(src);
  for (let i = 0; i < src.length; i += c) {
    out[i] = src[i + 2]!;
    out[i + 2] = src[i]!;
  }
  return { ...image, data: out };
}

/**
 * BGR(A) → RGB(A); the same swap as {@link rgbToBgr}, named for readability.
 *
 * @example
 * const rgb = bgrToRgb(opencvStyleImage);
 */
export function bgrToRgb<I extends RasterImage>(image: I): I {
  return rgbToBgr(image);
}

/**
 * Reverse the order of the first three channels of a planar `[N, C, H, W]` (or `[C, H, W]`) tensor,
 * RGB ↔ BGR. Further channels (alpha) stay where they are. Returns a new tensor.
 *
 * @example
 * const bgr = swapRedBlueNchw(rgbTensor);
 */
export function swapRedBlueNchw(tensor: Tensor): Tensor {
  assertTensor(tensor, 'tensor');
  const rank = tensor.shape.length;
  const c = tensor.shape[rank - 3];
  if ((rank !== 3 && rank !== 4) || c === undefined || c < 3) {
    throw new DiffmacError('TENSOR_SHAPE_MISMATCH', `Expected a [N, C>=3, H, W] tensor for tensor, received ${formatShape(tensor.shape)}`, {
      argument: 'tensor',
      expected: '[N, C>=3, H, W]',
      received: formatShape(tensor.shape),
    });
  }
  const plane = tensor.shape[rank - 1]! * tensor.shape[rank - 2]!;
  const n = rank === 4 ? tensor.shape[0]! : 1;
  const src = tensor.data as Float32Array;
  const out = allocLike(src, src.length);
  out.set(src);
  for (let b = 0; b < n; b++) {
    const base = b * c * plane;
    out.set(src.subarray(base + 2 * plane, base + 3 * plane), base);
    out.set(src.subarray(base, base + plane), base + 2 * plane);
  }
  return tensor.dtype === undefined ? { data: out, shape: [...tensor.shape] } : { data: out, shape: [...tensor.shape], dtype: tensor.dtype };
}
