import { describe, expect, it } from 'vitest';
import {
  DiffmacError,
  assertShape,
  bgrToRgb,
  cropNchw,
  float32ToUint16,
  float32ToUint8,
  hwcToNchw,
  imageToTensor,
  imagesToTensor,
  nchwToHwc,
  padNchwEdge,
  rgbToBgr,
  roundHalfEven,
  shapeSize,
  signedToUnit,
  swapRedBlueNchw,
  tensorToImage,
  tensorToImages,
  uint16ToFloat32,
  uint8ToFloat32,
  unitToSigned,
  type RasterImage,
  type Tensor,
} from '@diffmac/core';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (e) {
    return e instanceof DiffmacError ? e.code : `not a DiffmacError: ${String(e)}`;
  }
  return undefined;
}

describe('layout', () => {
  it('hwcToNchw moves channels to planes and back', () => {
    // 2×3 image, 2 channels; value = 100*y + 10*x + c
    const hwc = new Float32Array(12);
    for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) for (let c = 0; c < 2; c++) hwc[(y * 3 + x) * 2 + c] = 100 * y + 10 * x + c;
    const t = hwcToNchw({ data: hwc, shape: [2, 3, 2] });
    expect(t.shape).toEqual([1, 2, 2, 3]);
    const d = t.data as Float32Array;
    for (let c = 0; c < 2; c++) for (let y = 0; y < 2; y++) for (let x = 0; x < 3; x++) expect(d[c * 6 + y * 3 + x]).toBe(100 * y + 10 * x + c);
    const back = nchwToHwc(t);
    expect(back.shape).toEqual([1, 2, 3, 2]);
    expect(Array.from(back.data as Float32Array)).toEqual(Array.from(hwc));
    expect(hwc[1]).toBe(1); // input untouched
  });

  it('handles batches, keeps the element type, and rank-3 CHW → HWC', () => {
    const data = Uint8Array.from({ length: 2 * 2 * 2 * 3 }, (_, i) => i);
    const t = hwcToNchw({ data, shape: [2, 2, 2, 3] });
    expect(t.data).toBeInstanceOf(Uint8Array);
    expect(t.shape).toEqual([2, 3, 2, 2]);
    // batch 1, channel 2, pixel (1,0): source index 12 + (1*2+0)*3 + 2 = 20
    expect((t.data as Uint8Array)[1 * 12 + 2 * 4 + 2]).toBe(20);
    const chw = nchwToHwc({ data: new Float32Array([1, 2, 3, 4, 5, 6]), shape: [3, 1, 2] });
    expect(chw.shape).toEqual([1, 2, 3]);
    expect(Array.from(chw.data as Float32Array)).toEqual([1, 3, 5, 2, 4, 6]);
  });

  it('refuses bad shapes with typed errors', () => {
    expect(codeOf(() => hwcToNchw({ data: new Float32Array(6), shape: [6] }))).toBe('TENSOR_SHAPE_MISMATCH');
    expect(codeOf(() => hwcToNchw({ data: new Float32Array(5), shape: [1, 2, 3] }))).toBe('TENSOR_SHAPE_MISMATCH');
    expect(codeOf(() => assertShape({ data: new Float32Array(8), shape: [1, 2, 2, 2] }, [1, 4, null, null], 'latents'))).toBe('TENSOR_SHAPE_MISMATCH');
    expect(assertShape({ data: new Float32Array(8), shape: [1, 2, 2, 2] }, [1, 2, null, null], 'x')).toEqual([1, 2, 2, 2]);
    expect(shapeSize([1, 4, 8, 8])).toBe(256);
    try {
      assertShape({ data: new Float32Array(8), shape: [1, 2, 2, 2] }, [1, 4, null, null], 'latents');
    } catch (e) {
      expect((e as DiffmacError).argument).toBe('latents');
      expect((e as DiffmacError).message).toContain('[1, 4, ?, ?]');
    }
  });
});

