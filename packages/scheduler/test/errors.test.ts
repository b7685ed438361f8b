import { expect, it } from 'vitest';
import { SchedulerError } from '../src/index';

it('SchedulerError carries a code, the argument, what was expected and what arrived', () => {
  const e = new SchedulerError('INVALID_ARGUMENT', 'Expected a number for x, received "a"', { argument: 'x', expected: 'a number', received: '"a"' });
  expect(e).toBeInstanceOf(Error);
  expect(e.name).toBe('SchedulerError');
  expect([e.code, e.argument, e.expected, e.received]).toEqual(['INVALID_ARGUMENT', 'x', 'a number', '"a"']);
});
