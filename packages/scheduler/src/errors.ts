/**
 * Typed error of @diffmac/scheduler (this package has no dependencies, so it does not share
 * core's class; the shape is the same: `code`, `argument`, `expected`, `received`).
 *
 * @example
 * try { createScheduler('Nope', {}); } catch (e) { if (e instanceof SchedulerError) e.code; // 'UNKNOWN_SCHEDULER'
 * }
 */
export class SchedulerError extends Error {
  readonly code: string;
  readonly argument: string | undefined;
  readonly expected: string | undefined;
  readonly received: string | undefined;

  constructor(code: string, message: string, details: { argument?: string; expected?: string; received?: string } = {}) {
    super(message);
    this.name = 'SchedulerError';
    this.code = code;
    this.argument = details.argument;
    this.expected = details.expected;
    this.received = details.received;
  }
}
