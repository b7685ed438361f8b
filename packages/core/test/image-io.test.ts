import { mkdtemp, readdir, readFile, rm, stat, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { crc32 } from 'node:zlib';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, expectTypeOf, it } from 'vitest';
import {
  DEFAULT_PIXEL_LIMIT,
  DiffmacError,
  encodeImage,
  float32ToUint8,
  formatFromPath,
  readImage,
  writeImage,
  type ColorImage,
  type RasterImage,
  type ReadImageOptions,
} from '@diffmac/core';

let dir = '';
beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'diffmac-image-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function rejection(p: Promise<unknown>): Promise<DiffmacError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(DiffmacError);
    return e as DiffmacError;
  }
  throw new Error('expected a rejection');
}

/** A deterministic 8-bit RGB test pattern. */
function pattern(width: number, height: number, channels: 3 | 4 = 3): RasterImage<Uint8Array> {
  const data = new Uint8Array(width * height * channels);
  for (let y = 0; y < height; y++)
    for (let x = 0; x < width; x++)
      for (let c = 0; c < channels; c++) data[(y * width + x) * channels + c] = (x * 37 + y * 11 + c * 71) % 256;
  return { width, height, channels, data };
}

describe('readImage', () => {
  it('reads an RGB PNG exactly, with its format and depth', async () => {
    const img = pattern(7, 5);
    const file = path.join(dir, 'rgb.png');
    await sharp(img.data, { raw: { width: 7, height: 5, channels: 3 } }).png().toFile(file);
    const back = await readImage(file);
    expect([back.width, back.height, back.channels, back.format, back.sourceDepth]).toEqual([7, 5, 3, 'png', 8]);
    expect(back.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(back.data)).toEqual(Array.from(img.data));
    // bytes in memory work the same
    const fromBytes = await readImage(new Uint8Array(await readFile(file)));
    expect(Array.from(fromBytes.data)).toEqual(Array.from(img.data));
  });

  it('applies EXIF orientation (JPEG with orientation 6 is rotated 90° clockwise)', async () => {
    // 32×16 stored: left half red, right half blue.
    const w = 32;
    const h = 16;
    const raw = new Uint8Array(w * h * 3);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) raw.set(x < w / 2 ? [255, 0, 0] : [0, 0, 255], (y * w + x) * 3);
    const file = path.join(dir, 'rotated.jpg');
    await sharp(raw, { raw: { width: w, height: h, channels: 3 } }).jpeg({ quality: 100 }).withMetadata({ orientation: 6 }).toFile(file);
    const img = await readImage(file);
    expect(img.orientation).toBe(6);
    expect([img.width, img.height]).toEqual([16, 32]);
    const px = (x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
    // The stored left edge is now the top: red on top, blue below.
    expect(px(8, 4)[0]).toBeGreaterThan(200);
    expect(px(8, 4)[2]).toBeLessThan(60);
    expect(px(8, 28)[2]).toBeGreaterThan(200);
    expect(px(8, 28)[0]).toBeLessThan(60);
  });

  it('decodes JPEG to exactly the pixels OpenCV (cv2.imread) gives', async () => {
    const fixtures = new URL('./image-fixtures/', import.meta.url);
    const jpeg = await readImage(new URL('opencv-q75-420.jpg', fixtures).pathname);
    const cv = await readImage(new URL('opencv-q75-420.decoded.png', fixtures).pathname);
    expect([jpeg.width, jpeg.height, jpeg.channels]).toEqual([64, 48, 3]);
    let differing = 0;
    for (let i = 0; i < cv.data.length; i++) if (jpeg.data[i] !== cv.data[i]) differing++;
    expect(differing).toBe(0);
  });

  it('applies every EXIF orientation 1–8 like the EXIF specification says', async () => {
    // 48×32 stored, four quadrants of distinct colours.
    const W = 48;
    const H = 32;
    const colours = [[255, 0, 0], [0, 255, 0], [0, 0, 255], [255, 255, 255]] as const;
    const quadrant = (x: number, y: number) => (x < W / 2 ? 0 : 1) + (y < H / 2 ? 0 : 2);
    const raw = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) raw.set(colours[quadrant(x, y)]!, (y * W + x) * 3);
    // displayed (x', y') → stored (x, y) for each orientation
    const inverse: Record<number, (x: number, y: number) => [number, number]> = {
      1: (x, y) => [x, y],
      2: (x, y) => [W - 1 - x, y],
      3: (x, y) => [W - 1 - x, H - 1 - y],
      4: (x, y) => [x, H - 1 - y],
      5: (x, y) => [y, x],
      6: (x, y) => [y, H - 1 - x],
      7: (x, y) => [W - 1 - y, H - 1 - x],
      8: (x, y) => [W - 1 - y, x],
    };
    for (let orientation = 1; orientation <= 8; orientation++) {
      const bytes = await sharp(raw, { raw: { width: W, height: H, channels: 3 } }).jpeg({ quality: 100, chromaSubsampling: '4:4:4' }).withMetadata({ orientation }).toBuffer();
      const img = await readImage(new Uint8Array(bytes));
      expect(img.orientation).toBe(orientation);
      const swapped = orientation >= 5;
      expect([img.width, img.height]).toEqual(swapped ? [H, W] : [W, H]);
      for (const [fx, fy] of [[0.2, 0.2], [0.8, 0.2], [0.2, 0.8], [0.8, 0.8]] as const) {
        const x = Math.floor(fx * img.width);
        const y = Math.floor(fy * img.height);
        const [sx, sy] = inverse[orientation]!(x, y);
        const want = colours[quadrant(sx, sy)]!;
        const got = Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
        got.forEach((v, c) => expect(Math.abs(v - want[c]!), `orientation ${orientation} at ${x},${y}`).toBeLessThan(40));
      }
    }
  });

  it('ignores an embedded ICC profile by default (OpenCV/PIL parity) and converts through it when asked', async () => {
    const red = new Uint8Array(8 * 8 * 3);
    for (let i = 0; i < red.length; i += 3) red.set([255, 0, 0], i);
    // sRGB red converted into Display P3 and stored with the P3 profile
    const bytes = new Uint8Array(await sharp(red, { raw: { width: 8, height: 8, channels: 3 } }).withIccProfile('p3').png().toBuffer());
    const stored = await readImage(bytes);
    expect(stored.hasIccProfile).toBe(true);
    expect(stored.data[0]).toBeLessThan(245);
    expect(stored.data[1]).toBeGreaterThan(30); // P3 numbers of sRGB red, as cv2.imread returns them
    const managed = await readImage(bytes, { icc: 'convert' });
    expect(Array.from(managed.data.subarray(0, 3))).toEqual([255, 0, 0]);
    expect((await readImage(path.join(dir, 'rgb.png'))).hasIccProfile).toBe(false);
    await expect(readImage(bytes, { icc: 'srgb' as 'convert' })).rejects.toMatchObject({ argument: 'icc' });
  });

  it('reads a 16-bit PNG as Uint16Array when asked, else reduces it to 8-bit (v >> 8)', async () => {
    const values = new Uint16Array([0, 255, 256, 257, 511, 65535, 1000, 30000, 65280, 128, 40000, 12345]);
    const file = path.join(dir, 'deep.png');
    await sharp(values, { raw: { width: 2, height: 2, channels: 3 } }).toColourspace('rgb16').png().toFile(file);
    const deep = await readImage(file, { depth: 16 });
    expect(deep.data).toBeInstanceOf(Uint16Array);
    expect(deep.sourceDepth).toBe(16);
    expect(Array.from(deep.data)).toEqual(Array.from(values));
    const shallow = await readImage(file);
    expect(shallow.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(shallow.data)).toEqual(Array.from(values).map((v) => v >> 8));
    // 16-bit with alpha keeps all four channels at full depth
    const rgba16 = new Uint16Array([1, 2, 3, 4, 65535, 40000, 300, 65534]);
    const fileA = path.join(dir, 'deep-rgba.png');
    await sharp(rgba16, { raw: { width: 2, height: 1, channels: 4 } }).toColourspace('rgb16').png().toFile(fileA);
    const deepA = await readImage(fileA, { depth: 16 });
    expect([deepA.channels, ...Array.from(deepA.data)]).toEqual([4, ...Array.from(rgba16)]);
    // an 8-bit file read at depth 16 is scaled by 257
    const eight = path.join(dir, 'eight.png');
    await sharp(new Uint8Array([0, 1, 128, 255, 10, 20]), { raw: { width: 2, height: 1, channels: 3 } }).png().toFile(eight);
    expect(Array.from((await readImage(eight, { depth: 16 })).data)).toEqual([0, 257, 128 * 257, 65535, 2570, 5140]);
  });

  it('reads a 16-bit TIFF at full depth, or rounded to 8-bit as OpenCV does (round(v / 257))', async () => {
    const values = new Uint16Array([0, 255, 256, 257, 511, 65535, 1000, 30000, 65280, 128, 40000, 12345]);
    const file = path.join(dir, 'deep.tiff');
    await sharp(values, { raw: { width: 2, height: 2, channels: 3 } }).toColourspace('rgb16').tiff({ compression: 'lzw' }).toFile(file);
    const img = await readImage(file, { depth: 16 });
    expect(img.format).toBe('tiff');
    expect(img.data).toBeInstanceOf(Uint16Array);
    expect(Array.from(img.data)).toEqual(Array.from(values));
    const eight = await readImage(file);
    expect(eight.data).toBeInstanceOf(Uint8Array);
    // what cv2.imread (OpenCV 4.6) returns for this file
    expect(Array.from(eight.data)).toEqual([0, 1, 1, 1, 2, 255, 4, 117, 254, 0, 156, 48]);
  });

  it('expands grey to RGB by default and keeps it with channels: keep (8- and 16-bit)', async () => {
    const file = path.join(dir, 'grey.png');
    await sharp(new Uint8Array([0, 255, 10, 200]), { raw: { width: 2, height: 2, channels: 1 } }).toColourspace('b-w').png().toFile(file);
    const rgb = await readImage(file);
    expect(rgb.channels).toBe(3);
    expect(Array.from(rgb.data)).toEqual([0, 0, 0, 255, 255, 255, 10, 10, 10, 200, 200, 200]);
    const kept = await readImage(file, { channels: 'keep' });
    expect(kept.channels).toBe(1);
    expect(Array.from(kept.data)).toEqual([0, 255, 10, 200]);
    const file16 = path.join(dir, 'grey16.png');
    await sharp(new Uint16Array([0, 65535, 1000, 30000]), { raw: { width: 2, height: 2, channels: 1 } }).toColourspace('grey16').png().toFile(file16);
    const g16 = await readImage(file16, { channels: 'keep', depth: 16 });
    expect([g16.channels, ...Array.from(g16.data)]).toEqual([1, 0, 65535, 1000, 30000]);
    const g16rgb = await readImage(file16, { depth: 16 });
    expect(Array.from(g16rgb.data)).toEqual([0, 0, 0, 65535, 65535, 65535, 1000, 1000, 1000, 30000, 30000, 30000]);
  });

  it('keeps alpha (RGBA stays 4 channels) unless asked otherwise', async () => {
    const img = pattern(3, 2, 4);
    const file = path.join(dir, 'rgba.png');
    await sharp(img.data, { raw: { width: 3, height: 2, channels: 4 } }).png().toFile(file);
    const back = await readImage(file);
    expect(back.channels).toBe(4);
    expect(Array.from(back.data)).toEqual(Array.from(img.data));
    const rgb = await readImage(file, { channels: 'rgb' });
    expect(rgb.channels).toBe(3);
    expect(Array.from(rgb.data.subarray(0, 3))).toEqual(Array.from(img.data.subarray(0, 3)));
    const rgbaFromRgb = await readImage(path.join(dir, 'rgb.png'), { channels: 'rgba' });
    expect(rgbaFromRgb.channels).toBe(4);
    expect(rgbaFromRgb.data[3]).toBe(255);
  });

  it('refuses a truncated file with IMAGE_DECODE_FAILED naming the file', async () => {
    for (const [name, bytes] of [
      ['cut.png', await sharp(pattern(64, 64).data, { raw: { width: 64, height: 64, channels: 3 } }).png().toBuffer()],
      ['cut.jpg', await sharp(pattern(64, 64).data, { raw: { width: 64, height: 64, channels: 3 } }).jpeg().toBuffer()],
    ] as const) {
      const file = path.join(dir, name);
      await writeFile(file, bytes.subarray(0, Math.floor(bytes.length / 2)));
      const err = await rejection(readImage(file));
      expect(err.code).toBe('IMAGE_DECODE_FAILED');
      expect(err.message).toContain(file);
    }
  });

  it('refuses garbage, unsupported and missing inputs with typed errors', async () => {
    const junk = path.join(dir, 'junk.png');
    await writeFile(junk, 'this is not an image at all');
    expect((await rejection(readImage(junk))).code).toBe('IMAGE_DECODE_FAILED');
    // a valid 1×1 24-bit BMP: a real format sharp does not decode
    const bmp = Buffer.alloc(58);
    bmp.write('BM', 0, 'latin1');
    bmp.writeUInt32LE(58, 2);
    bmp.writeUInt32LE(54, 10);
    bmp.writeUInt32LE(40, 14);
    bmp.writeInt32LE(1, 18);
    bmp.writeInt32LE(1, 22);
    bmp.writeUInt16LE(1, 26);
    bmp.writeUInt16LE(24, 28);
    bmp.writeUInt32LE(4, 34);
    const bmpFile = path.join(dir, 'pixel.bmp');
    await writeFile(bmpFile, bmp);
    const unsupported = await rejection(readImage(bmpFile));
    expect(unsupported.code).toBe('IMAGE_DECODE_FAILED');
    expect(unsupported.message).toContain(bmpFile);
    expect((await rejection(readImage(new Uint8Array([1, 2, 3])))).message).toContain('buffer of 3 bytes');
    expect((await rejection(readImage(path.join(dir, 'missing.png')))).code).toBe('IMAGE_NOT_FOUND');
    // A folder is not "an unsupported image format": it says what it is and what to give instead.
    const folder = await rejection(readImage(dir));
    expect(folder.code).toBe('NOT_A_FILE');
    expect(folder.received).toBe('a folder');
    expect(folder.message).toContain(path.join(dir, '*.png'));
    expect((await rejection(readImage(junk, { depth: 12 as 8 }))).argument).toBe('depth');
    expect((await rejection(readImage(junk, { channels: 'bgr' as 'rgb' }))).argument).toBe('channels');
  });

  it('refuses a decompression bomb from its header, before decoding (IMAGE_TOO_LARGE)', async () => {
    // A real 1×1 PNG whose IHDR is rewritten to claim 100000×100000 pixels (CRC fixed up).
    const png = Buffer.from(await sharp(new Uint8Array([0]), { raw: { width: 1, height: 1, channels: 1 } }).toColourspace('b-w').png().toBuffer());
    const ihdr = 8; // chunk starts after the signature: length(4) type(4) data(13) crc(4)
    png.writeUInt32BE(100_000, ihdr + 8);
    png.writeUInt32BE(100_000, ihdr + 12);
    png.writeUInt32BE(crc32(png.subarray(ihdr + 4, ihdr + 8 + 13)) >>> 0, ihdr + 8 + 13);
    const file = path.join(dir, 'bomb.png');
    await writeFile(file, png);
    expect((await sharp(file, { limitInputPixels: false }).metadata()).width).toBe(100_000);
    const started = Date.now();
    const err = await rejection(readImage(file));
    expect(Date.now() - started).toBeLessThan(5000);
    expect(err.code).toBe('IMAGE_TOO_LARGE');
    expect(err.message).toContain('100000×100000');
    expect(err.message).toContain(String(DEFAULT_PIXEL_LIMIT));
    // and the limit is an option
    const small = path.join(dir, 'rgb.png'); // 7×5 = 35 pixels
    expect((await rejection(readImage(small, { pixelLimit: 34 }))).code).toBe('IMAGE_TOO_LARGE');
    expect((await readImage(small, { pixelLimit: 35 })).width).toBe(7);
  });
});

