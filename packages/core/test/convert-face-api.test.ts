/**
 * The face-api converter's parts on synthetic weights: TFJS manifest decoding, TensorFlow
 * padding, and the conv layers run through onnxruntime against a direct NHWC convolution.
 * (The converted networks are checked against face-api's TFJS originals in face-align's parity tests.)
 */
import { describe, expect, it } from 'vitest';
import { conv, depthwiseConv, faceApiBuilder, namedOutput, storedWeight, tfPadding } from '../src/convert/face-api/layers';
import { decodeWeights, type WeightTensor } from '../src/convert/face-api/weights';
import { convertFaceApiModel, createSession, DiffmacError } from '../src/index';

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
    expect(() => decodeWeights(manifest, [new Uint8Array(8)])).toThrow(expect.objectContaining({ code: 'FACE_API_MANIFEST', argument: 'shards' }));
    const int4 = [{ weights: [{ name: 'h', shape: [1], dtype: 'float32', quantization: { dtype: 'int4' } }] }];
    expect(() => decodeWeights(int4, [new Uint8Array(2)])).toThrow(/int4/);
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
      const f: WeightTensor = { name: 'f', dtype: 'float32', shape: [k, k, cin, cout], values: Float32Array.from({ length: k * k * cin * cout }, (_, i) => ((i * 5) % 7) / 7 - 0.4) };
      const d: WeightTensor = { name: 'd', dtype: 'float32', shape: [k, k, cin, 1], values: Float32Array.from({ length: k * k * cin }, (_, i) => ((i * 3) % 5) / 5 - 0.3) };
      const g = { builder: faceApiBuilder('t'), keepUint8: false };
      const input = g.builder.input('x', 'float32', ['batch', size, size, cin]);
      const nchw = { name: g.builder.op('Transpose', [input], { perm: [0, 3, 1, 2] }), c: cin, h: size, w: size };
      const y = conv(g, nchw, f, undefined, stride, padding, 'c');
      const z = depthwiseConv(g, nchw, d, stride, padding, 'd');
      namedOutput(g, g.builder.op('Transpose', [y.name], { perm: [0, 2, 3, 1] }), ['batch', y.h, y.w, y.c], 'y');
      namedOutput(g, g.builder.op('Transpose', [z.name], { perm: [0, 2, 3, 1] }), ['batch', z.h, z.w, z.c], 'z');
      const session = await createSession(g.builder.toBytes(), { threads: 1 });
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


describe('uint8 weight storage', () => {
  it('codes looked up in a 256-entry table give exactly the dequantised float32 values', async () => {
    const codes = Uint8Array.from([0, 1, 7, 128, 255, 3]);
    const scale = 0.0123;
    const min = -1.7;
    const values = Float32Array.from(codes, (q) => q * scale + min);
    const outs: Float32Array[] = [];
    for (const keepUint8 of [true, false]) {
      const g = { builder: faceApiBuilder('w'), keepUint8 };
      const x = g.builder.input('x', 'float32', [2, 3]);
      namedOutput(g, g.builder.op('Add', [x, storedWeight(g, 'w', [2, 3], { values, quantized: { codes, scale, min } })]), [2, 3], 'y');
      const session = await createSession(g.builder.toBytes(), { threads: 1 });
      outs.push((await session.run({ x: { data: new Float32Array(6), shape: [2, 3] } })).y!.data as Float32Array);
      await session.dispose();
    }
    expect(Array.from(outs[0]!)).toEqual(Array.from(values));
    expect(Array.from(outs[1]!)).toEqual(Array.from(values));
  });
});

describe('convertFaceApiModel (core)', () => {
  it('needs the folder of the face-api weights, and names what is missing', async () => {
    await expect(convertFaceApiModel('face_landmark_68', {} as never)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'modelDir' });
    await expect(convertFaceApiModel('face_landmark_68', { modelDir: '/nonexistent/face-api', cacheDir: false })).rejects.toMatchObject({
      code: 'FACE_API_WEIGHTS_MISSING',
      argument: 'modelDir',
    });
    await expect(convertFaceApiModel('tiny_yolo' as never, { modelDir: '/x', cacheDir: false })).rejects.toBeInstanceOf(DiffmacError);
  });
});
