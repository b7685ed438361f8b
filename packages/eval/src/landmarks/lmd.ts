import { type ColorImage, DiffmacError, resizeLinearU8, squareResize, toRgb255 } from '@diffmac/base';
import { createSession, type InferenceSession, type SessionOptions } from '@diffmac/core';
import { convertFaceApiModel, type FaceDetector } from '@diffmac/face-align';
import { assertImage } from '../image/validate';

/** A landmark point [x, y] in image pixels. */
export type LandmarkPoint = readonly [number, number];

/** Anything that gives one face's dense landmarks (98-point FAN, the embedded 68-point net, ...). */
export interface LandmarkDetector {
  /** Landmarks of the (main) face in `face`, in the detector's fixed order. */
  landmarks(face: ColorImage, options?: { signal?: AbortSignal }): Promise<LandmarkPoint[]>;
  dispose(): Promise<void>;
}

/**
 * Mean L2 distance between corresponding landmarks (VQFR's `get_landmark_distance`), in pixels.
 *
 * @example
 * landmarkDistance([[0, 0]], [[3, 4]]); // 5
 */
export function landmarkDistance(a: readonly LandmarkPoint[], b: readonly LandmarkPoint[]): number {
  if (a.length !== b.length || a.length === 0) {
    throw new DiffmacError('LANDMARK_MISMATCH', `Expected two equally long, non-empty landmark sets, received ${a.length} and ${b.length}`, {
      argument: 'b',
      expected: `${a.length} points`,
      received: `${b.length} points`,
    });
  }
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.hypot((a[i] as LandmarkPoint)[0] - (b[i] as LandmarkPoint)[0], (a[i] as LandmarkPoint)[1] - (b[i] as LandmarkPoint)[1]);
  return s / a.length;
}

/**
 * LMD of one pair: landmarks of both images from `detector`, then {@link landmarkDistance}.
 *
 * @example
 * const lmd = await landmarkScore(restored, gt, detector);
 */
export async function landmarkScore(img: ColorImage, ref: ColorImage, detector: LandmarkDetector, options: { signal?: AbortSignal } = {}): Promise<number> {
  assertImage('img', img);
  assertImage('ref', ref);
  const a = await detector.landmarks(img, options);
  const b = await detector.landmarks(ref, options);
  return landmarkDistance(b, a);
}

/**
 * facexlib's `calculate_points`: per heatmap the argmax, moved a quarter pixel towards the larger
 * neighbour on each axis, plus 0.5, in heatmap pixels. Its quirks are kept: the vertical neighbours
 * fall back to the last (first) heatmap value for **every** landmark as soon as one landmark's
 * maximum sits in the last (first) row.
 *
 * @example
 * const pts = heatmapPoints(heatmaps, 98, 64, 64); // Float64Array(196): x0, y0, x1, y1, ...
 */
export function heatmapPoints(heatmaps: Float32Array, count: number, height: number, width: number): Float64Array {
  const hw = height * width;
  const idx = new Int32Array(count);
  for (let n = 0; n < count; n++) {
    let best = 0;
    let bestV = -Infinity;
    for (let i = 0; i < hw; i++) {
      const v = heatmaps[n * hw + i] as number;
      if (v > bestV) {
        bestV = v;
        best = i;
      }
    }
    idx[n] = best;
  }
  const anyBottom = Array.from(idx).some((i) => i + width >= hw);
  const anyTop = Array.from(idx).some((i) => i - width <= 0);
  const out = new Float64Array(count * 2);
  for (let n = 0; n < count; n++) {
    const i = idx[n] as number;
    const at = (k: number) => heatmaps[n * hw + Math.min(Math.max(k, 0), hw - 1)] as number;
    const dx = Math.sign(at(i + 1) - at(i - 1));
    const dy = Math.sign((anyBottom ? at(hw - 1) : at(i + width)) - (anyTop ? at(0) : at(i - width)));
    out[2 * n] = (i % width) + 0.25 * dx + 0.5;
    out[2 * n + 1] = Math.floor(i / width) + 0.25 * dy + 0.5;
  }
  return out;
}

/** Options of {@link createFanLandmarker}. */
export interface FanLandmarkerOptions {
  /**
   * ONNX file, bytes or open session. Contract (facexlib's AWing FAN, 4 hourglasses): one float32
   * input [1,3,256,256], RGB in [0,1] (`cv2.resize` INTER_LINEAR to 256²); the heatmaps [1,C,64,64]
   * as the last output (or `heatmapOutput`), the first `points` channels used (98; a trailing
   * boundary channel is ignored).
   */
  model: string | Uint8Array | InferenceSession;
  heatmapOutput?: string;
  points?: number;
  session?: SessionOptions;
}

/**
 * A {@link LandmarkDetector} over a FAN heatmap ONNX model (98-point WFLW as in the BFR papers'
 * LMD), with facexlib's pre- and post-processing; points come back in the input image's pixels.
 *
 * @example
 * const fan = await createFanLandmarker({ model: 'awing_fan.onnx' });
 * const pts = await fan.landmarks(face); // 98 points
 */
