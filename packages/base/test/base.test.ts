import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assertColorImage, assertRasterImage, createRng, DiffmacError, resizeBilinearTorch, roundHalfEven } from '../src/index';

const fixture = <T>(name: string): T => JSON.parse(readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8')) as T;

describe('xoshiro128** against the reference C implementation', () => {
  const { cases } = fixture<{ cases: { state: number[]; outputs: number[] }[] }>('xoshiro128ss.json');
  it.each(cases.map((c) => [c.state.join(','), c] as const))('state [%s]: the first 20 outputs', (_, c) => {
    // The portable generator's four state words are public fields (fillNormals advances them in place).
    const rng = createRng(0) as unknown as { a: number; b: number; c: number; d: number; nextUint32(): number };
    [rng.a, rng.b, rng.c, rng.d] = c.state.map((v) => v | 0) as [number, number, number, number];
    expect(Array.from({ length: c.outputs.length }, () => rng.nextUint32())).toEqual(c.outputs);
  });
});

describe('resizeBilinearTorch against torch.nn.functional.interpolate', () => {
  const { cases } = fixture<{ cases: { shape: number[]; out: number[]; scale: number | null; x: number[]; y: number[] }[] }>('resize-bilinear-torch.json');
  it.each(cases.map((c) => [`${c.shape.join('×')} → ${c.out.join('×')}${c.scale ? ` (scale_factor ${c.scale})` : ''}`, c] as const))('%s', (_, c) => {
    const [n, ch, h, w] = c.shape as [number, number, number, number];
    const [, , oh, ow] = c.out as [number, number, number, number];
    const options = c.scale ? { scaleFactor: [c.scale, c.scale] as const } : {};
    const y = resizeBilinearTorch(Float32Array.from(c.x), n * ch, h, w, oh, ow, options);
    expect(y.length).toBe(c.y.length);
    // torch accumulates in float32, this port in float64: at most a few float32 ulp apart.
    let worst = 0;
    for (let i = 0; i < y.length; i++) worst = Math.max(worst, Math.abs(y[i]! - c.y[i]!));
    expect(worst).toBeLessThan(3e-7);
  });

  it('rejects a wrong data length with a typed error', () => {
    expect(() => resizeBilinearTorch(new Float32Array(5), 1, 2, 3, 4, 4)).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT', argument: 'src' }));
  });
});

describe('image checks: one code per fault', () => {
  const rgb = { width: 2, height: 2, channels: 3 as const, data: new Uint8Array(12) };
  it.each([
    ['not an object', null, 'INVALID_IMAGE'],
    ['zero width', { ...rgb, width: 0, data: new Uint8Array(0) }, 'IMAGE_EMPTY'],
    ['fractional height', { ...rgb, height: 1.5 }, 'INVALID_IMAGE'],
    ['grey for a colour check', { ...rgb, channels: 1, data: new Uint8Array(4) }, 'IMAGE_CHANNELS'],
    ['16-bit for a colour check', { ...rgb, data: new Uint16Array(12) }, 'INVALID_IMAGE'],
    ['short data', { ...rgb, data: new Uint8Array(11) }, 'INVALID_IMAGE'],
  ] as const)('%s', (_, image, code) => {
    let error: unknown;
    try {
      assertColorImage(image, 'photo');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(DiffmacError);
    expect(error).toMatchObject({ code, argument: 'photo' });
  });

  it('a raster check takes grey and 16-bit; a finite colour check refuses NaN', () => {
    expect(() => assertRasterImage({ width: 1, height: 1, channels: 1, data: new Uint16Array(1) })).not.toThrow();
    const f = { width: 1, height: 1, channels: 3 as const, data: new Float32Array([0, Number.NaN, 0]) };
    expect(() => assertColorImage(f)).not.toThrow();
    expect(() => assertColorImage(f, 'img', { finite: true })).toThrow(expect.objectContaining({ code: 'IMAGE_NOT_FINITE', argument: 'img' }));
  });
});

describe('roundHalfEven', () => {
  it('rounds ties to even with numpy’s signed zero', () => {
    expect([0.5, 1.5, 2.5, -2.5, -1.5, 126.5, 127.5, 3.2, -3.7].map(roundHalfEven)).toEqual([0, 2, 2, -2, -2, 126, 128, 3, -4]);
    expect(Object.is(roundHalfEven(-0.5), -0)).toBe(true);
  });
});
