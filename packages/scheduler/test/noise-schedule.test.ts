/**
 * The foundation against diffusers' own numbers: betas and alphas_cumprod for every beta config of
 * the golden data, the timestep spacings PORTING.md spells out, and the sigma helpers.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { goldenUrl } from '../../../scripts/golden.mjs';
import {
  discreteTimesteps,
  finalSigma,
  interpolateSigmas,
  karrasSigmas,
  logSigmaTable,
  multistepTimesteps,
  noiseScheduleForConfig,
  npInterp,
  resolveConfig,
  roundHalfEven,
  sigmaFamilyTimesteps,
  sigmaTable,
  sigmaToT,
} from '../src/index';

const dir = goldenUrl('schedulers', 'alphas_cumprod');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json'));

describe('noise schedule', () => {
  it('covers every beta config of the golden data', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
  });

  it.each(files)('%s: alphas_cumprod and betas match diffusers (float32)', (file) => {
    const data = JSON.parse(fs.readFileSync(new URL(file, dir), 'utf8')) as { beta_config: Record<string, unknown>; betas: number[]; alphas_cumprod: number[] };
    const { betas, alphasCumprod } = noiseScheduleForConfig(resolveConfig('DDIMScheduler', data.beta_config));
    const rel = (a: ArrayLike<number>, b: number[]) => Math.max(...b.map((w, i) => Math.abs((a[i] as number) - Math.fround(w)) / Math.max(Math.abs(w), 1e-30)));
    // zero-SNR betas are 1 - ᾱ[i]/ᾱ[i-1]: a last-bit difference of ᾱ (torch's float32 linspace is not
    // reproducible bit for bit) grows by the cancellation to ~1e-4 relative on betas of ~0.004
    expect(rel(betas, data.betas)).toBeLessThan(data.beta_config.rescale_betas_zero_snr ? 2e-4 : 1e-6);
    // under zero SNR the tail of ᾱ falls to 1e-7 and inherits the same last-bit differences (≤ 1e-5 relative)
    const acTol = data.beta_config.rescale_betas_zero_snr ? 1e-5 : 1e-6;
    const acOk = data.alphas_cumprod.every((w, i) => Math.abs((alphasCumprod[i] as number) - Math.fround(w)) <= acTol * Math.abs(w) + 1e-12);
    expect(acOk).toBe(true);
    if (data.beta_config.rescale_betas_zero_snr) expect(alphasCumprod[999]).toBe(0);
  });

  it('the zero-SNR floor used by Euler and DPM-Solver is 2^-24', () => {
    const cfg = resolveConfig('EulerDiscreteScheduler', { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, rescale_betas_zero_snr: true });
    const ac = noiseScheduleForConfig(cfg, { zeroSnrFloor: true }).alphasCumprod;
    expect(ac[999]).toBe(2 ** -24);
    expect(sigmaTable(ac)[999]).toBeCloseTo(4095.9998, 3);
  });
});

describe('timesteps', () => {
  it('rounds halves to even like NumPy', () => {
    expect([0.5, 1.5, 2.5, 166.5, 832.5, -0.5, 3.2, 3.7].map(roundHalfEven)).toEqual([0, 2, 2, 166, 832, -0, 3, 4]);
  });

  it('DDIM/DDPM/PNDM spacings', () => {
    expect(Array.from(discreteTimesteps('leading', 1000, 50, 1)).slice(0, 3)).toEqual([981, 961, 941]);
    expect(discreteTimesteps('leading', 1000, 50, 0)[49]).toBe(0);
    const lin = Array.from(discreteTimesteps('linspace', 1000, 25, 0));
    expect(lin).toContain(166);
    expect(lin).toContain(832);
    expect(Array.from(discreteTimesteps('trailing', 1000, 10, 0))).toEqual([999, 899, 799, 699, 599, 499, 399, 299, 199, 99]);
    expect(Array.from(discreteTimesteps('trailing', 1000, 3, 0))).toEqual([999, 666, 332]);
  });

  it('Euler-family spacings keep fractions for linspace', () => {
    expect(sigmaFamilyTimesteps('linspace', 1000, 25, 0)[1]).toBe(957.375);
    expect(Array.from(sigmaFamilyTimesteps('leading', 1000, 4, 1))).toEqual([751, 501, 251, 1]);
  });

  it('DPM-Solver / UniPC / DEIS use an N+1 grid', () => {
    const lin = multistepTimesteps('linspace', 1000, 25, 0);
    expect([lin[0], lin[24]]).toEqual([999, 40]);
    expect(multistepTimesteps('leading', 1000, 25, 1)[0]).toBe(951);
    expect(multistepTimesteps('leading', 1000, 10, 0)[0]).toBe(900);
    expect(Array.from(multistepTimesteps('trailing', 1000, 4, 0))).toEqual([999, 749, 499, 249]);
  });
});

describe('sigmas', () => {
  const ac = noiseScheduleForConfig(resolveConfig('DDIMScheduler', { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012 })).alphasCumprod;
  const table = sigmaTable(ac);
  const logs = logSigmaTable(table);

  it('interpolates like np.interp and inverts through _sigma_to_t', () => {
    expect(npInterp(1.25, [0, 1, 2], [0, 10, 30])).toBe(15);
    expect(npInterp(-1, [0, 1], [3, 4])).toBe(3);
    const s = interpolateSigmas([999, 500.5, 0], table);
    expect(s[0]).toBe(table[999]);
    expect(s[1]).toBeCloseTo(((table[500] as number) + (table[501] as number)) / 2, 6);
    for (const t of [999, 700.25, 123.5, 3]) expect(sigmaToT(interpolateSigmas([t], table)[0] as number, logs)).toBeCloseTo(t, 2);
  });

  it('Karras sigmas run from sigma_max to sigma_min with rho = 7', () => {
    const k = karrasSigmas(0.03, 14.6, 5);
    expect(k[0]).toBeCloseTo(14.6, 10);
    expect(k[4]).toBeCloseTo(0.03, 10);
    const mid = (14.6 ** (1 / 7) + 0.5 * (0.03 ** (1 / 7) - 14.6 ** (1 / 7))) ** 7;
    expect(k[2]).toBeCloseTo(mid, 10);
  });

  it('final sigma: zero or sigma(t=0)', () => {
    expect(finalSigma('zero', ac)).toBe(0);
    expect(finalSigma('sigma_min', ac)).toBeCloseTo(table[0] as number, 7);
    expect(() => finalSigma('last', ac)).toThrow(/final_sigmas_type/);
  });
});
