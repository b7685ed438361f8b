/** SSD MobileNet v1 as face-api runs it, as an ONNX graph. */
import { onnxAttr, type OnnxGraphBuilder } from '../../onnx/graph-builder';
import { add, channelConstant, clip, conv, depthwiseConv, type FaceApiGraph, faceApiBuilder, type Feature, int64s, namedOutput, scalar, storedWeight } from './layers';
import { weight, type WeightMap } from './weights';

/** SSD MobileNet v1's fixed input size. */
export const SSD_INPUT_SIZE = 512;

const BN_EPSILON = 0.0010000000474974513;

function pointwise(g: FaceApiGraph, w: WeightMap, x: Feature, prefix: string, stride: number): Feature {
  const y = conv(g, x, weight(w, `${prefix}/weights`, 4), undefined, stride, 'same', prefix.replace(/\//g, '_'));
  const biased = add(g, y, channelConstant(g, `${prefix}_bn_offset`, weight(w, `${prefix}/convolution_bn_offset`, 1)));
  return clip(g, biased, 0, 6);
}

function depthwise(g: FaceApiGraph, w: WeightMap, x: Feature, idx: number, stride: number): Feature {
  const p = `MobilenetV1/Conv2d_${idx}_depthwise`;
  const y = depthwiseConv(g, x, weight(w, `${p}/depthwise_weights`, 4), stride, 'same', `dw${idx}`);
  const bn = g.builder.op(
    'BatchNormalization',
    [
      y.name,
      storedWeight(g, `dw${idx}_gamma`, [y.c], weight(w, `${p}/BatchNorm/gamma`, 1)),
      storedWeight(g, `dw${idx}_beta`, [y.c], weight(w, `${p}/BatchNorm/beta`, 1)),
      storedWeight(g, `dw${idx}_mean`, [y.c], weight(w, `${p}/BatchNorm/moving_mean`, 1)),
      storedWeight(g, `dw${idx}_var`, [y.c], weight(w, `${p}/BatchNorm/moving_variance`, 1)),
    ],
    { epsilon: onnxAttr.float(BN_EPSILON) },
  );
  return clip(g, { ...y, name: bn }, 0, 6);
}

function boxPredictor(g: FaceApiGraph, w: WeightMap, x: Feature, idx: number): { box: string; cls: string } {
  const p = `Prediction/BoxPredictor_${idx}`;
  const box = conv(g, x, weight(w, `${p}/BoxEncodingPredictor/weights`, 4), weight(w, `${p}/BoxEncodingPredictor/biases`, 1), 1, 'same', `box${idx}`);
  const cls = conv(g, x, weight(w, `${p}/ClassPredictor/weights`, 4), weight(w, `${p}/ClassPredictor/biases`, 1), 1, 'same', `cls${idx}`);
  // TFJS reshapes NHWC outputs: bring channels last before flattening anchors.
  const boxNhwc = g.builder.op('Transpose', [box.name], { perm: [0, 2, 3, 1] });
  const clsNhwc = g.builder.op('Transpose', [cls.name], { perm: [0, 2, 3, 1] });
  return {
    box: g.builder.op('Reshape', [boxNhwc, int64s(g, 'shape_box', [0, -1, 4])]),
    cls: g.builder.op('Reshape', [clsNhwc, int64s(g, 'shape_cls', [0, -1, 3])]),
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
export function ssdMobilenetV1Graph(w: WeightMap, options: { keepUint8?: boolean } = {}): OnnxGraphBuilder {
  const g: FaceApiGraph = { builder: faceApiBuilder('face-api ssd_mobilenetv1'), keepUint8: options.keepUint8 ?? false };
  const b = g.builder;
  const input = b.input('image', 'float32', ['batch', SSD_INPUT_SIZE, SSD_INPUT_SIZE, 3]);
  const scaled = b.op('Sub', [b.op('Div', [input, scalar(g, 'c127_5', 127.5)]), scalar(g, 'one', 1)]);
  let x: Feature = { name: b.op('Transpose', [scaled], { perm: [0, 3, 1, 2] }), c: 3, h: SSD_INPUT_SIZE, w: SSD_INPUT_SIZE };

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
  const boxEnc = b.op('Concat', preds.map((p) => p.box), { axis: 1 });
  const classes = b.op('Concat', preds.map((p) => p.cls), { axis: 1 });

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
  const sy = b.constant('anchor_size_y', sizeY, [n, 1]);
  const sx = b.constant('anchor_size_x', sizeX, [n, 1]);
  const cy = b.constant('anchor_centre_y', centreY, [n, 1]);
  const cx = b.constant('anchor_centre_x', centreX, [n, 1]);
  const flat = b.op('Reshape', [boxEnc, int64s(g, 'shape_enc', [0, -1, 4])]);
  const encOutputs = [0, 1, 2, 3].map((i) => b.uniqueName(`enc_out${i}`));
  const [ty, tx, th, tw] = b.node('Split', [flat], encOutputs, { axis: 2 }, { name: b.uniqueName('enc_node') }) as [string, string, string, string];
  const half = (t: string, size: string) => b.op('Div', [b.op('Mul', [b.op('Exp', [b.op('Div', [t, scalar(g, 'c5', 5)])]), size]), scalar(g, 'c2', 2)]);
  const centre = (t: string, size: string, c: string) => b.op('Add', [b.op('Mul', [b.op('Div', [t, scalar(g, 'c10', 10)]), size]), c]);
  const hy = half(th, sy);
  const hx = half(tw, sx);
  const my = centre(ty, sy, cy);
  const mx = centre(tx, sx, cx);
  const boxes = b.op('Concat', [b.op('Sub', [my, hy]), b.op('Sub', [mx, hx]), b.op('Add', [my, hy]), b.op('Add', [mx, hx])], { axis: 2 });
  namedOutput(g, boxes, ['batch', n, 4], 'boxes');

  const face = b.op('Slice', [classes, int64s(g, 'slice_start', [1]), int64s(g, 'slice_end', [2]), int64s(g, 'slice_axes', [2])]);
  const scores = b.op('Reshape', [b.op('Sigmoid', [face]), int64s(g, 'shape_scores', [0, -1])]);
  namedOutput(g, scores, ['batch', n], 'scores');
  return b;
}
