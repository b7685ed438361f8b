/**
 * Small NCHW float32 helpers the pipeline stages share (batch slicing, concatenation, resizing,
 * clamping, per-item noise).
 */
import { DiffmacError, resizeBilinearTorch, type NoiseSource, type Rng } from '@diffmac/base';
import type { Tensor } from '../inference/types';
import { assertFloat32, assertShape, formatShape } from '../tensor/shape';

/** A float32 tensor (what every pipeline stage passes on). */
export interface FloatTensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** Check a float32 `[N, C, H, W]` tensor and return it typed. @internal */
export function asNchw(tensor: Tensor, name: string, channels: number | null = null): FloatTensor & { shape: [number, number, number, number] } {
  const shape = assertShape(tensor, [null, channels, null, null], name) as [number, number, number, number];
  const data = assertFloat32(tensor, name);
  return { data, shape };
}

/** Items `[start, end)` of a batch, as a view-free copy. @internal */
export function sliceBatch(tensor: FloatTensor, start: number, end: number): FloatTensor {
  const per = tensor.data.length / tensor.shape[0]!;
  return { data: tensor.data.slice(start * per, end * per), shape: [end - start, ...tensor.shape.slice(1)] };
}

/** Concatenate tensors along the batch axis (all other dims equal). @internal */
export function concatBatch(parts: readonly FloatTensor[]): FloatTensor {
  const first = parts[0]!;
  const rest = first.shape.slice(1);
  let n = 0;
  let length = 0;
  for (const p of parts) {
    if (p.shape.length !== first.shape.length || p.shape.slice(1).some((d, i) => d !== rest[i])) {
      throw new DiffmacError('TENSOR_SHAPE_MISMATCH', `Cannot concatenate ${formatShape(p.shape)} with ${formatShape(first.shape)}`, {
        argument: 'parts',
        expected: `[*, ${rest.join(', ')}]`,
        received: formatShape(p.shape),
      });
    }
    n += p.shape[0]!;
    length += p.data.length;
  }
  const data = new Float32Array(length);
  let offset = 0;
  for (const p of parts) {
    data.set(p.data, offset);
    offset += p.data.length;
  }
  return { data, shape: [n, ...rest] };
}

/** Repeat a batch-1 tensor `n` times (or return it when it already has `n` items). @internal */
export function repeatBatch(tensor: FloatTensor, n: number, name: string): FloatTensor {
  const b = tensor.shape[0]!;
  if (b === n) return tensor;
  if (b !== 1) {
    throw new DiffmacError('TENSOR_SHAPE_MISMATCH', `Expected batch 1 or ${n} for ${name}, received ${formatShape(tensor.shape)}`, {
      argument: name,
      expected: `batch 1 or ${n}`,
      received: formatShape(tensor.shape),
    });
  }
  const data = new Float32Array(tensor.data.length * n);
  for (let i = 0; i < n; i++) data.set(tensor.data, i * tensor.data.length);
  return { data, shape: [n, ...tensor.shape.slice(1)] };
}

/** Clamp into [lo, hi], a new array. @internal */
export function clampTensor(tensor: FloatTensor, lo: number, hi: number): FloatTensor {
  const src = tensor.data;
  const data = new Float32Array(src.length);
  for (let i = 0; i < data.length; i++) {
    const v = src[i]!;
    data[i] = v < lo ? lo : v > hi ? hi : v;
  }
  return { data, shape: [...tensor.shape] };
}

/** Clamp a tensor's own (freshly produced) data into [lo, hi] in place and return it. @internal */
export function clampInPlace<T extends FloatTensor>(tensor: T, lo: number, hi: number): T {
  const d = tensor.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v < lo) d[i] = lo;
    else if (v > hi) d[i] = hi;
  }
  return tensor;
}

/**
 * Bilinear resize of an `[N, C, H, W]` tensor with half-pixel centres (PyTorch's
 * `interpolate(mode='bilinear', align_corners=False)` without antialiasing). Same size: a copy.
 *
 * @example
 * const small = resizeBilinearNchw(face, 112, 112);
 */
export function resizeBilinearNchw(tensor: Tensor, height: number, width: number): FloatTensor {
  const { data, shape } = asNchw(tensor, 'tensor');
  const [n, c, h, w] = shape;
  if (!Number.isInteger(height) || !Number.isInteger(width) || height < 1 || width < 1) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected positive integer sizes, received ${width}×${height}`, { argument: 'size', expected: 'positive integers', received: `${width}×${height}` });
  }
  if (h === height && w === width) return { data: Float32Array.from(data), shape: [n, c, h, w] };
  return { data: resizeBilinearTorch(data, n * c, h, w, height, width), shape: [n, c, height, width] };
}

/**
 * A noise source over a batch that fills each item's slice from that item's own stream, so a face
 * gets the same noise whatever else is in its batch. `out.length` must be a multiple of the item
 * count. @internal
 */
export function perItemNoise(rngs: readonly Rng[]): NoiseSource {
  return {
    normal(out: Float32Array) {
      const per = out.length / rngs.length;
      if (!Number.isInteger(per)) {
        throw new DiffmacError('INVALID_ARGUMENT', `Expected a noise buffer of a multiple of ${rngs.length} values, received ${out.length}`, {
          argument: 'out',
          expected: `a multiple of ${rngs.length}`,
          received: String(out.length),
        });
      }
      for (let i = 0; i < rngs.length; i++) rngs[i]!.normal(out.subarray(i * per, (i + 1) * per));
    },
  };
}
