import { describe, expect, it } from 'vitest';
import {
  alphaCumprodForRate,
  alphasCumprodFromBetas,
  betaSchedule,
  createGaussianChannel,
  gaussianChannelCapacity,
  gaussianChannelRate,
  MibError,
  stableDiffusionAlphasCumprod,
  timestepForRate,
} from '../src/index';
import { asyncCodeOf, codeOf, errorOf, goldenAlphas, tensor, testNormals } from './helpers';

describe('Gaussian channel capacity', () => {
  it('is ½·log2(1 + snr), exact at simple points and tiny SNRs', () => {
    expect(gaussianChannelCapacity(0)).toBe(0);
    expect(gaussianChannelCapacity(3)).toBeCloseTo(1, 15);
    expect(gaussianChannelCapacity(15)).toBeCloseTo(2, 15);
    // For tiny snr, ½·log2(1 + snr) ≈ snr / (2 ln 2) − snr² / (4 ln 2); the naive log2(1 + snr) would lose ~4 digits.
    const snr = 1e-12;
    const series = (snr - (snr * snr) / 2) / (2 * Math.LN2);
    expect(Math.abs(gaussianChannelCapacity(snr) - series) / series).toBeLessThan(1e-15);
  });

  it('the diffusion channel rate is ½·log2(1 + ᾱσ²/(1−ᾱ)) and inverts', () => {
    expect(gaussianChannelRate(0.75)).toBeCloseTo(1, 14); // snr 3
    expect(gaussianChannelRate(0.5, 3)).toBeCloseTo(1, 14);
    expect(gaussianChannelRate(0)).toBe(0);
    expect(gaussianChannelRate(1)).toBe(Infinity);
    for (const a of [0.999, 0.9, 0.5, 0.1, 1e-4]) {
      for (const v of [0.25, 1, 4]) {
        const r = gaussianChannelRate(a, v);
        expect(r).toBeCloseTo(0.5 * Math.log2(1 + (a * v) / (1 - a)), 12);
        expect(alphaCumprodForRate(r, v)).toBeCloseTo(a, 12);
      }
    }
    expect(codeOf(() => gaussianChannelRate(1.5))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => gaussianChannelRate(0.5, 0))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => alphaCumprodForRate(-1))).toBe('INVALID_ARGUMENT');
  });
});

