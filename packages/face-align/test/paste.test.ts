import { describe, expect, it } from 'vitest';
import { DiffmacError, type ColorImage } from '@diffmac/base';
import { pasteBack, pasteBackDetailed } from '../src/paste/paste-back';
import { ffhqTemplate } from '../src/geometry/template';
import { estimateSimilarity } from '../src/geometry/estimate-similarity';
import type { AffineMatrix } from '../src/geometry/affine';

function solid(width: number, height: number, channels: 3 | 4, rgba: number[]): ColorImage<Uint8Array> {
  const data = new Uint8Array(width * height * channels);
  for (let i = 0; i < width * height; i++) for (let c = 0; c < channels; c++) data[i * channels + c] = rgba[c]!;
  return { width, height, channels, data };
}

// a face of 64 px crop in a 120x100 photo: crop = photo scaled by 2 around (20, 10)
const matrix: AffineMatrix = [2, 0, -40, 0, 2, -20];

describe('pasteBack', () => {
  it('blends the face in its centre, leaves far pixels alone, keeps alpha', () => {
    const photo = solid(120, 100, 4, [10, 20, 30, 77]);
    const restored = solid(64, 64, 3, [200, 100, 50]);
    const out = pasteBack(photo, [{ restored, matrix }]);
    expect(out.channels).toBe(4);
    const px = (x: number, y: number) => [...out.data.subarray((y * 120 + x) * 4, (y * 120 + x) * 4 + 4)];
    // crop centre (32, 32) -> photo (36, 26)
    const centre = px(36, 26);
    expect(Math.abs(centre[0]! - 200)).toBeLessThanOrEqual(1);
    expect(centre[3]).toBe(77);
    expect(px(110, 90)).toEqual([10, 20, 30, 77]);
    expect(photo.data[0]).toBe(10); // input untouched
  });

  it('an RGB background under an RGBA photo keeps the photo alpha', () => {
    const photo = solid(60, 50, 4, [10, 20, 30, 90]);
    const background = solid(120, 100, 3, [1, 2, 3]);
    const out = pasteBack(photo, [], { upscale: 2, background });
    expect(out.channels).toBe(4);
    expect([...out.data.subarray(0, 4)]).toEqual([1, 2, 3, 90]);
  });

  it('an external mask of zeros keeps the photo', () => {
    const photo = solid(120, 100, 3, [10, 20, 30]);
    const restored = solid(64, 64, 3, [200, 100, 50]);
    const out = pasteBack(photo, [{ restored, matrix, mask: new Float32Array(64 * 64) }]);
    expect(out.data).toEqual(photo.data);
  });

  it('upscale doubles the output and applies the half-pixel correction', () => {
    const photo = solid(60, 50, 3, [0, 0, 0]);
    const restored = solid(64, 64, 3, [255, 255, 255]);
    const m: AffineMatrix = [2, 0, -20, 0, 2, -20];
    const { image, faces } = pasteBackDetailed(photo, [{ restored, matrix: m }], { upscale: 2 });
    expect([image.width, image.height]).toEqual([120, 100]);
    expect(faces[0]!.inverseAffine.map((v) => v + 0)).toEqual([1, 0, 21, 0, 1, 21]);
    expect(faces[0]!.erodeKernel).toBe(4);
    expect(image.data[(52 * 120 + 52) * 3]).toBeGreaterThanOrEqual(254);
  });

  it('several faces are pasted in order', () => {
    const photo = solid(200, 100, 3, [0, 0, 0]);
    const tpl = ffhqTemplate(64);
    const a = estimateSimilarity(tpl.map(([x, y]) => [x / 2 + 10, y / 2 + 10] as const), tpl);
    const b = estimateSimilarity(tpl.map(([x, y]) => [x / 2 + 110, y / 2 + 10] as const), tpl);
    const out = pasteBack(photo, [
      { restored: solid(64, 64, 3, [255, 0, 0]), matrix: a },
      { restored: solid(64, 64, 3, [0, 255, 0]), matrix: b },
    ]);
    expect(out.data[(26 * 200 + 26) * 3]).toBeGreaterThan(250);
    expect(out.data[(26 * 200 + 126) * 3 + 1]).toBeGreaterThan(250);
  });

  it('rejects bad input with typed errors', () => {
    const photo = solid(10, 10, 3, [0, 0, 0]);
    const restored = solid(8, 8, 3, [0, 0, 0]);
    const cases: [() => unknown, string, string][] = [
      [() => pasteBack({ ...photo, width: 0 }, []), 'IMAGE_EMPTY', 'photo'],
      [() => pasteBack(photo, [{ restored: { ...restored, channels: 4 }, matrix }]), 'INVALID_IMAGE', 'faces[0].restored'],
      [() => pasteBack(photo, [{ restored, matrix: [1, 0, 0] as never }]), 'INVALID_MATRIX', 'faces[0].matrix'],
      [() => pasteBack(photo, [{ restored, matrix, mask: new Float32Array(3) }]), 'INVALID_MASK', 'faces[0].mask'],
      [() => pasteBack(photo, [], { upscale: 0 }), 'INVALID_UPSCALE', 'options.upscale'],
      [() => pasteBack(photo, [], { upscale: Number.NaN }), 'INVALID_UPSCALE', 'options.upscale'],
      [() => pasteBack(photo, [], { background: { ...photo, data: new Uint8Array(2) } }), 'INVALID_IMAGE', 'options.background'],
    ];
    for (const [run, code, argument] of cases) {
      let error: unknown;
      try {
        run();
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(DiffmacError);
      expect([(error as DiffmacError).code, (error as DiffmacError).argument]).toEqual([code, argument]);
    }
  });
});
