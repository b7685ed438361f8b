/** face-api's 128-D face recognition net as an ONNX graph. */
import type { OnnxGraphBuilder } from '../../onnx/graph-builder';
import { add, channelConstant, conv, type FaceApiGraph, faceApiBuilder, type Feature, imageInput, int64s, mul, namedOutput, storedWeight, unary } from './layers';
import { FACE_API_MEAN_RGB } from './landmark-68';
import { weight, type WeightMap } from './weights';

/** The recognition net's input size (fixed: its residual padding depends on it). */
export const RECOGNITION_INPUT_SIZE = 150;
/** Length of a face descriptor. */
export const RECOGNITION_DIMENSION = 128;

function convLayer(g: FaceApiGraph, w: WeightMap, x: Feature, prefix: string, stride: number, relu: boolean, padding: 'same' | 'valid'): Feature {
  const base = prefix.replace(/\//g, '_');
  let y = conv(g, x, weight(w, `${prefix}/conv/filters`, 4), weight(w, `${prefix}/conv/bias`, 1), stride, padding, base);
  y = mul(g, y, channelConstant(g, `${base}_scale_w`, weight(w, `${prefix}/scale/weights`, 1)));
  y = add(g, y, channelConstant(g, `${base}_scale_b`, weight(w, `${prefix}/scale/biases`, 1)));
  return relu ? unary(g, 'Relu', y) : y;
}

function residual(g: FaceApiGraph, w: WeightMap, x: Feature, prefix: string): Feature {
  const a = convLayer(g, w, x, `${prefix}/conv1`, 1, true, 'same');
  const b = convLayer(g, w, a, `${prefix}/conv2`, 1, false, 'same');
  return unary(g, 'Relu', add(g, b, x.name));
}

function residualDown(g: FaceApiGraph, w: WeightMap, x: Feature, prefix: string): Feature {
  const a = convLayer(g, w, x, `${prefix}/conv1`, 2, true, 'valid');
  let b = convLayer(g, w, a, `${prefix}/conv2`, 1, false, 'same');
  const ph = Math.floor((x.h - 2) / 2) + 1;
  const pw = Math.floor((x.w - 2) / 2) + 1;
  let pooled: Feature = { name: g.builder.op('AveragePool', [x.name], { kernel_shape: [2, 2], strides: [2, 2] }), c: x.c, h: ph, w: pw };
  if (ph !== b.h || pw !== b.w) {
    // face-api appends one zero row and one zero column to the conv branch.
    b = { name: g.builder.op('Pad', [b.name, int64s(g, 'pads_hw', [0, 0, 0, 0, 0, 0, 1, 1])]), c: b.c, h: b.h + 1, w: b.w + 1 };
  }
  if (pooled.c !== b.c) {
    // ...and zero channels to the pooled branch.
    pooled = { name: g.builder.op('Pad', [pooled.name, int64s(g, 'pads_c', [0, 0, 0, 0, 0, b.c - pooled.c, 0, 0])]), c: b.c, h: pooled.h, w: pooled.w };
  }
  return unary(g, 'Relu', add(g, pooled, b.name));
}

/**
 * face-api's 128-D face recognition net (a dlib-style ResNet-34) as an ONNX graph. Input `image`
 * [N, 150, 150, 3] RGB in 0–255; output `descriptor` [N, 128] (not normalised).
 *
 * @example
 * const graph = recognitionGraph(decodeWeights(manifest, shards));
 */
export function recognitionGraph(w: WeightMap, options: { keepUint8?: boolean } = {}): OnnxGraphBuilder {
  const g: FaceApiGraph = { builder: faceApiBuilder('face-api face_recognition'), keepUint8: options.keepUint8 ?? false };
  let x = imageInput(g, RECOGNITION_INPUT_SIZE, FACE_API_MEAN_RGB, 255);
  x = convLayer(g, w, x, 'conv32_down', 2, true, 'valid');
  x = { name: g.builder.op('MaxPool', [x.name], { kernel_shape: [3, 3], strides: [2, 2] }), c: x.c, h: Math.floor((x.h - 3) / 2) + 1, w: Math.floor((x.w - 3) / 2) + 1 };
  for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(g, w, x, p);
  x = residualDown(g, w, x, 'conv64_down');
  for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(g, w, x, p);
  x = residualDown(g, w, x, 'conv128_down');
  for (const p of ['conv128_1', 'conv128_2']) x = residual(g, w, x, p);
  x = residualDown(g, w, x, 'conv256_down');
  for (const p of ['conv256_1', 'conv256_2']) x = residual(g, w, x, p);
  x = residualDown(g, w, x, 'conv256_down_out');
  const mean = g.builder.op('ReduceMean', [x.name], { axes: [2, 3], keepdims: 0 });
  const fc = weight(w, 'fc', 2);
  const out = g.builder.op('MatMul', [mean, storedWeight(g, 'fc_W', fc.shape, fc)]);
  namedOutput(g, out, ['batch', RECOGNITION_DIMENSION], 'descriptor');
  return g.builder;
}
