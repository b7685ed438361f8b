import type { OnnxGraphBuilder } from '../../onnx/graph-builder';
import type { StateDictWeights } from './state-dict-weights';

/** An NCHW activation in the graph with its channel count. */
export interface TorchValue {
  readonly name: string;
  readonly channels: number;
}

/** `nn.Conv2d` (square kernel) with weights `<key>.weight` and, if `bias`, `<key>.bias`. */
export function conv2d(
  b: OnnxGraphBuilder,
  w: StateDictWeights,
  x: TorchValue,
  key: string,
  o: { out: number; kernel: number; stride?: number; padding?: number; bias?: boolean; groups?: number },
): TorchValue {
  const k = o.kernel;
  const g = o.groups ?? 1;
  const shape = [o.out, x.channels / g, k, k];
  const weight = b.constant(`${key}.weight`, w.take(`${key}.weight`, shape), shape);
  const inputs = [x.name, weight];
  if (o.bias ?? true) inputs.push(b.constant(`${key}.bias`, w.take(`${key}.bias`, [o.out]), [o.out]));
  const p = o.padding ?? 0;
  const s = o.stride ?? 1;
  return { name: b.op('Conv', inputs, { kernel_shape: [k, k], strides: [s, s], pads: [p, p, p, p], group: g }, { output: key }), channels: o.out };
}

/** `nn.BatchNorm2d` / `nn.BatchNorm1d` in eval mode (running statistics), as ONNX BatchNormalization. */
export function batchNorm(b: OnnxGraphBuilder, w: StateDictWeights, x: TorchValue, key: string, eps = 1e-5): TorchValue {
  const c = x.channels;
  const params = ['weight', 'bias', 'running_mean', 'running_var'].map((p) => b.constant(`${key}.${p}`, w.take(`${key}.${p}`, [c]), [c]));
  return { name: b.op('BatchNormalization', [x.name, ...params], { epsilon: eps }, { output: key }), channels: c };
}

/** `nn.PReLU` (one slope, or one per channel) applied to an NCHW value. */
export function prelu(b: OnnxGraphBuilder, w: StateDictWeights, x: TorchValue, key: string, slope: string | undefined, perChannel = false): { value: TorchValue; slope: string } {
  const n = perChannel ? x.channels : 1;
  const s = slope ?? b.constant(`${key}.weight`, w.take(`${key}.weight`, [n]), perChannel ? [n, 1, 1] : [1]);
  return { value: { name: b.op('PRelu', [x.name, s], {}, { output: key }), channels: x.channels }, slope: s };
}

/** `nn.ReLU`. */
export function relu(b: OnnxGraphBuilder, x: TorchValue, output?: string): TorchValue {
  return { name: b.op('Relu', [x.name], {}, output ? { output } : {}), channels: x.channels };
}

/** `nn.LeakyReLU(slope)` (`nn.ReLU` for slope 0). */
export function leakyRelu(b: OnnxGraphBuilder, x: TorchValue, slope: number): TorchValue {
  return slope === 0 ? relu(b, x) : { name: b.op('LeakyRelu', [x.name], { alpha: slope }), channels: x.channels };
}

/** `nn.MaxPool2d(kernel, stride, padding)` (floor mode; padding reads as −∞ in both). */
export function maxPool(b: OnnxGraphBuilder, x: TorchValue, kernel: number, stride: number, padding = 0): TorchValue {
  const pads = [padding, padding, padding, padding];
  return { name: b.op('MaxPool', [x.name], { kernel_shape: [kernel, kernel], strides: [stride, stride], pads }), channels: x.channels };
}

/** `nn.Linear` on a [N, in] value: `<key>.weight` [out, in] and `<key>.bias` [out]. */
export function linear(b: OnnxGraphBuilder, w: StateDictWeights, x: TorchValue, key: string, out: number): TorchValue {
  const weight = b.constant(`${key}.weight`, w.take(`${key}.weight`, [out, x.channels]), [out, x.channels]);
  const bias = b.constant(`${key}.bias`, w.take(`${key}.bias`, [out]), [out]);
  return { name: b.op('Gemm', [x.name, weight, bias], { transB: 1 }, { output: key }), channels: out };
}
