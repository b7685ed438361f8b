import { GraphBuilder, type GraphSpec } from './graph';
import { add, channelConstant, clip, conv, depthwiseConv, type Feature } from './layers';
import { weight, type WeightMap } from './weights';

/** SSD MobileNet v1's fixed input size. */
export const SSD_INPUT_SIZE = 512;
/** Number of anchors SSD MobileNet v1 scores. */
export const SSD_ANCHORS = 5118;

const BN_EPSILON = 0.0010000000474974513;

function pointwise(g: GraphBuilder, w: WeightMap, x: Feature, prefix: string, stride: number): Feature {
  const y = conv(g, x, weight(w, `${prefix}/weights`, 4), undefined, stride, 'same', prefix.replace(/\//g, '_'));
  const biased = add(g, y, channelConstant(g, `${prefix}_bn_offset`, weight(w, `${prefix}/convolution_bn_offset`, 1)));
  return clip(g, biased, 0, 6);
}

function depthwise(g: GraphBuilder, w: WeightMap, x: Feature, idx: number, stride: number): Feature {
  const p = `MobilenetV1/Conv2d_${idx}_depthwise`;
  const y = depthwiseConv(g, x, weight(w, `${p}/depthwise_weights`, 4), stride, 'same', `dw${idx}`);
  const bn = g.node(
    'BatchNormalization',
    [
      y.name,
      g.weight(`dw${idx}_gamma`, [y.c], weight(w, `${p}/BatchNorm/gamma`, 1)),
      g.weight(`dw${idx}_beta`, [y.c], weight(w, `${p}/BatchNorm/beta`, 1)),
      g.weight(`dw${idx}_mean`, [y.c], weight(w, `${p}/BatchNorm/moving_mean`, 1)),
      g.weight(`dw${idx}_var`, [y.c], weight(w, `${p}/BatchNorm/moving_variance`, 1)),
    ],
    { epsilon: { float: BN_EPSILON } },
  );
  return clip(g, { ...y, name: bn }, 0, 6);
}

function boxPredictor(g: GraphBuilder, w: WeightMap, x: Feature, idx: number): { box: string; cls: string } {
  const p = `Prediction/BoxPredictor_${idx}`;
  const box = conv(g, x, weight(w, `${p}/BoxEncodingPredictor/weights`, 4), weight(w, `${p}/BoxEncodingPredictor/biases`, 1), 1, 'same', `box${idx}`);
  const cls = conv(g, x, weight(w, `${p}/ClassPredictor/weights`, 4), weight(w, `${p}/ClassPredictor/biases`, 1), 1, 'same', `cls${idx}`);
  // TFJS reshapes NHWC outputs: bring channels last before flattening anchors.
  const boxNhwc = g.node('Transpose', [box.name], { perm: [0, 2, 3, 1] });
  const clsNhwc = g.node('Transpose', [cls.name], { perm: [0, 2, 3, 1] });
  return {
    box: g.node('Reshape', [boxNhwc, g.int64s('shape_box', [0, -1, 4])]),
    cls: g.node('Reshape', [clsNhwc, g.int64s('shape_cls', [0, -1, 3])]),
  };
}

/**
 * SSD MobileNet v1 as face-api runs it, as an ONNX graph. Input `image` [N, 512, 512, 3] RGB in
 * 0–255 (the photo padded to a square at the bottom/right and resized); outputs `boxes`
 * [N, 5118, 4] as (ymin, xmin, ymax, xmax) relative to the square, and `scores` [N, 5118]
 * (sigmoid of the face class).
 *
 * @example
 * const graph = ssdMobilenetV1Graph(decodeWeights(manifest, shards));
 */
export function ssdMobilenetV1Graph(w: WeightMap, options: { keepUint8?: boolean } = {}): GraphSpec {
  const g = new GraphBuilder('face-api ssd_mobilenetv1', options);
  const input = g.input('image', ['batch', SSD_INPUT_SIZE, SSD_INPUT_SIZE, 3]);
  const scaled = g.node('Sub', [g.node('Div', [input, g.scalar('c127_5', 127.5)]), g.scalar('one', 1)]);
  let x: Feature = { name: g.node('Transpose', [scaled], { perm: [0, 3, 1, 2] }), c: 3, h: SSD_INPUT_SIZE, w: SSD_INPUT_SIZE };

  x = pointwise(g, w, x, 'MobilenetV1/Conv2d_0_pointwise', 2);
  let conv11: Feature | undefined;
  for (let i = 1; i <= 13; i++) {
    x = depthwise(g, w, x, i, [2, 4, 6, 12].includes(i) ? 2 : 1);
    x = pointwise(g, w, x, `MobilenetV1/Conv2d_${i}_pointwise`, 1);
    if (i === 11) conv11 = x;
  }
  if (!conv11) throw new Error('unreachable');

  const c0 = pointwise(g, w, x, 'Prediction/Conv2d_0_pointwise', 1);
  const c1 = pointwise(g, w, c0, 'Prediction/Conv2d_1_pointwise', 2);
  const c2 = pointwise(g, w, c1, 'Prediction/Conv2d_2_pointwise', 1);
  const c3 = pointwise(g, w, c2, 'Prediction/Conv2d_3_pointwise', 2);
  const c4 = pointwise(g, w, c3, 'Prediction/Conv2d_4_pointwise', 1);
  const c5 = pointwise(g, w, c4, 'Prediction/Conv2d_5_pointwise', 2);
  const c6 = pointwise(g, w, c5, 'Prediction/Conv2d_6_pointwise', 1);
  const c7 = pointwise(g, w, c6, 'Prediction/Conv2d_7_pointwise', 2);

  const preds = [conv11, x, c1, c3, c5, c7].map((f, i) => boxPredictor(g, w, f, i));
  const boxEnc = g.node('Concat', preds.map((p) => p.box), { axis: 1 });
  const classes = g.node('Concat', preds.map((p) => p.cls), { axis: 1 });

  // Decode against the anchors (Output/extra_dim: ymin, xmin, ymax, xmax), in TFJS's op order.
  const anchors = weight(w, 'Output/extra_dim', 3).values;
  const n = anchors.length / 4;
  const sizeY = new Float32Array(n);
  const sizeX = new Float32Array(n);
  const centreY = new Float32Array(n);
  const centreX = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    sizeY[i] = (anchors[4 * i + 2] as number) - (anchors[4 * i] as number);
    sizeX[i] = (anchors[4 * i + 3] as number) - (anchors[4 * i + 1] as number);
    centreY[i] = (anchors[4 * i] as number) + Math.fround((sizeY[i] as number) / 2);
    centreX[i] = (anchors[4 * i + 1] as number) + Math.fround((sizeX[i] as number) / 2);
  }
  const sy = g.constant('anchor_size_y', [n, 1], sizeY);
  const sx = g.constant('anchor_size_x', [n, 1], sizeX);
  const cy = g.constant('anchor_centre_y', [n, 1], centreY);
  const cx = g.constant('anchor_centre_x', [n, 1], centreX);
  const flat = g.node('Reshape', [boxEnc, g.int64s('shape_enc', [0, -1, 4])]);
  const [ty, tx, th, tw] = g.nodeN('Split', [flat], { axis: 2 }, 4, 'enc') as [string, string, string, string];
  const half = (t: string, size: string) => g.node('Div', [g.node('Mul', [g.node('Exp', [g.node('Div', [t, g.scalar('c5', 5)])]), size]), g.scalar('c2', 2)]);
  const centre = (t: string, size: string, c: string) => g.node('Add', [g.node('Mul', [g.node('Div', [t, g.scalar('c10', 10)]), size]), c]);
  const hy = half(th, sy);
  const hx = half(tw, sx);
  const my = centre(ty, sy, cy);
  const mx = centre(tx, sx, cx);
  const boxes = g.node('Concat', [g.node('Sub', [my, hy]), g.node('Sub', [mx, hx]), g.node('Add', [my, hy]), g.node('Add', [mx, hx])], { axis: 2 });
  g.output(boxes, ['batch', n, 4], 'boxes');

  const face = g.node('Slice', [classes, g.int64s('slice_start', [1]), g.int64s('slice_end', [2]), g.int64s('slice_axes', [2])]);
  const scores = g.node('Reshape', [g.node('Sigmoid', [face]), g.int64s('shape_scores', [0, -1])]);
  g.output(scores, ['batch', n], 'scores');
  return g.build();
}
