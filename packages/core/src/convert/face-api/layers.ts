/**
 * The layers face-api's networks are made of, written as ONNX nodes on core's
 * {@link OnnxGraphBuilder} with TensorFlow semantics (NHWC weights, "SAME" padding).
 */
import { OnnxGraphBuilder } from '../../onnx/graph-builder';
import type { WeightTensor } from './weights';

/** A weight as decoded from face-api: float32 values and, if it was stored quantised, the uint8 codes. */
export interface StoredWeight {
  readonly values: Float32Array;
  readonly quantized?: { readonly codes: Uint8Array; readonly scale: number; readonly min: number };
}

/** The graph a face-api network is written into, and how its weights are stored. */
export interface FaceApiGraph {
  readonly builder: OnnxGraphBuilder;
  /** Store uint8-quantised weights as their uint8 codes plus a lookup table (see {@link storedWeight}). */
  readonly keepUint8: boolean;
}

/** An NCHW activation in the graph with its static channel and spatial sizes (batch is dynamic). */
export interface Feature {
  readonly name: string;
  readonly c: number;
  readonly h: number;
  readonly w: number;
}

/** TensorFlow padding: output size and explicit [top, left, bottom, right] pads ("SAME" puts the odd pixel at the end). */
export function tfPadding(size: readonly [number, number], kernel: readonly [number, number], stride: number, padding: 'same' | 'valid') {
  const out: number[] = [];
  const before: number[] = [];
  const after: number[] = [];
  for (let i = 0; i < 2; i++) {
    const n = size[i] as number;
    const k = kernel[i] as number;
    if (padding === 'valid') {
      out.push(Math.floor((n - k) / stride) + 1);
      before.push(0);
      after.push(0);
    } else {
      const o = Math.ceil(n / stride);
      const total = Math.max((o - 1) * stride + k - n, 0);
      out.push(o);
      before.push(Math.floor(total / 2));
      after.push(total - Math.floor(total / 2));
    }
  }
  return { h: out[0] as number, w: out[1] as number, pads: [before[0], before[1], after[0], after[1]] as number[] };
}

/** Reorder a weight's values (and uint8 codes) so that output element `i` is input element `source(i)`. */
function permute(t: StoredWeight, n: number, source: (i: number) => number): StoredWeight {
  const values = new Float32Array(n);
  const codes = t.quantized ? new Uint8Array(n) : undefined;
  for (let i = 0; i < n; i++) {
    const j = source(i);
    values[i] = t.values[j] as number;
    if (codes) codes[i] = t.quantized?.codes[j] as number;
  }
  return t.quantized && codes ? { values, quantized: { codes, scale: t.quantized.scale, min: t.quantized.min } } : { values };
}

/** An empty graph for one face-api network (IR 7, opset 13). */
export function faceApiBuilder(name: string): OnnxGraphBuilder {
  return new OnnxGraphBuilder({ name, opset: 13, irVersion: 7, producerName: 'diffmac-face-align' });
}

/**
 * A weight: float32 values, or, when the graph keeps uint8 and the weight was stored quantised,
 * its uint8 codes looked up in a 256-entry float32 table (`Cast` + `Gather`, folded by
 * onnxruntime at load), the table holding `fround(k · scale + min)` as TFJS computes it, so both
 * storages give the same values. Returns the value name.
 */
export function storedWeight(g: FaceApiGraph, base: string, dims: readonly number[], w: StoredWeight): string {
  const b = g.builder;
  if (g.keepUint8 && w.quantized) {
    const { codes, scale, min } = w.quantized;
    const table = Float32Array.from({ length: 256 }, (_, k) => k * scale + min);
    const indices = b.op('Cast', [b.constant(`${base}_q`, codes, dims)], { to: 6 });
    return b.op('Gather', [b.constant(`${base}_table`, table, [256]), indices], { axis: 0 }, { output: base });
  }
  return b.constant(base, w.values, dims);
}

/** A float32 scalar constant. */
export function scalar(g: FaceApiGraph, base: string, value: number): string {
  return g.builder.constant(base, Float32Array.of(value), []);
}

/** An int64 vector constant (shapes, axes, pads). */
export function int64s(g: FaceApiGraph, base: string, values: readonly number[]): string {
  return g.builder.constant(base, BigInt64Array.from(values.map((v) => BigInt(v))), [values.length]);
}

/** Declare `value` a float32 graph output named `name` (through an `Identity` node). */
export function namedOutput(g: FaceApiGraph, value: string, shape: readonly (number | string)[], name: string): string {
  g.builder.node('Identity', [value], [name], {}, { name: `${name}_identity` });
  return g.builder.output(name, 'float32', shape);
}

