import { describe, expect, it } from 'vitest';
import { DiffmacError, OnnxGraphBuilder, createSession, onnxAttr, readOnnxSignature } from '../src/index';
import { onnx } from '../src/onnx/proto';

function linear(): Uint8Array {
  const b = new OnnxGraphBuilder({ metadata: { role: 'test' } });
  const x = b.input('x', 'float32', ['batch', 3]);
  const w = b.initializer('w', new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2]);
  const [m] = b.node('MatMul', [x, w], [b.uniqueName('m')]);
  b.node('LeakyRelu', [m!], ['y'], { alpha: onnxAttr.float(0.5) });
  b.output('y', 'float32', ['batch', 2]);
  return b.toBytes();
}

describe('OnnxGraphBuilder', () => {
  it('writes a model onnxruntime runs with the expected maths', async () => {
    const session = await createSession(linear());
    const { y } = await session.run({ x: { data: new Float32Array([1, 0, -1, 0, 1, 0]), shape: [2, 3] } });
    // [1,0,-1]·w = [-4,-4] → leaky 0.5 → [-2,-2]; [0,1,0]·w = [3,4]
    expect(Array.from(y!.data as Float32Array)).toEqual([-2, -2, 3, 4]);
    expect(y!.shape).toEqual([2, 2]);
    await session.dispose();
  });

  it('defaults to opset 13 / IR 7 and round-trips signatures, symbolic dims and metadata', () => {
    const sig = readOnnxSignature(linear());
    expect(sig.irVersion).toBe(7);
    expect(sig.opsets['']).toBe(13);
    expect(sig.metadata).toEqual({ role: 'test' });
    expect(sig.inputs).toEqual([{ name: 'x', dtype: 'float32', shape: ['batch', 3] }]);
    expect(sig.outputs).toEqual([{ name: 'y', dtype: 'float32', shape: ['batch', 2] }]);
  });

  it('encodes every attribute kind with the right ONNX type', () => {
    const b = new OnnxGraphBuilder();
    const x = b.input('x', 'float32', [1]);
    b.node('Custom', [x], ['y'], {
      i: 3,
      big: 5n,
      f: 0.25,
      forced: onnxAttr.float(1),
      s: 'nearest',
      is: [1, -1, 2],
      fs: [0.5, 1.5],
      ss: ['a', 'b'],
      t: { data: new BigInt64Array([7n, 8n]), dims: [2] },
      skipped: undefined,
    }, { domain: 'ai.diffmac.test' });
    b.output('y', 'float32', [1]);
    const model = onnx.ModelProto.decode(b.toBytes());
    const node = model.graph!.node![0]!;
    const T = onnx.AttributeProto.AttributeType;
    const byName = Object.fromEntries(node.attribute!.map((a) => [a.name, a]));
    expect(Object.keys(byName).sort()).toEqual(['big', 'f', 'forced', 'fs', 'i', 'is', 's', 'ss', 't']);
    expect(byName.i!.type).toBe(T.INT);
    expect(Number(byName.big!.i)).toBe(5);
    expect(byName.f!.type).toBe(T.FLOAT);
    expect(byName.forced!.type).toBe(T.FLOAT);
    expect(byName.forced!.f).toBe(1);
    expect(new TextDecoder().decode(byName.s!.s!)).toBe('nearest');
    expect(byName.is!.ints!.map(Number)).toEqual([1, -1, 2]);
    expect(byName.fs!.floats).toEqual([0.5, 1.5]);
    expect(byName.ss!.strings!.map((s: Uint8Array) => new TextDecoder().decode(s))).toEqual(['a', 'b']);
    expect(byName.t!.type).toBe(T.TENSOR);
    expect(byName.t!.t!.dataType).toBe(7);
    expect(model.opsetImport!.map((o) => o.domain)).toEqual(['', 'ai.diffmac.test']);
  });

  it('stores int64 and uint8-quantised initialisers that run', async () => {
    const b = new OnnxGraphBuilder();
    const x = b.input('x', 'float32', [4]);
    const weights = new Float32Array([-1, 0, 0.5, 2]);
    const q = b.quantizedInitializer('q', weights, [4]);
    const shape = b.initializer('shape', new BigInt64Array([2n, 2n]), [2]);
    const [sum] = b.node('Add', [x, q], [b.uniqueName('sum')]);
    b.node('Reshape', [sum!, shape], ['y']);
    b.output('y', 'float32', [2, 2]);
    const bytes = b.toBytes();
    const model = onnx.ModelProto.decode(bytes);
    expect(model.graph!.initializer!.find((t) => (t.name ?? '').startsWith('q_quantized'))!.dataType).toBe(2);
    const session = await createSession(bytes);
    const { y } = await session.run({ x: { data: new Float32Array(4), shape: [4] } });
    expect(y!.shape).toEqual([2, 2]);
    const step = 3 / 255;
    Array.from(y!.data as Float32Array).forEach((v, i) => expect(Math.abs(v - weights[i]!)).toBeLessThanOrEqual(step / 2 + 1e-6));
    await session.dispose();
  });

  it('op() and constant() name outputs, nodes and constants freshly and run', async () => {
    const b = new OnnxGraphBuilder();
    const x = b.input('x', 'float32', [2]);
    const two = b.constant('k', new Float32Array([2, 2]), [2]);
    const three = b.constant('k', new Float32Array([3, 3]), [2]);
    expect([two, three]).toEqual(['k', 'k_1']);
    const m = b.op('Mul', [x, two]);
    const a = b.op('Add', [m, three], {}, { output: 'shifted' });
    const y = b.op('Relu', [a], {}, { output: 'mul' });
    expect([m, a, y]).toEqual(['mul', 'shifted', 'mul_1']);
    b.output(y, 'float32', [2]);
    const nodes = b.toModelProto().graph!.node!;
    expect(nodes.map((n) => n.name)).toEqual(['mul_node', 'shifted_node', 'mul_node_1']);
    expect(() => b.op('Relu', ['nothing'])).toThrow(DiffmacError);
    const session = await createSession(b.toBytes());
    const out = await session.run({ x: { data: new Float32Array([1, -4]), shape: [2] } });
    expect(Array.from(out[y]!.data as Float32Array)).toEqual([5, 0]);
    await session.dispose();
  });

  it('hands out unique names and refuses duplicates, undefined values and unproduced outputs', () => {
    const b = new OnnxGraphBuilder();
    expect(b.uniqueName('h')).toBe('h');
    expect(b.uniqueName('h')).toBe('h_1');
    const x = b.input('x', 'float32', [1]);
    expect(() => b.input('x', 'float32', [1])).toThrow(DiffmacError);
    expect(() => b.node('Relu', ['nope'], ['y'])).toThrow(/nope/);
    b.node('Relu', [x], ['y']);
    expect(() => b.node('Relu', [x], ['y'])).toThrow(/produced twice/);
    b.output('z', 'float32', [1]);
    try {
      b.toBytes();
      expect.unreachable();
    } catch (e) {
      expect((e as DiffmacError).code).toBe('ONNX_BUILDER_UNKNOWN_VALUE');
    }
    expect(() => b.initializer('w', new Float32Array(3), [2, 2])).toThrow(/4 values/);
    expect(() => b.node('Relu', [x], ['a'], { bad: {} as never })).toThrow(DiffmacError);
  });

  it('reports corrupt bytes as ONNX_CORRUPT naming the source', () => {
    try {
      readOnnxSignature(new Uint8Array([0xff, 0xff, 0xff, 0x01, 0x02]), 'unet/model.onnx');
      expect.unreachable();
    } catch (e) {
      expect((e as DiffmacError).code).toBe('ONNX_CORRUPT');
      expect((e as DiffmacError).message).toContain('unet/model.onnx');
    }
  });
});

