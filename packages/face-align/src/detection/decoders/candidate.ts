/** One raw detection in network-input pixels, before NMS and rescaling. */
export interface FaceCandidate {
  /** [x1, y1, x2, y2]. */
  readonly box: readonly [number, number, number, number];
  readonly score: number;
  /** Five points, x0, y0, ..., x4, y4, in facexlib order (image-left eye first). */
  readonly landmarks: readonly number[];
}
