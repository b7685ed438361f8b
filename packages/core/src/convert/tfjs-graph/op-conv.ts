/** Convolutions and pooling: Conv2D, _FusedConv2D, (Fused)DepthwiseConv2dNative, MaxPool, AvgPool. */
import { onnxAttr, type OnnxAttributeValue } from '../../onnx/graph-builder';
import { type GraphContext, graphError, transposeArray } from './graph-context';
import { attrInts, attrString, attrStrings, type GraphValue, type TfNode } from './types';

function checkNhwc(node: TfNode): void {
  const format = attrString(node, 'data_format') ?? 'NHWC';
  if (format !== 'NHWC') throw graphError(node, `uses data_format ${format}`, 'NHWC', format);
}

/** ONNX padding attributes for TF's `padding` (VALID, SAME, EXPLICIT). */
function paddingAttrs(node: TfNode): Record<string, OnnxAttributeValue> {
  const padding = attrString(node, 'padding') ?? 'VALID';
  if (padding === 'VALID') return {};
  if (padding === 'SAME') return { auto_pad: 'SAME_UPPER' };
  if (padding === 'EXPLICIT') {
    const p = attrInts(node, 'explicit_paddings') ?? [];
    if (p.length !== 8) throw graphError(node, 'has malformed explicit_paddings', '8 values', String(p.length));
    return { pads: [p[2]!, p[4]!, p[3]!, p[5]!] };
  }
  throw graphError(node, `uses padding ${padding}`, 'VALID, SAME or EXPLICIT', padding);
}

function spatial(node: TfNode, key: string): [number, number] {
  const v = attrInts(node, key) ?? [1, 1, 1, 1];
  if (v.length !== 4 || v[0] !== 1 || v[3] !== 1) throw graphError(node, `has ${key} [${v.join(', ')}] over batch or channels`, '[1, h, w, 1]', `[${v.join(', ')}]`);
  return [v[1]!, v[2]!];
}

/** Apply TF's fused activation `op` to NCHW value `x`. */
function activation(ctx: GraphContext, node: TfNode, op: string, x: string, alpha: GraphValue | undefined): string {
  const b = ctx.builder;
  const out = ctx.fresh(`${node.name}_${op}`);
  switch (op) {
    case 'Relu':
      b.node('Relu', [x], [out]);
      break;
    case 'Relu6':
      b.node('Clip', [x, b.initializer(ctx.fresh('zero'), new Float32Array([0]), []), b.initializer(ctx.fresh('six'), new Float32Array([6]), [])], [out]);
      break;
    case 'Sigmoid':
      b.node('Sigmoid', [x], [out]);
      break;
    case 'Elu':
      b.node('Elu', [x], [out]);
      break;
    case 'LeakyRelu':
      b.node('LeakyRelu', [x], [out], { alpha: onnxAttr.float(node.attr?.['leakyrelu_alpha']?.f ?? 0.2) });
      break;
    case 'Prelu':
      if (!alpha) throw graphError(node, 'fuses Prelu without an alpha input', 'an alpha input', 'none');
      b.node('PRelu', [x, ctx.broadcastNchw(node, alpha).name], [out]);
      break;
    default:
      throw graphError(node, `fuses ${op}`, 'BiasAdd with Relu, Relu6, Prelu, LeakyRelu, Elu or Sigmoid', op);
  }
  return out;
}

/**
 * Conv2D / _FusedConv2D / DepthwiseConv2dNative / FusedDepthwiseConv2dNative → ONNX Conv (+ activation).
 *
 * @example
 * convertConv(ctx, node, true); // a depthwise node
 */
export function convertConv(ctx: GraphContext, node: TfNode, depthwise: boolean): GraphValue {
  checkNhwc(node);
  const [x, filter, ...extra] = ctx.inputs(node);
  if (!x || !filter) throw graphError(node, 'needs an input and a filter', '2 inputs', String(node.input?.length ?? 0));
  const f = ctx.constant(node, filter, 'filter');
  if (f.shape.length !== 4) throw graphError(node, 'has a filter that is not 4-D', 'rank 4', `rank ${f.shape.length}`);
  const [kh, kw, cin, cm] = f.shape as [number, number, number, number];
  const fused = node.op.startsWith('Fused') || node.op.startsWith('_Fused') ? attrStrings(node, 'fused_ops') : [];
  const weights = depthwise ? transposeArray(f.values as Float32Array, f.shape, [2, 3, 0, 1]) : transposeArray(f.values as Float32Array, f.shape, [3, 2, 0, 1]);
  const wShape = depthwise ? [cin * cm, 1, kh, kw] : [cm, cin, kh, kw];
  const b = ctx.builder;
  const w = b.initializer(ctx.fresh(`${filter.name}_oihw`), weights, wShape);
  const convInputs = [ctx.nchw(node, x).name, w];
  let rest = fused;
  if (fused[0] === 'BiasAdd') {
    const bias = extra[0];
    if (!bias) throw graphError(node, 'fuses BiasAdd without a bias input', 'a bias input', 'none');
    const bv = ctx.constant(node, bias, 'bias');
    convInputs.push(b.initializer(ctx.fresh(`${bias.name}_bias`), bv.values as Float32Array, [bv.values.length]));
    rest = fused.slice(1);
  } else if (fused.length > 0) {
    throw graphError(node, `fuses ${fused.join(', ')}`, 'BiasAdd first', fused.join(', '));
  }
  if (rest.length > 1) throw graphError(node, `fuses ${fused.join(', ')}`, 'at most one activation after BiasAdd', fused.join(', '));
  const [sh, sw] = spatial(node, 'strides');
  const [dh, dw] = spatial(node, 'dilations');
  let out = ctx.fresh(node.name);
  b.node('Conv', convInputs, [out], {
    kernel_shape: [kh, kw],
    strides: [sh, sw],
    dilations: [dh, dw],
    group: depthwise ? cin : 1,
    ...paddingAttrs(node),
  });
  if (rest[0] !== undefined) out = activation(ctx, node, rest[0], out, extra[1]);
  return { name: out, layout: 'nchw', rank: 4, dtype: 'float32' };
}

/**
 * MaxPool / AvgPool → ONNX MaxPool / AveragePool (TF's SAME average excludes the padding).
 *
 * @example
 * convertPool(ctx, node, 'MaxPool');
 */
export function convertPool(ctx: GraphContext, node: TfNode, op: 'MaxPool' | 'AveragePool'): GraphValue {
  checkNhwc(node);
  const [x] = ctx.inputs(node);
  if (!x) throw graphError(node, 'needs an input', '1 input', '0');
  const [kh, kw] = spatial(node, 'ksize');
  const [sh, sw] = spatial(node, 'strides');
  const out = ctx.fresh(node.name);
  ctx.builder.node(op, [ctx.nchw(node, x).name], [out], {
    kernel_shape: [kh, kw],
    strides: [sh, sw],
    ...paddingAttrs(node),
    ...(op === 'AveragePool' ? { count_include_pad: 0 } : {}),
  });
  return { name: out, layout: 'nchw', rank: 4, dtype: 'float32' };
}
