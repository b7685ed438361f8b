export { SchedulerError } from './errors';
export { createRng, type NoiseSource, type Rng } from './rng';
