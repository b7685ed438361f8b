/**
 * Per-step time of every registered scheduler (class layer) and every functional sampler on a
 * [1, 4, 64, 64] float32 latent: 25 inference steps with SD 1.5 betas and a constant model
 * output; per-step time = fastest rollout time / number of `step` calls (scaleModelInput included,
 * as a pipeline calls it). Prints JSON on stdout. Run through `node bench/run.mjs`.
 */
import { SAMPLERS } from '../src/registry';
import { resolveConfig } from '../src/config';
import { FUNCTIONAL_SAMPLERS } from '../src/functional/sample';
import type { Denoiser } from '../src/functional/types';
import { createRng } from '@diffmac/base';
import type { Scheduler } from '../src/types';

const SHAPE = 1 * 4 * 64 * 64;
const SD = { num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear' };

/** The same variants as diffusers_step_bench.py. */
const VARIANTS: { name: string; className: string; config: Record<string, unknown> }[] = [
  { name: 'DDPMScheduler', className: 'DDPMScheduler', config: {} },
  { name: 'DDIMScheduler', className: 'DDIMScheduler', config: { clip_sample: false, set_alpha_to_one: false, steps_offset: 1 } },
  { name: 'PNDMScheduler', className: 'PNDMScheduler', config: { skip_prk_steps: true, steps_offset: 1 } },
  { name: 'LCMScheduler', className: 'LCMScheduler', config: {} },
  { name: 'TCDScheduler', className: 'TCDScheduler', config: {} },
  { name: 'EulerDiscreteScheduler', className: 'EulerDiscreteScheduler', config: {} },
  { name: 'EulerAncestralDiscreteScheduler', className: 'EulerAncestralDiscreteScheduler', config: {} },
  { name: 'HeunDiscreteScheduler', className: 'HeunDiscreteScheduler', config: {} },
  { name: 'LMSDiscreteScheduler', className: 'LMSDiscreteScheduler', config: {} },
  { name: 'KDPM2DiscreteScheduler', className: 'KDPM2DiscreteScheduler', config: {} },
  { name: 'DPMSolverMultistepScheduler', className: 'DPMSolverMultistepScheduler', config: {} },
  { name: 'DPMSolverMultistepScheduler+sde', className: 'DPMSolverMultistepScheduler', config: { algorithm_type: 'sde-dpmsolver++' } },
  { name: 'DPMSolverMultistepScheduler+3m', className: 'DPMSolverMultistepScheduler', config: { solver_order: 3 } },
  { name: 'DPMSolverSinglestepScheduler', className: 'DPMSolverSinglestepScheduler', config: {} },
  { name: 'UniPCMultistepScheduler', className: 'UniPCMultistepScheduler', config: {} },
  { name: 'DEISMultistepScheduler', className: 'DEISMultistepScheduler', config: {} },
];

/** The fastest run: on a shared machine the minimum is the least contended measurement. */
function fastest(a: number[]): number {
  return Math.min(...a);
}

function timeClass(create: () => Scheduler, steps: number, repeats: number, useOut: boolean): number {
  const rng = createRng(0);
  const x0 = new Float32Array(SHAPE);
  rng.normal(x0);
  const mo = new Float32Array(SHAPE);
  rng.normal(mo);
  for (let i = 0; i < mo.length; i++) mo[i] = 0.1 * mo[i]!;
  const times: number[] = [];
  let calls = 0;
  for (let r = 0; r < repeats + 3; r++) {
    const s = create();
    s.setTimesteps(steps);
    let x: Float32Array = Float32Array.from(x0);
    const ts = Array.from(s.timesteps);
    const bufs = [new Float32Array(SHAPE), new Float32Array(SHAPE)];
    const scaled = new Float32Array(SHAPE);
    const t0 = performance.now();
    let k = 0;
    for (const t of ts) {
      if (useOut) {
        s.scaleModelInput(x, t, scaled);
        x = s.step(mo, t, x, { rng, eta: 0, out: bufs[k++ % 2] }).prevSample;
      } else {
        s.scaleModelInput(x, t);
        x = s.step(mo, t, x, { rng, eta: 0 }).prevSample;
      }
    }
    const dt = performance.now() - t0;
    calls = ts.length;
    if (r >= 3) times.push(dt);
  }
  return fastest(times) / calls;
}

async function timeFunctional(run: (typeof FUNCTIONAL_SAMPLERS)[number]['run'], name: string, steps: number, repeats: number): Promise<number> {
  const rng = createRng(0);
  const sigmas = Array.from({ length: steps }, (_, i) => 14.6 * (0.03 / 14.6) ** (i / (steps - 1)));
  sigmas.push(name === 'deis' ? 0.029 : 0);
  const x = new Float32Array(SHAPE);
  rng.normal(x);
  // a constant-cost denoiser standing in for the network: x0 = 0.9·x
  const denoiser: Denoiser = (input, _sigma, out) => {
    for (let i = 0; i < input.length; i++) out[i] = 0.9 * input[i]!;
  };
  const idle: Denoiser = () => undefined;
  const times: number[] = [];
  const idleTimes: number[] = [];
  for (let r = 0; r < repeats + 3; r++) {
    let t0 = performance.now();
    await run(denoiser, x, sigmas, { rng });
    const dt = performance.now() - t0;
    t0 = performance.now();
    await run(idle, x, sigmas, { rng });
    const idleDt = performance.now() - t0;
    if (r >= 3) {
      times.push(dt);
      idleTimes.push(idleDt);
    }
  }
  void times;
  const calls = name === 'heun' ? 2 * steps - 1 : steps;
  // per sampler step with a free denoiser (the sampler's own cost)
  return fastest(idleTimes) / calls;
}

async function main(): Promise<void> {
  const steps = Number(process.env.BENCH_STEPS ?? 25);
  const repeats = Number(process.env.BENCH_REPEATS ?? 15);
  const classes: Record<string, number> = {};
  const classesOut: Record<string, number> = {};
  const only = process.env.BENCH_ONLY ?? '';
  for (const v of VARIANTS) {
    if (only && !v.name.includes(only)) continue;
    const entry = SAMPLERS.find((s) => s.className === v.className);
    if (!entry) continue;
    const create = (): Scheduler => entry.create(resolveConfig(v.className, { ...SD, ...v.config }));
    classes[v.name] = timeClass(create, steps, repeats, false);
    classesOut[v.name] = timeClass(create, steps, repeats, true);
    process.stderr.write(`${v.name}: ${classes[v.name]!.toFixed(3)} ms/step, ${classesOut[v.name]!.toFixed(3)} with options.out\n`);
  }
  const functional: Record<string, number> = {};
  for (const f of FUNCTIONAL_SAMPLERS) {
    if (only && !f.name.includes(only)) continue;
    functional[f.name] = await timeFunctional(f.run, f.name, steps, repeats);
    process.stderr.write(`functional ${f.name}: ${functional[f.name]!.toFixed(3)} ms/step\n`);
  }
  process.stdout.write(JSON.stringify({ node: process.version, ms_per_step: classes, out_ms_per_step: classesOut, functional_ms_per_step: functional }));
}

void main();
