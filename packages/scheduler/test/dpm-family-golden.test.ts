/**
 * DPM-Solver multistep / singlestep, UniPC and DEIS classes against every golden case of theirs:
 * timesteps exactly, sigmas within 1e-6 relative (the betas come from a float64 linspace, which is
 * within a few ulp of torch's vectorised float32 one), and each step's prevSample within
 * 5e-5·max(1, max|x|), fed the recorded model outputs and, free-running, the stand-in model.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { resolveConfig } from '../src/config';
import { DEISMultistepScheduler } from '../src/schedulers/deis';
import { DPMSolverMultistepScheduler } from '../src/schedulers/dpm-solver-multistep';
import { DPMSolverSinglestepScheduler } from '../src/schedulers/dpm-solver-singlestep';
import { UniPCMultistepScheduler } from '../src/schedulers/unipc';
import type { NoiseSource, Scheduler } from '../src/types';
import { goldenUrl } from '../../../scripts/golden.mjs';

const GOLDEN = goldenUrl('schedulers');

interface Step {
  timestep: number;
  model_output: number[];
  noise_used: number[];
  prev_sample: number[];
}
interface Case {
  scheduler: string;
  constructor_kwargs: Record<string, unknown>;
  config: Record<string, unknown>;
  num_inference_steps: number;
  timesteps: number[];
  sigmas: number[];
  init_noise_sigma: number;
  initial_latents: number[];
  noise: number[][];
  steps: Step[];
  final_sample: number[];
}

const CLASSES: Record<string, new (config: ReturnType<typeof resolveConfig>) => Scheduler> = {
  DPMSolverMultistepScheduler,
  DPMSolverSinglestepScheduler,
  UniPCMultistepScheduler,
  DEISMultistepScheduler,
};

const index = JSON.parse(readFileSync(new URL('index.json', GOLDEN), 'utf8')) as { cases: { file: string; scheduler: string }[] };
const mine = index.cases.filter((c) => c.scheduler in CLASSES);

const load = (file: string): Case => JSON.parse(readFileSync(new URL(file, GOLDEN), 'utf8')) as Case;
const f32 = (a: number[]): Float32Array => Float32Array.from(a);

/** Replays the recorded noise tensors in order. */
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

/** The golden stand-in model: 0.5·tanh(x) + 0.01·(t/1000), float32. */
function standIn(x: Float32Array, t: number): Float32Array {
  const c = Math.fround(0.01 * (t / 1000));
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.fround(Math.fround(0.5 * Math.fround(Math.tanh(x[i]!))) + c);
  return out;
}

function maxDiff(actual: ArrayLike<number>, expected: number[]): { diff: number; scale: number } {
  let diff = 0;
  let scale = 1;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs(actual[i]! - Math.fround(expected[i]!)));
    scale = Math.max(scale, Math.abs(expected[i]!));
  }
  return { diff, scale };
}

function make(c: Case): Scheduler {
  const Cls = CLASSES[c.scheduler]!;
  const s = new Cls(resolveConfig(c.scheduler, c.constructor_kwargs));
  s.setTimesteps(c.num_inference_steps);
  return s;
}

describe('DPM-Solver family golden cases', () => {
  it('covers every case of these classes in the golden index', () => {
    expect(mine.length).toBeGreaterThanOrEqual(15);
  });

  for (const { file } of mine) {
    describe(file, () => {
      const c = load(file);

      it('has the schedule: timesteps exactly, sigmas within 1e-6 relative, initNoiseSigma', () => {
        const s = make(c);
        expect(Array.from(s.timesteps)).toEqual(c.timesteps);
        const sig = s.sigmas!;
        expect(sig.length).toBe(c.sigmas.length);
        for (let i = 0; i < sig.length; i++) expect(Math.abs(sig[i]! - c.sigmas[i]!), `sigma ${i}`).toBeLessThanOrEqual(1e-6 * Math.abs(c.sigmas[i]!));
        expect(s.initNoiseSigma).toBe(c.init_noise_sigma);
      });

      it('matches each step fed the recorded model outputs', () => {
        const s = make(c);
        const rng = replay(c.noise);
        let x = f32(c.initial_latents);
        c.steps.forEach((step, i) => {
          x = s.step(f32(step.model_output), step.timestep, x, { rng }).prevSample;
          const { diff, scale } = maxDiff(x, step.prev_sample);
          expect(diff, `step ${i}`).toBeLessThanOrEqual(5e-5 * scale);
          x = f32(step.prev_sample);
        });
        expect(rng.used).toBe(c.noise.length);
      });

      it('matches the free-running rollout with the stand-in model', () => {
        const s = make(c);
        const rng = replay(c.noise);
        let x = f32(c.initial_latents);
        for (const t of Array.from(s.timesteps)) x = s.step(standIn(s.scaleModelInput(x, t), t), t, x, { rng }).prevSample;
        const { diff, scale } = maxDiff(x, c.final_sample);
        expect(diff).toBeLessThanOrEqual(5e-5 * scale);
      });
    });
  }
});
