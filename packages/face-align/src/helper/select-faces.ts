import type { DetectedFace } from '../detection/types';

/** Which faces the whole-photo helper keeps (facexlib `get_face_landmarks_5` filters). */
export interface FaceFilter {
  /** Drop faces whose eye distance (landmarks 0–1) is under this many pixels (GFPGAN: 5). */
  eyeDistanceThreshold?: number;
  /** Keep only the largest face (box area clipped to the image). */
  onlyLargestFace?: boolean;
  /** Keep only the face whose box centre is nearest the image centre. */
  onlyCenterFace?: boolean;
}

/**
 * Apply facexlib's face filters in its order: eye distance, then largest or centre face.
 *
 * @example
 * selectFaces(faces, photo.width, photo.height, { eyeDistanceThreshold: 5, onlyCenterFace: true });
 */
export function selectFaces(faces: readonly DetectedFace[], width: number, height: number, filter: FaceFilter = {}): DetectedFace[] {
  let kept = faces.filter((f) => {
    if (filter.eyeDistanceThreshold === undefined) return true;
    const [[x0, y0], [x1, y1]] = f.landmarks5;
    return Math.hypot(x0 - x1, y0 - y1) >= filter.eyeDistanceThreshold;
  });
  if (kept.length === 0) return kept;
  if (filter.onlyLargestFace) {
    const clip = (v: number, len: number) => (v < 0 ? 0 : v > len ? len : v);
    let best = 0, bestArea = -Infinity;
    kept.forEach((f, i) => {
      const [a, b, c, d] = f.box;
      const area = (clip(c, width) - clip(a, width)) * (clip(d, height) - clip(b, height));
      if (area > bestArea) { bestArea = area; best = i; }
    });
    kept = [kept[best]!];
  } else if (filter.onlyCenterFace) {
    let best = 0, bestDist = Infinity;
    kept.forEach((f, i) => {
      const [a, b, c, d] = f.box;
      const dist = Math.hypot((a + c) / 2 - width / 2, (b + d) / 2 - height / 2);
      if (dist < bestDist) { bestDist = dist; best = i; }
    });
    kept = [kept[best]!];
  }
  return kept;
}
