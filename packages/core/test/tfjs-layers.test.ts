/**
 * The TFJS layers → ONNX converter against TFJS itself (CPU backend) on the real ESRGAN-medium
 * models core ships, and its typed errors.
 */
import { readFile } from 'node:fs/promises';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { convertTfjsLayers, createSession, esrganModelDir, ESRGAN_MEDIUM_SHA256 } from '@diffmac/core';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

async function load(scale: number): Promise<{ json: { modelTopology: unknown; weightsManifest: { weights: tf.io.WeightsManifestEntry[] }[] }; bin: Uint8Array }> {
  const dir = `${esrganModelDir()}/x${scale}`;
  return { json: JSON.parse(await readFile(`${dir}/model.json`, 'utf8')), bin: new Uint8Array(await readFile(`${dir}/group1-shard1of1.bin`)) };
}

describe('convertTfjsLayers', () => {
  it.each([2, 3, 4])('ESRGAN-medium ×%i: ONNX output equals TFJS (CPU) within 1e-5 of the 0–255 range', async (scale) => {
    const { json, bin } = await load(scale);
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({ modelTopology: json.modelTopology as object, weightSpecs: json.weightsManifest[0]!.weights, weightData: bin.slice().buffer }),
    );
    const H = 13;
    const W = 17;
    const nhwc = Float32Array.from({ length: H * W * 3 }, (_, i) => (Math.sin(i * 0.37) * 0.5 + 0.5) * 255);
    const ref = (model.predict(tf.tensor4d(nhwc, [1, H, W, 3])) as tf.Tensor).dataSync() as Float32Array;
    const converted = convertTfjsLayers(json, [bin]);
    expect(converted.layers).toMatchObject({ Conv2D: 28, UpSampling2D: 1 });
    const session = await createSession(converted.bytes);
    const nchw = new Float32Array(3 * H * W);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) for (let c = 0; c < 3; c++) nchw[(c * H + y) * W + x] = nhwc[(y * W + x) * 3 + c]!;
    const out = (await session.run({ input: { data: nchw, shape: [1, 3, H, W] } })).output!;
    expect(out.shape).toEqual([1, 3, H * scale, W * scale]);
    let maxDiff = 0;
    const OH = H * scale;
    const OW = W * scale;
    for (let y = 0; y < OH; y++) for (let x = 0; x < OW; x++) for (let c = 0; c < 3; c++) {
      maxDiff = Math.max(maxDiff, Math.abs(ref[(y * OW + x) * 3 + c]! - (out.data as Float32Array)[(c * OH + y) * OW + x]!));
    }
    expect(maxDiff / 255).toBeLessThan(1e-5);
    await session.dispose();
  }, 120_000);

  it('ships the files pinned by sha256', async () => {
    const { createHash } = await import('node:crypto');
    for (const [file, digest] of Object.entries(ESRGAN_MEDIUM_SHA256)) {
      expect(createHash('sha256').update(await readFile(`${esrganModelDir()}/${file}`)).digest('hex')).toBe(digest);
    }
  });

  it('names an unsupported layer, a missing weight and an unused one', async () => {
    const { json, bin } = await load(2);
    const topology = structuredClone(json.modelTopology) as { model_config: { config: { layers: { class_name: string; name: string }[] } } };
    topology.model_config.config.layers[3]!.class_name = 'BatchNormalization';
    expect(() => convertTfjsLayers({ ...json, modelTopology: topology }, [bin])).toThrow(expect.objectContaining({ code: 'TFJS_LAYER_UNSUPPORTED', received: 'BatchNormalization' }));

    const manifest = structuredClone(json.weightsManifest);
    manifest[0]!.weights[0]!.name = 'renamed/kernel';
    expect(() => convertTfjsLayers({ ...json, weightsManifest: manifest }, [bin])).toThrow(expect.objectContaining({ code: 'TFJS_WEIGHTS_MISMATCH' }));

    expect(() => convertTfjsLayers({ format: 'graph-model', modelTopology: {} }, [])).toThrow(expect.objectContaining({ code: 'TFJS_MODEL_FILES' }));
  });
});
