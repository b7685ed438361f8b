import { describe, expect, it } from 'vitest';
import { SAMPLERS, SchedulerError, createRng, createScheduler, listSamplers } from '../src/index';

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

it('SchedulerError carries a code, the argument, what was expected and what arrived', () => {
  const e = new SchedulerError('INVALID_ARGUMENT', 'Expected a number for x, received "a"', { argument: 'x', expected: 'a number', received: '"a"' });
  expect(e).toBeInstanceOf(Error);
  expect(e.name).toBe('SchedulerError');
  expect([e.code, e.argument, e.expected, e.received]).toEqual(['INVALID_ARGUMENT', 'x', 'a number', '"a"']);
});

describe('bad input', () => {
  it('an unknown class name lists the valid ones', () => {
    const e = thrown(() => createScheduler('EulerScheduler', {}));
    expect(e.code).toBe('UNKNOWN_SCHEDULER');
    expect(e.argument).toBe('className');
    for (const name of listSamplers()) expect(e.expected).toContain(name);
    expect(e.message).toContain('DDIMScheduler');
  });

  it('more inference steps than training steps, zero or fractional steps', () => {
    for (const entry of SAMPLERS) {
      const s = createScheduler(entry.className, SD);
      for (const bad of [1001, 0, 2.5, Number.NaN]) {
        const e = thrown(() => s.setTimesteps(bad));
        expect(e.argument, `${entry.className} ${bad}`).toBe('numInferenceSteps');
      }
    }
  });

  it('LCM and TCD reject more steps than original_inference_steps', () => {
    expect(thrown(() => createScheduler('LCMScheduler', {}).setTimesteps(51)).argument).toBe('numInferenceSteps');
    expect(thrown(() => createScheduler('TCDScheduler', {}).setTimesteps(60)).expected).toContain('50');
  });

  describe.each(SAMPLERS.map((s) => s.className))('%s.step', (className) => {
    const make = () => {
      const s = createScheduler(className, SD);
      s.setTimesteps(10);
      return s;
    };
    const x = new Float32Array(16).fill(0.5);
    const opts = { rng: createRng(1) };

    it('rejects NaN and Inf in sample and modelOutput, naming the argument and index', () => {
      const s = make();
      const t = Number(s.timesteps[0]);
      const nan = x.slice();
      nan[3] = Number.NaN;
      const e1 = thrown(() => s.step(x, t, nan, opts));
      expect([e1.code, e1.argument]).toEqual(['NON_FINITE', 'sample']);
      expect(e1.received).toContain('index 3');
      const inf = x.slice();
      inf[0] = Infinity;
      expect(thrown(() => s.step(inf, t, x, opts)).argument).toBe('modelOutput');
      expect(thrown(() => s.scaleModelInput(nan, t)).argument).toBe('sample');
    });

    it('rejects mismatched lengths and non-Float32Array inputs', () => {
      const s = make();
      const t = Number(s.timesteps[0]);
      const e = thrown(() => s.step(new Float32Array(8), t, x, opts));
      expect([e.code, e.argument, e.expected, e.received]).toEqual(['LENGTH_MISMATCH', 'modelOutput', '16 values', '8 values']);
      expect(thrown(() => s.step(x, t, [1, 2] as unknown as Float32Array, opts)).expected).toBe('a Float32Array');
    });

    it('rejects a timestep that is not finite', () => {
      const s = make();
      expect(thrown(() => s.step(x, Number.NaN, x, opts)).argument).toBe('t');
    });

    it('needs setTimesteps before step', () => {
      const s = createScheduler(className, SD);
      expect(thrown(() => s.step(x, 999, x, opts)).code).toBe('NOT_READY');
    });
  });

  it('a timestep outside the schedule lists the schedule (sigma schedulers)', () => {
    const s = createScheduler('EulerDiscreteScheduler', SD);
    s.setTimesteps(10);
    const e = thrown(() => s.step(new Float32Array(4), 123.25, new Float32Array(4)));
    expect([e.code, e.argument]).toEqual(['INVALID_TIMESTEP', 't']);
    expect(e.expected).toContain('999');
  });

  it('a stochastic step without rng says which option is missing', () => {
    for (const name of ['DDPMScheduler', 'EulerAncestralDiscreteScheduler', 'LCMScheduler', 'TCDScheduler']) {
      const s = createScheduler(name, SD);
      s.setTimesteps(4);
      const e = thrown(() => s.step(new Float32Array(4), Number(s.timesteps[0]), new Float32Array(4)));
      expect([e.code, e.argument], name).toEqual(['MISSING_RNG', 'options.rng']);
    }
    const ddim = createScheduler('DDIMScheduler', SD);
    ddim.setTimesteps(4);
    expect(thrown(() => ddim.step(new Float32Array(4), Number(ddim.timesteps[0]), new Float32Array(4), { eta: 1 })).code).toBe('MISSING_RNG');
  });

  it('rejects a negative or non-finite eta, and eta > 1 for TCD', () => {
    const ddim = createScheduler('DDIMScheduler', SD);
    ddim.setTimesteps(4);
    expect(thrown(() => ddim.step(new Float32Array(4), 751, new Float32Array(4), { eta: -1 })).argument).toBe('options.eta');
    const tcd = createScheduler('TCDScheduler', {});
    tcd.setTimesteps(4);
    expect(thrown(() => tcd.step(new Float32Array(4), 999, new Float32Array(4), { eta: 1.5, rng: createRng(0) })).argument).toBe('options.eta');
  });

  it('addNoise checks lengths and timesteps', () => {
    const s = createScheduler('DDPMScheduler', SD);
    expect(thrown(() => s.addNoise(new Float32Array(4), new Float32Array(3), 10)).argument).toBe('noise');
    expect(thrown(() => s.addNoise(new Float32Array(4), new Float32Array(4), 1000)).argument).toBe('t');
    expect(thrown(() => s.addNoise(new Float32Array(4), new Float32Array(4), [1, 2, 3])).code).toBe('LENGTH_MISMATCH');
  });
});

describe('typed errors for sigma constructors and denoisers (item 17)', () => {
  it('karrasSigmas / exponentialSigmas refuse negative, reversed or fractional inputs', async () => {
    const { karrasSigmas, exponentialSigmas } = await import('../src/index');
    for (const args of [[-0.1, 14, 10], [0.03, -14, 10], [20, 14, 10], [0.03, 14, 2.5], [0.03, 14, 0], [0.03, Number.NaN, 10]] as [number, number, number][]) {
      expect(thrown(() => karrasSigmas(...args)).code).toBe('INVALID_ARGUMENT');
      expect(thrown(() => exponentialSigmas(...args)).code).toBe('INVALID_ARGUMENT');
    }
    expect(thrown(() => karrasSigmas(0.03, 14, 10, -7)).argument).toBe('rho');
    expect(karrasSigmas(0.03, 14, 10)).toHaveLength(10);
  });

  it('a denoiser that returns its array instead of writing into out is a typed error', async () => {
    const { sampleEuler } = await import('../src/index');
    const err = await sampleEuler((x) => new Float32Array(x.length) as never, new Float32Array(4), [1, 0.5, 0]).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SchedulerError);
    expect(err).toMatchObject({ code: 'DENOISER_RETURNED_VALUE' });
    await expect(sampleEuler((x, _s, out) => { out.set(x); }, new Float32Array(4), [1, 0.5, 0])).resolves.toHaveLength(4);
  });
});
