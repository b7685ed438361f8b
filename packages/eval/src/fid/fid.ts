import { readFile } from 'node:fs/promises';
import { DiffmacError, resizeBilinearTorch, type ColorImage } from '@diffmac/base';
import { bytesSource, createSession, isZip, readCheckpoint, readZipDirectory, type InferenceSession, type SessionOptions } from '@diffmac/core';
import { assertImage } from '../image/validate';
import { frechetDistance, type FeatureStats } from './frechet';
import { parseNpz } from './npz';

/**
 * The statistics in a `torch.save` file as BasicSR and VQFR ship them (`inception_FFHQ_512.pth`:
 * a dict `{ mean, cov }` of numpy arrays; `{ mu, sigma }` is taken too), or undefined when the bytes
 * are not a PyTorch file.
 */
function torchStats(bytes: Uint8Array): { mu: ArrayLike<number>; sigma: ArrayLike<number> } | undefined {
  const source = bytesSource(bytes, 'FID statistics');
  const torchZip = isZip(source) && readZipDirectory(source).some((e) => e.name.endsWith('/data.pkl') || e.name === 'data.pkl');
  const legacy = bytes[0] === 0x80 && (bytes[1] === 0x02 || bytes[1] === 0x03 || bytes[1] === 0x04);
  if (!torchZip && !legacy) return undefined;
  const checkpoint = readCheckpoint(bytes);
  try {
    const names = checkpoint.tensors().map((t) => t.name);
    const mean = ['mean', 'mu'].find((n) => names.includes(n));
    const cov = ['cov', 'sigma'].find((n) => names.includes(n));
    if (!mean || !cov) {
      throw new DiffmacError('FID_STATS_INVALID', `FID statistics .pth needs mean and cov (or mu and sigma), found ${names.join(', ') || 'none'}`, {
        argument: 'file',
        expected: '{ mean, cov } as BasicSR saves them',
        received: names.join(', ') || 'none',
      });
    }
    const f64 = (name: string) => Float64Array.from(checkpoint.load(name).data as ArrayLike<number>);
    return { mu: f64(mean), sigma: f64(cov) };
  } finally {
    checkpoint.close();
  }
}

/**
 * Read FID reference statistics from a `.npz` (pytorch-fid / clean-fid: arrays `mu` and `sigma`),
 * a `.pth` as BasicSR and VQFR ship them (`{ mean, cov }`, numpy arrays inside `torch.save`), or a
 * JSON file `{ "mu": [...], "sigma": [[...], ...] }`; a path or the file's bytes.
 *
 * @example
 * const ref = await readFidStats('inception_FFHQ_512.pth');
 */
export async function readFidStats(file: string | Uint8Array): Promise<FeatureStats> {
  const bytes = typeof file === 'string' ? new Uint8Array(await readFile(file)) : file;
  const isZipFile = bytes[0] === 0x50 && bytes[1] === 0x4b;
  let mu: ArrayLike<number> | undefined;
  let sigma: ArrayLike<number> | undefined;
  const fromTorch = torchStats(bytes);
  if (fromTorch) {
    ({ mu, sigma } = fromTorch);
  } else if (isZipFile) {
    const arrays = parseNpz(bytes);
    mu = arrays.mu?.data;
    sigma = arrays.sigma?.data;
    if (!mu || !sigma) {
      throw new DiffmacError('FID_STATS_INVALID', `FID statistics need arrays mu and sigma, found ${Object.keys(arrays).join(', ') || 'none'}`, {
        argument: 'file',
        expected: 'arrays mu and sigma',
        received: Object.keys(arrays).join(', ') || 'none',
      });
    }
  } else {
    let json: { mu?: unknown; sigma?: unknown };
    try {
      json = JSON.parse(new TextDecoder().decode(bytes)) as { mu?: unknown; sigma?: unknown };
    } catch (cause) {
      throw new DiffmacError('FID_STATS_INVALID', 'FID statistics file is neither a .npz, a .pth nor JSON', { argument: 'file', expected: '.npz, .pth or JSON', received: `${bytes.length} bytes`, cause });
    }
    if (!Array.isArray(json.mu) || !Array.isArray(json.sigma)) {
      throw new DiffmacError('FID_STATS_INVALID', `FID statistics JSON needs arrays mu and sigma, found ${Object.keys(json).join(', ')}`, {
        argument: 'file',
        expected: '{ mu: number[], sigma: number[][] }',
        received: Object.keys(json).join(', '),
      });
    }
    mu = json.mu as number[];
    sigma = (json.sigma as unknown[]).flat(2) as number[];
  }
  const n = mu.length;
  if (sigma.length !== n * n) {
    throw new DiffmacError('FID_STATS_INVALID', `FID sigma must be ${n}x${n} for mu(${n}), received ${sigma.length} values`, {
      argument: 'file',
      expected: `${n * n} sigma values`,
      received: String(sigma.length),
    });
  }
  return { mu: Float64Array.from(mu), sigma: Float64Array.from(sigma) };
}

