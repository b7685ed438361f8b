import { MibError } from './errors';
import { NeumaierSum } from './neumaier';
import { assertFinite, batchLayout, type LatentTensor } from './tensor';

/** A diagonal Gaussian over a tensor: per-element mean and natural-log variance, same shape. */
export interface DiagonalGaussian {
  readonly mean: LatentTensor;
  readonly logVar: LatentTensor;
}

/** A rate (information in a batch), in nats and bits, in total, per element and per image. */
export interface Rate {
  /** Total over the batch, in nats. */
  readonly nats: number;
  /** Total over the batch, in bits. */
  readonly bits: number;
  /** Number of images (the leading dimension). */
  readonly batch: number;
  /** Elements per image (product of the other dimensions). */
  readonly elementsPerImage: number;
  /** Mean bits per element over the batch (`bits / (batch · elementsPerImage)`). */
  readonly bitsPerElement: number;
  /** Bits of each image (length `batch`). */
  readonly bitsPerImage: Float64Array;
}

/**
 * KL(N(μp, σp²) ‖ N(μq, σq²)) for one element, in nats, from log-variances, in float64.
 * Written as ½[expm1(d) − d + (μp − μq)²·e^(−lvq)] with d = lvp − lvq, so nearly equal
 * variances lose no digits.
 *
 * @example
 * klGaussianElement(0, 0, 0, 0); // 0
 * klGaussianElement(1, 0, 0, 0); // 0.5
 */
export function klGaussianElement(meanP: number, logVarP: number, meanQ: number, logVarQ: number): number {
  const d = logVarP - logVarQ;
  const dm = meanP - meanQ;
  return 0.5 * (Math.expm1(d) - d + dm * dm * Math.exp(-logVarQ));
}

/**
 * KL(N(μ, σ²) ‖ N(0, 1)) for one element, in nats: ½[μ² + expm1(lv) − lv].
 *
 * @example
 * klStandardNormalElement(0, 0); // 0
 * klStandardNormalElement(2, 0); // 2
 */
export function klStandardNormalElement(mean: number, logVar: number): number {
  return 0.5 * (mean * mean + Math.expm1(logVar) - logVar);
}

function checkGaussian(g: DiagonalGaussian, argument: string) {
  if (typeof g !== 'object' || g === null) {
    throw new MibError('INVALID_ARGUMENT', `Expected { mean, logVar } for ${argument}, received ${String(g)}`, {
      argument,
      expected: '{ mean, logVar }',
      received: String(g),
    });
  }
  const layout = batchLayout(g.mean, `${argument}.mean`);
  batchLayout(g.logVar, `${argument}.logVar`);
  sameShape(g.logVar.shape, g.mean.shape, `${argument}.logVar`, `${argument}.mean`);
  assertFinite(g.mean.data, `${argument}.mean`);
  assertFinite(g.logVar.data, `${argument}.logVar`);
  return layout;
}

/**
 * Throw `SHAPE_MISMATCH` unless `shape` equals `reference`.
 *
 * @example
 * sameShape([1, 4], [1, 4], 'logVar', 'mean'); // ok
 * sameShape([1, 2], [1, 4], 'logVar', 'mean'); // throws MibError SHAPE_MISMATCH
 */
export function sameShape(shape: readonly number[], reference: readonly number[], argument: string, referenceName: string): void {
  if (shape.length !== reference.length || shape.some((d, i) => d !== reference[i])) {
    throw new MibError(
      'SHAPE_MISMATCH',
      `Expected ${argument} to have the shape of ${referenceName} [${reference.join(', ')}], received [${shape.join(', ')}]`,
      { argument, expected: `[${reference.join(', ')}]`, received: `[${shape.join(', ')}]` },
    );
  }
}

function rateFrom(batch: number, elementsPerImage: number, perImageNats: Float64Array): Rate {
  const total = new NeumaierSum();
  const bitsPerImage = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    total.add(perImageNats[b] as number);
    bitsPerImage[b] = (perImageNats[b] as number) / Math.LN2;
  }
  const nats = total.value;
  const bits = nats / Math.LN2;
  return { nats, bits, batch, elementsPerImage, bitsPerElement: bits / (batch * elementsPerImage), bitsPerImage };
}

/**
 * KL divergence of a diagonal Gaussian posterior from the standard normal prior, summed per
 * image and over the batch in float64 (compensated sums): the rate of a variational bottleneck.
 *
 * @example
 * const mean = { data: new Float32Array([1, 0]), shape: [1, 2] };
 * const logVar = { data: new Float32Array([0, 0]), shape: [1, 2] };
 * klToStandardNormal({ mean, logVar }).nats; // 0.5
 */
export function klToStandardNormal(posterior: DiagonalGaussian): Rate {
  const { batch, elementsPerImage } = checkGaussian(posterior, 'posterior');
  const m = posterior.mean.data;
  const lv = posterior.logVar.data;
  const perImage = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    const s = new NeumaierSum();
    const off = b * elementsPerImage;
    for (let i = off; i < off + elementsPerImage; i++) s.add(klStandardNormalElement(m[i] as number, lv[i] as number));
    perImage[b] = s.value;
  }
  return rateFrom(batch, elementsPerImage, perImage);
}

/**
 * KL(p ‖ q) between two diagonal Gaussians of the same shape, per image and over the batch, in
 * nats and bits (float64, compensated sums).
 *
 * @example
 * const t = (v: number[]) => ({ data: new Float32Array(v), shape: [1, v.length] });
 * klDiagonalGaussians({ mean: t([0]), logVar: t([0]) }, { mean: t([0]), logVar: t([Math.log(2)]) }).nats;
 * // 0.5 * (0.5 - 1 + Math.log(2))
 */
export function klDiagonalGaussians(p: DiagonalGaussian, q: DiagonalGaussian): Rate {
  const { batch, elementsPerImage } = checkGaussian(p, 'p');
  checkGaussian(q, 'q');
  sameShape(q.mean.shape, p.mean.shape, 'q.mean', 'p.mean');
  const perImage = new Float64Array(batch);
  for (let b = 0; b < batch; b++) {
    const s = new NeumaierSum();
    const off = b * elementsPerImage;
    for (let i = off; i < off + elementsPerImage; i++) {
      s.add(klGaussianElement(p.mean.data[i] as number, p.logVar.data[i] as number, q.mean.data[i] as number, q.logVar.data[i] as number));
    }
    perImage[b] = s.value;
  }
  return rateFrom(batch, elementsPerImage, perImage);
}

/**
 * Build a {@link Rate} from per-image rates in nats (float64 totals, compensated sum).
 *
 * @example
 * rateFromImageNats(new Float64Array([Math.LN2, 3 * Math.LN2]), 4).bits; // 4
 */
export function rateFromImageNats(perImageNats: Float64Array, elementsPerImage: number): Rate {
  return rateFrom(perImageNats.length, elementsPerImage, perImageNats);
}
