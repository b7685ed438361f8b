import { type ColorImage, filter2d, invalidArgument, type NoiseSource, resizeLinear } from '@diffmac/base';
import { encodeImage, readImage } from '@diffmac/core';
import { bivariateGaussianKernel } from './blur-kernel';
import { toFloatImage, toUint8Image, type FloatImage } from './float-image';
import type { DegradationParams } from './presets';

/** JPEG round trip of an 8-bit RGB image at an integer quality. */
export type JpegRoundTrip = (image: ColorImage<Uint8Array>, quality: number) => Promise<ColorImage<Uint8Array>>;

/** JPEG through sharp (libjpeg-turbo). Its bytes differ from OpenCV's encoder, so LQ pixels differ slightly from BasicSR's. */
export const sharpJpeg: JpegRoundTrip = async (image, quality) => {
  const bytes = await encodeImage(image, { format: 'jpeg', quality });
  const decoded = await readImage(bytes, { channels: 'rgb' });
  return decoded as ColorImage<Uint8Array>;
};

/** Options of {@link degradeImage}. */
export interface DegradeImageOptions {
  /** Source of the Gaussian noise (a seeded RNG); required when `params.noiseSigma > 0`. */
  noise?: NoiseSource;
  /** JPEG codec (default {@link sharpJpeg}). */
  jpeg?: JpegRoundTrip;
}

/**
 * Degrade one HQ face as the GFPGAN family does (PROTOCOLS.md §1), with explicit parameters:
 * blur → bilinear downsample to `floor(w/scale)` → Gaussian noise (clipped) → JPEG → bilinear
 * resize back to the input size → round to 8-bit. Alpha is dropped. The input is not changed.
 *
 * @example
 * const rng = createRng(0).fork('0001.png');
 * const params = degradationPreset('gfpgan').draw(rng, 0);
 * const lq = await degradeImage(hq, params, { noise: rng });
 */
export async function degradeImage(image: ColorImage<Uint8Array>, params: DegradationParams, options: DegradeImageOptions = {}): Promise<ColorImage<Uint8Array>> {
  if (!(image.data instanceof Uint8Array)) invalidArgument('image.data', 'an 8-bit image (Uint8Array)', image.data);
  const { width: w, height: h } = image;
  let x: FloatImage = toFloatImage(dropAlpha(image));

  const { size, sigmaX, sigmaY, theta, type } = params.kernel;
  x = filter2d(x, bivariateGaussianKernel(size, sigmaX, type === 'iso' ? sigmaX : sigmaY, type === 'iso' ? 0 : theta), size);

  if (!(params.scale > 0)) invalidArgument('params.scale', 'a positive scale', params.scale);
  x = resizeLinear(x, Math.max(1, Math.floor(w / params.scale)), Math.max(1, Math.floor(h / params.scale)));

  if (params.noiseSigma > 0) {
    if (!options.noise) invalidArgument('options.noise', 'a noise source (seeded RNG) for noiseSigma > 0', options.noise);
    x = addGaussianNoise(x, params.noiseSigma, options.noise);
  }

  const jpeg = options.jpeg ?? sharpJpeg;
  const compressed = await jpeg(toUint8Image(x) as ColorImage<Uint8Array>, params.jpegQuality);
  x = toFloatImage(compressed);

  x = resizeLinear(x, w, h);
  return toUint8Image(x) as ColorImage<Uint8Array>;
}

/** BasicSR's `add_gaussian_noise(img, sigma, clip=True, rounds=False)`: float32 noise σ/255, then clip to [0, 1]. */
function addGaussianNoise(image: FloatImage, sigma: number, noise: NoiseSource): FloatImage {
  const n = new Float32Array(image.data.length);
  noise.normal(n);
  const out = new Float32Array(n.length);
  for (let i = 0; i < n.length; i++) {
    const v = Math.fround(image.data[i]! + Math.fround(Math.fround(n[i]! * sigma) / 255));
    out[i] = v < 0 ? 0 : v > 1 ? 1 : v;
  }
  return { ...image, data: out };
}

function dropAlpha(image: ColorImage<Uint8Array>): ColorImage<Uint8Array> {
  if (image.channels === 3) return image;
  const n = image.width * image.height;
  const data = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    data[3 * i] = image.data[4 * i]!;
    data[3 * i + 1] = image.data[4 * i + 1]!;
    data[3 * i + 2] = image.data[4 * i + 2]!;
  }
  return { width: image.width, height: image.height, channels: 3, data };
}
