/**
 * The state of one TFJS graph → ONNX conversion: the TF values already placed in the ONNX graph,
 * their layouts, and the helpers ops use to move values between TF's NHWC and ONNX's NCHW.
 */
import { DiffmacError } from '@diffmac/base';
import type { OnnxGraphBuilder } from '../../onnx/graph-builder';
import type { GraphValue, TfNode } from './types';

/** NHWC axis → NCHW axis. */
export const NHWC_TO_NCHW_AXIS = [0, 2, 3, 1] as const;

/** The error every unsupported or malformed node raises. */
export function graphError(node: TfNode, message: string, expected: string, received: string): DiffmacError {
  return new DiffmacError('TFJS_GRAPH_UNSUPPORTED', `${node.op} node ${node.name}: ${message}`, { argument: node.name, expected, received });
}

/** Transpose a row-major array of `shape` by `perm`. */
export function transposeArray<T extends Float32Array | Int32Array>(data: T, shape: readonly number[], perm: readonly number[]): T {
  const rank = shape.length;
  const outShape = perm.map((p) => shape[p]!);
  const inStrides = new Array<number>(rank);
  let s = 1;
  for (let d = rank - 1; d >= 0; d--) {
    inStrides[d] = s;
    s *= shape[d]!;
  }
  const out = new (data.constructor as { new (n: number): T })(data.length);
  const idx = new Array<number>(rank).fill(0);
  for (let o = 0; o < data.length; o++) {
    let src = 0;
    for (let d = 0; d < rank; d++) src += idx[d]! * inStrides[perm[d]!]!;
    out[o] = data[src]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < outShape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/** Conversion state shared by the op handlers. */
export class GraphContext {
  private readonly values = new Map<string, GraphValue>();
  private readonly converted = new Map<string, GraphValue>();

  constructor(readonly builder: OnnxGraphBuilder) {}

  /** A fresh ONNX value name derived from a TF node name. */
  fresh(hint: string): string {
    return this.builder.uniqueName(hint.replace(/[^A-Za-z0-9_]+/g, '_').replace(/^_+|_+$/g, '').slice(-60) || 't');
  }

  set(tfName: string, value: GraphValue): void {
    this.values.set(tfName, value);
  }

  /** The value of TF input reference `ref` (`name`, `name:0`; control inputs `^name` are skipped by callers). */
  get(node: TfNode, ref: string): GraphValue {
    const [base, port] = ref.split(':');
    if (port !== undefined && port !== '0') throw graphError(node, `reads output ${port} of ${base}, which is not supported`, 'output 0', ref);
    const v = this.values.get(base!);
    if (!v) throw graphError(node, `reads ${ref}, which no earlier node defines`, 'a defined input', ref);
    return v;
  }

  /** The data inputs of `node` (control inputs dropped). */
  inputs(node: TfNode): GraphValue[] {
    return (node.input ?? []).filter((r) => !r.startsWith('^')).map((r) => this.get(node, r));
  }

  /** A constant input's values, or a typed error when the input is computed. */
  constant(node: TfNode, value: GraphValue, what: string): NonNullable<GraphValue['constant']> {
    if (!value.constant) throw graphError(node, `${what} must be a constant`, `a constant ${what}`, 'a computed value');
    return value.constant;
  }

  /** Make sure a constant has an ONNX initializer and return the value (unchanged for computed values). */
  materialize(v: GraphValue): GraphValue {
    if (!v.constant || this.builder.hasValue(v.name)) return v;
    const { values, shape } = v.constant;
    if (v.dtype === 'float32') this.builder.initializer(v.name, values, shape);
    else if (v.dtype === 'bool') this.builder.initializer(v.name, Uint8Array.from(values), shape, 'bool');
    else this.builder.initializer(v.name, BigInt64Array.from(values, (x) => BigInt(x)), shape);
    return v;
  }

  /** A new constant value (initialised lazily). */
  constantValue(hint: string, values: Float32Array | Int32Array, shape: readonly number[], dtype: GraphValue['dtype']): GraphValue {
    return { name: this.fresh(hint), layout: 'plain', rank: shape.length, dtype, constant: { values, shape } };
  }

  /** An int64 initializer with `values` (for ONNX shape-like inputs). */
  int64(hint: string, values: readonly number[]): string {
    return this.builder.initializer(this.fresh(hint), BigInt64Array.from(values, (x) => BigInt(x)), [values.length]);
  }

  /** `v` in NCHW (a rank-4 TF value), transposing once and caching the result. */
  nchw(node: TfNode, v: GraphValue): GraphValue {
    if (v.layout === 'nchw') return v;
    if (v.rank !== 4) throw graphError(node, 'needs a 4-D NHWC input', 'rank 4', `rank ${v.rank ?? 'unknown'}`);
    if (v.constant) {
      const { values, shape } = v.constant;
      const t = transposeArray(values, shape, [0, 3, 1, 2]);
      return { ...this.constantValue(`${v.name}_nchw`, t, [shape[0]!, shape[3]!, shape[1]!, shape[2]!], v.dtype), layout: 'nchw', rank: 4 };
    }
    const key = `${v.name}>nchw`;
    const cached = this.converted.get(key);
    if (cached) return cached;
    const name = this.fresh(`${v.name}_nchw`);
    this.builder.node('Transpose', [this.materialize(v).name], [name], { perm: [0, 3, 1, 2] });
    const out: GraphValue = { name, layout: 'nchw', rank: 4, dtype: v.dtype };
    this.converted.set(key, out);
    return out;
  }

  /** `v` in TF's own layout, transposing an NCHW value back once and caching the result. */
  plain(v: GraphValue): GraphValue {
    if (v.layout === 'plain') return this.materialize(v);
    const key = `${v.name}>plain`;
    const cached = this.converted.get(key);
    if (cached) return cached;
    const name = this.fresh(`${v.name}_nhwc`);
    this.builder.node('Transpose', [v.name], [name], { perm: [0, 2, 3, 1] });
    const out: GraphValue = { name, layout: 'plain', rank: 4, dtype: v.dtype };
    this.converted.set(key, out);
    return out;
  }

  /**
   * A constant that broadcasts against a TF NHWC tensor, reshaped so that it broadcasts the same
   * way against the NCHW copy (right-aligned NHWC dims → `[C, H, W]`-style dims).
   */
  broadcastNchw(node: TfNode, c: GraphValue): GraphValue {
    const { values, shape } = this.constant(node, c, 'operand');
    if (shape.length === 0 || values.length === 1) return this.materialize({ ...c, constant: { values, shape: [] }, rank: 0 });
    if (shape.length > 4) throw graphError(node, 'broadcasts a constant of rank > 4', 'rank ≤ 4', `rank ${shape.length}`);
    const full = [...new Array<number>(4 - shape.length).fill(1), ...shape];
    const t = transposeArray(values, full, [0, 3, 1, 2]);
    return this.materialize(this.constantValue(`${c.name}_nchw`, t, [full[0]!, full[3]!, full[1]!, full[2]!], c.dtype));
  }
}
