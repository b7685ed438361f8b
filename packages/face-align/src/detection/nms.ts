/** A box as [x1, y1, x2, y2]. */
export type Box4 = readonly [number, number, number, number];

/**
 * Intersection over union of two boxes given as [x1, y1, x2, y2] (corners in any order).
 *
 * @example
 * iou([0, 0, 2, 2], [1, 0, 3, 2]); // 1/3
 */
export function iou(a: Box4, b: Box4): number {
  const ax1 = Math.min(a[0], a[2]);
  const ay1 = Math.min(a[1], a[3]);
  const ax2 = Math.max(a[0], a[2]);
  const ay2 = Math.max(a[1], a[3]);
  const bx1 = Math.min(b[0], b[2]);
  const by1 = Math.min(b[1], b[3]);
  const bx2 = Math.max(b[0], b[2]);
  const by2 = Math.max(b[1], b[3]);
  const areaA = (ax2 - ax1) * (ay2 - ay1);
  const areaB = (bx2 - bx1) * (by2 - by1);
  if (areaA <= 0 || areaB <= 0) return 0;
  const inter = Math.max(Math.min(ay2, by2) - Math.max(ay1, by1), 0) * Math.max(Math.min(ax2, bx2) - Math.max(ax1, bx1), 0);
  return inter / (areaA + areaB - inter);
}

/**
 * Greedy non-maximum suppression: candidates above `minScore`, highest score first (ties keep
 * the lower index first), each kept unless it overlaps a kept one by IoU > `iouThreshold`.
 * Returns kept indices, best first, at most `maxResults`.
 *
 * @example
 * nms([[0, 0, 10, 10], [1, 1, 11, 11]], [0.9, 0.8], { iouThreshold: 0.5, minScore: 0.5 }); // [0]
 */
export function nms(
  boxes: readonly Box4[],
  scores: ArrayLike<number>,
  options: { iouThreshold: number; minScore: number; maxResults?: number; preNmsTopK?: number },
): number[] {
  const order: number[] = [];
  for (let i = 0; i < boxes.length; i++) if ((scores[i] as number) > options.minScore) order.push(i);
  order.sort((i, j) => (scores[j] as number) - (scores[i] as number) || i - j);
  if (options.preNmsTopK !== undefined && order.length > options.preNmsTopK) order.length = options.preNmsTopK;
  const max = options.maxResults ?? Number.POSITIVE_INFINITY;
  const kept: number[] = [];
  for (const i of order) {
    if (kept.length >= max) break;
    const box = boxes[i] as Box4;
    if (kept.every((k) => iou(box, boxes[k] as Box4) <= options.iouThreshold)) kept.push(i);
  }
  return kept;
}
