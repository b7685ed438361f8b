/** Reading a TFJS `model.json` and the `.bin` shards its manifest lists from disk. */
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DiffmacError } from '@diffmac/base';
import type { TfjsManifestGroup } from './decode-weights';

/** A TFJS model file as read from disk: the parsed `model.json` and its weight shards, in manifest order. */
export interface TfjsModelFiles {
  /** The parsed `model.json` (`modelTopology`, `weightsManifest`, ...). */
  readonly json: { readonly modelTopology?: unknown; readonly weightsManifest?: readonly TfjsManifestGroup[]; readonly [key: string]: unknown };
  /** The bytes of each shard listed by `weightsManifest[].paths`, in order. */
  readonly shards: readonly Uint8Array[];
}

/**
 * Read a TFJS `model.json` (graph or layers model) and the `.bin` shards beside it. Throws
 * `TFJS_MODEL_FILES` when a file is missing or the JSON does not parse.
 *
 * @example
 * const { json, shards } = await readTfjsModelFiles('models/facemesh.json');
 * const weights = decodeTfjsWeights(json.weightsManifest, shards);
 */
export async function readTfjsModelFiles(modelJsonPath: string, signal?: AbortSignal): Promise<TfjsModelFiles> {
  let text: string;
  try {
    text = await readFile(modelJsonPath, { encoding: 'utf8', ...(signal ? { signal } : {}) });
  } catch (cause) {
    throw new DiffmacError('TFJS_MODEL_FILES', `Cannot read the TFJS model file ${modelJsonPath}`, { argument: 'modelJsonPath', expected: 'a readable model.json', received: modelJsonPath, cause });
  }
  let json: TfjsModelFiles['json'];
  try {
    json = JSON.parse(text) as TfjsModelFiles['json'];
  } catch (cause) {
    throw new DiffmacError('TFJS_MODEL_FILES', `${modelJsonPath} is not valid JSON`, { argument: 'modelJsonPath', expected: 'a TFJS model.json', received: 'unparseable JSON', cause });
  }
  if (typeof json !== 'object' || json === null || !Array.isArray(json.weightsManifest)) {
    throw new DiffmacError('TFJS_MODEL_FILES', `${modelJsonPath} has no weightsManifest`, { argument: 'modelJsonPath', expected: 'a TFJS model.json with weightsManifest', received: typeof json });
  }
  const dir = dirname(modelJsonPath);
  const shards: Uint8Array[] = [];
  for (const group of json.weightsManifest) {
    for (const p of group.paths ?? []) {
      try {
        shards.push(new Uint8Array(await readFile(join(dir, p), signal ? { signal } : {})));
      } catch (cause) {
        throw new DiffmacError('TFJS_MODEL_FILES', `Cannot read the weight shard ${p} listed by ${modelJsonPath}`, { argument: 'modelJsonPath', expected: `${p} beside the model.json`, received: 'missing', cause });
      }
    }
  }
  return { json, shards };
}
