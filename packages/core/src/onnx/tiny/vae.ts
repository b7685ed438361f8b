/**
 * Tiny VAE encoder and decoder with the diffusers ONNX signatures (scale factor 8).
 */
import { conv2d, silu } from '../tiny-layers';
import { finishTiny, positiveSize, startTiny, type TinyModel, type TinyModelBaseOptions } from './common';

/** Options of {@link buildTinyVaeEncoder} and {@link buildTinyVaeDecoder}. */
export interface TinyVaeOptions extends TinyModelBaseOptions {
  /** Latent channels (default 4). */
  latentChannels?: number;
  /** Hidden width (default 8). */
  hidden?: number;
}

/**
 * A tiny VAE encoder: `sample` float32 [batch, 3, height, width] (multiples of 8) →
 * `latent_sample` float32 [batch, C, height/8, width/8].
 *
 * @example
 * const enc = buildTinyVaeEncoder({ rng: createRng(1).fork('vae_encoder') });
 */
export function buildTinyVaeEncoder(options: TinyVaeOptions = {}): TinyModel {
  const c = positiveSize(options.latentChannels ?? 4, 'options.latentChannels');
  const hidden = positiveSize(options.hidden ?? 8, 'options.hidden');
  const ctx = startTiny('vae_encoder', options);
  const b = ctx.builder;
  const x = b.input('sample', 'float32', ['batch', 3, 'height', 'width']);
  const h = silu(ctx, conv2d(ctx, x, 3, hidden, { kernel: 8, stride: 8, name: 'patchify' }));
  const z = conv2d(ctx, h, hidden, c, { kernel: 1, name: 'to_latent' });
  b.node('Identity', [z], ['latent_sample']);
  b.output('latent_sample', 'float32', ['batch', c, 'height/8', 'width/8']);
  return finishTiny('vae_encoder', ctx);
}

/**
 * A tiny VAE decoder: `latent_sample` float32 [batch, C, height, width] → `sample` float32
 * [batch, 3, height*8, width*8] in [-1, 1].
 *
 * @example
 * const dec = buildTinyVaeDecoder({ seed: 3 });
 */
export function buildTinyVaeDecoder(options: TinyVaeOptions = {}): TinyModel {
  const c = positiveSize(options.latentChannels ?? 4, 'options.latentChannels');
  const hidden = positiveSize(options.hidden ?? 8, 'options.hidden');
  const ctx = startTiny('vae_decoder', options);
  const b = ctx.builder;
  const z = b.input('latent_sample', 'float32', ['batch', c, 'height', 'width']);
  const h = silu(ctx, conv2d(ctx, z, c, hidden, { kernel: 1, name: 'from_latent' }));
  const x = conv2d(ctx, h, hidden, 3, { kernel: 8, stride: 8, transpose: true, name: 'unpatchify' });
  b.node('Tanh', [x], ['sample']);
  b.output('sample', 'float32', ['batch', 3, 'height*8', 'width*8']);
  return finishTiny('vae_decoder', ctx);
}
