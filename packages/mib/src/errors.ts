import { DiffmacError, throwInvalidArgument, type DiffmacErrorCode, type DiffmacErrorDetails } from '@diffmac/base';

export { describeValue } from '@diffmac/base';

/**
 * Typed error of @diffmac/mib: a {@link DiffmacError} (from @diffmac/base) named for this package,
 * with its `code`, `argument`, `expected` and `received`.
 *
 * @example
 * try { createGaussianChannel({ alphasCumprod: [] }); } catch (e) { if (e instanceof MibError) e.code; // 'INVALID_SCHEDULE'
 * }
 */
export class MibError extends DiffmacError {
  constructor(code: DiffmacErrorCode, message: string, details: DiffmacErrorDetails = {}) {
    super(code, message, details);
    this.name = 'MibError';
  }
}

/**
 * Throw a {@link MibError} for argument `argument` that should have been `expected`.
 *
 * @example
 * if (!(t >= 0)) invalidArgument('timestep', 'an integer in [0, 999]', t, 'TIMESTEP_OUT_OF_RANGE');
 */
export function invalidArgument(argument: string, expected: string, value: unknown, code: DiffmacErrorCode = 'INVALID_ARGUMENT'): never {
  throwInvalidArgument(MibError, argument, expected, value, code);
}
