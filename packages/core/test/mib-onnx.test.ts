// Integration of @diffmac/mib's learned bottleneck with core's inference seam: tiny MIB ONNX
// models with KNOWN weights, built with core's graph builder, run through createSession, checked
// against closed forms. (mib itself never imports core; this is the allowed direction.)
import { afterAll, describe, expect, it } from 'vitest';
import { createGaussianChannel, createLearnedBottleneck, MibError, stableDiffusionAlphasCumprod, type BottleneckSession } from '@diffmac/mib';
import { createScheduler } from '@diffmac/scheduler';
import { buildTinyMib } from '../src/testing';
import { createRng, createSession, OnnxGraphBuilder, type ModelSession } from '../src/index';

const C = 2;
const wMean = [
  [1, 0.5],
  [-0.25, 2],
];
const bMean = [0.1, -0.2];
const wLogVar = [
  [0.5, 0],
  [0, -1],
];
const bLogVar = [-1, 0.3];
// Identity projection U [E = 3, C = 2]: mean[b, o] += Σ_d identity[b, d] · U[d, o].
const u = [
  [1, 0],
  [0, 0.5],
  [-2, 1],
];

/** latent [batch, 2, h, w] (+ identity [batch, 3]) → mean = 1×1 conv (+ identity·U), logvar = 1×1 conv. */
function knownMib(withIdentity: boolean): Uint8Array {
  const b = new OnnxGraphBuilder({ name: 'known_mib' });
  const latent = b.input('latent', 'float32', ['batch', C, 'height', 'width']);
  const identity = withIdentity ? b.input('identity', 'float32', ['batch', 3]) : undefined;
  const wm = b.initializer('w_mean', new Float32Array(wMean.flat()), [C, C, 1, 1]);
  const bm = b.initializer('b_mean', new Float32Array(bMean), [C]);
  const wv = b.initializer('w_logvar', new Float32Array(wLogVar.flat()), [C, C, 1, 1]);
  const bv = b.initializer('b_logvar', new Float32Array(bLogVar), [C]);
  const [conv] = b.node('Conv', [latent, wm, bm], [withIdentity ? b.uniqueName('conv_mean') : 'mean'], { kernel_shape: [1, 1] });
  if (identity) {
    const uw = b.initializer('u', new Float32Array(u.flat()), [3, C]);
    const axes = b.initializer('axes', new BigInt64Array([2n, 3n]), [2]);
    const [proj] = b.node('MatMul', [identity, uw], [b.uniqueName('proj')]);
    const [proj4] = b.node('Unsqueeze', [proj!, axes], [b.uniqueName('proj4')]);
    b.node('Add', [conv!, proj4!], ['mean']);
  }
  b.node('Conv', [latent, wv, bv], ['logvar'], { kernel_shape: [1, 1] });
  b.output('mean', 'float32', ['batch', C, 'height', 'width']);
  b.output('logvar', 'float32', ['batch', C, 'height', 'width']);
  return b.toBytes();
}

// latent [2, 2, 1, 2]
const latent = { data: new Float32Array([1, -1, 0.5, 2, -0.5, 0, 1.5, -2]), shape: [2, C, 1, 2] };
const identity = { data: new Float32Array([1, 2, 0.5, -1, 0, 0.25]), shape: [2, 3] };

function closedForm(withIdentity: boolean) {
  const mean: number[] = [];
  const logVar: number[] = [];
  for (let b = 0; b < 2; b++)
    for (let o = 0; o < C; o++)
      for (let p = 0; p < 2; p++) {
        const x = [0, 1].map((c) => latent.data[(b * C + c) * 2 + p]!);
        let m = bMean[o]! + wMean[o]![0]! * x[0]! + wMean[o]![1]! * x[1]!;
        if (withIdentity) for (let d = 0; d < 3; d++) m += identity.data[b * 3 + d]! * u[d]![o]!;
        mean.push(m);
        logVar.push(bLogVar[o]! + wLogVar[o]![0]! * x[0]! + wLogVar[o]![1]! * x[1]!);
      }
  // KL(N(m, e^lv) ‖ N(0, 1)) = ½(m² + e^lv − 1 − lv), in nats, per image (4 elements each).
  const kl = [0, 1].map((b) => mean.slice(b * 4, b * 4 + 4).reduce((s, m, i) => s + 0.5 * (m * m + Math.exp(logVar[b * 4 + i]!) - 1 - logVar[b * 4 + i]!), 0));
  return { mean, logVar, kl };
}

