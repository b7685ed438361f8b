import { OnnxGraphBuilder } from '../../onnx/graph-builder';
import type { StateDictWeights } from './state-dict-weights';
import { batchNorm, relu, type TorchValue } from './torch-layers';

type Ctx = { b: OnnxGraphBuilder; w: StateDictWeights };
type Pair = number | readonly [number, number];
const pair = (v: Pair): [number, number] => (typeof v === 'number' ? [v, v] : [v[0], v[1]]);

/** torchvision's `BasicConv2d`: conv without bias (any kernel), BatchNorm (eps 1e-3), ReLU; keys `<key>.conv`, `<key>.bn`. */
function basicConv({ b, w }: Ctx, x: TorchValue, key: string, out: number, kernel: Pair, o: { stride?: number; padding?: Pair } = {}): TorchValue {
  const [kh, kw] = pair(kernel);
  const [ph, pw] = pair(o.padding ?? 0);
  const s = o.stride ?? 1;
  const shape = [out, x.channels, kh, kw];
  const weight = b.constant(`${key}.conv.weight`, w.take(`${key}.conv.weight`, shape), shape);
  const conv = { name: b.op('Conv', [x.name, weight], { kernel_shape: [kh, kw], strides: [s, s], pads: [ph, pw, ph, pw] }, { output: key }), channels: out };
  return relu(b, batchNorm(b, w, conv, `${key}.bn`, 1e-3));
}

const concat = (b: OnnxGraphBuilder, parts: TorchValue[]): TorchValue => ({ name: b.op('Concat', parts.map((p) => p.name), { axis: 1 }), channels: parts.reduce((n, p) => n + p.channels, 0) });
/** `avg_pool2d(3, stride 1, padding 1, count_include_pad=False)`: ONNX's default count_include_pad is 0. */
const avg3 = (b: OnnxGraphBuilder, x: TorchValue): TorchValue => ({ name: b.op('AveragePool', [x.name], { kernel_shape: [3, 3], strides: [1, 1], pads: [1, 1, 1, 1] }), channels: x.channels });
const max3 = (b: OnnxGraphBuilder, x: TorchValue, stride: number, pad: number): TorchValue => ({ name: b.op('MaxPool', [x.name], { kernel_shape: [3, 3], strides: [stride, stride], pads: [pad, pad, pad, pad] }), channels: x.channels });

function blockA(c: Ctx, x: TorchValue, k: string, pool: number): TorchValue {
  const b1 = basicConv(c, x, `${k}.branch1x1`, 64, 1);
  const b5 = basicConv(c, basicConv(c, x, `${k}.branch5x5_1`, 48, 1), `${k}.branch5x5_2`, 64, 5, { padding: 2 });
  let d = basicConv(c, x, `${k}.branch3x3dbl_1`, 64, 1);
  d = basicConv(c, basicConv(c, d, `${k}.branch3x3dbl_2`, 96, 3, { padding: 1 }), `${k}.branch3x3dbl_3`, 96, 3, { padding: 1 });
  return concat(c.b, [b1, b5, d, basicConv(c, avg3(c.b, x), `${k}.branch_pool`, pool, 1)]);
}

function blockB(c: Ctx, x: TorchValue, k: string): TorchValue {
  const b3 = basicConv(c, x, `${k}.branch3x3`, 384, 3, { stride: 2 });
  let d = basicConv(c, x, `${k}.branch3x3dbl_1`, 64, 1);
  d = basicConv(c, basicConv(c, d, `${k}.branch3x3dbl_2`, 96, 3, { padding: 1 }), `${k}.branch3x3dbl_3`, 96, 3, { stride: 2 });
  return concat(c.b, [b3, d, max3(c.b, x, 2, 0)]);
}

function blockC(c: Ctx, x: TorchValue, k: string, c7: number): TorchValue {
  const row = [1, 7] as const, col = [7, 1] as const, prow = [0, 3] as const, pcol = [3, 0] as const;
  const b1 = basicConv(c, x, `${k}.branch1x1`, 192, 1);
  let b7 = basicConv(c, x, `${k}.branch7x7_1`, c7, 1);
  b7 = basicConv(c, b7, `${k}.branch7x7_2`, c7, row, { padding: prow });
  b7 = basicConv(c, b7, `${k}.branch7x7_3`, 192, col, { padding: pcol });
  let d = basicConv(c, x, `${k}.branch7x7dbl_1`, c7, 1);
  d = basicConv(c, d, `${k}.branch7x7dbl_2`, c7, col, { padding: pcol });
  d = basicConv(c, d, `${k}.branch7x7dbl_3`, c7, row, { padding: prow });
  d = basicConv(c, d, `${k}.branch7x7dbl_4`, c7, col, { padding: pcol });
  d = basicConv(c, d, `${k}.branch7x7dbl_5`, 192, row, { padding: prow });
  return concat(c.b, [b1, b7, d, basicConv(c, avg3(c.b, x), `${k}.branch_pool`, 192, 1)]);
}

