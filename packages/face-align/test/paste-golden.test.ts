import { describe, expect, it } from 'vitest';
import type { ColorImage } from '@diffmac/base';
import { pasteBackDetailed } from '../src/paste/paste-back';
import { alignRoot, diff, flat, loadCases, readRgb } from './golden';
import { usingVendoredGolden } from '../../../scripts/golden.mjs';

/** The golden "restorer": R-40, G+0, B+40, clipped. */
function recolour(face: ColorImage<Uint8Array>): ColorImage<Uint8Array> {
  const data = face.data.slice();
  for (let i = 0; i < data.length; i += 3) {
    data[i] = Math.max(0, data[i]! - 40);
    data[i + 2] = Math.min(255, data[i + 2]! + 40);
  }
  return { ...face, data };
}

describe.each(loadCases())('golden paste $id', (c) => {
  it('matches facexlib paste_faces_to_input_image within 1 level', async () => {
    const photo = await readRgb(new URL(c.input, alignRoot));
    const faces = await Promise.all(
      c.faces.map(async (f) => ({ restored: recolour(await readRgb(new URL(f.aligned_crop, alignRoot))), matrix: flat(f.affine_matrix) })),
    );
    const { image, faces: internals } = pasteBackDetailed(photo, faces, { upscale: c.upscale_factor });
    const expected = await readRgb(new URL(c.pasted, alignRoot));
    expect([image.width, image.height]).toEqual(c.pasted_size_wh);
    const d = diff(image.data, expected.data);
    expect(d.max).toBeLessThanOrEqual(1);
    expect(d.mean).toBeLessThan(0.1);
    // in practice the float32 emulation reproduces the reference to the bit
    expect(d.count).toBeLessThanOrEqual(image.data.length * 1e-4);
    internals.forEach((p, i) => {
      const want = c.paste_internals[i]!;
      expect(p.erodeKernel).toBe(want.erode1_kernel[0]);
      expect(p.wEdge).toBe(want.w_edge);
      expect(p.blurKernel).toBe(want.gaussian_ksize[0]);
      const used = flat(c.faces[i]!.inverse_affine_used_in_paste);
      p.inverseAffine.forEach((v, k) => expect(Math.abs(v - used[k]!)).toBeLessThan(1e-6));
    });
  });
});

describe('paste with a supplied background', () => {
  // A3 comes from a CodeFormer sample photo (non-commercial licence): only the shared golden copy has it.
  it.skipIf(usingVendoredGolden())('A3 pasted onto the golden x2 Lanczos background gives the golden result', async () => {
    const c = loadCases().find((k) => k.id === 'A3')!;
    const photo = await readRgb(new URL(c.input, alignRoot));
    const background = await readRgb(new URL('expected/A3_background_lanczos_x2.png', alignRoot));
    const f = c.faces[0]!;
    const restored = recolour(await readRgb(new URL(f.aligned_crop, alignRoot)));
    const { image } = pasteBackDetailed(photo, [{ restored, matrix: flat(f.affine_matrix) }], { upscale: 2, background });
    const expected = await readRgb(new URL(c.pasted, alignRoot));
    expect(diff(image.data, expected.data).max).toBeLessThanOrEqual(1);
  });
});
