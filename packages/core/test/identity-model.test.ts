import { describe, expect, it } from 'vitest';
import { createRng, createSession, DiffmacError, OnnxGraphBuilder } from '../src/index';
import { identityContract, identityFunction } from '../src/pipeline/identity-model';

/** An "identity model" whose embedding is each channel's mean: [N, C, S, S] → [N, C]. */
function meanModel(inputName: string, channels: number, size: number): Uint8Array {
  const b = new OnnxGraphBuilder({ name: 'mean-embedder' });
  b.input(inputName, 'float32', ['N', channels, size, size]);
  b.node('Flatten', [b.op('GlobalAveragePool', [inputName])], ['embedding'], { axis: 1 });
  b.output('embedding', 'float32', ['N', channels]);
  return b.toBytes();
}

describe('identity models in a pipeline', () => {
  it('feeds a grey [N,1,128,128] model (the BFR papers’ ArcFace) the luma of the RGB face, libpng weights', async () => {
    const session = await createSession(meanModel('input', 1, 128));
    try {
      const face = new Float32Array(2 * 3 * 128 * 128);
      createRng(5).normal(face);
      const e = await identityFunction(session)({ data: face, shape: [2, 3, 128, 128] }, {});
      expect(e.shape).toEqual([2, 1]);
      const plane = 128 * 128;
      for (let n = 0; n < 2; n++) {
        let sum = 0;
        for (let i = 0; i < plane; i++) sum += (9797 * face[n * 3 * plane + i]! + 19234 * face[n * 3 * plane + plane + i]! + 3737 * face[n * 3 * plane + 2 * plane + i]!) / 32768;
        expect(e.data[n]).toBeCloseTo(sum / plane, 5);
      }
    } finally {
      await session.dispose();
    }
  });

  it('feeds an insightface [N,3,112,112] model the RGB face resized to 112²', async () => {
    const session = await createSession(meanModel('input.1', 3, 112));
    try {
      expect(identityContract(session)).toMatchObject({ input: 'input.1', channels: 3, height: 112, width: 112 });
      const e = await identityFunction(session)({ data: new Float32Array(3 * 64 * 64).fill(0.5), shape: [1, 3, 64, 64] }, {});
      expect(Array.from(e.data)).toEqual([0.5, 0.5, 0.5]);
    } finally {
      await session.dispose();
    }
  });

  it('refuses any other contract with IDENTITY_MODEL_SIGNATURE naming the component', () => {
    const sig = (c: number) => ({ inputs: [{ name: 'x', dtype: 'float32' as const, shape: ['N', c, 64, 64] }], outputs: [{ name: 'y', dtype: 'float32' as const, shape: ['N', 8] }] });
    expect(() => identityContract(sig(2), 'identity')).toThrow(DiffmacError);
    expect(() => identityContract(sig(2), 'identity')).toThrow(expect.objectContaining({ code: 'IDENTITY_MODEL_SIGNATURE', argument: 'identity' }));
    expect(identityContract(sig(1)).height).toBe(64);
  });
});
