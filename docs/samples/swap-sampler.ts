// Swap the sampler of a denoising loop: any diffusers class name, the same five lines.
import { createRng, createScheduler, type SchedulerConfig } from '@diffmac/scheduler';

export async function denoise(
  unet: (x: Float32Array, t: number) => Promise<Float32Array>,
  schedulerConfig: SchedulerConfig,
  noise: Float32Array,
  className = 'EulerAncestralDiscreteScheduler',
): Promise<Float32Array> {
  const s = createScheduler(className, schedulerConfig);
  const rng = createRng(42);
  s.setTimesteps(25);
  let x: Float32Array = noise.map((v) => v * s.initNoiseSigma);
  for (const t of s.timesteps) x = s.step(await unet(s.scaleModelInput(x, t), t), t, x, { rng }).prevSample;
  return x;
}
