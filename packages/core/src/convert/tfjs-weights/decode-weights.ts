/**
 * Decoding of TensorFlow.js weights manifests: the `weightsManifest` groups of a `model.json`
 * (graph or layers model) or a weights-only `*-weights_manifest.json`, with their `.bin` shards.
 */
import { DiffmacError } from '@diffmac/base';

/** The affine or float16 quantisation TFJS may store a weight with. */
export interface TfjsQuantization {
  readonly dtype: 'uint8' | 'uint16' | 'float16';
  readonly scale?: number;
  readonly min?: number;
}

/** One entry of a TFJS weights manifest group. */
export interface TfjsManifestEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32' | 'bool';
  readonly quantization?: TfjsQuantization;
}

/** One group of a TFJS weights manifest: shard file names and the tensors they hold, in order. */
export interface TfjsManifestGroup {
  readonly paths?: readonly string[];
  readonly weights?: readonly TfjsManifestEntry[];
}

/** A decoded weight: values as TFJS holds them after loading, plus the stored form when quantised. */
export interface TfjsWeight {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32' | 'bool';
  /** float32 values (`fround(q * scale + min)` for uint8/uint16, exact for float16); int32 and bool as Int32Array. */
  readonly values: Float32Array | Int32Array;
  /** The stored codes and affine parameters when the manifest quantised this tensor to uint8. */
  readonly quantized?: { readonly codes: Uint8Array; readonly scale: number; readonly min: number };
}

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

function manifestError(message: string, expected: string, received: string): DiffmacError {
  return new DiffmacError('TFJS_MANIFEST', message, { argument: 'manifest', expected, received });
}

/** IEEE half → number (exact). */
function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * frac * 2 ** -24;
  if (exp === 31) return frac === 0 ? sign * Infinity : NaN;
  return sign * (1 + frac / 1024) * 2 ** (exp - 15);
}

function concat(shards: readonly Uint8Array[]): Uint8Array {
  if (shards.length === 1) return shards[0]!;
  const out = new Uint8Array(shards.reduce((n, s) => n + s.byteLength, 0));
  let at = 0;
  for (const s of shards) {
    out.set(s, at);
    at += s.byteLength;
  }
  return out;
}

/**
 * Decode a TFJS weights manifest (parsed JSON: an array of groups) and its `.bin` shards, concatenated
 * in the order the groups list them, into named tensors, exactly as TFJS's `decodeWeights` does:
 * uint8/uint16 codes become `fround(q * scale + min)` (rounded for int32), float16 is widened exactly.
 * Throws `TFJS_MANIFEST` on a malformed manifest or when the bytes do not match it.
 *
 * @example
 * const json = JSON.parse(await readFile('model.json', 'utf8'));
 * const weights = decodeTfjsWeights(json.weightsManifest, [await readFile('model.bin')]);
 * weights.get('conv/kernel')?.shape; // [3, 3, 3, 16]
 */
export function decodeTfjsWeights(manifest: unknown, shards: readonly Uint8Array[]): Map<string, TfjsWeight> {
  if (!Array.isArray(manifest)) throw manifestError('A weights manifest must be a JSON array of groups', 'an array', typeof manifest);
  const bytes = concat(shards);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, TfjsWeight>();
  let offset = 0;
  const need = (name: string, n: number): void => {
    if (offset + n > bytes.byteLength) {
      throw new DiffmacError('TFJS_MANIFEST', `Weights end before ${name} (need ${offset + n} bytes, have ${bytes.byteLength})`, {
        argument: 'shards',
        expected: `at least ${offset + n} bytes`,
        received: `${bytes.byteLength} bytes`,
      });
    }
  };
  for (const group of manifest as TfjsManifestGroup[]) {
    if (typeof group !== 'object' || group === null) throw manifestError('A manifest group must be an object', 'an object', String(group));
    for (const entry of group.weights ?? []) {
      if (typeof entry?.name !== 'string' || !Array.isArray(entry.shape) || entry.shape.some((d) => !Number.isInteger(d) || d < 0)) {
        throw manifestError('A manifest entry needs a name and a shape of non-negative integers', '{ name, shape, dtype }', JSON.stringify(entry).slice(0, 80));
      }
      const { name, dtype } = entry;
      if (dtype !== 'float32' && dtype !== 'int32' && dtype !== 'bool') throw manifestError(`Weight ${name} has dtype ${String(dtype)}`, 'float32, int32 or bool', String(dtype));
      const n = product(entry.shape);
      const q = entry.quantization;
      const values = dtype === 'float32' ? new Float32Array(n) : new Int32Array(n);
      const shape = [...entry.shape];
      if (q === undefined) {
        const width = dtype === 'bool' ? 1 : 4;
        need(name, width * n);
        if (dtype === 'bool') for (let i = 0; i < n; i++) values[i] = bytes[offset + i]! ? 1 : 0;
        else if (dtype === 'int32') for (let i = 0; i < n; i++) values[i] = view.getInt32(offset + 4 * i, true);
        else for (let i = 0; i < n; i++) values[i] = view.getFloat32(offset + 4 * i, true);
        out.set(name, { name, shape, dtype, values });
        offset += width * n;
      } else if (q.dtype === 'uint8' || q.dtype === 'uint16') {
        const width = q.dtype === 'uint8' ? 1 : 2;
        need(name, width * n);
        const scale = q.scale ?? 1;
        const min = q.min ?? 0;
        for (let i = 0; i < n; i++) {
          const code = width === 1 ? bytes[offset + i]! : view.getUint16(offset + 2 * i, true);
          values[i] = dtype === 'float32' ? code * scale + min : Math.round(code * scale + min);
        }
        if (width === 1) out.set(name, { name, shape, dtype, values, quantized: { codes: bytes.slice(offset, offset + n), scale, min } });
        else out.set(name, { name, shape, dtype, values });
        offset += width * n;
      } else if (q.dtype === 'float16') {
        need(name, 2 * n);
        for (let i = 0; i < n; i++) values[i] = halfToFloat(view.getUint16(offset + 2 * i, true));
        out.set(name, { name, shape, dtype, values });
        offset += 2 * n;
      } else {
        throw manifestError(`Weight ${name} uses quantisation ${String((q as TfjsQuantization).dtype)}`, 'uint8, uint16 or float16 quantisation', String((q as TfjsQuantization).dtype));
      }
    }
  }
  if (offset !== bytes.byteLength) {
    throw new DiffmacError('TFJS_MANIFEST', `The manifest describes ${offset} bytes but the weights hold ${bytes.byteLength}`, {
      argument: 'shards',
      expected: `${offset} bytes`,
      received: `${bytes.byteLength} bytes`,
    });
  }
  return out;
}
