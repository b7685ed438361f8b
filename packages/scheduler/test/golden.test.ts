/**
 * Conformance runner: every case in shared/golden/schedulers/index.json (computed with diffusers),
 * checked through the public API. Timesteps exactly, sigmas to 1e-6 relative, and each step's
 * prevSample within 5e-5·max(1, max|x|), fed both the recorded model outputs and the stand-in model.
 * A case whose scheduler class is not registered yet is reported as a todo, never passed.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createScheduler, findSampler, type NoiseSource, type Scheduler } from '../src/index';
import { goldenUrl } from '../../../scripts/golden.mjs';

const root = goldenUrl('schedulers');

type Num = number | string;
interface GoldenStep {
  index: number;
  timestep: number;
  scaled_model_input: Num[];
  model_output: Num[];
  noise_used: number[];
  prev_sample: Num[];
  pred_original_sample?: Num[];
  denoised?: Num[];
  pred_noised_sample?: Num[];
}
interface GoldenCase {
  case: string;
  scheduler: string;
  constructor_kwargs: Record<string, unknown>;
  config: Record<string, unknown>;
  config_changed_by_set_timesteps?: Record<string, [unknown, unknown]>;
  num_inference_steps: number;
  step_kwargs: Record<string, unknown>;
  timesteps: Num[];
  timesteps_dtype: string;
  sigmas: Num[] | null;
  sigmas_interpol?: Num[];
  init_noise_sigma: number;
  initial_latents: Num[];
  noise: Num[][];
  steps: GoldenStep[];
  final_sample: Num[];
}

const num = (v: Num): number => (typeof v === 'number' ? v : Number(v));
const f32 = (a: Num[]): Float32Array => Float32Array.from(a, num);

function maxAbs(a: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] as number));
  return m;
}

/** Largest |a-b| over max(1, max|b|); NaN/length mismatches give Infinity. */
function relError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Infinity;
  let m = 0;
  for (let i = 0; i < actual.length; i++) {
    const d = Math.abs((actual[i] as number) - (expected[i] as number));
    if (!(d <= m)) m = Number.isNaN(d) ? Infinity : d;
  }
  return m / Math.max(1, maxAbs(expected));
}

const TOL = 5e-5;

/** The stand-in model of the golden data: 0.5·tanh(x) + 0.01·t/1000 in float32. */
function standIn(x: Float32Array, t: number): Float32Array {
  const c = Math.fround(0.01 * (t / 1000));
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.fround(Math.fround(0.5 * Math.fround(Math.tanh(x[i] as number))) + c);
  return out;
}

/** Replays the recorded noise tensors of one step, in order, and counts the draws. */
function replay(noise: Float32Array[], used: number[]): NoiseSource & { draws: number } {
  return {
    draws: 0,
    normal(out: Float32Array) {
      const k = used[this.draws++];
      if (k === undefined) throw new Error(`more noise drawn than diffusers drew (${used.length})`);
      out.set(noise[k] as Float32Array);
    },
  };
}

function stepOptions(c: GoldenCase, rng: NoiseSource): { rng: NoiseSource; eta?: number } {
  const eta = c.step_kwargs.eta;
  return typeof eta === 'number' ? { rng, eta } : { rng };
}

const index = JSON.parse(fs.readFileSync(new URL('index.json', root), 'utf8')) as { cases: { file: string; scheduler: string }[] };

