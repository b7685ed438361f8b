export { DiffmacError } from '@diffmac/core';
export type { DetectedFace, DetectOptions, FaceDetector, FiveLandmarks, Point } from './detection/types';