describe('noise schedules as data', () => {
  it('the SD 2.1 helper matches diffusers’ ᾱ (golden, float32) to float32 precision', () => {
    const golden = goldenAlphas('scaled_linear_0.00085_0.012_T1000');
    const mine = stableDiffusionAlphasCumprod();
    expect(mine.length).toBe(1000);
    let worst = 0;
    for (let t = 0; t < 1000; t++) worst = Math.max(worst, Math.abs((mine[t] as number) - (golden.alphasCumprod[t] as number)) / (golden.alphasCumprod[t] as number));
    expect(worst).toBeLessThan(2e-6);
    // And the cumprod convention is torch's: diffusers forms 1 − β in float32, torch multiplies in float64 and
    // rounds each ᾱ once. Feeding the helper those float32 factors reproduces the golden file bit for bit.
    const float32Factors = Array.from(golden.betas, (b) => 1 - Math.fround(1 - b));
    const fromGoldenBetas = Float32Array.from(alphasCumprodFromBetas(float32Factors));
    expect(Array.from(fromGoldenBetas)).toEqual(Array.from(golden.alphasCumprod));
  });

  it('linear and squaredcos_cap_v2 betas match the golden files', () => {
    for (const [key, options] of [
      ['linear_0.0001_0.02_T1000', { schedule: 'linear', betaStart: 0.0001, betaEnd: 0.02 }],
      ['linear_0.00085_0.012_T1000', { schedule: 'linear', betaStart: 0.00085, betaEnd: 0.012 }],
      ['squaredcos_cap_v2_T1000', { schedule: 'squaredcos_cap_v2' }],
    ] as const) {
      const golden = goldenAlphas(key);
      const betas = betaSchedule(options);
      for (let t = 0; t < 1000; t++) expect(Math.abs((betas[t] as number) - (golden.betas[t] as number)) / (golden.betas[t] as number)).toBeLessThan(1e-6);
    }
    expect(codeOf(() => betaSchedule({ schedule: 'cosine' as never }))).toBe('UNKNOWN_SCHEDULE');
    expect(codeOf(() => betaSchedule({ numTrainTimesteps: 1 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => alphasCumprodFromBetas([0.1, 2]))).toBe('INVALID_SCHEDULE');
  });
});

describe('createGaussianChannel on the Stable Diffusion 2.1 schedule', () => {
  const golden = goldenAlphas('scaled_linear_0.00085_0.012_T1000');
  const sd = stableDiffusionAlphasCumprod();

  it('rate at every timestep matches the closed form −½·log2(1 − ᾱ_t) (unit-variance input)', () => {
    const channel = createGaussianChannel({ alphasCumprod: sd });
    // Independent closed form of the scaled_linear schedule: ᾱ_t = ∏ (1 − (√b0 + s(√b1 − √b0)/999)²).
    let logAlpha = 0;
    for (let t = 0; t < 1000; t++) {
      const s = Math.sqrt(0.00085) + (t * (Math.sqrt(0.012) - Math.sqrt(0.00085))) / 999;
      logAlpha += Math.log1p(-s * s);
      const closed = -0.5 * Math.log2(-Math.expm1(logAlpha));
      expect(Math.abs(channel.rateAt(t) - closed) / closed).toBeLessThan(1e-10);
      // And against diffusers' float32 ᾱ: within what float32 rounding of ᾱ allows.
      const fromGolden = -0.5 * Math.log2(1 - (golden.alphasCumprod[t] as number));
      expect(Math.abs(channel.rateAt(t) - fromGolden) / fromGolden).toBeLessThan(1e-5);
    }
    expect(channel.rateAt(0)).toBeCloseTo(-0.5 * Math.log2(0.00085), 9);
    const range = channel.rateRange();
    expect(range.maxBitsPerElement).toBe(channel.rateAt(0));
    expect(range.minBitsPerElement).toBe(channel.rateAt(999));
  });

  it('the rate scales with the input variance as the capacity formula says', () => {
    const ch = createGaussianChannel({ alphasCumprod: sd, signalVariance: 0.25 });
    for (const t of [0, 100, 500, 999]) {
      const a = sd[t] as number;
      expect(ch.rateAt(t)).toBeCloseTo(0.5 * Math.log2(1 + (0.25 * a) / (1 - a)), 12);
    }
  });

  it('solves the timestep for a target rate with each rounding, and reports the achieved rate', () => {
    const ch = createGaussianChannel({ alphasCumprod: sd });
    const { minBitsPerElement: lo, maxBitsPerElement: hi } = ch.rateRange();
    for (let k = 0; k <= 40; k++) {
      const target = lo + ((hi - lo) * k) / 40;
      const atMost = ch.timestepForRate(target, 'at-most');
      const atLeast = ch.timestepForRate(target, 'at-least');
      const nearest = ch.timestepForRate(target, 'nearest');
      expect(atMost.bitsPerElement).toBeLessThanOrEqual(target);
      if (atMost.timestep > 0) expect(ch.rateAt(atMost.timestep - 1)).toBeGreaterThan(target);
      expect(atLeast.bitsPerElement).toBeGreaterThanOrEqual(target);
      if (atLeast.timestep < 999) expect(ch.rateAt(atLeast.timestep + 1)).toBeLessThan(target);
      expect([atMost.timestep, atLeast.timestep]).toContain(nearest.timestep);
      const other = nearest.timestep === atMost.timestep ? atLeast : atMost;
      expect(Math.abs(nearest.bitsPerElement - target)).toBeLessThanOrEqual(Math.abs(other.bitsPerElement - target));
      expect(nearest.alphaCumprod).toBe(sd[nearest.timestep]);
      expect(nearest.targetBitsPerElement).toBe(target);
      // The fractional timestep lies between the two bracketing steps.
      expect(nearest.fractionalTimestep).toBeGreaterThanOrEqual(atLeast.timestep);
      expect(nearest.fractionalTimestep).toBeLessThanOrEqual(atMost.timestep);
    }
    // Exactly on a timestep's rate: every rounding lands on it.
    for (const t of [0, 1, 37, 500, 999]) {
      for (const r of ['at-most', 'at-least', 'nearest'] as const) expect(ch.timestepForRate(ch.rateAt(t), r).timestep).toBe(t);
    }
    // The standalone solver agrees.
    expect(timestepForRate(sd, 0.5).timestep).toBe(ch.timestepForRate(0.5).timestep);
  });

  it('a target the schedule cannot reach is a typed error naming the reachable range', () => {
    const ch = createGaussianChannel({ alphasCumprod: sd });
    const e = errorOf(() => ch.timestepForRate(6));
    expect(e).toBeInstanceOf(MibError);
    expect(e.code).toBe('RATE_OUT_OF_RANGE');
    expect(e.expected).toContain(String(ch.rateAt(0)));
    expect(codeOf(() => ch.timestepForRate(ch.rateAt(999) / 2))).toBe('RATE_OUT_OF_RANGE');
    expect(codeOf(() => ch.timestepForRate(Number.NaN))).toBe('RATE_OUT_OF_RANGE');
    expect(codeOf(() => createGaussianChannel({ alphasCumprod: sd, targetBitsPerElement: 10 }))).toBe('RATE_OUT_OF_RANGE');
    // A zero-terminal-SNR schedule reaches 0 bits.
    const zero = createGaussianChannel({ alphasCumprod: goldenAlphas('scaled_linear_0.00085_0.012_T1000_zerosnr').alphasCumprod });
    expect(zero.timestepForRate(0).timestep).toBe(999);
  });

  it('rejects bad schedules and options with typed errors', () => {
    expect(codeOf(() => createGaussianChannel({ alphasCumprod: [] }))).toBe('INVALID_SCHEDULE');
    expect(codeOf(() => createGaussianChannel({ alphasCumprod: [0.9, 0.95] }))).toBe('INVALID_SCHEDULE');
    expect(codeOf(() => createGaussianChannel({ alphasCumprod: [1, 0.5] }))).toBe('INVALID_SCHEDULE');
    expect(codeOf(() => createGaussianChannel({ alphasCumprod: [0.9, Number.NaN] }))).toBe('INVALID_SCHEDULE');
    expect(codeOf(() => createGaussianChannel({ alphasCumprod: sd, timestep: 1000 }))).toBe('TIMESTEP_OUT_OF_RANGE');
    expect(codeOf(() => createGaussianChannel({ alphasCumprod: sd, timestep: 1.5 }))).toBe('TIMESTEP_OUT_OF_RANGE');
    expect(codeOf(() => createGaussianChannel({ alphasCumprod: sd, timestep: 3, targetBitsPerElement: 1 }))).toBe('CONFLICTING_OPTIONS');
    expect(codeOf(() => createGaussianChannel({ alphasCumprod: sd, rounding: 'up' as never }))).toBe('INVALID_ARGUMENT');
  });

  it('compress diffuses x0 to x_t = √ᾱ·x0 + √(1−ᾱ)·ε with the given noise', async () => {
    const ch = createGaussianChannel({ alphasCumprod: sd, timestep: 400 });
    const z = tensor([0.5, -1, 2, 0, 1, 1, -0.25, 3], [2, 1, 2, 2]);
    const noise = new Float32Array([1, -1, 0.5, 2, 0, -0.5, 1.5, -2]);
    const before = Array.from(z.data);
    const out = await ch.compress(z, { noise });
    const a = sd[400] as number;
    expect(out.kind).toBe('gaussian-channel');
    expect(out.timestep).toBe(400);
    expect(out.alphaCumprod).toBe(a);
    expect(out.z.shape).toEqual([2, 1, 2, 2]);
    for (let i = 0; i < 8; i++) expect(out.z.data[i]).toBeCloseTo(Math.sqrt(a) * (z.data[i] as number) + Math.sqrt(1 - a) * (noise[i] as number), 6);
    expect(Array.from(z.data)).toEqual(before);
    const perElement = -0.5 * Math.log2(1 - a);
    expect(out.rateBitsPerElement).toBeCloseTo(perElement, 12);
    expect(out.rateBits).toBeCloseTo(perElement * 8, 11);
    expect(Array.from(out.rateBitsPerImage).map((b) => b / 4)).toEqual([expect.closeTo(perElement, 12), expect.closeTo(perElement, 12)]);
    expect(out.sampledBitsPerElement).toBeCloseTo(perElement, 12);
  });

  it('compress to a target rate (per element or per image), deterministic mode and temperature', async () => {
    const ch = createGaussianChannel({ alphasCumprod: sd });
    const z = tensor([1, 2, 3, 4], [1, 4]);
    const rng = testNormals(7);
    const out = await ch.compress(z, { rng, targetBitsPerElement: 0.5 });
    expect(out.solved?.timestep).toBe(out.timestep);
    expect(out.timestep).toBe(ch.timestepForRate(0.5).timestep);
    expect(Math.abs(out.rateBitsPerElement - 0.5)).toBeLessThan(0.01);
    expect(rng.calls).toBe(1);
    const perImage = await ch.compress(z, { rng, targetBitsPerImage: 2 });
    expect(perImage.timestep).toBe(out.timestep); // 2 bits over 4 elements = 0.5 per element
    const det = await ch.compress(z, { deterministic: true, timestep: 100 });
    const a = sd[100] as number;
    expect(Array.from(det.z.data)).toEqual(Array.from(z.data, (v) => Math.fround(Math.sqrt(a) * v)));
    expect(det.sampledBitsPerElement).toBe(Infinity);
    expect(det.temperature).toBe(0);
    const noise = new Float32Array([1, 1, 1, 1]);
    const hot = await ch.compress(z, { noise, timestep: 100, temperature: 0.5 });
    expect(hot.z.data[0]).toBeCloseTo(Math.sqrt(a) + 0.5 * Math.sqrt(1 - a), 6);
    expect(hot.sampledBitsPerElement).toBeCloseTo(0.5 * Math.log2(1 + a / (0.25 * (1 - a))), 10);
    expect(hot.rateBitsPerElement).toBeCloseTo(ch.rateAt(100), 12);
  });

  it('compress rejects bad input with typed errors', async () => {
    const ch = createGaussianChannel({ alphasCumprod: sd });
    const z = tensor([1, 2, 3, 4], [1, 4]);
    const rng = testNormals(1);
    expect(await asyncCodeOf(() => ch.compress(z, { rng }))).toBe('OPERATING_POINT_REQUIRED');
    expect(await asyncCodeOf(() => ch.compress(z, { timestep: 10 }))).toBe('RNG_REQUIRED');
    expect(await asyncCodeOf(() => ch.compress(z, { rng, timestep: 10, targetBitsPerElement: 1 }))).toBe('CONFLICTING_OPTIONS');
    expect(await asyncCodeOf(() => ch.compress(z, { rng, targetBitsPerElement: 7 }))).toBe('RATE_OUT_OF_RANGE');
    expect(await asyncCodeOf(() => ch.compress(z, { rng, timestep: -1 }))).toBe('TIMESTEP_OUT_OF_RANGE');
    expect(await asyncCodeOf(() => ch.compress(z, { noise: new Float32Array(3), timestep: 10 }))).toBe('SHAPE_MISMATCH');
    expect(await asyncCodeOf(() => ch.compress(tensor([1, Number.POSITIVE_INFINITY], [1, 2]), { rng, timestep: 10 }))).toBe('NON_FINITE');
    expect(await asyncCodeOf(() => ch.compress(tensor([1, 2, 3], [1, 4]), { rng, timestep: 10 }))).toBe('SHAPE_MISMATCH');
    expect(await asyncCodeOf(() => ch.compress(z, { rng, timestep: 10, identity: new Float32Array(4) }))).toBe('IDENTITY_UNSUPPORTED');
    expect(await asyncCodeOf(() => ch.compress(z, { rng, timestep: 10, temperature: -1 }))).toBe('INVALID_TEMPERATURE');
    const controller = new AbortController();
    controller.abort();
    await expect(ch.compress(z, { rng, timestep: 10, signal: controller.signal })).rejects.toThrow(/abort/i);
  });

  it('round-trips through its JSON config', async () => {
    const ch = createGaussianChannel({ alphasCumprod: sd, targetBitsPerElement: 0.3, signalVariance: 2, rounding: 'at-most' });
    const config = JSON.parse(JSON.stringify(ch));
    expect(config.type).toBe('diffmac-gaussian-channel');
    expect(config.version).toBe(1);
    const back = createGaussianChannel(config);
    expect(back.toJSON()).toEqual(ch.toJSON());
    const z = tensor([0.5, 1], [1, 2]);
    expect((await back.compress(z, { deterministic: true })).timestep).toBe((await ch.compress(z, { deterministic: true })).timestep);
    expect(back.rateAt(321)).toBe(ch.rateAt(321));
    expect(codeOf(() => createGaussianChannel({ ...config, version: 2 }))).toBe('INVALID_CONFIG');
    expect(codeOf(() => createGaussianChannel({ ...config, type: 'other' }))).toBe('INVALID_CONFIG');
    expect(codeOf(() => createGaussianChannel({ alphasCumprod: sd, signalVariance: -1 }))).toBe('INVALID_ARGUMENT');
  });

  it('reports progress events and a rate table', async () => {
    const ch = createGaussianChannel({ alphasCumprod: sd, timestep: 250 });
    const events: string[] = [];
    await ch.compress(tensor([0, 0], [1, 2]), { deterministic: true, onProgress: (e) => events.push(e.type) });
    expect(events).toEqual(['compress-start', 'compress-done']);
    const table = ch.rateTable([0, 250, 999]);
    expect(table.map((r) => r.timestep)).toEqual([0, 250, 999]);
    expect(table[1]?.bitsPerElement).toBe(ch.rateAt(250));
    expect(ch.rateTable()).toHaveLength(1000);
    const copy = ch.alphasCumprod;
    copy[0] = 0;
    expect(ch.alphasCumprod[0]).toBe(sd[0]);
  });
});