describe('learned MIB over core sessions (known-weight ONNX models)', () => {
  const sessions: ModelSession[] = [];
  afterAll(async () => {
    for (const s of sessions) await s.dispose();
  });
  const open = async (bytes: Uint8Array) => {
    const s = await createSession(bytes, { threads: 1 });
    sessions.push(s);
    return s;
  };

  it('known weights → known mean and log-variance → known KL, and the reparameterised sample', async () => {
    const session = await open(knownMib(false));
    const asMib: BottleneckSession = session; // core's seam satisfies mib's interface with no adapter
    const mib = createLearnedBottleneck({ session: asMib });
    expect(mib.identity).toBe('none');
    const expected = closedForm(false);
    const out = await mib.compress(latent, { deterministic: true });
    expect(out.mean.shape).toEqual([2, C, 1, 2]);
    out.mean.data.forEach((v, i) => expect(v).toBeCloseTo(expected.mean[i]!, 5));
    out.logVar.data.forEach((v, i) => expect(v).toBeCloseTo(expected.logVar[i]!, 5));
    expect(out.rateBitsPerImage[0]).toBeCloseTo(expected.kl[0]! / Math.LN2, 4);
    expect(out.rateBitsPerImage[1]).toBeCloseTo(expected.kl[1]! / Math.LN2, 4);
    expect(out.rateBitsPerElement).toBeCloseTo((expected.kl[0]! + expected.kl[1]!) / Math.LN2 / 8, 5);

    const noise = new Float32Array([0.3, -1.2, 2, 0, 1, -0.7, 0.1, 0.9]);
    const hot = await mib.compress(latent, { noise, temperature: 0.5 });
    hot.z.data.forEach((v, i) => expect(v).toBeCloseTo(expected.mean[i]! + 0.5 * Math.exp(expected.logVar[i]! / 2) * noise[i]!, 5));
    // core's portable RNG plugs in as the noise source.
    const sampled = await mib.compress(latent, { rng: createRng(3).fork('mib') });
    const eps = new Float32Array(8);
    createRng(3).fork('mib').normal(eps);
    sampled.z.data.forEach((v, i) => expect(v).toBeCloseTo(expected.mean[i]! + Math.exp(expected.logVar[i]! / 2) * eps[i]!, 5));
  });

  it('feeds the identity embedding into a model that declares it', async () => {
    const mib = createLearnedBottleneck({ session: await open(knownMib(true)) });
    expect(mib.identity).toBe('required');
    const expected = closedForm(true);
    const out = await mib.compress(latent, { deterministic: true, identity });
    out.mean.data.forEach((v, i) => expect(v).toBeCloseTo(expected.mean[i]!, 5));
    expect(out.rateBits).toBeCloseTo((expected.kl[0]! + expected.kl[1]!) / Math.LN2, 4);
    // One shared embedding is broadcast over the batch.
    const shared = await mib.compress(latent, { deterministic: true, identity: identity.data.subarray(0, 3) });
    expect(shared.mean.data[0]).toBeCloseTo(out.mean.data[0]!, 5);
    expect(shared.mean.data[4]).not.toBeCloseTo(out.mean.data[4]!, 3);
  });

  it('a missing identity input on a model that requires it is a typed MibError', async () => {
    const mib = createLearnedBottleneck({ session: await open(knownMib(true)) });
    const e = await mib.compress(latent, { deterministic: true }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(MibError);
    expect((e as MibError).code).toBe('IDENTITY_REQUIRED');
    expect((e as MibError).argument).toBe('ctx.identity');
    const wrongDim = await mib.compress(latent, { deterministic: true, identity: new Float32Array(5) }).catch((x: unknown) => x);
    expect((wrongDim as MibError).code).toBe('SHAPE_MISMATCH');
  });

  it("core's seeded tiny MIB (buildTinyMib) runs through the bottleneck with consistent KL", async () => {
    const tiny = buildTinyMib({ latentChannels: 4, identityDim: 8, seed: 5 });
    const mib = createLearnedBottleneck({ session: await open(tiny.bytes) });
    expect(mib.identity).toBe('required');
    const z = { data: new Float32Array(2 * 4 * 3 * 3).map((_, i) => Math.sin(i)), shape: [2, 4, 3, 3] };
    const out = await mib.compress(z, { rng: createRng(1), identity: new Float32Array(8).fill(0.1) });
    let nats = 0;
    out.mean.data.forEach((m, i) => {
      const lv = out.logVar.data[i]!;
      nats += 0.5 * (m * m + Math.exp(lv) - 1 - lv);
    });
    expect(out.rate.nats).toBeCloseTo(nats, 6);
    expect(out.z.shape).toEqual([2, 4, 3, 3]);
  });
});

describe("mib's Gaussian channel on @diffmac/scheduler's schedule", () => {
  const scheduler = createScheduler('DDPMScheduler', { beta_schedule: 'scaled_linear', beta_start: 0.00085, beta_end: 0.012, num_train_timesteps: 1000 });

  it("the scheduler's ᾱ is the schedule mib computes, and gives the same rates", () => {
    const mine = stableDiffusionAlphasCumprod();
    const theirs = scheduler.alphasCumprod;
    expect(theirs.length).toBe(1000);
    for (let t = 0; t < 1000; t++) expect(Math.abs(theirs[t]! - mine[t]!) / mine[t]!).toBeLessThan(2e-6);
    const fromScheduler = createGaussianChannel({ alphasCumprod: theirs });
    const fromMib = createGaussianChannel({ alphasCumprod: mine });
    for (const t of [0, 100, 500, 999]) expect(Math.abs(fromScheduler.rateAt(t) - fromMib.rateAt(t)) / fromMib.rateAt(t)).toBeLessThan(1e-5);
  });

  it("compress at timestep t equals the scheduler's addNoise (DifFace's forward diffusion)", async () => {
    const channel = createGaussianChannel({ alphasCumprod: scheduler.alphasCumprod });
    const x0 = new Float32Array(32).map((_, i) => Math.cos(i));
    const noise = new Float32Array(32);
    createRng(9).normal(noise);
    for (const t of [10, 400, 999]) {
      const out = await channel.compress({ data: x0, shape: [2, 16] }, { noise, timestep: t });
      const expected = scheduler.addNoise(x0, noise, t);
      out.z.data.forEach((v, i) => expect(v).toBeCloseTo(expected[i]!, 5));
      expect(out.timestep).toBe(t);
    }
  });
});