/** Mergeable running sums of feature vectors (for FID across images and worker threads). */
export interface FeatureSumsState {
  readonly count: number;
  readonly sum: Float64Array;
  /** Σ x xᵀ, row-major d x d. */
  readonly outer: Float64Array;
}

/**
 * Accumulates feature vectors into their mean and covariance (`np.cov(rowvar=False)`, N−1),
 * mergeable across workers.
 *
 * @example
 * const acc = new FeatureStatsAccumulator(2048);
 * acc.update(features); const stats = acc.compute();
 */
export class FeatureStatsAccumulator {
  private count = 0;
  private readonly sum: Float64Array;
  private readonly outer: Float64Array;
  constructor(readonly dimension: number) {
    this.sum = new Float64Array(dimension);
    this.outer = new Float64Array(dimension * dimension);
  }
  /** Add one feature vector. */
  update(features: ArrayLike<number>): void {
    const d = this.dimension;
    if (features.length !== d) {
      throw new DiffmacError('FID_FEATURE_SIZE', `Expected ${d} features, received ${features.length}`, { argument: 'features', expected: `${d} values`, received: String(features.length) });
    }
    this.count++;
    for (let i = 0; i < d; i++) {
      const xi = features[i] as number;
      this.sum[i] = (this.sum[i] as number) + xi;
      const row = i * d;
      for (let j = 0; j < d; j++) this.outer[row + j] = (this.outer[row + j] as number) + xi * (features[j] as number);
    }
  }
  /** Add another accumulator's (or a worker's serialised) sums. */
  merge(other: FeatureStatsAccumulator | FeatureSumsState): this {
    const s = other instanceof FeatureStatsAccumulator ? other.state() : other;
    if (s.sum.length !== this.dimension) {
      throw new DiffmacError('FID_FEATURE_SIZE', `Cannot merge ${s.sum.length}-D sums into ${this.dimension}-D`, { argument: 'other', expected: `${this.dimension}-D`, received: `${s.sum.length}-D` });
    }
    this.count += s.count;
    for (let i = 0; i < s.sum.length; i++) this.sum[i] = (this.sum[i] as number) + (s.sum[i] as number);
    for (let i = 0; i < s.outer.length; i++) this.outer[i] = (this.outer[i] as number) + (s.outer[i] as number);
    return this;
  }
  /** Plain, structured-cloneable copy of the sums (post it from a worker). */
  state(): FeatureSumsState {
    return { count: this.count, sum: Float64Array.from(this.sum), outer: Float64Array.from(this.outer) };
  }
  /** Mean and unbiased covariance; needs at least two vectors. */
  compute(): FeatureStats {
    const n = this.count;
    const d = this.dimension;
    if (n < 2) throw new DiffmacError('FID_TOO_FEW', `FID needs at least 2 images, received ${n}`, { argument: 'images', expected: 'at least 2', received: String(n) });
    const mu = Float64Array.from(this.sum, (v) => v / n);
    const sigma = new Float64Array(d * d);
    for (let i = 0; i < d; i++) for (let j = 0; j < d; j++) sigma[i * d + j] = ((this.outer[i * d + j] as number) - n * (mu[i] as number) * (mu[j] as number)) / (n - 1);
    return { mu, sigma };
  }
}


