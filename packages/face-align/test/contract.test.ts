import { expect, it } from 'vitest';
import { estimateSimilarity, ffhqTemplate, invertAffine, pasteBack, warpAffine } from '../src/index';
import { alignRoot, diff, flat, loadCases, readRgb } from './golden';

// The API contract, used exactly as written there, on every visible golden case.
it.each(loadCases())('contract calls reproduce golden case $id', async (c) => {
  expect(ffhqTemplate(512)).toHaveLength(5);
  const photo = await readRgb(new URL(c.input, alignRoot));
  const [b, g, r] = c.border_value_bgr;
  const faces = [];
  for (const f of c.faces) {
    const matrix = estimateSimilarity(f.landmarks, ffhqTemplate(512), { method: 'lmeds' });
    const want = flat(f.affine_matrix);
    matrix.forEach((v, k) => expect(Math.abs(v - want[k]!)).toBeLessThan(k === 2 || k === 5 ? 1e-3 : 1e-6));
    const inv = invertAffine(matrix).map((v) => v * c.upscale_factor);
    flat(f.inverse_affine).forEach((v, k) => expect(Math.abs(inv[k]! - v)).toBeLessThan(k === 2 || k === 5 ? 1e-3 : 1e-6));
    const crop = warpAffine(photo, f.affine_matrix, { width: 512, height: 512, border: 'constant', borderValue: [r, g, b] });
    expect(diff(crop.data, (await readRgb(new URL(f.aligned_crop, alignRoot))).data).max).toBe(0);
    const restored = { ...crop, data: (crop.data as Uint8Array).slice() };
    for (let i = 0; i < restored.data.length; i += 3) {
      restored.data[i] = Math.max(0, restored.data[i]! - 40);
      restored.data[i + 2] = Math.min(255, restored.data[i + 2]! + 40);
    }
    faces.push({ restored, matrix: f.affine_matrix });
  }
  const pasted = pasteBack(photo, faces, { upscale: c.upscale_factor });
  const d = diff(pasted.data, (await readRgb(new URL(c.pasted, alignRoot))).data);
  expect(d.max).toBeLessThanOrEqual(1);
  expect(d.mean).toBeLessThan(0.1);
});
