/**
 * Eigen-decomposition of a symmetric n x n matrix (row-major Float64Array) by cyclic Jacobi
 * rotations, in float64. Returns the eigenvalues and the eigenvectors as the columns of `vectors`.
 *
 * @example
 * const { values } = symmetricEigen(new Float64Array([2, 1, 1, 2]), 2); // [1, 3] in some order
 */
export function symmetricEigen(matrix: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const a = Float64Array.from(matrix);
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 100; sweep++) {
    let off = 0;
    let diag = 0;
    for (let i = 0; i < n; i++) {
      diag += (a[i * n + i] as number) ** 2;
      for (let j = i + 1; j < n; j++) off += (a[i * n + j] as number) ** 2;
    }
    if (off === 0 || off <= 1e-30 * diag) break;
    for (let p = 0; p < n - 1; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q] as number;
        if (apq === 0) continue;
        const app = a[p * n + p] as number;
        const aqq = a[q * n + q] as number;
        const theta = (aqq - app) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p] as number;
          const akq = a[k * n + q] as number;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k] as number;
          const aqk = a[q * n + k] as number;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p] as number;
          const vkq = v[k * n + q] as number;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = a[i * n + i] as number;
  return { values, vectors: v };
}

/**
 * Moore–Penrose pseudo-inverse of a symmetric matrix, as numpy's `pinv` (singular values under
 * `rcond · max singular value` are dropped; default rcond 1e-15).
 *
 * @example
 * symmetricPinv(new Float64Array([4, 0, 0, 0]), 2); // [0.25, 0, 0, 0]
 */
export function symmetricPinv(matrix: Float64Array, n: number, rcond = 1e-15): Float64Array {
  const { values, vectors } = symmetricEigen(matrix, n);
  let max = 0;
  for (const x of values) max = Math.max(max, Math.abs(x));
  const cutoff = rcond * max;
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const lambda = values[k] as number;
    if (Math.abs(lambda) <= cutoff) continue;
    const inv = 1 / lambda;
    for (let i = 0; i < n; i++) {
      const vik = (vectors[i * n + k] as number) * inv;
      if (vik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] = (out[i * n + j] as number) + vik * (vectors[j * n + k] as number);
    }
  }
  return out;
}
