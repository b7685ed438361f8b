/**
 * `diffmac convert` end to end, as a user runs it: official-layout checkpoints (full size, seeded
 * random weights, written by core's fixture generator with Debian's python3-torch) in, ONNX out, and
 * the result taken by `diffmac eval` in one command.
 */
import { execFileSync } from 'node:child_process';
import { copyFile, cp, mkdir, mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers';

const generator = new URL('../../core/test/fixtures/make-convert-fixtures.py', import.meta.url).pathname;
const retinaGenerator = new URL('../../core/test/fixtures/make-retinaface-fixtures.py', import.meta.url).pathname;
const miniSet = new URL('../assets/mini-set/', import.meta.url).pathname;
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'diffmac-convert-'));
  execFileSync('/usr/bin/python3', [generator, path.join(dir, 'ckpt'), '1'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  execFileSync('/usr/bin/python3', [retinaGenerator, path.join(dir, 'retina'), '1'], { stdio: ['ignore', 'ignore', 'pipe'], timeout: 300_000 });
  await cp(miniSet, path.join(dir, 'gt'), { recursive: true, filter: (f) => !f.endsWith('.json') });
  // Each prediction is another image of the set.
  await mkdir(path.join(dir, 'swapped'));
  const names = ['astronaut.jpg', 'astronaut-mirrored.jpg', 'astronaut-rotated.jpg'];
  for (const [i, f] of names.entries()) await copyFile(path.join(miniSet, names[(i + 1) % 3]!), path.join(dir, 'swapped', f));
}, 300_000);

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('diffmac convert', () => {
  it('arcface-resnet18: the .pth becomes a model eval --identity-model takes', async () => {
    const model = path.join(dir, 'arcface.onnx');
    const r = await cli(['convert', 'arcface-resnet18', path.join(dir, 'ckpt', 'arcface_resnet18.pth'), '-o', model, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ kind: 'arcface-resnet18', output: model });
    expect((await stat(model)).size).toBe(summary.bytes);
    const out = path.join(dir, 'eval-id');
    const e = await cli(['eval', '--pred', path.join(dir, 'gt'), '--gt', path.join(dir, 'gt'), '--metrics', 'idcos', '--identity-model', model, '--out', out, '--workers', '0', '--json', '--quiet']);
    expect(e.code).toBe(0);
    // Each face against itself: cosine 1 up to float32 rounding.
    expect(JSON.parse(e.stdout).metrics.idcos.mean).toBeCloseTo(1, 5);
  });

  it('lpips-alex: the trunk eval --lpips-trunk takes with the lpips package\'s .pth weights', async () => {
    const model = path.join(dir, 'lpips-alex.onnx');
    const r = await cli(['convert', 'lpips-alex', path.join(dir, 'ckpt', 'alexnet.pth'), '-o', model, '--quiet']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('relu1..relu5');
    const run = async (pred: string) => {
      const out = path.join(dir, `eval-lpips-${pred}`);
      const e = await cli(['eval', '--pred', path.join(dir, pred), '--gt', path.join(dir, 'gt'), '--metrics', 'lpips', '--lpips-trunk', model, '--lpips-weights', path.join(dir, 'ckpt', 'alexnet_lin.pth'), '--out', out, '--workers', '0', '--json', '--quiet']);
      expect(e.stderr).toBe('');
      return JSON.parse(e.stdout).metrics.lpips.mean as number;
    };
    expect(await run('gt')).toBe(0);
    expect(await run('swapped')).toBeGreaterThan(0);
  });

  it('refuses a checkpoint of another network, naming the key, and writes nothing', async () => {
    const model = path.join(dir, 'wrong.onnx');
    const r = await cli(['convert', 'lpips-vgg', path.join(dir, 'ckpt', 'alexnet.pth'), '-o', model, '--quiet']);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain('CHECKPOINT_SHAPE_MISMATCH');
    expect(r.stderr).toContain('features.0.weight');
    await expect(stat(model)).rejects.toThrow();
  });

  it('refuses to overwrite the checkpoint it reads, and unknown kinds', async () => {
    const ckpt = path.join(dir, 'ckpt', 'alexnet.pth');
    const same = await cli(['convert', 'lpips-alex', ckpt, '-o', ckpt, '--force', '--quiet']);
    expect(same.code).not.toBe(0);
    const unknown = await cli(['convert', 'gfpgan-v9', ckpt, '-o', path.join(dir, 'x.onnx')]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('lpips-alex');
  });

  it('retinaface-mobilenet0.25: the detector align --detector runs; a model that is no detector fails once, up front', async () => {
    const model = path.join(dir, 'retinaface.onnx');
    const r = await cli(['convert', 'retinaface-mobilenet0.25', path.join(dir, 'retina', 'mobilenet0.25.pth'), '-o', model, '--quiet']);
    expect(r.code).toBe(0);
    const photos = path.join(dir, 'gt');
    const a = await cli(['align', path.join(photos, 'astronaut.jpg'), '-o', path.join(dir, 'aligned'), '--detector', model, '--json', '--quiet']);
    expect(a.stderr).toBe('');
    expect(JSON.parse(a.stdout).photos).toHaveLength(1);
    const bad = await cli(['align', path.join(photos, 'astronaut.jpg'), '-o', path.join(dir, 'aligned-bad'), '--detector', path.join(dir, 'arcface.onnx'), '--quiet']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('DETECTOR_OUTPUTS');
  });
});
