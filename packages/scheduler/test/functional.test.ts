/**
 * The functional layer against diffusers' golden rollouts: each sampler is given the golden case's
 * sigmas, the stand-in model wrapped as a denoiser, and the recorded noise, and must end where
 * diffusers ended (5e-5·max(1, max|x|)). Plus abort, onStep, argument checks and buffer reuse.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config';
import { FUNCTIONAL_SAMPLERS, sample, type FunctionalSampleOptions } from '../src/functional/sample';
import { epsilonDenoiser, modelDenoiser } from '../src/functional/denoisers';
import { functionalSigmas } from '../src/functional/sigmas';
import { createScheduler } from '../src/create-scheduler';
import type { Denoiser, FunctionalSamplerName, SampleStepEvent } from '../src/functional/types';
import type { PredictionType } from '../src/maths/prediction';
import { noiseScheduleForConfig } from '../src/noise-schedule';
import { createRng, type NoiseSource } from '@diffmac/base';
import { goldenUrl } from '../../../scripts/golden.mjs';

const GOLDEN = goldenUrl('schedulers');

interface Case {
  scheduler: string;
  constructor_kwargs: Record<string, unknown>;
  config: Record<string, unknown>;
  sigmas: number[];
  initial_latents: number[];
  noise: number[][];
  final_sample: number[];
}
const load = (name: string): Case => JSON.parse(readFileSync(new URL(`${name}.json`, GOLDEN), 'utf8')) as Case;

function replay(noise: number[][]): NoiseSource & { used: number } {
  return {
    used: 0,
    normal(out: Float32Array) {
      const next = noise[this.used++];
      if (!next) throw new Error('drew more noise than diffusers did');
      out.set(next);
    },
  };
}

/** The golden stand-in network: 0.5·tanh(input) + 0.01·(t/1000), float32. */
function standIn(input: Float32Array, t: number, out: Float32Array): void {
  const c = Math.fround(0.01 * (t / 1000));
  for (let i = 0; i < input.length; i++) out[i] = Math.fround(Math.fround(0.5 * Math.fround(Math.tanh(input[i]!))) + c);
}

function relErr(actual: ArrayLike<number>, expected: number[]): number {
  let d = 0;
  let m = 1;
  for (let i = 0; i < expected.length; i++) {
    d = Math.max(d, Math.abs(actual[i]! - expected[i]!));
    m = Math.max(m, Math.abs(expected[i]!));
  }
  return d / m;
}

/** Drop the duplicated sigmas of diffusers' Heun layout ([s0, s1, s1, ..., 0] -> [s0, s1, ..., 0]). */
function dedupe(sigmas: number[]): number[] {
  return sigmas.filter((v, i) => i === 0 || v !== sigmas[i - 1]);
}

const vpAlpha = (sigma: number): number => 1 / Math.sqrt(sigma * sigma + 1);

interface FunctionalCase {
  golden: string;
  sampler: FunctionalSamplerName;
  /** diffusers' samples are VP (`alpha·x`) for the DPM-Solver family and VE for the Euler family. */
  vp: boolean;
  options?: FunctionalSampleOptions;
}

const CASES: FunctionalCase[] = [
  { golden: 'euler_eps_linspace_25', sampler: 'euler', vp: false },
  { golden: 'euler_karras_25', sampler: 'euler', vp: false },
  { golden: 'euler_a_eps_linspace_25', sampler: 'euler_ancestral', vp: false },
  { golden: 'heun_eps_linspace_10', sampler: 'heun', vp: false },
  { golden: 'heun_vpred_trailing_10', sampler: 'heun', vp: false },
  { golden: 'lms_eps_linspace_25', sampler: 'lms', vp: false },
  { golden: 'dpmpp_2m_eps_25', sampler: 'dpmpp_2m', vp: true },
  { golden: 'dpmpp_2m_eps_10', sampler: 'dpmpp_2m', vp: true },
  { golden: 'dpmpp_2m_karras_25', sampler: 'dpmpp_2m', vp: true },
  { golden: 'dpmpp_2m_vpred_trailing_50', sampler: 'dpmpp_2m', vp: true },
  { golden: 'dpmpp_sde_2m_25', sampler: 'dpmpp_2m_sde', vp: true },
  { golden: 'dpmpp_3m_cos_25', sampler: 'dpmpp_3m', vp: true },
  { golden: 'unipc_bh2_eps_25', sampler: 'unipc', vp: true },
  { golden: 'unipc_karras_10', sampler: 'unipc', vp: true },
  { golden: 'unipc_bh1_order3_linear_sigmamin_50', sampler: 'unipc', vp: true, options: { order: 3, solverType: 'bh1' } },
  { golden: 'deis_eps_25', sampler: 'deis', vp: true },
  { golden: 'deis_order3_leading_50_offset1', sampler: 'deis', vp: true, options: { order: 3 } },
];

