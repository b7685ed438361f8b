import type { CompressContext } from './bottleneck';
import { invalidArgument, MibError } from './errors';
import { assertFinite } from './tensor';

/** The temperature a call runs at: 0 when deterministic, else `ctx.temperature` (default 1) after validation. */
export function resolveTemperature(ctx: CompressContext): number {
  if (ctx.deterministic !== undefined && typeof ctx.deterministic !== 'boolean') {
    invalidArgument('ctx.deterministic', 'a boolean', ctx.deterministic);
  }
  const t = ctx.temperature ?? 1;
  if (!(typeof t === 'number' && Number.isFinite(t) && t >= 0)) invalidArgument('ctx.temperature', 'a finite number ≥ 0', t, 'INVALID_TEMPERATURE');
  return ctx.deterministic ? 0 : t;
}

/**
 * Standard-normal noise of `length` values for one call: `ctx.noise` (checked, not copied, never
 * written) or fresh values from `ctx.rng`. Returns `undefined` when `temperature` is 0.
 *
 * @example
 * drawNoise({ noise: new Float32Array(4) }, 4, 1); // the given array
 */
export function drawNoise(ctx: CompressContext, length: number, temperature: number): Float32Array | undefined {
  if (temperature === 0) return undefined;
  if (ctx.noise !== undefined) {
    if (!(ctx.noise instanceof Float32Array)) invalidArgument('ctx.noise', 'a Float32Array', ctx.noise);
    if (ctx.noise.length !== length) {
      throw new MibError('SHAPE_MISMATCH', `Expected ${length} values in ctx.noise, received ${ctx.noise.length}`, {
        argument: 'ctx.noise',
        expected: `${length} values`,
        received: `${ctx.noise.length} values`,
      });
    }
    assertFinite(ctx.noise, 'ctx.noise');
    return ctx.noise;
  }
  if (ctx.rng === undefined || typeof ctx.rng.normal !== 'function') {
    throw new MibError('RNG_REQUIRED', 'Expected ctx.rng ({ normal(out) }) or ctx.noise for a stochastic compress, received neither (pass deterministic: true for the mean)', {
      argument: 'ctx.rng',
      expected: '{ normal(out: Float32Array): void }',
      received: 'undefined',
    });
  }
  const out = new Float32Array(length);
  ctx.rng.normal(out);
  assertFinite(out, 'ctx.rng output');
  return out;
}
