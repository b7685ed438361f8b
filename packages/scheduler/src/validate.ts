/**
 * Checks of step inputs: typed arrays, NaN/Inf, lengths, timesteps. Every failure is a
 * `SchedulerError` naming the argument, what was expected and what arrived.
 */
import { assertFinite } from '@diffmac/base';
import { SchedulerError } from './errors';

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  if (Array.isArray(value)) return `Array(${value.length})`;
  if (typeof value === 'number') return String(value);
  return typeof value;
}

/**
 * Check that `value` is a Float32Array of finite values (and of `length` values when given).
 *
 * @example
 * checkTensor('sample', sample, modelOutput.length);
 */
export function checkTensor(argument: string, value: unknown, length?: number): asserts value is Float32Array {
  if (!(value instanceof Float32Array)) {
    throw new SchedulerError('INVALID_ARGUMENT', `Expected a Float32Array for ${argument}, received ${describe(value)}`, { argument, expected: 'a Float32Array', received: describe(value) });
  }
  if (length !== undefined && value.length !== length) {
    throw new SchedulerError('LENGTH_MISMATCH', `Expected ${length} values for ${argument}, received ${value.length}`, { argument, expected: `${length} values`, received: `${value.length} values` });
  }
  assertFinite(value, argument, SchedulerError);
}

/**
 * Check type and length of a tensor argument without scanning its values (the step kernels probe
 * finiteness while they compute; see `throwIfNotFinite`).
 *
 * @example
 * checkTensorShape('modelOutput', modelOutput, sample.length);
 */
export function checkTensorShape(argument: string, value: unknown, length?: number): asserts value is Float32Array {
  if (!(value instanceof Float32Array)) {
    throw new SchedulerError('INVALID_ARGUMENT', `Expected a Float32Array for ${argument}, received ${describe(value)}`, { argument, expected: 'a Float32Array', received: describe(value) });
  }
  if (length !== undefined && value.length !== length) {
    throw new SchedulerError('LENGTH_MISMATCH', `Expected ${length} values for ${argument}, received ${value.length}`, { argument, expected: `${length} values`, received: `${value.length} values` });
  }
}

/**
 * A finiteness probe of two arrays in one pass: 0 when every value is finite, NaN otherwise.
 *
 * @example
 * if (finiteProbe(modelOutput, sample) !== 0) throwIfNotFinite(NaN, { sample, modelOutput });
 */
export function finiteProbe(a: Float32Array, b: Float32Array): number {
  let probe = 0;
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const u = a[i] as number;
    const v = b[i] as number;
    probe += u - u + (v - v);
  }
  return probe;
}

/**
 * After a kernel returned a finiteness probe: when it is not 0, find the first non-finite value
 * of the named arrays and throw the `NON_FINITE` error naming it.
 *
 * @example
 * throwIfNotFinite(probe, { sample, modelOutput });
 */
export function throwIfNotFinite(probe: number, arrays: Readonly<Record<string, Float32Array>>): void {
  if (probe === 0) return;
  for (const [argument, value] of Object.entries(arrays)) checkTensor(argument, value);
}

/**
 * Check that `value` is a finite number.
 *
 * @example
 * checkFiniteNumber('t', t);
 */
export function checkFiniteNumber(argument: string, value: unknown): asserts value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) {
    throw new SchedulerError('INVALID_ARGUMENT', `Expected a finite number for ${argument}, received ${describe(value)}`, { argument, expected: 'a finite number', received: describe(value) });
  }
}

/**
 * Check an `eta`-like option: a finite number >= 0 (or undefined).
 *
 * @example
 * checkNonNegative('options.eta', options.eta);
 */
export function checkNonNegative(argument: string, value: unknown): void {
  if (value === undefined) return;
  if (typeof value !== 'number' || !Number.isFinite(value) || value < 0) {
    throw new SchedulerError('INVALID_ARGUMENT', `Expected a finite number >= 0 for ${argument}, received ${describe(value)}`, { argument, expected: 'a finite number >= 0', received: describe(value) });
  }
}

