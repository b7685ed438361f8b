/**
 * The public API of the DPM-Solver family, UniPC and DEIS: registry entries, typed errors for bad
 * configs and inputs, addNoise, the singlestep config rewrite, and toConfig/fromConfig round trips.
 */
import { describe, expect, it } from 'vitest';
import { createRng, createScheduler, findSampler, fromConfig, clippedTimestepCount, noiseScheduleForConfig, resolveConfig, vpQuantitiesInto } from '../src/index';

const SD = { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 };
const MINE = ['DPMSolverMultistepScheduler', 'DPMSolverSinglestepScheduler', 'UniPCMultistepScheduler', 'DEISMultistepScheduler'];

describe('registry and round trips', () => {
  it('registers the four classes with order 1', () => {
    for (const name of MINE) expect(findSampler(name), name).toMatchObject({ className: name, order: 1, stochastic: false });
  });

  it('reports stochasticity from the config (SDE types draw noise)', () => {
    expect(createScheduler('DPMSolverMultistepScheduler', { algorithm_type: 'sde-dpmsolver++' }).stochastic).toBe(true);
    expect(createScheduler('DPMSolverSinglestepScheduler', { algorithm_type: 'sde-dpmsolver++' }).stochastic).toBe(true);
    expect(createScheduler('DPMSolverMultistepScheduler', {}).stochastic).toBe(false);
  });

  for (const name of MINE) {
    it(`${name}: fromConfig(toConfig()) gives the same schedule and steps`, () => {
      const a = createScheduler(name, { ...SD, use_karras_sigmas: true, solver_order: 3 });
      const b = fromConfig(a.toConfig());
      expect(b.toConfig()).toEqual(a.toConfig());
      a.setTimesteps(12);
      b.setTimesteps(12);
      expect(Array.from(b.timesteps)).toEqual(Array.from(a.timesteps));
      expect(Array.from(b.sigmas!)).toEqual(Array.from(a.sigmas!));
      const x = new Float32Array(16).fill(0.3);
      const mo = new Float32Array(16).fill(0.1);
      const t = a.timesteps[0]!;
      expect(b.step(mo, t, x).prevSample).toEqual(a.step(mo, t, x).prevSample);
    });
  }

  it('singlestep rewrites lower_order_final in its config when the final sigma is 0, as diffusers does', () => {
    const s = createScheduler('DPMSolverSinglestepScheduler', { ...SD, lower_order_final: false });
    expect(s.config.lower_order_final).toBe(false);
    s.setTimesteps(10);
    expect(s.config.lower_order_final).toBe(true);
    const kept = createScheduler('DPMSolverSinglestepScheduler', { ...SD, lower_order_final: false, final_sigmas_type: 'sigma_min' });
    kept.setTimesteps(10);
    expect(kept.config.lower_order_final).toBe(false);
  });
});

describe('allocation-free stepping (options.out)', () => {
  for (const [name, extra] of [
    ['DPMSolverMultistepScheduler', { solver_order: 3, algorithm_type: 'sde-dpmsolver++' }],
    ['DPMSolverSinglestepScheduler', { solver_order: 3 }],
    ['UniPCMultistepScheduler', { solver_order: 3 }],
    ['DEISMultistepScheduler', { solver_order: 3 }],
  ] as const) {
    it(`${name}: ping-ponging two out buffers gives the same rollout as fresh arrays`, () => {
      const roll = (pingPong: boolean): Float32Array => {
        const s = createScheduler(name, { ...SD, ...extra });
        s.setTimesteps(9);
        const rng = createRng(4);
        const bufs = [new Float32Array(32), new Float32Array(32)];
        let x: Float32Array = Float32Array.from({ length: 32 }, (_, k) => Math.sin(k));
        Array.from(s.timesteps).forEach((t, i) => {
          const mo = Float32Array.from(x, (v) => 0.5 * Math.tanh(v) + t / 1e5);
          x = s.step(mo, t, x, pingPong ? { rng, out: bufs[i % 2] } : { rng }).prevSample;
        });
        return Float32Array.from(x);
      };
      expect(roll(true)).toEqual(roll(false));
    });
  }

  it('rejects an out buffer that overlaps the sample', () => {
    const s = createScheduler('UniPCMultistepScheduler', SD);
    s.setTimesteps(5);
    const x = new Float32Array(8);
    expect(() => s.step(new Float32Array(8), s.timesteps[0]!, x, { out: x })).toThrow(expect.objectContaining({ argument: 'options.out' }));
  });
});

