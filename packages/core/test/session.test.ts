import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiffmacError, OnnxGraphBuilder, createSession, executionProvidersFor, inferenceDevices, type ModelSession } from '../src/index';

/** y = x * scale + t (t broadcast), plus a second output s = Sqrt(x) that is NaN for negatives. */
function model(): Uint8Array {
  const b = new OnnxGraphBuilder();
  const x = b.input('x', 'float32', ['batch', 2, 'n']);
  const t = b.input('t', 'int64', [1]);
  const scale = b.initializer('scale', new Float32Array([3]), []);
  const [tf] = b.node('Cast', [t], [b.uniqueName('tf')], { to: 1 });
  const [xs] = b.node('Mul', [x, scale], [b.uniqueName('xs')]);
  b.node('Add', [xs!, tf!], ['y']);
  b.node('Sqrt', [x], ['s']);
  b.output('y', 'float32', ['batch', 2, 'n']);
  b.output('s', 'float32', ['batch', 2, 'n']);
  return b.toBytes();
}

async function codeOf(p: Promise<unknown> | (() => unknown)): Promise<string> {
  try {
    await (typeof p === 'function' ? p() : p);
  } catch (e) {
    expect(e).toBeInstanceOf(DiffmacError);
    return (e as DiffmacError).code;
  }
  throw new Error('expected a DiffmacError');
}

