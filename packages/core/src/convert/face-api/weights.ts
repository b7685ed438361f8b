/** Reading face-api's TFJS weights manifests and their `.bin` shards. */
import { readFile } from 'node:fs/promises';
import { DiffmacError } from '../../errors';

/** One entry of a TFJS weights manifest. */
export interface ManifestEntry {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: 'float32' | 'int32';
  readonly quantization?: { readonly dtype: 'uint8' | 'uint16' | 'float16'; readonly scale?: number; readonly min?: number };
}

/** A weight tensor decoded from a face-api `.bin`: float32 values plus, when it was stored quantised, the raw bytes. */
export interface WeightTensor {
  readonly name: string;
  readonly shape: readonly number[];
  /** Dequantised values, `fround(q * scale + min)` as TFJS computes them. */
  readonly values: Float32Array;
  /** The stored uint8 codes and their affine parameters, when the manifest quantised this tensor to uint8. */
  readonly quantized?: { readonly codes: Uint8Array; readonly scale: number; readonly min: number };
}

/** Named tensors of one model. */
export type WeightMap = ReadonlyMap<string, WeightTensor>;

function product(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

/**
 * Decode a TFJS weights manifest (the parsed JSON) and its concatenated `.bin` shards into named
 * float32 tensors. uint8 affine quantisation is undone as `value = q * scale + min`, rounded once to
 * float32 exactly as TFJS's `decodeWeights` does.
 *
 * @example
 * const map = decodeWeights(JSON.parse(manifestText), [binBytes]);
 * map.get('fc')?.values.length; // 256 * 128
 */
export function decodeWeights(manifest: unknown, shards: readonly Uint8Array[]): Map<string, WeightTensor> {
  if (!Array.isArray(manifest)) {
    throw new DiffmacError('FACE_API_MANIFEST', 'A weights manifest must be a JSON array of groups', { argument: 'manifest', expected: 'array', received: typeof manifest });
  }
  const total = shards.reduce((n, s) => n + s.byteLength, 0);
  const bytes = new Uint8Array(total);
  let at = 0;
  for (const s of shards) {
    bytes.set(s, at);
    at += s.byteLength;
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out = new Map<string, WeightTensor>();
  let offset = 0;
  for (const group of manifest as { weights?: ManifestEntry[] }[]) {
    for (const entry of group.weights ?? []) {
      const n = product(entry.shape);
      const q = entry.quantization;
      const values = new Float32Array(n);
      if (q?.dtype === 'uint8') {
        const scale = q.scale ?? 1;
        const min = q.min ?? 0;
        if (offset + n > bytes.byteLength) throw truncated(entry.name, offset + n, bytes.byteLength);
        const codes = bytes.slice(offset, offset + n);
        if (entry.dtype === 'int32') for (let i = 0; i < n; i++) values[i] = Math.round((codes[i] as number) * scale + min);
        else for (let i = 0; i < n; i++) values[i] = (codes[i] as number) * scale + min;
        out.set(entry.name, { name: entry.name, shape: [...entry.shape], values, quantized: { codes, scale, min } });
        offset += n;
      } else if (q === undefined) {
        if (offset + 4 * n > bytes.byteLength) throw truncated(entry.name, offset + 4 * n, bytes.byteLength);
        for (let i = 0; i < n; i++) {
          values[i] = entry.dtype === 'int32' ? view.getInt32(offset + 4 * i, true) : view.getFloat32(offset + 4 * i, true);
        }
        out.set(entry.name, { name: entry.name, shape: [...entry.shape], values });
        offset += 4 * n;
      } else {
        throw new DiffmacError('FACE_API_MANIFEST', `Weight ${entry.name} uses quantisation ${q.dtype}, which this converter does not read`, {
          argument: 'manifest',
          expected: 'uint8 quantisation or none',
          received: String(q.dtype),
        });
      }
    }
  }
  if (offset !== bytes.byteLength) {
    throw new DiffmacError('FACE_API_MANIFEST', `The manifest describes ${offset} bytes but the weights hold ${bytes.byteLength}`, {
      argument: 'shards',
      expected: `${offset} bytes`,
      received: `${bytes.byteLength} bytes`,
    });
  }
  return out;
}

function truncated(name: string, need: number, have: number): DiffmacError {
  return new DiffmacError('FACE_API_MANIFEST', `Weights end before ${name} (need ${need} bytes, have ${have})`, {
    argument: 'shards',
    expected: `at least ${need} bytes`,
    received: `${have} bytes`,
  });
}

/** The raw files of one face-api model: manifest text and its shards, as read from disk. */
export interface WeightFiles {
  readonly manifestText: string;
  readonly shards: readonly Uint8Array[];
}

/**
 * Read `<dir>/<model>-weights_manifest.json` and the `.bin` shards it lists.
 *
 * @example
 * const files = await readWeightFiles(faceApiModelDir(), 'face_landmark_68_model');
 */
export async function readWeightFiles(dir: string, model: string): Promise<WeightFiles> {
  const manifestPath = `${dir}/${model}-weights_manifest.json`;
  let manifestText: string;
  try {
    manifestText = await readFile(manifestPath, 'utf8');
  } catch (cause) {
    throw new DiffmacError('FACE_API_WEIGHTS_MISSING', `Cannot read the face-api weights manifest ${manifestPath}`, {
      argument: 'modelDir',
      expected: 'a folder holding face-api model files',
      received: dir,
      cause,
    });
  }
  const manifest = JSON.parse(manifestText) as { paths?: string[] }[];
  const shards: Uint8Array[] = [];
  for (const group of manifest) {
    for (const p of group.paths ?? []) shards.push(new Uint8Array(await readFile(`${dir}/${p}`)));
  }
  return { manifestText, shards };
}

/** Look a tensor up, failing with a typed error naming it. */
export function weight(map: WeightMap, name: string, rank?: number): WeightTensor {
  const w = map.get(name);
  if (!w || (rank !== undefined && w.shape.length !== rank)) {
    throw new DiffmacError('FACE_API_MANIFEST', `The weights have no ${rank ?? ''}D tensor ${name}`, {
      argument: 'manifest',
      expected: `tensor ${name}`,
      received: w ? `shape [${w.shape.join(', ')}]` : 'missing',
    });
  }
  return w;
}
