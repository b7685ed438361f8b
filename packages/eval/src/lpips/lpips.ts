import { DiffmacError, type ColorImage, type Tensor } from '@diffmac/base';
import { createSession, type InferenceSession, type SessionOptions } from '@diffmac/core';
import { assertSamePair } from '../image/validate';
import { imageToSignedTensor, type ChannelOrder } from './image-tensor';

/**
 * Tap layouts of the LPIPS v0.1 trunks: the ReLU outputs LPIPS compares, and their channels.
 * AlexNet taps follow torchvision `alexnet().features` indices 1, 4, 7, 9, 11; VGG16 taps follow
 * `vgg16().features` indices 3, 8, 15, 22, 29 (relu1_2, relu2_2, relu3_3, relu4_3, relu5_3).
 *
 * @example
 * lpipsTapLayouts.alex.channels; // [64, 192, 384, 256, 256]
 */
export const lpipsTapLayouts = {
  alex: { taps: ['relu1', 'relu2', 'relu3', 'relu4', 'relu5'], channels: [64, 192, 384, 256, 256] },
  vgg: { taps: ['relu1_2', 'relu2_2', 'relu3_3', 'relu4_3', 'relu5_3'], channels: [64, 128, 256, 512, 512] },
} as const;

/** Options of {@link createLpips}. */
export interface LpipsOptions {
  /**
   * The trunk: an ONNX file path, its bytes, or an already open session. Contract: one float32
   * input [N, 3, H, W], RGB in [-1, 1] (the LPIPS ScalingLayer inside the graph), and one output per
   * tap, in tap order, each [N, C_i, H_i, W_i].
   */
  trunk: string | Uint8Array | InferenceSession;
  /** The LPIPS v0.1 linear layers (`lin0..lin4` weights, one value per tap channel), as data. */
  linearWeights: readonly Float32Array[];
  /** Output names to use as taps, in order (default: all model outputs in declared order). */
  taps?: readonly string[];
  /** Channel order fed to the trunk (default `'rgb'`; RestoreFormer++'s script feeds `'bgr'`). */
  channelOrder?: ChannelOrder;
  /** Check the weights against a known tap layout ({@link lpipsTapLayouts}). */
  net?: keyof typeof lpipsTapLayouts;
  /** Session options when `trunk` is a path or bytes (threads, device). */
  session?: SessionOptions;
  signal?: AbortSignal;
}

/** LPIPS distance with its per-tap terms. */
export interface LpipsResult {
  value: number;
  perLayer: number[];
}

/** A loaded LPIPS metric. */
export interface Lpips {
  /** Output names used as taps. */
  readonly taps: readonly string[];
  /** LPIPS distance between two images of the same size (symmetric, ≥ 0; lower is better). */
  distance(img: ColorImage, ref: ColorImage, options?: { signal?: AbortSignal }): Promise<number>;
  /** The distance and its five per-tap terms. */
  detailed(img: ColorImage, ref: ColorImage, options?: { signal?: AbortSignal }): Promise<LpipsResult>;
  /** Frees the session if this object opened it. */
  dispose(): Promise<void>;
}

function describeSignature(session: InferenceSession): string {
  const fmt = (s: { name: string; shape: readonly (number | string)[] }) => `${s.name}[${s.shape.join(',')}]`;
  return `inputs ${session.inputs.map(fmt).join(', ') || 'none'}; outputs ${session.outputs.map(fmt).join(', ') || 'none'}`;
}

/**
 * Per-tap LPIPS term in float64: unit-normalise each pixel's feature vector over channels
 * (`f / (sqrt(Σ f²) + 1e-10)`), squared difference, weighted channel sum, spatial mean.
 *
 * @example
 * lpipsLayer(f0, f1, w); // number
 */
export function lpipsLayer(f0: Tensor, f1: Tensor, weights: Float32Array, eps = 1e-10): number {
  const [, c = 0, h = 1, w = 1] = f0.shape;
  const a = f0.data as Float32Array;
  const b = f1.data as Float32Array;
  const hw = h * w;
  let total = 0;
  for (let p = 0; p < hw; p++) {
    let n0 = 0;
    let n1 = 0;
    for (let k = 0; k < c; k++) {
      const x = a[k * hw + p] as number;
      const y = b[k * hw + p] as number;
      n0 += x * x;
      n1 += y * y;
    }
    const s0 = 1 / (Math.sqrt(n0) + eps);
    const s1 = 1 / (Math.sqrt(n1) + eps);
    let acc = 0;
    for (let k = 0; k < c; k++) {
      const d = (a[k * hw + p] as number) * s0 - (b[k * hw + p] as number) * s1;
      acc += (weights[k] as number) * d * d;
    }
    total += acc;
  }
  return total / hw;
}

