/**
 * The registry of every class-layer sampler: diffusers class name, `order` (model evaluations per
 * step in diffusers' sense), whether it draws noise with its default config, and its factory.
 * One entry per line: add a scheduler by inserting one line.
 */
import { DDIMScheduler } from './schedulers/ddim';
import { DDPMScheduler } from './schedulers/ddpm';
import { EulerDiscreteScheduler } from './schedulers/euler';
import { EulerAncestralDiscreteScheduler } from './schedulers/euler-ancestral';
import { HeunDiscreteScheduler } from './schedulers/heun';
import { KDPM2DiscreteScheduler } from './schedulers/kdpm2';
import { LCMScheduler } from './schedulers/lcm';
import { LMSDiscreteScheduler } from './schedulers/lms';
import { PNDMScheduler } from './schedulers/pndm';
import { TCDScheduler } from './schedulers/tcd';
import { DEISMultistepScheduler } from './schedulers/deis';
import { DPMSolverMultistepScheduler } from './schedulers/dpm-solver-multistep';
import { DPMSolverSinglestepScheduler } from './schedulers/dpm-solver-singlestep';
import { UniPCMultistepScheduler } from './schedulers/unipc';
import type { ResolvedConfig, Scheduler } from './types';

/** One registered sampler. */
export interface SamplerEntry {
  /** The diffusers class name, e.g. `'DDIMScheduler'`. */
  readonly className: string;
  /** Model evaluations per step (Heun, KDPM2: 2). */
  readonly order: number;
  /** Whether `step` draws noise with the class's default config and step options. */
  readonly stochastic: boolean;
  /** Build an instance from a resolved config (see `resolveConfig`). */
  readonly create: (config: ResolvedConfig) => Scheduler;
}

/**
 * Every registered sampler.
 *
 * @example
 * SAMPLERS.map((s) => `${s.className} order=${s.order} stochastic=${s.stochastic}`);
 */
export const SAMPLERS: readonly SamplerEntry[] = Object.freeze([
  { className: 'DDPMScheduler', order: 1, stochastic: true, create: (c: ResolvedConfig) => new DDPMScheduler(c) },
  { className: 'DDIMScheduler', order: 1, stochastic: false, create: (c: ResolvedConfig) => new DDIMScheduler(c) },
  { className: 'PNDMScheduler', order: 1, stochastic: false, create: (c: ResolvedConfig) => new PNDMScheduler(c) },
  { className: 'LCMScheduler', order: 1, stochastic: true, create: (c: ResolvedConfig) => new LCMScheduler(c) },
  { className: 'TCDScheduler', order: 1, stochastic: true, create: (c: ResolvedConfig) => new TCDScheduler(c) },
  { className: 'EulerDiscreteScheduler', order: 1, stochastic: false, create: (c: ResolvedConfig) => new EulerDiscreteScheduler(c) },
  { className: 'EulerAncestralDiscreteScheduler', order: 1, stochastic: true, create: (c: ResolvedConfig) => new EulerAncestralDiscreteScheduler(c) },
  { className: 'HeunDiscreteScheduler', order: 2, stochastic: false, create: (c: ResolvedConfig) => new HeunDiscreteScheduler(c) },
  { className: 'LMSDiscreteScheduler', order: 1, stochastic: false, create: (c: ResolvedConfig) => new LMSDiscreteScheduler(c) },
  { className: 'KDPM2DiscreteScheduler', order: 2, stochastic: false, create: (c: ResolvedConfig) => new KDPM2DiscreteScheduler(c) },
  { className: 'DPMSolverMultistepScheduler', order: 1, stochastic: false, create: (c: ResolvedConfig) => new DPMSolverMultistepScheduler(c) },
  { className: 'DPMSolverSinglestepScheduler', order: 1, stochastic: false, create: (c: ResolvedConfig) => new DPMSolverSinglestepScheduler(c) },
  { className: 'UniPCMultistepScheduler', order: 1, stochastic: false, create: (c: ResolvedConfig) => new UniPCMultistepScheduler(c) },
  { className: 'DEISMultistepScheduler', order: 1, stochastic: false, create: (c: ResolvedConfig) => new DEISMultistepScheduler(c) },
]);

/**
 * The registry entry of a class name, or undefined.
 *
 * @example
 * findSampler('DDIMScheduler')?.order; // 1
 */
export function findSampler(className: string): SamplerEntry | undefined {
  return SAMPLERS.find((s) => s.className === className);
}

/**
 * The class names of every registered sampler.
 *
 * @example
 * listSamplers(); // ['DDIMScheduler', ...]
 */
export function listSamplers(): string[] {
  return SAMPLERS.map((s) => s.className);
}
