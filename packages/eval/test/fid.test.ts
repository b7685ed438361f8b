import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { OnnxGraphBuilder } from '@diffmac/core';
import { describe, expect, it } from 'vitest';
import {
  DiffmacError,
  FeatureStatsAccumulator,
  createFidExtractor,
  fidAgainst,
  frechetDistance,
  parseNpz,
  readFidStats,
  cholesky,
  sqrtmPsd,
  symmetricEigen,
  symmetricEigenvalues,
  symmetricEigenLarge,
  traceSqrtProduct,
} from '../src/index';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/fid/${name}`, import.meta.url));
const expected = JSON.parse(readFileSync(fixture('expected.json'), 'utf8')) as {
  fid_a_b: number;
  sigma_b_01: number;
  sigma_b_10: number;
  mu_b_0_f32: number;
  features: number[][];
  features_mu: number[];
  features_cov: number[][];
};

/** Deterministic symmetric PSD matrix B Bᵀ from an LCG (no Math.random). */
function psd(n: number, seed: number): Float64Array {
  let s = seed;
  const next = () => ((s = (s * 1103515245 + 12345) % 2147483648) / 2147483648) * 2 - 1;
  const b = Float64Array.from({ length: n * n }, next);
  const m = new Float64Array(n * n);
  for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) for (let k = 0; k < n; k++) m[i * n + j] = (m[i * n + j] as number) + (b[i * n + k] as number) * (b[j * n + k] as number);
  return m;
}

describe('matrix square root and eigen solvers (float64)', () => {
  it('Householder/QL eigenvalues agree with Jacobi and reconstruct the matrix', () => {
    const n = 12;
    const m = psd(n, 3);
    const big = symmetricEigenLarge(m, n);
    const jac = Array.from(symmetricEigen(m, n).values).sort((a, b) => a - b);
    big.values.forEach((v, i) => expect(v).toBeCloseTo(jac[i] as number, 9));
    expect(Array.from(symmetricEigenLarge(m, n, false).values)).toEqual(Array.from(big.values).map((v) => expect.closeTo(v, 9)));
    const r = sqrtmPsd(m, n);
    for (let i = 0; i < n; i++) {
      for (let j = 0; j < n; j++) {
        let s = 0;
        for (let k = 0; k < n; k++) s += (r[i * n + k] as number) * (r[k * n + j] as number);
        expect(s).toBeCloseTo(m[i * n + j] as number, 9);
      }
    }
  });
  it('eigenvalues-only solver and Cholesky agree with Jacobi and reconstruct', () => {
    const n = 15;
    const m = psd(n, 5);
    const jac = Array.from(symmetricEigen(m, n).values).sort((a, b) => a - b);
    Array.from(symmetricEigenvalues(m, n)).forEach((v, i) => expect(v).toBeCloseTo(jac[i] as number, 9));
    const l = cholesky(m, n)!;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) {
      let s = 0;
      for (let k = 0; k < n; k++) s += (l[i * n + k] as number) * (l[j * n + k] as number);
      expect(s).toBeCloseTo(m[i * n + j] as number, 9);
    }
    expect(cholesky(new Float64Array([1, 0, 0, 0]), 2)).toBeUndefined();
  });
  it('Tr sqrt(S1 S2) with singular covariances (fewer images than features) uses the PD one, or sqrtm when both are singular', () => {
    expect(traceSqrtProduct(new Float64Array([4, 0, 0, 0]), new Float64Array([1, 0, 0, 9]), 2)).toBeCloseTo(2, 12);
    const a = new Float64Array([4, 0, 0, 0, 0, 0, 0, 0, 1]);
    const b = new Float64Array([1, 0, 0, 0, 9, 0, 0, 0, 0]);
    expect(traceSqrtProduct(a, b, 3)).toBeCloseTo(2, 7);
    // generic PD pair: all three routes agree
    const s1 = psd(8, 11);
    const s2 = psd(8, 12);
    const viaSqrtm = (() => {
      const r = sqrtmPsd(s1, 8);
      const m = new Float64Array(64);
      for (let i = 0; i < 8; i++) for (let j = 0; j < 8; j++) for (let k = 0; k < 8; k++) for (let q = 0; q < 8; q++) m[i * 8 + j] = (m[i * 8 + j] as number) + (r[i * 8 + k] as number) * (s2[k * 8 + q] as number) * (r[q * 8 + j] as number);
      return Array.from(symmetricEigen(m, 8).values).reduce((t, v) => t + Math.sqrt(Math.max(0, v)), 0);
    })();
    expect(traceSqrtProduct(s1, s2, 8)).toBeCloseTo(viaSqrtm, 9);
    expect(traceSqrtProduct(s2, s1, 8)).toBeCloseTo(viaSqrtm, 9);
  });
  it('Tr sqrt(S1 S2) matches the closed form for commuting (co-diagonal) matrices', () => {
    expect(traceSqrtProduct(new Float64Array([4, 0, 0, 1]), new Float64Array([1, 0, 0, 9]), 2)).toBeCloseTo(5, 12);
    // rotate both diag(a) and diag(b) by the same rotation: Tr sqrt = Σ sqrt(a_i b_i)
    const c = Math.cos(0.3);
    const s = Math.sin(0.3);
    const rot = (d0: number, d1: number) => new Float64Array([c * c * d0 + s * s * d1, c * s * (d0 - d1), c * s * (d0 - d1), s * s * d0 + c * c * d1]);
    expect(traceSqrtProduct(rot(2, 5), rot(8, 0.2), 2)).toBeCloseTo(Math.sqrt(16) + Math.sqrt(1), 12);
  });
  it('FID of identical statistics is 0, and of two shifted identical Gaussians |Δmu|²', () => {
    const sigma = psd(5, 9);
    const mu = new Float64Array(5).fill(1);
    expect(Math.abs(frechetDistance({ mu, sigma }, { mu, sigma }))).toBeLessThan(1e-9);
    const mu2 = Float64Array.from(mu, (v, i) => v + i);
    expect(frechetDistance({ mu, sigma }, { mu: mu2, sigma })).toBeCloseTo(0 + 1 + 4 + 9 + 16, 8);
  });
});

describe('reference statistics from .npz and JSON', () => {
  it('reads stored and deflated .npz entries, float32 and Fortran-order arrays', async () => {
    const a = await readFidStats(fixture('stats_a.npz'));
    const b = await readFidStats(fixture('stats_b.npz'));
    const j = await readFidStats(fixture('stats_a.json'));
    expect(a.mu.length).toBe(6);
    expect(Array.from(j.mu)).toEqual(Array.from(a.mu));
    expect(Array.from(j.sigma)).toEqual(Array.from(a.sigma));
    expect(b.mu[0]).toBe(expected.mu_b_0_f32);
    expect(b.sigma[1]).toBe(expected.sigma_b_01);
    expect(b.sigma[6]).toBe(expected.sigma_b_10);
    expect(Object.keys(parseNpz(new Uint8Array(readFileSync(fixture('stats_b.npz')))))).toEqual(['mu', 'sigma']);
    expect(Math.abs(frechetDistance(a, b) - expected.fid_a_b)).toBeLessThan(1e-9);
  });
  it('reads a .pth as BasicSR saves it ({ mean, cov } numpy arrays in torch.save, zip and legacy), equal to the .npz', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'fid-pth-'));
    try {
      // BasicSR's scripts/metrics/calculate_stats_from_dataset.py: torch.save({'mean': mean, 'cov': cov}, path) with numpy arrays.
      const script = [
        'import sys, numpy as np, torch',
        'z = np.load(sys.argv[1])',
        "torch.save({'mean': z['mu'].astype(np.float64), 'cov': z['sigma'].astype(np.float64)}, sys.argv[2])",
        "torch.save({'mean': z['mu'].astype(np.float64), 'cov': z['sigma'].astype(np.float64)}, sys.argv[3], _use_new_zipfile_serialization=False)",
      ].join('\n');
      execFileSync('/usr/bin/python3', ['-c', script, fixture('stats_a.npz'), join(dir, 'zip.pth'), join(dir, 'legacy.pth')], { stdio: ['ignore', 'ignore', 'pipe'] });
      const npz = await readFidStats(fixture('stats_a.npz'));
      for (const file of ['zip.pth', 'legacy.pth']) {
        const pth = await readFidStats(join(dir, file));
        expect(Array.from(pth.mu)).toEqual(Array.from(npz.mu));
        expect(Array.from(pth.sigma)).toEqual(Array.from(npz.sigma));
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('rejects files that are not statistics', async () => {
    const err = await readFidStats(new TextEncoder().encode('{"mean": [1]}')).catch((e: unknown) => e);
    expect((err as DiffmacError).code).toBe('FID_STATS_INVALID');
    expect((err as DiffmacError).message).toContain('mean');
  });
});

describe('feature accumulator', () => {
  it('mean and N-1 covariance as np.cov, identical after a split-and-merge', () => {
    const whole = new FeatureStatsAccumulator(3);
    const left = new FeatureStatsAccumulator(3);
    const right = new FeatureStatsAccumulator(3);
    expected.features.forEach((f, i) => {
      whole.update(f);
      (i < 2 ? left : right).update(f);
    });
    const merged = left.merge(right.state()).compute();
    const st = whole.compute();
    st.mu.forEach((v, i) => expect(v).toBeCloseTo(expected.features_mu[i] as number, 12));
    st.sigma.forEach((v, i) => expect(v).toBeCloseTo(expected.features_cov[Math.floor(i / 3)]![i % 3] as number, 12));
    merged.sigma.forEach((v, i) => expect(v).toBeCloseTo(st.sigma[i] as number, 12));
  });
});

describe('Inception ONNX contract', () => {
  it('runs a tiny stand-in model (global average pool) and scores FID against known statistics', async () => {
    const b = new OnnxGraphBuilder();
    b.input('x', 'float32', ['n', 3, 8, 8]);
    b.output('pool', 'float32', ['n', 3]);
    b.node('ReduceMean', ['x'], ['pool'], { axes: [2, 3], keepdims: 0 });
    const extractor = await createFidExtractor({ model: b.toBytes() });
    const img = (v: [number, number, number]) => ({ width: 16, height: 16, channels: 3 as const, data: new Uint8Array(768).map((_, i) => v[i % 3]!) });
    const f = await extractor.features(img([255, 0, 51]));
    expect(Array.from(f).map((v) => Math.round(v * 1000) / 1000)).toEqual([1, 0, 0.2]);
    const ref = { mu: new Float64Array([1, 0, 0.2]), sigma: new Float64Array(9) };
    // two identical images: zero covariance, mean equal to ref -> FID 0
    const fid = await fidAgainst([img([255, 0, 51]), img([255, 0, 51])], ref, extractor);
    expect(Math.abs(fid)).toBeLessThan(1e-9);
    await extractor.dispose();
  });
  it('names what it found when the model does not fit', async () => {
    const b = new OnnxGraphBuilder();
    b.input('x', 'float32', ['n', 4]);
    b.output('y', 'float32', ['n', 4]);
    b.node('Relu', ['x'], ['y']);
    const err = await createFidExtractor({ model: b.toBytes() }).catch((e: unknown) => e);
    expect((err as DiffmacError).code).toBe('FID_MODEL_SIGNATURE');
    expect((err as DiffmacError).message).toContain('x[n,4]');
  });
});
