import type { ColorImage } from '@diffmac/base';
import type { Planes } from '../image/planes';

const fround = Math.fround;

function channelFloat32(img: ColorImage, ch: number): Float32Array {
  const n = img.width * img.height;
  const out = new Float32Array(n);
  const c = img.channels;
  const u8 = img.data instanceof Uint8Array;
  for (let i = 0, s = ch; i < n; i++, s += c) out[i] = u8 ? (img.data[s] as number) / 255 : (img.data[s] as number);
  return out;
}

function meanStd(x: Float32Array): [number, number] {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] as number;
  const mean = s / x.length;
  let v = 0;
  for (let i = 0; i < x.length; i++) {
    const d = (x[i] as number) - mean;
    v += d * d;
  }
  return [fround(mean), fround(Math.sqrt(v / x.length))];
}

function crop(plane: Float64Array, width: number, height: number, border: number): Float64Array {
  if (border === 0) return plane;
  const w = width - 2 * border;
  const h = height - 2 * border;
  const out = new Float64Array(w * h);
  for (let r = 0; r < h; r++) out.set(plane.subarray((r + border) * width + border, (r + border) * width + border + w), r * w);
  return out;
}

/**
 * VQFR's `metric_paper/calculate_psnr_ssim.py` preparation (its `--correct_mean_var` flag is on by
 * default): both images as float32 in [0,1]; each channel of `img` shifted to the mean and scaled
 * to the (population) standard deviation of the same channel of `ref`, twice; optionally BasicSR's
 * Y of the float images; both then ×255 (float32) and cropped. Statistics are summed in float64
 * and rounded to float32 where numpy stores float32. Returns planes for {@link psnrOfPlanes} and
 * {@link ssimOfPlanes}.
 *
 * @example
 * const { a, b } = meanStdCorrectedPlanes(restored, gt, { yChannel: false, cropBorder: 0 });
 * psnrOfPlanes(a, b);
 */
export function meanStdCorrectedPlanes(img: ColorImage, ref: ColorImage, options: { yChannel: boolean; cropBorder: number }): { a: Planes; b: Planes } {
  const n = img.width * img.height;
  const corrected: Float32Array[] = [];
  const gts: Float32Array[] = [];
  for (let ch = 0; ch < 3; ch++) {
    const g = channelFloat32(ref, ch);
    const [gm, gs] = meanStd(g);
    const r = channelFloat32(img, ch);
    for (let round = 0; round < 2; round++) {
      const [m] = meanStd(r);
      for (let i = 0; i < n; i++) r[i] = fround(fround((r[i] as number) - m) + gm);
      const [, s] = meanStd(r);
      for (let i = 0; i < n; i++) r[i] = fround(fround((r[i] as number) / s) * gs);
    }
    corrected.push(r);
    gts.push(g);
  }
  const toPlanes255 = (chs: Float32Array[]): Float64Array[] => {
    if (options.yChannel) {
      const [R, G, B] = chs as [Float32Array, Float32Array, Float32Array];
      const y = new Float64Array(n);
      for (let i = 0; i < n; i++) {
        const t = 24.966 * (B[i] as number) + 128.553 * (G[i] as number) + 65.481 * (R[i] as number) + 16.0;
        y[i] = fround(fround(t / 255) * 255);
      }
      return [y];
    }
    return chs.map((c) => Float64Array.from(c, (v) => fround(v * 255)));
  };
  const w = img.width - 2 * options.cropBorder;
  const h = img.height - 2 * options.cropBorder;
  const wrap = (planes: Float64Array[]): Planes => ({
    width: w,
    height: h,
    planes: planes.map((p) => crop(p, img.width, img.height, options.cropBorder)),
  });
  return { a: wrap(toPlanes255(corrected)), b: wrap(toPlanes255(gts)) };
}
