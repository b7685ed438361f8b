/**
 * A tiny CLIP-like text encoder with the diffusers ONNX signature.
 */
import { randomWeights, linear, unary } from '../tiny-layers';
import { finishTiny, positiveSize, startTiny, type TinyModel, type TinyModelBaseOptions } from './common';

/** Options of {@link buildTinyTextEncoder}. */
export interface TinyTextEncoderOptions extends TinyModelBaseOptions {
  /** Token ids must be below this (default 64). */
  vocabSize?: number;
  /** Width of the hidden states (default 32; the UNet's `contextDim`). */
  hiddenDim?: number;
}

/**
 * A tiny text encoder: `input_ids` int32 [batch, sequence] → `last_hidden_state` float32
 * [batch, sequence, D] and `pooler_output` float32 [batch, D]. An embedding lookup, a projection
 * and tanh, so different ids give different states.
 *
 * @example
 * const te = buildTinyTextEncoder({ vocabSize: 64, hiddenDim: 32, seed: 1 });
 */
export function buildTinyTextEncoder(options: TinyTextEncoderOptions = {}): TinyModel {
  const vocab = positiveSize(options.vocabSize ?? 64, 'options.vocabSize');
  const d = positiveSize(options.hiddenDim ?? 32, 'options.hiddenDim');
  const ctx = startTiny('text_encoder', options);
  const b = ctx.builder;
  const ids = b.input('input_ids', 'int32', ['batch', 'sequence']);
  const table = b.initializer(b.uniqueName('token_embedding'), randomWeights(ctx.rng, vocab * d, 1), [vocab, d]);
  const [emb] = b.node('Gather', [table, ids], [b.uniqueName('embedded')], { axis: 0 });
  const h = unary(ctx, 'Tanh', linear(ctx, emb!, d, d, 'proj'));
  b.node('Identity', [h], ['last_hidden_state']);
  b.node('ReduceMean', [h], ['pooler_output'], { axes: [1], keepdims: 0 });
  b.output('last_hidden_state', 'float32', ['batch', 'sequence', d]);
  b.output('pooler_output', 'float32', ['batch', d]);
  return finishTiny('text_encoder', ctx);
}
