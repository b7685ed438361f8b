/**
 * Training-free AdaIN alignment as a denoiser wrapper: at chosen steps, re-normalise the predicted
 * x0 toward the statistics of the low-quality input (per channel, optionally per spatial window),
 * then let the sampler continue from the aligned estimate.
 */
import type { Denoiser } from '@diffmac/scheduler';
import { DiffmacError } from '@diffmac/base';
import { channelMeanStd } from '../colour/colour-fix';
import { formatShape } from '../tensor/shape';
import type { FloatTensor } from './tensor-ops';

/** Options of {@link adainGuidance}. */
export interface AdainGuidanceOptions {
  /** The statistics to align to, `[N, C, H, W]` (the LQ latent, or the LQ image for pixel diffusion). */
  reference: FloatTensor;
  /** Shape of the sample, `[N, C, H, W]`; with `window` its H, W must equal the reference's. */
  shape: readonly number[];
  /**
   * The sigmas the sampler walks; required with `steps` (a step is recognised by its starting sigma).
   */
  sigmas?: ArrayLike<number>;
  /** Step indices to align at (default: every step). */
  steps?: readonly number[];
  /** Align per `window × window` tile of the grid instead of over the whole channel. */
  window?: number;
  /** Blend between the raw (0) and the aligned (1) estimate (default 1). */
  strength?: number;
  /** Added to the unbiased variance (default 1e-5). */
  eps?: number;
}

/** A denoiser that aligns its x0 estimate, and counts how often it did. */
export interface GuidedDenoiser extends Denoiser {
  /** Number of calls whose estimate was aligned. */
  readonly alignedCalls: () => number;
}

/** Mean and sqrt(unbiased variance + eps) of a strided window of a plane. */
function windowStats(d: Float32Array, base: number, rowStride: number, y0: number, y1: number, x0: number, x1: number, eps: number): [number, number] {
  let sum = 0;
  const count = (y1 - y0) * (x1 - x0);
  for (let y = y0; y < y1; y++) for (let i = base + y * rowStride + x0, end = base + y * rowStride + x1; i < end; i++) sum += d[i]!;
  const mean = sum / count;
  let ss = 0;
  for (let y = y0; y < y1; y++) {
    for (let i = base + y * rowStride + x0, end = base + y * rowStride + x1; i < end; i++) {
      const v = d[i]! - mean;
      ss += v * v;
    }
  }
  return [mean, Math.sqrt((count > 1 ? ss / (count - 1) : 0) + eps)];
}

/**
 * Re-normalise a `[N, C, H, W]` estimate in place toward `reference`: per image and channel (or
 * per `window` tile), `(x − mean_x)/std_x · std_ref + mean_ref`, blended by `strength`.
 *
 * @example
 * adainAlignInPlace(x0, lqLatent, [1, 4, 8, 8], { window: 4 });
 */
export function adainAlignInPlace(x: Float32Array, reference: FloatTensor, shape: readonly number[], options: { window?: number; strength?: number; eps?: number } = {}): void {
  const [n, c, h, w] = shape as [number, number, number, number];
  const [rn, rc, rh, rw] = reference.shape as [number, number, number, number];
  const strength = options.strength ?? 1;
  const eps = options.eps ?? 1e-5;
  if (rn !== n || rc !== c || (options.window !== undefined && (rh !== h || rw !== w))) {
    throw new DiffmacError('TENSOR_SHAPE_MISMATCH', `Expected the alignment reference to be [${n}, ${c}, ${options.window ? `${h}, ${w}` : 'H, W'}], received ${formatShape(reference.shape)}`, {
      argument: 'reference',
      expected: `[${n}, ${c}, ${options.window ? `${h}, ${w}` : 'H, W'}]`,
      received: formatShape(reference.shape),
    });
  }
  if (options.window === undefined) {
    for (let p = 0; p < n * c; p++) {
      const [mx, sx] = channelMeanStd(x, p * h * w, h * w, eps);
      const [mr, sr] = channelMeanStd(reference.data, p * rh * rw, rh * rw, eps);
      const s = sr / sx;
      for (let i = p * h * w, end = i + h * w; i < end; i++) {
        const v = x[i]!;
        x[i] = v + strength * ((v - mx) * s + mr - v);
      }
    }
    return;
  }
  const win = options.window;
  for (let p = 0; p < n * c; p++) {
    const base = p * h * w;
    for (let y0 = 0; y0 < h; y0 += win) {
      for (let x0 = 0; x0 < w; x0 += win) {
        const y1 = Math.min(h, y0 + win), x1 = Math.min(w, x0 + win);
        const [mx, sx] = windowStats(x, base, w, y0, y1, x0, x1, eps);
        const [mr, sr] = windowStats(reference.data, base, w, y0, y1, x0, x1, eps);
        const s = sr / sx;
        for (let y = y0; y < y1; y++) {
          for (let i = base + y * w + x0, end = base + y * w + x1; i < end; i++) {
            const v = x[i]!;
            x[i] = v + strength * ((v - mx) * s + mr - v);
          }
        }
      }
    }
  }
}

/**
 * Wrap a denoiser so that, at the chosen steps, its x0 estimate is aligned to `reference` with
 * AdaIN before the sampler uses it (DiffMAC's training-free Stage-I alignment).
 *
 * @example
 * const guided = adainGuidance(denoiser, { reference: lqLatent, shape: [1, 4, 64, 64], sigmas, steps: [0, 1, 2, 3], window: 16 });
 * const x0 = await sample(guided, x, sigmas, { sampler: 'euler' });
 */
export function adainGuidance(denoiser: Denoiser, options: AdainGuidanceOptions): GuidedDenoiser {
  const strength = options.strength ?? 1;
  if (!(strength >= 0 && strength <= 1)) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a number in [0, 1] for strength, received ${String(strength)}`, { argument: 'strength', expected: 'a number in [0, 1]', received: String(strength) });
  }
  if (options.window !== undefined && !(Number.isInteger(options.window) && options.window >= 2)) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected an integer >= 2 for window, received ${String(options.window)}`, { argument: 'window', expected: 'an integer >= 2', received: String(options.window) });
  }
  let at: Set<number> | undefined;
  if (options.steps !== undefined) {
    if (options.sigmas === undefined) {
      throw new DiffmacError('INVALID_ARGUMENT', 'Expected sigmas with steps (a step is recognised by its sigma)', { argument: 'sigmas', expected: 'the sampler sigmas', received: 'undefined' });
    }
    at = new Set();
    for (const i of options.steps) {
      const s = options.sigmas[i];
      if (!Number.isInteger(i) || s === undefined) {
        throw new DiffmacError('INVALID_ARGUMENT', `Expected step indices in [0, ${options.sigmas.length - 2}], received ${String(i)}`, { argument: 'steps', expected: `integers in [0, ${options.sigmas.length - 2}]`, received: String(i) });
      }
      at.add(s);
    }
  }
  let aligned = 0;
  const guided = (async (x: Float32Array, sigma: number, out: Float32Array) => {
    await denoiser(x, sigma, out);
    if (at && !at.has(sigma)) return;
    adainAlignInPlace(out, options.reference, options.shape, { ...(options.window !== undefined ? { window: options.window } : {}), strength, ...(options.eps !== undefined ? { eps: options.eps } : {}) });
    aligned++;
  }) as GuidedDenoiser;
  Object.defineProperty(guided, 'alignedCalls', { value: () => aligned });
  return guided;
}
