import type { NoiseSource } from '@diffmac/base';
import type { Rate } from './kl';
import type { LatentTensor } from './tensor';

/** The only noise source a bottleneck sees (one declaration, in @diffmac/base; `createRng` makes one). */
export type { NoiseSource } from '@diffmac/base';

/** Progress of one `compress` call (a discriminated union on `type`). */
export type BottleneckEvent =
  | { readonly type: 'compress-start'; readonly kind: string; readonly batch: number }
  | { readonly type: 'compress-done'; readonly kind: string; readonly rateBits: number; readonly rateBitsPerElement: number };

/** Per-call options every bottleneck understands. */
export interface CompressContext {
  /** Noise for the reparameterisation / channel; required unless `deterministic` or `noise` is given. */
  rng?: NoiseSource;
  /** Known standard-normal noise (same length as the output), used instead of `rng`. Not mutated. */
  noise?: Float32Array;
  /** Return the mean (no noise). Default false. */
  deterministic?: boolean;
  /** β: scales the noise (z = μ + β·σ·ε). Default 1; 0 is the same as `deterministic`. */
  temperature?: number;
  /** Identity embedding: one vector shared by the batch, or a `[batch, dim]` tensor (one per image). */
  identity?: Float32Array | LatentTensor;
  signal?: AbortSignal;
  onProgress?: (event: BottleneckEvent) => void;
}

/** What every bottleneck returns. */
export interface CompressResult {
  /** Which bottleneck produced it (`'learned'`, `'gaussian-channel'`, ...). */
  readonly kind: string;
  /** The compressed latent, a new tensor (inputs are never mutated). */
  readonly z: LatentTensor;
  /** The bottleneck's rate, in nats and bits, total, per element and per image. */
  readonly rate: Rate;
  /** `rate.bits`: total bits over the batch. */
  readonly rateBits: number;
  /** `rate.bitsPerElement`. */
  readonly rateBitsPerElement: number;
  /** `rate.bitsPerImage`. */
  readonly rateBitsPerImage: Float64Array;
  /**
   * Rate of the noise actually applied at this call's temperature β, in mean bits per element
   * (equal to `rateBitsPerElement` at β = 1; `Infinity` when deterministic or β = 0).
   */
  readonly sampledBitsPerElement: number;
  /** The temperature used (0 when deterministic). */
  readonly temperature: number;
}

/**
 * A bottleneck: compress a latent (or features) into a noisier one, reporting the rate. Learned
 * variational bottlenecks and the training-free Gaussian channel both implement it, so a pipeline
 * swaps them freely.
 *
 * @example
 * const out = await bottleneck.compress(stage1Latent, { rng });
 * out.rateBitsPerElement; // information kept per latent element
 */
export interface Bottleneck<R extends CompressResult = CompressResult, C extends CompressContext = CompressContext> {
  readonly kind: string;
  /** Whether `ctx.identity` is needed (`'required'`), used if given (`'optional'`), or rejected (`'none'`). */
  readonly identity: 'required' | 'optional' | 'none';
  compress(z: LatentTensor, ctx?: C): Promise<R>;
}
