/**
 * A tiny one-pass restorer (GFPGAN/CodeFormer-like signature).
 */
import { binary, conv2d, floatConstant, silu } from '../tiny-layers';
import { finishTiny, positiveSize, startTiny, type TinyModel, type TinyModelBaseOptions } from './common';

/** Options of {@link buildTinyRestorer}. */
export interface TinyRestorerOptions extends TinyModelBaseOptions {
  /** Fixed square input size (default 512). */
  size?: number;
  /** Add CodeFormer's fidelity weight input `w` (default false). */
  fidelityWeight?: boolean;
  /** Hidden width (default 8). */
  hidden?: number;
}

/**
 * A tiny one-pass restorer: `input` float32 [1, 3, size, size] RGB in [-1, 1] (and with
 * `fidelityWeight`, `w` float32 [1]) → `output` float32 [1, 3, size, size] in [-1, 1]:
 * `clip(input + (1 - w) · residual(input))` (w = 0 without the input), a residual of two 3x3 convs.
 *
 * @example
 * const codeformer = buildTinyRestorer({ size: 64, fidelityWeight: true, seed: 1 });
 */
export function buildTinyRestorer(options: TinyRestorerOptions = {}): TinyModel {
  const size = positiveSize(options.size ?? 512, 'options.size');
  const hidden = positiveSize(options.hidden ?? 8, 'options.hidden');
  const ctx = startTiny('restorer', options);
  const b = ctx.builder;
  const x = b.input('input', 'float32', [1, 3, size, size]);
  const w = options.fidelityWeight ? b.input('w', 'float32', [1]) : undefined;
  const h = silu(ctx, conv2d(ctx, x, 3, hidden, { kernel: 3, pad: 1, name: 'body' }));
  let residual = conv2d(ctx, h, hidden, 3, { kernel: 3, pad: 1, std: 0.05, name: 'residual' });
  if (w) residual = binary(ctx, 'Mul', residual, binary(ctx, 'Sub', floatConstant(ctx, [1], [], 'one'), w));
  const y = binary(ctx, 'Add', x, residual);
  b.node('Clip', [y, floatConstant(ctx, [-1], [], 'lo'), floatConstant(ctx, [1], [], 'hi')], ['output']);
  b.output('output', 'float32', [1, 3, size, size]);
  return finishTiny('restorer', ctx);
}
