import { DiffmacError, type Tensor } from '@diffmac/base';
import type { FaceCandidate } from './candidate';

/** RetinaFace prior-box configuration (facexlib / Pytorch_Retinaface `cfg_re50` and `cfg_mnet`). */
export interface RetinaFacePriorConfig {
  readonly minSizes: readonly (readonly number[])[];
  readonly steps: readonly number[];
  readonly variance: readonly [number, number];
  readonly clip: boolean;
}

/** The configuration both facexlib RetinaFace models use. */
export const RETINAFACE_CONFIG: RetinaFacePriorConfig = {
  minSizes: [
    [16, 32],
    [64, 128],
    [256, 512],
  ],
  steps: [8, 16, 32],
  variance: [0.1, 0.2],
  clip: false,
};

/**
 * RetinaFace's prior boxes for an input of `width` × `height`, as (cx, cy, w, h) relative to the
 * input, in the network's order (per step: rows, columns, then min sizes).
 *
 * @example
 * retinaFacePriors(64, 64).length / 4; // (8·8 + 4·4 + 2·2) · 2 = 168
 */
export function retinaFacePriors(width: number, height: number, config: RetinaFacePriorConfig = RETINAFACE_CONFIG): Float64Array {
  const out: number[] = [];
  config.steps.forEach((step, k) => {
    const rows = Math.ceil(height / step);
    const cols = Math.ceil(width / step);
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++)
        for (const size of config.minSizes[k] ?? []) {
          let p = [((j + 0.5) * step) / width, ((i + 0.5) * step) / height, size / width, size / height];
          if (config.clip) p = p.map((v) => Math.min(Math.max(v, 0), 1));
          out.push(...p);
        }
  });
  return Float64Array.from(out);
}

function byLastDim(outputs: Readonly<Record<string, Tensor>>, dim: number, what: string): Tensor {
  const hit = Object.values(outputs).find((t) => t.shape[t.shape.length - 1] === dim);
  if (!hit) {
    throw new DiffmacError('DETECTOR_OUTPUTS', `RetinaFace outputs have no ${what} tensor (last dimension ${dim})`, {
      argument: 'outputs',
      expected: 'loc [1, N, 4], conf [1, N, 2], landmarks [1, N, 10]',
      received: Object.entries(outputs)
        .map(([k, t]) => `${k} [${t.shape.join(', ')}]`)
        .join('; '),
    });
  }
  return hit;
}

/**
 * Decode RetinaFace outputs (loc [1, N, 4], conf [1, N, 2] softmax probabilities, landmarks
 * [1, N, 10], told apart by their last dimension) against the priors with the variances, as
 * facexlib's `decode` / `decode_landm` do. Returns candidates above `minScore` in input pixels.
 *
 * @example
 * const faces = decodeRetinaFace(outputs, 640, 480, { minScore: 0.97 });
 */
export function decodeRetinaFace(
  outputs: Readonly<Record<string, Tensor>>,
  width: number,
  height: number,
  options: { minScore: number; logits?: boolean; config?: RetinaFacePriorConfig },
): FaceCandidate[] {
  const config = options.config ?? RETINAFACE_CONFIG;
  const priors = retinaFacePriors(width, height, config);
  const n = priors.length / 4;
  const loc = byLastDim(outputs, 4, 'box').data as Float32Array;
  const conf = byLastDim(outputs, 2, 'score').data as Float32Array;
  const landm = byLastDim(outputs, 10, 'landmark').data as Float32Array;
  if (loc.length !== 4 * n || conf.length !== 2 * n || landm.length !== 10 * n) {
    throw new DiffmacError('DETECTOR_OUTPUTS', `RetinaFace outputs hold ${loc.length / 4} boxes but a ${width}×${height} input has ${n} priors`, {
      argument: 'outputs',
      expected: `${n} priors`,
      received: `${loc.length / 4}`,
    });
  }
  const [v0, v1] = config.variance;
  const out: FaceCandidate[] = [];
  for (let i = 0; i < n; i++) {
    let score = conf[2 * i + 1] as number;
    if (options.logits) {
      const a = conf[2 * i] as number;
      score = 1 / (1 + Math.exp(a - score));
    }
    if (!(score > options.minScore)) continue;
    const pcx = priors[4 * i] as number;
    const pcy = priors[4 * i + 1] as number;
    const pw = priors[4 * i + 2] as number;
    const ph = priors[4 * i + 3] as number;
    const cx = pcx + (loc[4 * i] as number) * v0 * pw;
    const cy = pcy + (loc[4 * i + 1] as number) * v0 * ph;
    const bw = pw * Math.exp((loc[4 * i + 2] as number) * v1);
    const bh = ph * Math.exp((loc[4 * i + 3] as number) * v1);
    const x1 = cx - bw / 2;
    const y1 = cy - bh / 2;
    const landmarks: number[] = [];
    for (let p = 0; p < 5; p++) {
      landmarks.push((pcx + (landm[10 * i + 2 * p] as number) * v0 * pw) * width, (pcy + (landm[10 * i + 2 * p + 1] as number) * v0 * ph) * height);
    }
    out.push({ box: [x1 * width, y1 * height, (x1 + bw) * width, (y1 + bh) * height], score, landmarks });
  }
  return out;
}
