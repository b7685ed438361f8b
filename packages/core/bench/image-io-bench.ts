/**
 * Image I/O and conversion speed of @diffmac/core, printed as JSON on stdout (run through
 * `node bench/image-io.mjs`, which also runs the OpenCV peer `image_io_opencv.py` on the same files).
 *
 * Cases, each the median of many runs on one 1024×1024 RGB image:
 * - decode PNG and JPEG to interleaved RGB uint8 (`readImage`),
 * - uint8 HWC → float32 NCHW in [-1, 1] (`imageToTensor`) and back (`tensorToImage`, depth 8),
 * - encode PNG (zlib level 6, both sides) and JPEG (q 90) to bytes (`encodeImage`).
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { encodeImage, imageToTensor, readImage, tensorToImage, type RasterImage } from '../src/index';

const args = process.argv.slice(2);
const outDir = args[args.indexOf('--out') + 1] ?? '.';
const runs = args.includes('--quick') ? 5 : 25;
sharp.concurrency(1);

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}

async function time(fn: () => unknown): Promise<number> {
  for (let i = 0; i < 5; i++) await fn(); // warm-up, so the JIT has optimised the loops
  const t: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = process.hrtime.bigint();
    await fn();
    t.push(Number(process.hrtime.bigint() - start) / 1e6);
  }
  return median(t);
}

// A photo-like test image: smooth gradients plus deterministic texture.
const size = 1024;
const data = new Uint8Array(size * size * 3);
for (let y = 0; y < size; y++)
  for (let x = 0; x < size; x++) {
    const n = Math.sin(x * 0.05) * Math.cos(y * 0.07) * 40 + ((x * 7919 + y * 104729) % 23);
    data[(y * size + x) * 3] = Math.max(0, Math.min(255, (x / size) * 200 + n));
    data[(y * size + x) * 3 + 1] = Math.max(0, Math.min(255, (y / size) * 200 + n));
    data[(y * size + x) * 3 + 2] = Math.max(0, Math.min(255, 128 + n));
  }
const image: RasterImage = { width: size, height: size, channels: 3, data };
const png = join(outDir, 'bench.png');
const jpg = join(outDir, 'bench.jpg');
writeFileSync(png, await encodeImage(image, { format: 'png' }));
writeFileSync(jpg, await encodeImage(image, { format: 'jpeg', quality: 90 }));

const tensor = imageToTensor(image, { range: 'signed' });
const result = {
  node: process.version,
  sharp: sharp.versions.sharp,
  size,
  runs,
  cases: {
    decode_png: await time(() => readImage(png)),
    decode_jpeg: await time(() => readImage(jpg)),
    to_tensor: await time(() => imageToTensor(image, { range: 'signed' })),
    from_tensor: await time(() => tensorToImage(tensor, { range: 'signed', depth: 8 })),
    encode_png: await time(() => encodeImage(image, { format: 'png' })),
    encode_jpeg: await time(() => encodeImage(image, { format: 'jpeg', quality: 90 })),
  },
};
process.stdout.write(JSON.stringify(result));