describe('golden cases from diffusers', () => {
  it('the index lists all cases', () => {
    expect(index.cases.length).toBeGreaterThanOrEqual(39);
  });

  for (const entry of index.cases) {
    if (!findSampler(entry.scheduler)) {
      it.todo(`${entry.file}: ${entry.scheduler} is not registered yet`);
      continue;
    }
    describe(entry.file, () => {
      const c = JSON.parse(fs.readFileSync(new URL(entry.file, root), 'utf8')) as GoldenCase;
      const noise = c.noise.map(f32);
      const make = (): Scheduler => {
        const s = createScheduler(c.scheduler, c.constructor_kwargs);
        s.setTimesteps(c.num_inference_steps);
        return s;
      };

      it('accepts the full diffusers config without unknown keys, and set_timesteps rewrites what diffusers rewrites', () => {
        const warnings: string[] = [];
        const full = { ...c.config };
        for (const [k, [before]] of Object.entries(c.config_changed_by_set_timesteps ?? {})) full[k] = before;
        const s = createScheduler(c.scheduler, full, { logger: { warn: (m) => warnings.push(m) } });
        expect(warnings).toEqual([]);
        s.setTimesteps(c.num_inference_steps);
        for (const [k, [, after]] of Object.entries(c.config_changed_by_set_timesteps ?? {})) expect(s.config[k]).toEqual(after);
      });

      it(c.timesteps_dtype === 'int64' ? 'integer timesteps match exactly' : 'fractional timesteps match (float32, within 2.5e-4 of 1000)', () => {
        const s = make();
        const got = Array.from(s.timesteps, (v) => Math.fround(v));
        const want = c.timesteps.map((v) => Math.fround(num(v)));
        if (c.timesteps_dtype === 'int64') expect(got).toEqual(want);
        else {
          // numpy's SIMD float32 log makes the last bit of _sigma_to_t's result machine-dependent
          expect(got.length).toBe(want.length);
          want.forEach((w, i) => expect(Math.abs((got[i] as number) - w), `timestep ${i}: ${got[i]} vs ${w}`).toBeLessThanOrEqual(2.5e-4));
        }
      });

      it('sigmas and init_noise_sigma match', () => {
        const s = make();
        if (c.sigmas === null) expect(s.sigmas).toBeUndefined();
        else {
          expect(s.sigmas).toBeDefined();
          const got = Array.from(s.sigmas ?? []);
          const want = c.sigmas.map(num);
          expect(got.length).toBe(want.length);
          want.forEach((w, i) => expect(Math.abs((got[i] as number) - w), `sigma ${i}: ${got[i]} vs ${w}`).toBeLessThanOrEqual(1e-6 * Math.max(1, Math.abs(w))));
        }
        expect(Math.abs(s.initNoiseSigma - c.init_noise_sigma)).toBeLessThanOrEqual(1e-6 * Math.max(1, c.init_noise_sigma));
      });

      it('each step matches given the recorded inputs', () => {
        const s = make();
        let x = f32(c.initial_latents);
        c.steps.forEach((st, i) => {
          const t = Number(s.timesteps[i]);
          const scaled = s.scaleModelInput(x, t);
          expect(relError(scaled, f32(st.scaled_model_input)), `scaled input, step ${i}`).toBeLessThan(TOL);
          const rng = replay(noise, st.noise_used);
          const out = s.step(f32(st.model_output), t, x, stepOptions(c, rng));
          expect(rng.draws, `noise draws, step ${i}`).toBe(st.noise_used.length);
          expect(relError(out.prevSample, f32(st.prev_sample)), `prev_sample, step ${i}`).toBeLessThan(TOL);
          if (st.pred_original_sample) expect(relError(out.predOriginalSample ?? [], f32(st.pred_original_sample)), `pred_original_sample, step ${i}`).toBeLessThan(TOL);
          if (st.denoised) expect(relError(out.denoised ?? [], f32(st.denoised)), `denoised, step ${i}`).toBeLessThan(TOL);
          if (st.pred_noised_sample) expect(relError(out.predNoisedSample ?? [], f32(st.pred_noised_sample)), `pred_noised_sample, step ${i}`).toBeLessThan(TOL);
          x = f32(st.prev_sample);
        });
      });

      it("each step matches when fed diffusers' own recorded t (not only ours)", () => {
        const s = make();
        let x = f32(c.initial_latents);
        c.steps.forEach((st, i) => {
          const t = num(st.timestep);
          const scaled = s.scaleModelInput(x, t);
          expect(relError(scaled, f32(st.scaled_model_input)), `scaled input, step ${i} (t = ${t})`).toBeLessThan(TOL);
          const rng = replay(noise, st.noise_used);
          const out = s.step(f32(st.model_output), t, x, stepOptions(c, rng));
          expect(relError(out.prevSample, f32(st.prev_sample)), `prev_sample, step ${i} (t = ${t})`).toBeLessThan(TOL);
          x = f32(st.prev_sample);
        });
      });

      it('a free-running rollout with the stand-in model matches every step and the final sample', () => {
        const s = make();
        let x = f32(c.initial_latents);
        expect(s.timesteps.length).toBe(c.steps.length);
        c.steps.forEach((st, i) => {
          const t = Number(s.timesteps[i]);
          const rng = replay(noise, st.noise_used);
          x = s.step(standIn(s.scaleModelInput(x, t), t), t, x, stepOptions(c, rng)).prevSample;
          expect(relError(x, f32(st.prev_sample)), `prev_sample, step ${i}`).toBeLessThan(TOL);
        });
        expect(relError(x, f32(c.final_sample))).toBeLessThan(TOL);
      });
    });
  }
});
