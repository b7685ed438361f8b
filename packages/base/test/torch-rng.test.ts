/**
 * createRng(seed, { kind: 'torch' }) against torch itself: the fixture holds torch.randn / torch.rand
 * outputs made with Debian's python3-torch 1.13 on an AVX2 CPU (test/fixtures/torch-randn-fixture.py).
 * float32 tensors of 16 or more values must match bit for bit (sha256 of the bytes); float64 ones go
 * through libm's log/sin/cos in torch and V8's here, which may differ in the last bits.
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createRng } from '../src/random/rng';

interface Call {
  first: number[];
  sha256?: string;
  values?: number[];
}
interface RandnCase {
  seed: number;
  shape: number[];
  dtype: 'float32' | 'float64';
  calls: Call[];
}
interface Rand64Case {
  seed: number;
  kind: 'rand64';
  values: number[];
}

const fixture = JSON.parse(readFileSync(new URL('./fixtures/torch-randn.json', import.meta.url), 'utf8')) as { cases: (RandnCase | Rand64Case)[] };
const randnCases = fixture.cases.filter((c): c is RandnCase => !('kind' in c));
const randCases = fixture.cases.filter((c): c is Rand64Case => 'kind' in c);

function sha256(a: Float32Array): string {
  return createHash('sha256').update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength)).digest('hex');
}

describe("createRng(seed, { kind: 'torch' }).normal is torch.randn", () => {
  it.each(randnCases.map((c) => [`seed ${c.seed}, [${c.shape.join(', ')}], ${c.dtype}`, c] as const))('%s, three calls in a row', (_name, c) => {
    const rng = createRng(c.seed, { kind: 'torch' });
    const n = c.shape.reduce((a, b) => a * b, 1);
    for (const call of c.calls) {
      const out = c.dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
      rng.normal(out);
      if (call.sha256 !== undefined) {
        expect(Array.from(out.subarray(0, 4))).toEqual(call.first);
        expect(sha256(out as Float32Array)).toBe(call.sha256);
      } else if (c.dtype === 'float32') {
        expect(Array.from(out.subarray(0, call.values!.length))).toEqual(call.values);
      } else {
        const want = call.values!;
        for (let i = 0; i < want.length; i++) expect(Math.abs(out[i]! - want[i]!)).toBeLessThanOrEqual(4 * Number.EPSILON * Math.max(1, Math.abs(want[i]!)));
      }
    }
  });
});

describe("createRng(seed, { kind: 'torch' }).uniform is torch.rand(dtype=float64)", () => {
  it.each(randCases.map((c) => [c.seed, c] as const))('seed %s', (_seed, c) => {
    const rng = createRng(c.seed, { kind: 'torch' });
    expect(c.values.map(() => rng.uniform())).toEqual(c.values);
  });
});

describe('the torch generator as an Rng', () => {
  it('is reproducible, and different seeds give different streams', () => {
    const a = new Float32Array(100);
    const b = new Float32Array(100);
    createRng(7, { kind: 'torch' }).normal(a);
    createRng(7, { kind: 'torch' }).normal(b);
    expect(b).toEqual(a);
    createRng(8, { kind: 'torch' }).normal(b);
    expect(b).not.toEqual(a);
  });

  it('forks reproducibly without advancing the parent', () => {
    const parent = createRng(3, { kind: 'torch' });
    const x = parent.fork('stage2').uniform();
    expect(createRng(3, { kind: 'torch' }).fork('stage2').uniform()).toBe(x);
    expect(parent.uniform()).toBe(createRng(3, { kind: 'torch' }).uniform());
  });

  it('refuses an unknown kind and a seed torch cannot take', () => {
    expect(() => createRng(1, { kind: 'numpy' as 'torch' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => createRng(-1, { kind: 'torch' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => createRng('text', { kind: 'torch' })).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