describe('value ranges and dtypes', () => {
  it('maps [0,1] ↔ [-1,1] with clamping on the way back', () => {
    expect(Array.from(unitToSigned(new Float32Array([0, 0.25, 1])))).toEqual([-1, -0.5, 1]);
    expect(Array.from(signedToUnit(new Float32Array([-1.5, 0, 0.5, 2])))).toEqual([0, 0.5, 0.75, 1]);
    expect(Array.from(signedToUnit(new Float32Array([-3, 3]), { clamp: false }))).toEqual([-1, 2]);
  });

  it('rounds half to even like numpy', () => {
    const cases: [number, number][] = [[0.5, 0], [1.5, 2], [2.5, 2], [3.5, 4], [-0.5, 0], [-1.5, -2], [2.4999, 2], [2.5001, 3], [7, 7]];
    for (const [x, r] of cases) expect(roundHalfEven(x) + 0).toBe(r);
  });

  it('uint8 ↔ float32 round-trips every value and clamps', () => {
    const all = Uint8Array.from({ length: 256 }, (_, i) => i);
    const f = uint8ToFloat32(all);
    expect(f[255]).toBe(1);
    expect(Array.from(float32ToUint8(f))).toEqual(Array.from(all));
    expect(Array.from(float32ToUint8(new Float32Array([-0.2, 1.3, Number.NaN, 0.5, 126.5 / 255])))).toEqual([0, 255, 0, 128, 126]);
    const all16 = Uint16Array.from({ length: 65536 }, (_, i) => i);
    expect(Array.from(float32ToUint16(uint16ToFloat32(all16))).every((v, i) => v === i)).toBe(true);
  });
});

describe('channel order', () => {
  it('swaps red and blue, keeps alpha, and round-trips', () => {
    const img: RasterImage = { width: 2, height: 1, channels: 4, data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]) };
    const bgr = rgbToBgr(img);
    expect(Array.from(bgr.data)).toEqual([3, 2, 1, 4, 7, 6, 5, 8]);
    expect(Array.from(bgrToRgb(bgr).data)).toEqual(Array.from(img.data));
    expect(Array.from(img.data)).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    expect(codeOf(() => rgbToBgr({ width: 1, height: 1, channels: 1, data: new Uint8Array(1) }))).toBe('INVALID_ARGUMENT');
  });

  it('swaps planes of an NCHW tensor', () => {
    const t: Tensor = { data: new Float32Array([1, 1, 2, 2, 3, 3, 9, 9]), shape: [1, 4, 1, 2] };
    expect(Array.from(swapRedBlueNchw(t).data as Float32Array)).toEqual([3, 3, 2, 2, 1, 1, 9, 9]);
  });
});

