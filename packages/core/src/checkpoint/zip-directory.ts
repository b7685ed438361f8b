import { inflateRawSync } from 'node:zlib';
import { DiffmacError } from '@diffmac/base';
import type { ByteSource } from './byte-source';

/** One member of a zip archive, located but not read. */
export interface ZipEntry {
  readonly name: string;
  /** 0 stored, 8 deflated. */
  readonly method: number;
  readonly compressedSize: number;
  readonly size: number;
  /** Absolute offset of the member's (possibly compressed) bytes. */
  readonly dataOffset: number;
}

function corrupt(message: string, received: string): never {
  throw new DiffmacError('ZIP_INVALID', message, { argument: 'file', expected: 'a zip archive', received });
}

const u16 = (b: Uint8Array, p: number) => (b[p] as number) | ((b[p + 1] as number) << 8);
const u32 = (b: Uint8Array, p: number) => ((b[p] as number) | ((b[p + 1] as number) << 8) | ((b[p + 2] as number) << 16)) + (b[p + 3] as number) * 0x1000000;
const u64 = (b: Uint8Array, p: number) => u32(b, p) + u32(b, p + 4) * 0x100000000;

/**
 * Whether the source starts like a zip archive (local file header `PK\x03\x04`).
 *
 * @example
 * if (isZip(src)) entries = readZipDirectory(src);
 */
export function isZip(source: ByteSource): boolean {
  if (source.size < 4) return false;
  const h = source.read(0, 4);
  return h[0] === 0x50 && h[1] === 0x4b && h[2] === 0x03 && h[3] === 0x04;
}

/**
 * List a zip archive's members from its central directory (zip64 included), reading only the
 * directory: `torch.save` files and `.npz` archives are opened this way.
 *
 * @example
 * const entries = readZipDirectory(fileSource('model.pth'));
 * entries.map((e) => e.name); // ['archive/data.pkl', 'archive/data/0', ...]
 */
export function readZipDirectory(source: ByteSource): ZipEntry[] {
  const tailLength = Math.min(source.size, 65557);
  const tailStart = source.size - tailLength;
  const tail = source.read(tailStart, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (u32(tail, i) === 0x06054b50) {
      eocd = i;
      break;
    }
  }
  if (eocd < 0) corrupt('Not a zip archive: no end-of-central-directory record', `${source.size} bytes`);
  let count = u16(tail, eocd + 10);
  let cdSize = u32(tail, eocd + 12);
  let cdOffset = u32(tail, eocd + 16);
  const locator = eocd - 20;
  if (locator >= 0 && u32(tail, locator) === 0x07064b50) {
    const z = source.read(u64(tail, locator + 8), 56);
    if (u32(z, 0) !== 0x06064b50) corrupt('Corrupt zip64 end-of-central-directory record', 'bad signature');
    count = u64(z, 32);
    cdSize = u64(z, 40);
    cdOffset = u64(z, 48);
  }
  if (cdOffset + cdSize > source.size) corrupt('Zip central directory lies past the end of the file', `${source.size} bytes`);
  const cd = source.read(cdOffset, cdSize);
  const decoder = new TextDecoder();
  const entries: ZipEntry[] = [];
  let p = 0;
  for (let e = 0; e < count; e++) {
    if (p + 46 > cd.length || u32(cd, p) !== 0x02014b50) corrupt('Corrupt zip central directory', `entry ${e} of ${count}`);
    const method = u16(cd, p + 10);
    let compressedSize = u32(cd, p + 20);
    let size = u32(cd, p + 24);
    const nameLen = u16(cd, p + 28);
    const extraLen = u16(cd, p + 30);
    const commentLen = u16(cd, p + 32);
    let localOffset = u32(cd, p + 42);
    const name = decoder.decode(cd.subarray(p + 46, p + 46 + nameLen));
    // zip64 extra field: the 64-bit values of the fields that overflowed, in order
    let x = p + 46 + nameLen;
    const end = x + extraLen;
    while (x + 4 <= end) {
      const id = u16(cd, x);
      const len = u16(cd, x + 2);
      if (id === 0x0001) {
        let q = x + 4;
        if (size === 0xffffffff) {
          size = u64(cd, q);
          q += 8;
        }
        if (compressedSize === 0xffffffff) {
          compressedSize = u64(cd, q);
          q += 8;
        }
        if (localOffset === 0xffffffff) localOffset = u64(cd, q);
      }
      x += 4 + len;
    }
    const local = source.read(localOffset, 30);
    if (u32(local, 0) !== 0x04034b50) corrupt(`Corrupt zip local header for ${name}`, `offset ${localOffset}`);
    const dataOffset = localOffset + 30 + u16(local, 26) + u16(local, 28);
    if (dataOffset + compressedSize > source.size) corrupt(`Zip member ${name} lies past the end of the file`, `${source.size} bytes`);
    entries.push({ name, method, compressedSize, size, dataOffset });
    p += 46 + nameLen + extraLen + commentLen;
  }
  return entries;
}

/**
 * Read `length` bytes from `offset` inside a member's uncompressed content. Stored members
 * (all `torch.save` members) are read in place; deflated ones are inflated whole first.
 *
 * @example
 * const pkl = readZipEntry(src, entries.find((e) => e.name.endsWith('/data.pkl'))!);
 */
export function readZipEntry(source: ByteSource, entry: ZipEntry, offset = 0, length = entry.size - offset): Uint8Array {
  if (!(offset >= 0 && length >= 0 && offset + length <= entry.size)) {
    corrupt(`Read past the end of zip member ${entry.name}`, `bytes ${offset}..${offset + length} of ${entry.size}`);
  }
  if (entry.method === 0) return source.read(entry.dataOffset + offset, length);
  if (entry.method === 8) {
    let all: Uint8Array;
    try {
      all = new Uint8Array(inflateRawSync(source.read(entry.dataOffset, entry.compressedSize)));
    } catch (cause) {
      throw new DiffmacError('ZIP_INVALID', `Corrupt deflated zip member ${entry.name}`, { argument: 'file', expected: 'valid deflate data', received: String(cause), cause });
    }
    if (all.length !== entry.size) corrupt(`Zip member ${entry.name} inflates to ${all.length} bytes, not ${entry.size}`, `${all.length} bytes`);
    return all.subarray(offset, offset + length);
  }
  throw new DiffmacError('ZIP_INVALID', `Unsupported zip compression method ${entry.method} for ${entry.name}`, {
    argument: 'file',
    expected: 'stored (0) or deflated (8)',
    received: String(entry.method),
  });
}
