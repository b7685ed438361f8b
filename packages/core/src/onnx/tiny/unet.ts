/**
 * A tiny UNet with the diffusers ONNX signature.
 */
import { invalidArgument } from '@diffmac/base';
import type { TensorDataType } from '../../inference/types';
import { binary, conv2d, floatConstant, int64Constant, linear, silu, unary } from '../tiny-layers';
import { finishTiny, positiveSize, startTiny, type TinyModel, type TinyModelBaseOptions } from './common';

/** Options of {@link buildTinyUnet}. */
export interface TinyUnetOptions extends TinyModelBaseOptions {
  /** Latent channels of `sample` and `out_sample` (default 4). */
  latentChannels?: number;
  /** Hidden width (default 8). */
  hidden?: number;
  /** Last axis of `encoder_hidden_states` (default 32). */
  contextDim?: number;
  /** Condition-feature inputs `cond_feature_0..n-1` (0, 1 or 2; default 0). */
  conditionLevels?: number;
  /** Element type of `timestep` (default `'int64'`, as Optimum exports it). */
  timestepDtype?: Extract<TensorDataType, 'int64' | 'float32'>;
}

/**
 * A tiny UNet. Inputs: `sample` float32 [batch, C, height, width] (height, width even),
 * `timestep` int64 (or float32) [steps], `encoder_hidden_states` float32 [batch, sequence, D],
 * and with `conditionLevels` k: `cond_feature_i` float32 [batch, hidden, height/2^i, width/2^i].
 * Output: `out_sample` float32 [batch, C, height, width]. One down and one up level; the
 * timestep, the mean text context and the condition features all change the output.
 *
 * @example
 * const unet = buildTinyUnet({ rng: createRng(1), conditionLevels: 2 });
 * const session = await createSession(unet.bytes);
 */
export function buildTinyUnet(options: TinyUnetOptions = {}): TinyModel {
  const c = positiveSize(options.latentChannels ?? 4, 'options.latentChannels');
  const hidden = positiveSize(options.hidden ?? 8, 'options.hidden');
  const d = positiveSize(options.contextDim ?? 32, 'options.contextDim');
  const levels = options.conditionLevels ?? 0;
  if (![0, 1, 2].includes(levels)) invalidArgument('options.conditionLevels', '0, 1 or 2', levels);
  const ctx = startTiny('unet', options);
  const b = ctx.builder;
  const sample = b.input('sample', 'float32', ['batch', c, 'height', 'width']);
  const timestep = b.input('timestep', options.timestepDtype ?? 'int64', ['steps']);
  const context = b.input('encoder_hidden_states', 'float32', ['batch', 'sequence', d]);
  const conds: string[] = [];
  for (let i = 0; i < levels; i++) {
    conds.push(b.input(`cond_feature_${i}`, 'float32', ['batch', hidden, i === 0 ? 'height' : `height/${2 ** i}`, i === 0 ? 'width' : `width/${2 ** i}`]));
  }
  // Timestep embedding: sin(mean(t) * freqs) as [1, hidden, 1, 1].
  const tf = unary(ctx, 'Cast', timestep, { to: 1 });
  const tmean = unary(ctx, 'ReduceMean', tf, { axes: [0], keepdims: 0 });
  const freqs = floatConstant(ctx, Array.from({ length: hidden }, (_, i) => Math.exp((-Math.log(1000) * i) / hidden)), [hidden], 'freqs');
  const temb = unary(ctx, 'Sin', binary(ctx, 'Mul', tmean, freqs));
  const tproj = linear(ctx, temb, hidden, hidden, 'time_proj');
  const [t4] = b.node('Reshape', [tproj, int64Constant(ctx, [1, hidden, 1, 1], 'shape')], [b.uniqueName('temb')]);
  // Text context: mean over the sequence, projected to [batch, hidden, 1, 1].
  const cmean = unary(ctx, 'ReduceMean', context, { axes: [1], keepdims: 0 });
  const cproj = linear(ctx, cmean, d, hidden, 'context_proj');
  const [c4] = b.node('Unsqueeze', [cproj, int64Constant(ctx, [2, 3], 'axes')], [b.uniqueName('cemb')]);
  let h0 = conv2d(ctx, sample, c, hidden, { kernel: 3, pad: 1, name: 'conv_in' });
  h0 = silu(ctx, binary(ctx, 'Add', binary(ctx, 'Add', h0, t4!), c4!));
  if (conds[0]) h0 = binary(ctx, 'Add', h0, conds[0]);
  let h1 = silu(ctx, conv2d(ctx, h0, hidden, hidden, { kernel: 2, stride: 2, name: 'down' }));
  if (conds[1]) h1 = binary(ctx, 'Add', h1, conds[1]);
  h1 = silu(ctx, conv2d(ctx, h1, hidden, hidden, { kernel: 3, pad: 1, name: 'mid' }));
  const up = conv2d(ctx, h1, hidden, hidden, { kernel: 2, stride: 2, transpose: true, name: 'up' });
  const merged = silu(ctx, binary(ctx, 'Add', up, h0));
  const out = conv2d(ctx, merged, hidden, c, { kernel: 3, pad: 1, name: 'conv_out' });
  b.node('Identity', [out], ['out_sample']);
  b.output('out_sample', 'float32', ['batch', c, 'height', 'width']);
  return finishTiny('unet', ctx);
}
