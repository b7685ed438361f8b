/**
 * Behaviour of the DDPM / DDIM / PNDM / LCM / TCD and sigma-family schedulers beyond the golden
 * rollouts: paths the golden cases do not take (PNDM's Runge–Kutta warm-up, churn, variance types),
 * algebraic identities between schedulers, and the extra per-step outputs diffusers records.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goldenUrl } from '../../../scripts/golden.mjs';
import {
  DDPMScheduler,
  LMSDiscreteScheduler,
  PNDMScheduler,
  SAMPLERS,
  createRng,
  createScheduler,
  dynamicThresholdInPlace,
  lmsCoefficients,
  type NoiseSource,
  type Scheduler,
} from '../src/index';

const SD = { num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear' };
const golden = (name: string) => JSON.parse(fs.readFileSync(new URL(`${name}`, goldenUrl('schedulers')), 'utf8'));

function maxRel(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  let scale = 1;
  for (let i = 0; i < b.length; i++) scale = Math.max(scale, Math.abs(b[i] as number));
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs((a[i] as number) - (b[i] as number)));
  return a.length === b.length ? m / scale : Infinity;
}

function randomTensor(seed: number, n = 64): Float32Array {
  const out = new Float32Array(n);
  createRng(seed).normal(out);
  return out;
}

function counting(seed = 0): NoiseSource & { draws: number } {
  const rng = createRng(seed);
  return {
    draws: 0,
    normal(out: Float32Array) {
      this.draws++;
      rng.normal(out);
    },
  };
}

function rollout(s: Scheduler, x: Float32Array, model: (x: Float32Array, t: number) => Float32Array, opts: { eta?: number } = {}): Float32Array {
  for (const t of Array.from(s.timesteps)) x = s.step(model(s.scaleModelInput(x, t), t), t, x, { rng: createRng(5), ...opts }).prevSample;
  return x;
}

describe('PNDM', () => {
  it('lays out PRK then PLMS timesteps as diffusers does', () => {
    const s = createScheduler('PNDMScheduler', { ...SD, steps_offset: 1 }) as PNDMScheduler;
    s.setTimesteps(10);
    expect(Array.from(s.prkTimesteps)).toEqual([901, 851, 851, 801, 801, 751, 751, 701, 701, 651, 651, 601]);
    expect(Array.from(s.plmsTimesteps)).toEqual([601, 501, 401, 301, 201, 101, 1]);
    expect(s.timesteps.length).toBe(19);
    const plms = createScheduler('PNDMScheduler', { ...SD, steps_offset: 1, skip_prk_steps: true });
    plms.setTimesteps(10);
    expect(Array.from(plms.timesteps)).toEqual([901, 801, 801, 701, 601, 501, 401, 301, 201, 101, 1]);
  });

  it('with a constant ε both PRK and PLMS reduce to the deterministic DDIM chain', () => {
    const eps = randomTensor(1);
    const x = randomTensor(2);
    const model = () => eps;
    const ddim = createScheduler('DDIMScheduler', { ...SD, steps_offset: 1, clip_sample: false, set_alpha_to_one: false });
    ddim.setTimesteps(10);
    const want = rollout(ddim, x, model);
    for (const skip of [true, false]) {
      const s = createScheduler('PNDMScheduler', { ...SD, steps_offset: 1, skip_prk_steps: skip });
      s.setTimesteps(10);
      expect(maxRel(rollout(s, x, model), want), `skip_prk_steps=${skip}`).toBeLessThan(2e-5);
    }
  });

  it('tracks the counter and model-output history as diffusers records them', () => {
    const c = golden('pndm_plms_leading_10_sd15.json');
    const s = createScheduler('PNDMScheduler', c.constructor_kwargs) as PNDMScheduler;
    s.setTimesteps(c.num_inference_steps);
    c.steps.forEach((st: { timestep: number; model_output: number[]; prev_sample: number[]; plms_counter_after: number; plms_ets_len_after: number }, i: number) => {
      const x = i === 0 ? Float32Array.from(c.initial_latents) : Float32Array.from(c.steps[i - 1].prev_sample);
      s.step(Float32Array.from(st.model_output), st.timestep, x);
      expect([s.counter, s.etsLength]).toEqual([st.plms_counter_after, st.plms_ets_len_after]);
    });
  });
});

describe('LMS', () => {
  it("reproduces diffusers' integrated coefficients (scipy quad) step by step", () => {
    for (const name of ['lms_eps_linspace_25.json', 'lms_karras_10.json']) {
      const c = golden(name);
      const s = createScheduler('LMSDiscreteScheduler', c.constructor_kwargs) as LMSDiscreteScheduler;
      s.setTimesteps(c.num_inference_steps);
      c.steps.forEach((st: { timestep: number; model_output: number[]; lms_coeffs: number[] }, i: number) => {
        const x = i === 0 ? Float32Array.from(c.initial_latents) : Float32Array.from(c.steps[i - 1].prev_sample);
        s.step(Float32Array.from(st.model_output), Number(s.timesteps[i]), x);
        expect(s.lastCoefficients.length).toBe(st.lms_coeffs.length);
        st.lms_coeffs.forEach((w, j) => expect(Math.abs((s.lastCoefficients[j] as number) - w)).toBeLessThan(1e-5 * Math.max(1, Math.abs(w))));
      });
    }
  });

  it('order-1 coefficient is the step length and the basis integrates exactly', () => {
    const sigmas = [14, 9, 5, 2.5, 1];
    expect(lmsCoefficients(sigmas, 0, 1)[0]).toBeCloseTo(-5, 12);
    // Σ_j coeff_j = ∫ Σ_j L_j = ∫ 1 = σ_{i+1} - σ_i
    const c = lmsCoefficients(sigmas, 3, 4);
    expect(c.reduce((a, b) => a + b, 0)).toBeCloseTo(-1.5, 12);
  });
});

describe('identities between noising and denoising', () => {
  const x0 = randomTensor(3).map((v) => v * 0.5);
  const noise = randomTensor(4);

  it('DDIM recovers x0 from ε and from v (getVelocity) of addNoise', () => {
    for (const prediction_type of ['epsilon', 'v_prediction']) {
      const s = createScheduler('DDIMScheduler', { ...SD, clip_sample: false, prediction_type });
      s.setTimesteps(20);
      const t = Number(s.timesteps[5]);
      const xt = s.addNoise(x0, noise, t);
      const out = prediction_type === 'epsilon' ? noise : s.getVelocity(x0, noise, t);
      expect(maxRel(s.step(out, t, xt).predOriginalSample ?? [], x0), prediction_type).toBeLessThan(1e-5);
    }
  });

  it("Euler's scaled addNoise equals DDPM's addNoise, and Euler recovers x0 from ε and v", () => {
    const ddpm = createScheduler('DDPMScheduler', SD);
    for (const prediction_type of ['epsilon', 'v_prediction']) {
      const s = createScheduler('EulerDiscreteScheduler', { ...SD, timestep_spacing: 'leading', prediction_type });
      s.setTimesteps(20);
      const t = Number(s.timesteps[3]);
      expect(Number.isInteger(t)).toBe(true);
      const xt = s.addNoise(x0, noise, t);
      expect(maxRel(s.scaleModelInput(xt, t), ddpm.addNoise(x0, noise, t))).toBeLessThan(1e-5);
      const out = prediction_type === 'epsilon' ? noise : s.getVelocity(x0, noise, t);
      expect(maxRel(s.step(out, t, xt).predOriginalSample ?? [], x0), prediction_type).toBeLessThan(2e-5);
    }
  });

  it('addNoise takes one timestep per batch item', () => {
    const s = createScheduler('DDPMScheduler', SD);
    const two = new Float32Array(128);
    two.set(x0);
    two.set(x0, 64);
    const n2 = new Float32Array(128);
    n2.set(noise);
    n2.set(noise, 64);
    const both = s.addNoise(two, n2, [10, 900]);
    expect(Array.from(both.subarray(0, 64))).toEqual(Array.from(s.addNoise(x0, noise, 10)));
    expect(Array.from(both.subarray(64))).toEqual(Array.from(s.addNoise(x0, noise, 900)));
  });
});

describe('Euler options', () => {
  it('continuous timesteps (0.25·log σ) only with v_prediction, as diffusers', () => {
    const v = createScheduler('EulerDiscreteScheduler', { ...SD, timestep_type: 'continuous', prediction_type: 'v_prediction' });
    v.setTimesteps(5);
    expect(v.timesteps[0]).toBeCloseTo(0.25 * Math.log((v.sigmas as Float32Array)[0] as number), 6);
    const eps = createScheduler('EulerDiscreteScheduler', { ...SD, timestep_type: 'continuous' });
    eps.setTimesteps(5);
    expect(eps.timesteps[0]).toBe(999);
    // and a continuous-timestep rollout still recovers x0 from the exact velocity
    const x0 = randomTensor(40).map((x) => x * 0.5);
    const noise = randomTensor(41);
    const t = Number(v.timesteps[2]);
    const sigma = (v.sigmas as Float32Array)[2] as number;
    const xt = x0.map((a, i) => a + sigma * (noise[i] as number));
    const a = 1 / Math.sqrt(sigma * sigma + 1);
    const vel = noise.map((e, i) => a * e - a * sigma * (x0[i] as number));
    expect(maxRel(v.step(vel, t, xt).predOriginalSample ?? [], x0)).toBeLessThan(1e-5);
  });

  it('final_sigmas_type sigma_min ends at sigma(t=0), exponential sigmas are geometric', () => {
    const s = createScheduler('EulerDiscreteScheduler', { ...SD, final_sigmas_type: 'sigma_min' });
    s.setTimesteps(10);
    const sig = s.sigmas as Float32Array;
    expect(sig[10]).toBeCloseTo(Math.sqrt((1 - (s.alphasCumprod[0] as number)) / (s.alphasCumprod[0] as number)), 6);
    const e = createScheduler('EulerDiscreteScheduler', { ...SD, use_exponential_sigmas: true });
    e.setTimesteps(6);
    const es = Array.from(e.sigmas as Float32Array).slice(0, 6);
    const ratios = es.slice(1).map((v, i) => v / (es[i] as number));
    for (const r of ratios) expect(r).toBeCloseTo(ratios[0] as number, 5);
    expect(es[0]).toBeCloseTo(sig[0] as number, 4);
  });

  it("log_linear interpolation: N+1 log-spaced sigmas from sigma(T-1) to sigma(0), then the final sigma", () => {
    const s = createScheduler('EulerDiscreteScheduler', { ...SD, interpolation_type: 'log_linear' });
    s.setTimesteps(8);
    const sig = Array.from(s.sigmas as Float32Array);
    expect(sig.length).toBe(10);
    expect(s.timesteps.length).toBe(8);
    const sd = Math.sqrt((1 - (s.alphasCumprod[999] as number)) / (s.alphasCumprod[999] as number));
    const s0 = Math.sqrt((1 - (s.alphasCumprod[0] as number)) / (s.alphasCumprod[0] as number));
    expect(sig[0]).toBeCloseTo(sd, 4);
    expect(sig[8]).toBeCloseTo(s0, 5);
    expect(sig[9]).toBe(0);
    const r = sig.slice(1, 9).map((v, i) => Math.log(v / (sig[i] as number)));
    for (const v of r) expect(v).toBeCloseTo(r[0] as number, 4);
    // a rollout runs and ends at noise level sigma(0), as diffusers does
    let x: Float32Array = randomTensor(50).map((v) => v * s.initNoiseSigma);
    for (const t of s.timesteps) x = s.step(s.scaleModelInput(x, t).map((v) => 0.5 * Math.tanh(v)), t, x).prevSample;
    expect(x.every(Number.isFinite)).toBe(true);
  });

  it('Karras sigmas honour sigma_min / sigma_max overrides', () => {
    const s = createScheduler('EulerDiscreteScheduler', { ...SD, use_karras_sigmas: true, sigma_min: 0.1, sigma_max: 10 });
    s.setTimesteps(8);
    const sig = s.sigmas as Float32Array;
    expect([sig[0], sig[7], sig[8]]).toEqual([10, Math.fround(0.1), 0]);
  });
});

describe('stochastic paths', () => {
  it('DDPM draws one noise tensor per step except at t = 0, and variance types differ', () => {
    const finals: Float32Array[] = [];
    for (const variance_type of ['fixed_small', 'fixed_small_log', 'fixed_large']) {
      const s = createScheduler('DDPMScheduler', { ...SD, variance_type });
      s.setTimesteps(10);
      const rng = counting();
      let x = randomTensor(7);
      for (const t of Array.from(s.timesteps)) x = s.step(randomTensor(t), t, x, { rng }).prevSample;
      expect(rng.draws).toBe(9);
      finals.push(x);
    }
    expect(maxRel(finals[0] as Float32Array, finals[1] as Float32Array)).toBeLessThan(1e-5); // exp(0.5·log v) = sqrt(v)
    expect(maxRel(finals[0] as Float32Array, finals[2] as Float32Array)).toBeGreaterThan(1e-4);
  });

  it('DDPM learned_range splits a doubled model output into ε and the variance interpolant', () => {
    const s = createScheduler('DDPMScheduler', { ...SD, variance_type: 'learned_range' }) as DDPMScheduler;
    s.setTimesteps(10);
    const x = randomTensor(8);
    const eps = randomTensor(9);
    const withVar = (v: number) => {
      const out = new Float32Array(128);
      out.set(eps);
      out.fill(v, 64);
      return s.step(out, 900, x, { rng: createRng(1) }).prevSample;
    };
    const small = createScheduler('DDPMScheduler', SD);
    small.setTimesteps(10);
    // frac = 0 selects the lower bound: the fixed_small variance
    expect(maxRel(withVar(-1), small.step(eps, 900, x, { rng: createRng(1) }).prevSample)).toBeLessThan(1e-5);
    const large = createScheduler('DDPMScheduler', { ...SD, variance_type: 'fixed_large' });
    large.setTimesteps(10);
    expect(maxRel(withVar(1), large.step(eps, 900, x, { rng: createRng(1) }).prevSample)).toBeLessThan(1e-5);
    expect(() => s.step(eps, 900, x, { rng: createRng(1) })).toThrow(/predicted variance/);
  });

  it('Euler draws noise only with churn, and churn changes the result', () => {
    const s = createScheduler('EulerDiscreteScheduler', SD);
    s.setTimesteps(10);
    const x = randomTensor(10).map((v) => v * 14.6);
    const eps = randomTensor(11);
    const plain = counting();
    const a = s.step(eps, Number(s.timesteps[0]), x, { rng: plain }).prevSample;
    expect(plain.draws).toBe(0);
    s.setTimesteps(10);
    const churn = counting();
    const b = s.step(eps, Number(s.timesteps[0]), x, { rng: churn, sChurn: 1 } as never).prevSample;
    expect(churn.draws).toBe(1);
    expect(maxRel(a, b)).toBeGreaterThan(1e-4);
  });

  it('DDIM with eta > 0 draws once per step; varianceNoise replaces the draw', () => {
    const s = createScheduler('DDIMScheduler', SD);
    s.setTimesteps(5);
    const rng = counting(3);
    const x = randomTensor(12);
    const eps = randomTensor(13);
    const a = s.step(eps, 801, x, { eta: 1, rng }).prevSample;
    expect(rng.draws).toBe(1);
    const noise = new Float32Array(64);
    createRng(3).normal(noise);
    expect(Array.from(s.step(eps, 801, x, { eta: 1, varianceNoise: noise }).prevSample)).toEqual(Array.from(a));
  });

  it('TCD with eta = 0 is deterministic and draws nothing', () => {
    const s = createScheduler('TCDScheduler', {});
    s.setTimesteps(4);
    const rng = counting();
    let x = randomTensor(14);
    for (const t of Array.from(s.timesteps)) x = s.step(x, t, x, { eta: 0, rng }).prevSample;
    expect(rng.draws).toBe(0);
  });
});

describe('every scheduler of this part', () => {
  const mine = SAMPLERS.filter((e) => !/DPMSolver|UniPC|DEIS/.test(e.className));

  it.each(mine.map((e) => [e.className, e] as const))('%s: never mutates its inputs, and setTimesteps resets all state', (_name, entry) => {
    const s = createScheduler(entry.className, SD);
    expect(s.order).toBe(entry.order);
    const run = () => {
      s.setTimesteps(6);
      let x: Float32Array = randomTensor(20).map((v) => v * s.initNoiseSigma);
      for (const t of Array.from(s.timesteps)) {
        const scaled = s.scaleModelInput(x, t);
        const out = scaled.map((v) => 0.5 * Math.tanh(v));
        const [xCopy, outCopy] = [x.slice(), out.slice()];
        const next = s.step(out, t, x, { rng: createRng(2), eta: 0.3 }).prevSample;
        expect(Array.from(x)).toEqual(Array.from(xCopy));
        expect(Array.from(out)).toEqual(Array.from(outCopy));
        x = next;
      }
      return x;
    };
    const first = run();
    expect(Array.from(run())).toEqual(Array.from(first));
  });

  it.each(mine.map((e) => [e.className] as const))('%s: stepping into options.out (ping-pong) gives the same samples as the allocating path', (className) => {
    const run = (pingPong: boolean) => {
      const s = createScheduler(className, SD);
      s.setTimesteps(6);
      const bufs = [new Float32Array(64), new Float32Array(64)];
      const scaled = new Float32Array(64);
      let x: Float32Array = randomTensor(21).map((v) => v * s.initNoiseSigma);
      const seen: number[][] = [];
      Array.from(s.timesteps).forEach((t, i) => {
        const input = pingPong ? s.scaleModelInput(x, t, scaled) : s.scaleModelInput(x, t);
        const out = input.map((v) => 0.5 * Math.tanh(v));
        const r = s.step(out, t, x, { rng: createRng(i), eta: 0.3, ...(pingPong ? { out: bufs[i % 2] } : {}) });
        if (pingPong) expect(r.prevSample).toBe(bufs[i % 2]);
        seen.push(Array.from(r.prevSample));
        x = r.prevSample;
      });
      return seen;
    };
    expect(run(true)).toEqual(run(false));
  });

  it('rejects an options.out that overlaps the inputs', () => {
    const s = createScheduler('EulerDiscreteScheduler', SD);
    s.setTimesteps(4);
    const x = randomTensor(22);
    expect(() => s.step(randomTensor(23), Number(s.timesteps[0]), x, { out: x })).toThrow(/options.out/);
    expect(() => s.step(randomTensor(23), Number(s.timesteps[0]), x, { out: new Float32Array(3) })).toThrow(/options.out/);
  });

  it('registry flags agree with the instances', () => {
    for (const entry of mine) {
      const s = createScheduler(entry.className, SD);
      expect(s.stochastic, entry.className).toBe(entry.stochastic);
    }
  });
});

describe('thresholding', () => {
  it('dynamic thresholding clamps to the ratio quantile of |x| (at least 1) and rescales', () => {
    const x = Float32Array.from([0.5, -3, 2, 4, -1]);
    dynamicThresholdInPlace(x, 0.5, 10);
    // sorted |x| = [0.5, 1, 2, 3, 4]; quantile(0.5) = 2
    expect(Array.from(x)).toEqual([0.25, -1, 1, 1, -0.5]);
    const small = Float32Array.from([0.2, -0.4]);
    dynamicThresholdInPlace(small, 0.995, 1);
    expect(Array.from(small)).toEqual([Math.fround(0.2), Math.fround(-0.4)]);
  });

  it('DDIM applies thresholding instead of clipping when set', () => {
    const s = createScheduler('DDIMScheduler', { ...SD, thresholding: true, dynamic_thresholding_ratio: 0.9, sample_max_value: 2 });
    s.setTimesteps(10);
    const x0 = s.step(randomTensor(30), 901, randomTensor(31).map((v) => v * 5)).predOriginalSample as Float32Array;
    expect(Math.max(...Array.from(x0, Math.abs))).toBeLessThanOrEqual(1 + 1e-6);
  });
});
