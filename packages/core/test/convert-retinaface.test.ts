/**
 * `convertCheckpoint('retinaface-*')` against PyTorch: facexlib-layout checkpoints (full size, seeded
 * random weights, `module.` prefixed keys) and their outputs, written by
 * fixtures/make-retinaface-fixtures.py with Debian's python3-torch at test time.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertCheckpoint, createSession } from '../src/index';
import { pythonFixture } from './python-fixture';

let dir: string;
const bin = (name: string) => {
  const b = readFileSync(join(dir, name));
  return new Float32Array(b.buffer, b.byteOffset, b.byteLength / 4);
};

beforeAll(() => {
  dir = pythonFixture('make-retinaface-fixtures.py', 'retinaface', ['0']);
}, 300_000);

describe.each(['mobilenet0.25', 'resnet50'] as const)('retinaface-%s', (net) => {
  it('gives loc, conf and landmarks of the PyTorch module within 1e-4 (before decoding), on a non-square input', async () => {
    const { bytes } = await convertCheckpoint(`retinaface-${net}`, [join(dir, `${net}.pth`)]);
    const session = await createSession(bytes);
    try {
      const out = await session.run({ input: { data: bin('input.bin'), shape: [1, 3, 100, 140] } });
      for (const name of ['loc', 'conf', 'landmarks'] as const) {
        const want = bin(`${net}_${name}.bin`);
        const got = out[name]!.data as Float32Array;
        expect(out[name]!.shape).toEqual([1, 634, name === 'loc' ? 4 : name === 'conf' ? 2 : 10]);
        // Largest difference over the tensor's scale (at least 1): float32 sums through 50 layers.
        let worst = 0;
        let scale = 1;
        for (let i = 0; i < want.length; i++) {
          worst = Math.max(worst, Math.abs(got[i]! - want[i]!));
          scale = Math.max(scale, Math.abs(want[i]!));
        }
        expect(worst / scale, name).toBeLessThan(1e-4);
      }
    } finally {
      await session.dispose();
    }
  });
});
