import { symmetricEigenvalues } from './symmetric-eigenvalues';
import { tridiagonalQl } from './tridiagonal-ql';

/**
 * Eigen-decomposition of a real symmetric n x n matrix (row-major) by Householder reduction to
 * tridiagonal form and the implicit QL algorithm (EISPACK tred2/tql2, as in JAMA), in float64.
 * O(n³), fast enough for FID's 2048 x 2048 covariances; the one symmetric solver of diffmac.
 * Eigenvalues come back ascending,
 * eigenvectors as the columns of `vectors` (row-major n x n) when `wantVectors` (without them,
 * {@link symmetricEigenvalues} runs instead).
 *
 * @example
 * const { values } = symmetricEigen(new Float64Array([2, 1, 1, 2]), 2); // [1, 3]
 */
export function symmetricEigen(matrix: Float64Array, n: number, wantVectors = true): { values: Float64Array; vectors: Float64Array } {
  if (!wantVectors) return { values: symmetricEigenvalues(matrix, n), vectors: new Float64Array(0) };
  const V = Float64Array.from(matrix);
  const d = new Float64Array(n);
  const e = new Float64Array(n);
  // tred2
  for (let j = 0; j < n; j++) d[j] = V[(n - 1) * n + j] as number;
  for (let i = n - 1; i > 0; i--) {
    let scale = 0;
    let h = 0;
    for (let k = 0; k < i; k++) scale += Math.abs(d[k] as number);
    if (scale === 0) {
      e[i] = d[i - 1] as number;
      for (let j = 0; j < i; j++) {
        d[j] = V[(i - 1) * n + j] as number;
        V[i * n + j] = 0;
        V[j * n + i] = 0;
      }
    } else {
      for (let k = 0; k < i; k++) {
        d[k] = (d[k] as number) / scale;
        h += (d[k] as number) * (d[k] as number);
      }
      let f = d[i - 1] as number;
      let g = Math.sqrt(h);
      if (f > 0) g = -g;
      e[i] = scale * g;
      h -= f * g;
      d[i - 1] = f - g;
      for (let j = 0; j < i; j++) e[j] = 0;
      for (let j = 0; j < i; j++) {
        f = d[j] as number;
        V[j * n + i] = f;
        g = (e[j] as number) + (V[j * n + j] as number) * f;
        for (let k = j + 1; k <= i - 1; k++) {
          g += (V[k * n + j] as number) * (d[k] as number);
          e[k] = (e[k] as number) + (V[k * n + j] as number) * f;
        }
        e[j] = g;
      }
      f = 0;
      for (let j = 0; j < i; j++) {
        e[j] = (e[j] as number) / h;
        f += (e[j] as number) * (d[j] as number);
      }
      const hh = f / (h + h);
      for (let j = 0; j < i; j++) e[j] = (e[j] as number) - hh * (d[j] as number);
      for (let j = 0; j < i; j++) {
        f = d[j] as number;
        g = e[j] as number;
        for (let k = j; k <= i - 1; k++) V[k * n + j] = (V[k * n + j] as number) - (f * (e[k] as number) + g * (d[k] as number));
        d[j] = V[(i - 1) * n + j] as number;
        V[i * n + j] = 0;
      }
    }
    d[i] = h;
  }
  // accumulate the Householder transforms into V
  for (let i = 0; i < n - 1; i++) {
    V[(n - 1) * n + i] = V[i * n + i] as number;
    V[i * n + i] = 1;
    const h = d[i + 1] as number;
    if (h !== 0) {
      for (let k = 0; k <= i; k++) d[k] = (V[k * n + i + 1] as number) / h;
      for (let j = 0; j <= i; j++) {
        let g = 0;
        for (let k = 0; k <= i; k++) g += (V[k * n + i + 1] as number) * (V[k * n + j] as number);
        for (let k = 0; k <= i; k++) V[k * n + j] = (V[k * n + j] as number) - g * (d[k] as number);
      }
    }
    for (let k = 0; k <= i; k++) V[k * n + i + 1] = 0;
  }
  for (let j = 0; j < n; j++) {
    d[j] = V[(n - 1) * n + j] as number;
    V[(n - 1) * n + j] = 0;
  }
  V[(n - 1) * n + n - 1] = 1;
  tridiagonalQl(d, e, n, V);
  // sort ascending
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => (d[a] as number) - (d[b] as number));
  const values = Float64Array.from(order, (i) => d[i] as number);
  const vectors = new Float64Array(n * n);
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) vectors[r * n + c] = V[r * n + (order[c] as number)] as number;
  return { values, vectors };
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
