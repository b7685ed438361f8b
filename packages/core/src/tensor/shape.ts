import { DiffmacError, describeValue } from '@diffmac/base';
import type { Tensor, TensorData } from '../inference/types';

/**
 * Number of elements a shape holds (1 for a scalar shape `[]`).
 *
 * @example
 * shapeSize([1, 4, 64, 64]); // 16384
 */
export function shapeSize(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/**
 * A shape as text for messages; `null` (any size) prints as `?`.
 *
 * @example
 * formatShape([1, null, 64, 'width']); // '[1, ?, 64, width]'
 */
export function formatShape(shape: readonly (number | string | null)[]): string {
  return `[${shape.map((d) => (d === null ? '?' : String(d))).join(', ')}]`;
}

/**
 * Check that `tensor` is a well-formed tensor: non-negative integer dimensions and a data length
 * equal to the product of its shape. Throws `TENSOR_SHAPE_MISMATCH` naming `name` otherwise.
 *
 * @example
 * assertTensor({ data: new Float32Array(6), shape: [2, 3] }, 'latents'); // ok
 */
export function assertTensor(tensor: Tensor, name: string): void {
  if (tensor === null || typeof tensor !== 'object' || !ArrayBuffer.isView(tensor.data) || !Array.isArray(tensor.shape)) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a tensor { data, shape } for ${name}, received ${describeValue(tensor)}`, {
      argument: name,
      expected: 'a tensor { data, shape }',
      received: describeValue(tensor),
    });
  }
  for (const d of tensor.shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new DiffmacError('TENSOR_SHAPE_MISMATCH', `Tensor ${name} has an invalid dimension ${String(d)} in shape ${formatShape(tensor.shape)}`, {
        argument: name,
        expected: 'non-negative integer dimensions',
        received: formatShape(tensor.shape),
      });
    }
  }
  const size = shapeSize(tensor.shape);
  if (tensor.data.length !== size) {
    throw new DiffmacError(
      'TENSOR_SHAPE_MISMATCH',
      `Tensor ${name} has shape ${formatShape(tensor.shape)} (${size} elements) but holds ${tensor.data.length} values`,
      { argument: name, expected: `${size} values`, received: `${tensor.data.length} values` },
    );
  }
}

/**
 * Check a tensor against an expected shape, where `null` accepts any size in that axis.
 * Returns the actual shape as a tuple-friendly array. Throws `TENSOR_SHAPE_MISMATCH` naming `name`.
 *
 * @example
 * const [n, c, h, w] = assertShape(latents, [null, 4, null, null], 'latents');
 */
export function assertShape(tensor: Tensor, expected: readonly (number | null)[], name: string): number[] {
  assertTensor(tensor, name);
  const ok = tensor.shape.length === expected.length && expected.every((d, i) => d === null || d === tensor.shape[i]);
  if (!ok) {
    throw new DiffmacError(
      'TENSOR_SHAPE_MISMATCH',
      `Expected shape ${formatShape(expected)} for ${name}, received ${formatShape(tensor.shape)}`,
      { argument: name, expected: formatShape(expected), received: formatShape(tensor.shape) },
    );
  }
  return [...tensor.shape];
}

/**
 * Check that a tensor holds float32 data (a Float32Array). Throws `TENSOR_DTYPE_MISMATCH` naming `name`.
 *
 * @example
 * const data = assertFloat32(latents, 'latents');
 */
export function assertFloat32(tensor: Tensor, name: string): Float32Array {
  if (!(tensor.data instanceof Float32Array) || (tensor.dtype !== undefined && tensor.dtype !== 'float32')) {
    const received = tensor.dtype ?? describeValue(tensor.data);
    throw new DiffmacError('TENSOR_DTYPE_MISMATCH', `Expected float32 data for ${name}, received ${received}`, {
      argument: name,
      expected: 'float32 (Float32Array)',
      received,
    });
  }
  return tensor.data;
}

/** A new zeroed typed array of the same kind as `like`. @internal */
export function allocLike<T extends TensorData>(like: T, length: number): T {
  const Ctor = like.constructor as new (n: number) => T;
  return new Ctor(length);
}
