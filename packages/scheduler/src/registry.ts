/**
 * The registry of every class-layer sampler: diffusers class name, `order` (model evaluations per
 * step in diffusers' sense), whether it draws noise with its default config, and its factory.
 * One entry per line: add a scheduler by inserting one line.
 */
import { DDIMScheduler } from './schedulers/ddim';
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
  { className: 'DDIMScheduler', order: 1, stochastic: false, create: (c: ResolvedConfig) => new DDIMScheduler(c) },
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
