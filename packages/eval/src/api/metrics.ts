import { DiffmacError, type ColorImage } from '@diffmac/base';
import { createFaceEmbedder } from '@diffmac/face-align';
import { frechetDistance, type FeatureStats } from '../fid/frechet';
import { FeatureStatsAccumulator, type FidExtractor } from '../fid/fid';
import { toPlanes } from '../image/planes';
import { assertCropBorder, assertSamePair } from '../image/validate';
import type { IdentityEmbedder } from '../identity/arcface';
import { identityScore, type AngleUnit } from '../identity/identity';
import { createDefaultLandmarker, landmarkScore, type LandmarkDetector } from '../landmarks/lmd';
import { createLpips, type Lpips, type LpipsOptions } from '../lpips/lpips';
import { psnrOfPlanes } from '../metrics/psnr';
import { ssimOfPlanes } from '../metrics/ssim';
import { niqe, type NiqeParams } from '../niqe/niqe';
import { meanStdCorrectedPlanes } from '../protocols/mean-std-correction';
import { dropBelowFor, getProtocol, type Protocol } from '../protocols/protocols';
import { ScoreAccumulator, type MetricSummary, type Reduction, type ScoreState } from './accumulator';

/** Names in the metric table. */
export type MetricName = 'psnr' | 'psnr-y' | 'ssim' | 'ssim-y' | 'niqe' | 'lpips' | 'idcos' | 'deg' | 'lmd' | 'fid';

/** One row of the metric table. */
export interface MetricInfo {
  readonly name: MetricName;
  readonly description: string;
  readonly higherIsBetter: boolean;
  /** `full-reference` scores a pair, `no-reference` one image, `distribution` a set against statistics. */
  readonly kind: 'full-reference' | 'no-reference' | 'distribution';
  /** What {@link createMetric} needs in its options beyond the images. */
  readonly needs: string;
}

const infos: readonly MetricInfo[] = [
  { name: 'psnr', description: 'PSNR (dB) on R, G, B, BasicSR', higherIsBetter: true, kind: 'full-reference', needs: 'nothing' },
  { name: 'psnr-y', description: "PSNR (dB) on BasicSR's Y channel", higherIsBetter: true, kind: 'full-reference', needs: 'nothing' },
  { name: 'ssim', description: 'SSIM on R, G, B (valid 11x11 Gaussian window), BasicSR', higherIsBetter: true, kind: 'full-reference', needs: 'nothing' },
  { name: 'ssim-y', description: "SSIM on BasicSR's Y channel", higherIsBetter: true, kind: 'full-reference', needs: 'nothing' },
  { name: 'niqe', description: 'NIQE, BasicSR (Y, 96x96 blocks, float32 steps)', higherIsBetter: false, kind: 'no-reference', needs: 'niqeParams (the pristine model as data)' },
  { name: 'lpips', description: 'LPIPS v0.1 over an ONNX trunk (AlexNet or VGG taps)', higherIsBetter: false, kind: 'full-reference', needs: 'lpips: { trunk, linearWeights } or a loaded Lpips' },
  { name: 'idcos', description: 'identity cosine of two face embeddings', higherIsBetter: true, kind: 'full-reference', needs: "embedder (default: face-align's embedded 128-D net)" },
  { name: 'deg', description: 'identity angle arccos(cosine), degrees or radians per protocol', higherIsBetter: false, kind: 'full-reference', needs: "embedder (default: face-align's embedded 128-D net; ArcFace-ResNet-18 for paper numbers)" },
  { name: 'lmd', description: 'mean landmark L2 distance in pixels', higherIsBetter: false, kind: 'full-reference', needs: "landmarks (default: face-align's embedded 68-point net; 98-point FAN for paper numbers)" },
  { name: 'fid', description: 'Frechet Inception distance of the image set against reference statistics', higherIsBetter: false, kind: 'distribution', needs: 'fid: { extractor, reference }' },
];

/**
 * The metric table: name, direction, kind and what each needs.
 *
 * @example
 * listMetrics().filter((m) => m.higherIsBetter).map((m) => m.name); // ['psnr', 'psnr-y', 'ssim', 'ssim-y', 'idcos']
 */
export function listMetrics(): MetricInfo[] {
  return [...infos];
}

