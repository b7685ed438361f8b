import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSession } from '@diffmac/core';
import { afterAll, describe, expect, it } from 'vitest';
import { convertFaceApiModel, defaultCacheDir, FACE_API_CONVERTER_VERSION, faceApiModelDir } from '../src/index';

const scratch = mkdtempSync(join(tmpdir(), 'diffmac-convert-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('convertFaceApiModel', () => {
  it('converts on first use, then reads the cached file named by a digest', async () => {
    const first = await convertFaceApiModel('face_landmark_68', { cacheDir: scratch });
    expect(first.converted).toBe(true);
    expect(first.path).toBeDefined();
    expect(first.path!.startsWith(join(scratch, 'face-api'))).toBe(true);
    expect(first.path).toContain(first.digest.slice(0, 16));
    expect(existsSync(first.path!)).toBe(true);
    expect(readdirSync(join(scratch, 'face-api')).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const second = await convertFaceApiModel('face_landmark_68', { cacheDir: scratch });
    expect(second.converted).toBe(false);
    expect(second.digest).toBe(first.digest);
    expect(Buffer.from(second.bytes).equals(Buffer.from(first.bytes))).toBe(true);
    const session = await createSession(second.bytes);
    expect(session.inputs[0]).toMatchObject({ name: 'image', dtype: 'float32', shape: ['batch', 112, 112, 3] });
    expect(session.outputs[0]).toMatchObject({ name: 'landmarks', shape: ['batch', 136] });
    await session.dispose();
  });

  it('cacheDir false converts in memory and writes nothing', async () => {
    const r = await convertFaceApiModel('face_landmark_68', { cacheDir: false });
    expect(r.converted).toBe(true);
    expect(r.path).toBeUndefined();
    expect(r.bytes.byteLength).toBeGreaterThan(300_000);
  });

  it('uint8 storage (codes + lookup table) is ~4x smaller and gives the same outputs as float32', async () => {
    const u8 = await convertFaceApiModel('face_landmark_68', { cacheDir: false });
    const f32 = await convertFaceApiModel('face_landmark_68', { cacheDir: false, weights: 'float32' });
    expect(u8.digest).not.toBe(f32.digest);
    expect(u8.bytes.byteLength * 3).toBeLessThan(f32.bytes.byteLength);
    const input = Float32Array.from({ length: 2 * 112 * 112 * 3 }, (_, i) => (i * 37) % 256);
    const outs = [];
    for (const bytes of [u8.bytes, f32.bytes]) {
      const session = await createSession(bytes, { threads: 1 });
      outs.push((await session.run({ image: { data: input, shape: [2, 112, 112, 3] } })).landmarks!.data as Float32Array);
      await session.dispose();
    }
    const [a, b] = outs as [Float32Array, Float32Array];
    let max = 0;
    for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
    expect(max).toBeLessThan(1e-6);
    await expect(convertFaceApiModel('face_landmark_68', { cacheDir: false, weights: 'int4' as never })).rejects.toMatchObject({ argument: 'weights' });
  });

  it('typed errors for an unknown model, a missing weights folder and an aborted call', async () => {
    await expect(convertFaceApiModel('tiny_yolo' as never, { cacheDir: false })).rejects.toMatchObject({ code: 'UNKNOWN_FACE_API_MODEL', argument: 'model' });
    await expect(convertFaceApiModel('face_landmark_68', { cacheDir: false, modelDir: join(scratch, 'nope') })).rejects.toMatchObject({
      code: 'FACE_API_WEIGHTS_MISSING',
      argument: 'modelDir',
    });
    const c = new AbortController();
    c.abort();
    await expect(convertFaceApiModel('face_landmark_68', { cacheDir: false, signal: c.signal })).rejects.toThrow();
  });

  it('default locations', () => {
    expect(existsSync(join(faceApiModelDir(), 'ssd_mobilenetv1_model-weights_manifest.json'))).toBe(true);
    expect(defaultCacheDir({ DIFFMAC_CACHE_DIR: '/a' })).toBe('/a');
    expect(defaultCacheDir({ XDG_CACHE_HOME: '/x' })).toBe(join('/x', 'diffmac'));
    expect(defaultCacheDir({})).toMatch(/\.cache[/\\]diffmac$/);
    expect(FACE_API_CONVERTER_VERSION).toMatch(/^\d+$/);
  });
});
