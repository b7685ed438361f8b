/**
 * Beta sigmas (`use_beta_sigmas`): the quantile function against scipy.stats.beta.ppf
 * (fixture made by test/fixtures/make-beta-ppf.py), and the schedules built from it.
 */
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { betaQuantile, betaSigmas, createScheduler, incompleteBeta, logGamma } from '../src/index';

const fixture = JSON.parse(fs.readFileSync(new URL('./fixtures/beta-ppf.json', import.meta.url), 'utf8')) as { cases: { alpha: number; beta: number; p: number[]; ppf: number[] }[] };
const SD = { num_train_timesteps: 1000, beta_start: 0.00085, beta_end: 0.012, beta_schedule: 'scaled_linear' };

describe('beta distribution', () => {
  it('logGamma matches factorials and Γ(1/2)', () => {
    expect(logGamma(5)).toBeCloseTo(Math.log(24), 12);
    expect(logGamma(0.5)).toBeCloseTo(0.5 * Math.log(Math.PI), 12);
    expect(logGamma(0.6)).toBeCloseTo(0.3982338580692598, 12);
  });

  it('the CDF is symmetric for a = b and uniform for a = b = 1', () => {
    expect(incompleteBeta(0.5, 0.6, 0.6)).toBeCloseTo(0.5, 14);
    expect(incompleteBeta(0.3, 0.6, 0.6) + incompleteBeta(0.7, 0.6, 0.6)).toBeCloseTo(1, 14);
    expect(incompleteBeta(0.37, 1, 1)).toBeCloseTo(0.37, 14);
  });

  it.each(fixture.cases.map((c) => [`a=${c.alpha} b=${c.beta} n=${c.p.length}`, c] as const))('ppf matches scipy (%s)', (_name, c) => {
    c.p.forEach((p, i) => expect(Math.abs(betaQuantile(p, c.alpha, c.beta) - (c.ppf[i] as number))).toBeLessThan(1e-12));
  });
});

describe('schedulers with use_beta_sigmas', () => {
  it('sigmas run from sigma_max to sigma_min through the beta quantiles, timesteps follow by _sigma_to_t', () => {
    const ref = createScheduler('EulerDiscreteScheduler', SD);
    ref.setTimesteps(10);
    const [smax, smin] = [(ref.sigmas as Float32Array)[0] as number, (ref.sigmas as Float32Array)[9] as number];
    const want = betaSigmas(smin, smax, 10);
    const c = fixture.cases[0] as { ppf: number[] };
    c.ppf.forEach((q, i) => expect(want[i]).toBeCloseTo(smin + q * (smax - smin), 10));
    for (const name of ['EulerDiscreteScheduler', 'HeunDiscreteScheduler', 'LMSDiscreteScheduler', 'KDPM2DiscreteScheduler']) {
      const s = createScheduler(name, { ...SD, use_beta_sigmas: true });
      s.setTimesteps(10);
      const sig = Array.from(s.sigmas as Float32Array);
      expect(sig[0], name).toBeCloseTo(smax, 4);
      expect(sig.at(-1), name).toBe(0);
      const ts = Array.from(s.timesteps);
      expect(ts[0], name).toBeCloseTo(999, 3);
      for (let i = 1; i < ts.length; i++) expect(ts[i] as number, name).toBeLessThanOrEqual(ts[i - 1] as number);
    }
    const e = createScheduler('EulerDiscreteScheduler', { ...SD, use_beta_sigmas: true });
    e.setTimesteps(10);
    Array.from(e.sigmas as Float32Array).slice(0, 10).forEach((v, i) => expect(v).toBeCloseTo(want[i] as number, 4));
  });

  it('rejects two sigma families at once', () => {
    expect(() => createScheduler('EulerDiscreteScheduler', { use_beta_sigmas: true, use_karras_sigmas: true })).toThrow(/use_beta_sigmas|use_karras/);
  });
});
