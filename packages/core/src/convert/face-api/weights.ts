/** Reading face-api's TFJS weights manifests and their `.bin` shards. */
import { readFile } from 'node:fs/promises';
import { DiffmacError } from '@diffmac/base';
import { decodeTfjsWeights, type TfjsWeight } from '../tfjs-weights/decode-weights';

/** A float32 weight tensor decoded from a face-api `.bin` (with its uint8 codes when it was stored quantised). */
export type WeightTensor = TfjsWeight & { readonly values: Float32Array };

/** Named tensors of one model. */
export type WeightMap = ReadonlyMap<string, TfjsWeight>;

/**
 * Decode a face-api weights manifest (the parsed JSON) and its `.bin` shards with core's TFJS
 * decoder ({@link decodeTfjsWeights}); a manifest that does not fit the bytes is a `FACE_API_MANIFEST` error.
 *
 * @example
 * const map = decodeWeights(JSON.parse(manifestText), [binBytes]);
 * map.get('fc')?.values.length; // 256 * 128
 */
export function decodeWeights(manifest: unknown, shards: readonly Uint8Array[]): Map<string, TfjsWeight> {
  try {
    return decodeTfjsWeights(manifest, shards);
  } catch (e) {
    if (e instanceof DiffmacError && e.code === 'TFJS_MANIFEST') {
      throw new DiffmacError('FACE_API_MANIFEST', e.message, {
        argument: e.argument ?? 'manifest',
        ...(e.expected === undefined ? {} : { expected: e.expected }),
        ...(e.received === undefined ? {} : { received: e.received }),
        cause: e,
      });
    }
    throw e;
  }
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
  if (!w || (rank !== undefined && w.shape.length !== rank) || !(w.values instanceof Float32Array)) {
    throw new DiffmacError('FACE_API_MANIFEST', `The weights have no ${rank ?? ''}D float32 tensor ${name}`, {
      argument: 'manifest',
      expected: `tensor ${name}`,
      received: w ? `${w.dtype} shape [${w.shape.join(', ')}]` : 'missing',
    });
  }
  return w as WeightTensor;
}
