import { DiffmacError } from '@diffmac/base';
import { bytesSource, halfToNumber, readZipDirectory, readZipEntry, type ZipEntry } from '@diffmac/core';

/** One array from a `.npy` file: float64 values (any numeric dtype is widened), C order, and its shape. */
export interface NpyArray {
  readonly data: Float64Array;
  readonly shape: readonly number[];
  /** The numpy dtype string as stored, e.g. `'<f8'`. */
  readonly dtype: string;
}

function fail(message: string, received: string): never {
  throw new DiffmacError('NPY_INVALID', message, { argument: 'file', expected: 'a numpy .npy/.npz file', received });
}

/**
 * Parse a `.npy` file (format versions 1, 2 and 3): little- or big-endian float16/32/64 and
 * integer dtypes, C or Fortran order (Fortran arrays are transposed to C order).
 *
 * @example
 * const { data, shape } = parseNpy(bytes); // shape [2048] for FID's mu
 */
export function parseNpy(bytes: Uint8Array): NpyArray {
  if (bytes.length < 10 || bytes[0] !== 0x93 || String.fromCharCode(...bytes.subarray(1, 6)) !== 'NUMPY') fail('Not a .npy file (bad magic)', `${bytes.length} bytes`);
  const major = bytes[6] as number;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const headerLen = major === 1 ? view.getUint16(8, true) : view.getUint32(8, true);
  const start = major === 1 ? 10 : 12;
  const header = new TextDecoder(major === 3 ? 'utf-8' : 'latin1').decode(bytes.subarray(start, start + headerLen));
  const descr = /'descr'\s*:\s*'([^']+)'/.exec(header)?.[1];
  const fortran = /'fortran_order'\s*:\s*True/.test(header);
  const shapeText = /'shape'\s*:\s*\(([^)]*)\)/.exec(header)?.[1];
  if (!descr || shapeText === undefined) fail('Malformed .npy header', JSON.stringify(header.slice(0, 80)));
  const shape = shapeText
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s.length > 0)
    .map(Number);
  const count = shape.reduce((a, b) => a * b, 1);
  const little = descr[0] !== '>';
  const kind = descr.slice(1);
  const size = Number(kind.slice(1));
  const off = start + headerLen;
  if (off + count * size > bytes.length) fail(`Truncated .npy data: ${count} x ${kind} needs ${count * size} bytes`, `${bytes.length - off} bytes`);
  const out = new Float64Array(count);
  const dv = new DataView(bytes.buffer, bytes.byteOffset + off, count * size);
  for (let i = 0; i < count; i++) {
    const p = i * size;
    switch (kind) {
      case 'f8':
        out[i] = dv.getFloat64(p, little);
        break;
      case 'f4':
        out[i] = dv.getFloat32(p, little);
        break;
      case 'f2':
        out[i] = halfToNumber(dv.getUint16(p, little));
        break;
      case 'i8':
        out[i] = Number(dv.getBigInt64(p, little));
        break;
      case 'i4':
        out[i] = dv.getInt32(p, little);
        break;
      case 'i2':
        out[i] = dv.getInt16(p, little);
        break;
      case 'u1':
        out[i] = dv.getUint8(p);
        break;
      case 'i1':
        out[i] = dv.getInt8(p);
        break;
      default:
        fail(`Unsupported .npy dtype ${descr}`, descr);
    }
  }
  if (fortran && shape.length > 1) {
    // reverse the axes: Fortran order is C order of the transposed shape
    const rev = [...shape].reverse();
    const c = new Float64Array(count);
    const strides = shape.map((_, k) => shape.slice(0, k).reduce((a, b) => a * b, 1));
    const idx = new Array<number>(shape.length).fill(0);
    for (let i = 0; i < count; i++) {
      let f = 0;
      for (let k = 0; k < shape.length; k++) f += (idx[k] as number) * (strides[k] as number);
      c[i] = out[f] as number;
      for (let k = shape.length - 1; k >= 0; k--) {
        idx[k] = (idx[k] as number) + 1;
        if ((idx[k] as number) < (shape[k] as number)) break;
        idx[k] = 0;
      }
    }
    void rev;
    return { data: c, shape, dtype: descr };
  }
  return { data: out, shape, dtype: descr };
}

/**
 * Read every array of a `.npz` (numpy zip) archive: stored and deflated entries, keys without `.npy`.
 *
 * @example
 * const { mu, sigma } = parseNpz(readFileSync('fid_stats.npz'));
 */
export function parseNpz(bytes: Uint8Array): Record<string, NpyArray> {
  const source = bytesSource(bytes, '.npz');
  let entries: ZipEntry[];
  try {
    entries = readZipDirectory(source);
  } catch (cause) {
    if (!(cause instanceof DiffmacError)) throw cause;
    throw new DiffmacError('NPZ_INVALID', `Not a .npz (zip) file: ${cause.message}`, { argument: 'file', expected: 'a zip archive', received: `${bytes.length} bytes`, cause });
  }
  const out: Record<string, NpyArray> = {};
  for (const entry of entries) out[entry.name.replace(/\.npy$/, '')] = parseNpy(readZipEntry(source, entry));
  return out;
}
