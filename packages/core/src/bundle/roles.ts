/**
 * The component roles a model bundle can hold and the tensor names each role must expose.
 */

/** A component's job in a bundle. */
export type BundleRole =
  | 'unet'
  | 'unet_stage2'
  | 'vae_encoder'
  | 'vae_decoder'
  | 'text_encoder'
  | 'tokenizer'
  | 'scheduler'
  | 'cond_encoder'
  | 'mib'
  | 'identity'
  | 'restorer'
  | 'detector';

/** What a role requires of its ONNX file (`kind: 'onnx'`), or that it is a folder / JSON file. */
export interface BundleRoleSpec {
  readonly kind: 'onnx' | 'folder' | 'json';
  /** Input names the role must have (the diffusers ONNX names where there are some). */
  readonly inputs: readonly string[];
  /** Output names the role must have; a list means one of them (exporters name some outputs differently). */
  readonly outputs: readonly (string | readonly string[])[];
}

/**
 * Every role and what it requires.
 *
 * @example
 * bundleRoles.unet.inputs; // ['sample', 'timestep', 'encoder_hidden_states']
 */
export const bundleRoles: Readonly<Record<BundleRole, BundleRoleSpec>> = {
  unet: { kind: 'onnx', inputs: ['sample', 'timestep', 'encoder_hidden_states'], outputs: ['out_sample'] },
  unet_stage2: { kind: 'onnx', inputs: ['sample', 'timestep', 'encoder_hidden_states'], outputs: ['out_sample'] },
  // Optimum ≥ 1.23 exports the encoder's distribution parameters (mean and log-variance, 2C channels)
  // as `latent_parameters`; earlier exports sample `latent_sample`; both are read (the mean is used).
  vae_encoder: { kind: 'onnx', inputs: ['sample'], outputs: [['latent_sample', 'latent_parameters', 'latent_dist']] },
  vae_decoder: { kind: 'onnx', inputs: ['latent_sample'], outputs: ['sample'] },
  text_encoder: { kind: 'onnx', inputs: ['input_ids'], outputs: ['last_hidden_state'] },
  tokenizer: { kind: 'folder', inputs: [], outputs: [] },
  scheduler: { kind: 'json', inputs: [], outputs: [] },
  cond_encoder: { kind: 'onnx', inputs: [], outputs: [] },
  mib: { kind: 'onnx', inputs: ['latent'], outputs: ['mean', 'logvar'] },
  identity: { kind: 'onnx', inputs: [], outputs: [] },
  restorer: { kind: 'onnx', inputs: [], outputs: [] },
  detector: { kind: 'onnx', inputs: [], outputs: [] },
};

/** Every valid role name. */
export const bundleRoleNames = Object.keys(bundleRoles) as readonly BundleRole[];
