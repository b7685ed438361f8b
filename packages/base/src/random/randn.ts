import { DiffmacError, describeValue } from '../errors';
import type { Tensor } from '../tensor';
import type { NoiseSource } from './rng';
/**
 * A float32 tensor of standard normal values drawn from `rng` (a seeded generator from
 * `createRng`), so the same seed gives the same noise on every machine.
 *
 * @example
 * const noise = randn([1, 4, 64, 64], createRng(42));
 */
export function randn(shape: readonly number[], rng: NoiseSource): Tensor {
  if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected an array of non-negative integers for shape, received ${describeValue(shape)}`, {
      argument: 'shape',
      expected: 'an array of non-negative integers',
      received: Array.isArray(shape) ? `[${shape.join(', ')}]` : describeValue(shape),
    });
  }
  if (rng === null || typeof rng !== 'object' || typeof rng.normal !== 'function') {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a NoiseSource (createRng(seed)) for rng, received ${describeValue(rng)}`, {
      argument: 'rng',
      expected: 'a NoiseSource with normal(out)',
      received: describeValue(rng),
    });
  }
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  rng.normal(data);
  return { data, shape: [...shape] };
}