describe('functional samplers reproduce diffusers rollouts', () => {
  for (const fc of CASES) {
    it(`${fc.sampler} ends where diffusers ended in ${fc.golden}`, async () => {
      const c = load(fc.golden);
      const sigmas = fc.sampler === 'heun' ? dedupe(c.sigmas) : c.sigmas;
      const { alphasCumprod } = noiseScheduleForConfig(resolveConfig(c.scheduler, c.constructor_kwargs));
      const denoiser = modelDenoiser(standIn, { prediction: c.config.prediction_type as PredictionType, alphasCumprod });
      const x = Float32Array.from(c.initial_latents);
      if (fc.vp) {
        const a = vpAlpha(sigmas[0]!);
        for (let i = 0; i < x.length; i++) x[i] = x[i]! / a;
      }
      const before = Float32Array.from(x);
      const rng = replay(c.noise);
      const out = await sample(denoiser, x, sigmas, { sampler: fc.sampler, rng, ...fc.options });
      if (fc.vp) {
        const a = vpAlpha(sigmas[sigmas.length - 1]!);
        for (let i = 0; i < out.length; i++) out[i] = out[i]! * a;
      }
      expect(relErr(out, c.final_sample)).toBeLessThanOrEqual(5e-5);
      expect(rng.used).toBe(c.noise.length);
      expect(x).toEqual(before); // the input is not mutated
    });
  }
});

