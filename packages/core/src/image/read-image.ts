import { statSync } from 'node:fs';
import path from 'node:path';
import sharp, { type Metadata, type OutputInfo } from 'sharp';
import { describeValue, DiffmacError, type RasterImage } from '@diffmac/base';

/** Default for {@link ReadImageOptions.pixelLimit}: 100 megapixels. */
export const DEFAULT_PIXEL_LIMIT = 100_000_000;

/** Options of {@link readImage}. */
export interface ReadImageOptions {
  /**
   * Largest width × height accepted, checked from the file header before decoding (default
   * {@link DEFAULT_PIXEL_LIMIT}); larger images are refused with `IMAGE_TOO_LARGE`.
   */
  pixelLimit?: number;
  /**
   * Channels of the result: `auto` (default) gives RGB, or RGBA when the file has alpha (grey is
   * expanded to RGB); `rgb` drops alpha; `rgba` adds an opaque alpha when missing; `keep` keeps
   * grey as 1 (or 2 with alpha) channels and colour as 3 or 4.
   */
  channels?: 'auto' | 'rgb' | 'rgba' | 'keep';
  /**
   * 8 (default): Uint8Array; 16-bit files are reduced as OpenCV's `imread` reduces them: PNG by
   * dropping the low byte (`v >> 8`), TIFF by `round(v / 257)`. 16: Uint16Array; 16-bit files keep
   * every bit, 8-bit files are scaled by 257.
   */
  depth?: 8 | 16;
  /**
   * An embedded ICC profile is `ignore`d by default, so pixels are the stored numbers, as OpenCV's
   * `imread` and PIL give them (what the Python references see); `convert` maps them to sRGB
   * through the profile (what a colour-managed viewer shows).
   */
  icc?: 'ignore' | 'convert';
}

/** A decoded image with what the file said about itself. */
export interface DecodedImage<D extends Uint8Array | Uint16Array = Uint8Array | Uint16Array> extends RasterImage<D> {
  /** Decoder that read the file: `png`, `jpeg`, `webp`, `tiff`, ... */
  readonly format: string;
  /** Bits per sample in the file (8 or 16). */
  readonly sourceDepth: 8 | 16;
  /** EXIF orientation found in the file (1 when none); already applied to the pixels. */
  readonly orientation: number;
  /** Whether the file embeds an ICC profile (see {@link ReadImageOptions.icc}). */
  readonly hasIccProfile: boolean;
}

/** The value options `O` give to `key` (`undefined` when `O` does not name it). */
type OptionOf<O, K extends keyof ReadImageOptions> = K extends keyof O ? O[K] : undefined;

/** The pixel array {@link readImage} returns for options `O`: Uint16Array for `depth: 16`, else Uint8Array. */
export type ReadImagePixels<O extends ReadImageOptions> = [OptionOf<O, 'depth'>] extends [16]
  ? Uint16Array
  : [OptionOf<O, 'depth'>] extends [8 | undefined]
    ? Uint8Array
    : Uint8Array | Uint16Array;

/** The channel counts {@link readImage} can return for options `O` (3 for `rgb`, 4 for `rgba`, 3 or 4 for `auto`). */
export type ReadImageChannels<O extends ReadImageOptions> = [OptionOf<O, 'channels'>] extends ['rgb']
  ? 3
  : [OptionOf<O, 'channels'>] extends ['rgba']
    ? 4
    : [OptionOf<O, 'channels'>] extends ['auto' | undefined]
      ? 3 | 4
      : 1 | 2 | 3 | 4;

/**
 * What {@link readImage} resolves to for options `O`: a {@link DecodedImage} whose pixel array and
 * channel count follow from `depth` and `channels`, so `readImage(f, { channels: 'rgb', depth: 8 })`
 * is a `ColorImage<Uint8Array>` without a cast.
 */
export type ReadImageResult<O extends ReadImageOptions = ReadImageOptions> = DecodedImage<ReadImagePixels<O>> & { readonly channels: ReadImageChannels<O> };

function describeSource(source: string | Uint8Array): string {
  return typeof source === 'string' ? source : `buffer of ${source.length} bytes`;
}

