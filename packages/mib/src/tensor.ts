import { assertFinite as assertFiniteValues } from '@diffmac/base';
import { describeValue, invalidArgument, MibError } from './errors';

/**
 * A dense row-major float32 tensor: the plain `{ data, shape }` shape every diffmac package
 * shares (core's `Tensor` with float32 data is one), so mib never imports core for a type.
 *
 * @example
 * const z: LatentTensor = { data: new Float32Array(2 * 4 * 8 * 8), shape: [2, 4, 8, 8] };
 */
export interface LatentTensor {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** Batch layout of a checked tensor: `batch` images of `elementsPerImage` values each. */
export interface BatchLayout {
  readonly batch: number;
  readonly elementsPerImage: number;
  readonly elements: number;
}

/**
 * Check that `tensor` is a float32 `{ data, shape }` with a leading batch dimension (rank ≥ 2,
 * positive integer dims whose product is `data.length`) and return its batch layout.
 *
 * @example
 * batchLayout({ data: new Float32Array(8), shape: [2, 4] }, 'z'); // { batch: 2, elementsPerImage: 4, elements: 8 }
 */
export function batchLayout(tensor: unknown, argument: string): BatchLayout {
  if (typeof tensor !== 'object' || tensor === null) invalidArgument(argument, 'a { data: Float32Array, shape } tensor', tensor);
  const { data, shape } = tensor as { data?: unknown; shape?: unknown };
  if (!(data instanceof Float32Array)) invalidArgument(`${argument}.data`, 'a Float32Array', data);
  if (!Array.isArray(shape) || shape.length < 2) {
    invalidArgument(`${argument}.shape`, 'a shape [batch, ...] of rank 2 or more', shape, 'INVALID_SHAPE');
  }
  let elements = 1;
  for (const d of shape as unknown[]) {
    if (typeof d !== 'number' || !Number.isInteger(d) || d <= 0) {
      invalidArgument(`${argument}.shape`, 'positive integer dimensions', `[${(shape as unknown[]).map(describeValue).join(', ')}]`, 'INVALID_SHAPE');
    }
    elements *= d;
  }
  if (elements !== data.length) {
    throw new MibError('SHAPE_MISMATCH', `Expected ${elements} values in ${argument}.data for shape [${shape.join(', ')}], received ${data.length}`, {
      argument: `${argument}.data`,
      expected: `${elements} values`,
      received: `${data.length} values`,
    });
  }
  const batch = shape[0] as number;
  return { batch, elementsPerImage: elements / batch, elements };
}

/**
 * Throw `NON_FINITE` naming `argument` if `data` holds a NaN or infinity.
 *
 * @example
 * assertFinite(new Float32Array([1, NaN]), 'outputs.mean'); // throws MibError NON_FINITE (index 1)
 */
export function assertFinite(data: ArrayLike<number>, argument: string): void {
  assertFiniteValues(data, argument, MibError);
}
