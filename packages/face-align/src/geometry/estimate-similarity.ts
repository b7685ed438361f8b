import { DiffmacError, describeValue, invalidArgument } from '@diffmac/base';
import type { Point } from '../detection/types';
import type { AffineMatrix } from './affine';
import { OpenCvRng } from './opencv-rng';

/** Options of {@link estimateSimilarity}. */
export interface SimilarityOptions {
  /**
   * `'lmeds'` (default, what facexlib uses): OpenCV's `estimateAffinePartial2D(..., LMEDS)`: random
   * 2-point subsets from OpenCV's fixed-seed RNG, least median of squares, inliers, then a least-squares
   * refinement on the inliers. `'lstsq'`: closed-form least squares over all points (Umeyama / skimage).
   */
  method?: 'lstsq' | 'lmeds';
}

/** A similarity estimate with the points it kept. */
export interface SimilarityEstimate {
  matrix: AffineMatrix;
  /** 1 for each point used in the final fit (all ones for `'lstsq'`). */
  inliers: Uint8Array;
}

const f32 = Math.fround;

function validatePoints(points: unknown, argument: string): Point[] {
  if (!Array.isArray(points)) invalidArgument(argument, 'an array of [x, y] points', points, 'INVALID_LANDMARKS');
  const out: Point[] = [];
  points.forEach((p: unknown, i: number) => {
    if (!Array.isArray(p) || p.length < 2) invalidArgument(`${argument}[${i}]`, 'an [x, y] point', p, 'INVALID_LANDMARKS');
    const [x, y] = p as unknown[];
    if (typeof x !== 'number' || typeof y !== 'number' || !Number.isFinite(x) || !Number.isFinite(y)) {
      invalidArgument(`${argument}[${i}]`, 'finite x and y', p, 'INVALID_LANDMARKS');
    }
    out.push([x, y]);
  });
  if (out.length < 2) invalidArgument(argument, 'at least 2 points', points, 'TOO_FEW_LANDMARKS');
  return out;
}

function degenerate(argument: string): never {
  throw new DiffmacError('DEGENERATE_LANDMARKS', `Expected landmarks that are not all coincident for ${argument}, received coincident points`, {
    argument,
    expected: 'at least two distinct points',
    received: 'coincident points',
  });
}

/** Closed-form least-squares similarity `[a, -b, tx, b, a, ty]` from src to dst (float64). */
function leastSquares(src: readonly Point[], dst: readonly Point[]): AffineMatrix | undefined {
  const n = src.length;
  let mx = 0, my = 0, mX = 0, mY = 0;
  for (let i = 0; i < n; i++) {
    mx += src[i]![0]; my += src[i]![1]; mX += dst[i]![0]; mY += dst[i]![1];
  }
  mx /= n; my /= n; mX /= n; mY /= n;
  let ss = 0, sa = 0, sb = 0;
  for (let i = 0; i < n; i++) {
    const x = src[i]![0] - mx, y = src[i]![1] - my;
    const X = dst[i]![0] - mX, Y = dst[i]![1] - mY;
    ss += x * x + y * y;
    sa += x * X + y * Y;
    sb += x * Y - y * X;
  }
  if (!(ss > 0)) return undefined;
  const a = sa / ss, b = sb / ss;
  return [a, -b, mX - (a * mx - b * my), b, a, mY - (b * mx + a * my)];
}

/** OpenCV AffinePartial2DEstimatorCallback::runKernel on two points. */
function twoPointKernel(p: readonly Point[], q: readonly Point[]): AffineMatrix {
  const [x1, y1] = p[0]!, [x2, y2] = p[1]!;
  const [X1, Y1] = q[0]!, [X2, Y2] = q[1]!;
  const d = 1 / ((x1 - x2) * (x1 - x2) + (y1 - y2) * (y1 - y2));
  const S0 = d * ((X1 - X2) * (x1 - x2) + (Y1 - Y2) * (y1 - y2));
  const S1 = d * ((Y1 - Y2) * (x1 - x2) - (X1 - X2) * (y1 - y2));
  const S2 = d * ((Y1 - Y2) * (x1 * y2 - x2 * y1) - (X1 * y2 - X2 * y1) * (y1 - y2) - (X1 * x2 - X2 * x1) * (x1 - x2));
  const S3 = d * (-(X1 - X2) * (x1 * y2 - x2 * y1) - (Y1 * x2 - Y2 * x1) * (x1 - x2) - (Y1 * y2 - Y2 * y1) * (y1 - y2));
  return [S0, -S1, S2, S1, S0, S3];
}

/** Squared reprojection errors in float32, as OpenCV's computeError. */
function errors(m: AffineMatrix, src: readonly Point[], dst: readonly Point[]): Float32Array {
  const F = m.map(f32);
  const err = new Float32Array(src.length);
  for (let i = 0; i < src.length; i++) {
    const [x, y] = src[i]!, [X, Y] = dst[i]!;
    const a = f32(f32(f32(f32(F[0]! * x) + f32(F[1]! * y)) + F[2]!) - X);
    const b = f32(f32(f32(f32(F[3]! * x) + f32(F[4]! * y)) + F[5]!) - Y);
    err[i] = f32(f32(a * a) + f32(b * b));
  }
  return err;
}

