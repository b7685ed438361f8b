import { expect, it } from 'vitest';
import { createPassThroughBottleneck, RateAccumulator } from '../src/index';
import { asyncCodeOf, tensor } from './helpers';

it('the pass-through bottleneck copies z and reports an unbounded rate', async () => {
  const none = createPassThroughBottleneck();
  const z = tensor([1, -2, 3, 4], [2, 2]);
  const out = await none.compress(z);
  expect(out.kind).toBe('none');
  expect(Array.from(out.z.data)).toEqual([1, -2, 3, 4]);
  expect(out.z.data).not.toBe(z.data);
  expect(out.z.shape).toEqual([2, 2]);
  expect([out.rateBits, out.rateBitsPerElement, ...out.rateBitsPerImage]).toEqual([Infinity, Infinity, Infinity, Infinity]);
  expect(out.rate.batch).toBe(2);
  // An unbounded rate is not bookkeeping material: the accumulator refuses it.
  expect(() => new RateAccumulator().add(out.rate)).toThrow(/finite/);
  expect(await asyncCodeOf(() => none.compress(z, { identity: new Float32Array(2) }))).toBe('IDENTITY_UNSUPPORTED');
  expect(await asyncCodeOf(() => none.compress(tensor([1, Number.NaN], [1, 2])))).toBe('NON_FINITE');
});
