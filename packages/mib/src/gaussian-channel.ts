import type { Bottleneck, CompressContext, CompressResult } from './bottleneck';
import { gaussianChannelRate } from './channel-capacity';
import { describeValue, invalidArgument, MibError } from './errors';
import { rateFromImageNats } from './kl';
import { drawNoise, resolveTemperature } from './noise';
import { assertFinite, batchLayout, type LatentTensor } from './tensor';

/** How a target rate picks a discrete timestep: the closest rate, or the nearest on one side. */
export type RateRounding = 'nearest' | 'at-most' | 'at-least';

/** A timestep solved for a target rate, with the rate it actually achieves. */
export interface TimestepForRate {
  /** The integer timestep chosen. */
  readonly timestep: number;
  /** ᾱ at that timestep. */
  readonly alphaCumprod: number;
  /** The achieved rate at `timestep`, bits per element. */
  readonly bitsPerElement: number;
  /** The rate asked for, bits per element. */
  readonly targetBitsPerElement: number;
  /** Where between integer timesteps the target lies (linear in rate), for continuous-time samplers. */
  readonly fractionalTimestep: number;
}

/** One row of {@link GaussianChannel.rateTable}. */
export interface RateTableRow {
  readonly timestep: number;
  readonly alphaCumprod: number;
  readonly bitsPerElement: number;
}

/** The JSON form of a Gaussian channel (`channel.toJSON()`); `createGaussianChannel` takes it back. */
export interface GaussianChannelConfig {
  readonly type: 'diffmac-gaussian-channel';
  readonly version: 1;
  readonly alphasCumprod: number[];
  readonly signalVariance: number;
  readonly timestep?: number;
  readonly targetBitsPerElement?: number;
  readonly rounding: RateRounding;
}

/** Options of {@link createGaussianChannel} (a {@link GaussianChannelConfig} is one). */
export interface GaussianChannelOptions {
  /** Set by {@link GaussianChannelConfig}; checked when present. */
  type?: 'diffmac-gaussian-channel';
  version?: 1;
  /** The noise schedule as data: ᾱ_t for t = 0..T−1, in [0, 1), non-increasing (e.g. {@link stableDiffusionAlphasCumprod}). */
  alphasCumprod: ArrayLike<number>;
  /** Variance of the input per element, σx² (default 1: SD latents scaled by 0.18215 are close to it). */
  signalVariance?: number;
  /** Default operating point: diffuse to this timestep. */
  timestep?: number;
  /** Default operating point: the timestep whose rate is closest to this many bits per element. */
  targetBitsPerElement?: number;
  /** How a target rate picks a timestep (default `'nearest'`). */
  rounding?: RateRounding;
}

/** Per-call options of the Gaussian channel: at most one operating point, overriding the default. */
export interface GaussianChannelContext extends CompressContext {
  timestep?: number;
  targetBitsPerElement?: number;
  /** Target bits per image; divided by the elements per image of the input. */
  targetBitsPerImage?: number;
  rounding?: RateRounding;
}

/** What the Gaussian channel returns: the diffused latent x_t and where it sits on the schedule. */
export interface GaussianChannelResult extends CompressResult {
  readonly kind: 'gaussian-channel';
  /** The timestep x_t belongs to: start a sampler here (DifFace, SDEdit). */
  readonly timestep: number;
  readonly alphaCumprod: number;
  /** Set when the call asked for a rate rather than a timestep. */
  readonly solved?: TimestepForRate;
}

/** The training-free Gaussian-channel bottleneck: forward diffusion to a timestep, as an information bottleneck. */
export interface GaussianChannel extends Bottleneck<GaussianChannelResult, GaussianChannelContext> {
  readonly kind: 'gaussian-channel';
  readonly identity: 'none';
  /** A float64 copy of the schedule. */
  readonly alphasCumprod: Float64Array;
  readonly signalVariance: number;
  /** Rate at `timestep`, bits per element. */
  rateAt(timestep: number): number;
  /** The rates the schedule reaches: at its last timestep (min) and at t = 0 (max). */
  rateRange(): { minBitsPerElement: number; maxBitsPerElement: number };
  /** Solve for the timestep carrying `bitsPerElement`. */
  timestepForRate(bitsPerElement: number, rounding?: RateRounding): TimestepForRate;
  /** Rate against timestep (every timestep, or the ones given). */
  rateTable(timesteps?: readonly number[]): RateTableRow[];
  /** Plain JSON config; `createGaussianChannel(JSON.parse(JSON.stringify(channel)))` rebuilds it. */
  toJSON(): GaussianChannelConfig;
}

