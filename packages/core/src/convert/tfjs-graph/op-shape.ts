/** Layout and shape ops: Pad, Reshape, Shape, StridedSlice, Pack, ConcatV2, Squeeze, DepthToSpace, ResizeBilinear, reductions. */
import { type GraphContext, graphError, NHWC_TO_NCHW_AXIS } from './graph-context';
import { attrBool, attrInt, attrInts, attrString, type GraphValue, type TfNode } from './types';

const INT64_MAX = 2 ** 62;

function first(ctx: GraphContext, node: TfNode): [GraphValue, GraphValue[]] {
  const [x, ...rest] = ctx.inputs(node);
  if (!x) throw graphError(node, 'needs an input', 'at least 1 input', '0');
  return [x, rest];
}

function ints(ctx: GraphContext, node: TfNode, v: GraphValue | undefined, what: string): number[] {
  if (!v) throw graphError(node, `has no ${what} input`, `a ${what} input`, 'none');
  return Array.from(ctx.constant(node, v, what).values);
}

/**
 * Pad / PadV2 (constant mode) → ONNX Pad, with the paddings reordered for NCHW values.
 *
 * @example
 * convertPad(ctx, node);
 */
export function convertPad(ctx: GraphContext, node: TfNode): GraphValue {
  const [x, [paddings, fill]] = first(ctx, node);
  const p = ints(ctx, node, paddings, 'paddings');
  const rank = p.length / 2;
  const order = x.layout === 'nchw' ? [0, 3, 1, 2] : [...Array(rank).keys()];
  const pads = [...order.map((d) => p[2 * d]!), ...order.map((d) => p[2 * d + 1]!)];
  const inputs = [ctx.materialize(x).name, ctx.int64(`${node.name}_pads`, pads)];
  if (fill) inputs.push(ctx.materialize(fill).name);
  const out = ctx.fresh(node.name);
  ctx.builder.node('Pad', inputs, [out], { mode: 'constant' });
  return { ...x, name: out, constant: undefined };
}

/**
 * Reshape → ONNX Reshape in TF's layout (NCHW inputs are transposed back first).
 *
 * @example
 * convertReshape(ctx, node);
 */
export function convertReshape(ctx: GraphContext, node: TfNode): GraphValue {
  const [x, [shape]] = first(ctx, node);
  if (!shape) throw graphError(node, 'needs a shape input', '2 inputs', '1');
  const s = shape.constant ? ctx.int64(`${node.name}_shape`, Array.from(shape.constant.values)) : ctx.materialize(shape).name;
  const rank = shape.constant ? shape.constant.values.length : shape.length;
  const out = ctx.fresh(node.name);
  ctx.builder.node('Reshape', [ctx.plain(x).name, s], [out]);
  return { name: out, layout: 'plain', rank, dtype: x.dtype };
}

/**
 * Shape → ONNX Shape (gathered back to NHWC order for NCHW values), as int64.
 *
 * @example
 * convertShape(ctx, node);
 */
export function convertShape(ctx: GraphContext, node: TfNode): GraphValue {
  const [x] = first(ctx, node);
  const b = ctx.builder;
  let out = ctx.fresh(node.name);
  b.node('Shape', [ctx.materialize(x).name], [out]);
  if (x.layout === 'nchw') {
    const g = ctx.fresh(`${node.name}_nhwc`);
    b.node('Gather', [out, ctx.int64(`${node.name}_order`, [0, 2, 3, 1])], [g], { axis: 0 });
    out = g;
  }
  return { name: out, layout: 'plain', rank: 1, dtype: 'int64', length: x.rank };
}

/**
 * StridedSlice with constant begin/end/strides (begin, end and shrink-axis masks) → Slice + Squeeze.
 *
 * @example
 * convertStridedSlice(ctx, node);
 */
