import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { DiffmacError, findStateDict, float16ToFloat32, float32ToFloat16, openCheckpoint, readCheckpoint, type PytorchCheckpoint } from '../src/index';
import { pythonFixture } from './python-fixture';

interface Expected {
  order: string[];
  tensors: Record<string, { dtype: string; shape: number[]; strides: number[]; offset: number; values: (number | string)[] }>;
}

let dir = '';
let expected: Expected;

beforeAll(() => {
  dir = pythonFixture('make-checkpoints.py', 'checkpoints');
  expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as Expected;
});

function codeOf(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    if (e instanceof DiffmacError) return `${e.code}: ${e.received}`;
    throw e;
  }
  return 'no error';
}

function checkAll(ckpt: PytorchCheckpoint): void {
  const listed = ckpt.tensors();
  expect(listed.map((t) => t.name)).toEqual(expected.order);
  for (const info of listed) {
    const want = expected.tensors[info.name]!;
    expect(info.dtype, info.name).toBe(want.dtype);
    expect([...info.shape], info.name).toEqual(want.shape);
    expect([...info.strides], info.name).toEqual(want.strides);
    expect(info.offset, info.name).toBe(want.offset);
    const t = ckpt.load(info.name);
    expect([...t.shape]).toEqual(want.shape);
    const values = t.data instanceof BigInt64Array ? [...t.data].map(String) : t.dtype === 'float16' ? [...float16ToFloat32(t.data as Uint16Array)] : [...(t.data as Float32Array)];
    if (info.dtype === 'float32' || info.dtype === 'bfloat16') expect(values, info.name).toEqual(want.values.map((v) => Math.fround(v as number)));
    else expect(values, info.name).toEqual(want.values);
  }
}

describe('PyTorch checkpoint reader', () => {
  it('reads every tensor of a zip-format torch.save exactly (views, shared storages, fp16, int64, numpy)', async () => {
    const ckpt = await openCheckpoint(join(dir, 'zip.pth'));
    expect(ckpt.format).toBe('zip');
    checkAll(ckpt);
    ckpt.close();
  });

  it('reads the legacy (non-zip) format to the same tensors', async () => {
    const ckpt = await openCheckpoint(join(dir, 'legacy.pth'));
    expect(ckpt.format).toBe('legacy');
    checkAll(ckpt);
    ckpt.close();
  });

  it('honours a big byteorder record', () => {
    const ckpt = readCheckpoint(new Uint8Array(readFileSync(join(dir, 'big.pth'))));
    checkAll(ckpt);
  });

  it('keeps plain values and OrderedDict order in the tree, and finds params_ema first', async () => {
    const ckpt = await openCheckpoint(join(dir, 'zip.pth'));
    const root = ckpt.root as Map<string, unknown>;
    expect(root.get('iter')).toBe(5);
    expect(root.get('name')).toBe('net');
    expect(root.get('np_scalar')).toBe(0.25);
    expect(root.get('list')).toEqual([1, 2.5, null, true, [3, 'x']]);
    const sd = findStateDict(ckpt);
    expect([...sd.keys()][0]).toBe('conv.weight');
    expect(sd.get('half')?.dtype).toBe('float16');
    expect(findStateDict(ckpt, ['params']).get('w')?.shape).toEqual([2, 3]);
    ckpt.close();
  });

  it('converts to float32 on request and shares one storage between views', async () => {
    const ckpt = await openCheckpoint(join(dir, 'legacy.pth'));
    const half = ckpt.load('params_ema.half', { as: 'float32' });
    expect(half.dtype).toBe('float32');
    expect([...(half.data as Float32Array)]).toEqual(expected.tensors['params_ema.half']!.values);
    const a = ckpt.tensors().find((t) => t.name === 'params_ema.shared_a')!;
    const b = ckpt.tensors().find((t) => t.name === 'params_ema.shared_b')!;
    expect(a.storage).toBe(b.storage);
    expect(a.contiguous).toBe(true);
    expect(ckpt.tensors().find((t) => t.name === 'params_ema.transposed')!.contiguous).toBe(false);
    expect(codeOf(() => ckpt.load('nope'))).toMatch(/^CHECKPOINT_TENSOR_NOT_FOUND/);
    ckpt.close();
    expect(codeOf(() => ckpt.load('params_ema.half'))).toMatch(/^CHECKPOINT_CLOSED/);
  });

  it('refuses a pickle naming any other global, naming it, and runs nothing', async () => {
    await expect(openCheckpoint(join(dir, 'evil.pth'))).rejects.toMatchObject({ code: 'CHECKPOINT_FORBIDDEN_GLOBAL', received: 'posix.system' });
    expect(existsSync('/tmp/diffmac-pwned')).toBe(false);
  });

  it('refuses object-building opcodes and reports corrupt input as typed errors', async () => {
    const inst = new Uint8Array([0x80, 0x02, 0x28, ...new TextEncoder().encode('ios\nsystem\n'), 0x2e]);
    expect(codeOf(() => readCheckpoint(inst))).toBe('CHECKPOINT_FORBIDDEN_OPCODE: INST');
    const newobj = new Uint8Array([0x80, 0x02, 0x29, 0x29, 0x81, 0x2e]);
    expect(codeOf(() => readCheckpoint(newobj))).toBe('CHECKPOINT_FORBIDDEN_OPCODE: NEWOBJ');
    expect(codeOf(() => readCheckpoint(new Uint8Array([1, 2, 3])))).toMatch(/^CHECKPOINT_INVALID/);
    expect(codeOf(() => readCheckpoint(new Uint8Array()))).toMatch(/^CHECKPOINT_INVALID/);
    await expect(openCheckpoint(join(dir, 'missing.pth'))).rejects.toMatchObject({ code: 'CHECKPOINT_NOT_FOUND' });
    const zip = new Uint8Array(readFileSync(join(dir, 'zip.pth')));
    for (const cut of [100, zip.length / 2, zip.length - 30]) {
      expect(codeOf(() => readCheckpoint(zip.subarray(0, Math.floor(cut))))).toMatch(/^(CHECKPOINT|ZIP)_INVALID/);
    }
    const legacy = new Uint8Array(readFileSync(join(dir, 'legacy.pth')));
    expect(codeOf(() => readCheckpoint(legacy.subarray(0, legacy.length - 10)))).toMatch(/^CHECKPOINT_INVALID/);
    for (let i = 0; i < 120; i++) {
      const bad = legacy.slice();
      const at = (i * 7919) % 600;
      bad[at] = (bad[at]! + 1 + i) & 0xff;
      const code = codeOf(() => {
        const c = readCheckpoint(bad);
        for (const t of c.tensors()) c.load(t.name);
      });
      expect(code).toMatch(/^(no error|CHECKPOINT_[A-Z_]+|ZIP_INVALID)/);
    }
  });

  it('converts float16 bit-exactly both ways', () => {
    const values = new Float32Array([0, -0, 1, -2, 65504, 70000, 1e-8, 5.960464477539063e-8, 0.1, Number.NaN, Number.POSITIVE_INFINITY, 1.00048828125, 1.000732421875]);
    const bits = float32ToFloat16(values);
    expect([...bits].map((b) => b.toString(16))).toEqual(['0', '8000', '3c00', 'c000', '7bff', '7c00', '0', '1', '2e66', '7e00', '7c00', '3c00', '3c01'].map((h) => h));
    expect([...float16ToFloat32(bits)].slice(0, 5)).toEqual([0, -0, 1, -2, 65504]);
  });
});
