/**
 * `convertCheckpoint('inception-fid')` against PyTorch: a full-size checkpoint in pytorch-fid's layout
 * (seeded random weights, torchvision key names, the 1008-way fc) and its pool3 features, written by
 * fixtures/make-inception-fixtures.py with Debian's python3-torch at test time.
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
  dir = pythonFixture('make-inception-fixtures.py', 'inception', ['0']);
}, 300_000);

describe('inception-fid', () => {
  it('gives pytorch-fid pool3 features within 1e-4 relative', async () => {
    const { bytes } = await convertCheckpoint('inception-fid', [join(dir, 'inception.pth')]);
    const session = await createSession(bytes);
    try {
      expect(session.outputs.map((o) => [o.name, o.shape])).toEqual([['pool3', ['N', 2048]]]);
      const out = await session.run({ input: { data: bin('input.bin'), shape: [2, 3, 299, 299] } });
      const got = out.pool3!.data as Float32Array;
      const want = bin('pool3.bin');
      let diff = 0;
      let scale = 0;
      for (let i = 0; i < want.length; i++) {
        diff = Math.max(diff, Math.abs(got[i]! - want[i]!));
        scale = Math.max(scale, Math.abs(want[i]!));
      }
      expect(diff / scale).toBeLessThan(1e-4);
    } finally {
      await session.dispose();
    }
  });
});
