/**
 * A tiny ArcFace-like identity network.
 */
import { conv2d, linear, silu, unary } from '../tiny-layers';
import { finishTiny, positiveSize, startTiny, type TinyModel, type TinyModelBaseOptions } from './common';

/** Options of {@link buildTinyIdentity}. */
export interface TinyIdentityOptions extends TinyModelBaseOptions {
  /** Fixed square input size, a multiple of 8 (default 112). */
  size?: number;
  /** Embedding width (default 512). */
  embeddingDim?: number;
  /** Hidden width (default 8). */
  hidden?: number;
}

/**
 * A tiny identity network: `input` float32 [batch, 3, size, size] → `embedding` float32
 * [batch, E] (not normalised, as ArcFace exports).
 *
 * @example
 * const arcface = buildTinyIdentity({ seed: 1 }); // 112² → 512
 */
export function buildTinyIdentity(options: TinyIdentityOptions = {}): TinyModel {
  const size = positiveSize(options.size ?? 112, 'options.size', 8);
  const e = positiveSize(options.embeddingDim ?? 512, 'options.embeddingDim');
  const hidden = positiveSize(options.hidden ?? 8, 'options.hidden');
  const ctx = startTiny('identity', options);
  const b = ctx.builder;
  const x = b.input('input', 'float32', ['batch', 3, size, size]);
  const h = silu(ctx, conv2d(ctx, x, 3, hidden, { kernel: 8, stride: 8, name: 'stem' }));
  const pooled = unary(ctx, 'Flatten', unary(ctx, 'GlobalAveragePool', h), { axis: 1 });
  const y = linear(ctx, pooled, hidden, e, 'fc');
  b.node('Identity', [y], ['embedding']);
  b.output('embedding', 'float32', ['batch', e]);
  return finishTiny('identity', ctx);
}
