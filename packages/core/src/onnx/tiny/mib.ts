/**
 * A tiny learned variational bottleneck (MIB) network.
 */
import { binary, conv2d, floatConstant, int64Constant, linear } from '../tiny-layers';
import { finishTiny, positiveSize, startTiny, type TinyModel, type TinyModelBaseOptions } from './common';

/** Options of {@link buildTinyMib}. */
export interface TinyMibOptions extends TinyModelBaseOptions {
  /** Latent channels of `latent`, `mean` and `logvar` (default 4). */
  latentChannels?: number;
  /** Add an `identity` input of this width (e.g. 512 for ArcFace); 0 or absent: no identity input. */
  identityDim?: number;
  /** Offset of `logvar` (default -2, a variance of about 0.14). */
  logvarOffset?: number;
}

/**
 * A tiny MIB network: `latent` float32 [batch, C, height, width] and, with `identityDim` E,
 * `identity` float32 [batch, E] → `mean` and `logvar`, both float32 [batch, C, height, width].
 * `mean` is a 1x1 convolution of the latent plus a projection of the identity; `logvar` a small
 * 1x1 convolution plus `logvarOffset`.
 *
 * @example
 * const mib = buildTinyMib({ latentChannels: 4, identityDim: 512, rng: createRng(5).fork('mib') });
 * const session = await createSession(mib.bytes); // run({ latent, identity }) → { mean, logvar }
 */
export function buildTinyMib(options: TinyMibOptions = {}): TinyModel {
  const c = positiveSize(options.latentChannels ?? 4, 'options.latentChannels');
  const e = options.identityDim ? positiveSize(options.identityDim, 'options.identityDim') : 0;
  const ctx = startTiny('mib', options);
  const b = ctx.builder;
  const latent = b.input('latent', 'float32', ['batch', c, 'height', 'width']);
  const identity = e > 0 ? b.input('identity', 'float32', ['batch', e]) : undefined;
  let mean = binary(ctx, 'Add', latent, conv2d(ctx, latent, c, c, { kernel: 1, std: 0.1, name: 'mean_conv' }));
  if (identity) {
    const proj = linear(ctx, identity, e, c, 'identity_proj');
    const [p4] = b.node('Unsqueeze', [proj, int64Constant(ctx, [2, 3], 'axes')], [b.uniqueName('identity4')]);
    mean = binary(ctx, 'Add', mean, p4!);
  }
  const lv = conv2d(ctx, latent, c, c, { kernel: 1, std: 0.05, name: 'logvar_conv' });
  const logvar = binary(ctx, 'Add', lv, floatConstant(ctx, [options.logvarOffset ?? -2], [], 'logvar_offset'));
  b.node('Identity', [mean], ['mean']);
  b.node('Identity', [logvar], ['logvar']);
  b.output('mean', 'float32', ['batch', c, 'height', 'width']);
  b.output('logvar', 'float32', ['batch', c, 'height', 'width']);
  return finishTiny('mib', ctx);
}
