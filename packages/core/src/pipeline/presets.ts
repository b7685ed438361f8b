/**
 * Presets: the known methods built from a model bundle, each the same pipeline type with different
 * stages. `diffmac` (diffusion Stage I with AdaIN alignment → learned MIB → diffusion Stage II),
 * `diffbir-like` (one-pass restorer → none → controlled latent diffusion), `difface-like` (one-pass
 * restorer → Gaussian channel → diffusion from the channel's timestep), `one-pass` (the restorer alone).
 */
import { createGaussianChannel, createLearnedBottleneck, type Bottleneck } from '@diffmac/mib';
import type { FunctionalSamplerName } from '@diffmac/scheduler';
import { DiffmacError, invalidArgument } from '@diffmac/base';
import type { ModelBundle } from '../bundle/load-bundle';
import type { ColourFixKind } from '../colour/colour-fix';
import type { InferenceSession } from '../inference/types';
import type { SessionOptions } from '../inference/session';
import { encodePrompt } from '../text/encode-prompt';
import { createDiffusionRefiner } from './diffusion-refiner';
import { createDiffusionRestorer, type AlignmentOptions } from './diffusion-restorer';
import { createOnePassRestorer, type OnePassKind } from './one-pass-restorer';
import { createPipeline, type IdentityFunction, type Pipeline } from './pipeline';
import type { PipelineSampler } from './schedule';
import type { FloatTensor } from './tensor-ops';
import { identityFunction } from './identity-model';
import { stageWiring } from './stage-wiring';
import type { Refiner, Restorer } from './types';

/** The preset names. */
export type PipelinePreset = 'diffmac' | 'diffbir-like' | 'difface-like' | 'one-pass';

/** Every preset, in the order `--help` lists them. */
export const pipelinePresets: readonly PipelinePreset[] = ['diffmac', 'diffbir-like', 'difface-like', 'one-pass'];

/** Options of {@link createPresetPipeline}. */
export interface PresetPipelineOptions {
  /** Default: `'one-pass'` for a bundle whose only model is a restorer, else `'diffmac'`. */
  preset?: PipelinePreset;
  /** The one-pass restorer for `diffbir-like`, `difface-like` and `one-pass` when `bundle` has none. */
  restorerBundle?: ModelBundle;
  /** Which one-pass contract (default: `codeformer` when the model has a fidelity input, else `generic`). */
  onePassKind?: OnePassKind;
  /** CodeFormer's fidelity weight w (default 0.5). */
  fidelity?: number;
  /** Stage I steps and functional sampler (defaults 20, `'euler'`). */
  stage1Steps?: number;
  stage1Sampler?: FunctionalSamplerName;
  /** Stage I training-free alignment (default: every step, per channel); `false` turns it off. */
  alignment?: AlignmentOptions | false;
  /** Stage II steps, sampler (functional name or diffusers class) and img2img strength. */
  steps?: number;
  sampler?: PipelineSampler;
  strength?: number;
  /** Classifier-free guidance scale of Stage II (default 1), prompt and negative prompt (default ''). */
  guidanceScale?: number;
  prompt?: string;
  negativePrompt?: string;
  /** Bottleneck temperature β (diffmac, default 1). */
  temperature?: number;
  /** Gaussian channel timestep (difface-like, default 400) or target bits per element instead. */
  channelTimestep?: number;
  channelBitsPerElement?: number;
  /** Colour fix (defaults: diffmac `adain`, diffbir-like `wavelet`, the others `none`). */
  colourFix?: ColourFixKind;
  /** Options of every session opened (device, threads). */
  session?: Omit<SessionOptions, 'name' | 'signal'>;
  /** Wrap every session the pipeline opens (tracing, timing); called once per session with its component name. */
  instrument?: (session: InferenceSession, component: string) => InferenceSession;
  signal?: AbortSignal;
}

function requireComponent(bundle: ModelBundle, role: Parameters<ModelBundle['byRole']>[0], preset: string): string {
  const c = bundle.byRole(role);
  if (!c) {
    throw new DiffmacError('BUNDLE_NO_COMPONENT', `The ${preset} preset needs a ${role} component; the bundle ${bundle.root} has ${bundle.componentNames.join(', ')}`, {
      argument: 'bundle',
      expected: `a ${role} component`,
      received: bundle.componentNames.join(', '),
    });
  }
  return c.name;
}