function blockD(c: Ctx, x: TorchValue, k: string): TorchValue {
  const b3 = basicConv(c, basicConv(c, x, `${k}.branch3x3_1`, 192, 1), `${k}.branch3x3_2`, 320, 3, { stride: 2 });
  let b7 = basicConv(c, x, `${k}.branch7x7x3_1`, 192, 1);
  b7 = basicConv(c, b7, `${k}.branch7x7x3_2`, 192, [1, 7], { padding: [0, 3] });
  b7 = basicConv(c, b7, `${k}.branch7x7x3_3`, 192, [7, 1], { padding: [3, 0] });
  b7 = basicConv(c, b7, `${k}.branch7x7x3_4`, 192, 3, { stride: 2 });
  return concat(c.b, [b3, b7, max3(c.b, x, 2, 0)]);
}

function blockE(c: Ctx, x: TorchValue, k: string, maxPool: boolean): TorchValue {
  const b1 = basicConv(c, x, `${k}.branch1x1`, 320, 1);
  const s = basicConv(c, x, `${k}.branch3x3_1`, 384, 1);
  const b3 = concat(c.b, [basicConv(c, s, `${k}.branch3x3_2a`, 384, [1, 3], { padding: [0, 1] }), basicConv(c, s, `${k}.branch3x3_2b`, 384, [3, 1], { padding: [1, 0] })]);
  const d0 = basicConv(c, basicConv(c, x, `${k}.branch3x3dbl_1`, 448, 1), `${k}.branch3x3dbl_2`, 384, 3, { padding: 1 });
  const d = concat(c.b, [basicConv(c, d0, `${k}.branch3x3dbl_3a`, 384, [1, 3], { padding: [0, 1] }), basicConv(c, d0, `${k}.branch3x3dbl_3b`, 384, [3, 1], { padding: [1, 0] })]);
  const pooled = maxPool ? max3(c.b, x, 1, 1) : avg3(c.b, x);
  return concat(c.b, [b1, b3, d, basicConv(c, pooled, `${k}.branch_pool`, 192, 1)]);
}

/**
 * pytorch-fid's FID Inception v3 (torchvision's layout with the FID blocks: average pools that do not
 * count padding, a max pool in the last block) up to `pool3`, as one ONNX graph in the contract
 * eval's `createFidExtractor` reads: input `input` float32 [N, 3, 299, 299] RGB in [0, 1] (eval
 * resizes to 299² with torch's bilinear rule, as pytorch-fid does), `2x − 1` inside, output `pool3`
 * [N, 2048]. The 1008-way `fc` the official file carries is skipped.
 *
 * @example
 * const bytes = inceptionFidGraph(new StateDictWeights(await openCheckpoint('pt_inception-2015-12-05-6726825d.pth'), 'inception-fid'));
 */
export function inceptionFidGraph(w: StateDictWeights): Uint8Array {
  const b = new OnnxGraphBuilder({ name: 'inception-fid', opset: 13, metadata: { diffmac_kind: 'inception-fid', contract: 'input RGB [0,1] N×3×299×299; output pool3 N×2048' } });
  const c: Ctx = { b, w };
  const input = b.input('input', 'float32', ['N', 3, 299, 299]);
  const two = b.constant('two', new Float32Array([2]), []);
  const one = b.constant('one', new Float32Array([1]), []);
  let x: TorchValue = { name: b.op('Sub', [b.op('Mul', [input, two]), one], {}, { output: 'normalised' }), channels: 3 };
  x = basicConv(c, x, 'Conv2d_1a_3x3', 32, 3, { stride: 2 });
  x = basicConv(c, x, 'Conv2d_2a_3x3', 32, 3);
  x = max3(b, basicConv(c, x, 'Conv2d_2b_3x3', 64, 3, { padding: 1 }), 2, 0);
  x = basicConv(c, x, 'Conv2d_3b_1x1', 80, 1);
  x = max3(b, basicConv(c, x, 'Conv2d_4a_3x3', 192, 3), 2, 0);
  x = blockA(c, x, 'Mixed_5b', 32);
  x = blockA(c, x, 'Mixed_5c', 64);
  x = blockA(c, x, 'Mixed_5d', 64);
  x = blockB(c, x, 'Mixed_6a');
  for (const [k, c7] of [['Mixed_6b', 128], ['Mixed_6c', 160], ['Mixed_6d', 160], ['Mixed_6e', 192]] as const) x = blockC(c, x, k, c7);
  x = blockD(c, x, 'Mixed_7a');
  x = blockE(c, x, 'Mixed_7b', false);
  x = blockE(c, x, 'Mixed_7c', true);
  b.node('Flatten', [b.op('GlobalAveragePool', [x.name])], ['pool3'], { axis: 1 });
  b.output('pool3', 'float32', ['N', 2048]);
  w.finish([/^fc\./, /num_batches_tracked$/, /^AuxLogits\./]);
  return b.toBytes();
}
