import { DiffmacError, describeValue, type DiffmacErrorClass } from '../errors';

/**
 * Index of the first NaN or ±Infinity in `data`, or -1 when every value is finite.
 *
 * @example
 * firstNonFinite(new Float32Array([1, NaN, 2])); // 1
 */
export function firstNonFinite(data: ArrayLike<number>): number {
  for (let i = 0; i < data.length; i++) {
    const v = data[i] as number;
    if (v - v !== 0) return i;
  }
  return -1;
}

/**
 * Throw `NON_FINITE` naming `argument` (as an `ErrorClass`, default {@link DiffmacError}) if `data`
 * holds a NaN or ±Infinity.
 *
 * @example
 * assertFinite(new Float32Array([1, NaN]), 'outputs.mean'); // throws NON_FINITE (index 1)
 */
export function assertFinite(data: ArrayLike<number>, argument: string, ErrorClass: DiffmacErrorClass = DiffmacError): void {
  const i = firstNonFinite(data);
  if (i < 0) return;
  const received = `${describeValue(data[i])} at index ${i}`;
  throw new ErrorClass('NON_FINITE', `Expected finite values in ${argument}, received ${received}`, { argument, expected: 'finite values', received });
}
