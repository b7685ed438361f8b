import { OnnxGraphBuilder, type OnnxAttributeValue, onnxAttr } from '@diffmac/core';
import type { GraphAttribute, GraphSpec } from './graph';

function attribute(value: GraphAttribute): OnnxAttributeValue {
  if (typeof value === 'number') return onnxAttr.int(value);
  if (typeof value === 'string') return onnxAttr.string(value);
  if (Array.isArray(value)) return onnxAttr.ints(value as number[]);
  return onnxAttr.float((value as { float: number }).float);
}

/**
 * Serialise a {@link GraphSpec} to ONNX bytes (IR version 7, opset 13) with core's
 * {@link OnnxGraphBuilder}.
 *
 * @example
 * const bytes = encodeOnnx(graph); // feed to createSession(bytes)
 */
export function encodeOnnx(graph: GraphSpec, producerName = 'diffmac-face-align'): Uint8Array {
  const b = new OnnxGraphBuilder({ name: graph.name, opset: 13, irVersion: 7, producerName });
  for (const v of graph.inputs) b.input(v.name, v.dtype, v.shape);
  for (const t of graph.initializers) b.initializer(t.name, t.data, t.dims, t.dtype);
  for (const n of graph.nodes) {
    const attributes: Record<string, OnnxAttributeValue> = {};
    for (const [k, v] of Object.entries(n.attributes)) attributes[k] = attribute(v);
    b.node(n.op, n.inputs, n.outputs, attributes, { name: n.name });
  }
  for (const v of graph.outputs) b.output(v.name, v.dtype, v.shape);
  return b.toBytes();
}
