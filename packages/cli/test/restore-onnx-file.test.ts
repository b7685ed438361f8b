/**
 * `diffmac restore --model <file.onnx>`: a one-pass restorer as facefusion ships it (one ONNX file of
 * any name, no diffmac.json) restores faces directly; a file that is not a restorer is refused
 * with a typed error before any inference.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OnnxGraphBuilder, readImage } from '@diffmac/core';
import { cli } from './helpers';

const astronaut = new URL('../assets/mini-set/astronaut.jpg', import.meta.url).pathname;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'diffmac-onnx-file-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('restore --model <file.onnx>', () => {
  it('restores an aligned face with a lone restorer file named like facefusion’s, writing nothing beside it', async () => {
    expect((await cli(['bundle', 'make-tiny', path.join(dir, 'tiny'), '--kind', 'restorer', '--json'])).code).toBe(0);
    await mkdir(path.join(dir, 'facefusion'));
    const model = path.join(dir, 'facefusion', 'gfpgan_1.4.onnx');
    await copyFile(path.join(dir, 'tiny', 'model.onnx'), model);
    const face = path.join(dir, 'face.png');
    await sharp(astronaut).resize(128, 128).png().toFile(face);
    const r = await cli(['restore', face, '-o', path.join(dir, 'out'), '--model', model, '--aligned', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const [summary] = JSON.parse(r.stdout);
    expect(summary.model.root).toBe(path.join(dir, 'facefusion'));
    expect((await readImage(path.join(dir, 'out', 'face.png'))).width).toBe(128);
    expect(await readdir(path.join(dir, 'facefusion'))).toEqual(['gfpgan_1.4.onnx']);

    const init = await cli(['bundle', 'init', path.join(dir, 'facefusion'), '--json']);
    expect(init.code, init.stderr).toBe(0);
    expect(JSON.stringify(JSON.parse(init.stdout))).toContain('gfpgan_1.4.onnx');
  }, 120_000);

  it("runs facefusion's codeformer.onnx contract: input [1, 3, 512, 512] and weight float64 [1], fidelity fed", async () => {
    // A stand-in with the exact I/O contract: output = input · (1 − 0.5·weight), so the fidelity value shows in the pixels.
    const b = new OnnxGraphBuilder({ name: 'codeformer-contract' });
    b.input('input', 'float32', [1, 3, 512, 512]);
    b.input('weight', 'float64', [1]);
    const w = b.op('Cast', ['weight'], { to: 1 });
    const scale = b.op('Sub', [b.constant('one', new Float32Array([1]), [1]), b.op('Mul', [w, b.constant('half', new Float32Array([0.5]), [1])])]);
    b.node('Mul', ['input', scale], ['output']);
    b.output('output', 'float32', [1, 3, 512, 512]);
    const model = path.join(dir, 'codeformer.onnx');
    await writeFile(model, b.toBytes());
    const face = path.join(dir, 'face512.png');
    await sharp(astronaut).png().toFile(face);
    const means: number[] = [];
    for (const fidelity of ['0', '1']) {
      const out = path.join(dir, `cf${fidelity}`);
      const r = await cli(['restore', face, '-o', out, '--model', model, '--aligned', '--fidelity', fidelity, '--colour-fix', 'none', '--json']);
      expect(r.code, r.stderr).toBe(0);
      const img = await readImage(path.join(out, 'face512.png'));
      means.push(img.data.reduce((a, v) => a + v, 0) / img.data.length);
    }
    // weight 1 halves the signed [-1, 1] values, pulling pixels toward mid-grey: the two runs differ.
    expect(Math.abs(means[0]! - means[1]!)).toBeGreaterThan(1);
  }, 120_000);

  it('refuses an ONNX file that is not a restorer (a UNet) with a typed error', async () => {
    expect((await cli(['bundle', 'make-tiny', path.join(dir, 'sd')])).code).toBe(0);
    const face = path.join(dir, 'face2.png');
    await sharp(astronaut).resize(64, 64).png().toFile(face);
    const r = await cli(['restore', face, '-o', path.join(dir, 'out2'), '--model', path.join(dir, 'sd', 'unet', 'model.onnx'), '--aligned']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/BUNDLE_NOT_A_RESTORER/);
  }, 120_000);
});