describe('schedules', () => {
  it('lambda_min_clipped removes the noisiest timesteps (squaredcos_cap_v2)', () => {
    const cfg = { beta_schedule: 'squaredcos_cap_v2', lambda_min_clipped: -5.1 };
    const s = createScheduler('DPMSolverMultistepScheduler', cfg);
    s.setTimesteps(10);
    const clipped = clippedTimestepCount(noiseScheduleForConfig(resolveConfig('DPMSolverMultistepScheduler', cfg)).alphasCumprod, -5.1);
    expect(clipped).toBeGreaterThan(0);
    expect(s.timesteps[0]).toBe(999 - clipped);
  });

  it('DEIS ends at sigma(t=0), repeated from Karras sigmas', () => {
    const s = createScheduler('DEISMultistepScheduler', { ...SD, use_karras_sigmas: true });
    s.setTimesteps(8);
    const sig = Array.from(s.sigmas!);
    expect(sig).toHaveLength(9);
    expect(sig[8]).toBe(sig[7]);
    expect(sig[8]).toBeGreaterThan(0);
  });
});

describe('addNoise', () => {
  it('is alpha_t·x + sigma_t·noise at the sigma of the timestep', () => {
    const s = createScheduler('UniPCMultistepScheduler', SD);
    s.setTimesteps(20);
    const x = Float32Array.from({ length: 8 }, (_, i) => i - 4);
    const noise = new Float32Array(8);
    createRng(5).normal(noise);
    const t = s.timesteps[3]!;
    const q = vpQuantitiesInto(new Float64Array(3), s.sigmas![3]!);
    const out = s.addNoise(x, noise, t);
    for (let i = 0; i < 8; i++) expect(out[i]).toBeCloseTo(q[0]! * x[i]! + q[1]! * noise[i]!, 5);
    expect(() => s.addNoise(x, noise, 5)).toThrow(expect.objectContaining({ code: 'INVALID_TIMESTEP', argument: 't' }));
    expect(() => createScheduler('DEISMultistepScheduler', SD).addNoise(x, noise, 999)).toThrow(expect.objectContaining({ code: 'NOT_READY' }));
  });
});