function decodeFailed(source: string | Uint8Array, cause: unknown): never {
  const reason = cause instanceof Error ? cause.message.split('\n')[0] : String(cause);
  const name = describeSource(source);
  const err = cause as NodeJS.ErrnoException;
  if (typeof source === 'string' && err?.code === 'ENOENT') {
    throw new DiffmacError('IMAGE_NOT_FOUND', `Image file not found: ${name}`, { argument: 'source', expected: 'an existing image file', received: name, cause });
  }
  if (typeof source === 'string' && isFolder(source)) {
    throw new DiffmacError('NOT_A_FILE', `${name} is a folder, not an image file; give one of its images (for example ${path.join(source, '*.png')})`, {
      argument: 'source',
      expected: 'an image file',
      received: 'a folder',
      cause,
    });
  }
  if (typeof source === 'string' && /missing|does not exist|no such file/i.test(reason ?? '')) {
    throw new DiffmacError('IMAGE_NOT_FOUND', `Image file not found: ${name}`, { argument: 'source', expected: 'an existing image file', received: name, cause });
  }
  throw new DiffmacError('IMAGE_DECODE_FAILED', `Could not decode image ${name}: ${reason}`, {
    argument: 'source',
    expected: 'a complete PNG, JPEG, WebP, TIFF, GIF or AVIF image',
    received: name,
    cause,
  });
}

function isFolder(file: string): boolean {
  try {
    return statSync(file).isDirectory();
  } catch {
    return false;
  }
}

/**
 * Read an image file (or encoded bytes) into a {@link DecodedImage} through sharp: EXIF
 * orientation applied, alpha kept, 16-bit and grey handled per the options, an embedded ICC
 * profile ignored unless `icc: 'convert'` (OpenCV/PIL parity). Refuses images whose
 * header claims more than `pixelLimit` pixels before decoding them (`IMAGE_TOO_LARGE`); missing
 * files give `IMAGE_NOT_FOUND`, a folder `NOT_A_FILE`; corrupt, truncated or unsupported files give
 * `IMAGE_DECODE_FAILED` naming the file.
 *
 * @example
 * const img = await readImage('face.jpg');                    // Uint8Array RGB(A)
 * const hdr = await readImage('scan.png', { depth: 16 });     // Uint16Array
 * const grey = await readImage('mask.png', { channels: 'keep' });
 * const face: ColorImage<Uint8Array> = await readImage('face.png', { channels: 'rgb', depth: 8 }); // narrowed, no cast
 */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type -- no options: the defaults' result type
export async function readImage<const O extends ReadImageOptions = {}>(source: string | Uint8Array, options?: O): Promise<ReadImageResult<O>> {
  return (await decodeImage(source, options ?? {})) as ReadImageResult<O>;
}

