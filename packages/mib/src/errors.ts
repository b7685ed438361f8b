/**
 * Typed error of @diffmac/mib (this package has no dependencies, so it does not share
 * core's class; the shape is the same: `code`, `argument`, `expected`, `received`).
 *
 * @example
 * try { gaussianChannel({ alphasCumprod: [] }); } catch (e) { if (e instanceof MibError) e.code; // 'INVALID_ARGUMENT'
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
