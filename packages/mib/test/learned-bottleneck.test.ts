import { describe, expect, it } from 'vitest';
import { createLearnedBottleneck, MibError, type BottleneckSession, type SessionFeed } from '../src/index';
import { asyncCodeOf, codeOf, errorOf, tensor, testNormals } from './helpers';

/**
 * A tiny self-built bottleneck: a 1×1 convolution with known weights from C input channels to
 * O posterior channels (mean and log-variance heads), plus an optional identity projection added
 * to every pixel. Written as a session, as core's ONNX session would run it.
 */
function conv1x1Session(opts: {
  wMean: number[][];
  bMean: number[];
  wLogVar: number[][];
  bLogVar: number[];
  uMean?: number[][]; // [O][D] identity projection into the mean
  outputs?: (mean: Float32Array, logVar: Float32Array, shape: number[]) => Record<string, { data: ArrayBufferView; shape: number[] }>;
}): BottleneckSession & { calls: Record<string, SessionFeed>[] } {
  const O = opts.bMean.length;
  const calls: Record<string, SessionFeed>[] = [];
  return {
    calls,
    inputs: [{ name: 'latent', shape: ['batch', opts.wMean[0]!.length, 'h', 'w'] }, ...(opts.uMean ? [{ name: 'identity', shape: ['batch', opts.uMean[0]!.length] }] : [])],
    outputs: [{ name: 'mean' }, { name: 'logvar' }],
    async run(feeds) {
      calls.push({ ...feeds });
      const x = feeds.latent!;
      const [B, C, H, W] = x.shape as [number, number, number, number];
      const mean = new Float32Array(B * O * H * W);
      const logVar = new Float32Array(B * O * H * W);
      for (let b = 0; b < B; b++)
        for (let o = 0; o < O; o++)
          for (let p = 0; p < H * W; p++) {
            let m = opts.bMean[o]!;
            let v = opts.bLogVar[o]!;
            for (let c = 0; c < C; c++) {
              const xv = x.data[(b * C + c) * H * W + p]!;
              m += opts.wMean[o]![c]! * xv;
              v += opts.wLogVar[o]![c]! * xv;
            }
            if (opts.uMean && feeds.identity) {
              const D = feeds.identity.shape[1]!;
              for (let d = 0; d < D; d++) m += opts.uMean[o]![d]! * feeds.identity.data[b * D + d]!;
            }
            mean[(b * O + o) * H * W + p] = m;
            logVar[(b * O + o) * H * W + p] = v;
          }
      const shape = [B, O, H, W];
      return opts.outputs ? opts.outputs(mean, logVar, shape) : { mean: { data: mean, shape }, logvar: { data: logVar, shape } };
    },
  };
}

// Closed form KL(N(m, s²) ‖ N(0, 1)) = −ln s + (s² + m²)/2 − ½, in nats.
const klNats = (m: number, logVar: number) => -0.5 * logVar + (Math.exp(logVar) + m * m) / 2 - 0.5;

// Known weights: 2 input channels → 2 posterior channels.
const weights = {
  wMean: [
    [1, 0.5],
    [-0.25, 2],
  ],
  bMean: [0.1, -0.2],
  wLogVar: [
    [0.5, 0],
    [0, -1],
  ],
  bLogVar: [-1, 0.3],
};
// latent [2, 2, 1, 2]: batch 2, channels 2, 1×2 pixels.
const latent = tensor([1, -1, 0.5, 2, /* image 1 */ -0.5, 0, 1.5, -2], [2, 2, 1, 2]);

function expectedPosterior() {
  const mean: number[] = [];
  const logVar: number[] = [];
  for (let b = 0; b < 2; b++)
    for (let o = 0; o < 2; o++)
      for (let p = 0; p < 2; p++) {
        const x0 = latent.data[(b * 2 + 0) * 2 + p]!;
        const x1 = latent.data[(b * 2 + 1) * 2 + p]!;
        mean.push(Math.fround(weights.bMean[o]! + weights.wMean[o]![0]! * x0 + weights.wMean[o]![1]! * x1));
        logVar.push(Math.fround(weights.bLogVar[o]! + weights.wLogVar[o]![0]! * x0 + weights.wLogVar[o]![1]! * x1));
      }
  return { mean, logVar };
}