describe('typed errors', () => {
  it('rejects configs diffusers rejects or this port does not implement, naming the key', () => {
    const cases: [string, Record<string, unknown>, string, string][] = [
      ['DPMSolverMultistepScheduler', { algorithm_type: 'dpmsolver', final_sigmas_type: 'zero' }, 'INVALID_CONFIG', 'config.final_sigmas_type'],
      ['DPMSolverMultistepScheduler', { algorithm_type: 'deis++' }, 'INVALID_CONFIG', 'config.algorithm_type'],
      ['DPMSolverMultistepScheduler', { solver_order: 4 }, 'INVALID_CONFIG', 'config.solver_order'],
      ['DPMSolverMultistepScheduler', { use_exponential_sigmas: true }, 'UNSUPPORTED_OPTION', 'config.use_exponential_sigmas'],
      ['DPMSolverMultistepScheduler', { variance_type: 'learned_range' }, 'UNSUPPORTED_OPTION', 'config.variance_type'],
      ['DPMSolverMultistepScheduler', { prediction_type: 'flow_prediction' }, 'UNSUPPORTED_OPTION', 'config.prediction_type'],
      ['DPMSolverSinglestepScheduler', { algorithm_type: 'sde-dpmsolver++', solver_order: 3 }, 'UNSUPPORTED_OPTION', 'config.solver_order'],
      ['UniPCMultistepScheduler', { solver_order: 4 }, 'UNSUPPORTED_OPTION', 'config.solver_order'],
      ['UniPCMultistepScheduler', { solver_type: 'midpoint3' }, 'INVALID_CONFIG', 'config.solver_type'],
      ['DEISMultistepScheduler', { solver_order: 5 }, 'INVALID_CONFIG', 'config.solver_order'],
    ];
    for (const [name, cfg, code, argument] of cases) {
      expect(() => createScheduler(name, cfg), `${name} ${JSON.stringify(cfg)}`).toThrow(expect.objectContaining({ code, argument }));
    }
  });

  it('rejects bad step inputs', () => {
    const s = createScheduler('DPMSolverMultistepScheduler', { ...SD, algorithm_type: 'sde-dpmsolver++' });
    const x = new Float32Array(4);
    expect(() => s.step(x, 999, x)).toThrow(expect.objectContaining({ code: 'NOT_READY' }));
    expect(() => s.setTimesteps(1001)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'numInferenceSteps' }));
    s.setTimesteps(10);
    const t = s.timesteps[0]!;
    expect(() => s.step(x, t, x)).toThrow(expect.objectContaining({ code: 'MISSING_RNG', argument: 'options.rng' }));
    expect(() => s.step(new Float32Array(3), t, x, { rng: createRng(1) })).toThrow(expect.objectContaining({ code: 'LENGTH_MISMATCH', argument: 'modelOutput' }));
    expect(() => s.step(Float32Array.of(0, 0, Number.NaN, 0), t, x, { rng: createRng(1) })).toThrow(expect.objectContaining({ code: 'NON_FINITE', argument: 'modelOutput' }));
    expect(() => s.step(x, 998, x, { rng: createRng(1) })).toThrow(expect.objectContaining({ code: 'INVALID_TIMESTEP', argument: 't' }));
  });

  it('warns about unknown config keys through the injected logger', () => {
    const warnings: string[] = [];
    createScheduler('UniPCMultistepScheduler', { ...SD, not_a_key: 1 }, { logger: { warn: (m) => warnings.push(m) } });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toContain('not_a_key');
  });
});

describe('thresholding and the corrector switch', () => {
  it('dynamic thresholding clamps the data prediction (final step returns x0)', () => {
    const run = (thresholding: boolean): number => {
      const s = createScheduler('DPMSolverMultistepScheduler', { ...SD, prediction_type: 'sample', thresholding, sample_max_value: 1 });
      s.setTimesteps(1);
      return s.step(new Float32Array(8).fill(5), s.timesteps[0]!, new Float32Array(8).fill(0.2)).prevSample[0]!;
    };
    expect(run(false)).toBeCloseTo(5, 5);
    expect(run(true)).toBeCloseTo(1, 5);
  });

  it('disable_corrector changes the rollout only at the listed steps', () => {
    const roll = (disable: number[]): Float32Array[] => {
      const s = createScheduler('UniPCMultistepScheduler', { ...SD, disable_corrector: disable });
      s.setTimesteps(6);
      let x: Float32Array = new Float32Array(8).fill(1);
      const out: Float32Array[] = [];
      for (const t of Array.from(s.timesteps)) {
        x = s.step(Float32Array.from(x, (v) => 0.5 * Math.tanh(v)), t, x).prevSample;
        out.push(x);
      }
      return out;
    };
    const base = roll([]);
    const off = roll([2]);
    expect(off[0]).toEqual(base[0]);
    expect(off[1]).toEqual(base[1]);
    expect(off[2]).toEqual(base[2]); // the corrector of step 2's output runs at step 3
    expect(off[3]).not.toEqual(base[3]);
  });
});
