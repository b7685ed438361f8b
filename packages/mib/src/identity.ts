import { describeValue, invalidArgument, MibError } from './errors';

/**
 * Anything that turns a face into an identity embedding (an ArcFace session, a cached table, a
 * test stub). `Face` is whatever the embedder reads. It may resolve to the embedding itself or to
 * a one-element list of embeddings, so batch embedders fit as they are: face-align's
 * `FaceEmbedder` (`embed(face) → [descriptor]`) directly, and @diffmac/eval's ArcFace embedder
 * (`embed(faces[]) → embeddings[]`) with each reference given as a one-face array.
 *
 * @example
 * const embedder: IdentityEmbedder<{ data: Float32Array; shape: number[] }> = {
 *   async embed(face) { return arcface(face); },
 * };
 */
export interface IdentityEmbedder<Face = unknown> {
  embed(face: Face, options?: { signal?: AbortSignal }): Promise<Float32Array | ArrayLike<number> | readonly ArrayLike<number>[]>;
}

/** An embedder's answer as one Float32Array: the array itself, a list of exactly one, or any numeric array-like. */
function toEmbedding(result: unknown, argument: string): Float32Array {
  if (result instanceof Float32Array) return result;
  if (Array.isArray(result) && result.length === 1 && typeof result[0] === 'object' && result[0] !== null) return toEmbedding(result[0], `${argument}[0]`);
  if (ArrayBuffer.isView(result) && !(result instanceof DataView) && !(result instanceof BigInt64Array) && !(result instanceof BigUint64Array)) {
    return Float32Array.from(result as unknown as ArrayLike<number>);
  }
  if (Array.isArray(result) && result.every((v) => typeof v === 'number')) return Float32Array.from(result as number[]);
  return invalidArgument(argument, 'an embedding (Float32Array, numeric array, or a list of exactly one)', result, 'INVALID_EMBEDDING');
}

function checkEmbedding(e: unknown, argument: string): Float32Array {
  if (!(e instanceof Float32Array) || e.length === 0) invalidArgument(argument, 'a non-empty Float32Array embedding', e, 'INVALID_EMBEDDING');
  let sq = 0;
  for (let i = 0; i < e.length; i++) {
    const v = e[i] as number;
    if (!Number.isFinite(v)) invalidArgument(argument, 'finite values', `${describeValue(v)} at index ${i}`, 'NON_FINITE');
    sq += v * v;
  }
  if (sq === 0) invalidArgument(argument, 'a non-zero embedding', 'all zeros', 'INVALID_EMBEDDING');
  return e;
}

/**
 * Scale an embedding to unit L2 norm (float64 norm), as ArcFace-style embeddings are compared.
 *
 * @example
 * normalizeEmbedding(new Float32Array([3, 4])); // Float32Array [0.6, 0.8]
 */
export function normalizeEmbedding(embedding: Float32Array): Float32Array {
  checkEmbedding(embedding, 'embedding');
  let sq = 0;
  for (const v of embedding) sq += v * v;
  const inv = 1 / Math.sqrt(sq);
  return embedding.map((v) => v * inv);
}

/**
 * Blend two identity embeddings: the unit-norm interpolation normalize((1 − w)·â + w·b̂). `weight`
 * 0 keeps `self`, 1 takes `reference`: the knob of reference-guided restoration.
 *
 * @example
 * blendIdentity(new Float32Array([1, 0]), new Float32Array([0, 1]), 0.5); // ≈ [0.7071, 0.7071]
 */
export function blendIdentity(self: Float32Array, reference: Float32Array, weight: number): Float32Array {
  const a = normalizeEmbedding(checkEmbedding(self, 'self'));
  const b = normalizeEmbedding(checkEmbedding(reference, 'reference'));
  if (a.length !== b.length) {
    throw new MibError('SHAPE_MISMATCH', `Expected reference to have ${a.length} values like self, received ${b.length}`, {
      argument: 'reference',
      expected: `${a.length} values`,
      received: `${b.length} values`,
    });
  }
  if (!(typeof weight === 'number' && weight >= 0 && weight <= 1)) invalidArgument('weight', 'a number in [0, 1]', weight);
  const mixed = a.map((v, i) => (1 - weight) * v + weight * (b[i] as number));
  let sq = 0;
  for (const v of mixed) sq += v * v;
  // Opposite unit vectors at weight ½ cancel: fall back to the side the weight leans to.
  if (sq < 1e-12) return weight >= 0.5 ? b : a;
  return normalizeEmbedding(mixed);
}

/**
 * Embed one or more reference faces and return their mean identity (each embedding normalised,
 * averaged, normalised again), ready to feed a bottleneck's identity input.
 *
 * @example
 * const identity = await embedReferences(arcface, [refA, refB]);
 * await mib.compress(latent, { rng, identity });
 */
export async function embedReferences<Face>(
  embedder: IdentityEmbedder<Face>,
  faces: readonly Face[],
  options: { signal?: AbortSignal } = {},
): Promise<Float32Array> {
  if (typeof embedder !== 'object' || embedder === null || typeof embedder.embed !== 'function') {
    invalidArgument('embedder', 'an IdentityEmbedder ({ embed(face) })', embedder);
  }
  if (!Array.isArray(faces) || faces.length === 0) invalidArgument('faces', 'a non-empty array of reference faces', faces);
  let sum: Float64Array | undefined;
  for (let k = 0; k < faces.length; k++) {
    options.signal?.throwIfAborted();
    const argument = `embedder.embed(faces[${k}])`;
    const raw = await embedder.embed(faces[k] as Face, options.signal ? { signal: options.signal } : {});
    const e = normalizeEmbedding(checkEmbedding(toEmbedding(raw, argument), argument));
    if (sum === undefined) sum = new Float64Array(e.length);
    else if (e.length !== sum.length) {
      throw new MibError('SHAPE_MISMATCH', `Expected every embedding to have ${sum.length} values, received ${e.length} for faces[${k}]`, {
        argument: `faces[${k}]`,
        expected: `${sum.length} values`,
        received: `${e.length} values`,
      });
    }
    for (let i = 0; i < e.length; i++) sum[i] = (sum[i] as number) + (e[i] as number);
  }
  const mean = Float32Array.from(sum as Float64Array);
  let sq = 0;
  for (const v of mean) sq += v * v;
  if (sq < 1e-12) {
    throw new MibError('INVALID_EMBEDDING', 'Expected reference embeddings with a non-zero mean, received embeddings that cancel out', {
      argument: 'faces',
      expected: 'references of one identity',
      received: 'embeddings summing to zero',
    });
  }
  return normalizeEmbedding(mean);
}
