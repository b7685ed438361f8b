import { DiffmacError, type DiffmacErrorCode, type DiffmacErrorDetails } from '@diffmac/base';

/**
 * Typed error of @diffmac/scheduler: a {@link DiffmacError} (from @diffmac/base) named for this
 * package, with its `code`, `argument`, `expected` and `received`.
 *
 * @example
 * try { createScheduler('Nope', {}); } catch (e) { if (e instanceof SchedulerError) e.code; // 'UNKNOWN_SCHEDULER'
 * }
 */
export class SchedulerError extends DiffmacError {
  constructor(code: DiffmacErrorCode, message: string, details: DiffmacErrorDetails = {}) {
    super(code, message, details);
    this.name = 'SchedulerError';
  }
}
