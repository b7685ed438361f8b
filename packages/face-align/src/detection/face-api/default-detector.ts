import { assertColorImage, type ColorImage, DiffmacError, invalidArgument, type PixelRect, squareResize, toRgb255 } from '@diffmac/base';
import { createSession, type InferenceSession, LANDMARK_INPUT_SIZE, SSD_INPUT_SIZE } from '@diffmac/core';
import { fiveFrom68 } from '../landmarks-to-five';
import { type Box4, nms } from '../nms';
import type { DetectedFace, DetectOptions, FaceDetector, Point } from '../types';
import { convertFaceApiModel, type FaceApiModelOptions } from './face-api-models';

/** Options of {@link createDefaultDetector}. */
export interface DefaultDetectorOptions extends FaceApiModelOptions {
  /** Faces scoring at or under this are dropped (face-api's default 0.5). `detect` can override it. */
  minScore?: number;
  /** At most this many faces (face-api's default 100). */
  maxResults?: number;
  /** IoU above which a lower-scoring box is suppressed (face-api: 0.5). */
  iouThreshold?: number;
  /** Run the 68-point landmark net on each face (default true); without it `landmarks5` come from the box. */
  landmarks?: boolean;
  /** onnxruntime intra-op threads (default: all cores). */
  threads?: number;
}

function checkUnit(name: string, v: number | undefined): void {
  if (v !== undefined && !(Number.isFinite(v) && v >= 0 && v <= 1)) invalidArgument(name, 'a number in [0, 1]', v);
}

/** face-api's `clipAtImageBorders(...).floor()`: the integer crop the landmark net sees. */
function cropRect(box: Box4, width: number, height: number): PixelRect {
  const x = Math.max(box[0], 0);
  const y = Math.max(box[1], 0);
  const w = Math.min(box[2] - x, width - x);
  const h = Math.min(box[3] - y, height - y);
  return { x: Math.floor(x), y: Math.floor(y), width: Math.floor(w), height: Math.floor(h) };
}

/**
 * The embedded face detector: face-api's SSD MobileNet v1 (box decoding, sigmoid scores, greedy
 * NMS as face-api does them), then its 68-point landmark net on each face crop, reduced to
 * facexlib's 5 points. The MIT-licensed weights ship inside `@vladmandic/face-api`; they are
 * converted to ONNX on first use (cached under `cacheDir`) and run with onnxruntime through
 * core's inference seam. Nothing is downloaded.
 *
 * @example
 * const detector = await createDefaultDetector();
 * const faces = await detector.detect(photo); // [{ box, score, landmarks5, landmarks }]
 * await detector.dispose();
 */