/**
 * Throw the error for a step that needs noise but got no `rng`.
 *
 * @example
 * if (!options.rng) throw missingRng('EulerAncestralDiscreteScheduler');
 */
export function missingRng(className: string): SchedulerError {
  return new SchedulerError('MISSING_RNG', `${className}.step draws noise: pass options.rng ({ normal(out: Float32Array): void }), e.g. createRng(seed)`, {
    argument: 'options.rng',
    expected: 'a NoiseSource { normal(out) }',
    received: 'undefined',
  });
}

/**
 * Throw the error for calls before `setTimesteps`.
 *
 * @example
 * if (this.numInferenceSteps === undefined) throw notReady('DDIMScheduler', 'step');
 */
export function notReady(className: string, method: string): SchedulerError {
  return new SchedulerError('NOT_READY', `${className}.${method} needs setTimesteps(numInferenceSteps) first`, {
    argument: 'numInferenceSteps',
    expected: 'setTimesteps() called before',
    received: 'undefined',
  });
}

/**
 * The index of the schedule timestep `t` rounds to when it is not bit-equal to any: the timesteps
 * within `TIMESTEP_MATCH_TOLERANCE` (relative, 16 float32 ulps at 1000) of `t`, the second of a
 * duplicated pair as diffusers' `index_for_timestep` takes, or -1 when none or two different
 * values are that close.
 *
 * @example
 * nearTimestep([999, 904.779296875, 904.779296875], 904.7792358398438); // 2
 */
export function nearTimestep(timesteps: ArrayLike<number>, t: number): number {
  const tol = TIMESTEP_MATCH_TOLERANCE * Math.max(1, Math.abs(t));
  let first = -1;
  let value = Number.NaN;
  for (let i = 0; i < timesteps.length; i++) {
    const v = timesteps[i] as number;
    if (Math.abs(v - t) > tol) continue;
    if (first < 0) {
      first = i;
      value = v;
    } else if (v !== value) return -1;
    else return i;
  }
  return first;
}

/** Relative distance within which a given `t` is read as a fractional schedule timestep (1e-6: 16 float32 ulps at 1000). */
export const TIMESTEP_MATCH_TOLERANCE = 1e-6;

/**
 * Index of timestep `t` in `timesteps`, diffusers style: the first match, or the second when the
 * value is duplicated (`pos = 1 if len(indices) > 1 else 0`). A fractional `t` that differs from a
 * schedule value only in its last float32 bits (diffusers' own `t` on another machine) matches it
 * ({@link nearTimestep}). Throws a SchedulerError listing the schedule when `t` is not in it.
 *
 * @example
 * timestepIndex([999, 888, 888, 777], 888); // 2
 */
export function timestepIndex(timesteps: ArrayLike<number>, t: number, argument = 't'): number {
  checkFiniteNumber(argument, t);
  let first = -1;
  for (let i = 0; i < timesteps.length; i++) {
    if (timesteps[i] === t || Math.fround(timesteps[i] as number) === Math.fround(t)) {
      if (first >= 0) return i;
      first = i;
    }
  }
  if (first >= 0) return first;
  // A fractional timestep computed elsewhere (diffusers' own `t`) can differ from ours in its last
  // float32 bits: NumPy's and torch's SIMD float32 log/exp are not correctly rounded, and their
  // results vary by machine. Accept the one schedule value within that rounding noise.
  const near = nearTimestep(timesteps, t);
  if (near >= 0) return near;
  const list = Array.from(timesteps).slice(0, 8).join(', ') + (timesteps.length > 8 ? ', ...' : '');
  throw new SchedulerError('INVALID_TIMESTEP', `Expected one of the scheduler's timesteps [${list}] for ${argument}, received ${t}`, {
    argument,
    expected: `one of [${list}]`,
    received: String(t),
  });
}
