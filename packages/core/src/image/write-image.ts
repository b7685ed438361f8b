import path from 'node:path';
import sharp from 'sharp';
import { assertRasterImage, describeValue, DiffmacError, type RasterImage } from '@diffmac/base';
import { writeFileAtomic } from '../io/write-file-atomic';
import { float32ToUint16, float32ToUint8 } from '../tensor/dtype';

/** Formats {@link writeImage} and {@link encodeImage} write. */
export type ImageFormat = 'png' | 'jpeg' | 'webp';

/** Options of {@link encodeImage} and {@link writeImage}. */
export interface EncodeImageOptions {
  /** Output format; {@link writeImage} takes it from the file extension when omitted. */
  format?: ImageFormat;
  /** JPEG / WebP quality 1–100 (default 90). */
  quality?: number;
  /** WebP only: lossless (default false). */
  lossless?: boolean;
  /** PNG only: zlib compression level 0 (fastest) to 9 (smallest), default 6. Lossless either way. */
  compressionLevel?: number;
  /** PNG only: 8 or 16 bits per sample (default 16 for Uint16Array images, else 8). JPEG and WebP are always 8. */
  depth?: 8 | 16;
  /** {@link writeImage} only: replace an existing file (default true); false fails with `OUTPUT_EXISTS`. */
  overwrite?: boolean;
}

const EXTENSIONS: Readonly<Record<string, ImageFormat>> = { '.png': 'png', '.jpg': 'jpeg', '.jpeg': 'jpeg', '.webp': 'webp' };

/**
 * The format a file name implies, from its extension (`.png`, `.jpg`/`.jpeg`, `.webp`).
 * Throws `UNSUPPORTED_IMAGE_FORMAT` for any other extension.
 *
 * @example
 * formatFromPath('out/face.JPG'); // 'jpeg'
 */
export function formatFromPath(file: string): ImageFormat {
  const ext = path.extname(file).toLowerCase();
  const format = EXTENSIONS[ext];
  if (format === undefined) {
    throw new DiffmacError('UNSUPPORTED_IMAGE_FORMAT', `Cannot tell the image format of ${file}: use .png, .jpg, .jpeg or .webp, or pass options.format`, {
      argument: 'path',
      expected: '.png, .jpg, .jpeg or .webp',
      received: ext === '' ? 'no extension' : ext,
    });
  }
  return format;
}

function toPixels(image: RasterImage, sixteen: boolean): Uint8Array | Uint16Array {
  const { data } = image;
  if (data instanceof Float32Array) return sixteen ? float32ToUint16(data) : float32ToUint8(data);
  if (data instanceof Uint8Array) {
    if (!sixteen) return data;
    const out = new Uint16Array(data.length);
    for (let i = 0; i < data.length; i++) out[i] = data[i]! * 257;
    return out;
  }
  if (sixteen) return data;
  const out = new Uint8Array(data.length);
  for (let i = 0; i < data.length; i++) out[i] = Math.round(data[i]! / 257);
  return out;
}

/**
 * Encode a {@link RasterImage} as PNG, JPEG or WebP bytes. Float images are clamped to [0, 1]
 * and rounded half to even; 16-bit images are kept 16-bit in PNG and reduced (`round(v / 257)`)
 * elsewhere; JPEG drops alpha.
 *
 * @example
 * const png = await encodeImage(image, { format: 'png' });
 */
export async function encodeImage(image: RasterImage, options: EncodeImageOptions = {}): Promise<Buffer> {
  assertRasterImage(image, 'image');
  const format = options.format;
  if (format !== 'png' && format !== 'jpeg' && format !== 'webp') {
    throw new DiffmacError('UNSUPPORTED_IMAGE_FORMAT', `Expected 'png', 'jpeg' or 'webp' for format, received ${describeValue(format)}`, {
      argument: 'format',
      expected: "'png' | 'jpeg' | 'webp'",
      received: describeValue(format),
    });
  }
  const quality = options.quality ?? 90;
  if (!Number.isInteger(quality) || quality < 1 || quality > 100) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected an integer in [1, 100] for quality, received ${describeValue(quality)}`, {
      argument: 'quality',
      expected: 'an integer in [1, 100]',
      received: describeValue(quality),
    });
  }
  if (options.depth !== undefined && options.depth !== 8 && options.depth !== 16) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected 8 or 16 for depth, received ${describeValue(options.depth)}`, {
      argument: 'depth',
      expected: '8 or 16',
      received: describeValue(options.depth),
    });
  }
  const compressionLevel = options.compressionLevel ?? 6;
  if (!Number.isInteger(compressionLevel) || compressionLevel < 0 || compressionLevel > 9) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected an integer in [0, 9] for compressionLevel, received ${describeValue(compressionLevel)}`, {
      argument: 'compressionLevel',
      expected: 'an integer in [0, 9]',
      received: describeValue(compressionLevel),
    });
  }
  const sixteen = format === 'png' && (options.depth ?? (image.data instanceof Uint16Array ? 16 : 8)) === 16;
  const pixels = toPixels(image, sixteen);
  const grey = image.channels <= 2;
  let pipeline = sharp(pixels, { raw: { width: image.width, height: image.height, channels: image.channels }, limitInputPixels: false });
  pipeline = pipeline.toColourspace(grey ? (sixteen ? 'grey16' : 'b-w') : sixteen ? 'rgb16' : 'srgb');
  if (format === 'jpeg') return pipeline.removeAlpha().jpeg({ quality }).toBuffer();
  if (format === 'webp') return pipeline.webp({ quality, lossless: options.lossless ?? false }).toBuffer();
  return pipeline.png({ compressionLevel }).toBuffer();
}

/**
 * Write an image file atomically: encode (format from the extension unless given), write a
 * temporary file in the same folder, flush it, then rename it over `file` (with `overwrite: false`,
 * fail with `OUTPUT_EXISTS` instead of replacing a file). On any failure the temporary file is
 * removed and an existing `file` is left untouched. Errors: `UNSUPPORTED_IMAGE_FORMAT`,
 * `INVALID_IMAGE`, `OUTPUT_EXISTS`, `IMAGE_WRITE_FAILED` (naming the file and the reason).
 *
 * @example
 * await writeImage('out/restored.png', restored);
 * await writeImage('out/preview.jpg', restored, { quality: 85 });
 */
export async function writeImage(file: string, image: RasterImage, options: EncodeImageOptions = {}): Promise<void> {
  if (typeof file !== 'string' || file === '') {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a file path for path, received ${describeValue(file)}`, {
      argument: 'path',
      expected: 'a file path',
      received: describeValue(file),
    });
  }
  const format = options.format ?? formatFromPath(file);
  const bytes = await encodeImage(image, { ...options, format });
  try {
    await writeFileAtomic(file, bytes, { overwrite: options.overwrite ?? true });
  } catch (cause) {
    if (cause instanceof DiffmacError && cause.code === 'OUTPUT_EXISTS') throw cause;
    const reason = cause instanceof DiffmacError ? cause.message.replace(/^Could not write [^:]*: /, '') : String(cause);
    throw new DiffmacError('IMAGE_WRITE_FAILED', `Could not write image ${file}: ${reason}`, {
      argument: 'path',
      expected: 'a writable file path',
      received: file,
      cause,
    });
  }
}
