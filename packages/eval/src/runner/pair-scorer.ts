import { DiffmacError, type ColorImage } from '@diffmac/base';
import { readImage } from '@diffmac/core';
import { createMetric, listMetrics, type Metric } from '../api/metrics';
import { createArcFaceEmbedder, type IdentityEmbedder } from '../identity/arcface';
import type { NiqeParams } from '../niqe/niqe';
import { getProtocol, listProtocols, type ProtocolName } from '../protocols/protocols';

/** Metrics the runner scores image by image (FID scores a set, so it is not one of them). */
export const RUNNER_METRICS: readonly string[] = listMetrics()
  .filter((m) => m.kind !== 'distribution')
  .map((m) => m.name);

/**
 * Plain-data options that build a scorer. They are structured-cloned to each worker thread, so
 * models are given by path and weights as typed arrays.
 */
export interface PairScorerOptions {
  metrics: readonly string[];
  protocol: ProtocolName;
  cropBorder?: number;
  /** NIQE's pristine parameters (BasicSR's niqe_pris_params as data). */
  niqeParams?: NiqeParams;
  /** LPIPS: an ONNX trunk file and the five linear weight vectors. */
  lpips?: { trunk: string; linearWeights: Float32Array[] };
  /**
   * idcos/deg: an ArcFace ONNX file instead of the embedded 128-D net: the BFR papers' grey
   * ResNet-18 ([N, 1, 128, 128]) or an insightface export ([N, 3, 112, 112]), told apart by its signature.
   */
  identityModel?: string;
}

/** Scores one image pair. */
export interface PairScorer {
  score(predPath: string, gtPath: string | undefined): Promise<Record<string, number>>;
  dispose(): Promise<void>;
}

/**
 * Check metric names, the protocol and what each metric needs, so a mistake fails before any
 * image is read.
 *
 * @example
 * validateScorerOptions({ metrics: ['psnr', 'ssim'], protocol: 'basicsr' });
 */
export function validateScorerOptions(options: PairScorerOptions): void {
  if (options.metrics.length === 0) throw new DiffmacError('NO_METRICS', 'Choose at least one metric', { argument: 'metrics', expected: RUNNER_METRICS.join(', '), received: 'none' });
  for (const m of options.metrics) {
    if (!RUNNER_METRICS.includes(m)) {
      const hint = m === 'fid' ? ' (fid scores a whole set: use createMetric("fid") with an Inception extractor)' : '';
      throw new DiffmacError('UNKNOWN_METRIC', `Unknown per-image metric ${JSON.stringify(m)}${hint}; valid metrics: ${RUNNER_METRICS.join(', ')}`, {
        argument: 'metrics',
        expected: RUNNER_METRICS.join(', '),
        received: JSON.stringify(m),
      });
    }
  }
  if (!listProtocols().some((p) => p.name === options.protocol)) getProtocol(options.protocol);
  if (options.metrics.includes('niqe') && !options.niqeParams) {
    throw new DiffmacError('MISSING_OPTION', 'niqe needs the pristine parameters { mu, cov, gaussianWindow } (BasicSR niqe_pris_params as data)', { argument: 'niqeParams', expected: 'NiqeParams', received: 'undefined' });
  }
  if (options.metrics.includes('lpips') && !options.lpips) {
    throw new DiffmacError('MISSING_OPTION', 'lpips needs an ONNX trunk and its five linear weight vectors', { argument: 'lpips', expected: '{ trunk, linearWeights }', received: 'undefined' });
  }
}

/**
 * Whether a metric compares against a ground truth.
 *
 * @example
 * isFullReference('psnr'); // true; isFullReference('niqe') is false
 */
export function isFullReference(metric: string): boolean {
  return listMetrics().find((m) => m.name === metric)?.kind === 'full-reference';
}

async function load(file: string): Promise<ColorImage<Uint8Array>> {
  return readImage(file, { channels: 'rgb' });
}

/**
 * A scorer for the runner: reads each pair from disk and computes the requested metrics with
 * {@link createMetric} under the protocol. Models (LPIPS trunk, the default face embedder and
 * landmark net) are loaded once, on first use, and freed by `dispose()`.
 *
 * @example
 * const scorer = createPairScorer({ metrics: ['psnr', 'ssim'], protocol: 'basicsr' });
 * await scorer.score('restored/0001.png', 'gt/0001.png'); // { psnr: 24.3, ssim: 0.71 }
 */
export function createPairScorer(options: PairScorerOptions): PairScorer {
  validateScorerOptions(options);
  let metrics: Promise<Metric[]> | undefined;
  let embedder: IdentityEmbedder | undefined;
  const ready = () =>
    (metrics ??= (async () => {
      // One identity model for idcos and deg together.
      if (options.identityModel && options.metrics.some((m) => m === 'idcos' || m === 'deg')) embedder = await createArcFaceEmbedder({ model: options.identityModel });
      return Promise.all(
        options.metrics.map((name) =>
          createMetric(name, {
            protocol: options.protocol,
            cropBorder: options.cropBorder ?? 0,
            ...(options.niqeParams ? { niqeParams: options.niqeParams } : {}),
            ...(options.lpips ? { lpips: options.lpips } : {}),
            ...(embedder ? { embedder } : {}),
          }),
        ),
      );
    })());
  return {
    async score(predPath, gtPath) {
      const list = await ready();
      const pred = await load(predPath);
      const needsGt = options.metrics.some(isFullReference);
      if (needsGt && gtPath === undefined) {
        throw new DiffmacError('MISSING_GROUND_TRUTH', `${options.metrics.filter(isFullReference).join(', ')} need a ground-truth image`, { argument: 'gt' });
      }
      const gt = needsGt && gtPath ? await load(gtPath) : undefined;
      if (gt && (pred.width !== gt.width || pred.height !== gt.height)) {
        throw new DiffmacError('SIZE_MISMATCH', `Restored image is ${pred.width}×${pred.height} but its ground truth is ${gt.width}×${gt.height}`, {
          argument: 'pred',
          expected: `${gt.width}×${gt.height}`,
          received: `${pred.width}×${pred.height}`,
        });
      }
      const out: Record<string, number> = {};
      for (const m of list) out[m.info.name] = await m.score(pred, m.info.kind === 'full-reference' ? gt : undefined);
      return out;
    },
    async dispose() {
      if (metrics) for (const m of await metrics) await m.dispose();
      await embedder?.dispose();
    },
  };
}