/**
 * Load LPIPS v0.1 over any ONNX trunk that takes RGB in [-1, 1] (NCHW) and outputs the taps, with
 * the linear weights passed in as data. The trunk runs through @diffmac/core's inference seam.
 * A trunk whose inputs or outputs do not fit gets `LPIPS_TRUNK_SIGNATURE`, naming what was found.
 *
 * @example
 * const lpips = await createLpips({ trunk: 'alex.onnx', linearWeights: [w0, w1, w2, w3, w4] });
 * const d = await lpips.distance(restored, groundTruth);
 * await lpips.dispose();
 */
export async function createLpips(options: LpipsOptions): Promise<Lpips> {
  const given = options.linearWeights as readonly unknown[];
  const ok = (w: unknown) => w instanceof Float32Array || w instanceof Float64Array || (Array.isArray(w) && w.length > 0 && w.every((x) => typeof x === 'number'));
  if (!Array.isArray(given) || given.length === 0 || !given.every(ok)) {
    throw new DiffmacError('INVALID_ARGUMENT', 'Expected linearWeights as a non-empty array of Float32Array (one per tap)', {
      argument: 'linearWeights',
      expected: 'Float32Array[] (one per tap)',
      received: Array.isArray(given) ? `array(${given.length})` : typeof given,
    });
  }
  const linearWeights = given.map((w) => (w instanceof Float32Array ? w : Float32Array.from(w as ArrayLike<number>)));
  if (options.net !== undefined) {
    const layout = lpipsTapLayouts[options.net];
    if (!layout) {
      throw new DiffmacError('INVALID_ARGUMENT', `Unknown LPIPS net ${JSON.stringify(options.net)}; valid: ${Object.keys(lpipsTapLayouts).join(', ')}`, {
        argument: 'net',
        expected: Object.keys(lpipsTapLayouts).join(', '),
        received: JSON.stringify(options.net),
      });
    }
    const got = linearWeights.map((w) => w.length).join('/');
    if (got !== layout.channels.join('/')) {
      throw new DiffmacError('INVALID_ARGUMENT', `linearWeights have ${got} channels; the ${options.net} layout has ${layout.channels.join('/')}`, {
        argument: 'linearWeights',
        expected: layout.channels.join('/'),
        received: got,
      });
    }
  }
  const owned = typeof options.trunk === 'string' || options.trunk instanceof Uint8Array;
  const session: InferenceSession = owned
    ? await createSession(options.trunk as string | Uint8Array, { ...options.session, ...(options.signal ? { signal: options.signal } : {}) })
    : (options.trunk as InferenceSession);
  try {
    return buildLpips(session, owned, { ...options, linearWeights });
  } catch (e) {
    if (owned) await session.dispose();
    throw e;
  }
}