async function decodeImage(source: string | Uint8Array, options: ReadImageOptions): Promise<DecodedImage> {
  if (typeof source !== 'string' && !(source instanceof Uint8Array)) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a file path or a Uint8Array for source, received ${describeValue(source)}`, {
      argument: 'source',
      expected: 'a file path or a Uint8Array',
      received: describeValue(source),
    });
  }
  const pixelLimit = options.pixelLimit ?? DEFAULT_PIXEL_LIMIT;
  if (!Number.isInteger(pixelLimit) || pixelLimit < 1) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a positive integer for pixelLimit, received ${describeValue(pixelLimit)}`, {
      argument: 'pixelLimit',
      expected: 'a positive integer',
      received: describeValue(pixelLimit),
    });
  }
  const mode = options.channels ?? 'auto';
  if (!['auto', 'rgb', 'rgba', 'keep'].includes(mode)) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected 'auto', 'rgb', 'rgba' or 'keep' for channels, received ${describeValue(mode)}`, {
      argument: 'channels',
      expected: "'auto' | 'rgb' | 'rgba' | 'keep'",
      received: describeValue(mode),
    });
  }
  const depth = options.depth ?? 8;
  if (depth !== 8 && depth !== 16) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected 8 or 16 for depth, received ${describeValue(depth)}`, {
      argument: 'depth',
      expected: '8 or 16',
      received: describeValue(depth),
    });
  }
  const icc = options.icc ?? 'ignore';
  if (icc !== 'ignore' && icc !== 'convert') {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected 'ignore' or 'convert' for icc, received ${describeValue(icc)}`, {
      argument: 'icc',
      expected: "'ignore' | 'convert'",
      received: describeValue(icc),
    });
  }
  const input = typeof source === 'string' ? source : Buffer.from(source.buffer, source.byteOffset, source.byteLength);

  let meta: Metadata;
  try {
    meta = await sharp(input, { limitInputPixels: false, failOn: 'error' }).metadata();
  } catch (cause) {
    decodeFailed(source, cause);
  }
  const pixels = meta.width * meta.height;
  if (pixels > pixelLimit) {
    const got = `${meta.width}×${meta.height} (${pixels} pixels)`;
    throw new DiffmacError('IMAGE_TOO_LARGE', `Image ${describeSource(source)} is ${got}, over the limit of ${pixelLimit} pixels (raise pixelLimit to read it)`, {
      argument: 'source',
      expected: `at most ${pixelLimit} pixels`,
      received: got,
    });
  }
  const grey = meta.space === 'b-w' || meta.space === 'grey16';
  const hasAlpha = meta.hasAlpha === true;
  const source16 = meta.depth === 'ushort' || meta.bitsPerSample === 16;
  let channels: 1 | 2 | 3 | 4;
  if (mode === 'rgb') channels = 3;
  else if (mode === 'rgba') channels = 4;
  else if (mode === 'keep' && grey) channels = hasAlpha ? 2 : 1;
  else channels = hasAlpha ? 4 : 3;
  // OpenCV reduces 16-bit TIFF with rounding (v / 257); sharp, like OpenCV for PNG, drops the low byte.
  const roundTo8 = depth === 8 && source16 && meta.format === 'tiff';
  const read16 = (depth === 16 || roundTo8) && source16;

  let pipeline = sharp(input, { limitInputPixels: pixelLimit, failOn: 'error', autoOrient: true, ignoreIcc: icc === 'ignore' });
  pipeline = pipeline.toColourspace(channels <= 2 ? (read16 ? 'grey16' : 'b-w') : read16 ? 'rgb16' : 'srgb');
  const alphaWanted = channels === 2 || channels === 4;
  if (alphaWanted && !hasAlpha) pipeline = pipeline.ensureAlpha(1);
  if (!alphaWanted && hasAlpha) pipeline = pipeline.removeAlpha();
  let raw: { data: Buffer; info: OutputInfo };
  try {
    raw = await pipeline.raw({ depth: read16 ? 'ushort' : 'uchar' }).toBuffer({ resolveWithObject: true });
  } catch (cause) {
    decodeFailed(source, cause);
  }
  const { info } = raw;
  if (info.channels !== channels) {
    throw new DiffmacError('IMAGE_DECODE_FAILED', `Could not decode image ${describeSource(source)} to ${channels} channels (got ${info.channels})`, {
      argument: 'source',
      expected: `${channels} channels`,
      received: `${info.channels} channels`,
    });
  }
  let data: Uint8Array | Uint16Array;
  if (read16) {
    const deep = new Uint16Array(info.width * info.height * channels);
    new Uint8Array(deep.buffer).set(raw.data);
    data = deep;
    if (roundTo8) {
      data = new Uint8Array(deep.length);
      for (let i = 0; i < deep.length; i++) data[i] = Math.round(deep[i]! / 257);
    }
  } else if (depth === 16) {
    data = new Uint16Array(raw.data.length);
    for (let i = 0; i < raw.data.length; i++) data[i] = raw.data[i]! * 257;
  } else {
    data = new Uint8Array(raw.data.buffer, raw.data.byteOffset, raw.data.length).slice();
  }
  return {
    width: info.width,
    height: info.height,
    channels,
    data,
    format: meta.format,
    sourceDepth: source16 ? 16 : 8,
    orientation: meta.orientation ?? 1,
    hasIccProfile: meta.icc !== undefined,
  };
}
