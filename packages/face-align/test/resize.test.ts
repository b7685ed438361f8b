import { describe, expect, it } from 'vitest';
import { type ColorImage, resizeLanczos4 } from '@diffmac/base';
import { alignRoot, diff, loadCases, readRgb } from './golden';
import { ops } from './opencv-ops';
import { usingVendoredGolden } from '../../../scripts/golden.mjs';

describe('resizeLanczos4 matches cv2.resize(INTER_LANCZOS4)', () => {
  it.each(ops.lanczos.map((c, i) => ({ ...c, i })))('case $i: $w x $h -> $ow x $oh', (c) => {
    const img: ColorImage = { width: c.w, height: c.h, channels: c.cn, data: Uint8Array.from(c.img) };
    const got = resizeLanczos4(img, c.ow, c.oh);
    expect(diff(got.data, c.out).max).toBe(0);
    const fimg: ColorImage = { width: c.w, height: c.h, channels: c.cn, data: Float32Array.from(c.fimg) };
    expect(diff(resizeLanczos4(fimg, c.ow, c.oh).data, c.fout).max).toBeLessThan(1e-5);
  });

  // A3 comes from a CodeFormer sample photo (non-commercial licence): only the shared golden copy has it.
  it.skipIf(usingVendoredGolden())('reproduces the golden x2 background of A3 exactly', async () => {
    const c = loadCases().find((k) => k.id === 'A3')!;
    const photo = await readRgb(new URL(c.input, alignRoot));
    const expected = await readRgb(new URL('expected/A3_background_lanczos_x2.png', alignRoot));
    const got = resizeLanczos4(photo, photo.width * 2, photo.height * 2);
    expect(diff(got.data, expected.data).max).toBe(0);
  });
});
