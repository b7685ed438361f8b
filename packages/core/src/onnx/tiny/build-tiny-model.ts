/**
 * One entry point for every tiny model role.
 */
import { invalidArgument } from '@diffmac/base';
import type { TinyModel, TinyModelRole } from './common';
import { buildTinyCondEncoder, type TinyCondEncoderOptions } from './cond-encoder';
import { buildTinyDetector, type TinyDetectorOptions } from './detector';
import { buildTinyIdentity, type TinyIdentityOptions } from './identity';
import { buildTinyMib, type TinyMibOptions } from './mib';
import { buildTinyRestorer, type TinyRestorerOptions } from './restorer';
import { buildTinyTextEncoder, type TinyTextEncoderOptions } from './text-encoder';
import { buildTinyUnet, type TinyUnetOptions } from './unet';
import { buildTinyVaeDecoder, buildTinyVaeEncoder, type TinyVaeOptions } from './vae';

/** The options type of each tiny model role. */
export interface TinyModelOptionsByRole {
  unet: TinyUnetOptions;
  vae_encoder: TinyVaeOptions;
  vae_decoder: TinyVaeOptions;
  text_encoder: TinyTextEncoderOptions;
  cond_encoder: TinyCondEncoderOptions;
  mib: TinyMibOptions;
  restorer: TinyRestorerOptions;
  detector: TinyDetectorOptions;
  identity: TinyIdentityOptions;
}

const builders: { readonly [R in TinyModelRole]: (options: TinyModelOptionsByRole[R]) => TinyModel } = {
  unet: buildTinyUnet,
  vae_encoder: buildTinyVaeEncoder,
  vae_decoder: buildTinyVaeDecoder,
  text_encoder: buildTinyTextEncoder,
  cond_encoder: buildTinyCondEncoder,
  mib: buildTinyMib,
  restorer: buildTinyRestorer,
  detector: buildTinyDetector,
  identity: buildTinyIdentity,
};

/** Every role {@link buildTinyModel} accepts. */
export const tinyModelRoles = Object.keys(builders) as readonly TinyModelRole[];

/**
 * Build a tiny model with seeded random weights and the real signature of `role`.
 *
 * @example
 * const mib = buildTinyModel('mib', { latentChannels: 4, identityDim: 512, rng: createRng(1) });
 * await writeFile('mib/model.onnx', mib.bytes);
 */
export function buildTinyModel<R extends TinyModelRole>(role: R, options: TinyModelOptionsByRole[R] = {} as TinyModelOptionsByRole[R]): TinyModel {
  if (!Object.hasOwn(builders, role)) invalidArgument('role', `one of ${tinyModelRoles.join(', ')}`, role, 'UNKNOWN_ROLE');
  return (builders[role] as (o: TinyModelOptionsByRole[R]) => TinyModel)(options);
}
