import type { GraphBuilder, StoredWeight } from './graph';
import type { WeightTensor } from './weights';

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

/** TF conv filters [kh, kw, cin, cout] → ONNX [cout, cin, kh, kw]. */
export function convFilterToOnnx(t: WeightTensor): { dims: number[]; weight: StoredWeight } {
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
export function depthwiseFilterToOnnx(t: WeightTensor): { dims: number[]; weight: StoredWeight } {
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
  g: GraphBuilder,
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
  const inputs = [x.name, g.weight(`${base}_W`, f.dims, f.weight)];
  if (bias) inputs.push(g.weight(`${base}_B`, [cout], bias));
  const name = g.node('Conv', inputs, { kernel_shape: [kh, kw], strides: [stride, stride], pads: p.pads }, 1, base);
  return { name, c: cout, h: p.h, w: p.w };
}

/** Depthwise convolution (TF "same"/"valid"), no bias. */
export function depthwiseConv(g: GraphBuilder, x: Feature, filters: WeightTensor, stride: number, padding: 'same' | 'valid', base: string): Feature {
  const f = depthwiseFilterToOnnx(filters);
  const [c, , kh, kw] = f.dims as [number, number, number, number];
  const p = tfPadding([x.h, x.w], [kh, kw], stride, padding);
  const name = g.node(
    'Conv',
    [x.name, g.weight(`${base}_W`, f.dims, f.weight)],
    { kernel_shape: [kh, kw], strides: [stride, stride], pads: p.pads, group: c },
    1,
    base,
  );
  return { name, c, h: p.h, w: p.w };
}

/** A per-channel constant shaped [1, C, 1, 1] for broadcasting over NCHW. */
export function channelConstant(g: GraphBuilder, base: string, w: StoredWeight): string {
  return g.weight(base, [1, w.values.length, 1, 1], w);
}

/** Elementwise op keeping `x`'s shape. */
export function unary(g: GraphBuilder, op: string, x: Feature, attributes: Record<string, number> = {}): Feature {
  return { ...x, name: g.node(op, [x.name], attributes) };
}

/** Clip to [lo, hi] (ReLU6 with 0, 6). */
export function clip(g: GraphBuilder, x: Feature, lo: number, hi: number): Feature {
  return { ...x, name: g.node('Clip', [x.name, g.scalar('clip_min', lo), g.scalar('clip_max', hi)]) };
}

/** x + y (same shape, or y broadcasting). */
export function add(g: GraphBuilder, x: Feature, y: string): Feature {
  return { ...x, name: g.node('Add', [x.name, y]) };
}

/** Mul x * y (broadcasting y). */
export function mul(g: GraphBuilder, x: Feature, y: string): Feature {
  return { ...x, name: g.node('Mul', [x.name, y]) };
}

/**
 * The network input: NHWC float32 RGB in 0–255 (batch dynamic), normalised with
 * `(x - mean) * scale` per channel and transposed to NCHW.
 */
export function imageInput(g: GraphBuilder, size: number, mean: readonly [number, number, number], divide: number, name = 'image'): Feature {
  const x = g.input(name, ['batch', size, size, 3]);
  const m = g.constant('input_mean', [3], Float32Array.from(mean));
  const centred = g.node('Sub', [x, m]);
  const scaled = g.node('Div', [centred, g.scalar('input_divisor', divide)]);
  const nchw = g.node('Transpose', [scaled], { perm: [0, 3, 1, 2] });
  return { name: nchw, c: 3, h: size, w: size };
}
