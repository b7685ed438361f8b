import { assertColorImage, type ColorImage, DiffmacError, invalidArgument, type Tensor } from '@diffmac/base';
import { createSession, type InferenceSession } from '@diffmac/core';
import { nms } from '../nms';
import type { DetectedFace, DetectOptions, FaceDetector, FiveLandmarks, Point } from '../types';
import type { FaceCandidate } from './candidate';
import { type InputRecipe, prepareInput } from './prepare-input';
import { decodeRetinaFace } from './retinaface';
import { decodeScrfd } from './scrfd';
import { decodeYuNet } from './yunet';

/** An ONNX detector model: a file path, its bytes, or a session already created with core's `createSession`. */
export type DetectorModel = string | Uint8Array | InferenceSession;

/** Options shared by the RetinaFace, SCRFD and YuNet adapters (defaults follow facexlib). */
export interface OnnxFaceDetectorOptions {
  /** Confidence threshold (facexlib's helper: 0.97). */
  minScore?: number;
  /** NMS IoU threshold (default 0.4; OpenCV's YuNet sample uses 0.3). */
  iouThreshold?: number;
  /** Faces whose eye distance is under this many image pixels are skipped (facexlib: 5; 0 keeps all). */
  minEyeDistance?: number;
  /** Candidates kept before NMS, best first (facexlib: 5000). */
  preNmsTopK?: number;
  /** Faces kept after NMS (facexlib: 750). */
  maxResults?: number;
  /**
   * Network input size. Default: the model's fixed size if it declares one (the image is resized
   * into it keeping the aspect ratio), else the image's own size (facexlib's `use_origin_size`).
   */
  inputSize?: { width: number; height: number };
  /** onnxruntime threads when the adapter creates the session. */
  threads?: number;
}

interface Decoder {
  readonly name: string;
  readonly recipe: InputRecipe;
  /** Input size when neither the options nor the model fix one (default: the image's own size). */
  readonly defaultSize?: { width: number; height: number };
  decode(outputs: Readonly<Record<string, Tensor>>, width: number, height: number, minScore: number): FaceCandidate[];
}

function checkOptions(o: OnnxFaceDetectorOptions): void {
  const unit = (name: string, v: number | undefined) => {
    if (v !== undefined && !(Number.isFinite(v) && v >= 0 && v <= 1)) invalidArgument(name, 'a number in [0, 1]', v);
  };
  unit('minScore', o.minScore);
  unit('iouThreshold', o.iouThreshold);
  if (o.minEyeDistance !== undefined && !(Number.isFinite(o.minEyeDistance) && o.minEyeDistance >= 0)) {
    invalidArgument('minEyeDistance', 'a non-negative number of pixels', o.minEyeDistance);
  }
  for (const key of ['preNmsTopK', 'maxResults'] as const) {
    const v = o[key];
    if (v !== undefined && !(Number.isInteger(v) && v > 0)) invalidArgument(key, 'a positive integer', v);
  }
  if (o.inputSize !== undefined) {
    const { width, height } = o.inputSize;
    if (!(Number.isInteger(width) && width > 0 && Number.isInteger(height) && height > 0)) invalidArgument('inputSize', '{ width, height } positive integers', o.inputSize);
  }
}

/**
 * Candidates in network pixels → faces in image pixels, as facexlib's `detect_faces` then
 * `get_face_landmarks_5` do: score filter, top-k, NMS, keep-top-k, divide by the resize scale,
 * then skip faces whose eye distance is under `minEyeDistance`.
 *
 * @example
 * const faces = finishCandidates(candidates, 1, { minScore: 0.97, iouThreshold: 0.4, minEyeDistance: 5 });
 */
export function finishCandidates(
  candidates: readonly FaceCandidate[],
  scale: number,
  options: { minScore: number; iouThreshold: number; minEyeDistance: number; preNmsTopK?: number; maxResults?: number },
): DetectedFace[] {
  const kept = nms(
    candidates.map((c) => c.box),
    candidates.map((c) => c.score),
    {
      iouThreshold: options.iouThreshold,
      minScore: Number.NEGATIVE_INFINITY,
      ...(options.preNmsTopK === undefined ? {} : { preNmsTopK: options.preNmsTopK }),
      ...(options.maxResults === undefined ? {} : { maxResults: options.maxResults }),
    },
  );
  const faces: DetectedFace[] = [];
  for (const i of kept) {
    const c = candidates[i] as FaceCandidate;
    const l = c.landmarks.map((v) => v / scale);
    const points = [0, 1, 2, 3, 4].map((p): Point => [l[2 * p] as number, l[2 * p + 1] as number]) as unknown as FiveLandmarks;
    const eye = Math.hypot((l[0] as number) - (l[2] as number), (l[1] as number) - (l[3] as number));
    if (eye < options.minEyeDistance) continue;
    faces.push({ box: [c.box[0] / scale, c.box[1] / scale, c.box[2] / scale, c.box[3] / scale], score: c.score, landmarks5: points });
  }
  return faces;
}

