/**
 * TFJS graph model (`model.json` with `format: graph-model` + `.bin` shards) → ONNX, on core's
 * {@link OnnxGraphBuilder}. Values stay in NCHW between convolutions; TF's NHWC layout is restored
 * wherever a layout-sensitive op (Reshape, Shape, StridedSlice, ...) or a graph output needs it.
 */
import { DiffmacError } from '@diffmac/base';
import { OnnxGraphBuilder } from '../../onnx/graph-builder';
import { decodeTfjsWeights, type TfjsManifestGroup } from '../tfjs-weights/decode-weights';
import { GraphContext, graphError } from './graph-context';
import { convertConv, convertPool } from './op-conv';
import { convertElementwise, isElementwise } from './op-elementwise';
import {
  convertConcat,
  convertDepthToSpace,
  convertPack,
  convertPad,
  convertReduce,
  convertReshape,
  convertResize,
  convertShape,
  convertSqueeze,
  convertStridedSlice,
} from './op-shape';
import type { GraphValue, TfNode } from './types';

/** Options of {@link convertTfjsGraph}. */
export interface ConvertTfjsGraphOptions {
  /** ONNX input names by TF placeholder name (default: the placeholder's name). */
  readonly inputNames?: Readonly<Record<string, string>>;
  /**
   * Graph outputs: ONNX name → TF node name. Default: the model's `signature.outputs` (keys as names,
   * `:0` dropped), else every node no other node reads.
   */
  readonly outputs?: Readonly<Record<string, string>>;
  /** ONNX graph name (default `'tfjs-graph'`). */
  readonly graphName?: string;
  /** Extra ONNX `metadata_props`. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** A converted model: the `.onnx` bytes and its input and output names in NHWC terms. */
export interface ConvertedTfjsGraph {
  readonly bytes: Uint8Array;
  readonly inputs: readonly { readonly name: string; readonly shape: readonly (number | string)[] }[];
  readonly outputs: readonly string[];
  /** TF op types met, with counts. */
  readonly ops: Readonly<Record<string, number>>;
}

/** The TF ops this converter reads. */
export const TFJS_GRAPH_OPS: readonly string[] = [
  'Const', 'Placeholder', 'Identity', 'Conv2D', '_FusedConv2D', 'DepthwiseConv2dNative', 'FusedDepthwiseConv2dNative', 'MaxPool', 'AvgPool',
  'Pad', 'PadV2', 'Reshape', 'Shape', 'StridedSlice', 'Pack', 'ConcatV2', 'Squeeze', 'DepthToSpace', 'ResizeBilinear', 'ResizeNearestNeighbor',
  'Sum', 'Mean', 'Max', 'Min', 'Relu', 'Relu6', 'Sigmoid', 'Tanh', 'Abs', 'Neg', 'Exp', 'Log', 'Sqrt', 'Rsqrt', 'Square', 'Elu', 'Floor',
  'Add', 'AddV2', 'BiasAdd', 'Sub', 'Mul', 'RealDiv', 'Div', 'Maximum', 'Minimum', 'Prelu',
];

function shapeOf(node: TfNode): (number | string)[] | undefined {
  const dims = node.attr?.['shape']?.shape?.dim;
  return dims?.map((d, i) => {
    const n = Number(d.size ?? -1);
    return n < 0 ? (i === 0 ? 'batch' : `d${i}`) : n;
  });
}

function convertNode(ctx: GraphContext, node: TfNode): GraphValue {
  switch (node.op) {
    case 'Conv2D':
    case '_FusedConv2D':
      return convertConv(ctx, node, false);
    case 'DepthwiseConv2dNative':
    case 'FusedDepthwiseConv2dNative':
      return convertConv(ctx, node, true);
    case 'MaxPool':
      return convertPool(ctx, node, 'MaxPool');
    case 'AvgPool':
      return convertPool(ctx, node, 'AveragePool');
    case 'Pad':
    case 'PadV2':
      return convertPad(ctx, node);
    case 'Reshape':
      return convertReshape(ctx, node);
    case 'Shape':
      return convertShape(ctx, node);
    case 'StridedSlice':
      return convertStridedSlice(ctx, node);
    case 'Pack':
      return convertPack(ctx, node);
    case 'ConcatV2':
      return convertConcat(ctx, node);
    case 'Squeeze':
      return convertSqueeze(ctx, node);
    case 'DepthToSpace':
      return convertDepthToSpace(ctx, node);
    case 'ResizeBilinear':
      return convertResize(ctx, node, 'linear');
    case 'ResizeNearestNeighbor':
      return convertResize(ctx, node, 'nearest');
    case 'Sum':
    case 'Mean':
    case 'Max':
    case 'Min':
      return convertReduce(ctx, node);
    default:
      if (isElementwise(node.op)) return convertElementwise(ctx, node);
      throw graphError(node, 'is an op this converter does not read', TFJS_GRAPH_OPS.join(', '), node.op);
  }
}

/**
 * Convert a TFJS graph model to ONNX (opset 13). Weights are decoded exactly as TFJS loads them
 * (float16 and uint8/uint16-quantised weights become float32), so ONNX outputs match TFJS's CPU
 * backend to float rounding. The ONNX inputs keep TF's NHWC layout. Throws
 * `TFJS_GRAPH_UNSUPPORTED` (naming the node) for an op or attribute it does not read.
 *
 * @example
 * const { json, shards } = await readTfjsModelFiles('models/facemesh.json');
 * const { bytes, outputs } = convertTfjsGraph(json, shards);
 * const session = await createSession(bytes); // input 'input_1' [batch, 192, 192, 3]
 */
export function convertTfjsGraph(
  modelJson: { readonly modelTopology?: unknown; readonly weightsManifest?: readonly TfjsManifestGroup[]; readonly [key: string]: unknown },
  shards: readonly Uint8Array[],
  options: ConvertTfjsGraphOptions = {},
): ConvertedTfjsGraph {
  const topology = modelJson.modelTopology as { node?: TfNode[] } | undefined;
  if (!topology || !Array.isArray(topology.node)) {
    throw new DiffmacError('TFJS_GRAPH_FORMAT', 'The model.json has no modelTopology.node list (is it a layers model?)', {
      argument: 'modelJson',
      expected: 'a TFJS graph model',
      received: String(modelJson.format ?? typeof topology),
    });
  }
  const weights = decodeTfjsWeights(modelJson.weightsManifest ?? [], shards);
  const builder = new OnnxGraphBuilder({ name: options.graphName ?? 'tfjs-graph', producerName: 'diffmac tfjs-graph converter', ...(options.metadata ? { metadata: options.metadata } : {}) });
  const ctx = new GraphContext(builder);
  const nodes = topology.node;
  const byName = new Map(nodes.map((n) => [n.name, n]));
  const ops: Record<string, number> = {};
  const inputs: { name: string; shape: (number | string)[] }[] = [];
  // TFJS JSON lists nodes in an order where inputs may come later: visit depth-first.
  const state = new Map<string, 'busy' | 'done'>();
  const visit = (name: string): void => {
    if (state.get(name) === 'done') return;
    const node = byName.get(name);
    if (!node) throw new DiffmacError('TFJS_GRAPH_FORMAT', `A node reads ${name}, which the graph does not define`, { argument: 'modelJson', expected: 'a defined node', received: name });
    if (state.get(name) === 'busy') throw new DiffmacError('TFJS_GRAPH_FORMAT', `The graph has a cycle through ${name}`, { argument: 'modelJson', expected: 'an acyclic graph', received: name });
    state.set(name, 'busy');
    for (const ref of node.input ?? []) visit(ref.replace(/^\^/, '').split(':')[0]!);
    ops[node.op] = (ops[node.op] ?? 0) + 1;
    if (node.op === 'Const') {
      const w = weights.get(node.name);
      if (!w) throw graphError(node, 'has no weights in the manifest', `a manifest entry named ${node.name}`, 'none');
      ctx.set(node.name, { name: ctx.fresh(node.name), layout: 'plain', rank: w.shape.length, dtype: w.dtype === 'float32' ? 'float32' : w.dtype === 'bool' ? 'bool' : 'int64', constant: { values: w.values, shape: w.shape } });
    } else if (node.op === 'Placeholder') {
      const shape = shapeOf(node);
      if (!shape) throw graphError(node, 'has no shape', 'a shaped placeholder', 'no shape');
      const dtype = node.attr?.['dtype']?.type;
      if (dtype !== undefined && dtype !== 'DT_FLOAT') throw graphError(node, `has dtype ${dtype}`, 'DT_FLOAT', dtype);
      const name = options.inputNames?.[node.name] ?? node.name;
      builder.input(name, 'float32', shape);
      inputs.push({ name, shape });
      ctx.set(node.name, { name, layout: 'plain', rank: shape.length, dtype: 'float32' });
    } else {
      ctx.set(node.name, convertNode(ctx, node));
    }
    state.set(name, 'done');
  };
  let outputs = options.outputs;
  if (!outputs) {
    const sig = (modelJson['signature'] ?? (modelJson['userDefinedMetadata'] as { signature?: unknown } | undefined)?.signature) as { outputs?: Record<string, { name?: string }> } | undefined;
    if (sig?.outputs && Object.keys(sig.outputs).length > 0) {
      outputs = Object.fromEntries(Object.entries(sig.outputs).map(([k, v]) => [k.replace(/:0$/, ''), (v.name ?? k).replace(/:0$/, '')]));
    } else {
      const read = new Set(nodes.flatMap((n) => (n.input ?? []).map((r) => r.replace(/^\^/, '').split(':')[0]!)));
      outputs = Object.fromEntries(nodes.filter((n) => !read.has(n.name) && n.op !== 'Const').map((n) => [n.name, n.name]));
    }
  }
  for (const onnxName of Object.keys(outputs)) {
    if (builder.uniqueName(onnxName) !== onnxName) {
      throw new DiffmacError('TFJS_GRAPH_FORMAT', `Output name ${onnxName} is used twice`, { argument: 'outputs', expected: 'distinct names', received: onnxName });
    }
  }
  for (const [onnxName, tfName] of Object.entries(outputs)) {
    visit(tfName);
    const v = ctx.plain(ctx.get({ name: onnxName, op: 'output' }, tfName));
    builder.node('Identity', [v.name], [onnxName]);
    const dims = Array.from({ length: v.rank ?? 0 }, (_, i) => (i === 0 ? 'batch' : `${onnxName}_d${i}`));
    builder.output(onnxName, v.dtype === 'int64' ? 'int64' : v.dtype === 'bool' ? 'bool' : 'float32', dims);
  }
  return { bytes: builder.toBytes(), inputs, outputs: Object.keys(outputs), ops };
}
