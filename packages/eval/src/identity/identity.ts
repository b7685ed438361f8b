import { DiffmacError, invalidArgument, type ColorImage } from '@diffmac/base';
import { assertImage } from '../image/validate';
import type { IdentityEmbedder } from './arcface';

/**
 * Cosine similarity of two embeddings in float64 (`a·b / (|a| |b|)`), as the BFR scripts' `cosin_metric`.
 *
 * @example
 * cosineSimilarity([1, 0], [0, 1]); // 0
 */
export function cosineSimilarity(a: ArrayLike<number>, b: ArrayLike<number>): number {
  for (const [argument, v] of [['a', a], ['b', b]] as const) {
    if (v === null || typeof v !== 'object' || typeof (v as ArrayLike<number>).length !== 'number') invalidArgument(argument, 'an embedding (array or typed array of numbers)', v, 'INVALID_EMBEDDING');
  }
  if (a.length !== b.length || a.length === 0) {
    throw new DiffmacError('EMBEDDING_MISMATCH', `Expected two non-empty embeddings of equal length, received ${a.length} and ${b.length}`, {
      argument: 'b',
      expected: `${a.length} values`,
      received: `${b.length} values`,
    });
  }
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as number;
    const y = b[i] as number;
    dot += x * y;
    na += x * x;
    nb += y * y;
  }
  return dot / (Math.sqrt(na) * Math.sqrt(nb));
}

/** Unit of the identity angle. */
export type AngleUnit = 'degrees' | 'radians';

/**
 * The identity angle `arccos(cos)` (cosine clamped to [-1, 1]) in degrees (VQFR's "Deg") or
 * radians (RestoreFormer++).
 *
 * @example
 * identityAngle(0.5, 'degrees'); // 60
 */
export function identityAngle(cosine: number, unit: AngleUnit = 'degrees'): number {
  const rad = Math.acos(Math.min(1, Math.max(-1, cosine)));
  return unit === 'degrees' ? (rad / Math.PI) * 180 : rad;
}

/** Identity scores of one pair. */
export interface IdentityScore {
  cosine: number;
  angle: number;
  unit: AngleUnit;
}

/**
 * Embed both faces with `embedder` and score the pair: cosine and angle.
 *
 * @example
 * const { cosine, angle } = await identityScore(restored, gt, embedder, { unit: 'degrees' });
 */
export async function identityScore(
  img: ColorImage,
  ref: ColorImage,
  embedder: IdentityEmbedder,
  options: { unit?: AngleUnit; signal?: AbortSignal } = {},
): Promise<IdentityScore> {
  assertImage('img', img);
  assertImage('ref', ref);
  const [a, b] = await embedder.embed([img, ref], options.signal ? { signal: options.signal } : {});
  if (!a || !b) throw new DiffmacError('EMBEDDING_MISSING', 'The embedder returned fewer than two embeddings', { argument: 'embedder' });
  const cosine = cosineSimilarity(a, b);
  const unit = options.unit ?? 'degrees';
  return { cosine, angle: identityAngle(cosine, unit), unit };
}