export function convertStridedSlice(ctx: GraphContext, node: TfNode): GraphValue {
  const [x0, [bv, ev, sv]] = first(ctx, node);
  const begin = ints(ctx, node, bv, 'begin');
  const end = ints(ctx, node, ev, 'end');
  const strides = sv ? ints(ctx, node, sv, 'strides') : begin.map(() => 1);
  if ((attrInt(node, 'ellipsis_mask') ?? 0) !== 0 || (attrInt(node, 'new_axis_mask') ?? 0) !== 0) {
    throw graphError(node, 'uses an ellipsis or new-axis mask', 'begin, end and shrink-axis masks only', 'ellipsis/new_axis');
  }
  const beginMask = attrInt(node, 'begin_mask') ?? 0;
  const endMask = attrInt(node, 'end_mask') ?? 0;
  const shrink = attrInt(node, 'shrink_axis_mask') ?? 0;
  const x = ctx.plain(x0);
  const starts: number[] = [];
  const ends: number[] = [];
  const squeeze: number[] = [];
  for (let d = 0; d < begin.length; d++) {
    const step = strides[d]!;
    if (step === 0) throw graphError(node, 'has a zero stride', 'non-zero strides', '0');
    if (shrink & (1 << d)) {
      starts.push(begin[d]!);
      ends.push(begin[d]! === -1 ? INT64_MAX : begin[d]! + 1);
      squeeze.push(d);
      continue;
    }
    starts.push(beginMask & (1 << d) ? (step > 0 ? 0 : -1) : begin[d]!);
    ends.push(endMask & (1 << d) ? (step > 0 ? INT64_MAX : -INT64_MAX) : end[d]!);
  }
  const b = ctx.builder;
  const axes = begin.map((_, d) => d);
  let out = ctx.fresh(node.name);
  b.node('Slice', [x.name, ctx.int64('starts', starts), ctx.int64('ends', ends), ctx.int64('axes', axes), ctx.int64('steps', strides)], [out]);
  if (squeeze.length > 0) {
    const s = ctx.fresh(`${node.name}_squeeze`);
    b.node('Squeeze', [out, ctx.int64('axes', squeeze)], [s]);
    out = s;
  }
  return { name: out, layout: 'plain', rank: x.rank === undefined ? undefined : x.rank - squeeze.length, dtype: x.dtype };
}

/**
 * Pack → Unsqueeze each input on `axis`, then Concat.
 *
 * @example
 * convertPack(ctx, node);
 */
export function convertPack(ctx: GraphContext, node: TfNode): GraphValue {
  const inputs = ctx.inputs(node);
  const axis = attrInt(node, 'axis') ?? 0;
  const b = ctx.builder;
  const parts = inputs.map((v) => {
    const u = ctx.fresh(`${node.name}_unsqueeze`);
    b.node('Unsqueeze', [ctx.plain(v).name, ctx.int64('axes', [axis])], [u]);
    return u;
  });
  const out = ctx.fresh(node.name);
  b.node('Concat', parts, [out], { axis });
  const rank = (inputs[0]?.rank ?? 0) + 1;
  return { name: out, layout: 'plain', rank, dtype: inputs[0]?.dtype ?? 'float32', ...(rank === 1 ? { length: inputs.length } : {}) };
}

/**
 * ConcatV2 → Concat (in NCHW when any 4-D input is NCHW).
 *
 * @example
 * convertConcat(ctx, node);
 */
export function convertConcat(ctx: GraphContext, node: TfNode): GraphValue {
  const all = ctx.inputs(node);
  const axisValue = all.pop();
  const [axis0] = ints(ctx, node, axisValue, 'axis');
  const rank = all[0]?.rank;
  if (rank === undefined || axis0 === undefined) throw graphError(node, 'has inputs of unknown rank', 'known ranks', 'unknown');
  const axis = axis0 < 0 ? axis0 + rank : axis0;
  const nchw = rank === 4 && all.some((v) => v.layout === 'nchw');
  const parts = all.map((v) => (nchw ? ctx.materialize(ctx.nchw(node, v)) : ctx.plain(v)).name);
  const out = ctx.fresh(node.name);
  ctx.builder.node('Concat', parts, [out], { axis: nchw ? NHWC_TO_NCHW_AXIS[axis]! : axis });
  return { name: out, layout: nchw ? 'nchw' : 'plain', rank, dtype: all[0]!.dtype };
}

/**
 * Squeeze → ONNX Squeeze in TF's layout.
 *
 * @example
 * convertSqueeze(ctx, node);
 */
