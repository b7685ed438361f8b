/** Element-wise TF ops: unary activations and broadcasting binary arithmetic. */
import { type GraphContext, graphError } from './graph-context';
import type { GraphValue, TfNode } from './types';

/** TF unary op → ONNX op. `Square`, `Rsqrt` and `Relu6` are composed. */
const UNARY: Readonly<Record<string, string>> = {
  Relu: 'Relu',
  Sigmoid: 'Sigmoid',
  Tanh: 'Tanh',
  Abs: 'Abs',
  Neg: 'Neg',
  Exp: 'Exp',
  Log: 'Log',
  Sqrt: 'Sqrt',
  Elu: 'Elu',
  Floor: 'Floor',
};

/** TF binary op → ONNX op. */
const BINARY: Readonly<Record<string, string>> = {
  Add: 'Add',
  AddV2: 'Add',
  BiasAdd: 'Add',
  Sub: 'Sub',
  Mul: 'Mul',
  RealDiv: 'Div',
  Div: 'Div',
  Maximum: 'Max',
  Minimum: 'Min',
  Prelu: 'PRelu',
};

/** Whether `op` is handled by {@link convertElementwise}. */
export function isElementwise(op: string): boolean {
  return op in UNARY || op in BINARY || op === 'Square' || op === 'Rsqrt' || op === 'Relu6' || op === 'Identity';
}

/**
 * Convert an element-wise node, keeping NCHW values in NCHW (constants are reshaped to broadcast
 * the same way) so that no transposes are added between convolutions.
 *
 * @example
 * convertElementwise(ctx, { name: 'r', op: 'Relu', input: ['x'] });
 */
export function convertElementwise(ctx: GraphContext, node: TfNode): GraphValue {
  const inputs = ctx.inputs(node);
  const b = ctx.builder;
  const out = ctx.fresh(node.name);
  if (node.op === 'Identity') {
    const [x] = inputs;
    if (!x) throw graphError(node, 'needs an input', '1 input', '0');
    return x;
  }
  if (node.op in UNARY || node.op === 'Square' || node.op === 'Rsqrt' || node.op === 'Relu6') {
    const [x0] = inputs;
    if (!x0 || inputs.length !== 1) throw graphError(node, 'needs one input', '1 input', String(inputs.length));
    const x = ctx.materialize(x0);
    if (node.op === 'Square') b.node('Mul', [x.name, x.name], [out]);
    else if (node.op === 'Rsqrt') {
      const s = ctx.fresh(`${node.name}_sqrt`);
      b.node('Sqrt', [x.name], [s]);
      b.node('Reciprocal', [s], [out]);
    } else if (node.op === 'Relu6') {
      b.node('Clip', [x.name, b.initializer(ctx.fresh('zero'), new Float32Array([0]), []), b.initializer(ctx.fresh('six'), new Float32Array([6]), [])], [out]);
    } else b.node(UNARY[node.op]!, [x.name], [out]);
    return { name: out, layout: x.layout, rank: x.rank, dtype: x.dtype };
  }
  const onnxOp = BINARY[node.op];
  const [a, c] = inputs;
  if (!onnxOp || !a || !c || inputs.length !== 2) throw graphError(node, 'needs two inputs', '2 inputs', String(inputs.length));
  const nchw = a.layout === 'nchw' || c.layout === 'nchw';
  let lhs: GraphValue;
  let rhs: GraphValue;
  if (nchw) {
    const side = (v: GraphValue): GraphValue => (v.layout === 'nchw' ? v : v.constant ? ctx.broadcastNchw(node, v) : v.rank === 4 ? ctx.nchw(node, v) : ctx.materialize(v));
    lhs = side(a);
    rhs = side(c);
    if ((lhs.layout !== 'nchw' && !lhs.constant && lhs.rank !== 0) || (rhs.layout !== 'nchw' && !rhs.constant && rhs.rank !== 0)) {
      // A computed lower-rank operand broadcasts against NHWC: do the op in TF's layout.
      lhs = ctx.plain(a);
      rhs = ctx.plain(c);
    }
  } else {
    lhs = ctx.materialize(a);
    rhs = ctx.materialize(c);
  }
  b.node(onnxOp, [lhs.name, rhs.name], [out]);
  const layout = lhs.layout === 'nchw' || rhs.layout === 'nchw' ? 'nchw' : 'plain';
  const rank = Math.max(a.rank ?? 0, c.rank ?? 0);
  return { name: out, layout, rank, dtype: a.dtype === 'float32' || c.dtype === 'float32' ? 'float32' : a.dtype };
}
