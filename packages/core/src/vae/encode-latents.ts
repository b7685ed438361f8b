import { assertRasterImage, describeValue, DiffmacError, type NoiseSource, type RasterImage } from '@diffmac/base';
import type { InferenceSession, Tensor } from '../inference/types';
import { imageToTensor } from '../tensor/image-tensor';
import { assertFloat32, assertShape, formatShape } from '../tensor/shape';
import { batchItem, latentScaling, planVae, runVaeItem, type VaeOptions } from './vae-session';

/** Options of {@link encodeLatents}. */
export interface EncodeLatentsOptions extends VaeOptions {
  /**
   * `mean` (default): the posterior mean, deterministic. `sample`: mean + std · noise drawn from
   * `rng` over the whole latent (after tiling, so tiles do not change the noise).
   */
  sample?: 'mean' | 'sample';
  /** Noise source for `sample: 'sample'` (`createRng(seed)`). */
  rng?: NoiseSource;
  /**
   * What the encoder outputs: `moments` (mean and log-variance stacked on channels, as Optimum's
   * `latent_parameters`), or `latents` (already latents, as diffusers' own ONNX export). `auto`
   * (default): `moments` when the output name holds "parameters"/"moments"/"dist" or when its
   * channel count is twice `latentChannels`, else `latents`.
   */
  encoderOutput?: 'auto' | 'moments' | 'latents';
  /** Latent channels (4 for SD 1.x/2.x/XL, 16 for SD3/Flux); only used by `encoderOutput: 'auto'`. */
  latentChannels?: number;
}

/**
 * Encode an image (or a `[N, 3, H, W]` float tensor in [-1, 1]) into scaled latents
 * `[N, C, H/f, W/f]` with a VAE encoder session: `(z - shift) · scalingFactor`, as diffusers'
 * `vae.encode(x).latent_dist` then scaling. Images larger than a tile are encoded tile by tile and
 * blended across overlaps; a model with a fixed input size gets edge-padded tiles. Image width and
 * height must be multiples of the latent factor. Grey images are expanded to RGB, alpha dropped.
 *
 * @example
 * const latents = await encodeLatents(encoder, image, { scalingFactor: 0.18215, tileSize: 512, overlap: 64 });
 */
export async function encodeLatents(session: InferenceSession, image: RasterImage | Tensor, options: EncodeLatentsOptions = {}): Promise<Tensor> {
  const plan = planVae(session, 'encode', options);
  const { scale, shift } = latentScaling(options);
  const mode = options.sample ?? 'mean';
  if (mode !== 'mean' && mode !== 'sample') {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected 'mean' or 'sample' for sample, received ${describeValue(mode)}`, {
      argument: 'sample',
      expected: "'mean' | 'sample'",
      received: describeValue(mode),
    });
  }
  if (mode === 'sample' && (options.rng === undefined || typeof options.rng.normal !== 'function')) {
    throw new DiffmacError('INVALID_ARGUMENT', "Expected a NoiseSource (createRng(seed)) for rng when sample is 'sample'", {
      argument: 'rng',
      expected: 'a NoiseSource',
      received: describeValue(options.rng),
    });
  }
  let x: Tensor;
  if ('width' in image) {
    assertRasterImage(image, 'image');
    x = imageToTensor(image, { range: 'signed', channels: 'rgb' });
  } else {
    assertShape(image, [null, null, null, null], 'image');
    assertFloat32(image, 'image');
    x = image;
  }
  const [n, c, h, w] = x.shape as [number, number, number, number];
  const expectC = plan.inputChannels ?? 3;
  if (c !== expectC || n < 1) {
    throw new DiffmacError('TENSOR_SHAPE_MISMATCH', `Expected [N, ${expectC}, H, W] for image, received ${formatShape(x.shape)}`, {
      argument: 'image',
      expected: `[N, ${expectC}, H, W]`,
      received: formatShape(x.shape),
    });
  }
  if (h % plan.factor !== 0 || w % plan.factor !== 0) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected image width and height that are multiples of ${plan.factor}, received ${w}×${h}`, {
      argument: 'image',
      expected: `width and height multiples of ${plan.factor}`,
      received: `${w}×${h}`,
    });
  }
  const items: Float32Array[] = [];
  let channels = 0;
  // Set from the first item's output (every item has the same layout).
  let moments: boolean | undefined;
  for (let b = 0; b < n; b++) {
    options.signal?.throwIfAborted();
    const raw = await runVaeItem(session, plan, batchItem(x, b), { input: plan.factor, output: 1 }, { phase: 'encode', item: b, items: n }, options);
    const rc = raw.shape[1]!;
    if (b === 0) {
      moments = isMoments(plan.outputName, rc, options);
      if (moments && rc % 2 !== 0) {
        throw new DiffmacError('VAE_SIGNATURE_MISMATCH', `${plan.model}: output ${JSON.stringify(plan.outputName)} has ${rc} channels, an odd count for mean and log-variance`, {
          argument: plan.outputName,
          expected: 'an even channel count',
          received: String(rc),
        });
      }
      channels = moments ? rc / 2 : rc;
      if (mode === 'sample' && !moments) {
        throw new DiffmacError('VAE_CANNOT_SAMPLE', `${plan.model}: output ${JSON.stringify(plan.outputName)} holds latents, not mean and log-variance, so sample: 'sample' is not possible`, {
          argument: 'sample',
          expected: "'mean' for an encoder that outputs latents",
          received: "'sample'",
        });
      }
    }
    const data = raw.data as Float32Array;
    const plane = (h / plan.factor) * (w / plan.factor);
    const out = new Float32Array(channels * plane);
    const noise = mode === 'sample' ? new Float32Array(out.length) : undefined;
    if (noise !== undefined) options.rng!.normal(noise);
    for (let i = 0; i < out.length; i++) {
      let z = data[i]!;
      if (noise !== undefined) {
        const logvar = Math.min(20, Math.max(-30, data[channels * plane + i]!));
        z += Math.exp(0.5 * logvar) * noise[i]!;
      }
      out[i] = (z - shift) * scale;
    }
    items.push(out);
  }
  const per = items[0]!.length;
  const data = new Float32Array(n * per);
  items.forEach((it, b) => data.set(it, b * per));
  return { data, shape: [n, channels, h / plan.factor, w / plan.factor] };
}

function isMoments(name: string, channels: number, options: EncodeLatentsOptions): boolean {
  const kind = options.encoderOutput ?? 'auto';
  if (kind !== 'auto' && kind !== 'moments' && kind !== 'latents') {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected 'auto', 'moments' or 'latents' for encoderOutput, received ${describeValue(kind)}`, {
      argument: 'encoderOutput',
      expected: "'auto' | 'moments' | 'latents'",
      received: describeValue(kind),
    });
  }
  if (kind !== 'auto') return kind === 'moments';
  if (/parameters|moments|dist/i.test(name)) return true;
  return options.latentChannels !== undefined && channels === 2 * options.latentChannels;
}
