/**
 * Small layer helpers over {@link OnnxGraphBuilder} that draw their weights from an injected
 * noise source. The tiny models are written with these; real converters may use them too.
 */
import type { NoiseSource } from '@diffmac/base';
import { OnnxGraphBuilder } from './graph-builder';

/** Where a layer writes (the builder) and where its random weights come from. */
export interface LayerContext {
  readonly builder: OnnxGraphBuilder;
  readonly rng: NoiseSource;
  /** Store weight matrices as uint8 with a `DequantizeLinear` (default false). */
  readonly quantize?: boolean;
}

/** Options of {@link conv2d}. */
export interface Conv2dOptions {
  kernel: number;
  stride?: number;
  pad?: number;
  /** A `ConvTranspose` instead of a `Conv` (weights laid out [cin, cout, k, k]). */
  transpose?: boolean;
  /** Standard deviation of the weights (default 1/sqrt(fan-in)). */
  std?: number;
  /** Name prefix for the layer's values (default `'conv'`). */
  name?: string;
}

/**
 * `n` normal values times `std`, from `rng`.
 *
 * @example
 * const w = randomWeights(createRng(1), 64, 0.1);
 */
export function randomWeights(rng: NoiseSource, n: number, std: number): Float32Array {
  const out = new Float32Array(n);
  rng.normal(out);
  for (let i = 0; i < n; i++) out[i]! *= std;
  return out;
}

/**
 * A weight initialiser (quantised when the context asks for it); returns the value name.
 *
 * @example
 * const w = weight(ctx, 'proj_w', [32, 8], 0.1);
 */
function weight(ctx: LayerContext, prefix: string, dims: readonly number[], std: number): string {
  const n = dims.reduce((a, b) => a * b, 1);
  const data = randomWeights(ctx.rng, n, std);
  const name = ctx.builder.uniqueName(prefix);
  if (ctx.quantize && n > 1) {
    return ctx.builder.quantizedInitializer(name, data, dims);
  }
  return ctx.builder.initializer(name, data, dims);
}

/**
 * A 2-D convolution (or transposed convolution) with bias; returns the output name.
 *
 * @example
 * const h = conv2d(ctx, 'sample', 4, 8, { kernel: 3, pad: 1 });
 */
export function conv2d(ctx: LayerContext, x: string, cin: number, cout: number, options: Conv2dOptions): string {
  const { kernel, stride = 1, pad = 0, transpose = false } = options;
  const prefix = options.name ?? (transpose ? 'deconv' : 'conv');
  const std = options.std ?? 1 / Math.sqrt(cin * kernel * kernel);
  const dims = transpose ? [cin, cout, kernel, kernel] : [cout, cin, kernel, kernel];
  const w = weight(ctx, `${prefix}_w`, dims, std);
  const bias = ctx.builder.initializer(ctx.builder.uniqueName(`${prefix}_b`), randomWeights(ctx.rng, cout, 0.01), [cout]);
  const [y] = ctx.builder.node(transpose ? 'ConvTranspose' : 'Conv', [x, w, bias], [ctx.builder.uniqueName(prefix)], {
    kernel_shape: [kernel, kernel],
    strides: [stride, stride],
    pads: [pad, pad, pad, pad],
  });
  return y!;
}

/**
 * `x @ W + b` over the last axis; returns the output name.
 *
 * @example
 * const h = linear(ctx, 'identity', 512, 4);
 */
export function linear(ctx: LayerContext, x: string, din: number, dout: number, name = 'linear'): string {
  const w = weight(ctx, `${name}_w`, [din, dout], 1 / Math.sqrt(din));
  const bias = ctx.builder.initializer(ctx.builder.uniqueName(`${name}_b`), randomWeights(ctx.rng, dout, 0.01), [dout]);
  const [m] = ctx.builder.node('MatMul', [x, w], [ctx.builder.uniqueName(`${name}_mm`)]);
  return binary(ctx, 'Add', m!, bias, name);
}

/**
 * SiLU (`x * sigmoid(x)`) as two ONNX nodes; returns the output name.
 *
 * @example
 * const h = silu(ctx, conv2d(ctx, x, 3, 8, { kernel: 3, pad: 1 }));
 */
export function silu(ctx: LayerContext, x: string): string {
  const [s] = ctx.builder.node('Sigmoid', [x], [ctx.builder.uniqueName('sigmoid')]);
  return binary(ctx, 'Mul', x, s!, 'silu');
}

/**
 * One binary elementwise node (`Add`, `Mul`, `Sub`, `Div`); returns the output name.
 *
 * @example
 * const h = binary(ctx, 'Add', a, b);
 */
export function binary(ctx: LayerContext, op: 'Add' | 'Mul' | 'Sub' | 'Div', a: string, b: string, name = op.toLowerCase()): string {
  const [y] = ctx.builder.node(op, [a, b], [ctx.builder.uniqueName(name)]);
  return y!;
}

/**
 * One unary node with optional attributes; returns the output name.
 *
 * @example
 * const y = unary(ctx, 'Tanh', x);
 */
export function unary(ctx: LayerContext, op: string, x: string, attributes: Record<string, number | readonly number[]> = {}): string {
  const [y] = ctx.builder.node(op, [x], [ctx.builder.uniqueName(op.toLowerCase())], attributes);
  return y!;
}

/**
 * An int64 constant initialiser (shapes, axes); returns its name.
 *
 * @example
 * const axes = int64Constant(ctx, [2, 3]);
 */
export function int64Constant(ctx: LayerContext, values: readonly number[], name = 'const'): string {
  return ctx.builder.initializer(ctx.builder.uniqueName(name), BigInt64Array.from(values.map((v) => BigInt(v))), [values.length]);
}

/**
 * A float32 scalar or vector constant; returns its name.
 *
 * @example
 * const half = floatConstant(ctx, [0.5]);
 */
export function floatConstant(ctx: LayerContext, values: readonly number[], dims: readonly number[] = [values.length], name = 'constf'): string {
  return ctx.builder.initializer(ctx.builder.uniqueName(name), Float32Array.from(values), dims);
}
