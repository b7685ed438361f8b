/**
 * Op tests of the TFJS graph → ONNX converter: small graphs with seeded random weights, each run
 * in TFJS's CPU backend and, converted, in onnxruntime; outputs must agree to float rounding.
 */
import { describe, expect, it } from 'vitest';
import { convertTfjsGraph, createRng, DiffmacError } from '../src/index';
import { TfGraphFixture } from './tfjs-graph-fixture';
import { graphParity } from './tfjs-graph-helpers';

function randomInput(shape: number[], seed = 3): Float32Array {
  const rng = createRng(seed);
  return Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => 2 * rng.uniform() - 1);
}

async function expectParity(g: TfGraphFixture, shape: number[], outputs: Record<string, string>, tol = 1e-5) {
  const [json, shards] = g.build();
  const r = await graphParity(json, shards, randomInput(shape), shape, outputs);
  for (const v of Object.values(r.outputs)) {
    expect(v.maxRef).toBeGreaterThan(0);
    expect(v.maxAbs).toBeLessThanOrEqual(tol * Math.max(1, v.maxRef));
  }
  return r;
}

const NHWC = [1, 9, 10, 4];

describe('tfjs-graph ops: ONNX matches TFJS CPU', () => {
  for (const [padding, stride, fused] of [
    ['VALID', 1, ['BiasAdd']],
    ['SAME', 2, ['BiasAdd', 'Relu']],
    ['SAME', 1, ['BiasAdd', 'Relu6']],
    ['VALID', 2, ['BiasAdd', 'Prelu']],
  ] as const) {
    it(`_FusedConv2D ${padding} stride ${stride} ${fused.join('+')}`, async () => {
      const g = new TfGraphFixture();
      const x = g.placeholder('x', [-1, 9, 10, 4]);
      const inputs = [x, g.floats('w', [3, 3, 4, 6]), g.floats('b', [6])];
      if (fused.includes('Prelu' as never)) inputs.push(g.floats('alpha', [6]));
      g.op('conv', '_FusedConv2D', inputs, { padding, strides: [1, stride, stride, 1], dilations: [1, 1, 1, 1], data_format: 'NHWC', fused_ops: [...fused], num_args: inputs.length - 2 });
      await expectParity(g, NHWC, { y: 'conv' });
    });
  }

  it('_FusedConv2D with EXPLICIT padding and Conv2D', async () => {
    const g = new TfGraphFixture();
    const x = g.placeholder('x', [-1, 9, 10, 4]);
    const c = g.op('conv', '_FusedConv2D', [x, g.floats('w', [3, 2, 4, 5]), g.floats('b', [5])], {
      padding: 'EXPLICIT', explicit_paddings: [0, 0, 1, 2, 0, 1, 0, 0], strides: [1, 2, 1, 1], dilations: [1, 1, 1, 1], fused_ops: ['BiasAdd'], num_args: 1,
    });
    g.op('conv2', 'Conv2D', [c, g.floats('w2', [1, 1, 5, 3])], { padding: 'VALID', strides: [1, 1, 1, 1], dilations: [1, 1, 1, 1] });
    await expectParity(g, NHWC, { y: 'conv2' });
  });

  for (const [op, padding, stride] of [
    ['DepthwiseConv2dNative', 'SAME', 2],
    ['DepthwiseConv2dNative', 'SAME', 1],
    ['FusedDepthwiseConv2dNative', 'VALID', 1],
    ['FusedDepthwiseConv2dNative', 'SAME', 2],
  ] as const) {
    it(`${op} ${padding} stride ${stride}`, async () => {
      const g = new TfGraphFixture();
      const x = g.placeholder('x', [-1, 9, 10, 4]);
      const inputs = [x, g.floats('w', [3, 3, 4, 2])];
      const attrs: Record<string, string | number | number[] | string[]> = { padding, strides: [1, stride, stride, 1], dilations: [1, 1, 1, 1], data_format: 'NHWC' };
      if (op === 'FusedDepthwiseConv2dNative') {
        inputs.push(g.floats('b', [8]));
        attrs['fused_ops'] = ['BiasAdd', 'Relu'];
        attrs['num_args'] = 1;
      }
      g.op('dw', op, inputs, attrs);
      await expectParity(g, NHWC, { y: 'dw' });
    });
  }

  it('AddV2, Relu, Prelu, Sigmoid, Mul, Sub, Abs, Maximum with NHWC-broadcast constants', async () => {
    const g = new TfGraphFixture();
    const x = g.placeholder('x', [-1, 9, 10, 4]);
    const c = g.op('c', 'Conv2D', [x, g.floats('w', [1, 1, 4, 4])], { padding: 'VALID', strides: [1, 1, 1, 1], dilations: [1, 1, 1, 1] });
    const a = g.op('add', 'AddV2', [c, g.floats('bias', [4])]);
    const r = g.op('relu', 'Relu', [a]);
    const p = g.op('prelu', 'Prelu', [g.op('sum', 'AddV2', [r, c]), g.floats('alpha', [1, 1, 4])]);
    const m = g.op('mul', 'Mul', [g.op('abs', 'Abs', [p]), g.floats('k', [4])]);
    const s = g.op('sub', 'Sub', [m, g.floats('scalar', [], [0.25])]);
    g.op('sig', 'Sigmoid', [g.op('max', 'Maximum', [s, g.floats('floor', [], [-0.1])])]);
    await expectParity(g, NHWC, { y: 'sig' });
  });

  it('MaxPool and AvgPool (VALID and SAME)', async () => {
    const g = new TfGraphFixture();
    const x = g.placeholder('x', [-1, 9, 10, 4]);
    g.op('mp', 'MaxPool', [x], { ksize: [1, 2, 2, 1], strides: [1, 2, 2, 1], padding: 'VALID', data_format: 'NHWC' });
    g.op('ap', 'AvgPool', [x], { ksize: [1, 3, 3, 1], strides: [1, 2, 2, 1], padding: 'SAME', data_format: 'NHWC' });
    g.op('mps', 'MaxPool', [x], { ksize: [1, 3, 3, 1], strides: [1, 2, 2, 1], padding: 'SAME', data_format: 'NHWC' });
    await expectParity(g, NHWC, { mp: 'mp', ap: 'ap', mps: 'mps' });
  });

  it('Pad (after a conv and on the raw input), ConcatV2 on channels and on width', async () => {
    const g = new TfGraphFixture();
    const x = g.placeholder('x', [-1, 9, 10, 4]);
    const p0 = g.op('pad0', 'Pad', [x, g.ints('pads0', [4, 2], [0, 0, 1, 0, 0, 2, 0, 0])]);
    const c = g.op('c', 'Conv2D', [p0, g.floats('w', [1, 1, 4, 3])], { padding: 'VALID', strides: [1, 1, 1, 1], dilations: [1, 1, 1, 1] });
    const p1 = g.op('pad1', 'Pad', [c, g.ints('pads1', [4, 2], [0, 0, 0, 0, 0, 0, 0, 5])]);
    const r = g.op('r', 'Relu', [p0]);
    g.op('cat', 'ConcatV2', [p1, g.op('c2', 'Conv2D', [r, g.floats('w2', [1, 1, 4, 8])], { padding: 'VALID', strides: [1, 1, 1, 1], dilations: [1, 1, 1, 1] }), g.ints('axis', [], [3])]);
    g.op('catw', 'ConcatV2', [c, r, g.ints('axis2', [], [-1])]);
    g.op('cath', 'ConcatV2', [c, c, g.ints('axis3', [], [2])]);
    await expectParity(g, NHWC, { cat: 'cat', catw: 'catw', cath: 'cath' });
  });

  it('ResizeBilinear (half-pixel, align-corners, asymmetric) and DepthToSpace', async () => {
    const g = new TfGraphFixture();
    const x = g.placeholder('x', [-1, 9, 10, 4]);
    const c = g.op('c', 'Conv2D', [x, g.floats('w', [1, 1, 4, 8])], { padding: 'VALID', strides: [1, 1, 1, 1], dilations: [1, 1, 1, 1] });
    g.op('rh', 'ResizeBilinear', [c, g.ints('s1', [2], [18, 20])], { half_pixel_centers: true, align_corners: false });
    g.op('ra', 'ResizeBilinear', [c, g.ints('s2', [2], [13, 7])], { half_pixel_centers: false, align_corners: true });
    g.op('rs', 'ResizeBilinear', [x, g.ints('s3', [2], [5, 16])], { half_pixel_centers: false, align_corners: false });
    g.op('d2s', 'DepthToSpace', [c], { block_size: 2, data_format: 'NHWC' });
    await expectParity(g, NHWC, { rh: 'rh', ra: 'ra', rs: 'rs', d2s: 'd2s' });
  });

  it('Shape → StridedSlice → Pack → Reshape (dynamic batch), Squeeze, Sum, Square, Rsqrt', async () => {
    const g = new TfGraphFixture();
    const x = g.placeholder('x', [-1, 9, 10, 4]);
    const c = g.op('c', 'Conv2D', [x, g.floats('w', [1, 1, 4, 6])], { padding: 'VALID', strides: [1, 1, 1, 1], dilations: [1, 1, 1, 1] });
    const shape = g.op('shape', 'Shape', [c], { out_type: { type: 'DT_INT32' } });
    const batch = g.op('batch', 'StridedSlice', [shape, g.ints('b0', [1], [0]), g.ints('e0', [1], [1]), g.ints('s0', [1], [1])], { begin_mask: 0, end_mask: 0, ellipsis_mask: 0, new_axis_mask: 0, shrink_axis_mask: 1 });
    const target = g.op('target', 'Pack', [batch, g.ints('n', [], [-1]), g.ints('k', [], [3])], { axis: 0, N: 3 });
    g.op('reshaped', 'Reshape', [c, target]);
    g.op('slice', 'StridedSlice', [x, g.ints('b1', [4], [0, 1, 0, 1]), g.ints('e1', [4], [0, 8, 10, 3]), g.ints('s1', [4], [1, 2, 3, 1])], { begin_mask: 1, end_mask: 5, ellipsis_mask: 0, new_axis_mask: 0, shrink_axis_mask: 0 });
    const pooled = g.op('pool', 'AvgPool', [c], { ksize: [1, 9, 10, 1], strides: [1, 1, 1, 1], padding: 'VALID', data_format: 'NHWC' });
    const sq = g.op('sq', 'Squeeze', [pooled], { squeeze_dims: [1, 2] });
    const ss = g.op('ss', 'Sum', [g.op('square', 'Square', [sq]), g.ints('axes', [], [-1])], { keep_dims: true });
    g.op('norm', 'Mul', [sq, g.op('rsqrt', 'Rsqrt', [ss])]);
    await expectParity(g, NHWC, { reshaped: 'reshaped', slice: 'slice', norm: 'norm' });
  });

  it('names the node and op it cannot convert', () => {
    const g = new TfGraphFixture();
    const x = g.placeholder('x', [-1, 4]);
    g.op('odd', 'Cumsum', [x]);
    const [json, shards] = g.build();
    expect(() => convertTfjsGraph(json, shards)).toThrow(DiffmacError);
    try {
      convertTfjsGraph(json, shards);
    } catch (e) {
      expect((e as DiffmacError).code).toBe('TFJS_GRAPH_UNSUPPORTED');
      expect((e as DiffmacError).message).toContain('odd');
      expect((e as DiffmacError).received).toBe('Cumsum');
    }
  });

  it('rejects a layers model, a manifest that disagrees with its bytes, and a truncated shard', () => {
    expect(() => convertTfjsGraph({ modelTopology: { class_name: 'Sequential' } }, [])).toThrow(expect.objectContaining({ code: 'TFJS_GRAPH_FORMAT' }));
    const g = new TfGraphFixture();
    g.op('r', 'Relu', [g.floats('w', [4, 4])]);
    const [json, [shard]] = g.build();
    expect(() => convertTfjsGraph(json, [shard!.subarray(0, 10)])).toThrow(expect.objectContaining({ code: 'TFJS_MANIFEST' }));
    expect(() => convertTfjsGraph(json, [new Uint8Array(100)])).toThrow(expect.objectContaining({ code: 'TFJS_MANIFEST' }));
  });
});
