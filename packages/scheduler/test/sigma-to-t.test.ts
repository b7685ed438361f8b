import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { interpolateSigmas, karrasSigmas, logSigmaTable, nearTimestep, sigmaTable, sigmaToT, timestepIndex } from '../src/index';
import { goldenUrl } from '../../../scripts/golden.mjs';

const file = new URL('scaled_linear_0.00085_0.012_T1000.json', goldenUrl('schedulers', 'alphas_cumprod'));
const raw = JSON.parse(fs.readFileSync(file, 'utf8')) as number[] | { alphas_cumprod: number[] };
const alphasCumprod = Float32Array.from(Array.isArray(raw) ? raw : raw.alphas_cumprod);

describe("_sigma_to_t with NumPy 1.x dtypes (diffusers' own timesteps)", () => {
  it('Heun/Euler Karras over 9 steps: t[1] is 904.7792358398438 as diffusers gives, not 904.779296875', () => {
    const table = sigmaTable(alphasCumprod);
    const logs = logSigmaTable(table);
    const ts = new Float64Array(9).map((_, i) => Math.fround(999 - (999 * i) / 8));
    const base = interpolateSigmas(ts, table);
    const ks = karrasSigmas(base[8] as number, base[0] as number, 9);
    // Recomputed independently with numpy 1.24 and torch 1.13 from the same alphas_cumprod file.
    expect(Math.fround(sigmaToT(ks[1] as number, logs))).toBe(904.7792358398438);
    expect(Math.fround(sigmaToT(ks[0] as number, logs))).toBe(999);
  });

  it('a t that differs in its last float32 bits finds its schedule entry; a far one is refused', () => {
    expect(nearTimestep([999, 904.779296875, 904.779296875, 785.95], 904.7792358398438)).toBe(2);
    expect(timestepIndex([999, 904.779296875, 785.95], 904.7792358398438)).toBe(1);
    expect(() => timestepIndex([999, 904.779296875, 785.95], 904.7)).toThrow(/Expected one of the scheduler's timesteps/);
  });
});