export async function createDefaultDetector(options: DefaultDetectorOptions = {}): Promise<FaceDetector> {
  checkUnit('minScore', options.minScore);
  checkUnit('iouThreshold', options.iouThreshold);
  if (options.maxResults !== undefined && !(Number.isInteger(options.maxResults) && options.maxResults > 0)) {
    invalidArgument('maxResults', 'a positive integer', options.maxResults);
  }
  const withLandmarks = options.landmarks ?? true;
  const sessionOptions = { ...(options.threads === undefined ? {} : { threads: options.threads }), ...(options.signal ? { signal: options.signal } : {}) };
  const ssd = await createSession((await convertFaceApiModel('ssd_mobilenetv1', options)).bytes, { ...sessionOptions, name: 'face-api ssd_mobilenetv1' });
  let landmarkNet: InferenceSession | undefined;
  try {
    if (withLandmarks) {
      landmarkNet = await createSession((await convertFaceApiModel('face_landmark_68', options)).bytes, {
        ...sessionOptions,
        name: 'face-api face_landmark_68',
      });
    }
  } catch (e) {
    await ssd.dispose();
    throw e;
  }
  const defaults = { minScore: options.minScore ?? 0.5, maxResults: options.maxResults ?? 100, iouThreshold: options.iouThreshold ?? 0.5 };
  let disposed = false;

  return {
    async detect(image: ColorImage, detectOptions: DetectOptions = {}): Promise<DetectedFace[]> {
      if (disposed) throw new DiffmacError('DETECTOR_DISPOSED', 'This detector was disposed', { argument: 'detector' });
      assertColorImage(image, 'image');
      checkUnit('minScore', detectOptions.minScore);
      const signal = detectOptions.signal;
      signal?.throwIfAborted();
      const minScore = detectOptions.minScore ?? defaults.minScore;
      const rgb = toRgb255(image);
      const input = new Float32Array(SSD_INPUT_SIZE * SSD_INPUT_SIZE * 3);
      const geo = squareResize(rgb, { x: 0, y: 0, width: image.width, height: image.height }, SSD_INPUT_SIZE, false, input, 0);
      const out = await ssd.run({ image: { data: input, shape: [1, SSD_INPUT_SIZE, SSD_INPUT_SIZE, 3] } }, signal ? { signal } : {});
      const rawBoxes = out.boxes?.data as Float32Array;
      const scores = out.scores?.data as Float32Array;
      const n = scores.length;
      const rel: Box4[] = [];
      for (let i = 0; i < n; i++) rel.push([rawBoxes[4 * i + 1] as number, rawBoxes[4 * i] as number, rawBoxes[4 * i + 3] as number, rawBoxes[4 * i + 2] as number]);
      const kept = nms(rel, scores, { iouThreshold: defaults.iouThreshold, minScore, maxResults: defaults.maxResults });
      // Relative boxes cover the padded square; clip to the image part (face-api clips to [0, 1] of it).
      const boxes = kept.map((i): Box4 => {
        const [x1, y1, x2, y2] = rel[i] as Box4;
        return [Math.max(0, x1) * geo.side, Math.max(0, y1) * geo.side, Math.min(image.width, x2 * geo.side), Math.min(image.height, y2 * geo.side)];
      });
      const faces: DetectedFace[] = [];
      if (!landmarkNet || boxes.length === 0) {
        for (const [k, i] of kept.entries()) {
          const b = boxes[k] as Box4;
          const cx = (b[0] + b[2]) / 2;
          const w = b[2] - b[0];
          const h = b[3] - b[1];
          // Rough five points from the box alone (only used when the landmark net is off).
          faces.push({
            box: b,
            score: scores[i] as number,
            landmarks5: [
              [cx - 0.2 * w, b[1] + 0.4 * h],
              [cx + 0.2 * w, b[1] + 0.4 * h],
              [cx, b[1] + 0.6 * h],
              [cx - 0.15 * w, b[1] + 0.78 * h],
              [cx + 0.15 * w, b[1] + 0.78 * h],
            ],
          });
        }
        return faces;
      }
      const crops = boxes.map((b) => cropRect(b, image.width, image.height));
      const valid = crops.map((c) => c.width > 0 && c.height > 0);
      const used = crops.filter((_, k) => valid[k]);
      const size = LANDMARK_INPUT_SIZE;
      const batch = new Float32Array(used.length * size * size * 3);
      const geos = used.map((c, k) => squareResize(rgb, c, size, true, batch, k * size * size * 3));
      signal?.throwIfAborted();
      const lm = used.length
        ? ((await landmarkNet.run({ image: { data: batch, shape: [used.length, size, size, 3] } }, signal ? { signal } : {})).landmarks?.data as Float32Array)
        : new Float32Array(0);
      let u = 0;
      for (const [k, i] of kept.entries()) {
        if (!valid[k]) continue;
        const g = geos[u] as (typeof geos)[number];
        const points: Point[] = [];
        for (let p = 0; p < 68; p++) {
          const base = u * 136 + 2 * p;
          points.push([(lm[base] as number) * g.side - g.offsetX + g.x, (lm[base + 1] as number) * g.side - g.offsetY + g.y]);
        }
        u++;
        faces.push({ box: boxes[k] as Box4, score: scores[i] as number, landmarks5: fiveFrom68(points), landmarks: points });
      }
      return faces;
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      await ssd.dispose();
      await landmarkNet?.dispose();
    },
  };
}