/**
 * Build a preset pipeline from a loaded bundle. The pipeline owns every session it opens:
 * `dispose()` (or an aborted run) frees them all.
 *
 * @example
 * const bundle = await loadBundle('models/tiny');
 * const pipeline = await createPresetPipeline(bundle, { preset: 'diffmac', sampler: 'dpmpp_2m', steps: 10 });
 * const { images } = await pipeline.restoreImages([alignedFace], { seed: 1 });
 * await pipeline.dispose();
 */
export async function createPresetPipeline(bundle: ModelBundle, options: PresetPipelineOptions = {}): Promise<Pipeline> {
  const hasDiffusion = bundle.byRole('unet') !== undefined || bundle.byRole('unet_stage2') !== undefined;
  const preset = options.preset ?? (hasDiffusion ? 'diffmac' : 'one-pass');
  if (!pipelinePresets.includes(preset)) invalidArgument('options.preset', pipelinePresets.join(', '), preset, 'UNKNOWN_PRESET');
  const sessions: InferenceSession[] = [];
  const open = async (b: ModelBundle, name: string): Promise<InferenceSession> => {
    const s = await b.createSession(name, { ...options.session, ...(options.signal ? { signal: options.signal } : {}) });
    sessions.push(s);
    return options.instrument ? options.instrument(s, name) : s;
  };
  const disposeAll = async () => {
    for (const s of sessions.splice(0)) await s.dispose();
  };
  try {
    const schedulerConfig = bundle.schedulerConfig ?? {};
    const scaling = bundle.manifest.vaeScalingFactor ?? 0.18215;
    const latentFactor = bundle.manifest.latentScaleFactor ?? 8;

    const onePass = async (): Promise<Restorer> => {
      const source = bundle.byRole('restorer') ? bundle : options.restorerBundle;
      if (!source) {
        throw new DiffmacError('PIPELINE_NEEDS_RESTORER', `The ${preset} preset needs a one-pass restorer: a bundle with a restorer component (pass restorerBundle / --restorer)`, {
          argument: 'restorerBundle',
          expected: 'a bundle with a restorer component (GFPGAN, CodeFormer, GPEN, RestoreFormer ONNX)',
          received: bundle.componentNames.join(', '),
        });
      }
      const session = await open(source, requireComponent(source, 'restorer', preset));
      const hasFidelity = session.inputs.some((i) => ['w', 'weight', 'fidelity'].includes(i.name));
      return createOnePassRestorer(session, { kind: options.onePassKind ?? (hasFidelity ? 'codeformer' : 'generic'), ...(options.fidelity !== undefined ? { fidelity: options.fidelity } : {}) });
    };

    if (preset === 'one-pass') {
      const restorer = await onePass();
      return createPipeline({ name: 'one-pass', restorer, colourFix: options.colourFix ?? 'none', onDispose: disposeAll });
    }

    const vaeEncoder = bundle.byRole('vae_encoder') ? await open(bundle, requireComponent(bundle, 'vae_encoder', preset)) : undefined;
    const vaeDecoder = bundle.byRole('vae_decoder') ? await open(bundle, requireComponent(bundle, 'vae_decoder', preset)) : undefined;
    const condEncoder = bundle.byRole('cond_encoder') ? await open(bundle, requireComponent(bundle, 'cond_encoder', preset)) : undefined;
    let context: FloatTensor | undefined;
    let uncondContext: FloatTensor | undefined;
    if (bundle.byRole('text_encoder') && bundle.byRole('tokenizer')) {
      const { hiddenStates } = await encodePrompt(bundle, [options.prompt ?? '', options.negativePrompt ?? ''], options.signal ? { signal: options.signal } : {});
      const half = hiddenStates.data.length / 2;
      const rest = hiddenStates.shape.slice(1);
      context = { data: (hiddenStates.data as Float32Array).slice(0, half), shape: [1, ...rest] };
      uncondContext = { data: (hiddenStates.data as Float32Array).slice(half), shape: [1, ...rest] };
    }
    const unetSpec = (name: string) => ({
      parameterization: bundle.component(name).parameterization,
      unetInputNames: (bundle.component(name).spec.inputs ?? []).map((i) => i.name),
    });
    const refinerWith = async (unetName: string, control: boolean, strength: number): Promise<Refiner> => {
      const unet = await open(bundle, unetName);
      const wiring = stageWiring(bundle, unetName);
      return createDiffusionRefiner({
        unet,
        ...unetSpec(unetName),
        schedulerConfig,
        ...(wiring.latent ? { vaeEncoder, vaeDecoder } : {}),
        vaeScalingFactor: scaling,
        ...(control && wiring.controlled ? { condEncoder } : {}),
        ...(context ? { context } : {}),
        ...(uncondContext ? { uncondContext } : {}),
        ...(options.guidanceScale !== undefined ? { guidanceScale: options.guidanceScale } : {}),
        ...(options.steps !== undefined ? { steps: options.steps } : {}),
        ...(options.sampler !== undefined ? { sampler: options.sampler } : {}),
        strength: options.strength ?? strength,
      });
    };

    if (preset === 'diffmac') {
      const unetName = requireComponent(bundle, 'unet', preset);
      const unet = await open(bundle, unetName);
      const wiring = stageWiring(bundle, unetName);
      const restorer = createDiffusionRestorer({
        unet,
        ...unetSpec(unetName),
        schedulerConfig,
        ...(wiring.latent ? { vaeEncoder, vaeDecoder } : {}),
        vaeScalingFactor: scaling,
        latentFactor,
        ...(wiring.controlled ? { condEncoder } : {}),
        ...(context ? { context } : {}),
        ...(options.stage1Steps !== undefined ? { steps: options.stage1Steps } : {}),
        ...(options.stage1Sampler !== undefined ? { sampler: options.stage1Sampler } : {}),
        ...(options.alignment !== undefined ? { alignment: options.alignment } : {}),
      });
      let bottleneck: Bottleneck | undefined;
      let identity: IdentityFunction | undefined;
      if (bundle.byRole('mib')) {
        const mibSession = await open(bundle, requireComponent(bundle, 'mib', preset));
        bottleneck = createLearnedBottleneck({ session: mibSession });
        if (bottleneck.identity !== 'none' && bundle.byRole('identity')) identity = identityFunction(await open(bundle, requireComponent(bundle, 'identity', preset)), 'identity');
      }
      const refiner = await refinerWith(bundle.byRole('unet_stage2') ? requireComponent(bundle, 'unet_stage2', preset) : unetName, false, 0.5);
      return createPipeline({
        name: 'diffmac',
        restorer,
        ...(bottleneck ? { bottleneck } : {}),
        ...(identity ? { identity } : {}),
        refiner,
        colourFix: options.colourFix ?? 'adain',
        ...(options.temperature !== undefined ? { temperature: options.temperature } : {}),
        onDispose: disposeAll,
      });
    }

    const restorer = await onePass();
    if (preset === 'diffbir-like') {
      const refiner = await refinerWith(requireComponent(bundle, 'unet', preset), true, 1);
      return createPipeline({ name: 'diffbir-like', restorer, refiner, colourFix: options.colourFix ?? 'wavelet', colourReference: 'stage1', onDispose: disposeAll });
    }
    // difface-like
    const unetName = bundle.byRole('unet_stage2') ? requireComponent(bundle, 'unet_stage2', preset) : requireComponent(bundle, 'unet', preset);
    const refiner = await refinerWith(unetName, true, 1);
    const bottleneck = createGaussianChannel({
      alphasCumprod: refiner.alphasCumprod,
      ...(options.channelBitsPerElement !== undefined ? { targetBitsPerElement: options.channelBitsPerElement } : { timestep: options.channelTimestep ?? 400 }),
    });
    return createPipeline({ name: 'difface-like', restorer, bottleneck, refiner, colourFix: options.colourFix ?? 'none', onDispose: disposeAll });
  } catch (error) {
    await disposeAll().catch(() => undefined);
    throw error;
  }
}
