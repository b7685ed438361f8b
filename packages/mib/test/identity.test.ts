import { describe, expect, it } from 'vitest';
import {
  blendIdentity,
  createGaussianChannel,
  createLearnedBottleneck,
  embedReferences,
  normalizeEmbedding,
  withReferenceIdentity,
  type BottleneckSession,
  type IdentityEmbedder,
  type SessionFeed,
} from '../src/index';
import { asyncCodeOf, codeOf, tensor } from './helpers';

type Face = { name: string };
const table: Record<string, number[]> = { a: [3, 4, 0], b: [0, 0, 2], c: [0, 4, 3], zero: [0, 0, 0], short: [1, 1] };
function stubEmbedder(): IdentityEmbedder<Face> & { calls: string[] } {
  const calls: string[] = [];
  return {
    calls,
    async embed(face) {
      calls.push(face.name);
      return new Float32Array(table[face.name]!);
    },
  };
}

/** A model whose mean is the latent plus the identity's first value, so what was fed is visible. */
function identityEcho(): BottleneckSession & { fed: SessionFeed[] } {
  const fed: SessionFeed[] = [];
  return {
    fed,
    inputs: [{ name: 'latent' }, { name: 'identity', shape: ['batch', 3] }],
    async run(feeds) {
      fed.push(feeds.identity!);
      const x = feeds.latent!;
      const per = x.data.length / x.shape[0]!;
      const mean = x.data.map((v, i) => v + feeds.identity!.data[Math.floor(i / per) * 3]!);
      return { mean: { data: mean, shape: x.shape }, logvar: { data: new Float32Array(x.data.length), shape: x.shape } };
    },
  };
}

describe('identity embeddings', () => {
  it('normalises, blends on the unit sphere, and averages references', async () => {
    expect(Array.from(normalizeEmbedding(new Float32Array([3, 4])))).toEqual([Math.fround(0.6), Math.fround(0.8)]);
    const half = blendIdentity(new Float32Array([1, 0]), new Float32Array([0, 5]), 0.5);
    expect(half[0]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(half[1]).toBeCloseTo(Math.SQRT1_2, 6);
    expect(Array.from(blendIdentity(new Float32Array([2, 0]), new Float32Array([0, 1]), 0))).toEqual([1, 0]);
    expect(Array.from(blendIdentity(new Float32Array([2, 0]), new Float32Array([0, 1]), 1))).toEqual([0, 1]);
    const embedder = stubEmbedder();
    const mean = await embedReferences(embedder, [{ name: 'a' }, { name: 'b' }]);
    // (0.6, 0.8, 0) + (0, 0, 1), normalised.
    const n = Math.sqrt(0.36 + 0.64 + 1);
    expect(mean[0]).toBeCloseTo(0.6 / n, 6);
    expect(mean[1]).toBeCloseTo(0.8 / n, 6);
    expect(mean[2]).toBeCloseTo(1 / n, 6);
    expect(embedder.calls).toEqual(['a', 'b']);
  });

  it('takes batch embedders as they are: a list of one embedding, or any numeric array', async () => {
    // face-align's FaceEmbedder shape: embed(face | faces) → Float32Array[].
    const faceAlignLike = { async embed(face: Face | Face[]) { return (Array.isArray(face) ? face : [face]).map((f) => new Float32Array(table[f.name]!)); } };
    expect(Array.from(await embedReferences(faceAlignLike, [{ name: 'a' }]))).toEqual([0.6, 0.8, 0].map(Math.fround));
    // @diffmac/eval's ArcFace shape: embed(faces[]) → ArrayLike<number>[]; each reference is a one-face array.
    const evalLike = { async embed(faces: Face[]) { return faces.map((f) => table[f.name]!); } };
    expect(Array.from(await embedReferences(evalLike, [[{ name: 'b' }]]))).toEqual([0, 0, 1]);
    const float64 = { async embed() { return new Float64Array([0, 3, 4]); } };
    expect(Array.from(await embedReferences(float64, [0]))).toEqual([0, 0.6, 0.8].map(Math.fround));
    const two = { async embed() { return [new Float32Array([1]), new Float32Array([2])]; } };
    expect(await asyncCodeOf(() => embedReferences(two, [0]))).toBe('INVALID_EMBEDDING');
  });

  it('rejects bad embeddings with typed errors', async () => {
    expect(codeOf(() => normalizeEmbedding(new Float32Array(3)))).toBe('INVALID_EMBEDDING');
    expect(codeOf(() => normalizeEmbedding(new Float32Array([1, Number.NaN])))).toBe('NON_FINITE');
    expect(codeOf(() => blendIdentity(new Float32Array([1, 0]), new Float32Array([1, 0, 0]), 0.5))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => blendIdentity(new Float32Array([1]), new Float32Array([1]), 2))).toBe('INVALID_ARGUMENT');
    const embedder = stubEmbedder();
    expect(await asyncCodeOf(() => embedReferences(embedder, []))).toBe('INVALID_ARGUMENT');
    expect(await asyncCodeOf(() => embedReferences(embedder, [{ name: 'zero' }]))).toBe('INVALID_EMBEDDING');
    expect(await asyncCodeOf(() => embedReferences(embedder, [{ name: 'a' }, { name: 'short' }]))).toBe('SHAPE_MISMATCH');
  });
});

