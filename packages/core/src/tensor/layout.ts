import { DiffmacError } from '@diffmac/base';
import type { Tensor } from '../inference/types';
import { allocLike, assertTensor, formatShape } from './shape';

function rankError(name: string, expected: string, tensor: Tensor): never {
  throw new DiffmacError('TENSOR_SHAPE_MISMATCH', `Expected ${expected} for ${name}, received shape ${formatShape(tensor.shape)}`, {
    argument: name,
    expected,
    received: formatShape(tensor.shape),
  });
}

/**
 * Interleaved to planar: `[H, W, C]` becomes `[1, C, H, W]`, a batch `[N, H, W, C]` becomes
 * `[N, C, H, W]`. Values and element type are kept; the input is not mutated.
 *
 * @example
 * const nchw = hwcToNchw({ data: new Float32Array(2 * 2 * 3), shape: [2, 2, 3] }); // shape [1, 3, 2, 2]
 */
export function hwcToNchw(tensor: Tensor): Tensor {
  assertTensor(tensor, 'tensor');
  if (tensor.shape.length !== 3 && tensor.shape.length !== 4) rankError('tensor', 'a [H, W, C] or [N, H, W, C] tensor', tensor);
  const [n, h, w, c] = (tensor.shape.length === 3 ? [1, ...tensor.shape] : tensor.shape) as [number, number, number, number];
  const src = tensor.data;
  const out = allocLike(src, src.length);
  const plane = h * w;
  for (let b = 0; b < n; b++) {
    const base = b * plane * c;
    for (let p = 0; p < plane; p++) {
      for (let k = 0; k < c; k++) (out as Float32Array)[base + k * plane + p] = (src as Float32Array)[base + p * c + k]!;
    }
  }
  return withShape(tensor, out, [n, c, h, w]);
}

/**
 * Planar to interleaved: `[N, C, H, W]` becomes `[N, H, W, C]`, and `[C, H, W]` becomes `[H, W, C]`.
 * Values and element type are kept; the input is not mutated.
 *
 * @example
 * const hwc = nchwToHwc({ data: new Float32Array(3 * 2 * 2), shape: [3, 2, 2] }); // shape [2, 2, 3]
 */
export function nchwToHwc(tensor: Tensor): Tensor {
  assertTensor(tensor, 'tensor');
  if (tensor.shape.length !== 3 && tensor.shape.length !== 4) rankError('tensor', 'a [C, H, W] or [N, C, H, W] tensor', tensor);
  const batched = tensor.shape.length === 4;
  const [n, c, h, w] = (batched ? tensor.shape : [1, ...tensor.shape]) as [number, number, number, number];
  const src = tensor.data;
  const out = allocLike(src, src.length);
  const plane = h * w;
  for (let b = 0; b < n; b++) {
    const base = b * plane * c;
    for (let k = 0; k < c; k++) {
      for (let p = 0; p < plane; p++) (out as Float32Array)[base + p * c + k] = (src as Float32Array)[base + k * plane + p]!;
    }
  }
  return withShape(tensor, out, batched ? [n, h, w, c] : [h, w, c]);
}

function withShape(tensor: Tensor, data: Tensor['data'], shape: number[]): Tensor {
  return tensor.dtype === undefined ? { data, shape } : { data, shape, dtype: tensor.dtype };
}
