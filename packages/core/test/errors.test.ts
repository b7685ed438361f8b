import { describe, expect, it } from 'vitest';
import { DiffmacError, describeValue, invalidArgument } from '../src/index';

describe('DiffmacError', () => {
  it('names the argument, what was expected and what arrived', () => {
    let caught: unknown;
    try {
      invalidArgument('steps', 'a positive integer', -3);
    } catch (e) {
      caught = e;
    }
    expect(caught).toBeInstanceOf(DiffmacError);
    const e = caught as DiffmacError;
    expect(e.code).toBe('INVALID_ARGUMENT');
    expect(e.argument).toBe('steps');
    expect(e.expected).toBe('a positive integer');
    expect(e.received).toBe('-3');
    expect(e.message).toBe('Expected a positive integer for steps, received -3');
  });

  it('describes values briefly', () => {
    expect(describeValue(Number.NaN)).toBe('NaN');
    expect(describeValue(new Float32Array(4))).toBe('Float32Array(4)');
    expect(describeValue([1, 2])).toBe('array(2)');
    expect(describeValue('x'.repeat(100))).toHaveLength(62);
  });
});
