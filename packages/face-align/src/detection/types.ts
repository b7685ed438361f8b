import type { ColorImage } from '@diffmac/base';

/** A point in image pixels. */
export type Point = readonly [x: number, y: number];

/**
 * The five landmarks in facexlib's order: left eye, right eye, nose tip, left mouth corner,
 * right mouth corner ("left" as seen in the image).
 */
export type FiveLandmarks = readonly [Point, Point, Point, Point, Point];

/** One detected face. */
export interface DetectedFace {
  /** [x1, y1, x2, y2] in image pixels. */
  readonly box: readonly [number, number, number, number];
  /** Detector confidence in [0, 1]. */
  readonly score: number;
  readonly landmarks5: FiveLandmarks;
  /** Dense landmarks where the detector gives them (68 or 98 points). */
  readonly landmarks?: readonly Point[];
}

/** Options every detector understands. */
export interface DetectOptions {
  /** Faces under this score are dropped (facexlib's helper: 0.97; RetinaFace decoding default). */
  minScore?: number;
  signal?: AbortSignal;
}

/**
 * Anything that finds faces: the embedded default, ONNX RetinaFace/SCRFD/YuNet adapters, or a
 * user's own. Faces come back sorted by score, highest first.
 *
 * @example
 * const faces = await detector.detect(photo);
 * for (const f of faces) console.log(f.box, f.score, f.landmarks5);
 */
export interface FaceDetector {
  detect(image: ColorImage, options?: DetectOptions): Promise<DetectedFace[]>;
  /** Free model sessions. */
  dispose(): Promise<void>;
}
