import { DiffmacError, type Tensor } from '@diffmac/base';
import type { FaceCandidate } from './candidate';

/** SCRFD's feature strides (insightface's 3-level models, `fmc = 3`). */
export const SCRFD_STRIDES = [8, 16, 32] as const;

function describe(outputs: readonly Tensor[]): string {
  return outputs.map((t) => `[${t.shape.join(', ')}]`).join('; ');
}

/**
 * Decode SCRFD outputs (insightface `scrfd.py`): per stride a score [N, 1], a distance box
 * [N, 4] and keypoint offsets [N, 10], in units of the stride, around anchor centres (x·s, y·s)
 * repeated for each anchor. Outputs are told apart by their last dimension and, within a kind,
 * by size (the largest is stride 8), so their order and names do not matter.
 *
 * @example
 * const faces = decodeScrfd(outputs, 640, 640, { minScore: 0.97 });
 */
export function decodeScrfd(outputs: Readonly<Record<string, Tensor>>, width: number, height: number, options: { minScore: number }): FaceCandidate[] {
  const all = Object.values(outputs);
  const kind = (d: number) => all.filter((t) => t.shape[t.shape.length - 1] === d).sort((a, b) => b.data.length - a.data.length);
  const scores = kind(1);
  const boxes = kind(4);
  const kps = kind(10);
  if (scores.length !== SCRFD_STRIDES.length || boxes.length !== SCRFD_STRIDES.length) {
    throw new DiffmacError('DETECTOR_OUTPUTS', 'SCRFD outputs must hold a score, box (and keypoint) tensor per stride 8, 16, 32', {
      argument: 'outputs',
      expected: '3 × [N, 1], 3 × [N, 4], 3 × [N, 10]',
      received: describe(all),
    });
  }
  if (kps.length !== SCRFD_STRIDES.length) {
    throw new DiffmacError('DETECTOR_OUTPUTS', 'This SCRFD model has no keypoint outputs; facexlib alignment needs the 5 points (use a *_kps model)', {
      argument: 'outputs',
      expected: '3 keypoint tensors [N, 10]',
      received: describe(all),
    });
  }
  const out: FaceCandidate[] = [];
  SCRFD_STRIDES.forEach((stride, level) => {
    const s = (scores[level] as Tensor).data as Float32Array;
    const b = (boxes[level] as Tensor).data as Float32Array;
    const k = (kps[level] as Tensor).data as Float32Array;
    const cols = Math.floor(width / stride);
    const rows = Math.floor(height / stride);
    const anchors = s.length / (rows * cols);
    if (!Number.isInteger(anchors) || b.length !== 4 * s.length || k.length !== 10 * s.length) {
      throw new DiffmacError('DETECTOR_OUTPUTS', `SCRFD stride ${stride} outputs do not fit a ${width}×${height} input`, {
        argument: 'outputs',
        expected: `a multiple of ${rows * cols} scores`,
        received: describe(all),
      });
    }
    for (let i = 0; i < s.length; i++) {
      const score = s[i] as number;
      if (!(score >= options.minScore)) continue;
      const cell = Math.floor(i / anchors);
      const cx = (cell % cols) * stride;
      const cy = Math.floor(cell / cols) * stride;
      const landmarks: number[] = [];
      for (let p = 0; p < 5; p++) landmarks.push(cx + (k[10 * i + 2 * p] as number) * stride, cy + (k[10 * i + 2 * p + 1] as number) * stride);
      out.push({
        box: [cx - (b[4 * i] as number) * stride, cy - (b[4 * i + 1] as number) * stride, cx + (b[4 * i + 2] as number) * stride, cy + (b[4 * i + 3] as number) * stride],
        score,
        landmarks,
      });
    }
  });
  return out;
}