describe('image ↔ tensor', () => {
  const img: RasterImage = { width: 2, height: 1, channels: 3, data: new Uint8Array([255, 0, 51, 0, 255, 102]) };

  it('converts an 8-bit image to a signed NCHW tensor and back exactly', () => {
    const t = imageToTensor(img, { range: 'signed' });
    expect(t.shape).toEqual([1, 3, 1, 2]);
    const d = t.data as Float32Array;
    expect(d[0]).toBe(1); // R of pixel 0
    expect(d[1]).toBe(-1); // R of pixel 1
    expect(d[4]).toBeCloseTo(0.2 * 2 - 1, 6); // B of pixel 0
    const back = tensorToImage(t, { range: 'signed', depth: 8 });
    expect(back.channels).toBe(3);
    expect(Array.from(back.data)).toEqual(Array.from(img.data));
  });

  it('matches the float32 operations of PyTorch/diffusers preprocessing bit for bit', () => {
    const all: RasterImage = { width: 256, height: 1, channels: 1, data: Uint8Array.from({ length: 256 }, (_, i) => i) };
    const signed = imageToTensor(all, { range: 'signed' }).data as Float32Array;
    const unit = imageToTensor(all).data as Float32Array;
    for (let v = 0; v < 256; v++) {
      expect(unit[v]).toBe(Math.fround(v / 255));
      expect(signed[v]).toBe(Math.fround(Math.fround(v / 255) * 2 - 1));
    }
    const deep = imageToTensor({ width: 3, height: 1, channels: 1, data: new Uint16Array([0, 1, 65535]) }, { range: 'signed' }).data as Float32Array;
    expect(Array.from(deep)).toEqual([-1, Math.fround(Math.fround(1 / 65535) * 2 - 1), 1]);
  });

  it('supports BGR, NHWC, grey expansion and 16-bit', () => {
    const t = imageToTensor(img, { channelOrder: 'bgr', layout: 'nhwc' });
    expect(t.shape).toEqual([1, 1, 2, 3]);
    expect(Array.from(t.data as Float32Array).map((v) => Math.round(v * 255))).toEqual([51, 0, 255, 102, 255, 0]);
    const back = tensorToImage(t, { channelOrder: 'bgr', layout: 'nhwc', depth: 8 });
    expect(Array.from(back.data)).toEqual(Array.from(img.data));

    const rgba: RasterImage = { width: 2, height: 1, channels: 4, data: new Uint8Array([255, 0, 51, 7, 0, 255, 102, 9]) };
    const planarBgr = imageToTensor(rgba, { channelOrder: 'bgr', channels: 'rgb' });
    expect(planarBgr.shape).toEqual([1, 3, 1, 2]);
    expect(Array.from(planarBgr.data as Float32Array).map((v) => Math.round(v * 255))).toEqual([51, 102, 0, 255, 255, 0]);
    const keepAlpha = imageToTensor(rgba);
    expect(Array.from(keepAlpha.data as Float32Array).map((v) => Math.round(v * 255))).toEqual([255, 0, 0, 255, 51, 102, 7, 9]);

    const grey: RasterImage = { width: 1, height: 1, channels: 2, data: new Uint16Array([65535, 0]) };
    const g = imageToTensor(grey, { channels: 'rgb' });
    expect(g.shape).toEqual([1, 3, 1, 1]);
    expect(Array.from(g.data as Float32Array)).toEqual([1, 1, 1]);
    expect(imageToTensor(grey).shape).toEqual([1, 2, 1, 1]);
    const g16 = tensorToImage(g, { depth: 16 });
    expect(Array.from(g16.data)).toEqual([65535, 65535, 65535]);
  });

  it('batches images and splits them back, refusing mismatched sizes', () => {
    const other: RasterImage = { ...img, data: new Uint8Array([0, 0, 0, 255, 255, 255]) };
    const t = imagesToTensor([img, other]);
    expect(t.shape).toEqual([2, 3, 1, 2]);
    const [a, b] = tensorToImages(t, { depth: 8 });
    expect(Array.from(a!.data)).toEqual(Array.from(img.data));
    expect(Array.from(b!.data)).toEqual(Array.from(other.data));
    const small: RasterImage = { width: 1, height: 1, channels: 3, data: new Uint8Array(3) };
    expect(codeOf(() => imagesToTensor([img, small]))).toBe('INVALID_IMAGE');
    expect(codeOf(() => imageToTensor({ width: 2, height: 2, channels: 3, data: new Uint8Array(5) }))).toBe('INVALID_IMAGE');
    expect(codeOf(() => tensorToImage(t))).toBe('TENSOR_SHAPE_MISMATCH');
  });

  it('clamps float output by default', () => {
    const t: Tensor = { data: new Float32Array([-2, 0, 2]), shape: [1, 1, 1, 3] };
    expect(Array.from(tensorToImage(t, { range: 'signed' }).data)).toEqual([0, 0.5, 1]);
    expect(Array.from(tensorToImage(t, { clamp: false }).data)).toEqual([-2, 0, 2]);
  });
});

describe('crop and pad', () => {
  const t: Tensor = { data: Float32Array.from({ length: 2 * 3 * 4 }, (_, i) => i), shape: [1, 2, 3, 4] };
  it('crops a rectangle from every plane', () => {
    const c = cropNchw(t, { x: 1, y: 1, width: 2, height: 2 });
    expect(c.shape).toEqual([1, 2, 2, 2]);
    expect(Array.from(c.data as Float32Array)).toEqual([5, 6, 9, 10, 17, 18, 21, 22]);
    expect(codeOf(() => cropNchw(t, { x: 3, y: 0, width: 2, height: 1 }))).toBe('INVALID_ARGUMENT');
  });
  it('pads by repeating the last row and column', () => {
    const p = padNchwEdge(cropNchw(t, { x: 0, y: 0, width: 2, height: 2 }), { width: 3, height: 3 });
    expect(p.shape).toEqual([1, 2, 3, 3]);
    expect(Array.from((p.data as Float32Array).subarray(0, 9))).toEqual([0, 1, 1, 4, 5, 5, 4, 5, 5]);
  });
});
