import type { ModelBundle } from '../bundle/load-bundle';
import { UNET_BASE_INPUTS } from './unet-model';

/** How a preset wires one UNet, read from the bundle manifest's roles and declared tensors. */
export interface StageWiring {
  /** The UNet runs in the VAE's latent space: the bundle declares both `vae_encoder` and `vae_decoder`. */
  readonly latent: boolean;
  /** The UNet's declared inputs beyond `sample`, `timestep`, `encoder_hidden_states`: condition inputs. */
  readonly conditionInputs: readonly string[];
  /** Condition features are fed: the UNet declares condition inputs and the bundle has a `cond_encoder`. */
  readonly controlled: boolean;
}

/**
 * Read how a UNet component is wired from the manifest (roles, and the input names the component
 * declares), never from tensor shapes: a latent-space UNet is one whose bundle declares a VAE, and a
 * controlled one declares condition inputs that a `cond_encoder` feeds.
 *
 * @example
 * const { latent, controlled } = stageWiring(bundle, 'unet');
 */
export function stageWiring(bundle: ModelBundle, unetName: string): StageWiring {
  const declared = (bundle.component(unetName).spec.inputs ?? []).map((i) => i.name);
  const conditionInputs = declared.filter((n) => !UNET_BASE_INPUTS.includes(n));
  const latent = bundle.byRole('vae_encoder') !== undefined && bundle.byRole('vae_decoder') !== undefined;
  return { latent, conditionInputs, controlled: conditionInputs.length > 0 && bundle.byRole('cond_encoder') !== undefined };
}
