/** face-api's 68-point landmark net (FaceLandmark68Net) as an ONNX graph. */
import type { OnnxGraphBuilder } from '../../onnx/graph-builder';
import { add, conv, depthwiseConv, type FaceApiGraph, faceApiBuilder, type Feature, imageInput, namedOutput, storedWeight, unary } from './layers';
import { weight, type WeightMap } from './weights';

/** The 68-point landmark net's input size. */
export const LANDMARK_INPUT_SIZE = 112;

/** face-api's mean RGB for the landmark and recognition nets. */
export const FACE_API_MEAN_RGB = [122.782, 117.001, 104.298] as const;

function separable(g: FaceApiGraph, w: WeightMap, x: Feature, prefix: string, stride: number): Feature {
  const base = prefix.replace(/\//g, '_');
  const d = depthwiseConv(g, x, weight(w, `${prefix}/depthwise_filter`, 4), stride, 'same', `${base}_dw`);
  return conv(g, d, weight(w, `${prefix}/pointwise_filter`, 4), weight(w, `${prefix}/bias`, 1), 1, 'same', `${base}_pw`);
}

function denseBlock4(g: FaceApiGraph, w: WeightMap, x: Feature, prefix: string, first: boolean): Feature {
  const relu = (f: Feature) => unary(g, 'Relu', f);
  const out1 = relu(
    first
      ? conv(g, x, weight(w, `${prefix}/conv0/filters`, 4), weight(w, `${prefix}/conv0/bias`, 1), 2, 'same', `${prefix}_conv0`)
      : separable(g, w, x, `${prefix}/conv0`, 2),
  );
  const out2 = separable(g, w, out1, `${prefix}/conv1`, 1);
  const in3 = relu(add(g, out1, out2.name));
  const out3 = separable(g, w, in3, `${prefix}/conv2`, 1);
  const in4 = relu(add(g, out1, add(g, out2, out3.name).name));
  const out4 = separable(g, w, in4, `${prefix}/conv3`, 1);
  return relu(add(g, out1, add(g, out2, add(g, out3, out4.name).name).name));
}

/**
 * face-api's 68-point landmark net (FaceLandmark68Net) as an ONNX graph. Input `image`
 * [N, 112, 112, 3] RGB in 0–255 (the face crop padded to a square, centred, and resized);
 * output `landmarks` [N, 136]: x0, y0, x1, y1, ... relative to that square (0–1).
 *
 * @example
 * const graph = landmark68Graph(decodeWeights(manifest, shards));
 */
export function landmark68Graph(w: WeightMap, options: { keepUint8?: boolean } = {}): OnnxGraphBuilder {
  const g: FaceApiGraph = { builder: faceApiBuilder('face-api face_landmark_68'), keepUint8: options.keepUint8 ?? false };
  let x = imageInput(g, LANDMARK_INPUT_SIZE, FACE_API_MEAN_RGB, 255);
  x = denseBlock4(g, w, x, 'dense0', true);
  x = denseBlock4(g, w, x, 'dense1', false);
  x = denseBlock4(g, w, x, 'dense2', false);
  x = denseBlock4(g, w, x, 'dense3', false);
  const b = g.builder;
  const pooled = b.op('AveragePool', [x.name], { kernel_shape: [7, 7], strides: [2, 2] });
  const flat = b.op('Flatten', [pooled], { axis: 1 });
  const fcW = weight(w, 'fc/weights', 2);
  const fc = b.op('Add', [b.op('MatMul', [flat, storedWeight(g, 'fc_W', fcW.shape, fcW)]), storedWeight(g, 'fc_B', [136], weight(w, 'fc/bias', 1))]);
  namedOutput(g, fc, ['batch', 136], 'landmarks');
  return b;
}
