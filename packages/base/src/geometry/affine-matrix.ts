/**
 * A 2×3 affine matrix, row-major: `[a, b, tx, c, d, ty]` maps `(x, y)` to
 * `(a·x + b·y + tx, c·x + d·y + ty)`: the layout of OpenCV's 2×3 `M` flattened.
 *
 * @example
 * const shift: AffineMatrix = [1, 0, 5, 0, 1, 7]; // x + 5, y + 7
 */
export type AffineMatrix = readonly [a: number, b: number, tx: number, c: number, d: number, ty: number];
