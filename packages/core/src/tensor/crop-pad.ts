import { DiffmacError } from '@diffmac/base';
import type { Tensor } from '../inference/types';
import { allocLike, assertTensor, formatShape } from './shape';
import type { TileRect } from './tiling';

function nchw(tensor: Tensor, name: string): [number, number, number, number] {
  assertTensor(tensor, name);
  if (tensor.shape.length !== 4) {
    throw new DiffmacError('TENSOR_SHAPE_MISMATCH', `Expected a [N, C, H, W] tensor for ${name}, received ${formatShape(tensor.shape)}`, {
      argument: name,
      expected: '[N, C, H, W]',
      received: formatShape(tensor.shape),
    });
  }
  return tensor.shape as [number, number, number, number];
}

/**
 * Copy the rectangle `rect` out of a planar `[N, C, H, W]` tensor.
 *
 * @example
 * const tile = cropNchw(image, { x: 64, y: 0, width: 128, height: 128 }); // [N, C, 128, 128]
 */
export function cropNchw(tensor: Tensor, rect: TileRect): Tensor {
  const [n, c, h, w] = nchw(tensor, 'tensor');
  const { x, y, width, height } = rect;
  if (![x, y, width, height].every(Number.isInteger) || x < 0 || y < 0 || width < 1 || height < 1 || x + width > w || y + height > h) {
    const got = `x ${x}, y ${y}, ${width}×${height}`;
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a rectangle inside ${w}×${h} for rect, received ${got}`, {
      argument: 'rect',
      expected: `a rectangle inside ${w}×${h}`,
      received: got,
    });
  }
  const src = tensor.data as Float32Array;
  const out = allocLike(src, n * c * width * height);
  for (let p = 0; p < n * c; p++) {
    for (let row = 0; row < height; row++) {
      const from = p * h * w + (y + row) * w + x;
      out.set(src.subarray(from, from + width), (p * height + row) * width);
    }
  }
  return { data: out, shape: [n, c, height, width], ...(tensor.dtype === undefined ? {} : { dtype: tensor.dtype }) };
}

/**
 * Grow a planar `[N, C, H, W]` tensor to `height × width` by repeating its last row and column
 * (edge padding at the bottom and right), e.g. to feed a model with a fixed input size.
 *
 * @example
 * const padded = padNchwEdge(tile, { width: 64, height: 64 }); // [N, C, 64, 64]
 */
export function padNchwEdge(tensor: Tensor, size: { width: number; height: number }): Tensor {
  const [n, c, h, w] = nchw(tensor, 'tensor');
  const { width, height } = size;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < w || height < h) {
    const got = `${width}×${height}`;
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a size of at least ${w}×${h} for size, received ${got}`, {
      argument: 'size',
      expected: `at least ${w}×${h}`,
      received: got,
    });
  }
  const src = tensor.data as Float32Array;
  const out = allocLike(src, n * c * width * height);
  for (let p = 0; p < n * c; p++) {
    for (let row = 0; row < height; row++) {
      const sr = Math.min(row, h - 1);
      const from = p * h * w + sr * w;
      const to = (p * height + row) * width;
      out.set(src.subarray(from, from + w), to);
      const last = src[from + w - 1]!;
      out.fill(last, to + w, to + width);
    }
  }
  return { data: out, shape: [n, c, height, width], ...(tensor.dtype === undefined ? {} : { dtype: tensor.dtype }) };
}