describe('functional layer mechanics', () => {
  const toy: Denoiser = (x, sigma, out) => {
    for (let i = 0; i < x.length; i++) out[i] = x[i]! / (1 + sigma * sigma);
  };
  const sigmas = [10, 5, 2, 1, 0.5, 0];

  it('lists every sampler with its order and stochasticity', () => {
    expect(FUNCTIONAL_SAMPLERS.map((s) => s.name)).toEqual(['euler', 'euler_ancestral', 'heun', 'lms', 'dpmpp_2m', 'dpmpp_2m_sde', 'dpmpp_3m', 'dpmpp_3m_sde', 'unipc', 'deis']);
    expect(FUNCTIONAL_SAMPLERS.find((s) => s.name === 'heun')?.order).toBe(2);
    expect(FUNCTIONAL_SAMPLERS.filter((s) => s.stochastic).map((s) => s.name)).toEqual(['euler_ancestral', 'dpmpp_2m_sde', 'dpmpp_3m_sde']);
  });

  for (const entry of FUNCTIONAL_SAMPLERS) {
    it(`${entry.name}: reports every step through onStep, reusing its buffers`, async () => {
      const events: SampleStepEvent[] = [];
      const s = entry.name === 'deis' ? [10, 5, 2, 1, 0.5, 0.03] : sigmas;
      const out = await sample(toy, new Float32Array(16).fill(3), s, { sampler: entry.name, rng: createRng(1), onStep: (e) => events.push(e) });
      expect(events.map((e) => e.index)).toEqual([0, 1, 2, 3, 4]);
      expect(events.every((e) => e.type === 'step' && e.total === 5)).toBe(true);
      expect(events[4]!.sigmaNext).toBe(s[5]);
      expect(new Set(events.map((e) => e.x)).size).toBe(1); // one sample buffer for the whole run
      expect(out.every(Number.isFinite)).toBe(true);
    });
  }

  it('allocates no typed array per step: the same count for 4 and 40 steps', async () => {
    const counts: number[] = [];
    const OriginalF32 = globalThis.Float32Array;
    const OriginalF64 = globalThis.Float64Array;
    const countingTraps = <T extends object>(_target: T): ProxyHandler<T> => ({
      construct(t, args) {
        counts[counts.length - 1]!++;
        return Reflect.construct(t as unknown as new (...a: unknown[]) => object, args);
      },
      get(t, key) {
        const v = Reflect.get(t, key);
        return key === 'from' || key === 'of' ? (...a: unknown[]) => { counts[counts.length - 1]!++; return (v as (...b: unknown[]) => unknown).apply(t, a); } : v;
      },
    });
    const geometric = (n: number): number[] => [...Array.from({ length: n }, (_, i) => 10 * 0.8 ** i), 0.01];
    try {
      globalThis.Float32Array = new Proxy(OriginalF32, countingTraps(OriginalF32));
      globalThis.Float64Array = new Proxy(OriginalF64, countingTraps(OriginalF64));
      for (const entry of FUNCTIONAL_SAMPLERS) {
        for (const n of [4, 40]) {
          counts.push(0);
          await sample(toy, new OriginalF32(64).fill(1), geometric(n), { sampler: entry.name, rng: createRng(3) });
        }
      }
    } finally {
      globalThis.Float32Array = OriginalF32;
      globalThis.Float64Array = OriginalF64;
    }
    const perSampler = FUNCTIONAL_SAMPLERS.map((e, k) => ({ name: e.name, short: counts[2 * k], long: counts[2 * k + 1] }));
    for (const p of perSampler) {
      expect(p.short, p.name).toBeGreaterThan(0); // the counter sees the up-front buffers
      // LMS precomputes one small coefficient array per step before the loop; nothing else may grow.
      if (p.name === 'lms') expect(p.long! - p.short!, p.name).toBe(36);
      else expect(p.long, p.name).toBe(p.short);
    }
  });

  it('honours an AbortSignal between steps', async () => {
    const controller = new AbortController();
    let calls = 0;
    const counting: Denoiser = (x, sigma, out) => {
      calls++;
      toy(x, sigma, out);
    };
    const run = sample(counting, new Float32Array(8).fill(1), sigmas, {
      sampler: 'dpmpp_2m',
      signal: controller.signal,
      onStep: (e) => {
        if (e.index === 1) controller.abort(new Error('stop here'));
      },
    });
    await expect(run).rejects.toThrow('stop here');
    expect(calls).toBe(2);
  });

  it('rejects an already aborted signal before calling the denoiser', async () => {
    let calls = 0;
    const counting: Denoiser = (x, sigma, out) => {
      calls++;
      toy(x, sigma, out);
    };
    await expect(sample(counting, new Float32Array(4), sigmas, { sampler: 'heun', signal: AbortSignal.abort() })).rejects.toBeDefined();
    expect(calls).toBe(0);
  });

  it('rejects bad input with typed errors naming the argument', async () => {
    await expect(sample(toy, new Float32Array(4), sigmas, { sampler: 'nope' as FunctionalSamplerName })).rejects.toMatchObject({ code: 'UNKNOWN_SAMPLER', argument: 'options.sampler' });
    await expect(sample(toy, new Float32Array(4), [1])).rejects.toMatchObject({ code: 'LENGTH_MISMATCH', argument: 'sigmas' });
    await expect(sample(toy, Float32Array.of(1, Number.NaN), sigmas)).rejects.toMatchObject({ code: 'NON_FINITE', argument: 'x' });
    await expect(sample(toy, new Float32Array(4), [1, Number.NaN, 0])).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'sigmas' });
    await expect(sample(toy, new Float32Array(4), sigmas, { sampler: 'euler_ancestral' })).rejects.toMatchObject({ code: 'MISSING_RNG', argument: 'options.rng' });
    await expect(sample(toy, new Float32Array(4), sigmas, { sampler: 'deis' })).rejects.toMatchObject({ argument: 'sigmas' });
    const bad: Denoiser = (_x, _s, out) => void out.fill(Number.POSITIVE_INFINITY);
    await expect(sample(bad, new Float32Array(4), sigmas)).rejects.toMatchObject({ code: 'NON_FINITE', argument: 'denoiser output' });
  });

  it('functionalSigmas turns Heun and KDPM2 layouts into one sigma per step', () => {
    const cfg = { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 };
    const heun = createScheduler('HeunDiscreteScheduler', cfg);
    heun.setTimesteps(10);
    const euler = createScheduler('EulerDiscreteScheduler', cfg);
    euler.setTimesteps(10);
    expect(Array.from(functionalSigmas(heun.sigmas))).toEqual(Array.from(euler.sigmas!));
    const kdpm2 = createScheduler('KDPM2DiscreteScheduler', cfg);
    kdpm2.setTimesteps(10);
    expect(functionalSigmas(kdpm2.sigmas)).toHaveLength(11);
    expect(() => functionalSigmas(undefined)).toThrow(expect.objectContaining({ argument: 'sigmas' }));
  });

  it('wraps eps models: D(x, σ) = x − σ·eps(x/sqrt(σ²+1), t)', async () => {
    const alphasCumprod = Float32Array.from({ length: 1000 }, (_, i) => Math.cos(((i + 1) / 1000) * 1.5) ** 2);
    const seen: number[] = [];
    const model = (input: Float32Array, t: number): Float32Array => {
      seen.push(t);
      return input.map(() => 0.5);
    };
    const d = epsilonDenoiser(model, alphasCumprod);
    const out = new Float32Array(2);
    await d(Float32Array.of(2, 4), 2, out);
    expect(Array.from(out)).toEqual([1, 3]);
    expect(seen[0]).toBeGreaterThan(0);
    expect(seen[0]).toBeLessThan(1000);
  });
});