async function createOnnxDetector(decoder: Decoder, model: DetectorModel, options: OnnxFaceDetectorOptions): Promise<FaceDetector> {
  checkOptions(options);
  const owned = typeof model === 'string' || model instanceof Uint8Array;
  if (!owned && (typeof model !== 'object' || model === null || typeof (model as InferenceSession).run !== 'function')) {
    invalidArgument('model', 'a model path, ONNX bytes or an InferenceSession', model);
  }
  const session: InferenceSession = owned
    ? await createSession(model, { name: decoder.name, ...(options.threads === undefined ? {} : { threads: options.threads }) })
    : (model as InferenceSession);
  const input = session.inputs[0];
  if (!input || input.shape.length !== 4) {
    if (owned) await session.dispose();
    throw new DiffmacError('DETECTOR_INPUT', `${decoder.name} expects a model with one NCHW image input`, {
      argument: 'model',
      expected: 'input [1, 3, H, W]',
      received: input ? `[${input.shape.join(', ')}]` : 'no inputs',
    });
  }
  const [, , fh, fw] = input.shape;
  const fixed = typeof fh === 'number' && typeof fw === 'number' && fh > 0 && fw > 0 ? { width: fw, height: fh } : undefined;
  const size = options.inputSize ?? fixed ?? decoder.defaultSize;
  const defaults = {
    minScore: options.minScore ?? 0.97,
    iouThreshold: options.iouThreshold ?? 0.4,
    minEyeDistance: options.minEyeDistance ?? 5,
    preNmsTopK: options.preNmsTopK ?? 5000,
    maxResults: options.maxResults ?? 750,
  };
  let disposed = false;
  return {
    async detect(image: ColorImage, detectOptions: DetectOptions = {}): Promise<DetectedFace[]> {
      if (disposed) throw new DiffmacError('DETECTOR_DISPOSED', 'This detector was disposed', { argument: 'detector' });
      assertColorImage(image, 'image');
      const minScore = detectOptions.minScore ?? defaults.minScore;
      if (!(Number.isFinite(minScore) && minScore >= 0 && minScore <= 1)) invalidArgument('minScore', 'a number in [0, 1]', minScore);
      detectOptions.signal?.throwIfAborted();
      const prepared = prepareInput(image, decoder.recipe, size);
      const outputs = await session.run(
        { [input.name]: { data: prepared.data, shape: [1, 3, prepared.height, prepared.width] } },
        detectOptions.signal ? { signal: detectOptions.signal } : {},
      );
      const candidates = decoder.decode(outputs, prepared.width, prepared.height, minScore);
      return finishCandidates(candidates, prepared.scale, { ...defaults, minScore });
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      if (owned) await session.dispose();
    },
  };
}

/**
 * A {@link FaceDetector} over a RetinaFace ONNX export (facexlib / Pytorch_Retinaface:
 * input BGR minus (104, 117, 123), outputs loc, conf (softmax), landmarks). Prior boxes,
 * variance decoding, NMS 0.4, confidence 0.97 and the 5 px eye-distance filter follow facexlib.
 *
 * @example
 * const detector = await createRetinaFaceDetector('retinaface_resnet50.onnx');
 * const faces = await detector.detect(photo);
 */
export function createRetinaFaceDetector(model: DetectorModel, options: OnnxFaceDetectorOptions & { logits?: boolean } = {}): Promise<FaceDetector> {
  return createOnnxDetector(
    {
      name: 'RetinaFace',
      recipe: { channelOrder: 'bgr', mean: [104, 117, 123], std: [1, 1, 1] },
      decode: (o, w, h, minScore) => decodeRetinaFace(o, w, h, { minScore, logits: options.logits ?? false }),
    },
    model,
    options,
  );
}

/**
 * A {@link FaceDetector} over an insightface SCRFD ONNX export with keypoints (`*_kps`: input
 * RGB (v − 127.5) / 128, 640² by default; outputs per stride 8/16/32 scores, distance boxes and
 * keypoints, two anchors per cell). Inputs are 640² unless the model or `inputSize` fixes another size.
 *
 * @example
 * const detector = await createScrfdDetector('scrfd_2.5g_bnkps.onnx', { inputSize: { width: 640, height: 640 } });
 */
export function createScrfdDetector(model: DetectorModel, options: OnnxFaceDetectorOptions = {}): Promise<FaceDetector> {
  return createOnnxDetector(
    {
      name: 'SCRFD',
      recipe: { channelOrder: 'rgb', mean: [127.5, 127.5, 127.5], std: [128, 128, 128], multipleOf: 32 },
      defaultSize: { width: 640, height: 640 },
      decode: (o, w, h, minScore) => decodeScrfd(o, w, h, { minScore }),
    },
    model,
    options,
  );
}

/**
 * A {@link FaceDetector} over OpenCV's YuNet ONNX (`face_detection_yunet_2023mar`: input BGR
 * 0–255, padded to a multiple of 32; outputs cls/obj/bbox/kps per stride 8/16/32).
 *
 * @example
 * const detector = await createYuNetDetector('face_detection_yunet_2023mar.onnx', { minScore: 0.9 });
 */
export function createYuNetDetector(model: DetectorModel, options: OnnxFaceDetectorOptions = {}): Promise<FaceDetector> {
  return createOnnxDetector(
    {
      name: 'YuNet',
      recipe: { channelOrder: 'bgr', mean: [0, 0, 0], std: [1, 1, 1], multipleOf: 32 },
      decode: (o, w, h, minScore) => decodeYuNet(o, w, h, { minScore }),
    },
    model,
    options,
  );
}
