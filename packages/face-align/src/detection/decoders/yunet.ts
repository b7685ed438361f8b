import { DiffmacError, type Tensor } from '@diffmac/base';
import type { FaceCandidate } from './candidate';

/** YuNet's strides. */
export const YUNET_STRIDES = [8, 16, 32] as const;

/**
 * Decode YuNet (OpenCV `face_detection_yunet_2023mar`) outputs `cls_{8,16,32}`,
 * `obj_{8,16,32}`, `bbox_{8,16,32}`, `kps_{8,16,32}` as OpenCV's `FaceDetectorYN` does: score
 * √(clamp(cls)·clamp(obj)), box centre (col + dx, row + dy)·stride and size exp(dw, dh)·stride,
 * keypoints (col + kx, row + ky)·stride. Outputs are found by name (`cls_8`, ...); unnamed
 * exports fall back to OpenCV's order (cls, obj, bbox, kps; strides 8, 16, 32 within each).
 *
 * @example
 * const faces = decodeYuNet(outputs, 640, 640, { minScore: 0.97 });
 */
export function decodeYuNet(outputs: Readonly<Record<string, Tensor>>, width: number, height: number, options: { minScore: number }): FaceCandidate[] {
  const names = Object.keys(outputs);
  const values = Object.values(outputs);
  const find = (kind: string, level: number): Tensor => {
    const stride = YUNET_STRIDES[level] as number;
    const named = outputs[`${kind}_${stride}`];
    if (named) return named;
    const order = ['cls', 'obj', 'bbox', 'kps'].indexOf(kind);
    const t = values.length === 12 ? values[order * 3 + level] : undefined;
    if (!t) {
      throw new DiffmacError('DETECTOR_OUTPUTS', `YuNet outputs have no ${kind}_${stride}`, {
        argument: 'outputs',
        expected: 'cls_8 … kps_32 (12 outputs)',
        received: names.join(', '),
      });
    }
    return t;
  };
  const out: FaceCandidate[] = [];
  YUNET_STRIDES.forEach((stride, level) => {
    const cols = Math.floor(width / stride);
    const rows = Math.floor(height / stride);
    const cls = find('cls', level).data as Float32Array;
    const obj = find('obj', level).data as Float32Array;
    const bbox = find('bbox', level).data as Float32Array;
    const kps = find('kps', level).data as Float32Array;
    const n = rows * cols;
    if (cls.length !== n || obj.length !== n || bbox.length !== 4 * n || kps.length !== 10 * n) {
      throw new DiffmacError('DETECTOR_OUTPUTS', `YuNet stride ${stride} outputs do not fit a ${width}×${height} input`, {
        argument: 'outputs',
        expected: `${n} cells`,
        received: `${cls.length}`,
      });
    }
    for (let i = 0; i < n; i++) {
      const c = Math.min(Math.max(cls[i] as number, 0), 1);
      const o = Math.min(Math.max(obj[i] as number, 0), 1);
      const score = Math.sqrt(c * o);
      if (!(score > options.minScore)) continue;
      const col = i % cols;
      const row = Math.floor(i / cols);
      const cx = (col + (bbox[4 * i] as number)) * stride;
      const cy = (row + (bbox[4 * i + 1] as number)) * stride;
      const w = Math.exp(bbox[4 * i + 2] as number) * stride;
      const h = Math.exp(bbox[4 * i + 3] as number) * stride;
      const landmarks: number[] = [];
      for (let p = 0; p < 5; p++) landmarks.push(((kps[10 * i + 2 * p] as number) + col) * stride, ((kps[10 * i + 2 * p + 1] as number) + row) * stride);
      out.push({ box: [cx - w / 2, cy - h / 2, cx + w / 2, cy + h / 2], score, landmarks });
    }
  });
  return out;
}
