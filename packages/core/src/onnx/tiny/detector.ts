/**
 * A tiny face detector with RetinaFace-like heads.
 */
import { conv2d, int64Constant, silu } from '../tiny-layers';
import { finishTiny, positiveSize, startTiny, type TinyModel, type TinyModelBaseOptions } from './common';

/** Options of {@link buildTinyDetector}. */
export interface TinyDetectorOptions extends TinyModelBaseOptions {
  /** Fixed square input size, a multiple of 32 (default 320). */
  size?: number;
  /** Anchors per location (default 2, as RetinaFace). */
  anchorsPerLocation?: number;
  /** Hidden width (default 8). */
  hidden?: number;
}

/** Feature strides of the tiny detector, as RetinaFace's. */
export const tinyDetectorStrides = [8, 16, 32] as const;

/**
 * A tiny RetinaFace-like detector: `input` float32 [1, 3, size, size] → `loc` [1, N, 4] (box
 * offsets), `conf` [1, N, 2] (softmax background/face) and `landms` [1, N, 10] (five landmark
 * offsets), with N = anchors · Σ (size/stride)² over strides 8, 16, 32, in that order.
 *
 * @example
 * const det = buildTinyDetector({ size: 64, seed: 1 }); // N = 2 · (64 + 16 + 4) = 168
 */
export function buildTinyDetector(options: TinyDetectorOptions = {}): TinyModel {
  const size = positiveSize(options.size ?? 320, 'options.size', 32);
  const a = positiveSize(options.anchorsPerLocation ?? 2, 'options.anchorsPerLocation');
  const hidden = positiveSize(options.hidden ?? 8, 'options.hidden');
  const ctx = startTiny('detector', options);
  const b = ctx.builder;
  const x = b.input('input', 'float32', [1, 3, size, size]);
  const heads: Record<'loc' | 'conf' | 'landms', string[]> = { loc: [], conf: [], landms: [] };
  const widths = { loc: 4, conf: 2, landms: 10 } as const;
  let n = 0;
  for (const stride of tinyDetectorStrides) {
    const f = silu(ctx, conv2d(ctx, x, 3, hidden, { kernel: stride, stride, name: `stem${stride}` }));
    n += a * (size / stride) ** 2;
    for (const head of ['loc', 'conf', 'landms'] as const) {
      const y = conv2d(ctx, f, hidden, a * widths[head], { kernel: 1, name: `${head}${stride}` });
      const [t] = b.node('Transpose', [y], [b.uniqueName(`${head}${stride}_nhwc`)], { perm: [0, 2, 3, 1] });
      const [r] = b.node('Reshape', [t!, int64Constant(ctx, [1, -1, widths[head]], 'shape')], [b.uniqueName(`${head}${stride}_flat`)]);
      heads[head].push(r!);
    }
  }
  b.node('Concat', heads.loc, ['loc'], { axis: 1 });
  const [logits] = b.node('Concat', heads.conf, [b.uniqueName('conf_logits')], { axis: 1 });
  b.node('Softmax', [logits!], ['conf'], { axis: -1 });
  b.node('Concat', heads.landms, ['landms'], { axis: 1 });
  b.output('loc', 'float32', [1, n, 4]);
  b.output('conf', 'float32', [1, n, 2]);
  b.output('landms', 'float32', [1, n, 10]);
  return finishTiny('detector', ctx);
}
