/**
 * A restorer as facefusion ships it: one `.onnx` file of any name (`gfpgan_1.4.onnx`), no
 * diffmac.json. `loadBundle(<file.onnx>)` takes it directly (manifest in memory, nothing written),
 * and `createBundleManifest(<folder>)` (`diffmac bundle init`) finds it by itself.
 */
import { copyFile, mkdir, mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeTinyBundle } from '@diffmac/core/testing';
import { createBundleManifest, loadBundle } from '@diffmac/core';

let dir: string;
let onnx: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'diffmac-single-onnx-'));
  const tiny = path.join(dir, 'tiny');
  await writeTinyBundle(tiny, { kind: 'restorer', resolution: 64 });
  await mkdir(path.join(dir, 'facefusion'));
  onnx = path.join(dir, 'facefusion', 'gfpgan_1.4.onnx');
  await copyFile(path.join(tiny, 'model.onnx'), onnx);
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe('a single ONNX file of any name', () => {
  it('loads directly as a one-model restorer bundle, writing nothing beside it', async () => {
    const bundle = await loadBundle(onnx);
    expect(bundle.byRole('restorer')?.path).toBe(onnx);
    expect(bundle.manifest.resolution).toBe(64);
    expect(await readdir(path.dirname(onnx))).toEqual(['gfpgan_1.4.onnx']);
    const session = await bundle.createSession(bundle.componentNames[0]!);
    expect(session.inputs.length).toBeGreaterThan(0);
    await session.dispose();
  });

  it('is found by bundle init in its folder, and two candidates are ambiguous', async () => {
    const manifest = await createBundleManifest(path.dirname(onnx), { write: false });
    expect(Object.values(manifest.components).map((c) => c.path)).toEqual(['gfpgan_1.4.onnx']);
    await copyFile(onnx, path.join(dir, 'facefusion', 'codeformer.onnx'));
    await expect(createBundleManifest(path.dirname(onnx), { write: false })).rejects.toMatchObject({ code: 'BUNDLE_AMBIGUOUS_MODEL' });
    // Naming the file still works with the other one beside it.
    expect((await loadBundle(onnx)).manifest.files).toHaveProperty(['gfpgan_1.4.onnx']);
    await rm(path.join(dir, 'facefusion', 'codeformer.onnx'));
  });

  it('refuses a file that is not ONNX with the bundle init hint', async () => {
    await expect(loadBundle(path.join(dir, 'tiny', 'diffmac.json'))).rejects.toMatchObject({ code: 'BUNDLE_NOT_A_FOLDER' });
  });
});
