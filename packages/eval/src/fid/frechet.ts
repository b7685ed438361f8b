import { cholesky, DiffmacError, symmetricEigen, symmetricEigenvalues } from '@diffmac/base';

/** Gaussian statistics of a feature set: mean (d) and covariance (d x d, row-major), float64. */
export interface FeatureStats {
  readonly mu: Float64Array;
  readonly sigma: Float64Array;
}

/**
 * Square root of a symmetric positive semi-definite matrix (negative eigenvalues from rounding are
 * clipped to 0), float64.
 *
 * @example
 * sqrtmPsd(new Float64Array([4, 0, 0, 9]), 2); // [2, 0, 0, 3]
 */
export function sqrtmPsd(matrix: Float64Array, n: number): Float64Array {
  const { values, vectors } = symmetricEigen(matrix, n, true);
  const out = new Float64Array(n * n);
  for (let k = 0; k < n; k++) {
    const s = Math.sqrt(Math.max(0, values[k] as number));
    if (s === 0) continue;
    for (let i = 0; i < n; i++) {
      const vik = (vectors[i * n + k] as number) * s;
      if (vik === 0) continue;
      for (let j = 0; j < n; j++) out[i * n + j] = (out[i * n + j] as number) + vik * (vectors[j * n + k] as number);
    }
  }
  return out;
}

function matmul(a: Float64Array, b: Float64Array, n: number): Float64Array {
  const out = new Float64Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < n; k++) {
      const aik = a[i * n + k] as number;
      if (aik === 0) continue;
      const row = k * n;
      for (let j = 0; j < n; j++) out[i * n + j] = (out[i * n + j] as number) + aik * (b[row + j] as number);
    }
  }
  return out;
}

function sumSqrt(values: Float64Array): number {
  let t = 0;
  for (const v of values) t += Math.sqrt(Math.max(0, v));
  return t;
}

/** Symmetric `Lᵀ S L` for lower-triangular L, row-major, with contiguous inner loops. */
function congruence(L: Float64Array, S: Float64Array, n: number): Float64Array {
  const t = new Float64Array(n * n); // S L
  for (let i = 0; i < n; i++) {
    const ri = i * n;
    for (let k = 0; k < n; k++) {
      const a = S[ri + k] as number;
      if (a === 0) continue;
      const rk = k * n;
      for (let j = 0; j <= k; j++) t[ri + j] = (t[ri + j] as number) + a * (L[rk + j] as number);
    }
  }
  const m = new Float64Array(n * n); // Lᵀ (S L)
  for (let k = 0; k < n; k++) {
    const rk = k * n;
    for (let i = 0; i <= k; i++) {
      const a = L[rk + i] as number;
      if (a === 0) continue;
      const ri = i * n;
      for (let j = 0; j < n; j++) m[ri + j] = (m[ri + j] as number) + a * (t[rk + j] as number);
    }
  }
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = ((m[i * n + j] as number) + (m[j * n + i] as number)) / 2;
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  }
  return m;
}

/**
 * `Tr(sqrtm(S1 S2))` for symmetric PSD S1, S2, in float64: the sum of the square roots of the
 * eigenvalues of `S1 S2`, read from a symmetric matrix with the same spectrum, which avoids the
 * complex Schur form scipy's `sqrtm` needs. When either matrix is positive definite (the
 * reference statistics of a large set are) that matrix is `L Lᵀ` and the spectrum is that of
 * `Lᵀ S_other L` (about 4 n³ flops); when both are singular, of `A S2 A` with `A = sqrtm(S1)`.
 *
 * @example
 * traceSqrtProduct(new Float64Array([4, 0, 0, 1]), new Float64Array([1, 0, 0, 9]), 2); // 2 + 3 = 5
 */
export function traceSqrtProduct(s1: Float64Array, s2: Float64Array, n: number): number {
  const l2 = cholesky(s2, n);
  if (l2) return sumSqrt(symmetricEigenvalues(congruence(l2, s1, n), n));
  const l1 = cholesky(s1, n);
  if (l1) return sumSqrt(symmetricEigenvalues(congruence(l1, s2, n), n));
  const a = sqrtmPsd(s1, n);
  const m = matmul(matmul(a, s2, n), a, n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      const v = ((m[i * n + j] as number) + (m[j * n + i] as number)) / 2;
      m[i * n + j] = v;
      m[j * n + i] = v;
    }
  }
  return sumSqrt(symmetricEigenvalues(m, n));
}

/**
 * The Fréchet distance between two Gaussians (FID when the stats are Inception pool features):
 * `|mu1 − mu2|² + Tr(S1) + Tr(S2) − 2 Tr(sqrtm(S1 S2))`, float64.
 *
 * @example
 * frechetDistance(statsRestored, statsReference);
 */
export function frechetDistance(a: FeatureStats, b: FeatureStats): number {
  const n = a.mu.length;
  if (b.mu.length !== n || a.sigma.length !== n * n || b.sigma.length !== n * n) {
    const received = `mu ${a.mu.length} / ${b.mu.length}, sigma ${a.sigma.length} / ${b.sigma.length}`;
    throw new DiffmacError('FID_STATS_MISMATCH', `Expected statistics of the same dimension, received ${received}`, {
      argument: 'b',
      expected: `mu(${n}), sigma(${n * n})`,
      received,
    });
  }
  let diff = 0;
  for (let i = 0; i < n; i++) diff += ((a.mu[i] as number) - (b.mu[i] as number)) ** 2;
  let tr = 0;
  for (let i = 0; i < n; i++) tr += (a.sigma[i * n + i] as number) + (b.sigma[i * n + i] as number);
  return diff + tr - 2 * traceSqrtProduct(a.sigma, b.sigma, n);
}