describe('createLearnedBottleneck with a known-weight model', () => {
  it('known weights → known mean and log-variance → known KL (per element, per image, total)', async () => {
    const mib = createLearnedBottleneck({ session: conv1x1Session(weights) });
    expect(mib.identity).toBe('none');
    expect(mib.names).toEqual({ latent: 'latent', identity: 'identity', mean: 'mean', logVar: 'logvar' });
    const out = await mib.compress(latent, { deterministic: true });
    const { mean, logVar } = expectedPosterior();
    expect(Array.from(out.mean.data)).toEqual(mean);
    expect(Array.from(out.logVar.data)).toEqual(logVar);
    expect(Array.from(out.z.data)).toEqual(mean);
    expect(out.z.shape).toEqual([2, 2, 1, 2]);
    const perImage = [0, 1].map((b) => mean.slice(b * 4, b * 4 + 4).reduce((s, m, i) => s + klNats(m, logVar[b * 4 + i]!), 0));
    expect(out.rate.nats).toBeCloseTo(perImage[0]! + perImage[1]!, 10);
    expect(out.rateBitsPerImage[0]).toBeCloseTo(perImage[0]! / Math.LN2, 10);
    expect(out.rateBitsPerImage[1]).toBeCloseTo(perImage[1]! / Math.LN2, 10);
    expect(out.rateBits).toBeCloseTo((perImage[0]! + perImage[1]!) / Math.LN2, 10);
    expect(out.rateBitsPerElement).toBeCloseTo((perImage[0]! + perImage[1]!) / Math.LN2 / 8, 10);
    expect(out.sampledBitsPerElement).toBe(Infinity);
    expect(out.kind).toBe('learned');
  });

  it('reparameterises z = μ + β·σ·ε with known noise, and with the injected RNG', async () => {
    const mib = createLearnedBottleneck({ session: conv1x1Session(weights) });
    const { mean, logVar } = expectedPosterior();
    const noise = new Float32Array([0.3, -1.2, 2, 0, 1, -0.7, 0.1, 0.9]);
    for (const beta of [1, 0.5, 2]) {
      const out = await mib.compress(latent, { noise, temperature: beta });
      for (let i = 0; i < 8; i++) expect(out.z.data[i]).toBeCloseTo(mean[i]! + beta * Math.exp(logVar[i]! / 2) * noise[i]!, 5);
      expect(out.temperature).toBe(beta);
      // The model's rate does not depend on β; the rate of the noise actually applied does.
      const sampled = mean.reduce((s, m, i) => s + klNats(m, logVar[i]! + 2 * Math.log(beta)), 0) / Math.LN2 / 8;
      expect(out.sampledBitsPerElement).toBeCloseTo(sampled, 10);
      expect(out.rateBitsPerElement).toBeCloseTo(mean.reduce((s, m, i) => s + klNats(m, logVar[i]!), 0) / Math.LN2 / 8, 10);
    }
    const rngA = testNormals(42);
    const rngB = testNormals(42);
    const eps = new Float32Array(8);
    rngB.normal(eps);
    const sampled = await mib.compress(latent, { rng: rngA });
    for (let i = 0; i < 8; i++) expect(sampled.z.data[i]).toBeCloseTo(mean[i]! + Math.exp(logVar[i]! / 2) * eps[i]!, 5);
    expect(rngA.calls).toBe(1);
    // temperature 0 is the mean and draws nothing.
    const cold = await mib.compress(latent, { rng: rngA, temperature: 0 });
    expect(Array.from(cold.z.data)).toEqual(mean);
    expect(rngA.calls).toBe(1);
  });

  it('never mutates its input and never hands the input array back', async () => {
    const echo: BottleneckSession = {
      async run(feeds) {
        const x = feeds.latent!;
        return { mean: x, logvar: { data: new Float32Array(x.data.length), shape: x.shape } };
      },
    };
    const z = tensor([1, 2, 3, 4], [1, 4]);
    const out = await createLearnedBottleneck({ session: echo }).compress(z, { deterministic: true });
    expect(out.mean.data).not.toBe(z.data);
    expect(out.z.data).not.toBe(z.data);
    expect(Array.from(out.z.data)).toEqual([1, 2, 3, 4]);
    expect(out.rateBitsPerElement).toBeCloseTo((1 + 4 + 9 + 16) / 2 / Math.LN2 / 4, 12);
  });

  it('feeds the identity embedding: shared by the batch or one per image', async () => {
    const session = conv1x1Session({ ...weights, uMean: [[1, 0, 0], [0, 0, -2]] });
    const mib = createLearnedBottleneck({ session });
    expect(mib.identity).toBe('required');
    const id = new Float32Array([0.5, 7, 0.25]);
    const out = await mib.compress(latent, { deterministic: true, identity: id });
    const { mean } = expectedPosterior();
    const shift = [0.5, -0.5];
    for (let i = 0; i < 8; i++) expect(out.mean.data[i]).toBeCloseTo(mean[i]! + shift[Math.floor(i / 2) % 2]!, 6);
    expect(session.calls[0]!.identity!.shape).toEqual([2, 3]);
    expect(Array.from(session.calls[0]!.identity!.data)).toEqual([0.5, 7, 0.25, 0.5, 7, 0.25]);
    const perImage = await mib.compress(latent, { deterministic: true, identity: tensor([1, 0, 0, 0, 0, 1], [2, 3]) });
    expect(perImage.mean.data[0]).toBeCloseTo(mean[0]! + 1, 6);
    expect(perImage.mean.data[6]).toBeCloseTo(mean[6]! - 2, 6);
  });

  it('a missing identity input on a model that requires it is a typed error', async () => {
    const mib = createLearnedBottleneck({ session: conv1x1Session({ ...weights, uMean: [[1], [0]] }) });
    const code = await asyncCodeOf(() => mib.compress(latent, { deterministic: true }));
    expect(code).toBe('IDENTITY_REQUIRED');
    expect(await asyncCodeOf(() => mib.compress(latent, { deterministic: true, identity: new Float32Array(2) }))).toBe('SHAPE_MISMATCH');
    expect(await asyncCodeOf(() => mib.compress(latent, { deterministic: true, identity: new Float32Array([Number.NaN]) }))).toBe('NON_FINITE');
    expect(await asyncCodeOf(() => mib.compress(latent, { deterministic: true, identity: tensor([1], [1, 1]) }))).toBe('SHAPE_MISMATCH');
    const noId = createLearnedBottleneck({ session: conv1x1Session(weights) });
    expect(await asyncCodeOf(() => noId.compress(latent, { deterministic: true, identity: new Float32Array([1]) }))).toBe('IDENTITY_UNSUPPORTED');
  });

  it('a mean/log-variance shape mismatch, non-finite or missing outputs are typed errors', async () => {
    const make = (outputs: Parameters<typeof conv1x1Session>[0]['outputs']) => createLearnedBottleneck({ session: conv1x1Session({ ...weights, outputs }) });
    const mismatch = make((m, v, s) => ({ mean: { data: m, shape: s }, logvar: { data: v.subarray(0, 4), shape: [1, 2, 1, 2] } }));
    const e = await mismatch.compress(latent, { deterministic: true }).catch((x: unknown) => x as MibError);
    expect(e).toBeInstanceOf(MibError);
    expect([(e as MibError).code, (e as MibError).argument]).toEqual(['SHAPE_MISMATCH', 'outputs.logvar']);
    const nan = make((m, v, s) => ({ mean: { data: m, shape: s }, logvar: { data: v.map((x, i) => (i === 3 ? Number.NaN : x)), shape: s } }));
    expect(await asyncCodeOf(() => nan.compress(latent, { deterministic: true }))).toBe('NON_FINITE');
    const inf = make((m, v, s) => ({ mean: { data: m.map(() => Number.POSITIVE_INFINITY), shape: s }, logvar: { data: v, shape: s } }));
    expect(await asyncCodeOf(() => inf.compress(latent, { deterministic: true }))).toBe('NON_FINITE');
    const missing = make((m, _v, s) => ({ mean: { data: m, shape: s } }));
    expect(await asyncCodeOf(() => missing.compress(latent, { deterministic: true }))).toBe('MODEL_OUTPUT_MISSING');
    const ints = make((m, v, s) => ({ mean: { data: Int32Array.from(m), shape: s }, logvar: { data: v, shape: s } }));
    expect(await asyncCodeOf(() => ints.compress(latent, { deterministic: true }))).toBe('MODEL_OUTPUT_DTYPE');
    const wrongBatch = make((m, v) => ({ mean: { data: m, shape: [1, 8] }, logvar: { data: v, shape: [1, 8] } }));
    expect(await asyncCodeOf(() => wrongBatch.compress(latent, { deterministic: true }))).toBe('SHAPE_MISMATCH');
    // float64 outputs are accepted and rounded to float32.
    const f64 = make((m, v, s) => ({ mean: { data: Float64Array.from(m), shape: s }, logvar: { data: Float64Array.from(v), shape: s } }));
    expect(Array.from((await f64.compress(latent, { deterministic: true })).mean.data)).toEqual(expectedPosterior().mean);
  });

  it('checks the model signature and options up front', () => {
    const session = conv1x1Session(weights);
    expect(codeOf(() => createLearnedBottleneck({ session, meanName: 'mu' }))).toBe('MODEL_SIGNATURE');
    expect(codeOf(() => createLearnedBottleneck({ session, identity: 'required' }))).toBe('MODEL_SIGNATURE');
    expect(codeOf(() => createLearnedBottleneck({ session: { ...session, inputs: [{ name: 'a' }, { name: 'b' }] } }))).toBe('MODEL_SIGNATURE');
    expect(codeOf(() => createLearnedBottleneck({ session: {} as never }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => createLearnedBottleneck({ session, logVarClamp: [3, 1] }))).toBe('INVALID_ARGUMENT');
    // A model whose only input has another name is picked up.
    const renamed = createLearnedBottleneck({ session: { ...session, inputs: [{ name: 'z' }] } });
    expect(renamed.names.latent).toBe('z');
    // A session with no declared signature: identity is used when given.
    expect(createLearnedBottleneck({ session: { run: session.run } }).identity).toBe('optional');
    const e = errorOf(() => createLearnedBottleneck({ session, logVarName: 'log_var' }));
    expect(e.received).toContain('"logvar"');
  });

  it('clamps the log-variance when asked, needs noise unless deterministic, and honours abort', async () => {
    const mib = createLearnedBottleneck({ session: conv1x1Session(weights), logVarClamp: [-0.5, 0.5] });
    const out = await mib.compress(latent, { deterministic: true });
    expect(Math.max(...out.logVar.data)).toBeLessThanOrEqual(0.5);
    expect(Math.min(...out.logVar.data)).toBeGreaterThanOrEqual(-0.5);
    expect(await asyncCodeOf(() => mib.compress(latent))).toBe('RNG_REQUIRED');
    const huge: BottleneckSession = {
      async run(feeds) {
        const x = feeds.latent!;
        return { mean: { data: new Float32Array(x.data.length), shape: x.shape }, logvar: { data: new Float32Array(x.data.length).fill(88), shape: x.shape } };
      },
    };
    const overflow = createLearnedBottleneck({ session: huge });
    expect(await asyncCodeOf(() => overflow.compress(latent, { noise: new Float32Array(8).fill(1e25) }))).toBe('NON_FINITE');
    const clamped = createLearnedBottleneck({ session: huge, logVarClamp: [-30, 20] });
    const big = (await clamped.compress(latent, { noise: new Float32Array(8).fill(1e25) })).z.data[0]!;
    expect(big / (Math.exp(10) * 1e25)).toBeCloseTo(1, 6);
    expect(await asyncCodeOf(() => mib.compress(latent, { noise: new Float32Array(3) }))).toBe('SHAPE_MISMATCH');
    expect(await asyncCodeOf(() => mib.compress(tensor([1, 2], [2]), { deterministic: true }))).toBe('INVALID_SHAPE');
    const controller = new AbortController();
    controller.abort();
    await expect(mib.compress(latent, { deterministic: true, signal: controller.signal })).rejects.toThrow(/abort/i);
    const events: string[] = [];
    await mib.compress(latent, { deterministic: true, onProgress: (ev) => events.push(ev.type) });
    expect(events).toEqual(['compress-start', 'compress-done']);
  });
});

describe('reparameterisation statistics (Monte Carlo against the closed forms)', () => {
  // Every element of one image shares μ = 0.7 and log σ² = ln 0.3, so n samples come from one call.
  const n = 40000;
  const mu = 0.7;
  const lv = Math.log(0.3);
  const constant: BottleneckSession = {
    async run(feeds) {
      const len = feeds.latent!.data.length;
      return { mean: { data: new Float32Array(len).fill(mu), shape: [1, len] }, logvar: { data: new Float32Array(len).fill(lv), shape: [1, len] } };
    },
  };

  it('samples have mean μ and variance β²σ², and E[log q(z) − log p(z)] is the reported KL', async () => {
    const mib = createLearnedBottleneck({ session: constant });
    for (const beta of [1, 0.5]) {
      const out = await mib.compress(tensor(new Array(n).fill(0), [1, n]), { rng: testNormals(beta === 1 ? 11 : 12), temperature: beta });
      let sum = 0;
      let sq = 0;
      let logRatio = 0;
      const v = beta * beta * 0.3;
      for (const z of out.z.data) {
        sum += z;
        sq += (z - mu) ** 2;
        // log N(z; μ, v) − log N(z; 0, 1)
        logRatio += -0.5 * Math.log(v) - ((z - mu) ** 2) / (2 * v) + (z * z) / 2;
      }
      const mean = sum / n;
      const variance = sq / n;
      expect(Math.abs(mean - mu)).toBeLessThan(5 * Math.sqrt(v / n));
      expect(Math.abs(variance - v)).toBeLessThan(5 * v * Math.sqrt(2 / n));
      // The Monte-Carlo KL of the noise actually applied matches sampledBitsPerElement.
      const mcBits = logRatio / n / Math.LN2;
      expect(Math.abs(mcBits - out.sampledBitsPerElement)).toBeLessThan(0.02);
      if (beta === 1) expect(out.sampledBitsPerElement).toBeCloseTo(out.rateBitsPerElement, 12);
    }
  });
});