export async function createFanLandmarker(options: FanLandmarkerOptions): Promise<LandmarkDetector> {
  const owned = typeof options.model === 'string' || options.model instanceof Uint8Array;
  const session = owned ? await createSession(options.model as string | Uint8Array, options.session ?? {}) : (options.model as InferenceSession);
  const input = session.inputs[0];
  const outName = options.heatmapOutput ?? session.outputs[session.outputs.length - 1]?.name;
  const points = options.points ?? 98;
  if (session.inputs.length !== 1 || !input || input.shape.length !== 4 || !outName || !session.outputs.some((o) => o.name === outName)) {
    const found = `inputs ${session.inputs.map((s) => `${s.name}[${s.shape.join(',')}]`).join(', ')}; outputs ${session.outputs.map((s) => s.name).join(', ')}`;
    if (owned) await session.dispose();
    throw new DiffmacError('LANDMARK_MODEL_SIGNATURE', `FAN model must take one [1,3,256,256] input and output heatmaps; found ${found}`, {
      argument: 'model',
      expected: 'one input [1,3,256,256], heatmaps [1,C,64,64]',
      received: found,
    });
  }
  const side = typeof input.shape[2] === 'number' ? input.shape[2] : 256;
  return {
    async landmarks(face, o = {}) {
      assertImage('face', face);
      const rgb = new Uint8Array(face.width * face.height * 3);
      const u8 = face.data instanceof Uint8Array;
      for (let i = 0, s = 0; i < face.width * face.height; i++, s += face.channels) {
        for (let c = 0; c < 3; c++) {
          const v = face.data[s + c] as number;
          rgb[i * 3 + c] = u8 ? v : Math.min(255, Math.max(0, Math.round(v * 255)));
        }
      }
      const small = resizeLinearU8(rgb, face.width, face.height, 3, side, side);
      const data = new Float32Array(3 * side * side);
      for (let c = 0; c < 3; c++) for (let i = 0; i < side * side; i++) data[c * side * side + i] = (small[i * 3 + c] as number) / 255;
      const res = await session.run({ [input.name]: { data, shape: [1, 3, side, side] } }, { outputs: [outName], ...(o.signal ? { signal: o.signal } : {}) });
      const hm = res[outName]!;
      const [, ch = 0, h = 0, w = 0] = hm.shape;
      if (hm.shape.length !== 4 || ch < points) {
        throw new DiffmacError('LANDMARK_MODEL_SIGNATURE', `Heatmaps ${outName} came back as [${hm.shape.join(',')}], need at least ${points} channels`, {
          argument: 'model',
          expected: `[1,>=${points},H,W]`,
          received: `[${hm.shape.join(',')}]`,
        });
      }
      const pts = heatmapPoints(hm.data as Float32Array, points, h, w);
      const sx = face.width / w;
      const sy = face.height / h;
      const out: LandmarkPoint[] = [];
      for (let n = 0; n < points; n++) out.push([(pts[2 * n] as number) * sx, (pts[2 * n + 1] as number) * sy]);
      return out;
    },
    async dispose() {
      if (owned) await session.dispose();
    },
  };
}

/**
 * Landmarks from any face detector that reports dense landmarks (the highest-scoring face).
 * Throws `NO_FACE_LANDMARKS` when no face (or no dense landmarks) is found.
 *
 * @example
 * const lm = landmarkDetectorFromFaceDetector(await createDefaultDetector());
 */
export function landmarkDetectorFromFaceDetector(detector: FaceDetector, ownsDetector = false): LandmarkDetector {
  return {
    async landmarks(face, o = {}) {
      const faces = await detector.detect(face, o.signal ? { signal: o.signal } : {});
      const best = faces[0];
      if (!best?.landmarks || best.landmarks.length === 0) {
        throw new DiffmacError('NO_FACE_LANDMARKS', `No face with dense landmarks found in a ${face.height}x${face.width} image`, {
          argument: 'face',
          expected: 'an image with a detectable face',
          received: `${faces.length} faces`,
        });
      }
      return best.landmarks.map((p) => [p[0], p[1]] as const);
    },
    async dispose() {
      if (ownsDetector) await detector.dispose();
    },
  };
}

/**
 * The default landmark detector for aligned face crops (the CelebA-Test setting, where VQFR's FAN
 * also runs on the whole image without a detector): @diffmac/face-align's embedded face-api
 * 68-point landmark net (no download) run on the whole image, zero-padded to a centred square and
 * resized to 112² with TFJS's bilinear rule (align_corners false, half_pixel_centers false), as
 * face-api feeds it. For photos with several faces use {@link landmarkDetectorFromFaceDetector}.
 *
 * @example
 * const lm = await createDefaultLandmarker();
 * const lmd = await landmarkScore(restored, gt, lm);
 */
export async function createDefaultLandmarker(options: { threads?: number; signal?: AbortSignal } = {}): Promise<LandmarkDetector> {
  const { bytes } = await convertFaceApiModel('face_landmark_68', options.signal ? { signal: options.signal } : {});
  const session = await createSession(bytes, { name: 'face-api face_landmark_68', ...(options.threads ? { threads: options.threads } : {}) });
  const size = 112;
  return {
    async landmarks(face, o = {}) {
      assertImage('face', face);
      const input = new Float32Array(size * size * 3);
      const { side, offsetX, offsetY } = squareResize(toRgb255(face), { x: 0, y: 0, width: face.width, height: face.height }, size, true, input, 0);
      const out = await session.run({ image: { data: input, shape: [1, size, size, 3] } }, o.signal ? { signal: o.signal } : {});
      const lm = out.landmarks?.data as Float32Array | undefined;
      if (!lm || lm.length < 136) {
        throw new DiffmacError('LANDMARK_MODEL_SIGNATURE', 'The embedded landmark net returned no 68-point output', { argument: 'model', expected: 'landmarks [1,136]', received: String(lm?.length) });
      }
      const pts: LandmarkPoint[] = [];
      for (let p = 0; p < 68; p++) pts.push([(lm[2 * p] as number) * side - offsetX, (lm[2 * p + 1] as number) * side - offsetY]);
      return pts;
    },
    async dispose() {
      await session.dispose();
    },
  };
}
