/**
 * Round to the nearest integer, ties to even: numpy's `np.round`, Python's `round`, and the
 * rounding OpenCV's `saturate_cast` and fixed-point coordinate terms use.
 *
 * @example
 * roundHalfEven(126.5); // 126
 * roundHalfEven(127.5); // 128
 * roundHalfEven(-0.5); // -0, as numpy gives
 */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return Math.abs(x % 1) === 0.5 && r % 2 !== 0 ? r - 1 : r;
}