function buildLpips(session: InferenceSession, owned: boolean, options: LpipsOptions): Lpips {
  const weights = options.linearWeights;
  const found = describeSignature(session);
  const input = session.inputs[0];
  const inputOk =
    session.inputs.length === 1 &&
    input !== undefined &&
    (input.dtype === 'float32' || input.dtype === 'unknown') &&
    input.shape.length === 4 &&
    (typeof input.shape[1] !== 'number' || input.shape[1] === 3);
  if (!inputOk) {
    throw new DiffmacError('LPIPS_TRUNK_SIGNATURE', `LPIPS trunk must take one float32 [N,3,H,W] input; found ${found}`, {
      argument: 'trunk',
      expected: 'one float32 input [N,3,H,W]',
      received: found,
    });
  }
  const taps = options.taps ?? session.outputs.map((o) => o.name);
  const outputNames = new Set(session.outputs.map((o) => o.name));
  const missing = taps.filter((t) => !outputNames.has(t));
  if (missing.length > 0 || taps.length !== weights.length) {
    const why = missing.length > 0 ? `taps ${missing.join(', ')} not among the outputs` : `${taps.length} taps for ${weights.length} linear weight vectors`;
    throw new DiffmacError('LPIPS_TRUNK_SIGNATURE', `LPIPS trunk does not fit: ${why}; found ${found}`, {
      argument: 'trunk',
      expected: `${weights.length} tap outputs`,
      received: found,
    });
  }
  taps.forEach((t, i) => {
    const sig = session.outputs.find((o) => o.name === t);
    const c = sig?.shape[1];
    if (sig && (sig.shape.length !== 4 || (typeof c === 'number' && c !== (weights[i] as Float32Array).length))) {
      throw new DiffmacError('LPIPS_TRUNK_SIGNATURE', `LPIPS tap ${t} is [${sig.shape.join(',')}] but lin${i} has ${(weights[i] as Float32Array).length} weights; found ${found}`, {
        argument: 'trunk',
        expected: `[N,${(weights[i] as Float32Array).length},H,W] for ${t}`,
        received: `[${sig.shape.join(',')}]`,
      });
    }
  });
  const order = options.channelOrder ?? 'rgb';
  const inputName = input!.name;
  const features = async (img: ColorImage, signal?: AbortSignal) => {
    const out = await session.run({ [inputName]: imageToSignedTensor(img, order) }, { outputs: taps, ...(signal ? { signal } : {}) });
    return taps.map((t, i) => {
      const f = out[t];
      const cw = (weights[i] as Float32Array).length;
      if (!f || f.shape.length !== 4 || f.shape[1] !== cw || !(f.data instanceof Float32Array)) {
        throw new DiffmacError('LPIPS_TRUNK_SIGNATURE', `LPIPS tap ${t} came back as ${f ? `[${f.shape.join(',')}]` : 'nothing'}; lin${i} expects [1,${cw},H,W] float32`, {
          argument: 'trunk',
          expected: `[1,${cw},H,W] float32`,
          received: f ? `[${f.shape.join(',')}]` : 'missing',
        });
      }
      return f;
    });
  };
  const batchable = typeof input!.shape[0] !== 'number';
  const pairFeatures = async (img: ColorImage, ref: ColorImage, signal?: AbortSignal): Promise<[Tensor[], Tensor[]]> => {
    if (!batchable) return [await features(img, signal), await features(ref, signal)];
    const a = imageToSignedTensor(img, order);
    const b = imageToSignedTensor(ref, order);
    const data = new Float32Array(a.data.length * 2);
    data.set(a.data as Float32Array, 0);
    data.set(b.data as Float32Array, a.data.length);
    const out = await session.run({ [inputName]: { data, shape: [2, ...a.shape.slice(1)] } }, { outputs: taps, ...(signal ? { signal } : {}) });
    const split = (k: 0 | 1) =>
      taps.map((t, i) => {
        const f = out[t];
        const cw = (weights[i] as Float32Array).length;
        if (!f || f.shape.length !== 4 || f.shape[0] !== 2 || f.shape[1] !== cw || !(f.data instanceof Float32Array)) {
          throw new DiffmacError('LPIPS_TRUNK_SIGNATURE', `LPIPS tap ${t} came back as ${f ? `[${f.shape.join(',')}]` : 'nothing'}; lin${i} expects [2,${cw},H,W] float32`, {
            argument: 'trunk',
            expected: `[2,${cw},H,W] float32`,
            received: f ? `[${f.shape.join(',')}]` : 'missing',
          });
        }
        const per = f.data.length / 2;
        return { data: f.data.subarray(k * per, (k + 1) * per), shape: [1, ...f.shape.slice(1)] } as Tensor;
      });
    return [split(0), split(1)];
  };
  const detailed = async (img: ColorImage, ref: ColorImage, o: { signal?: AbortSignal } = {}): Promise<LpipsResult> => {
    assertSamePair(img, ref);
    const [fa, fb] = await pairFeatures(img, ref, o.signal);
    const perLayer = fa.map((f, i) => lpipsLayer(f, fb[i] as Tensor, weights[i] as Float32Array));
    return { value: perLayer.reduce((s, v) => s + v, 0), perLayer };
  };
  return {
    taps,
    detailed,
    distance: async (img, ref, o) => (await detailed(img, ref, o)).value,
    dispose: async () => {
      if (owned) await session.dispose();
    },
  };
}
