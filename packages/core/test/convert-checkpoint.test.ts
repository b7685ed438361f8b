/**
 * `convertCheckpoint` against PyTorch: full-size checkpoints with seeded random weights and the
 * official key names, written with the PyTorch outputs by fixtures/make-convert-fixtures.py
 * (Debian's python3-torch) at test time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertCheckpoint, createSession, DiffmacError } from '../src/index';
import { pythonFixture } from './python-fixture';

let dir: string;
let meta: Record<string, unknown>;
const bin = (name: string) => {
  const b = readFileSync(join(dir, name));
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

beforeAll(() => {
  dir = pythonFixture('make-convert-fixtures.py', 'convert', ['0']);
  meta = JSON.parse(readFileSync(join(dir, 'meta.json'), 'utf8')) as Record<string, unknown>;
}, 300_000);

/** Largest |a − b| over the largest |b|: a relative error for the whole tensor. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return diff / scale;
}

describe.each([
  ['lpips-alex', 'alexnet'],
  ['lpips-vgg', 'vgg16'],
] as const)('%s', (kind, file) => {
  it('gives the five LPIPS taps of the PyTorch trunk (ScalingLayer inside) within 1e-5', async () => {
    const events: string[] = [];
    const { bytes } = await convertCheckpoint(kind, [join(dir, `${file}.pth`)], { onProgress: (e) => events.push(e.type) });
    expect(events[0]).toBe('open');
    expect(events.at(-1)).toBe('serialise');
    const session = await createSession(bytes);
    try {
      expect(session.inputs.map((i) => i.name)).toEqual(['input']);
      const x = bin('lpips_input.bin');
      const out = await session.run({ input: { data: x, shape: meta['lpips_input.bin'] as number[] } });
      const shapes = meta[`${file}_taps`] as number[][];
      expect(session.outputs.length).toBe(5);
      const want = bin(`${file}_taps.bin`);
      let offset = 0;
      for (const [i, o] of session.outputs.entries()) {
        const got = out[o.name]!;
        expect(got.shape).toEqual(shapes[i]);
        const n = got.data.length;
        expect(relativeError(got.data as Float32Array, want.subarray(offset, offset + n))).toBeLessThan(1e-5);
        offset += n;
      }
    } finally {
      await session.dispose();
    }
  });
});

describe('arcface-resnet18', () => {
  it('gives the PyTorch embedding within 1e-4 relative and 1e-3° in angle', async () => {
    const { bytes } = await convertCheckpoint('arcface-resnet18', [join(dir, 'arcface_resnet18.pth')]);
    const session = await createSession(bytes);
    try {
      const out = await session.run({ input: { data: bin('arcface_input.bin'), shape: [2, 1, 128, 128] } });
      const got = out.embedding!.data as Float32Array;
      const want = bin('arcface_embedding.bin');
      expect(out.embedding!.shape).toEqual([2, 512]);
      for (let n = 0; n < 2; n++) {
        const a = got.subarray(n * 512, n * 512 + 512);
        const b = want.subarray(n * 512, n * 512 + 512);
        expect(relativeError(a, b)).toBeLessThan(1e-4);
        let dot = 0, na = 0, nb = 0;
        for (let i = 0; i < 512; i++) {
          dot += a[i]! * b[i]!;
          na += a[i]! ** 2;
          nb += b[i]! ** 2;
        }
        const degrees = (Math.acos(Math.min(1, dot / Math.sqrt(na * nb))) * 180) / Math.PI;
        expect(degrees).toBeLessThan(1e-3);
      }
    } finally {
      await session.dispose();
    }
  });

  it('names the key of a checkpoint that is not this architecture', async () => {
    const error = await convertCheckpoint('arcface-resnet18', [join(dir, 'alexnet.pth')]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(DiffmacError);
    expect(error).toMatchObject({ code: 'CHECKPOINT_TENSOR_NOT_FOUND', argument: 'conv1.weight' });
    const wrong = await convertCheckpoint('lpips-vgg', [join(dir, 'alexnet.pth')]).catch((e: unknown) => e);
    expect(wrong).toMatchObject({ code: 'CHECKPOINT_SHAPE_MISMATCH', argument: 'features.0.weight' });
  });
});
