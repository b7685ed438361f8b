/**
 * Write a complete tiny bundle (random weights, real signatures) for tests, examples and CI.
 */
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { createRng, invalidArgument } from '@diffmac/base';
import type { TensorSignature } from '../inference/types';
import type { TinyModel } from '../onnx/tiny/common';
import { buildTinyCondEncoder } from '../onnx/tiny/cond-encoder';
import { buildTinyIdentity } from '../onnx/tiny/identity';
import { buildTinyMib } from '../onnx/tiny/mib';
import { buildTinyRestorer } from '../onnx/tiny/restorer';
import { buildTinyTextEncoder } from '../onnx/tiny/text-encoder';
import { buildTinyUnet } from '../onnx/tiny/unet';
import { buildTinyVaeDecoder, buildTinyVaeEncoder } from '../onnx/tiny/vae';
import { tinyTokenizerFiles, tinyTokenizerVocabSize } from '../text/tiny-tokenizer';
import { sha256Bytes } from './digest';
import { MANIFEST_FILE, type BundleComponentSpec, type BundleManifest, type BundleTensorSpec } from './manifest';
import type { BundleRole } from './roles';

/** Which tiny bundle to write. */
export type TinyBundleKind = 'diffmac' | 'diffusers' | 'restorer';

/** Options of {@link writeTinyBundle}. */
export interface WriteTinyBundleOptions {
  /** Seed of every component's weights (default 0); component `c` uses `createRng(seed).fork(c)`. */
  seed?: number | string;
  /**
   * `'diffmac'` (default): the diffusers parts plus cond_encoder, mib, unet_stage2 and identity;
   * `'diffusers'`: only the diffusers ONNX layout; `'restorer'`: one CodeFormer-like ONNX file.
   */
  kind?: TinyBundleKind;
  /** Face resolution in pixels, a multiple of 16 (default 64; 512 for the restorer kind). */
  resolution?: number;
  /** What the UNets predict (default `'eps'`). */
  parameterization?: 'eps' | 'v' | 'x0';
}

const contextDim = 32;
const hidden = 8;
const textLength = 16;

function specs(signatures: readonly TensorSignature[]): BundleTensorSpec[] {
  return signatures.map((s) => ({ name: s.name, dtype: s.dtype === 'unknown' ? 'float32' : s.dtype, shape: [...s.shape] }));
}

/** The DDIM scheduler config as diffusers writes it for Stable Diffusion. */
function schedulerConfig(parameterization: string): Record<string, unknown> {
  return {
    _class_name: 'DDIMScheduler',
    _diffusers_version: '0.27.2',
    beta_end: 0.012,
    beta_schedule: 'scaled_linear',
    beta_start: 0.00085,
    clip_sample: false,
    num_train_timesteps: 1000,
    prediction_type: parameterization === 'v' ? 'v_prediction' : parameterization === 'x0' ? 'sample' : 'epsilon',
    set_alpha_to_one: false,
    steps_offset: 1,
    timestep_spacing: 'leading',
    trained_betas: null,
  };
}

async function writeAtomic(path: string, bytes: Uint8Array | string): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const partial = `${path}.partial`;
  await writeFile(partial, bytes);
  await rename(partial, path);
}

/**
 * Write a tiny bundle into `dir` (created if needed): every ONNX file built by the graph builder
 * with seeded random weights, the tokenizer, scheduler config, model_index.json and a
 * `diffmac.json` with each file's sha256. Resolves to the manifest.
 *
 * @example
 * const manifest = await writeTinyBundle('/tmp/tiny', { seed: 1 });
 * const bundle = await loadBundle('/tmp/tiny');
 */
