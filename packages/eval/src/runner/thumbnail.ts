import { type RasterImage } from '@diffmac/base';
import { encodeImage, readImage } from '@diffmac/core';

/**
 * A small JPEG data URI of an image file for HTML reports: box-averaged down to at most
 * `maxSide` pixels per side. Undefined when the file cannot be read.
 *
 * @example
 * const src = await thumbnailDataUri('restored/0001.png', 160);
 */
export async function thumbnailDataUri(file: string, maxSide = 160): Promise<string | undefined> {
  try {
    const img = await readImage(file, { channels: 'rgb' });
    const small = boxDownscale(img as RasterImage<Uint8Array>, maxSide);
    const bytes = await encodeImage(small, { format: 'jpeg', quality: 85 });
    return `data:image/jpeg;base64,${Buffer.from(bytes).toString('base64')}`;
  } catch {
    return undefined;
  }
}

function boxDownscale(img: RasterImage<Uint8Array>, maxSide: number): RasterImage<Uint8Array> {
  const factor = Math.max(1, Math.ceil(Math.max(img.width, img.height) / maxSide));
  if (factor === 1) return img;
  const w = Math.floor(img.width / factor);
  const h = Math.floor(img.height / factor);
  const c = img.channels;
  const out = new Uint8Array(w * h * c);
  const area = factor * factor;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      for (let ch = 0; ch < c; ch++) {
        let s = 0;
        for (let dy = 0; dy < factor; dy++) {
          const row = (y * factor + dy) * img.width;
          for (let dx = 0; dx < factor; dx++) s += img.data[(row + x * factor + dx) * c + ch]!;
        }
        out[(y * w + x) * c + ch] = Math.round(s / area);
      }
    }
  }
  return { width: w, height: h, channels: c, data: out };
}