describe('writeImage', () => {
  it('round-trips 8-bit PNG exactly and picks the format from the extension', async () => {
    const img = pattern(9, 4);
    const file = path.join(dir, 'out.png');
    await writeImage(file, img);
    expect((await sharp(file).metadata()).format).toBe('png');
    expect(Array.from((await readImage(file)).data)).toEqual(Array.from(img.data));
    expect(formatFromPath('a/b.JPG')).toBe('jpeg');
    expect(formatFromPath('x.webp')).toBe('webp');
  });

  it('writes JPEG and WebP close to the source, quality controlling size', async () => {
    const img = pattern(48, 48);
    for (const ext of ['jpg', 'webp'] as const) {
      const hi = path.join(dir, `q-hi.${ext}`);
      const lo = path.join(dir, `q-lo.${ext}`);
      await writeImage(hi, img, { quality: 95 });
      await writeImage(lo, img, { quality: 20 });
      const back = await readImage(hi);
      expect(back.format).toBe(ext === 'jpg' ? 'jpeg' : 'webp');
      let err = 0;
      for (let i = 0; i < img.data.length; i++) err += Math.abs(back.data[i]! - img.data[i]!);
      expect(err / img.data.length).toBeLessThan(40);
      expect((await stat(lo)).size).toBeLessThan((await stat(hi)).size);
    }
    const lossless = path.join(dir, 'lossless.webp');
    await writeImage(lossless, img, { lossless: true });
    expect(Array.from((await readImage(lossless)).data)).toEqual(Array.from(img.data));
  });

  it('encodes JPEG whose decoded pixels equal those of cv2.imencode at the same quality', async () => {
    const fixtures = new URL('./image-fixtures/', import.meta.url);
    const source = await readImage(new URL('opencv-q60-source.png', fixtures).pathname);
    const ours = await readImage(new Uint8Array(await encodeImage(source, { format: 'jpeg', quality: 60 })));
    const opencv = await readImage(new URL('opencv-q60.jpg', fixtures).pathname);
    let differing = 0;
    for (let i = 0; i < opencv.data.length; i++) if (ours.data[i] !== opencv.data[i]) differing++;
    expect(differing).toBe(0);
    // and the quality matters: another quality gives other pixels
    const other = await readImage(new Uint8Array(await encodeImage(source, { format: 'jpeg', quality: 90 })));
    expect(Array.from(other.data)).not.toEqual(Array.from(opencv.data));
  });

  it('writes float images by clamping and rounding half to even', async () => {
    const data = new Float32Array([-0.5, 0.5, 1.5, 126.5 / 255, 0.25, Number.NaN]);
    const file = path.join(dir, 'float.png');
    await writeImage(file, { width: 2, height: 1, channels: 3, data });
    const back = await readImage(file);
    expect(Array.from(back.data)).toEqual(Array.from(float32ToUint8(data)));
    expect(Array.from(back.data)).toEqual([0, 128, 255, 126, 64, 0]);
  });

  it('keeps 16-bit and grey in PNG, and alpha in PNG/WebP', async () => {
    const deep: RasterImage = { width: 2, height: 1, channels: 3, data: new Uint16Array([1, 2, 3, 65535, 40000, 257]) };
    const f16 = path.join(dir, 'w16.png');
    await writeImage(f16, deep);
    expect(Array.from((await readImage(f16, { depth: 16 })).data)).toEqual(Array.from(deep.data));
    const grey: RasterImage = { width: 3, height: 1, channels: 1, data: new Uint8Array([5, 100, 250]) };
    const fg = path.join(dir, 'wgrey.png');
    await writeImage(fg, grey);
    const g = await readImage(fg, { channels: 'keep' });
    expect([g.channels, ...Array.from(g.data)]).toEqual([1, 5, 100, 250]);
    const rgba = pattern(4, 4, 4);
    const fa = path.join(dir, 'wrgba.webp');
    await writeImage(fa, rgba, { lossless: true });
    expect(Array.from((await readImage(fa)).data)).toEqual(Array.from(rgba.data));
    // JPEG drops alpha
    const fj = path.join(dir, 'wrgba.jpg');
    await writeImage(fj, rgba);
    expect((await readImage(fj)).channels).toBe(3);
    expect((await encodeImage(rgba, { format: 'png' })).subarray(1, 4).toString()).toBe('PNG');
  });

  it('is atomic: on failure nothing is left behind and an existing file is untouched', async () => {
    const sub = path.join(dir, 'atomic');
    await mkdir(sub);
    const file = path.join(sub, 'keep.png');
    await writeImage(file, pattern(4, 4));
    const before = await readFile(file);
    // bad image: refused before anything is written
    const bad = await rejection(writeImage(file, { width: 4, height: 4, channels: 3, data: new Uint8Array(5) }));
    expect(bad.code).toBe('INVALID_IMAGE');
    // a rename that fails (the target is a directory): the temporary file is removed
    const blocked = path.join(sub, 'blocked.png');
    await mkdir(blocked);
    const err = await rejection(writeImage(blocked, pattern(4, 4)));
    expect(err.code).toBe('IMAGE_WRITE_FAILED');
    expect(err.message).toContain(blocked);
    expect((await readFile(file)).equals(before)).toBe(true);
    expect((await readdir(sub)).sort()).toEqual(['blocked.png', 'keep.png']);
    // a missing folder fails the same typed way
    expect((await rejection(writeImage(path.join(sub, 'no', 'such.png'), pattern(2, 2)))).code).toBe('IMAGE_WRITE_FAILED');
    // overwriting replaces the content in one step
    await writeImage(file, pattern(5, 5));
    expect((await readImage(file)).width).toBe(5);
    expect((await readdir(sub)).sort()).toEqual(['blocked.png', 'keep.png']);
  });

  it('refuses unknown extensions and bad options with typed errors', async () => {
    const err = await rejection(writeImage(path.join(dir, 'x.bmp'), pattern(2, 2)));
    expect(err.code).toBe('UNSUPPORTED_IMAGE_FORMAT');
    expect(err.received).toBe('.bmp');
    expect((await rejection(writeImage(path.join(dir, 'x.jpg'), pattern(2, 2), { quality: 0 }))).argument).toBe('quality');
    expect((await rejection(writeImage(path.join(dir, 'x.png'), pattern(2, 2), { compressionLevel: 10 }))).argument).toBe('compressionLevel');
    const fast = await encodeImage(pattern(64, 64), { format: 'png', compressionLevel: 0 });
    const small = await encodeImage(pattern(64, 64), { format: 'png', compressionLevel: 9 });
    expect(small.length).toBeLessThan(fast.length);
    expect(Array.from((await readImage(fast)).data)).toEqual(Array.from((await readImage(small)).data));
    expect((await readdir(dir)).some((f) => f.endsWith('.tmp'))).toBe(false);
  });
});

