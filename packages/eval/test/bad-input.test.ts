import { describe, expect, it } from 'vitest';
import { DiffmacError, psnr, ssim } from '../src/index';

const img = (w: number, h: number, c: 3 | 4 = 3, fill = 0) => ({ width: w, height: h, channels: c, data: new Uint8Array(w * h * c).fill(fill) });

function caught(fn: () => unknown): DiffmacError {
  try {
    fn();
  } catch (e) {
    if (e instanceof DiffmacError) return e;
    throw e;
  }
  throw new Error('did not throw');
}

describe('bad input gets typed errors', () => {
  it('size mismatch names both shapes', () => {
    const e = caught(() => psnr(img(16, 16), img(16, 12)));
    expect(e.code).toBe('IMAGE_SIZE_MISMATCH');
    expect(e.message).toContain('16x16x3');
    expect(e.message).toContain('12x16x3');
  });
  it('empty image', () => {
    expect(caught(() => ssim(img(0, 0), img(0, 0))).code).toBe('IMAGE_EMPTY');
  });
  it('wrong channel count', () => {
    const grey = { width: 4, height: 4, channels: 1, data: new Uint8Array(16) };
    const e = caught(() => psnr(grey as never, img(4, 4)));
    expect(e.code).toBe('IMAGE_CHANNELS');
    expect(e.argument).toBe('img');
  });
  it('NaN pixels', () => {
    const f = { width: 2, height: 2, channels: 3 as const, data: new Float32Array(12) };
    f.data[5] = Number.NaN;
    const e = caught(() => psnr(img(2, 2), f));
    expect(e.code).toBe('IMAGE_NOT_FINITE');
    expect(e.argument).toBe('ref');
  });
  it('data length disagreeing with the shape', () => {
    const bad = { width: 4, height: 4, channels: 3 as const, data: new Uint8Array(47) };
    expect(caught(() => psnr(bad, img(4, 4))).code).toBe('INVALID_IMAGE');
  });
  it('crop border that leaves too little for the SSIM window', () => {
    expect(caught(() => ssim(img(20, 20), img(20, 20), { cropBorder: 5 })).code).toBe('IMAGE_TOO_SMALL');
    expect(caught(() => psnr(img(20, 20), img(20, 20), { cropBorder: -1 })).code).toBe('INVALID_ARGUMENT');
  });
});

describe('closed forms', () => {
  it('PSNR of a constant offset d is 10 log10(255²/d²); identical images give Infinity', () => {
    expect(psnr(img(8, 8, 3, 10), img(8, 8, 3, 13))).toBeCloseTo(10 * Math.log10((255 * 255) / 9), 12);
    expect(psnr(img(8, 8), img(8, 8))).toBe(Number.POSITIVE_INFINITY);
  });
  it('RGBA alpha is ignored and float images are scaled by 255', () => {
    const a = img(8, 8, 4, 10);
    const f = { width: 8, height: 8, channels: 3 as const, data: new Float32Array(192).fill(13 / 255) };
    expect(psnr(a, f)).toBeCloseTo(10 * Math.log10((255 * 255) / 9), 5);
  });
  it('SSIM of an image with itself is 1, of two constants is (2ab+C1)/(a²+b²+C1)', () => {
    const C1 = (0.01 * 255) ** 2;
    expect(ssim(img(16, 16, 3, 77), img(16, 16, 3, 77))).toBeCloseTo(1, 12);
    expect(ssim(img(16, 16, 3, 50), img(16, 16, 3, 100))).toBeCloseTo((2 * 50 * 100 + C1) / (50 * 50 + 100 * 100 + C1), 12);
  });
});

describe('typed errors for bad library arguments (item 17)', () => {
  it('cosineSimilarity(null) and imresizeMatlab(img, 0) are typed errors', async () => {
    const { cosineSimilarity, imresizeMatlab } = await import('../src/index');
    expect(caught(() => cosineSimilarity(null as never, [1]))).toMatchObject({ code: 'INVALID_EMBEDDING', argument: 'a' });
    expect(caught(() => cosineSimilarity([1, 2], undefined as never))).toMatchObject({ code: 'INVALID_EMBEDDING', argument: 'b' });
    const plane = { width: 4, height: 4, data: new Float32Array(16) };
    for (const scale of [0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1e9]) expect(caught(() => imresizeMatlab(plane, scale))).toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'scale' });
    expect(caught(() => imresizeMatlab({ width: 4, height: 4, data: new Float32Array(3) }, 0.5))).toMatchObject({ code: 'INVALID_IMAGE' });
    expect(imresizeMatlab(plane, 0.5).width).toBe(2);
  });
});
