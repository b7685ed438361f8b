/**
 * An image in memory: interleaved (HWC), row-major, top-left origin, RGB(A) channel order.
 * 8-bit images use Uint8Array (0–255), 16-bit ones Uint16Array (0–65535), float ones
 * Float32Array (0–1 unless a function says otherwise).
 *
 * @example
 * const img: RasterImage = { width: 2, height: 1, channels: 3, data: new Uint8Array([255, 0, 0, 0, 0, 255]) };
 */
export interface RasterImage<D extends ImagePixels = ImagePixels> {
  readonly width: number;
  readonly height: number;
  /** 1 grey, 2 grey + alpha, 3 RGB, 4 RGBA. */
  readonly channels: 1 | 2 | 3 | 4;
  readonly data: D;
}

/** Pixel storage a {@link RasterImage} may use. */
export type ImagePixels = Uint8Array | Uint16Array | Float32Array;

/** The colour image type at face-align's and eval's boundary: RGB or RGBA, 8-bit or float. */
export interface ColorImage<D extends Uint8Array | Float32Array = Uint8Array | Float32Array> extends RasterImage<D> {
  readonly channels: 3 | 4;
}

/**
 * A float32 image, HWC, 1–4 channels; values in [0, 1] by convention, though they may leave that
 * range between processing steps (the degradation pipeline's intermediate images).
 *
 * @example
 * const f: FloatImage = { width: 1, height: 1, channels: 3, data: new Float32Array([1, 0, 0.2]) };
 */
export type FloatImage = RasterImage<Float32Array>;
