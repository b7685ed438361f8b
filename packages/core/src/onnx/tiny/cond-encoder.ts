/**
 * A tiny condition encoder: multi-level features of the low-quality image for the UNet.
 */
import { invalidArgument } from '@diffmac/base';
import { conv2d, silu } from '../tiny-layers';
import { finishTiny, positiveSize, startTiny, type TinyModel, type TinyModelBaseOptions } from './common';

/** Options of {@link buildTinyCondEncoder}. */
export interface TinyCondEncoderOptions extends TinyModelBaseOptions {
  /** Feature width; must equal the UNet's `hidden` (default 8). */
  hidden?: number;
  /** Number of feature levels (1 or 2; default 2; the UNet's `conditionLevels`). */
  levels?: number;
}

/**
 * A tiny condition encoder: `lq` float32 [batch, 3, height, width] (RGB in [-1, 1], multiples of
 * 16) → `features_i` float32 [batch, hidden, height/(8·2^i), width/(8·2^i)] for each level i, the
 * shapes the tiny UNet's `cond_feature_i` inputs take.
 *
 * @example
 * const cond = buildTinyCondEncoder({ levels: 2, seed: 1 });
 */
export function buildTinyCondEncoder(options: TinyCondEncoderOptions = {}): TinyModel {
  const hidden = positiveSize(options.hidden ?? 8, 'options.hidden');
  const levels = options.levels ?? 2;
  if (levels !== 1 && levels !== 2) invalidArgument('options.levels', '1 or 2', levels);
  const ctx = startTiny('cond_encoder', options);
  const b = ctx.builder;
  const lq = b.input('lq', 'float32', ['batch', 3, 'height', 'width']);
  let h = silu(ctx, conv2d(ctx, lq, 3, hidden, { kernel: 8, stride: 8, name: 'patchify' }));
  for (let i = 0; i < levels; i++) {
    if (i > 0) h = silu(ctx, conv2d(ctx, h, hidden, hidden, { kernel: 2, stride: 2, name: 'down' }));
    const f = conv2d(ctx, h, hidden, hidden, { kernel: 1, name: 'zero_conv' });
    b.node('Identity', [f], [`features_${i}`]);
    b.output(`features_${i}`, 'float32', ['batch', hidden, `height/${8 * 2 ** i}`, `width/${8 * 2 ** i}`]);
  }
  return finishTiny('cond_encoder', ctx);
}