function checkSchedule(alphasCumprod: ArrayLike<number>): Float64Array {
  if (alphasCumprod === null || typeof alphasCumprod !== 'object' || typeof alphasCumprod.length !== 'number' || alphasCumprod.length === 0) {
    invalidArgument('alphasCumprod', 'a non-empty array of ᾱ values', alphasCumprod, 'INVALID_SCHEDULE');
  }
  const out = Float64Array.from(alphasCumprod);
  for (let t = 0; t < out.length; t++) {
    const a = out[t] as number;
    const fail = (expected: string) => {
      throw new MibError('INVALID_SCHEDULE', `Expected ${expected} for alphasCumprod[${t}], received ${describeValue(a)}`, {
        argument: `alphasCumprod[${t}]`,
        expected,
        received: describeValue(a),
      });
    };
    if (!(a >= 0 && a < 1)) fail('a number in [0, 1)');
    if (t > 0 && a > (out[t - 1] as number)) fail(`a value ≤ alphasCumprod[${t - 1}] = ${out[t - 1]} (ᾱ must not increase)`);
  }
  return out;
}

function checkRounding(rounding: unknown): RateRounding {
  if (rounding !== 'nearest' && rounding !== 'at-most' && rounding !== 'at-least') {
    invalidArgument('rounding', "'nearest', 'at-most' or 'at-least'", rounding);
  }
  return rounding;
}

function solve(rates: Float64Array, alphas: Float64Array, target: number, rounding: RateRounding, argument: string): TimestepForRate {
  const last = rates.length - 1;
  const max = rates[0] as number;
  const min = rates[last] as number;
  if (!(typeof target === 'number' && target >= min && target <= max)) {
    const expected = `a rate in [${min}, ${max}] bits per element (what the schedule reaches from t = ${last} to t = 0)`;
    throw new MibError('RATE_OUT_OF_RANGE', `Expected ${expected} for ${argument}, received ${describeValue(target)}`, {
      argument,
      expected,
      received: describeValue(target),
    });
  }
  // Smallest t with rate(t) ≤ target (rates never increase with t).
  let lo = 0;
  let hi = last;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((rates[mid] as number) <= target) hi = mid;
    else lo = mid + 1;
  }
  const below = lo;
  const rb = rates[below] as number;
  let timestep = below;
  let fractional = below;
  if (rb !== target && below > 0) {
    const above = below - 1;
    const ra = rates[above] as number;
    fractional = above + (ra - target) / (ra - rb);
    if (rounding === 'at-least' || (rounding === 'nearest' && ra - target < target - rb)) timestep = above;
  }
  return {
    timestep,
    alphaCumprod: alphas[timestep] as number,
    bitsPerElement: rates[timestep] as number,
    targetBitsPerElement: target,
    fractionalTimestep: fractional,
  };
}

/**
 * Solve the noise schedule for the timestep whose channel rate is `bitsPerElement` (bisection on
 * the discrete, monotone rate curve), reporting the rate it achieves. Throws `RATE_OUT_OF_RANGE`
 * when the schedule cannot reach the target.
 *
 * @example
 * const s = timestepForRate(stableDiffusionAlphasCumprod(), 0.5);
 * s.timestep; s.bitsPerElement; // the step whose rate is closest to 0.5 bit, and that rate
 */
export function timestepForRate(
  alphasCumprod: ArrayLike<number>,
  bitsPerElement: number,
  options: { signalVariance?: number; rounding?: RateRounding } = {},
): TimestepForRate {
  const alphas = checkSchedule(alphasCumprod);
  const sv = options.signalVariance ?? 1;
  const rates = alphas.map((a) => gaussianChannelRate(a, sv));
  return solve(rates, alphas, bitsPerElement, checkRounding(options.rounding ?? 'nearest'), 'bitsPerElement');
}

