import { expect, it } from 'vitest';
import { MibError } from '../src/index';

it('MibError carries a code, the argument, what was expected and what arrived', () => {
  const e = new MibError('INVALID_ARGUMENT', 'Expected a number for x, received "a"', { argument: 'x', expected: 'a number', received: '"a"' });
  expect(e).toBeInstanceOf(Error);
  expect(e.name).toBe('MibError');
  expect([e.code, e.argument, e.expected, e.received]).toEqual(['INVALID_ARGUMENT', 'x', 'a number', '"a"']);
});