export function convertSqueeze(ctx: GraphContext, node: TfNode): GraphValue {
  const [x] = first(ctx, node);
  const dims = attrInts(node, 'squeeze_dims') ?? attrInts(node, 'axis') ?? [];
  if (dims.length === 0) throw graphError(node, 'squeezes every unit axis', 'explicit squeeze_dims', '[]');
  const rank = x.rank;
  const out = ctx.fresh(node.name);
  ctx.builder.node('Squeeze', [ctx.plain(x).name, ctx.int64('axes', dims)], [out]);
  return { name: out, layout: 'plain', rank: rank === undefined ? undefined : rank - dims.length, dtype: x.dtype };
}

/**
 * DepthToSpace (NHWC) → ONNX DepthToSpace in DCR mode (TF's channel order).
 *
 * @example
 * convertDepthToSpace(ctx, node);
 */
export function convertDepthToSpace(ctx: GraphContext, node: TfNode): GraphValue {
  const [x] = first(ctx, node);
  const format = attrString(node, 'data_format') ?? 'NHWC';
  if (format !== 'NHWC') throw graphError(node, `uses data_format ${format}`, 'NHWC', format);
  const out = ctx.fresh(node.name);
  ctx.builder.node('DepthToSpace', [ctx.nchw(node, x).name], [out], { blocksize: attrInt(node, 'block_size') ?? 2, mode: 'DCR' });
  return { name: out, layout: 'nchw', rank: 4, dtype: 'float32' };
}

/**
 * ResizeBilinear / ResizeNearestNeighbor with a constant size → ONNX Resize with TF's coordinate rule.
 *
 * @example
 * convertResize(ctx, node, 'linear');
 */
export function convertResize(ctx: GraphContext, node: TfNode, mode: 'linear' | 'nearest'): GraphValue {
  const [x0, [size]] = first(ctx, node);
  const [h, w] = ints(ctx, node, size, 'size');
  const alignCorners = attrBool(node, 'align_corners');
  const halfPixel = attrBool(node, 'half_pixel_centers');
  const b = ctx.builder;
  const x = ctx.nchw(node, x0);
  const shape = ctx.fresh(`${node.name}_shape`);
  b.node('Shape', [x.name], [shape]);
  const nc = ctx.fresh(`${node.name}_nc`);
  b.node('Slice', [shape, ctx.int64('starts', [0]), ctx.int64('ends', [2])], [nc]);
  const sizes = ctx.fresh(`${node.name}_sizes`);
  b.node('Concat', [nc, ctx.int64(`${node.name}_hw`, [h!, w!])], [sizes], { axis: 0 });
  const out = ctx.fresh(node.name);
  const transform = alignCorners ? 'align_corners' : halfPixel ? (mode === 'nearest' ? 'tf_half_pixel_for_nn' : 'half_pixel') : 'asymmetric';
  b.node('Resize', [x.name, '', '', sizes], [out], {
    mode,
    coordinate_transformation_mode: transform,
    ...(mode === 'nearest' ? { nearest_mode: alignCorners ? 'round_prefer_ceil' : 'floor' } : {}),
  });
  return { name: out, layout: 'nchw', rank: 4, dtype: 'float32' };
}

/**
 * Sum / Mean / Max / Min over constant axes → ONNX ReduceSum (axes input) / ReduceMean / ReduceMax / ReduceMin.
 *
 * @example
 * convertReduce(ctx, node);
 */
export function convertReduce(ctx: GraphContext, node: TfNode): GraphValue {
  const [x0, [axesValue]] = first(ctx, node);
  const axes = ints(ctx, node, axesValue, 'reduction_indices');
  const keep = attrBool(node, 'keep_dims') ? 1 : 0;
  const x = ctx.plain(x0);
  const out = ctx.fresh(node.name);
  const op = { Sum: 'ReduceSum', Mean: 'ReduceMean', Max: 'ReduceMax', Min: 'ReduceMin' }[node.op as 'Sum'];
  if (op === 'ReduceSum') ctx.builder.node(op, [x.name, ctx.int64('axes', axes)], [out], { keepdims: keep });
  else ctx.builder.node(op, [x.name], [out], { axes, keepdims: keep });
  return { name: out, layout: 'plain', rank: x.rank === undefined ? undefined : keep ? x.rank : x.rank - axes.length, dtype: x.dtype };
}
