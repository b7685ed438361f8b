import { DiffmacError } from '@diffmac/core';
import type { FiveLandmarks, Point } from './types';

/**
 * Five facexlib-order landmarks from the 68-point (iBUG) layout: eye centres as the mean of the
 * six points of each eye (36–41, 42–47), nose tip 30, mouth corners 48 and 54.
 *
 * @example
 * const five = fiveFrom68(landmarks68); // [leftEye, rightEye, nose, leftMouth, rightMouth]
 */
export function fiveFrom68(points: readonly Point[]): FiveLandmarks {
  if (!Array.isArray(points) || points.length !== 68) {
    throw new DiffmacError('INVALID_LANDMARKS', `Expected 68 points for landmarks, received ${Array.isArray(points) ? points.length : typeof points}`, {
      argument: 'landmarks',
      expected: '68 points',
      received: Array.isArray(points) ? `${points.length} points` : typeof points,
    });
  }
  const mean = (from: number): Point => {
    let x = 0;
    let y = 0;
    for (let i = from; i < from + 6; i++) {
      x += (points[i] as Point)[0];
      y += (points[i] as Point)[1];
    }
    return [x / 6, y / 6];
  };
  const p = (i: number): Point => [(points[i] as Point)[0], (points[i] as Point)[1]];
  return [mean(36), mean(42), p(30), p(48), p(54)];
}
