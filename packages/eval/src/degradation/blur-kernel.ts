import { invalidArgument } from '@diffmac/base';

/**
 * A bivariate Gaussian blur kernel as BasicSR's `bivariate_Gaussian` builds it: a `size`×`size`
 * grid centred on 0, covariance `R·diag(σx², σy²)·Rᵀ` with R the rotation by `theta`, normalised to
 * sum 1. Row-major Float64Array (row = y).
 *
 * @example
 * const k = bivariateGaussianKernel(41, 3, 3, 0);   // isotropic, sigma 3
 * const a = bivariateGaussianKernel(41, 1, 6, 0.5); // anisotropic, rotated by 0.5 rad
 */
export function bivariateGaussianKernel(size: number, sigmaX: number, sigmaY: number, theta: number): Float64Array {
  if (!Number.isInteger(size) || size < 1 || size % 2 === 0) invalidArgument('size', 'an odd positive integer', size);
  if (!(sigmaX > 0)) invalidArgument('sigmaX', 'a positive number', sigmaX);
  if (!(sigmaY > 0)) invalidArgument('sigmaY', 'a positive number', sigmaY);
  if (!Number.isFinite(theta)) invalidArgument('theta', 'a finite angle in radians', theta);
  const c = Math.cos(theta);
  const s = Math.sin(theta);
  const vx = sigmaX * sigmaX;
  const vy = sigmaY * sigmaY;
  // Σ = R diag(vx, vy) Rᵀ, then its inverse in closed form.
  const s00 = c * c * vx + s * s * vy;
  const s01 = c * s * (vx - vy);
  const s11 = s * s * vx + c * c * vy;
  const det = s00 * s11 - s01 * s01;
  const i00 = s11 / det;
  const i01 = -s01 / det;
  const i11 = s00 / det;
  const half = (size - 1) / 2;
  const k = new Float64Array(size * size);
  let sum = 0;
  for (let y = 0; y < size; y++) {
    const gy = y - half;
    for (let x = 0; x < size; x++) {
      const gx = x - half;
      const v = Math.exp(-0.5 * (gx * gx * i00 + 2 * gx * gy * i01 + gy * gy * i11));
      k[y * size + x] = v;
      sum += v;
    }
  }
  for (let i = 0; i < k.length; i++) k[i]! /= sum;
  return k;
}