/** Options of {@link createMetric}. */
export interface CreateMetricOptions {
  /** Named protocol (default `'basicsr'`). */
  protocol?: string;
  /** Pixels cut from each edge (PSNR/SSIM/NIQE). Default 0. */
  cropBorder?: number;
  reduction?: Reduction;
  niqeParams?: NiqeParams;
  lpips?: LpipsOptions | Lpips;
  embedder?: IdentityEmbedder;
  landmarks?: LandmarkDetector;
  fid?: { extractor: FidExtractor; reference: FeatureStats };
  /** `deg`: override the protocol's angle unit (radians as an option under any protocol). */
  angleUnit?: AngleUnit;
  /** `deg`: override the protocol's drop rule (VQFR's 1° as an option; `null` keeps every pair). */
  dropBelowDegrees?: number | null;
  signal?: AbortSignal;
}

/** An accumulator bound to a metric: `update` scores a pair (or one image) and keeps the score. */
export interface MetricAccumulator {
  readonly metric: MetricName;
  /** Score `img` (against `ref` for full-reference metrics), keep the score, return it (FID keeps the image's features and returns NaN). */
  update(img: ColorImage, ref?: ColorImage, id?: string): Promise<number>;
  /** Keep an already computed score (e.g. one a worker sent). */
  add(score: number, id?: string): void;
  merge(other: MetricAccumulator | ScoreState): this;
  state(): ScoreState;
  compute(): MetricSummary;
}

/** A ready metric: the pure per-pair score plus accumulators. */
export interface Metric {
  readonly info: MetricInfo;
  readonly protocol: Protocol;
  /** Per-image score (full-reference metrics need `ref`). FID has no per-image score. */
  score(img: ColorImage, ref?: ColorImage, options?: { signal?: AbortSignal }): Promise<number>;
  accumulator(): MetricAccumulator;
  /** Free models this metric loaded itself. */
  dispose(): Promise<void>;
}

function needRef(name: string, ref: ColorImage | undefined): ColorImage {
  if (!ref) throw new DiffmacError('MISSING_REFERENCE', `${name} is full-reference: pass the ground truth as ref`, { argument: 'ref', expected: 'a ColorImage', received: 'undefined' });
  return ref;
}

function pixelScore(name: 'psnr' | 'psnr-y' | 'ssim' | 'ssim-y', protocol: Protocol, cropBorder: number) {
  const y = name.endsWith('-y');
  const isPsnr = name.startsWith('psnr');
  return (img: ColorImage, ref: ColorImage): number => {
    assertSamePair(img, ref);
    assertCropBorder(cropBorder, img.width, img.height, isPsnr ? 1 : 11);
    if (protocol.meanStdCorrection) {
      const { a, b } = meanStdCorrectedPlanes(img, ref, { yChannel: y, cropBorder });
      return isPsnr ? psnrOfPlanes(a, b) : ssimOfPlanes(a, b);
    }
    const a = toPlanes(img, cropBorder, y);
    const b = toPlanes(ref, cropBorder, y);
    return isPsnr ? psnrOfPlanes(a, b) : ssimOfPlanes(a, b);
  };
}

/**
 * Create a metric from the table by name, under a named protocol. Models load here (LPIPS trunk,
 * default embedder, default landmark detector) and are freed by `dispose()`.
 * Unknown names get `UNKNOWN_METRIC` listing the valid ones.
 *
 * @example
 * const psnrY = await createMetric('psnr-y', { protocol: 'vqfr' });
 * const acc = psnrY.accumulator();
 * for (const [restored, gt] of pairs) await acc.update(restored, gt);
 * acc.compute(); // { metric: 'psnr-y', value, count, reduction: 'mean', higherIsBetter: true, protocol: 'vqfr' }
 */