describe('readOnnxSignatureFile (weights skipped on disk)', () => {
  it('agrees with the full decode for every tiny role, big initialisers and initialisers listed as inputs', async () => {
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { readOnnxSignatureFile } = await import('../src/index');
    const { buildTinyModel, tinyModelRoles } = await import('../src/testing');
    const dir = await mkdtemp(join(tmpdir(), 'diffmac-sigfile-'));
    try {
      for (const role of tinyModelRoles) {
        const { bytes } = buildTinyModel(role, { seed: 2, quantize: role === 'mib' });
        const path = join(dir, `${role}.onnx`);
        await writeFile(path, bytes);
        expect(await readOnnxSignatureFile(path)).toEqual(readOnnxSignature(bytes));
      }
      // A 1 MB initialiser (crosses the scanner's read window) that is also listed as a graph input (IR 3 style).
      const b = new OnnxGraphBuilder({ irVersion: 3, metadata: { k: 'v' } });
      const x = b.input('x', 'float32', ['n', 512]);
      const w = b.initializer('w', new Float32Array(512 * 512), [512, 512]);
      b.node('MatMul', [x, w], ['y']);
      b.output('y', 'float32', ['n', 512]);
      const model = b.toModelProto();
      model.graph!.input!.push(onnx.ValueInfoProto.create({ name: 'w', type: { tensorType: { elemType: 1, shape: { dim: [{ dimValue: 512 }, { dimValue: 512 }] } } } }));
      const bytes = onnx.ModelProto.encode(model).finish();
      await writeFile(join(dir, 'big.onnx'), bytes);
      const sig = await readOnnxSignatureFile(join(dir, 'big.onnx'));
      expect(sig).toEqual(readOnnxSignature(bytes));
      expect(sig.inputs.map((i) => i.name)).toEqual(['x']);
      expect(sig.metadata).toEqual({ k: 'v' });
      // Truncated and garbage files are ONNX_CORRUPT naming the file.
      await writeFile(join(dir, 'cut.onnx'), bytes.subarray(0, 5000));
      await expect(readOnnxSignatureFile(join(dir, 'cut.onnx'))).rejects.toMatchObject({ code: 'ONNX_CORRUPT' });
      await writeFile(join(dir, 'junk.onnx'), new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]));
      await expect(readOnnxSignatureFile(join(dir, 'junk.onnx'), 'junk')).rejects.toThrow(/junk/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
