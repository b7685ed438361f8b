/**
 * The README's five-line sampler swap, run for every registered class with a stand-in network:
 * the loop is the same for every scheduler and ends at a finite sample.
 */
import { describe, expect, it } from 'vitest';
import { SAMPLERS, createRng, createScheduler, fromConfig } from '../src/index';

const schedulerConfig = { _class_name: 'PNDMScheduler', num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear', skip_prk_steps: true, steps_offset: 1 };
const noise = new Float32Array(4 * 8 * 8);
createRng(0).normal(noise);
const unet = async (x: Float32Array, t: number): Promise<Float32Array> => x.map((v) => 0.5 * Math.tanh(v) + t / 1e5);

describe('README: swap a sampler in five lines', () => {
  it.each(SAMPLERS.map((e) => [e.className]))('%s', async (className) => {
    const warnings: string[] = [];
    const s = createScheduler(className, schedulerConfig, { logger: { warn: (m) => warnings.push(m) } }), rng = createRng(42);
    s.setTimesteps(25);
    let x: Float32Array = noise.map((v) => v * s.initNoiseSigma);
    for (const t of s.timesteps) x = s.step(await unet(s.scaleModelInput(x, t), t), t, x, { rng }).prevSample;
    expect(x.every(Number.isFinite)).toBe(true);
    expect(Math.max(...Array.from(x, Math.abs))).toBeLessThan(1000);
  });

  it('swapping through fromConfig keeps the shared settings', () => {
    const dpm = fromConfig({ ...createScheduler('DDIMScheduler', schedulerConfig).toConfig(), _class_name: 'EulerDiscreteScheduler' });
    expect([dpm.className, dpm.config.beta_schedule, dpm.config.steps_offset]).toEqual(['EulerDiscreteScheduler', 'scaled_linear', 1]);
  });

  it('the allocation-free loop gives the same result as the allocating one', async () => {
    const run = async (pingPong: boolean) => {
      const s = createScheduler('EulerAncestralDiscreteScheduler', schedulerConfig);
      s.setTimesteps(10);
      const rng = createRng(3);
      let x: Float32Array = noise.map((v) => v * s.initNoiseSigma);
      const bufs = [new Float32Array(x.length), new Float32Array(x.length)];
      const input = new Float32Array(x.length);
      let i = 0;
      for (const t of s.timesteps) {
        x = pingPong
          ? s.step(await unet(s.scaleModelInput(x, t, input), t), t, x, { rng, out: bufs[i++ % 2] }).prevSample
          : s.step(await unet(s.scaleModelInput(x, t), t), t, x, { rng }).prevSample;
      }
      return Array.from(x);
    };
    expect(await run(true)).toEqual(await run(false));
  });
});
