/**
 * insightface's ArcFace input for an FFHQ-aligned face: the five FFHQ template points of a 512²
 * crop land on insightface's 112 template, up to the residual of fitting one template to the other
 * (checked with a bright dot at each point).
 */
import { describe, expect, it } from 'vitest';
import { ffhqTemplate } from '@diffmac/face-align';
import { INSIGHTFACE_TEMPLATE_112, insightfaceInput } from '../src/index';

describe('insightfaceInput', () => {
  it('maps the FFHQ template of a 512² face onto the 112 template, RGB in [-1, 1], NCHW', () => {
    const size = 512;
    const data = new Uint8Array(size * size * 3);
    for (const [x, y] of ffhqTemplate(size)) {
      for (let dy = -3; dy <= 3; dy++) for (let dx = -3; dx <= 3; dx++) {
        const o = ((Math.round(y) + dy) * size + Math.round(x) + dx) * 3;
        data[o] = 255;
        data[o + 1] = 255;
        data[o + 2] = 255;
      }
    }
    const t = insightfaceInput({ width: size, height: size, channels: 3, data });
    expect(t.shape).toEqual([1, 3, 112, 112]);
    const red = t.data as Float32Array;
    expect(Math.min(...red)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...red)).toBeLessThanOrEqual(1);
    const errors: number[] = [];
    for (const [tx, ty] of INSIGHTFACE_TEMPLATE_112) {
      // The brightest pixel near each template point lies within the fit's residual of it: the two
      // templates are not exactly similar shapes (FFHQ's mouth is relatively wider), so a
      // least-squares similarity leaves a few pixels at the mouth corners.
      let best = -2;
      let at = [0, 0];
      for (let y = Math.floor(ty) - 4; y <= Math.ceil(ty) + 4; y++) for (let x = Math.floor(tx) - 4; x <= Math.ceil(tx) + 4; x++) {
        const v = red[y * 112 + x]!;
        if (v > best) [best, at] = [v, [x, y]];
      }
      expect(best).toBeGreaterThan(0.5);
      expect(Math.hypot(at[0]! - tx, at[1]! - ty)).toBeLessThan(4);
      errors.push(Math.hypot(at[0]! - tx, at[1]! - ty));
    }
    expect(Math.sqrt(errors.reduce((a, e) => a + e * e, 0) / errors.length)).toBeLessThan(2.5);
  });
});
