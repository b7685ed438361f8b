import type { Bottleneck, CompressContext, CompressResult } from './bottleneck';
import { invalidArgument, MibError } from './errors';
import { blendIdentity, embedReferences, type IdentityEmbedder, normalizeEmbedding } from './identity';
import type { LatentTensor } from './tensor';

/** Where the reference identity comes from: a ready embedding, or faces and an embedder. */
export type ReferenceSource<Face = unknown> =
  | { readonly embedding: Float32Array }
  | { readonly embedder: IdentityEmbedder<Face>; readonly references: readonly Face[] };

/** Options of {@link withReferenceIdentity}. */
export interface ReferenceGuidedOptions {
  /**
   * How much of the reference identity to inject, in [0, 1] (default 1). With a per-call
   * `ctx.identity` (e.g. the degraded face's own embedding) the bottleneck sees
   * normalize((1 − w)·self + w·reference); without one it sees the reference.
   */
  weight?: number;
}

/** A bottleneck with a reference identity built in. */
export interface ReferenceGuidedBottleneck<R extends CompressResult = CompressResult> extends Bottleneck<R> {
  readonly weight: number;
  /** The reference embedding (unit norm), computed once on first use. */
  referenceEmbedding(options?: { signal?: AbortSignal }): Promise<Float32Array>;
}

/**
 * Reference-guided mode for controllable restoration: wrap a bottleneck that takes an identity
 * input so every call is fed the identity of one or more reference faces (embedded once, on
 * first use), blended with the per-call identity by `weight`.
 *
 * @example
 * const guided = withReferenceIdentity(mib, { embedder: arcface, references: [photoOfSamePerson] }, { weight: 0.7 });
 * const out = await guided.compress(stage1Latent, { rng, identity: lqEmbedding });
 */
export function withReferenceIdentity<R extends CompressResult, Face = unknown>(
  bottleneck: Bottleneck<R>,
  source: ReferenceSource<Face>,
  options: ReferenceGuidedOptions = {},
): ReferenceGuidedBottleneck<R> {
  if (typeof bottleneck !== 'object' || bottleneck === null || typeof bottleneck.compress !== 'function') {
    invalidArgument('bottleneck', 'a Bottleneck ({ compress, identity })', bottleneck);
  }
  if (bottleneck.identity === 'none') {
    throw new MibError('IDENTITY_UNSUPPORTED', `Expected a bottleneck with an identity input, received kind ${JSON.stringify(bottleneck.kind)} with identity 'none'`, {
      argument: 'bottleneck',
      expected: "identity 'required' or 'optional'",
      received: "identity 'none'",
    });
  }
  if (typeof source !== 'object' || source === null || !('embedding' in source || ('embedder' in source && 'references' in source))) {
    invalidArgument('source', '{ embedding } or { embedder, references }', source);
  }
  const weight = options.weight ?? 1;
  if (!(typeof weight === 'number' && weight >= 0 && weight <= 1)) invalidArgument('options.weight', 'a number in [0, 1]', weight);

  let pending: Promise<Float32Array> | undefined;
  if ('embedding' in source) {
    const e = normalizeEmbedding(source.embedding);
    pending = Promise.resolve(e);
  }
  const referenceEmbedding = (opts: { signal?: AbortSignal } = {}): Promise<Float32Array> => {
    if (pending === undefined && 'embedder' in source) {
      const p = embedReferences(source.embedder, source.references, opts);
      pending = p;
      // A failed or aborted embedding is retried on the next call, not cached.
      p.catch(() => {
        if (pending === p) pending = undefined;
      });
    }
    return pending as Promise<Float32Array>;
  };

  return {
    kind: bottleneck.kind,
    identity: 'optional',
    weight,
    referenceEmbedding,
    async compress(z: LatentTensor, ctx: CompressContext = {}): Promise<R> {
      const reference = await referenceEmbedding(ctx.signal ? { signal: ctx.signal } : {});
      let identity: Float32Array | LatentTensor;
      const own = ctx.identity;
      if (own === undefined) identity = reference;
      else if (own instanceof Float32Array) identity = blendIdentity(own, reference, weight);
      else if (typeof own === 'object' && own !== null && own.data instanceof Float32Array && own.shape.length === 2) {
        const [batch, dim] = own.shape as [number, number];
        const data = new Float32Array(batch * dim);
        for (let b = 0; b < batch; b++) data.set(blendIdentity(own.data.subarray(b * dim, (b + 1) * dim), reference, weight), b * dim);
        identity = { data, shape: [batch, dim] };
      } else invalidArgument('ctx.identity', 'a Float32Array or a [batch, dim] tensor', own);
      return bottleneck.compress(z, { ...ctx, identity });
    },
  };
}
