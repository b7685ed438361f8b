import { DiffmacError, readImage, type ColorImage } from '@diffmac/core';
import { psnr, psnrOfPlanes } from '../metrics/psnr';
import { ssim, ssimOfPlanes } from '../metrics/ssim';
import { meanStdCorrectedPlanes } from '../protocols/mean-std-correction';

/** Protocols the runner knows (PROTOCOLS.md §3). */
export type RunnerProtocol = 'basicsr' | 'vqfr' | 'restoreformer++' | 'pmrf';

/** Metrics the runner scores per image. */
export const RUNNER_METRICS = ['psnr', 'ssim', 'psnr_y', 'ssim_y'] as const;
export type RunnerMetric = (typeof RUNNER_METRICS)[number];

/** Plain-data options that build a scorer; they cross to worker threads as they are. */
export interface PairScorerOptions {
  metrics: readonly string[];
  protocol: RunnerProtocol;
  cropBorder?: number;
}

/** What each protocol changes, printed with every table. */
export const PROTOCOL_NOTES: Readonly<Record<RunnerProtocol, string>> = {
  basicsr: 'BasicSR: RGB (or Y) on 0–255, crop_border 0, mean of per-image scores',
  vqfr: "VQFR's metric_paper: each restored channel's mean and std matched to the ground truth before PSNR/SSIM",
  'restoreformer++': 'RestoreFormer++: PSNR/SSIM as BasicSR (its LPIPS is fed BGR, identity in radians)',
  pmrf: 'PMRF: RGB, no correction',
};

/** Scores one image pair. */
export interface PairScorer {
  score(predPath: string, gtPath: string | undefined): Promise<Record<string, number>>;
  dispose(): Promise<void>;
}

/**
 * Check metric names and protocol up front, so a typo fails before any image is read.
 *
 * @example
 * validateScorerOptions({ metrics: ['psnr', 'ssim'], protocol: 'basicsr' });
 */
export function validateScorerOptions(options: PairScorerOptions): void {
  for (const m of options.metrics) {
    if (!(RUNNER_METRICS as readonly string[]).includes(m)) {
      throw new DiffmacError('UNKNOWN_METRIC', `Unknown metric ${JSON.stringify(m)}; valid metrics: ${RUNNER_METRICS.join(', ')}`, {
        argument: 'metrics',
        expected: RUNNER_METRICS.join(', '),
        received: JSON.stringify(m),
      });
    }
  }
  if (!(options.protocol in PROTOCOL_NOTES)) {
    const valid = Object.keys(PROTOCOL_NOTES).join(', ');
    throw new DiffmacError('UNKNOWN_PROTOCOL', `Unknown protocol ${JSON.stringify(options.protocol)}; valid protocols: ${valid}`, {
      argument: 'protocol',
      expected: valid,
      received: JSON.stringify(options.protocol),
    });
  }
}

async function load(file: string): Promise<ColorImage<Uint8Array>> {
  return (await readImage(file, { channels: 'rgb' })) as ColorImage<Uint8Array>;
}

/**
 * A scorer for the runner: reads each pair from disk and computes the requested metrics under
 * the protocol. Full-reference metrics need `gtPath`.
 *
 * @example
 * const scorer = createPairScorer({ metrics: ['psnr', 'ssim'], protocol: 'basicsr' });
 * await scorer.score('restored/0001.png', 'gt/0001.png'); // { psnr: 24.3, ssim: 0.71 }
 */
export function createPairScorer(options: PairScorerOptions): PairScorer {
  validateScorerOptions(options);
  const cropBorder = options.cropBorder ?? 0;
  return {
    async score(predPath, gtPath) {
      const pred = await load(predPath);
      if (gtPath === undefined) throw new DiffmacError('MISSING_GROUND_TRUTH', `${options.metrics.join(', ')} need a ground-truth image`, { argument: 'gt' });
      const gt = await load(gtPath);
      if (pred.width !== gt.width || pred.height !== gt.height) {
        throw new DiffmacError('SIZE_MISMATCH', `Restored image is ${pred.width}×${pred.height} but its ground truth is ${gt.width}×${gt.height}`, {
          argument: 'pred',
          expected: `${gt.width}×${gt.height}`,
          received: `${pred.width}×${pred.height}`,
        });
      }
      const out: Record<string, number> = {};
      for (const m of options.metrics) {
        const yChannel = m.endsWith('_y');
        const kind = m.startsWith('psnr') ? 'psnr' : 'ssim';
        if (options.protocol === 'vqfr') {
          const { a, b } = meanStdCorrectedPlanes(pred, gt, { yChannel, cropBorder });
          out[m] = kind === 'psnr' ? psnrOfPlanes(a, b) : ssimOfPlanes(a, b);
        } else {
          out[m] = kind === 'psnr' ? psnr(pred, gt, { cropBorder, yChannel }) : ssim(pred, gt, { cropBorder, yChannel });
        }
      }
      return out;
    },
    async dispose() {},
  };
}