describe('createSession', () => {
  let dir: string;
  let session: ModelSession;
  const x = { data: new Float32Array([1, 4, 9, 16]), shape: [1, 2, 2] };
  const t = { data: new BigInt64Array([2n]), shape: [1] };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'diffmac-session-'));
    await writeFile(join(dir, 'model.onnx'), model());
    session = await createSession(join(dir, 'model.onnx'), { threads: 1, graphOptimization: 'basic' });
  });
  afterAll(async () => {
    await session.dispose();
    await rm(dir, { recursive: true, force: true });
  });

  it('introspects names, dtypes and symbolic dims', () => {
    expect(session.inputs).toEqual([
      { name: 'x', dtype: 'float32', shape: ['batch', 2, 'n'] },
      { name: 't', dtype: 'int64', shape: [1] },
    ]);
    expect(session.outputs.map((o) => o.name)).toEqual(['y', 's']);
    expect(session.device).toBe('cpu');
    expect(session.executionProviders).toEqual(['cpu']);
  });

  it('runs and returns plain tensors; fetches a subset of outputs', async () => {
    const out = await session.run({ x, t });
    expect(Array.from(out.y!.data as Float32Array)).toEqual([5, 14, 29, 50]);
    expect(out.y!.shape).toEqual([1, 2, 2]);
    expect(out.y!.dtype).toBe('float32');
    expect(Array.from(out.s!.data as Float32Array)).toEqual([1, 2, 3, 4]);
    const only = await session.run({ x, t }, { outputs: ['s'] });
    expect(Object.keys(only)).toEqual(['s']);
    expect(await codeOf(session.run({ x, t }, { outputs: ['nope'] }))).toBe('SESSION_UNKNOWN_OUTPUT');
  });

  it('validates feeds with typed errors naming the tensor', async () => {
    expect(await codeOf(session.run({ x }))).toBe('SESSION_MISSING_INPUT');
    expect(await codeOf(session.run({ x, t, extra: t }))).toBe('SESSION_UNKNOWN_INPUT');
    expect(await codeOf(session.run({ x, t: { data: new Int32Array([2]), shape: [1] } }))).toBe('SESSION_INPUT_DTYPE');
    expect(await codeOf(session.run({ x, t: { data: new Float32Array([2]), shape: [1], dtype: 'int64' } }))).toBe('SESSION_INPUT_DTYPE');
    expect(await codeOf(session.run({ x: { data: new Float32Array(4), shape: [2, 2] }, t }))).toBe('SESSION_INPUT_SHAPE');
    expect(await codeOf(session.run({ x: { data: new Float32Array(4), shape: [1, 4, 1] }, t }))).toBe('SESSION_INPUT_SHAPE');
    expect(await codeOf(session.run({ x: { data: new Float32Array(3), shape: [1, 2, 2] }, t }))).toBe('SESSION_INPUT_SHAPE');
    try {
      await session.run({ x, t: { data: new BigInt64Array(2), shape: [2] } });
    } catch (e) {
      expect((e as DiffmacError).argument).toBe('t');
      expect((e as DiffmacError).message).toContain('model.onnx');
    }
  });

  it('checks outputs for NaN/Inf when asked, per session or per run', async () => {
    const neg = { data: new Float32Array([1, -4, 9, 16]), shape: [1, 2, 2] };
    const out = await session.run({ x: neg, t });
    expect(Number.isNaN((out.s!.data as Float32Array)[1])).toBe(true);
    expect(await codeOf(session.run({ x: neg, t }, { checkFinite: true }))).toBe('MODEL_OUTPUT_NOT_FINITE');
    const checked = await createSession(model(), { checkFinite: true, name: 'sqrt-model' });
    try {
      await checked.run({ x: neg, t });
      expect.unreachable();
    } catch (e) {
      expect((e as DiffmacError).code).toBe('MODEL_OUTPUT_NOT_FINITE');
      expect((e as DiffmacError).argument).toBe('s');
      expect((e as DiffmacError).message).toContain('sqrt-model');
    }
    await checked.dispose();
  });

  it('rejects aborted runs and runs after dispose', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(session.run({ x, t }, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    const s = await createSession(model());
    await s.dispose();
    expect(await codeOf(s.run({ x, t }))).toBe('SESSION_DISPOSED');
  });

  it('maps devices through one table and lists the valid ones for an unknown device', async () => {
    expect(executionProvidersFor('cuda')).toEqual(['cuda', 'cpu']);
    expect(inferenceDevices).toContain('coreml');
    try {
      await createSession(model(), { device: 'tpu' });
      expect.unreachable();
    } catch (e) {
      expect((e as DiffmacError).code).toBe('UNKNOWN_DEVICE');
      for (const d of inferenceDevices) expect((e as DiffmacError).message).toContain(d);
    }
  });

  it('refuses a known device whose execution provider this build lacks, listing the available ones', async () => {
    const backends = ort.listSupportedBackends().map((b) => b.name);
    const absent = inferenceDevices.find((d) => !backends.includes(executionProvidersFor(d)[0]!));
    if (absent === undefined) return; // every provider is built in on this platform
    const e = await createSession(model(), { device: absent }).catch((error: DiffmacError) => error);
    expect((e as DiffmacError).code).toBe('DEVICE_UNAVAILABLE');
    expect((e as DiffmacError).message).toContain('cpu');
  });

  it('accepts any rank for an undeclared shape and never binds unnamed dimensions across inputs', async () => {
    const b = new OnnxGraphBuilder();
    const a = b.input('a', 'float32', ['n']);
    const c = b.input('c', 'float32', ['n']);
    b.node('Relu', [a], ['ra']);
    b.node('Relu', [c], ['rc']);
    b.output('ra', 'float32', ['n']);
    b.output('rc', 'float32', ['n']);
    const proto = b.toModelProto();
    const [ia, ic] = proto.graph!.input!;
    ia!.type!.tensorType!.shape = null; // no shape at all: unknown rank
    ic!.type!.tensorType!.shape = { dim: [{}] }; // one dimension with neither size nor name
    const { onnx } = await import('../src/onnx/proto');
    const s = await createSession(onnx.ModelProto.encode(proto).finish());
    const ua = s.inputs.find((i) => i.name === 'a')!;
    expect(ua.unknownRank).toBe(true);
    expect(s.inputs.find((i) => i.name === 'c')!.shape[0]).toMatch(/^unk_/);
    const out = await s.run({ a: { data: new Float32Array([-1, 2, 3, -4]), shape: [2, 2] }, c: { data: new Float32Array([-5, 6, 7]), shape: [3] } });
    expect(Array.from(out.ra!.data as Float32Array)).toEqual([0, 2, 3, 0]);
    expect(out.rc!.shape).toEqual([3]);
    await s.dispose();
  });

  it('names missing and corrupt model files, and bad options', async () => {
    expect(await codeOf(createSession(join(dir, 'absent.onnx')))).toBe('MODEL_FILE_MISSING');
    await writeFile(join(dir, 'bad.onnx'), new Uint8Array([1, 2, 3, 4, 5, 6, 7]));
    const err = await createSession(join(dir, 'bad.onnx')).catch((e: DiffmacError) => e);
    expect((err as DiffmacError).code).toBe('ONNX_CORRUPT');
    expect((err as DiffmacError).message).toContain('bad.onnx');
    expect(await codeOf(createSession(model(), { threads: 0 }))).toBe('INVALID_ARGUMENT');
    expect(await codeOf(createSession(model(), { graphOptimization: 'max' as never }))).toBe('INVALID_ARGUMENT');
  });
});
