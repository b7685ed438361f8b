import { DiffmacError } from '@diffmac/base';
import type { InferenceSession, Tensor } from '../inference/types';
import { assertFloat32, assertShape, formatShape } from '../tensor/shape';
import { batchItem, latentScaling, planVae, runVaeItem, type VaeOptions } from './vae-session';

/** Options of {@link decodeLatents}. */
export type DecodeLatentsOptions = VaeOptions;

/**
 * Decode scaled latents `[N, C, h, w]` into images `[N, 3, h·f, w·f]` in [-1, 1] (the raw
 * decoder output, as diffusers' `vae.decode(z / scalingFactor + shift).sample`) with a VAE decoder
 * session. Latents larger than a tile are decoded tile by tile and blended across overlaps; a
 * model with a fixed input size gets edge-padded tiles. Turn the result into pixels with
 * `tensorToImage(out, { range: 'signed', depth: 8 })`.
 *
 * @example
 * const decoded = await decodeLatents(decoder, latents, { scalingFactor: 0.18215 });
 * const image = tensorToImage(decoded, { range: 'signed', depth: 8 });
 */
export async function decodeLatents(session: InferenceSession, latents: Tensor, options: DecodeLatentsOptions = {}): Promise<Tensor> {
  const plan = planVae(session, 'decode', options);
  const { scale, shift } = latentScaling(options);
  const [n, c] = assertShape(latents, [null, null, null, null], 'latents') as [number, number, number, number];
  const src = assertFloat32(latents, 'latents');
  if (n < 1 || (plan.inputChannels !== undefined && c !== plan.inputChannels)) {
    const expected = `[N, ${plan.inputChannels ?? 'C'}, h, w]`;
    throw new DiffmacError('TENSOR_SHAPE_MISMATCH', `Expected ${expected} for latents (${plan.model} input ${JSON.stringify(plan.inputName)}), received ${formatShape(latents.shape)}`, {
      argument: 'latents',
      expected,
      received: formatShape(latents.shape),
    });
  }
  const z = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) z[i] = src[i]! / scale + shift;
  const unscaled: Tensor = { data: z, shape: [...latents.shape] };
  const outs: Tensor[] = [];
  for (let b = 0; b < n; b++) {
    options.signal?.throwIfAborted();
    outs.push(await runVaeItem(session, plan, batchItem(unscaled, b), { input: 1, output: plan.factor }, { phase: 'decode', item: b, items: n }, options));
  }
  if (n === 1) return outs[0]!;
  const per = outs[0]!.data.length;
  const data = new Float32Array(n * per);
  outs.forEach((o, b) => data.set(o.data as Float32Array, b * per));
  return { data, shape: [n, ...outs[0]!.shape.slice(1)] };
}