/** Options of {@link createFidExtractor}. */
export interface FidExtractorOptions {
  /**
   * Inception ONNX file, bytes or session. Contract (pytorch-fid's InceptionV3 pool3): one float32
   * input [N,3,S,S] RGB in [0,1] (the [-1,1] normalisation inside the graph); the first output (or
   * `output`) [N,D] or [N,D,1,1]. Images are resized bilinearly (align_corners=False) to S when
   * the input size is fixed (299 for pytorch-fid).
   */
  model: string | Uint8Array | InferenceSession;
  output?: string;
  session?: SessionOptions;
}

/** Turns images into FID features. */
export interface FidExtractor {
  readonly dimension: number | undefined;
  features(img: ColorImage, options?: { signal?: AbortSignal }): Promise<Float32Array>;
  dispose(): Promise<void>;
}

/**
 * Feature extractor over an Inception ONNX model through core's seam.
 *
 * @example
 * const inception = await createFidExtractor({ model: 'pt_inception.onnx' });
 * const acc = new FeatureStatsAccumulator(2048);
 * for (const img of images) acc.update(await inception.features(img));
 * const fid = frechetDistance(acc.compute(), await readFidStats('ffhq_512.npz'));
 */
export async function createFidExtractor(options: FidExtractorOptions): Promise<FidExtractor> {
  const owned = typeof options.model === 'string' || options.model instanceof Uint8Array;
  const session = owned ? await createSession(options.model as string | Uint8Array, options.session ?? {}) : (options.model as InferenceSession);
  const input = session.inputs[0];
  const outName = options.output ?? session.outputs[0]?.name;
  if (session.inputs.length !== 1 || !input || input.shape.length !== 4 || (typeof input.shape[1] === 'number' && input.shape[1] !== 3) || !outName || !session.outputs.some((o) => o.name === outName)) {
    const found = `inputs ${session.inputs.map((s) => `${s.name}[${s.shape.join(',')}]`).join(', ')}; outputs ${session.outputs.map((s) => `${s.name}[${s.shape.join(',')}]`).join(', ')}`;
    if (owned) await session.dispose();
    throw new DiffmacError('FID_MODEL_SIGNATURE', `Inception model must take one float32 [N,3,S,S] input; found ${found}`, {
      argument: 'model',
      expected: 'one input [N,3,S,S], features [N,D]',
      received: found,
    });
  }
  const outSig = session.outputs.find((o) => o.name === outName);
  const dim = typeof outSig?.shape[1] === 'number' ? outSig.shape[1] : undefined;
  return {
    dimension: dim,
    async features(img, o = {}) {
      assertImage('img', img);
      const { width: w, height: h, channels } = img;
      const chw = new Float32Array(3 * w * h);
      const u8 = img.data instanceof Uint8Array;
      for (let i = 0, s = 0; i < w * h; i++, s += channels) for (let c = 0; c < 3; c++) chw[c * w * h + i] = u8 ? (img.data[s + c] as number) / 255 : (img.data[s + c] as number);
      const oh = typeof input.shape[2] === 'number' ? input.shape[2] : h;
      const ow = typeof input.shape[3] === 'number' ? input.shape[3] : w;
      const data = h === oh && w === ow ? chw : resizeBilinearTorch(chw, 3, h, w, oh, ow);
      const res = await session.run({ [input.name]: { data, shape: [1, 3, oh, ow] } }, { outputs: [outName], ...(o.signal ? { signal: o.signal } : {}) });
      return Float32Array.from(res[outName]!.data as Float32Array);
    },
    async dispose() {
      if (owned) await session.dispose();
    },
  };
}

/**
 * FID of a set of images against reference statistics (pass `images` as an async iterable to stream).
 *
 * @example
 * const fid = await fidAgainst(images, await readFidStats('ffhq_512.npz'), inception);
 */
export async function fidAgainst(images: Iterable<ColorImage> | AsyncIterable<ColorImage>, reference: FeatureStats, extractor: FidExtractor, options: { signal?: AbortSignal } = {}): Promise<number> {
  const acc = new FeatureStatsAccumulator(reference.mu.length);
  for await (const img of images) {
    options.signal?.throwIfAborted();
    acc.update(await extractor.features(img, options));
  }
  return frechetDistance(acc.compute(), reference);
}