/** `RANSACUpdateNumIters(0.99, 0.45, 2, 2000)` as OpenCV computes it (13). */
function lmedsIterations(confidence: number, outlierRatio: number, modelPoints: number, maxIters: number): number {
  const num = Math.log(Math.max(1 - confidence, Number.MIN_VALUE));
  const denomRaw = 1 - Math.pow(1 - outlierRatio, modelPoints);
  if (denomRaw < Number.MIN_VALUE) return 0;
  const denom = Math.log(denomRaw);
  const n = denom >= 0 || -num >= maxIters * -denom ? maxIters : Math.round(num / denom);
  return Math.max(n, 3);
}

function lmeds(src: readonly Point[], dst: readonly Point[], argument: string): SimilarityEstimate {
  const count = src.length;
  if (count === 2) {
    if (src[0]![0] === src[1]![0] && src[0]![1] === src[1]![1]) degenerate(argument);
    return { matrix: twoPointKernel(src, dst), inliers: new Uint8Array([1, 1]) };
  }
  const rng = new OpenCvRng(0xffffffffffffffffn);
  const niters = lmedsIterations(0.99, 0.45, 2, 2000);
  let best: AffineMatrix | undefined;
  let minMedian = Infinity;
  for (let iter = 0; iter < niters; iter++) {
    const i0 = rng.uniform(0, count);
    let i1 = rng.uniform(0, count);
    while (i1 === i0) i1 = rng.uniform(0, count);
    const model = twoPointKernel([src[i0]!, src[i1]!], [dst[i0]!, dst[i1]!]);
    if (!model.every(Number.isFinite)) continue;
    const err = errors(model, src, dst);
    const sorted = Float32Array.from(err).sort();
    const median = sorted[count >> 1]!;
    if (median < minMedian) {
      minMedian = median;
      best = model;
    }
  }
  if (best === undefined) degenerate(argument);
  const sigma = Math.max(2.5 * 1.4826 * (1 + 5 / (count - 2)) * Math.sqrt(minMedian), 0.001);
  const t = f32(sigma * sigma);
  const err = errors(best, src, dst);
  const inliers = new Uint8Array(count);
  const ins: Point[] = [], ind: Point[] = [];
  for (let i = 0; i < count; i++) {
    if (err[i]! <= t) {
      inliers[i] = 1;
      ins.push(src[i]!);
      ind.push(dst[i]!);
    }
  }
  if (ins.length < 2) degenerate(argument);
  // OpenCV refines the 4 parameters with Levenberg-Marquardt on the inliers; the problem is linear,
  // so LM converges to the closed-form least-squares fit on the same float32 points.
  const refined = leastSquares(ins, ind);
  return { matrix: refined ?? best, inliers };
}

/**
 * Estimate the 4-DoF similarity (rotation, uniform scale, translation) mapping `src` points onto
 * `dst` points, as a 2×3 row-major matrix `[a, -b, tx, b, a, ty]`. `'lmeds'` reproduces OpenCV's
 * `estimateAffinePartial2D(src, dst, method=LMEDS)` (points rounded to float32 as OpenCV does),
 * `'lstsq'` is the closed-form least-squares fit in float64.
 *
 * @example
 * const m = estimateSimilarity(landmarks5, ffhqTemplate(512), { method: 'lmeds' });
 */
export function estimateSimilarity(src: readonly Point[], dst: readonly Point[], options: SimilarityOptions = {}): AffineMatrix {
  return estimateSimilarityWithInliers(src, dst, options).matrix;
}

/**
 * {@link estimateSimilarity} that also returns which points the robust estimate kept.
 *
 * @example
 * const { matrix, inliers } = estimateSimilarityWithInliers(landmarks5, ffhqTemplate(512));
 */
export function estimateSimilarityWithInliers(src: readonly Point[], dst: readonly Point[], options: SimilarityOptions = {}): SimilarityEstimate {
  const s = validatePoints(src, 'src');
  const d = validatePoints(dst, 'dst');
  if (s.length !== d.length) invalidArgument('dst', `${s.length} points, as many as src`, dst, 'LANDMARK_COUNT_MISMATCH');
  const method = options.method ?? 'lmeds';
  if (method === 'lstsq') {
    const m = leastSquares(s, d);
    if (m === undefined) degenerate('src');
    return { matrix: m, inliers: new Uint8Array(s.length).fill(1) };
  }
  if (method !== 'lmeds') {
    throw new DiffmacError('INVALID_METHOD', `Expected 'lstsq' or 'lmeds' for options.method, received ${describeValue(method)}`, {
      argument: 'options.method',
      expected: "'lstsq' or 'lmeds'",
      received: describeValue(method),
    });
  }
  const fs = s.map(([x, y]) => [f32(x), f32(y)] as const);
  const fd = d.map(([x, y]) => [f32(x), f32(y)] as const);
  const distinct = fs.some(([x, y]) => x !== fs[0]![0] || y !== fs[0]![1]);
  if (!distinct) degenerate('src');
  return lmeds(fs, fd, 'src');
}
