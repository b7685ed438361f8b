/**
 * Pure kernels of the k-diffusion samplers (Euler, Euler-ancestral, Heun, LMS, KDPM2) over typed
 * arrays with `out` arguments. `out` may alias an input of the same index (element-wise kernels).
 * Scalars are float32 values as diffusers holds them; per-element arithmetic is float64 rounded
 * once on store.
 */

const f32 = Math.fround;

/**
 * `x / sqrt(σ²+1)` (the Euler family's `scale_model_input`). Returns a finiteness probe of `x`
 * (0, or NaN when it holds NaN/Inf).
 *
 * @example
 * scaleBySigma(x, 14.6146, out);
 */
export function scaleBySigma(x: Float32Array, sigma: number, out: Float32Array): number {
  const c = f32(Math.sqrt(f32(f32(sigma * sigma) + 1)));
  let probe = 0;
  for (let i = 0; i < x.length; i++) {
    const v = x[i] as number;
    probe += v - v;
    out[i] = v / c;
  }
  return probe;
}

/**
 * One Euler step of the probability-flow ODE: `x + (x - x0)/σ·(σ_next - σ)`.
 *
 * @example
 * eulerStep(x, x0, sigmas[i], sigmas[i + 1], out);
 */
export function eulerStep(x: Float32Array, x0: Float32Array, sigma: number, sigmaNext: number, out: Float32Array): void {
  const dt = f32(sigmaNext - sigma);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    out[i] = xi + f32((xi - (x0[i] as number)) / sigma) * dt;
  }
}

/**
 * The derivative `(x - x0)/σ`.
 *
 * @example
 * derivative(x, x0, sigma, d);
 */
export function derivative(x: Float32Array, x0: Float32Array, sigma: number, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) out[i] = ((x[i] as number) - (x0[i] as number)) / sigma;
}

/**
 * Ancestral split of a step from σ to σ_next: `σ_up = sqrt(σn²(σ²-σn²)/σ²)`, `σ_down = sqrt(σn²-σ_up²)` (float32).
 *
 * @example
 * const { sigmaUp, sigmaDown } = ancestralSigmas(1.2, 0.8);
 */
export function ancestralSigmas(sigma: number, sigmaNext: number): { sigmaUp: number; sigmaDown: number } {
  const s2 = f32(sigma * sigma);
  const n2 = f32(sigmaNext * sigmaNext);
  const sigmaUp = f32(Math.sqrt(Math.max(0, f32(f32(n2 * f32(s2 - n2)) / s2))));
  const sigmaDown = f32(Math.sqrt(Math.max(0, f32(n2 - f32(sigmaUp * sigmaUp)))));
  return { sigmaUp, sigmaDown };
}

/**
 * One Euler-ancestral step: `x + (x - x0)/σ·(σ_down - σ) + σ_up·noise`.
 *
 * @example
 * eulerAncestralStep(x, x0, sigma, sigmaDown, sigmaUp, noise, out);
 */
export function eulerAncestralStep(x: Float32Array, x0: Float32Array, sigma: number, sigmaDown: number, sigmaUp: number, noise: Float32Array, out: Float32Array): void {
  const dt = f32(sigmaDown - sigma);
  for (let i = 0; i < x.length; i++) {
    const xi = x[i] as number;
    out[i] = f32(xi + f32((xi - (x0[i] as number)) / sigma) * dt) + (noise[i] as number) * sigmaUp;
  }
}

/**
 * Heun's correction: `x_start + ((d_prev + (x - x0)/σ_next)/2)·dt`.
 *
 * @example
 * heunCorrect(xStart, dPrev, x, x0, sigmaNext, dt, out);
 */
export function heunCorrect(xStart: Float32Array, dPrev: Float32Array, x: Float32Array, x0: Float32Array, sigmaNext: number, dt: number, out: Float32Array): void {
  for (let i = 0; i < x.length; i++) {
    const d = f32(((x[i] as number) - (x0[i] as number)) / sigmaNext);
    out[i] = (xStart[i] as number) + f32(f32((dPrev[i] as number) + d) / 2) * dt;
  }
}

const GAUSS_X = [-0.8611363115940526, -0.3399810435848563, 0.3399810435848563, 0.8611363115940526];
const GAUSS_W = [0.3478548451374538, 0.6521451548625461, 0.6521451548625461, 0.3478548451374538];

/**
 * Linear multistep coefficients at step `i` of a sigma schedule: coefficient j is the integral over
 * [σ_i, σ_{i+1}] of the Lagrange basis polynomial `∏_{k≠j} (τ-σ_{i-k})/(σ_{i-j}-σ_{i-k})`, exact
 * (4-point Gauss–Legendre; the basis has degree ≤ 3). Coefficients pair with derivatives newest first.
 *
 * @example
 * lmsCoefficients(sigmas, 5, 4); // Float64Array(4)
 */
export function lmsCoefficients(sigmas: ArrayLike<number>, i: number, order: number): Float64Array {
  const a = sigmas[i] as number;
  const b = sigmas[i + 1] as number;
  const half = (b - a) / 2;
  const mid = (a + b) / 2;
  const out = new Float64Array(order);
  for (let j = 0; j < order; j++) {
    let sum = 0;
    for (let g = 0; g < 4; g++) {
      const tau = mid + half * (GAUSS_X[g] as number);
      let prod = 1;
      for (let k = 0; k < order; k++) {
        if (k === j) continue;
        prod *= (tau - (sigmas[i - k] as number)) / ((sigmas[i - j] as number) - (sigmas[i - k] as number));
      }
      sum += (GAUSS_W[g] as number) * prod;
    }
    out[j] = sum * half;
  }
  return out;
}

/**
 * Linear multistep update: `x + Σ_j coeffs[j]·derivatives[j]` (derivatives newest first).
 *
 * @example
 * lmsStep(x, coeffs, [d0, d1, d2], out);
 */
export function lmsStep(x: Float32Array, coeffs: ArrayLike<number>, derivatives: readonly Float32Array[], out: Float32Array): void {
  const n = Math.min(coeffs.length, derivatives.length);
  for (let i = 0; i < x.length; i++) {
    let acc = 0;
    for (let j = 0; j < n; j++) acc += f32((coeffs[j] as number) * ((derivatives[j] as Float32Array)[i] as number));
    out[i] = (x[i] as number) + acc;
  }
}
