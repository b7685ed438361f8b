import { describe, expect, it } from 'vitest';
import { estimateSimilarityWithInliers } from '../src/geometry/estimate-similarity';
import { ffhqTemplate } from '../src/geometry/template';
import { invertAffine } from '../src/geometry/affine';
import { warpAffine } from '../src/warp/warp-affine';
import { alignRoot, diff, flat, loadCases, readRgb } from './golden';

const cases = loadCases();

describe.each(cases)('golden $id', (c) => {
  it('template is facexlib FFHQ at the case face size', () => {
    const t = ffhqTemplate(c.face_size[0]);
    t.forEach((p, i) => {
      expect(p[0]).toBeCloseTo(c.face_template[i]![0], 10);
      expect(p[1]).toBeCloseTo(c.face_template[i]![1], 10);
    });
  });

  it.each(c.faces.map((f, i) => ({ ...f, i })))('face $i ($face): LMEDS matrix, inliers, inverse, crop', async (f) => {
    const { matrix, inliers } = estimateSimilarityWithInliers(f.landmarks, ffhqTemplate(c.face_size[0]), { method: 'lmeds' });
    const exp = flat(f.affine_matrix);
    for (const k of [0, 1, 3, 4]) expect(Math.abs(matrix[k]! - exp[k]!)).toBeLessThan(1e-6);
    for (const k of [2, 5]) expect(Math.abs(matrix[k]! - exp[k]!)).toBeLessThan(1e-3);
    expect([...inliers]).toEqual(f.lmeds_inliers);
    const inv = invertAffine(matrix).map((v) => v * c.upscale_factor);
    const expInv = flat(f.inverse_affine);
    for (const k of [0, 1, 3, 4]) expect(Math.abs(inv[k]! - expInv[k]!)).toBeLessThan(1e-6);
    for (const k of [2, 5]) expect(Math.abs(inv[k]! - expInv[k]!)).toBeLessThan(1e-3);

    const photo = await readRgb(new URL(c.input, alignRoot));
    const [b, g, r] = c.border_value_bgr;
    // the golden matrix itself: the warp must be bit-exact
    const crop = warpAffine(photo, exp, { width: c.face_size[0], height: c.face_size[1], borderValue: [r, g, b] });
    const expected = await readRgb(new URL(f.aligned_crop, alignRoot));
    expect(diff(crop.data, expected.data).max).toBe(0);
    // our own matrix: at most a few values off by 1-2 levels
    const own = warpAffine(photo, matrix, { width: c.face_size[0], height: c.face_size[1], borderValue: [r, g, b] });
    const d = diff(own.data, expected.data);
    expect(d.max).toBeLessThanOrEqual(2);
    expect(d.count).toBeLessThan(200);
  });
});
