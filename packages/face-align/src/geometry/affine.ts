import { type AffineMatrix, describeValue, DiffmacError, invalidArgument } from '@diffmac/base';
import type { Point } from '../detection/types';

export type { AffineMatrix } from '@diffmac/base';

/**
 * What functions taking a matrix accept: the flat 6-number form (array or typed array), or
 * OpenCV / numpy's nested 2×3 form `[[a, b, tx], [c, d, ty]]`.
 */
export type AffineInput = AffineMatrix | ArrayLike<number> | readonly [ArrayLike<number>, ArrayLike<number>];

/**
 * Normalise a matrix to the flat {@link AffineMatrix} form, checking it; throws `INVALID_MATRIX`
 * naming `argument`.
 *
 * @example
 * toAffine([[1, 0, 5], [0, 1, 7]]); // [1, 0, 5, 0, 1, 7]
 */
export function toAffine(m: AffineInput, argument = 'matrix'): AffineMatrix {
  const arr = m as ArrayLike<unknown> | null | undefined;
  if (arr !== null && arr !== undefined && typeof arr === 'object' && arr.length === 2) {
    const r0 = arr[0] as ArrayLike<unknown> | undefined, r1 = arr[1] as ArrayLike<unknown> | undefined;
    if (r0 && r1 && typeof r0 === 'object' && typeof r1 === 'object' && r0.length === 3 && r1.length === 3) {
      const flat = [r0[0], r0[1], r0[2], r1[0], r1[1], r1[2]];
      assertAffine(flat, argument);
      return flat;
    }
  }
  assertAffine(m, argument);
  const a = m as ArrayLike<number>;
  return [a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!];
}

/**
 * Check that `m` is six finite numbers; throws `INVALID_MATRIX` naming `argument`.
 *
 * @example
 * assertAffine([1, 0, 0, 0, 1, 0]); // passes; assertAffine([1, 0]) throws
 */
export function assertAffine(m: unknown, argument = 'matrix'): asserts m is AffineMatrix {
  const arr = m as ArrayLike<unknown> | null | undefined;
  if (arr === null || arr === undefined || typeof arr !== 'object' || arr.length !== 6) {
    invalidArgument(argument, 'a 2x3 row-major affine matrix of 6 numbers [a, b, tx, c, d, ty]', m, 'INVALID_MATRIX');
  }
  for (let i = 0; i < 6; i++) {
    const v = arr[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      invalidArgument(`${argument}[${i}]`, 'a finite number', v, 'INVALID_MATRIX');
    }
  }
}

/**
 * Invert a 2×3 affine transform as OpenCV's `invertAffineTransform` does (float64).
 * A singular matrix throws `SINGULAR_MATRIX`.
 *
 * @example
 * invertAffine([2, 0, 10, 0, 2, 20]); // [0.5, 0, -5, 0, 0.5, -10]
 */
export function invertAffine(matrix: AffineInput): AffineMatrix {
  const [a, b, tx, c, d, ty] = toAffine(matrix);
  let det = a * d - b * c;
  if (det === 0 || !Number.isFinite(1 / det)) {
    throw new DiffmacError('SINGULAR_MATRIX', `Expected an invertible affine matrix for matrix, received determinant ${describeValue(det)}`, {
      argument: 'matrix',
      expected: 'a non-zero determinant',
      received: describeValue(det),
    });
  }
  det = 1 / det;
  const A11 = d * det;
  const A22 = a * det;
  const A12 = -b * det;
  const A21 = -c * det;
  const b1 = -A11 * tx - A12 * ty;
  const b2 = -A21 * tx - A22 * ty;
  return [A11, A12, b1, A21, A22, b2];
}

/**
 * Compose two affine transforms: the result applies `first`, then `second`.
 *
 * @example
 * composeAffine([1, 0, 5, 0, 1, 0], [2, 0, 0, 0, 2, 0]); // x -> 2(x + 5): [2, 0, 10, 0, 2, 0]
 */
export function composeAffine(first: AffineInput, second: AffineInput): AffineMatrix {
  const [a1, b1, t1, c1, d1, u1] = toAffine(first, 'first');
  const [a2, b2, t2, c2, d2, u2] = toAffine(second, 'second');
  return [a2 * a1 + b2 * c1, a2 * b1 + b2 * d1, a2 * t1 + b2 * u1 + t2, c2 * a1 + d2 * c1, c2 * b1 + d2 * d1, c2 * t1 + d2 * u1 + u2];
}

/**
 * Map points through an affine transform.
 *
 * @example
 * applyAffine([2, 0, 1, 0, 2, 1], [[1, 1]]); // [[3, 3]]
 */
export function applyAffine(matrix: AffineInput, points: readonly Point[]): [number, number][] {
  const [a, b, tx, c, d, ty] = toAffine(matrix);
  return points.map(([x, y]) => [a * x + b * y + tx, c * x + d * y + ty]);
}

/**
 * Scale a transform's output by `factor` (OpenCV's `M * factor` on the 2×3 matrix), as facexlib
 * does when it maps a crop back into an upscaled photo.
 *
 * @example
 * scaleAffine([1, 0, 3, 0, 1, 4], 2); // [2, 0, 6, 0, 2, 8]
 */
export function scaleAffine(matrix: AffineInput, factor: number): AffineMatrix {
  return toAffine(matrix).map((v) => v * factor) as unknown as AffineMatrix;
}
