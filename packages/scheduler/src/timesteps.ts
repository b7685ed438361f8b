/**
 * Timestep spacing as diffusers computes it: `leading`, `trailing` and `linspace`, `steps_offset`,
 * NumPy's half-to-even rounding, and the three flavours (N-point integer grid of DDPM/DDIM/PNDM,
 * fractional grid of the Euler family, N+1-point grid of DPM-Solver/UniPC/DEIS).
 */
import { roundHalfEven } from '@diffmac/base';
import { SchedulerError } from './errors';

export { roundHalfEven };

/** A diffusers `timestep_spacing`. */
export type TimestepSpacing = 'leading' | 'trailing' | 'linspace';


/**
 * `np.linspace(start, stop, n)` (endpoint included, float64, the last value set to `stop` exactly).
 *
 * @example
 * numpyLinspace(0, 999, 25)[4]; // 166.5
 */
export function numpyLinspace(start: number, stop: number, n: number): Float64Array {
  const out = new Float64Array(n);
  const div = n - 1;
  const step = div > 0 ? (stop - start) / div : 0;
  for (let i = 0; i < n; i++) out[i] = i * step + start;
  if (n > 1) out[n - 1] = stop;
  return out;
}

/**
 * `np.arange(start, stop, step)` in float64 (`ceil((stop-start)/step)` values `start + i·step`).
 *
 * @example
 * numpyArange(1000, 0, -1000 / 3); // [1000, 666.66.., 333.33..]
 */
export function numpyArange(start: number, stop: number, step: number): Float64Array {
  const n = Math.max(0, Math.ceil((stop - start) / step));
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = start + i * step;
  return out;
}

/**
 * Check the argument of `setTimesteps`: a positive integer no larger than `num_train_timesteps`.
 *
 * @example
 * checkNumInferenceSteps(25, 1000); // ok
 * checkNumInferenceSteps(2000, 1000); // throws SchedulerError INVALID_ARGUMENT
 */
export function checkNumInferenceSteps(numInferenceSteps: number, numTrainTimesteps: number): void {
  if (typeof numInferenceSteps !== 'number' || !Number.isInteger(numInferenceSteps) || numInferenceSteps < 1 || numInferenceSteps > numTrainTimesteps) {
    throw new SchedulerError(
      'INVALID_ARGUMENT',
      `Expected an integer in [1, ${numTrainTimesteps}] (num_train_timesteps) for numInferenceSteps, received ${String(numInferenceSteps)}`,
      { argument: 'numInferenceSteps', expected: `an integer in [1, ${numTrainTimesteps}]`, received: String(numInferenceSteps) },
    );
  }
}

function reversed(a: Float64Array): Float64Array {
  return a.slice().reverse();
}

/**
 * DDPM / DDIM / PNDM integer timesteps, descending, N values.
 * - leading: `arange(N)·(T//N)`, reversed, `+ steps_offset`
 * - trailing: `round(arange(T, 0, -T/N)) - 1`
 * - linspace: `round(linspace(0, T-1, N))`, reversed (half to even)
 *
 * @example
 * discreteTimesteps('leading', 1000, 10, 1); // [901, 801, ..., 1]
 */
export function discreteTimesteps(spacing: TimestepSpacing, T: number, N: number, stepsOffset: number): Float64Array {
  checkNumInferenceSteps(N, T);
  switch (spacing) {
    case 'linspace':
      return reversed(numpyLinspace(0, T - 1, N).map(roundHalfEven));
    case 'leading': {
      const ratio = Math.floor(T / N);
      const out = new Float64Array(N);
      for (let i = 0; i < N; i++) out[i] = (N - 1 - i) * ratio + stepsOffset;
      return out;
    }
    case 'trailing':
      return numpyArange(T, 0, -T / N).map((v) => roundHalfEven(v) - 1);
  }
}

/**
 * Euler-family timesteps (Euler, Euler-ancestral, Heun, LMS, KDPM2), descending, as float64 before
 * diffusers' float32 cast (sigmas are interpolated at these float64 values):
 * - linspace: `linspace(0, T-1, N)` reversed (fractional)
 * - leading: `round(arange(N)·(T//N))` reversed `+ steps_offset`
 * - trailing: `round(arange(T, 0, -T/N)) - 1`
 *
 * @example
 * sigmaFamilyTimesteps('linspace', 1000, 25, 0)[1]; // 957.375
 */
export function sigmaFamilyTimesteps(spacing: TimestepSpacing, T: number, N: number, stepsOffset: number): Float64Array {
  checkNumInferenceSteps(N, T);
  switch (spacing) {
    case 'linspace':
      return reversed(numpyLinspace(0, T - 1, N));
    case 'leading':
      return discreteTimesteps('leading', T, N, stepsOffset);
    case 'trailing':
      return discreteTimesteps('trailing', T, N, 0);
  }
}

/**
 * DPM-Solver / UniPC / DEIS integer timesteps: an N+1-point grid whose last point is dropped.
 * - linspace: `round(linspace(0, last-1, N+1))[::-1][:-1]`
 * - leading: `round(arange(N+1)·(last//(N+1)))[::-1][:-1] + steps_offset`
 * - trailing: `round(arange(last, 0, -T/N)) - 1`
 * `lastTimestep` is `T` unless `lambda_min_clipped` clips the schedule.
 *
 * @example
 * multistepTimesteps('linspace', 1000, 25, 0); // [999, 959, ..., 40]
 */
export function multistepTimesteps(spacing: TimestepSpacing, T: number, N: number, stepsOffset: number, lastTimestep = T): Float64Array {
  checkNumInferenceSteps(N, T);
  switch (spacing) {
    case 'linspace':
      return reversed(numpyLinspace(0, lastTimestep - 1, N + 1).map(roundHalfEven)).subarray(0, N).slice();
    case 'leading': {
      const ratio = Math.floor(lastTimestep / (N + 1));
      const out = new Float64Array(N);
      for (let i = 0; i < N; i++) out[i] = (N - i) * ratio + stepsOffset;
      return out;
    }
    case 'trailing':
      return numpyArange(lastTimestep, 0, -T / N).map((v) => roundHalfEven(v) - 1);
  }
}
