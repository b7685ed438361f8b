/**
 * The typed error every diffmac package above the leaves throws.
 *
 * Each error carries a stable `code`, and where an argument was at fault its `argument` name,
 * what was `expected` and what was `received`, so callers can branch on `code` and users read
 * one clear sentence.
 *
 * @example
 * try { await loadBundle(dir); }
 * catch (e) { if (e instanceof DiffmacError && e.code === 'BUNDLE_MISSING_FILE') console.error(e.message); }
 */
export class DiffmacError extends Error {
  readonly code: string;
  readonly argument: string | undefined;
  readonly expected: string | undefined;
  readonly received: string | undefined;

  constructor(
    code: string,
    message: string,
    details: { argument?: string; expected?: string; received?: string; cause?: unknown } = {},
  ) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'DiffmacError';
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
 * describeValue(new Float32Array(4)); // 'Float32Array(4)'
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
 * Throw a {@link DiffmacError} for argument `argument` that should have been `expected`.
 *
 * @example
 * if (!(steps > 0)) invalidArgument('steps', 'a positive integer', steps);
 */
export function invalidArgument(argument: string, expected: string, value: unknown, code = 'INVALID_ARGUMENT'): never {
  const received = describeValue(value);
  throw new DiffmacError(code, `Expected ${expected} for ${argument}, received ${received}`, { argument, expected, received });
}
