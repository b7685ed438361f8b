import sharp from 'sharp';
import type { ColorImage } from '@diffmac/base';

/** What the overlay shows of one face. */
export interface OverlayFace {
  readonly box: readonly [number, number, number, number];
  readonly score: number;
  readonly landmarks5: readonly (readonly [number, number])[];
}

const POINT_COLOURS = ['#00e5ff', '#00e5ff', '#ffd600', '#ff4081', '#ff4081'];

/**
 * The photo with what the detector found drawn on it: each face's box, its index and score, and the
 * five alignment points (eyes cyan, nose yellow, mouth corners pink), as a PNG.
 *
 * @example
 * await writeFileAtomic('photo_overlay.png', await overlayPng(photo, faces));
 */
export async function overlayPng(photo: ColorImage<Uint8Array>, faces: readonly OverlayFace[]): Promise<Uint8Array> {
  const line = Math.max(2, Math.round(Math.max(photo.width, photo.height) / 400));
  const shapes = faces.map((f, i) => {
    const [x1, y1, x2, y2] = f.box;
    const r = Math.max(line * 1.5, (x2 - x1) / 40);
    const font = Math.max(12, Math.round((x2 - x1) / 6));
    const points = f.landmarks5.map((p, k) => `<circle cx="${p[0].toFixed(1)}" cy="${p[1].toFixed(1)}" r="${r.toFixed(1)}" fill="${POINT_COLOURS[k]}"/>`).join('');
    const label = `<text x="${x1.toFixed(1)}" y="${Math.max(font, y1 - line).toFixed(1)}" font-family="sans-serif" font-size="${font}" fill="#76ff03" stroke="#000" stroke-width="${(font / 12).toFixed(1)}" paint-order="stroke">${i}: ${f.score.toFixed(2)}</text>`;
    return `<rect x="${x1.toFixed(1)}" y="${y1.toFixed(1)}" width="${(x2 - x1).toFixed(1)}" height="${(y2 - y1).toFixed(1)}" fill="none" stroke="#76ff03" stroke-width="${line}"/>${points}${label}`;
  });
  const svg = `<svg xmlns="http://www.w3.org/2000/svg" width="${photo.width}" height="${photo.height}">${shapes.join('')}</svg>`;
  const png = await sharp(photo.data, { raw: { width: photo.width, height: photo.height, channels: photo.channels } })
    .composite([{ input: Buffer.from(svg) }])
    .png()
    .toBuffer();
  return new Uint8Array(png.buffer, png.byteOffset, png.byteLength);
}