/**
 * The training-free Gaussian-channel bottleneck: x_t = √ᾱ_t·x0 + √(1−ᾱ_t)·ε, at a chosen timestep
 * or at the timestep solved from a target rate, reporting the channel's rate
 * ½·log2(1 + ᾱ_t·σx²/(1−ᾱ_t)) bits per element. This is the bridge DifFace and SDEdit use, stated
 * as an information bottleneck; it fits the same slot as the learned one.
 *
 * @example
 * const channel = createGaussianChannel({ alphasCumprod: stableDiffusionAlphasCumprod(), targetBitsPerElement: 0.25 });
 * const { z, timestep, rateBitsPerElement } = await channel.compress(latent, { rng });
 */
export function createGaussianChannel(options: GaussianChannelOptions): GaussianChannel {
  if (typeof options !== 'object' || options === null) invalidArgument('options', '{ alphasCumprod, ... }', options);
  if (options.type !== undefined && options.type !== 'diffmac-gaussian-channel') {
    invalidArgument('options.type', "'diffmac-gaussian-channel'", options.type, 'INVALID_CONFIG');
  }
  if (options.version !== undefined && options.version !== 1) invalidArgument('options.version', '1', options.version, 'INVALID_CONFIG');
  const alphas = checkSchedule(options.alphasCumprod);
  const signalVariance = options.signalVariance ?? 1;
  if (!(typeof signalVariance === 'number' && Number.isFinite(signalVariance) && signalVariance > 0)) {
    invalidArgument('options.signalVariance', 'a finite number > 0', signalVariance);
  }
  const rates = alphas.map((a) => gaussianChannelRate(a, signalVariance));
  const defaultRounding = checkRounding(options.rounding ?? 'nearest');
  const last = alphas.length - 1;

  const checkTimestep = (t: unknown, argument: string): number => {
    if (!(typeof t === 'number' && Number.isInteger(t) && t >= 0 && t <= last)) {
      invalidArgument(argument, `an integer timestep in [0, ${last}]`, t, 'TIMESTEP_OUT_OF_RANGE');
    }
    return t;
  };
  if (options.timestep !== undefined && options.targetBitsPerElement !== undefined) {
    throw new MibError('CONFLICTING_OPTIONS', 'Expected one of options.timestep and options.targetBitsPerElement, received both', {
      argument: 'options.targetBitsPerElement',
      expected: 'at most one operating point',
      received: 'timestep and targetBitsPerElement',
    });
  }
  if (options.timestep !== undefined) checkTimestep(options.timestep, 'options.timestep');
  if (options.targetBitsPerElement !== undefined) solve(rates, alphas, options.targetBitsPerElement, defaultRounding, 'options.targetBitsPerElement');

  const channel: GaussianChannel = {
    kind: 'gaussian-channel',
    identity: 'none',
    get alphasCumprod() {
      return alphas.slice();
    },
    signalVariance,
    rateAt: (t) => rates[checkTimestep(t, 'timestep')] as number,
    rateRange: () => ({ minBitsPerElement: rates[last] as number, maxBitsPerElement: rates[0] as number }),
    timestepForRate: (bits, rounding = defaultRounding) => solve(rates, alphas, bits, checkRounding(rounding), 'bitsPerElement'),
    rateTable: (timesteps) => {
      const ts = timesteps ?? Array.from(alphas, (_, t) => t);
      return ts.map((t) => ({ timestep: checkTimestep(t, 'timesteps[]'), alphaCumprod: alphas[t] as number, bitsPerElement: rates[t] as number }));
    },
    toJSON: () => ({
      type: 'diffmac-gaussian-channel',
      version: 1,
      alphasCumprod: Array.from(alphas),
      signalVariance,
      ...(options.timestep !== undefined ? { timestep: options.timestep } : {}),
      ...(options.targetBitsPerElement !== undefined ? { targetBitsPerElement: options.targetBitsPerElement } : {}),
      rounding: defaultRounding,
    }),
    async compress(z: LatentTensor, ctx: GaussianChannelContext = {}): Promise<GaussianChannelResult> {
      ctx.signal?.throwIfAborted();
      const { batch, elementsPerImage, elements } = batchLayout(z, 'z');
      assertFinite(z.data, 'z.data');
      if (ctx.identity !== undefined) {
        throw new MibError('IDENTITY_UNSUPPORTED', 'Expected no ctx.identity for the Gaussian channel (it has no identity input), received an embedding', {
          argument: 'ctx.identity',
          expected: 'undefined',
          received: describeValue(ctx.identity),
        });
      }
      const temperature = resolveTemperature(ctx);
      const given = (['timestep', 'targetBitsPerElement', 'targetBitsPerImage'] as const).filter((k) => ctx[k] !== undefined);
      if (given.length > 1) {
        throw new MibError('CONFLICTING_OPTIONS', `Expected at most one operating point in ctx, received ${given.join(' and ')}`, {
          argument: `ctx.${given[1]}`,
          expected: 'one of timestep, targetBitsPerElement, targetBitsPerImage',
          received: given.join(' and '),
        });
      }
      const rounding = checkRounding(ctx.rounding ?? defaultRounding);
      let solved: TimestepForRate | undefined;
      let fixed: number | undefined;
      if (ctx.timestep !== undefined) fixed = checkTimestep(ctx.timestep, 'ctx.timestep');
      else if (ctx.targetBitsPerElement !== undefined) solved = solve(rates, alphas, ctx.targetBitsPerElement, rounding, 'ctx.targetBitsPerElement');
      else if (ctx.targetBitsPerImage !== undefined) {
        const perImage = ctx.targetBitsPerImage;
        if (!(typeof perImage === 'number' && perImage >= 0)) invalidArgument('ctx.targetBitsPerImage', 'a number ≥ 0', perImage);
        solved = solve(rates, alphas, perImage / elementsPerImage, rounding, 'ctx.targetBitsPerImage / elementsPerImage');
      } else if (options.timestep !== undefined) fixed = options.timestep;
      else if (options.targetBitsPerElement !== undefined) solved = solve(rates, alphas, options.targetBitsPerElement, rounding, 'options.targetBitsPerElement');
      else {
        throw new MibError('OPERATING_POINT_REQUIRED', 'Expected a timestep or a target rate (in the options or in ctx), received neither', {
          argument: 'ctx.timestep',
          expected: 'timestep, targetBitsPerElement or targetBitsPerImage',
          received: 'none',
        });
      }
      const timestep = solved ? solved.timestep : (fixed as number);
      ctx.onProgress?.({ type: 'compress-start', kind: 'gaussian-channel', batch });

      const a = alphas[timestep] as number;
      const signalScale = Math.sqrt(a);
      const noiseScale = Math.sqrt(1 - a) * temperature;
      const noise = drawNoise(ctx, elements, temperature);
      const out = new Float32Array(elements);
      for (let i = 0; i < elements; i++) out[i] = signalScale * (z.data[i] as number) + (noise ? noiseScale * (noise[i] as number) : 0);

      const bits = rates[timestep] as number;
      const rate = rateFromImageNats(new Float64Array(batch).fill(bits * Math.LN2 * elementsPerImage), elementsPerImage);
      const sampledBitsPerElement = temperature === 0 ? Infinity : gaussianChannelRate(a, signalVariance / (temperature * temperature));
      ctx.onProgress?.({ type: 'compress-done', kind: 'gaussian-channel', rateBits: rate.bits, rateBitsPerElement: rate.bitsPerElement });
      return {
        kind: 'gaussian-channel',
        z: { data: out, shape: [...z.shape] },
        rate,
        rateBits: rate.bits,
        rateBitsPerElement: rate.bitsPerElement,
        rateBitsPerImage: rate.bitsPerImage,
        sampledBitsPerElement,
        temperature,
        timestep,
        alphaCumprod: a,
        ...(solved ? { solved } : {}),
      };
    },
  };
  return channel;
}