describe('readImage return type', () => {
  it('narrows the pixel array and channel count from the options', async () => {
    const file = path.join(dir, 'narrow.png');
    await writeImage(file, pattern(5, 4, 4));
    const rgb8 = await readImage(file, { channels: 'rgb', depth: 8 });
    expectTypeOf(rgb8.data).toEqualTypeOf<Uint8Array>();
    expectTypeOf(rgb8.channels).toEqualTypeOf<3>();
    const colour: ColorImage<Uint8Array> = rgb8; // no cast needed
    expect(colour.channels).toBe(3);
    expect(rgb8.data).toBeInstanceOf(Uint8Array);
    const deep = await readImage(file, { depth: 16 });
    expectTypeOf(deep.data).toEqualTypeOf<Uint16Array>();
    expectTypeOf(deep.channels).toEqualTypeOf<3 | 4>();
    expect(deep.data).toBeInstanceOf(Uint16Array);
    expect(deep.channels).toBe(4);
    const rgba = await readImage(file, { channels: 'rgba' });
    expectTypeOf(rgba.channels).toEqualTypeOf<4>();
    expectTypeOf(rgba.data).toEqualTypeOf<Uint8Array>();
    const kept = await readImage(file, { channels: 'keep' });
    expectTypeOf(kept.channels).toEqualTypeOf<1 | 2 | 3 | 4>();
    const plain = await readImage(file);
    expectTypeOf(plain.data).toEqualTypeOf<Uint8Array>();
    const loose: ReadImageOptions = { depth: 16 };
    const either = await readImage(file, loose);
    expectTypeOf(either.data).toEqualTypeOf<Uint8Array | Uint16Array>();
    expect(either.data).toBeInstanceOf(Uint16Array);
  });
});
