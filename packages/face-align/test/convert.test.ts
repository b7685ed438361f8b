import { existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSession, DiffmacError } from '@diffmac/core';
import { afterAll, describe, expect, it } from 'vitest';
import { convertFaceApiModel, defaultCacheDir, FACE_API_CONVERTER_VERSION, faceApiModelDir } from '../src/index';
import { GraphBuilder } from '../src/detection/face-api/graph';
import { conv, depthwiseConv, tfPadding } from '../src/detection/face-api/layers';
import { encodeOnnx } from '../src/detection/face-api/onnx-encode';
import { decodeWeights, type WeightTensor } from '../src/detection/face-api/weights';

const scratch = mkdtempSync(join(tmpdir(), 'diffmac-convert-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('weights manifest decoding', () => {
  it('undoes uint8 affine quantisation as q * scale + min and reads float32 / int32 as stored', () => {
    const manifest = [
      {
        paths: ['x.bin'],
        weights: [
          { name: 'q', shape: [2, 2], dtype: 'float32', quantization: { dtype: 'uint8', scale: 0.5, min: -1 } },
          { name: 'f', shape: [2], dtype: 'float32' },
          { name: 'i', shape: [1], dtype: 'int32' },
        ],
      },
    ];
    const bin = new Uint8Array(4 + 8 + 4);
    bin.set([0, 1, 2, 255]);
    const view = new DataView(bin.buffer);
    view.setFloat32(4, 1.25, true);
    view.setFloat32(8, -3.5, true);
    view.setInt32(12, -7, true);
    const map = decodeWeights(manifest, [bin]);
    expect(Array.from(map.get('q')!.values)).toEqual([-1, -0.5, 0, 126.5]);
    expect(map.get('q')!.quantized).toMatchObject({ scale: 0.5, min: -1 });
    expect(Array.from(map.get('f')!.values)).toEqual([1.25, -3.5]);
    expect(Array.from(map.get('i')!.values)).toEqual([-7]);
  });

  it('rejects a manifest that does not match the bytes', () => {
    const manifest = [{ weights: [{ name: 'f', shape: [4], dtype: 'float32' }] }];
    expect(() => decodeWeights(manifest, [new Uint8Array(8)])).toThrow(DiffmacError);
    expect(() => decodeWeights(manifest, [new Uint8Array(20)])).toThrow(/describes 16 bytes/);
    expect(() => decodeWeights({}, [])).toThrow(/JSON array/);
    const f16 = [{ weights: [{ name: 'h', shape: [1], dtype: 'float32', quantization: { dtype: 'float16' } }] }];
    expect(() => decodeWeights(f16, [new Uint8Array(2)])).toThrow(/float16/);
  });
});

describe('TensorFlow padding', () => {
  it('"same" pads the odd pixel at the end, "valid" pads nothing', () => {
    expect(tfPadding([512, 512], [3, 3], 2, 'same')).toEqual({ h: 256, w: 256, pads: [0, 0, 1, 1] });
    expect(tfPadding([7, 7], [3, 3], 1, 'same')).toEqual({ h: 7, w: 7, pads: [1, 1, 1, 1] });
    expect(tfPadding([112, 112], [3, 3], 2, 'same')).toEqual({ h: 56, w: 56, pads: [0, 0, 1, 1] });
    expect(tfPadding([5, 5], [3, 3], 2, 'same')).toEqual({ h: 3, w: 3, pads: [1, 1, 1, 1] });
    expect(tfPadding([150, 150], [7, 7], 2, 'valid')).toEqual({ h: 72, w: 72, pads: [0, 0, 0, 0] });
  });
});

/** Reference TF-semantics NHWC convolution ("same" or "valid"), one image. */
function refConv(x: Float32Array, h: number, w: number, cin: number, f: Float32Array, k: number, cout: number, stride: number, padding: 'same' | 'valid', depthwise: boolean) {
  const p = tfPadding([h, w], [k, k], stride, padding);
  const [top, left] = p.pads as [number, number];
  const co = depthwise ? cin : cout;
  const out = new Float32Array(p.h * p.w * co);
  for (let oy = 0; oy < p.h; oy++)
    for (let ox = 0; ox < p.w; ox++)
      for (let o = 0; o < co; o++) {
        let s = 0;
        for (let ky = 0; ky < k; ky++)
          for (let kx = 0; kx < k; kx++) {
            const iy = oy * stride + ky - top;
            const ix = ox * stride + kx - left;
            if (iy < 0 || ix < 0 || iy >= h || ix >= w) continue;
            if (depthwise) s += x[(iy * w + ix) * cin + o]! * f[(ky * k + kx) * cin + o]!;
            else for (let i = 0; i < cin; i++) s += x[(iy * w + ix) * cin + i]! * f[((ky * k + kx) * cin + i) * cout + o]!;
          }
        out[(oy * p.w + ox) * co + o] = s;
      }
  return { out, h: p.h, w: p.w, c: co };
}

describe('graph layers run through createSession with TensorFlow semantics', () => {
  for (const [stride, padding, size] of [
    [2, 'same', 6],
    [2, 'same', 7],
    [1, 'same', 5],
    [2, 'valid', 9],
  ] as const) {
    it(`conv and depthwise conv, stride ${stride}, ${padding}, ${size}x${size}`, async () => {
      const cin = 2;
      const cout = 3;
      const k = 3;
      const x = Float32Array.from({ length: size * size * cin }, (_, i) => ((i * 7) % 11) - 5);
      const f: WeightTensor = { name: 'f', shape: [k, k, cin, cout], values: Float32Array.from({ length: k * k * cin * cout }, (_, i) => ((i * 5) % 7) / 7 - 0.4) };
      const d: WeightTensor = { name: 'd', shape: [k, k, cin, 1], values: Float32Array.from({ length: k * k * cin }, (_, i) => ((i * 3) % 5) / 5 - 0.3) };
      const g = new GraphBuilder('t');
      const input = g.input('x', ['batch', size, size, cin]);
      const nchw = { name: g.node('Transpose', [input], { perm: [0, 3, 1, 2] }), c: cin, h: size, w: size };
      const y = conv(g, nchw, f, undefined, stride, padding, 'c');
      const z = depthwiseConv(g, nchw, d, stride, padding, 'd');
      g.output(g.node('Transpose', [y.name], { perm: [0, 2, 3, 1] }), ['batch', y.h, y.w, y.c], 'y');
      g.output(g.node('Transpose', [z.name], { perm: [0, 2, 3, 1] }), ['batch', z.h, z.w, z.c], 'z');
      const session = await createSession(encodeOnnx(g.build()), { threads: 1 });
      const out = await session.run({ x: { data: x, shape: [1, size, size, cin] } });
      await session.dispose();
      const ry = refConv(x, size, size, cin, f.values, k, cout, stride, padding, false);
      const rz = refConv(x, size, size, cin, d.values, k, 1, stride, padding, true);
      expect(out.y!.shape).toEqual([1, ry.h, ry.w, ry.c]);
      expect(out.z!.shape).toEqual([1, rz.h, rz.w, rz.c]);
      Array.from(out.y!.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(ry.out[i]!, 5));
      Array.from(out.z!.data as Float32Array).forEach((v, i) => expect(v).toBeCloseTo(rz.out[i]!, 5));
    });
  }
});

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
