import { describe, expect, it } from 'vitest';
import { CONFIG_SPECS, SAMPLERS, SchedulerError, createScheduler, fromConfig, resolveConfig } from '../src/index';

const SD = { num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear' };

function thrown(fn: () => unknown): SchedulerError {
  try {
    fn();
  } catch (e) {
    if (e instanceof SchedulerError) return e;
    throw e;
  }
  throw new Error('expected a SchedulerError');
}

describe('resolveConfig', () => {
  it("applies diffusers' per-class defaults", () => {
    const ddim = resolveConfig('DDIMScheduler', {});
    expect([ddim.beta_schedule, ddim.beta_start, ddim.clip_sample, ddim.set_alpha_to_one, ddim.timestep_spacing, ddim.steps_offset]).toEqual(['linear', 0.0001, true, true, 'leading', 0]);
    const pndm = resolveConfig('PNDMScheduler', {});
    expect([pndm.skip_prk_steps, pndm.set_alpha_to_one]).toEqual([false, false]);
    const lcm = resolveConfig('LCMScheduler', {});
    expect([lcm.beta_schedule, lcm.beta_start, lcm.original_inference_steps, lcm.timestep_scaling]).toEqual(['scaled_linear', 0.00085, 50, 10]);
    const heun = resolveConfig('HeunDiscreteScheduler', {});
    expect([heun.beta_start, heun.beta_end, heun.timestep_spacing]).toEqual([0.00085, 0.012, 'linspace']);
    const euler = resolveConfig('EulerDiscreteScheduler', {});
    expect([euler.final_sigmas_type, euler.interpolation_type, euler.sigma_min]).toEqual(['zero', 'linear', null]);
    expect(resolveConfig('DPMSolverMultistepScheduler', {}).lambda_min_clipped).toBe(-Infinity);
  });

  it('keeps given values and accepts the "-Infinity" strings diffusers writes', () => {
    const c = resolveConfig('DPMSolverMultistepScheduler', { ...SD, lambda_min_clipped: '-Infinity', solver_order: 3 });
    expect([c.lambda_min_clipped, c.solver_order, c.beta_schedule]).toEqual([-Infinity, 3, 'scaled_linear']);
  });

  it('reports unknown keys through the injected logger and ignores `_` metadata', () => {
    const warnings: string[] = [];
    resolveConfig('EulerDiscreteScheduler', { ...SD, _class_name: 'PNDMScheduler', _diffusers_version: '0.30.0', skip_prk_steps: true, bogus: 1 }, { warn: (m) => warnings.push(m) });
    expect(warnings).toHaveLength(2);
    expect(warnings[0]).toContain('"skip_prk_steps"');
    expect(warnings[1]).toContain('"bogus"');
  });

  it('rejects invalid values with a typed error naming the key and the valid choices', () => {
    const e = thrown(() => resolveConfig('DDIMScheduler', { beta_schedule: 'cosine' }));
    expect(e.code).toBe('INVALID_CONFIG');
    expect(e.argument).toBe('config.beta_schedule');
    expect(e.expected).toContain('scaled_linear');
    expect(e.received).toBe('"cosine"');
    expect(thrown(() => resolveConfig('DDIMScheduler', { prediction_type: 'eps' })).expected).toContain('v_prediction');
    expect(thrown(() => resolveConfig('DDIMScheduler', { timestep_spacing: 'uniform' })).argument).toBe('config.timestep_spacing');
    expect(thrown(() => resolveConfig('DDIMScheduler', { num_train_timesteps: 0 })).argument).toBe('config.num_train_timesteps');
    expect(thrown(() => resolveConfig('DDIMScheduler', { steps_offset: 1.5 })).argument).toBe('config.steps_offset');
    expect(thrown(() => resolveConfig('DDIMScheduler', { clip_sample: 'yes' })).argument).toBe('config.clip_sample');
    expect(thrown(() => resolveConfig('DDIMScheduler', { beta_end: Number.NaN })).argument).toBe('config.beta_end');
    expect(thrown(() => resolveConfig('DDIMScheduler', { trained_betas: [0.1, 'x'] })).argument).toBe('config.trained_betas');
    expect(thrown(() => resolveConfig('EulerAncestralDiscreteScheduler', { prediction_type: 'sample' })).expected).toBe('one of "epsilon", "v_prediction"');
    expect(thrown(() => resolveConfig('DDIMScheduler', [] as unknown as Record<string, unknown>)).argument).toBe('config');
  });

  it('rejects options diffusers has but this port does not implement, naming them', () => {
    const e = thrown(() => createScheduler('DDPMScheduler', { variance_type: 'fixed_large_log' }));
    expect([e.code, e.argument]).toEqual(['UNSUPPORTED_OPTION', 'config.variance_type']);
    expect(e.expected).toContain('"fixed_small"');
    expect(thrown(() => createScheduler('KDPM2DiscreteScheduler', { prediction_type: 'sample' })).code).toBe('UNSUPPORTED_OPTION');
    expect(thrown(() => createScheduler('EulerDiscreteScheduler', { use_karras_sigmas: true, use_exponential_sigmas: true })).code).toBe('UNSUPPORTED_OPTION');
  });

  it('checks trained_betas against num_train_timesteps and uses them', () => {
    expect(thrown(() => createScheduler('DDIMScheduler', { trained_betas: [0.1, 0.2] })).argument).toBe('config.trained_betas');
    const s = createScheduler('DDIMScheduler', { num_train_timesteps: 4, trained_betas: [0.1, 0.2, 0.3, 0.4] });
    const want = [0.9, 0.9 * 0.8, 0.9 * 0.8 * 0.7, 0.9 * 0.8 * 0.7 * 0.6];
    Array.from(s.alphasCumprod).forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 6));
  });

  it('has a spec for every registered class', () => {
    for (const s of SAMPLERS) expect(CONFIG_SPECS[s.className], s.className).toBeDefined();
  });
});

describe('toConfig / fromConfig', () => {
  it('round-trips every registered scheduler to an equal config and an equal schedule', () => {
    for (const entry of SAMPLERS) {
      const s = createScheduler(entry.className, SD);
      const json = s.toConfig();
      expect(json._class_name).toBe(entry.className);
      const copy = fromConfig(JSON.parse(JSON.stringify(json, (_k, v) => (v === -Infinity ? '-Infinity' : v))));
      expect(copy.className).toBe(entry.className);
      expect(copy.toConfig()).toEqual(json);
      s.setTimesteps(10);
      copy.setTimesteps(10);
      expect(Array.from(copy.timesteps)).toEqual(Array.from(s.timesteps));
      expect(copy.order).toBe(entry.order);
    }
  });

  it('swaps a scheduler by changing _class_name (diffusers-style from_config), warning about foreign keys', () => {
    const warnings: string[] = [];
    const pndm = createScheduler('PNDMScheduler', { ...SD, skip_prk_steps: true, steps_offset: 1 });
    const euler = fromConfig({ ...pndm.toConfig(), _class_name: 'EulerDiscreteScheduler' }, { logger: { warn: (m) => warnings.push(m) } });
    expect(euler.className).toBe('EulerDiscreteScheduler');
    expect(euler.config.steps_offset).toBe(1);
    expect(warnings.some((w) => w.includes('skip_prk_steps'))).toBe(true);
  });

  it('fromConfig needs a _class_name', () => {
    expect(thrown(() => fromConfig({ beta_start: 0.001 })).argument).toBe('config._class_name');
  });
});
