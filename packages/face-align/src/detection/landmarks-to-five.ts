import { invalidArgument } from '@diffmac/base';
import type { FiveLandmarks, Point } from './types';

/**
 * Five facexlib-order landmarks from the 68-point (iBUG) layout: eye centres as the mean of the
 * six points of each eye (36–41, 42–47), nose tip 30, mouth corners 48 and 54.
 *
 * @example
 * const five = fiveFrom68(landmarks68); // [leftEye, rightEye, nose, leftMouth, rightMouth]
 */
export function fiveFrom68(points: readonly Point[]): FiveLandmarks {
  if (!Array.isArray(points) || points.length !== 68) invalidArgument('landmarks', '68 points (iBUG layout)', points, 'INVALID_LANDMARKS');
  const p = (i: number): Point => {
    const q = points[i];
    if (!Array.isArray(q) || !Number.isFinite(q[0]) || !Number.isFinite(q[1])) invalidArgument(`landmarks[${i}]`, 'a finite [x, y] point', q, 'INVALID_LANDMARKS');
    return [q[0], q[1]];
  };
  const mean = (from: number): Point => {
    let x = 0;
    let y = 0;
    for (let i = from; i < from + 6; i++) {
      const [px, py] = p(i);
      x += px;
      y += py;
    }
    return [x / 6, y / 6];
  };
  return [mean(36), mean(42), p(30), p(48), p(54)];
}