export async function writeTinyBundle(dir: string, options: WriteTinyBundleOptions = {}): Promise<BundleManifest> {
  const kind = options.kind ?? 'diffmac';
  if (!['diffmac', 'diffusers', 'restorer'].includes(kind)) invalidArgument('options.kind', "'diffmac', 'diffusers' or 'restorer'", kind);
  const resolution = options.resolution ?? (kind === 'restorer' ? 512 : 64);
  if (!Number.isInteger(resolution) || resolution < 16 || resolution % 16 !== 0) invalidArgument('options.resolution', 'a positive multiple of 16', resolution);
  const parameterization = options.parameterization ?? 'eps';
  if (!['eps', 'v', 'x0'].includes(parameterization)) invalidArgument('options.parameterization', "'eps', 'v' or 'x0'", parameterization);
  const seed = options.seed ?? 0;
  const rng = (label: string) => createRng(seed).fork(label);

  const files: Record<string, string> = {};
  const components: Record<string, BundleComponentSpec> = {};
  const put = async (path: string, content: Uint8Array | string) => {
    const bytes = typeof content === 'string' ? new TextEncoder().encode(content) : content;
    await writeAtomic(join(dir, path), bytes);
    files[path] = sha256Bytes(bytes);
  };
  const putModel = async (name: string, role: BundleRole, model: TinyModel, path = `${name}/model.onnx`) => {
    await put(path, model.bytes);
    components[name] = { role, path, inputs: specs(model.inputs), outputs: specs(model.outputs) };
    if (role === 'unet' || role === 'unet_stage2') components[name]!.parameterization = parameterization;
  };

  if (kind === 'restorer') {
    await putModel('restorer', 'restorer', buildTinyRestorer({ size: resolution, fidelityWeight: true, rng: rng('restorer') }), 'model.onnx');
  } else {
    const diffmac = kind === 'diffmac';
    await putModel('unet', 'unet', buildTinyUnet({ contextDim, hidden, conditionLevels: diffmac ? 2 : 0, rng: rng('unet') }));
    await putModel('vae_encoder', 'vae_encoder', buildTinyVaeEncoder({ hidden, rng: rng('vae_encoder') }));
    await putModel('vae_decoder', 'vae_decoder', buildTinyVaeDecoder({ hidden, rng: rng('vae_decoder') }));
    await putModel('text_encoder', 'text_encoder', buildTinyTextEncoder({ vocabSize: tinyTokenizerVocabSize, hiddenDim: contextDim, rng: rng('text_encoder') }));
    const { tokenizer, config } = tinyTokenizerFiles(textLength);
    await put('tokenizer/tokenizer.json', `${JSON.stringify(tokenizer, null, 2)}\n`);
    await put('tokenizer/tokenizer_config.json', `${JSON.stringify(config, null, 2)}\n`);
    components.tokenizer = { role: 'tokenizer', path: 'tokenizer' };
    await put('scheduler/scheduler_config.json', `${JSON.stringify(schedulerConfig(parameterization), null, 2)}\n`);
    components.scheduler = { role: 'scheduler', path: 'scheduler/scheduler_config.json' };
    if (diffmac) {
      await putModel('cond_encoder', 'cond_encoder', buildTinyCondEncoder({ hidden, levels: 2, rng: rng('cond_encoder') }));
      await putModel('mib', 'mib', buildTinyMib({ identityDim: 512, rng: rng('mib') }));
      await putModel('unet_stage2', 'unet_stage2', buildTinyUnet({ contextDim, hidden, rng: rng('unet_stage2') }));
      await putModel('identity', 'identity', buildTinyIdentity({ rng: rng('identity') }));
    }
    const onnxPart = ['diffusers', 'OnnxRuntimeModel'];
    const modelIndex = {
      _class_name: 'OnnxStableDiffusionPipeline',
      _diffusers_version: '0.27.2',
      feature_extractor: [null, null],
      requires_safety_checker: false,
      safety_checker: [null, null],
      scheduler: ['diffusers', 'DDIMScheduler'],
      text_encoder: onnxPart,
      tokenizer: ['transformers', 'CLIPTokenizer'],
      unet: onnxPart,
      vae_decoder: onnxPart,
      vae_encoder: onnxPart,
    };
    await put('model_index.json', `${JSON.stringify(modelIndex, null, 2)}\n`);
  }
  const manifest: BundleManifest = {
    type: 'diffmac-bundle',
    version: 1,
    name: `tiny-${kind}`,
    resolution,
    parameterization,
    ...(kind === 'restorer' ? {} : { latentScaleFactor: 8, vaeScalingFactor: 0.18215 }),
    components,
    files,
  };
  await writeAtomic(join(dir, MANIFEST_FILE), `${JSON.stringify(manifest, null, 2)}\n`);
  return manifest;
}
