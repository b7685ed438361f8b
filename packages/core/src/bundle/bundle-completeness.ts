/**
 * Whether a bundle holds everything its pipeline needs, from the roles it declares and the
 * signatures of its models: checked by `validateBundle`, so an incomplete bundle is refused before
 * inference instead of failing deep inside it.
 */
import { DiffmacError } from '@diffmac/base';
import type { TensorSignature } from '../inference/types';
import type { BundleManifest } from './manifest';
import type { BundleRole } from './roles';

type Signatures = Readonly<Record<string, { inputs: readonly TensorSignature[]; outputs: readonly TensorSignature[] }>>;

/**
 * Refuse a bundle that cannot run: no model to run (`BUNDLE_INCOMPLETE`); a latent UNet (sample
 * channels other than 3) without `vae_encoder` and `vae_decoder`; a UNet taking
 * `encoder_hidden_states` without `text_encoder` and `tokenizer`; a UNet without `scheduler`; a
 * resolution that is not a multiple of the latent scale factor, or that disagrees with a model's
 * fixed input size (`BUNDLE_INCONSISTENT`). Every message says what is missing and where it goes.
 *
 * @example
 * checkBundleComplete(manifest, signatures, 'models/tiny');
 */
export function checkBundleComplete(manifest: BundleManifest, signatures: Signatures, root: string): void {
  const roles = new Set<BundleRole>(Object.values(manifest.components).map((c) => c.role));
  const named = (role: BundleRole) => Object.entries(manifest.components).filter(([, c]) => c.role === role).map(([n]) => n);
  const need = (role: BundleRole, why: string) => {
    if (roles.has(role)) return;
    throw new DiffmacError('BUNDLE_INCOMPLETE', `${root} has no ${role} component, which ${why}: add ${role}/ (its model and a "${role}" entry in diffmac.json components and files)`, {
      argument: 'components',
      expected: `a ${role} component`,
      received: `components: ${[...roles].join(', ') || 'none'}`,
    });
  };
  const unets = [...named('unet'), ...named('unet_stage2')];
  if (unets.length === 0 && !roles.has('restorer')) {
    throw new DiffmacError('BUNDLE_INCOMPLETE', `${root} has no model to restore with: it needs a unet (a diffusion bundle) or a restorer (a one-pass bundle)`, {
      argument: 'components',
      expected: 'a unet or a restorer component',
      received: `components: ${[...roles].join(', ') || 'none'}`,
    });
  }
  let latent = false;
  for (const name of unets) {
    const inputs = signatures[name]?.inputs ?? [];
    const sample = inputs.find((t) => t.name === 'sample');
    const channels = sample?.shape[1];
    if (typeof channels !== 'number' || channels !== 3) latent = true;
    if (inputs.some((t) => t.name === 'encoder_hidden_states')) {
      need('text_encoder', `the ${name} needs for its encoder_hidden_states`);
      need('tokenizer', 'the text encoder needs');
    }
  }
  if (unets.length > 0) need('scheduler', 'a diffusion bundle needs for its sampler');
  if (latent) {
    need('vae_encoder', 'a latent UNet needs to encode the input face');
    need('vae_decoder', 'a latent UNet needs to decode its result');
  }
  const factor = manifest.latentScaleFactor ?? (latent ? 8 : 1);
  if (manifest.resolution % factor !== 0 || manifest.resolution < factor * 2) {
    throw new DiffmacError('BUNDLE_INCONSISTENT', `${root}: resolution ${manifest.resolution} is not a multiple of the latent scale factor ${factor} (at least ${2 * factor})`, {
      argument: 'resolution',
      expected: `a multiple of ${factor}, at least ${2 * factor}`,
      received: String(manifest.resolution),
    });
  }
  for (const name of [...named('restorer'), ...named('vae_encoder')]) {
    const input = signatures[name]?.inputs.find((t) => t.shape.length === 4);
    const [h, w] = [input?.shape[2], input?.shape[3]];
    for (const d of [h, w]) {
      if (typeof d === 'number' && d !== manifest.resolution) {
        throw new DiffmacError('BUNDLE_INCONSISTENT', `${root}: ${name} takes ${h}×${w} images but the bundle's resolution is ${manifest.resolution}`, {
          argument: 'resolution',
          expected: String(d),
          received: String(manifest.resolution),
        });
      }
    }
  }
}
