/**
 * The portable generator's batched normal(out) must give exactly the stream that drawing
 * normalScalar() one value at a time gives (the stream recorded runs were made with), for float32
 * and float64 outputs, any length, and across calls (the spare value of an odd fill carries over).
 */
import { describe, expect, it } from 'vitest';
import { createRng } from '../src/random/rng';

/** The bytes of consecutive fills of the given lengths, one value at a time or batched. */
function fill(seed: number, lengths: number[], type: 'f32' | 'f64', batched: boolean): Buffer {
  const rng = createRng(seed);
  const parts: Buffer[] = [];
  for (const n of lengths) {
    const out = type === 'f32' ? new Float32Array(n) : new Float64Array(n);
    if (batched) rng.normal(out);
    else for (let i = 0; i < n; i++) out[i] = rng.normalScalar();
    parts.push(Buffer.from(out.buffer));
  }
  return Buffer.concat(parts);
}

function expectSameStream(seed: number, lengths: number[], type: 'f32' | 'f64'): void {
  const a = fill(seed, lengths, type, true);
  const b = fill(seed, lengths, type, false);
  expect(a.length).toBe(b.length);
  expect(a.equals(b)).toBe(true);
}

describe('createRng().normal(out) is the normalScalar() stream', () => {
  it.each([0, 1, 42, 2 ** 31, 123456789])('seed %s, float32, odd and even lengths', (seed) => {
    const lengths = [1, 2, 3, 16, 17, 4096, 5, 0, 16384];
    expectSameStream(seed, lengths, 'f32');
  });

  it.each([0, 7])('seed %s, float64', (seed) => {
    const lengths = [3, 1000, 1, 64];
    expectSameStream(seed, lengths, 'f64');
  });

  it('agrees on two million float32 values (the fast path falls back where rounding is close)', () => {
    const lengths = Array.from({ length: 32 }, (_, i) => 65536 + i);
    expectSameStream(99, lengths, 'f32');
  });
});
