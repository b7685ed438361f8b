import { invalidArgument } from '@diffmac/base';
import type { FiveLandmarks, Point } from '../detection/types';

/**
 * Five facexlib-order landmarks from the 98-point WFLW layout (AWing, PIPNet, facexlib's
 * landmark models): pupils 96 and 97, nose tip 54, mouth corners 76 and 82.
 *
 * @example
 * const five = fiveFrom98(landmarks98); // [leftEye, rightEye, nose, leftMouth, rightMouth]
 */
export function fiveFrom98(points: readonly Point[]): FiveLandmarks {
  if (!Array.isArray(points) || points.length !== 98) invalidArgument('landmarks', '98 points (WFLW layout)', points, 'INVALID_LANDMARKS');
  const p = (i: number): Point => {
    const q = points[i];
    if (!Array.isArray(q) || !Number.isFinite(q[0]) || !Number.isFinite(q[1])) invalidArgument(`landmarks[${i}]`, 'a finite [x, y] point', q, 'INVALID_LANDMARKS');
    return [q[0], q[1]];
  };
  return [p(96), p(97), p(54), p(76), p(82)];
}
