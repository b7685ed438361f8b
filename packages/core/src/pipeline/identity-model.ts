import { DiffmacError } from '@diffmac/base';
import type { InferenceSession, TensorSignature } from '../inference/types';
import type { IdentityFunction } from './pipeline';
import { resizeBilinearNchw } from './tensor-ops';

/** How an identity model is fed: its input and output names, grey or RGB, and its input size. */
export interface IdentityContract {
  readonly input: string;
  readonly output: string;
  /** 1: the BFR papers' ArcFace ResNet-18 (grey); 3: insightface exports (RGB). */
  readonly channels: 1 | 3;
  readonly height: number;
  readonly width: number;
}

/**
 * Read an identity model's contract from its signature: one NCHW input of 1 (grey, the BFR papers'
 * ArcFace, 128² by default) or 3 channels (RGB, insightface, 112² by default) in [-1, 1], and an
 * embedding output `[N, D]`. Anything else is `IDENTITY_MODEL_SIGNATURE`, naming what was found,
 * so `bundle check` refuses what a restore could not run.
 *
 * @example
 * identityContract(session, 'identity'); // { input: 'input', output: 'embedding', channels: 1, height: 128, width: 128 }
 */
export function identityContract(model: { readonly inputs: readonly TensorSignature[]; readonly outputs: readonly TensorSignature[] }, name = 'identity'): IdentityContract {
  const input = model.inputs[0];
  const output = model.outputs.find((o) => o.shape.length === 2) ?? model.outputs[0];
  const channels = input?.shape[1];
  const ok = model.inputs.length === 1 && input !== undefined && input.shape.length === 4 && (channels === 1 || channels === 3) && output !== undefined && output.shape.length === 2;
  if (!ok) {
    const found = `inputs ${model.inputs.map((s) => `${s.name}[${s.shape.join(',')}]`).join(', ') || 'none'}; outputs ${model.outputs.map((s) => `${s.name}[${s.shape.join(',')}]`).join(', ') || 'none'}`;
    throw new DiffmacError('IDENTITY_MODEL_SIGNATURE', `${name}: an identity model takes one grey [N,1,H,W] or RGB [N,3,H,W] face and returns an embedding [N,D]; found ${found}`, {
      argument: name,
      expected: 'input [N,1,H,W] or [N,3,H,W], output [N,D]',
      received: found,
    });
  }
  const fallback = channels === 1 ? 128 : 112;
  const size = (d: number | string | undefined) => (typeof d === 'number' && d > 0 ? d : fallback);
  return { input: input.name, output: output.name, channels: channels as 1 | 3, height: size(input.shape[2]), width: size(input.shape[3]) };
}

/**
 * The pipeline's identity function over an identity model: faces (`[N, 3, H, W]` RGB in [-1, 1]) are
 * resized with torch's bilinear rule to the model's input size, and for a grey model reduced to
 * luma with libpng's `rgb_to_gray` weights (9797, 19234, 3737)/32768, the path VQFR's and BasicSR's
 * identity scripts take.
 *
 * @example
 * const identity = identityFunction(await bundle.createSession('identity'));
 */
export function identityFunction(session: InferenceSession, name = 'identity'): IdentityFunction {
  const c = identityContract(session, name);
  return async (faces, ctx) => {
    const x = resizeBilinearNchw(faces, c.height, c.width);
    let feed = x;
    if (c.channels === 1) {
      const [n] = x.shape as [number, number, number, number];
      const plane = c.height * c.width;
      const grey = new Float32Array(n * plane);
      for (let b = 0; b < n; b++) {
        const o = b * 3 * plane;
        for (let i = 0; i < plane; i++) grey[b * plane + i] = (9797 * x.data[o + i]! + 19234 * x.data[o + plane + i]! + 3737 * x.data[o + 2 * plane + i]!) / 32768;
      }
      feed = { data: grey, shape: [n, 1, c.height, c.width] };
    }
    const out = await session.run({ [c.input]: feed }, ctx.signal ? { signal: ctx.signal } : {});
    const e = out[c.output]!;
    return { data: e.data as Float32Array, shape: [...e.shape] };
  };
}
