/**
 * Typed error of @diffmac/mib (this package has no dependencies, so it does not share
 * core's class; the shape is the same: `code`, `argument`, `expected`, `received`).
 *
 * @example
 * try { createGaussianChannel({ alphasCumprod: [] }); } catch (e) { if (e instanceof MibError) e.code; // 'INVALID_SCHEDULE'
 * }
 */
export class MibError extends Error {
  readonly code: string;
  readonly argument: string | undefined;
  readonly expected: string | undefined;
  readonly received: string | undefined;

  constructor(code: string, message: string, details: { argument?: string; expected?: string; received?: string } = {}) {
    super(message);
    this.name = 'MibError';
    this.code = code;
    this.argument = details.argument;
    this.expected = details.expected;
    this.received = details.received;
  }
}

/**
 * Short, printable description of any value for "expected X, received Y" messages.
 *
 * @example
 * describeValue(new Float32Array(3)); // 'Float32Array(3)'
 */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (typeof value === 'number') return Number.isNaN(value) ? 'NaN' : String(value);
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 57)}...` : value);
  if (ArrayBuffer.isView(value)) return `${value.constructor.name}(${(value as unknown as ArrayLike<number>).length})`;
  if (Array.isArray(value)) return `array(${value.length})`;
  return typeof value === 'object' ? (value.constructor?.name ?? 'object') : typeof value;
}

/**
 * Throw a {@link MibError} for argument `argument` that should have been `expected`.
 *
 * @example
 * if (!(t >= 0)) invalidArgument('timestep', 'an integer in [0, 999]', t, 'TIMESTEP_OUT_OF_RANGE');
 */
export function invalidArgument(argument: string, expected: string, value: unknown, code = 'INVALID_ARGUMENT'): never {
  const received = describeValue(value);
  throw new MibError(code, `Expected ${expected} for ${argument}, received ${received}`, { argument, expected, received });
}
