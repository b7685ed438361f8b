/**
 * Optimum ≥ 1.23 exports the VAE encoder's posterior as `latent_parameters` (mean and log-variance,
 * 2C channels) instead of `latent_sample`. `bundle init` writes a manifest its own `bundle check`
 * accepts, and `restore` runs on it (the mean is used).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxGraphBuilder } from '@diffmac/core';
import { cli } from './helpers';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'diffmac-optimum-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A VAE encoder with Optimum 1.23's contract: sample [N, 3, H, W] → latent_parameters [N, 2C, H/8, W/8]. */
function latentParametersEncoder(latentChannels: number): Uint8Array {
  const b = new OnnxGraphBuilder({ name: 'vae_encoder' });
  b.input('sample', 'float32', ['batch', 3, 'height', 'width']);
  const pooled = b.op('AveragePool', ['sample'], { kernel_shape: [8, 8], strides: [8, 8] });
  const c = 2 * latentChannels;
  const w = new Float32Array(c * 3).map((_, i) => ((i % 7) - 3) * 0.1);
  const conv = b.op('Conv', [pooled, b.constant('w', w, [c, 3, 1, 1]), b.constant('b', new Float32Array(c), [c])], { kernel_shape: [1, 1] });
  b.node('Identity', [conv], ['latent_parameters']);
  b.output('latent_parameters', 'float32', ['batch', c, 'height_8', 'width_8']);
  return b.toBytes();
}

describe('an Optimum 1.23+ VAE encoder (latent_parameters)', () => {
  it('bundle init → bundle check → restore', async () => {
    const bundle = path.join(dir, 'sd');
    expect((await cli(['bundle', 'make-tiny', bundle, '--seed', '2'])).code).toBe(0);
    await writeFile(path.join(bundle, 'vae_encoder', 'model.onnx'), latentParametersEncoder(4));
    await rm(path.join(bundle, 'diffmac.json'));
    const init = await cli(['bundle', 'init', bundle, '--resolution', '64']);
    expect(init.code, init.stderr).toBe(0);
    const check = await cli(['bundle', 'check', bundle]);
    expect(check.code, check.stderr).toBe(0);
    const face = path.join(dir, 'face.png');
    await sharp(new URL('../assets/mini-set/astronaut.jpg', import.meta.url).pathname).resize(64, 64).png().toFile(face);
    const r = await cli(['restore', face, '-o', path.join(dir, 'out'), '--model', bundle, '--aligned', '--stage1-steps', '2', '--steps', '2']);
    expect(r.code, r.stderr).toBe(0);
  }, 120_000);
});
