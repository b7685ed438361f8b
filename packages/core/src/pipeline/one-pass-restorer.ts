/**
 * One-pass ONNX restorers (GFPGAN, CodeFormer with its fidelity weight, GPEN, RestoreFormer): RGB
 * in [-1, 1], NCHW, usually 512², one forward pass.
 */
import { DiffmacError } from '@diffmac/base';
import type { InferenceSession, Tensor, TensorSignature } from '../inference/types';
import { formatShape } from '../tensor/shape';
import { asNchw, clampInPlace, clampTensor, concatBatch, resizeBilinearNchw, sliceBatch, type FloatTensor } from './tensor-ops';
import type { Restorer, StageContext } from './types';

/** The one-pass restorers whose ONNX contracts are known. */
export type OnePassKind = 'gfpgan' | 'codeformer' | 'gpen' | 'restoreformer' | 'generic';

/** Options of {@link createOnePassRestorer}. */
export interface OnePassRestorerOptions {
  /** Which model (labels the restorer; `codeformer` requires a fidelity input). Default `'generic'`. */
  kind?: OnePassKind;
  /** CodeFormer's fidelity weight `w` in [0, 1] (0: quality, 1: fidelity; default 0.5). */
  fidelity?: number;
  /** Image input name (default: `input`, else the first input). */
  inputName?: string;
  /** Fidelity input name (default: the input named `w`, `weight` or `fidelity`, if any). */
  fidelityName?: string;
  /** Output name (default: `output`, else the first output). */
  outputName?: string;
  /** Called with each run's wall time (benchmarks). */
  onRun?: (ms: number) => void;
}

/** A one-pass restorer with what it resolved from the model's signature. */
export interface OnePassRestorer extends Restorer {
  readonly kind: OnePassKind;
  /** The model's fixed input size, if it fixes one (faces of another size are resized in and out). */
  readonly size: number | undefined;
  /** The largest batch the model takes (1 when its batch dimension is fixed to 1). */
  readonly maxBatch: number;
  readonly fidelityInput: string | undefined;
}

const fidelityNames = ['w', 'weight', 'fidelity'];

function fidelityTensor(sig: TensorSignature, value: number): Tensor {
  const shape = sig.shape.length === 0 ? [] : sig.shape.map((d) => (typeof d === 'number' ? d : 1));
  const count = shape.reduce((a, b) => a * b, 1);
  if (sig.dtype === 'float64') return { data: new Float64Array(count).fill(value), shape, dtype: 'float64' };
  return { data: new Float32Array(count).fill(value), shape, dtype: 'float32' };
}

/**
 * Wrap a one-pass restorer session. Checks the contract when created: a float32 image input with 3
 * channels, an output of the same shape, a fidelity input for CodeFormer. Batches are split when the
 * model's batch is fixed to 1; faces of another size than a fixed model size are resized bilinearly.
 *
 * @example
 * const codeformer = createOnePassRestorer(await createSession('codeformer.onnx'), { kind: 'codeformer', fidelity: 0.7 });
 * const restored = await codeformer.restore(faces, ctx);
 */
