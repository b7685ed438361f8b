/**
 * Tiled inference for image-to-image networks that upsample by an integer factor: the image is cut
 * into overlapping tiles, each tile runs on its own, and the overlaps are cross-faded with linear
 * ramps, so the seams do not show and the network's memory stays that of one tile whatever the
 * image size.
 */
import { type ColorImage, describeValue, DiffmacError } from '@diffmac/base';

/** Runs the network on one tile: `[1, 3, h, w]` RGB 0–255 in, `[1, 3, scale·h, scale·w]` out. */
export type TileRunner = (tile: Float32Array, height: number, width: number, signal?: AbortSignal) => Promise<Float32Array>;

/** Progress of {@link upsampleTiled}: tiles done out of the total. */
export interface TileProgress {
  readonly done: number;
  readonly total: number;
}

/** Options of {@link upsampleTiled}. */
export interface UpsampleTiledOptions {
  /** Integer factor the network upsamples by. */
  readonly scale: number;
  /** Tile side in input pixels (default 128). */
  readonly tileSize?: number;
  /** Overlap between neighbouring tiles in input pixels (default 16), cross-faded in the output. */
  readonly overlap?: number;
  readonly signal?: AbortSignal;
  readonly onProgress?: (event: TileProgress) => void;
}

function positiveInt(name: string, value: number, min: number): void {
  if (!Number.isInteger(value) || value < min) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected an integer ≥ ${min} for ${name}, received ${describeValue(value)}`, { argument: name, expected: `an integer ≥ ${min}`, received: describeValue(value) });
  }
}

/**
 * Tile origins along one axis of `length`: step `tile − overlap`, the last tile flush with the end.
 *
 * @example
 * tileStarts(300, 128, 16); // [0, 112, 172]
 */
export function tileStarts(length: number, tile: number, overlap: number): number[] {
  if (length <= tile) return [0];
  const starts: number[] = [];
  for (let s = 0; ; s += tile - overlap) {
    if (s + tile >= length) {
      starts.push(length - tile);
      break;
    }
    starts.push(s);
  }
  return starts;
}

/**
 * Weight of output position `p` (0-based inside a tile of output length `len`) along one axis:
 * a linear ramp over `band` output pixels on each side that borders another tile, 1 elsewhere.
 */
function ramp(p: number, len: number, band: number, fadeStart: boolean, fadeEnd: boolean): number {
  let w = 1;
  if (fadeStart && p < band) w = Math.min(w, (p + 0.5) / band);
  if (fadeEnd && len - 1 - p < band) w = Math.min(w, (len - 1 - p + 0.5) / band);
  return w;
}

/**
 * Upsample an RGB(A) image by `options.scale` with `run`, tile by tile. Alpha, when present, is
 * upsampled by pixel replication. The result is 8-bit RGB(A), rounded and clamped.
 *
 * @example
 * const big = await upsampleTiled(photo, (tile, h, w) => runModel(tile, h, w), { scale: 4, tileSize: 128, overlap: 16 });
 */
export async function upsampleTiled(image: ColorImage, run: TileRunner, options: UpsampleTiledOptions): Promise<ColorImage<Uint8Array>> {
  const { scale } = options;
  const tile = options.tileSize ?? 128;
  const overlap = options.overlap ?? 16;
  positiveInt('scale', scale, 1);
  positiveInt('tileSize', tile, 8);
  positiveInt('overlap', overlap, 0);
  if (overlap * 2 >= tile) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected an overlap under half the tile size (${tile}), received ${overlap}`, { argument: 'overlap', expected: `< ${tile / 2}`, received: String(overlap) });
  }
  const { width: W, height: H, channels: C, data } = image;
  if (!Number.isInteger(W) || !Number.isInteger(H) || W < 1 || H < 1 || (C !== 3 && C !== 4) || data.length !== W * H * C) {
    throw new DiffmacError('INVALID_IMAGE', `Expected an RGB or RGBA image with width × height × channels values, received ${W}×${H}×${C} with ${data?.length} values`, {
      argument: 'image',
      expected: 'a ColorImage',
      received: `${W}×${H}×${C}`,
    });
  }
  const float = data instanceof Float32Array; // floats are 0–1
  const OW = W * scale;
  const OH = H * scale;
  const acc = new Float32Array(3 * OW * OH);
  const weight = new Float32Array(OW * OH);
  const ys = tileStarts(H, tile, overlap);
  const xs = tileStarts(W, tile, overlap);
  const total = ys.length * xs.length;
  const band = overlap * scale;
  let done = 0;
  for (const y0 of ys) {
    for (const x0 of xs) {
      options.signal?.throwIfAborted();
      const th = Math.min(tile, H - y0);
      const tw = Math.min(tile, W - x0);
      const input = new Float32Array(3 * th * tw);
      for (let y = 0; y < th; y++) {
        for (let x = 0; x < tw; x++) {
          const src = ((y0 + y) * W + x0 + x) * C;
          for (let c = 0; c < 3; c++) input[(c * th + y) * tw + x] = float ? (data[src + c] as number) * 255 : (data[src + c] as number);
        }
      }
      const out = await run(input, th, tw, options.signal);
      const oh = th * scale;
      const ow = tw * scale;
      if (out.length !== 3 * oh * ow) {
        throw new DiffmacError('MODEL_OUTPUT_SHAPE', `The upsampler returned ${out.length} values for a ${tw}×${th} tile; expected ${3 * oh * ow} (×${scale})`, {
          argument: 'run',
          expected: `[1, 3, ${oh}, ${ow}]`,
          received: `${out.length} values`,
        });
      }
      const oy0 = y0 * scale;
      const ox0 = x0 * scale;
      for (let y = 0; y < oh; y++) {
        const wy = ramp(y, oh, band, y0 > 0, y0 + th < H);
        for (let x = 0; x < ow; x++) {
          const w = wy * ramp(x, ow, band, x0 > 0, x0 + tw < W);
          const o = (oy0 + y) * OW + ox0 + x;
          weight[o] = (weight[o] as number) + w;
          for (let c = 0; c < 3; c++) acc[c * OW * OH + o] = (acc[c * OW * OH + o] as number) + w * (out[(c * oh + y) * ow + x] as number);
        }
      }
      done++;
      options.onProgress?.({ done, total });
    }
  }
  const result = new Uint8Array(OW * OH * C);
  for (let o = 0; o < OW * OH; o++) {
    const w = weight[o] as number;
    for (let c = 0; c < 3; c++) {
      const v = Math.round((acc[c * OW * OH + o] as number) / w);
      result[o * C + c] = v < 0 ? 0 : v > 255 ? 255 : v;
    }
  }
  if (C === 4) {
    for (let y = 0; y < OH; y++) {
      for (let x = 0; x < OW; x++) {
        const a = data[(Math.floor(y / scale) * W + Math.floor(x / scale)) * 4 + 3] as number;
        result[(y * OW + x) * 4 + 3] = float ? Math.max(0, Math.min(255, Math.round(a * 255))) : a;
      }
    }
  }
  return { width: OW, height: OH, channels: C, data: result };
}