/** TF conv filters [kh, kw, cin, cout] → ONNX [cout, cin, kh, kw]. */
function convFilterToOnnx(t: WeightTensor): { dims: number[]; weight: StoredWeight } {
  const [kh, kw, cin, cout] = t.shape as [number, number, number, number];
  const weight = permute(t, t.values.length, (i) => {
    const x = i % kw;
    const y = Math.floor(i / kw) % kh;
    const ci = Math.floor(i / (kw * kh)) % cin;
    const o = Math.floor(i / (kw * kh * cin));
    return ((y * kw + x) * cin + ci) * cout + o;
  });
  return { dims: [cout, cin, kh, kw], weight };
}

/** TF depthwise filters [kh, kw, c, m] → ONNX grouped-conv weights [c·m, 1, kh, kw]. */
function depthwiseFilterToOnnx(t: WeightTensor): { dims: number[]; weight: StoredWeight } {
  const [kh, kw, c, m] = t.shape as [number, number, number, number];
  const weight = permute(t, t.values.length, (i) => {
    const x = i % kw;
    const y = Math.floor(i / kw) % kh;
    const cm = Math.floor(i / (kw * kh));
    const ci = Math.floor(cm / m);
    const j = cm % m;
    return ((y * kw + x) * c + ci) * m + j;
  });
  return { dims: [c * m, 1, kh, kw], weight };
}

/** Convolution (TF semantics: NHWC weights, "same"/"valid" padding), optional bias. */
export function conv(
  g: FaceApiGraph,
  x: Feature,
  filters: WeightTensor,
  bias: WeightTensor | undefined,
  stride: number,
  padding: 'same' | 'valid',
  base: string,
): Feature {
  const f = convFilterToOnnx(filters);
  const [cout, , kh, kw] = f.dims as [number, number, number, number];
  const p = tfPadding([x.h, x.w], [kh, kw], stride, padding);
  const inputs = [x.name, storedWeight(g, `${base}_W`, f.dims, f.weight)];
  if (bias) inputs.push(storedWeight(g, `${base}_B`, [cout], bias));
  const name = g.builder.op('Conv', inputs, { kernel_shape: [kh, kw], strides: [stride, stride], pads: p.pads }, { output: base });
  return { name, c: cout, h: p.h, w: p.w };
}

/** Depthwise convolution (TF "same"/"valid"), no bias. */
export function depthwiseConv(g: FaceApiGraph, x: Feature, filters: WeightTensor, stride: number, padding: 'same' | 'valid', base: string): Feature {
  const f = depthwiseFilterToOnnx(filters);
  const [c, , kh, kw] = f.dims as [number, number, number, number];
  const p = tfPadding([x.h, x.w], [kh, kw], stride, padding);
  const name = g.builder.op(
    'Conv',
    [x.name, storedWeight(g, `${base}_W`, f.dims, f.weight)],
    { kernel_shape: [kh, kw], strides: [stride, stride], pads: p.pads, group: c },
    { output: base },
  );
  return { name, c, h: p.h, w: p.w };
}

/** A per-channel constant shaped [1, C, 1, 1] for broadcasting over NCHW. */
export function channelConstant(g: FaceApiGraph, base: string, w: StoredWeight): string {
  return storedWeight(g, base, [1, w.values.length, 1, 1], w);
}

/** Elementwise op keeping `x`'s shape. */
export function unary(g: FaceApiGraph, op: string, x: Feature, attributes: Record<string, number> = {}): Feature {
  return { ...x, name: g.builder.op(op, [x.name], attributes) };
}

/** Clip to [lo, hi] (ReLU6 with 0, 6). */
export function clip(g: FaceApiGraph, x: Feature, lo: number, hi: number): Feature {
  return { ...x, name: g.builder.op('Clip', [x.name, scalar(g, 'clip_min', lo), scalar(g, 'clip_max', hi)]) };
}

/** x + y (same shape, or y broadcasting). */
export function add(g: FaceApiGraph, x: Feature, y: string): Feature {
  return { ...x, name: g.builder.op('Add', [x.name, y]) };
}

/** Mul x * y (broadcasting y). */
export function mul(g: FaceApiGraph, x: Feature, y: string): Feature {
  return { ...x, name: g.builder.op('Mul', [x.name, y]) };
}

/**
 * The network input: NHWC float32 RGB in 0–255 (batch dynamic), normalised with
 * `(x - mean) * scale` per channel and transposed to NCHW.
 */
export function imageInput(g: FaceApiGraph, size: number, mean: readonly [number, number, number], divide: number, name = 'image'): Feature {
  const b = g.builder;
  const x = b.input(name, 'float32', ['batch', size, size, 3]);
  const m = b.constant('input_mean', Float32Array.from(mean), [3]);
  const centred = b.op('Sub', [x, m]);
  const scaled = b.op('Div', [centred, scalar(g, 'input_divisor', divide)]);
  const nchw = b.op('Transpose', [scaled], { perm: [0, 3, 1, 2] });
  return { name: nchw, c: 3, h: size, w: size };
}