export function createOnePassRestorer(session: InferenceSession, options: OnePassRestorerOptions = {}): OnePassRestorer {
  const kind = options.kind ?? 'generic';
  if (!['gfpgan', 'codeformer', 'gpen', 'restoreformer', 'generic'].includes(kind)) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected gfpgan, codeformer, gpen, restoreformer or generic for kind, received ${JSON.stringify(kind)}`, {
      argument: 'kind',
      expected: 'gfpgan | codeformer | gpen | restoreformer | generic',
      received: JSON.stringify(kind),
    });
  }
  const fidelity = options.fidelity ?? 0.5;
  if (!(fidelity >= 0 && fidelity <= 1)) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a number in [0, 1] for fidelity, received ${String(fidelity)}`, { argument: 'fidelity', expected: 'a number in [0, 1]', received: String(fidelity) });
  }
  const pick = (list: readonly TensorSignature[], wanted: string | undefined, preferred: string, what: string, exclude: readonly string[] = []): TensorSignature => {
    const found = wanted !== undefined ? list.find((s) => s.name === wanted) : (list.find((s) => s.name === preferred) ?? list.find((s) => !exclude.includes(s.name)));
    if (!found) {
      const names = list.map((s) => s.name).join(', ');
      throw new DiffmacError('RESTORER_SIGNATURE_MISMATCH', `The restorer has no ${what} ${JSON.stringify(wanted ?? preferred)}; it has ${names || 'none'}`, { argument: `${what}Name`, expected: names, received: wanted ?? preferred });
    }
    return found;
  };
  const fidelitySig = options.fidelityName !== undefined ? pick(session.inputs, options.fidelityName, options.fidelityName, 'input') : session.inputs.find((i) => fidelityNames.includes(i.name));
  const input = pick(session.inputs, options.inputName, 'input', 'input', fidelitySig ? [fidelitySig.name] : []);
  const output = pick(session.outputs, options.outputName, 'output', 'output');
  if (input.shape.length !== 4 || (typeof input.shape[1] === 'number' && input.shape[1] !== 3) || (input.dtype !== 'float32' && input.dtype !== 'unknown')) {
    throw new DiffmacError('RESTORER_SIGNATURE_MISMATCH', `Expected the restorer input ${input.name} to be float32 [N, 3, H, W], received ${input.dtype} ${formatShape(input.shape.map((d) => (typeof d === 'number' ? d : null)))}`, {
      argument: input.name,
      expected: 'float32 [N, 3, H, W]',
      received: `${input.dtype} ${formatShape(input.shape.map((d) => (typeof d === 'number' ? d : null)))}`,
    });
  }
  if (kind === 'codeformer' && !fidelitySig) {
    throw new DiffmacError('RESTORER_SIGNATURE_MISMATCH', `CodeFormer needs a fidelity input (w or weight); the model has ${session.inputs.map((i) => i.name).join(', ')}`, {
      argument: 'fidelityName',
      expected: 'an input named w or weight',
      received: session.inputs.map((i) => i.name).join(', '),
    });
  }
  const others = session.inputs.filter((i) => i.name !== input.name && i.name !== fidelitySig?.name);
  if (others.length > 0) {
    throw new DiffmacError('RESTORER_SIGNATURE_MISMATCH', `The restorer has inputs this contract does not feed: ${others.map((o) => o.name).join(', ')}`, { argument: 'session', expected: `${input.name}${fidelitySig ? ` and ${fidelitySig.name}` : ''}`, received: session.inputs.map((i) => i.name).join(', ') });
  }
  const fixedH = typeof input.shape[2] === 'number' ? input.shape[2] : undefined;
  const fixedW = typeof input.shape[3] === 'number' ? input.shape[3] : undefined;
  const maxBatch = typeof input.shape[0] === 'number' ? input.shape[0] : Number.POSITIVE_INFINITY;
  const fidelityFeed = fidelitySig ? fidelityTensor(fidelitySig, fidelity) : undefined;
  return {
    kind,
    size: fixedH !== undefined && fixedH === fixedW ? fixedH : undefined,
    maxBatch,
    fidelityInput: fidelitySig?.name,
    async restore(faces: FloatTensor, ctx: StageContext): Promise<FloatTensor> {
      const x = asNchw(faces, 'faces', 3);
      const [n, , h, w] = x.shape;
      const mh = fixedH ?? h, mw = fixedW ?? w;
      const resized = mh !== h || mw !== w ? resizeBilinearNchw(x, mh, mw) : x;
      const chunk = Math.min(n, maxBatch);
      const parts: FloatTensor[] = [];
      for (let start = 0; start < n; start += chunk) {
        ctx.signal?.throwIfAborted();
        const batch = chunk >= n ? resized : sliceBatch(resized, start, Math.min(n, start + chunk));
        const feeds: Record<string, Tensor> = { [input.name]: batch };
        if (fidelityFeed && fidelitySig) feeds[fidelitySig.name] = fidelityFeed;
        const started = options.onRun ? performance.now() : 0;
        const out = await session.run(feeds, { outputs: [output.name], ...(ctx.signal ? { signal: ctx.signal } : {}) });
        options.onRun?.(performance.now() - started);
        const y = out[output.name];
        if (!y || !(y.data instanceof Float32Array) || y.data.length !== batch.data.length) {
          throw new DiffmacError('RESTORER_SIGNATURE_MISMATCH', `Expected ${output.name} of shape ${formatShape(batch.shape)}, received ${y ? formatShape(y.shape) : 'nothing'}`, {
            argument: output.name,
            expected: formatShape(batch.shape),
            received: y ? formatShape(y.shape) : 'nothing',
          });
        }
        parts.push({ data: y.data, shape: batch.shape });
      }
      const joined = parts.length === 1 ? parts[0]! : concatBatch(parts);
      const back = mh !== h || mw !== w ? resizeBilinearNchw(joined, h, w) : joined;
      // the model's output arrays are ours: clamp them in place (a copy only if the model echoed its input)
      return back.data === x.data ? clampTensor(back, -1, 1) : clampInPlace(back, -1, 1);
    },
  };
}
