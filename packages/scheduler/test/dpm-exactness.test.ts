/**
 * Exponential integrators are exact when the data prediction is constant along the trajectory
 * (x_t = alpha_t·x0 + sigma_t·eps with fixed x0 and eps): every DPM-Solver / UniPC / DEIS variant,
 * of any order and spacing, must then land on alpha_f·x0 + sigma_f·eps at the final sigma. This
 * checks the branches the golden cases do not reach (heun solver type, the eps-based `dpmsolver`
 * types, singlestep order 3, UniPC without predict_x0, DEIS with Karras sigmas, ...), for every
 * prediction type, through the public API.
 */
import { describe, expect, it } from 'vitest';
import { createRng, createScheduler, type Scheduler } from '../src/index';

const SD = { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 };

function alphaSigma(sigma: number): [number, number] {
  const a = 1 / Math.sqrt(sigma * sigma + 1);
  return [a, sigma * a];
}

/** Run a scheduler with an oracle network for fixed x0/eps; return |final - target| / max(1, |target|). */
function oracleError(s: Scheduler, steps: number, prediction: string): number {
  s.setTimesteps(steps);
  const rng = createRng(11);
  const n = 64;
  const x0 = new Float32Array(n);
  const eps = new Float32Array(n);
  rng.normal(x0);
  rng.normal(eps);
  const sig = s.sigmas!;
  const [a0, s0] = alphaSigma(sig[0]!);
  let x: Float32Array = Float32Array.from(x0, (v, i) => a0 * v + s0 * eps[i]!);
  const ts = Array.from(s.timesteps);
  ts.forEach((t, i) => {
    const [a, st] = alphaSigma(sig[i]!);
    // the network's answer for the current sample, consistent with the fixed x0
    const out = new Float32Array(n);
    for (let k = 0; k < n; k++) {
      const e = (x[k]! - a * x0[k]!) / st;
      out[k] = prediction === 'epsilon' ? e : prediction === 'sample' ? x0[k]! : a * e - st * x0[k]!;
    }
    x = s.step(out, t, x, { rng }).prevSample;
  });
  const [af, sf] = alphaSigma(sig[sig.length - 1]!);
  let err = 0;
  let scale = 1;
  for (let k = 0; k < n; k++) {
    const target = af * x0[k]! + sf * eps[k]!;
    err = Math.max(err, Math.abs(x[k]! - target));
    scale = Math.max(scale, Math.abs(target));
  }
  return err / scale;
}

const VARIANTS: [string, Record<string, unknown>, number][] = [
  ['DPMSolverMultistepScheduler', {}, 25],
  ['DPMSolverMultistepScheduler', { solver_order: 3, lower_order_final: false }, 12],
  ['DPMSolverMultistepScheduler', { solver_order: 3, final_sigmas_type: 'sigma_min', euler_at_final: true }, 10],
  ['DPMSolverMultistepScheduler', { solver_type: 'heun', use_karras_sigmas: true }, 20],
  ['DPMSolverMultistepScheduler', { solver_order: 3, solver_type: 'heun', timestep_spacing: 'trailing', final_sigmas_type: 'sigma_min' }, 15],
  ['DPMSolverMultistepScheduler', { algorithm_type: 'dpmsolver', final_sigmas_type: 'sigma_min' }, 20],
  ['DPMSolverMultistepScheduler', { algorithm_type: 'dpmsolver', solver_order: 3, final_sigmas_type: 'sigma_min', timestep_spacing: 'leading', steps_offset: 1 }, 20],
  ['DPMSolverMultistepScheduler', { algorithm_type: 'dpmsolver', solver_type: 'heun', final_sigmas_type: 'sigma_min' }, 20],
  ['DPMSolverMultistepScheduler', { rescale_betas_zero_snr: true, timestep_spacing: 'trailing' }, 20],
  ['DPMSolverMultistepScheduler', { beta_schedule: 'squaredcos_cap_v2', lambda_min_clipped: -5.1, solver_order: 3 }, 20],
  ['DPMSolverSinglestepScheduler', {}, 20],
  ['DPMSolverSinglestepScheduler', { solver_order: 3 }, 21],
  ['DPMSolverSinglestepScheduler', { solver_order: 3, solver_type: 'heun', use_karras_sigmas: true }, 20],
  ['DPMSolverSinglestepScheduler', { solver_order: 3, final_sigmas_type: 'sigma_min', lower_order_final: false }, 18],
  ['DPMSolverSinglestepScheduler', { algorithm_type: 'dpmsolver', final_sigmas_type: 'sigma_min' }, 20],
  ['UniPCMultistepScheduler', {}, 20],
  ['UniPCMultistepScheduler', { solver_order: 3 }, 25],
  ['UniPCMultistepScheduler', { solver_order: 3, solver_type: 'bh1', final_sigmas_type: 'sigma_min' }, 20],
  ['UniPCMultistepScheduler', { predict_x0: false, final_sigmas_type: 'sigma_min' }, 20],
  ['UniPCMultistepScheduler', { predict_x0: false, solver_order: 3, solver_type: 'bh1', final_sigmas_type: 'sigma_min' }, 20],
  ['UniPCMultistepScheduler', { use_karras_sigmas: true, sigma_min: 0.1, sigma_max: 10, final_sigmas_type: 'sigma_min' }, 15],
  ['UniPCMultistepScheduler', { disable_corrector: [0, 1, 2], lower_order_final: false, timestep_spacing: 'trailing', final_sigmas_type: 'sigma_min' }, 20],
  ['UniPCMultistepScheduler', { rescale_betas_zero_snr: true, timestep_spacing: 'trailing' }, 20],
  ['DEISMultistepScheduler', {}, 20],
  ['DEISMultistepScheduler', { solver_order: 3 }, 10],
  ['DEISMultistepScheduler', { solver_order: 3, use_karras_sigmas: true, timestep_spacing: 'trailing' }, 20],
  ['DEISMultistepScheduler', { solver_order: 1, timestep_spacing: 'leading', steps_offset: 1 }, 20],
];

describe('exponential integrators are exact for a constant data prediction', () => {
  for (const [className, extra, steps] of VARIANTS) {
    for (const prediction of ['epsilon', 'v_prediction', 'sample']) {
      it(`${className} ${JSON.stringify(extra)} ${prediction}, ${steps} steps`, () => {
        const s = createScheduler(className, { ...SD, ...extra, prediction_type: prediction });
        expect(oracleError(s, steps, prediction)).toBeLessThan(2e-4);
      });
    }
  }

  it('is not exact when the model disagrees with itself (the check can fail)', () => {
    const s = createScheduler('DPMSolverMultistepScheduler', SD);
    s.setTimesteps(10);
    let x: Float32Array = new Float32Array(8).fill(1);
    for (const t of Array.from(s.timesteps)) x = s.step(new Float32Array(8).fill(t / 1000), t, x).prevSample;
    expect(Math.abs(x[0]! - 1)).toBeGreaterThan(1e-3);
  });
});
