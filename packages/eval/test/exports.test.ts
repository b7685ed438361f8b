import { DiffmacError as CoreError } from '@diffmac/base';
import { expect, it } from 'vitest';
import { DiffmacError } from '../src/index';

it('shares core typed error class, so one instanceof check covers every package', () => {
  expect(DiffmacError).toBe(CoreError);
});
