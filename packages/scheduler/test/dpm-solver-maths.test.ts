/**
 * The pure kernels of the DPM-Solver family, UniPC and DEIS against diffusers' golden rollouts,
 * step by step: each step is fed the recorded sample, model output, sigmas and noise, and the
 * recorded order, so this checks the maths alone (the schedule is checked through the classes).
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { combineInto, dataPredictionInto, noisePredictionInto, vpQuantitiesInto, type PredictionKind } from '../src/maths/dpm-solver-core';
import { dpmSolverMultistepCoefficientsInto, dpmSolverSinglestepCoefficientsInto, type DpmAlgorithm } from '../src/maths/dpm-solver';
import { deisCoefficientsInto } from '../src/maths/deis';
import { createUniPCScratch, uniPCCoefficientsInto, type UniPCSolverType } from '../src/maths/unipc';
import { goldenUrl } from '../../../scripts/golden.mjs';

const GOLDEN = goldenUrl('schedulers');

interface Step {
  scaled_model_input: number[];
  model_output: number[];
  noise_used: number[];
  prev_sample: number[];
  solver_order_used?: number;
  predictor_order?: number;
  corrector_order?: number | null;
}
interface Case {
  scheduler: string;
  config: Record<string, unknown>;
  sigmas: number[];
  initial_latents: number[];
  noise: number[][];
  steps: Step[];
}

const load = (name: string): Case => JSON.parse(readFileSync(new URL(`${name}.json`, GOLDEN), 'utf8')) as Case;
const f32 = (a: number[]): Float32Array => Float32Array.from(a);

function expectClose(actual: Float32Array, expected: number[], label: string): void {
  let maxAbs = 1;
  for (const v of expected) maxAbs = Math.max(maxAbs, Math.abs(v));
  let worst = 0;
  for (let i = 0; i < expected.length; i++) worst = Math.max(worst, Math.abs(actual[i]! - Math.fround(expected[i]!)));
  expect(worst, label).toBeLessThanOrEqual(1e-5 * maxAbs);
}

const q = new Float64Array(12);
function toX0(c: Case, i: number, sample: Float32Array): Float32Array {
  const out = new Float32Array(sample.length);
  vpQuantitiesInto(q, c.sigmas[i]!);
  return dataPredictionInto(out, f32(c.steps[i]!.model_output), sample, q[0]!, q[1]!, c.config.prediction_type as PredictionKind);
}

const multistep = ['dpmpp_2m_eps_10', 'dpmpp_2m_eps_25', 'dpmpp_2m_karras_25', 'dpmpp_2m_sample_leading_25_offset1', 'dpmpp_2m_vpred_trailing_50', 'dpmpp_3m_cos_25', 'dpmpp_sde_2m_25'];

describe('DPM-Solver multistep coefficients', () => {
  for (const name of multistep) {
    it(`reproduces every step of ${name} from its recorded inputs`, () => {
      const c = load(name);
      const hist: Float32Array[] = [];
      const coeffs = new Float64Array(5);
      for (let i = 0; i < c.steps.length; i++) {
        const step = c.steps[i]!;
        const sample = f32(step.scaled_model_input);
        hist.unshift(toX0(c, i, sample));
        const order = step.solver_order_used as 1 | 2 | 3;
        dpmSolverMultistepCoefficientsInto(coeffs, order, c.config.algorithm_type as DpmAlgorithm, 'midpoint', c.sigmas[i + 1]!, c.sigmas[i]!, c.sigmas[i - 1] ?? 0, c.sigmas[i - 2] ?? 0, q);
        const noise = step.noise_used.length > 0 ? f32(c.noise[step.noise_used[0]!]!) : undefined;
        const out = new Float32Array(sample.length);
        combineInto(out, coeffs, sample, hist[0]!, hist[1], hist[2], noise);
        expectClose(out, step.prev_sample, `${name} step ${i}`);
      }
    });
  }
});

describe('DPM-Solver singlestep coefficients', () => {
  for (const name of ['dpm_single_eps_10', 'dpm_single_eps_25']) {
    it(`reproduces every step of ${name} from its recorded inputs`, () => {
      const c = load(name);
      const hist: Float32Array[] = [];
      const coeffs = new Float64Array(5);
      let anchor: Float32Array = new Float32Array(0);
      for (let i = 0; i < c.steps.length; i++) {
        const step = c.steps[i]!;
        const sample = f32(step.scaled_model_input);
        hist.unshift(toX0(c, i, sample));
        const order = step.solver_order_used as 1 | 2 | 3;
        if (order === 1) anchor = sample;
        dpmSolverSinglestepCoefficientsInto(coeffs, order, 'dpmsolver++', 'midpoint', c.sigmas[i + 1]!, c.sigmas[i]!, c.sigmas[i - 1] ?? 0, c.sigmas[i - 2] ?? 0, q);
        const out = new Float32Array(sample.length);
        combineInto(out, coeffs, anchor, hist[0]!, hist[1], hist[2]);
        expectClose(out, step.prev_sample, `${name} step ${i}`);
      }
    });
  }
});

describe('DEIS coefficients', () => {
  for (const name of ['deis_eps_25', 'deis_order3_leading_50_offset1']) {
    it(`reproduces every step of ${name} from its recorded inputs`, () => {
      const c = load(name);
      const hist: Float32Array[] = [];
      const coeffs = new Float64Array(4);
      for (let i = 0; i < c.steps.length; i++) {
        const step = c.steps[i]!;
        const sample = f32(step.scaled_model_input);
        const x0 = toX0(c, i, sample);
        vpQuantitiesInto(q, c.sigmas[i]!);
        hist.unshift(noisePredictionInto(new Float32Array(sample.length), x0, sample, q[0]!, q[1]!, 'sample'));
        const order = step.solver_order_used as 1 | 2 | 3;
        deisCoefficientsInto(coeffs, order, c.sigmas[i + 1]!, c.sigmas[i]!, c.sigmas[i - 1] ?? 0, c.sigmas[i - 2] ?? 0, q);
        const out = new Float32Array(sample.length);
        combineInto(out, coeffs, sample, hist[0]!, hist[1], hist[2]);
        expectClose(out, step.prev_sample, `${name} step ${i}`);
      }
    });
  }
});

describe('UniPC coefficients', () => {
  for (const name of ['unipc_bh2_eps_25', 'unipc_karras_10', 'unipc_sample_leading_10_offset1', 'unipc_bh1_order3_linear_sigmamin_50']) {
    it(`reproduces every step of ${name} (predictor and corrector) from its recorded inputs`, () => {
      const c = load(name);
      const solverType = c.config.solver_type as UniPCSolverType;
      const scratch = createUniPCScratch(3);
      const coeffs = new Float64Array(6);
      const sig = new Float64Array(3);
      const hist: Float32Array[] = [];
      let last: Float32Array | undefined;
      let lastOrder = 0;
      for (let i = 0; i < c.steps.length; i++) {
        const step = c.steps[i]!;
        let sample = f32(step.scaled_model_input);
        const x0 = toX0(c, i, sample);
        if (step.corrector_order != null && last) {
          expect(step.corrector_order).toBe(lastOrder);
          for (let k = 0; k < lastOrder; k++) sig[k] = c.sigmas[i - 1 - k]!;
          uniPCCoefficientsInto(coeffs, 'corrector', lastOrder, c.sigmas[i]!, sig, solverType, true, scratch);
          const corrected = new Float32Array(sample.length);
          combineInto(corrected, coeffs, last, hist[0]!, lastOrder > 1 ? hist[1] : x0, lastOrder > 2 ? hist[2] : lastOrder > 1 ? x0 : undefined, lastOrder > 2 ? x0 : undefined);
          sample = corrected;
        }
        hist.unshift(x0);
        const order = step.predictor_order!;
        for (let k = 0; k < order; k++) sig[k] = c.sigmas[i - k]!;
        uniPCCoefficientsInto(coeffs, 'predictor', order, c.sigmas[i + 1]!, sig, solverType, true, scratch);
        const out = new Float32Array(sample.length);
        combineInto(out, coeffs, sample, hist[0]!, order > 1 ? hist[1] : undefined, order > 2 ? hist[2] : undefined);
        expectClose(out, step.prev_sample, `${name} step ${i}`);
        last = sample;
        lastOrder = order;
      }
    });
  }
});