export async function createMetric(name: string, options: CreateMetricOptions = {}): Promise<Metric> {
  const info = infos.find((m) => m.name === name);
  if (!info) {
    const valid = infos.map((m) => m.name).join(', ');
    throw new DiffmacError('UNKNOWN_METRIC', `Unknown metric ${JSON.stringify(name)}; valid: ${valid}`, { argument: 'name', expected: valid, received: JSON.stringify(name) });
  }
  const protocol = getProtocol(options.protocol ?? 'basicsr');
  const cropBorder = options.cropBorder ?? 0;
  let score: (img: ColorImage, ref: ColorImage | undefined, signal?: AbortSignal) => Promise<number>;
  const disposers: (() => Promise<void>)[] = [];
  let dropBelow: number | undefined;
  switch (info.name) {
    case 'psnr':
    case 'psnr-y':
    case 'ssim':
    case 'ssim-y': {
      const f = pixelScore(info.name, protocol, cropBorder);
      score = async (img, ref) => f(img, needRef(info.name, ref));
      break;
    }
    case 'niqe': {
      const params = options.niqeParams;
      if (!params) throw new DiffmacError('MISSING_OPTION', 'niqe needs niqeParams { mu, cov, gaussianWindow } (BasicSR niqe_pris_params.npz as data)', { argument: 'niqeParams', expected: 'NiqeParams', received: 'undefined' });
      score = async (img) => niqe(img, { cropBorder, params });
      break;
    }
    case 'lpips': {
      const given = options.lpips;
      if (!given) throw new DiffmacError('MISSING_OPTION', 'lpips needs lpips: { trunk, linearWeights } or a loaded Lpips', { argument: 'lpips', expected: 'LpipsOptions or Lpips', received: 'undefined' });
      let lp: Lpips;
      if ('distance' in given) lp = given;
      else {
        lp = await createLpips({ channelOrder: protocol.lpipsChannelOrder, ...given });
        disposers.push(() => lp.dispose());
      }
      score = async (img, ref, signal) => lp.distance(img, needRef('lpips', ref), signal ? { signal } : {});
      break;
    }
    case 'idcos':
    case 'deg': {
      let embedder = options.embedder;
      if (!embedder) {
        const own = await createFaceEmbedder({ normalize: true, ...(options.signal ? { signal: options.signal } : {}) });
        embedder = own;
        disposers.push(() => own.dispose());
      }
      const e = embedder;
      const wantAngle = info.name === 'deg';
      const unit = options.angleUnit ?? protocol.identityUnit;
      dropBelow = dropBelowFor(protocol, info.name, { unit, ...(options.dropBelowDegrees === undefined ? {} : { dropBelowDegrees: options.dropBelowDegrees }) });
      score = async (img, ref, signal) => {
        const s = await identityScore(img, needRef(info.name, ref), e, { unit, ...(signal ? { signal } : {}) });
        return wantAngle ? s.angle : s.cosine;
      };
      break;
    }
    case 'lmd': {
      let lm = options.landmarks;
      if (!lm) {
        const own = await createDefaultLandmarker();
        lm = own;
        disposers.push(() => own.dispose());
      }
      const l = lm;
      score = async (img, ref, signal) => landmarkScore(img, needRef('lmd', ref), l, signal ? { signal } : {});
      break;
    }
    case 'fid': {
      const fid = options.fid;
      if (!fid) throw new DiffmacError('MISSING_OPTION', 'fid needs fid: { extractor, reference }', { argument: 'fid', expected: '{ extractor, reference }', received: 'undefined' });
      return fidMetric(info, protocol, fid);
    }
  }
  const accOptions = { higherIsBetter: info.higherIsBetter, protocol: protocol.name, ...(options.reduction ? { reduction: options.reduction } : {}), ...(dropBelow === undefined ? {} : { dropBelow }) };
  const metric: Metric = {
    info,
    protocol,
    score: (img, ref, o = {}) => score(img, ref, o.signal),
    accumulator() {
      const acc = new ScoreAccumulator(info.name, accOptions);
      const bound: MetricAccumulator = {
        metric: info.name,
        async update(img, ref, id) {
          const s = await score(img, ref);
          acc.update(s, id);
          return s;
        },
        add: (s, id) => acc.update(s, id),
        merge(other) {
          acc.merge('compute' in other && typeof other.state === 'function' ? other.state() : (other as ScoreState));
          return bound;
        },
        state: () => acc.state(),
        compute: () => acc.compute(),
      };
      return bound;
    },
    async dispose() {
      for (const d of disposers.splice(0)) await d();
    },
  };
  return metric;
}

function fidMetric(info: MetricInfo, protocol: Protocol, fid: { extractor: FidExtractor; reference: FeatureStats }): Metric {
  const dim = fid.reference.mu.length;
  return {
    info,
    protocol,
    score: async () => {
      throw new DiffmacError('NOT_PER_IMAGE', 'fid scores a set of images: use accumulator().update(img) then compute()', { argument: 'fid' });
    },
    accumulator() {
      const sums = new FeatureStatsAccumulator(dim);
      let n = 0;
      const acc: MetricAccumulator = {
        metric: 'fid',
        async update(img) {
          sums.update(await fid.extractor.features(img));
          n++;
          return Number.NaN;
        },
        add: () => {
          throw new DiffmacError('NOT_PER_IMAGE', 'fid has no per-image scores to add; merge feature sums instead', { argument: 'score' });
        },
        merge() {
          throw new DiffmacError('NOT_PER_IMAGE', 'merge FID across workers with FeatureStatsAccumulator.merge(state)', { argument: 'other' });
        },
        state: () => ({ metric: 'fid', scores: [], ids: [] }),
        compute: () => ({ metric: 'fid', value: frechetDistance(sums.compute(), fid.reference), std: 0, count: n, dropped: 0, reduction: 'mean', higherIsBetter: false, protocol: protocol.name }),
      };
      return acc;
    },
    dispose: async () => {},
  };
}