describe('reference-guided mode', () => {
  it('feeds the reference identity to every call, embedding the references once', async () => {
    const session = identityEcho();
    const mib = createLearnedBottleneck({ session });
    const embedder = stubEmbedder();
    const guided = withReferenceIdentity(mib, { embedder, references: [{ name: 'a' }] });
    const z = tensor([0, 0, 0, 0], [2, 2]);
    const first = await guided.compress(z, { deterministic: true });
    await guided.compress(z, { deterministic: true });
    expect(embedder.calls).toEqual(['a']);
    expect(Array.from(first.mean.data)).toEqual([0.6, 0.6, 0.6, 0.6].map(Math.fround));
    expect(session.fed[0]!.shape).toEqual([2, 3]);
    expect(guided.identity).toBe('optional');
    expect(guided.kind).toBe('learned');
  });

  it('blends a per-call identity with the reference by weight (the control knob)', async () => {
    const session = identityEcho();
    const mib = createLearnedBottleneck({ session });
    const z = tensor([0, 0], [1, 2]);
    const self = new Float32Array([1, 0, 0]);
    const reference = new Float32Array([0, 1, 0]);
    for (const weight of [0, 0.25, 0.5, 1]) {
      const guided = withReferenceIdentity(mib, { embedding: reference }, { weight });
      await guided.compress(z, { deterministic: true, identity: self });
      const fed = session.fed.at(-1)!.data;
      const expected = blendIdentity(self, reference, weight);
      expect(Array.from(fed)).toEqual(Array.from(expected));
      // The weight moves the fed identity from self to the reference monotonically.
      expect(fed[1]! / Math.hypot(fed[0]!, fed[1]!)).toBeCloseTo(weight / Math.hypot(1 - weight, weight), 6);
    }
    // One embedding per image, each blended.
    const guided = withReferenceIdentity(mib, { embedding: reference }, { weight: 1 });
    await guided.compress(tensor([0, 0, 0, 0], [2, 2]), { deterministic: true, identity: tensor([1, 0, 0, 0, 0, 1], [2, 3]) });
    expect(Array.from(session.fed.at(-1)!.data)).toEqual([0, 1, 0, 0, 1, 0]);
  });

  it('refuses a bottleneck without an identity input, and bad sources and weights', () => {
    const channel = createGaussianChannel({ alphasCumprod: [0.9, 0.5], timestep: 0 });
    expect(codeOf(() => withReferenceIdentity(channel, { embedding: new Float32Array([1]) }))).toBe('IDENTITY_UNSUPPORTED');
    const mib = createLearnedBottleneck({ session: identityEcho() });
    expect(codeOf(() => withReferenceIdentity(mib, {} as never))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => withReferenceIdentity(mib, { embedding: new Float32Array([1]) }, { weight: 1.5 }))).toBe('INVALID_ARGUMENT');
    expect(codeOf(() => withReferenceIdentity(mib, { embedding: new Float32Array([0, 0]) }))).toBe('INVALID_EMBEDDING');
  });

  it('retries the embedding after a failure instead of caching it', async () => {
    let fail = true;
    const embedder: IdentityEmbedder<Face> = {
      async embed() {
        if (fail) throw new Error('embedder offline');
        return new Float32Array([0, 0, 1]);
      },
    };
    const guided = withReferenceIdentity(createLearnedBottleneck({ session: identityEcho() }), { embedder, references: [{ name: 'x' }] });
    await expect(guided.compress(tensor([0, 0], [1, 2]), { deterministic: true })).rejects.toThrow('embedder offline');
    fail = false;
    expect(Array.from(await guided.referenceEmbedding())).toEqual([0, 0, 1]);
  });
});
