import type { ColorImage } from '../image';

/** RGB pixels in 0–255 as float32, HWC. */
export interface RgbFloat {
  readonly width: number;
  readonly height: number;
  readonly data: Float32Array;
}

/**
 * Drop alpha and bring pixels to 0–255 float32 (uint8 as is, float images ×255), as face-api's
 * nets expect.
 *
 * @example
 * const rgb = toRgb255({ width: 1, height: 1, channels: 4, data: new Uint8Array([1, 2, 3, 255]) });
 */
export function toRgb255(image: ColorImage): RgbFloat {
  const { width, height, channels, data } = image;
  const out = new Float32Array(width * height * 3);
  if (data instanceof Uint8Array && channels === 3) {
    out.set(data);
  } else if (data instanceof Uint8Array) {
    for (let i = 0, j = 0; i < out.length; i += 3, j += channels) {
      out[i] = data[j] as number;
      out[i + 1] = data[j + 1] as number;
      out[i + 2] = data[j + 2] as number;
    }
  } else {
    for (let i = 0, j = 0; i < out.length; i += 3, j += channels) {
      out[i] = (data[j] as number) * 255;
      out[i + 1] = (data[j + 1] as number) * 255;
      out[i + 2] = (data[j + 2] as number) * 255;
    }
  }
  return { width, height, data: out };
}

/** An integer pixel rectangle. */
export interface PixelRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Where a square net input came from: the padded square's side and the crop's offset inside it. */
export interface SquareGeometry {
  /** Side of the zero-padded square, in source pixels. */
  readonly side: number;
  /** Offset of the crop inside the square (zeros before it), in source pixels. */
  readonly offsetX: number;
  readonly offsetY: number;
  /** Crop origin in the source image. */
  readonly x: number;
  readonly y: number;
}

/**
 * face-api's `toBatchTensor`: cut `rect` from `rgb`, pad it with zeros to a square (at the
 * bottom/right, or split around it when `centre`, the larger half after), then resize to
 * `size`² with TFJS's bilinear rule (align_corners false, half_pixel_centers false). Writes
 * into `out` at `outOffset` (size² × 3 floats) and returns the geometry for mapping points back.
 *
 * @example
 * const t = new Float32Array(112 * 112 * 3);
 * squareResize(rgb, { x: 10, y: 20, width: 80, height: 90 }, 112, true, t, 0);
 */
export function squareResize(rgb: RgbFloat, rect: PixelRect, size: number, centre: boolean, out: Float32Array, outOffset: number): SquareGeometry {
  const side = Math.max(rect.width, rect.height);
  const diff = Math.abs(rect.width - rect.height);
  const before = centre ? diff - Math.round(diff * 0.5) : 0;
  const offsetX = rect.width < rect.height ? before : 0;
  const offsetY = rect.height < rect.width ? before : 0;
  const scale = side / size;
  const src = rgb.data;
  const stride = rgb.width * 3;
  // Per output column / row: the two source taps (as offsets, -1 for the zero padding) and the weight.
  const taps = (n: number, offset: number, extent: number, origin: number, step: number) => {
    const a = new Int32Array(n);
    const b = new Int32Array(n);
    const f = new Float64Array(n);
    const at = (s: number) => (s - offset < 0 || s - offset >= extent ? -1 : (origin + s - offset) * step);
    for (let i = 0; i < n; i++) {
      const p = Math.fround(i * scale);
      const p0 = Math.floor(p);
      a[i] = at(p0);
      b[i] = at(Math.min(side - 1, Math.ceil(p)));
      f[i] = p - p0;
    }
    return { a, b, f };
  };
  const cols = taps(size, offsetX, rect.width, rect.x, 3);
  const rows = taps(size, offsetY, rect.height, rect.y, stride);
  const value = (row: number, col: number, c: number) => (row < 0 || col < 0 ? 0 : (src[row + col + c] as number));
  for (let r = 0; r < size; r++) {
    const r0 = rows.a[r] as number;
    const r1 = rows.b[r] as number;
    const dy = rows.f[r] as number;
    for (let q = 0; q < size; q++) {
      const c0 = cols.a[q] as number;
      const c1 = cols.b[q] as number;
      const dx = cols.f[q] as number;
      const o = outOffset + (r * size + q) * 3;
      for (let c = 0; c < 3; c++) {
        const tl = value(r0, c0, c);
        const tr = value(r0, c1, c);
        const bl = value(r1, c0, c);
        const br = value(r1, c1, c);
        const top = tl + (tr - tl) * dx;
        const bottom = bl + (br - bl) * dx;
        out[o + c] = top + (bottom - top) * dy;
      }
    }
  }
  return { side, offsetX, offsetY, x: rect.x, y: rect.y };
}
