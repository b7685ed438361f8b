/**
 * face-api (TFJS weights) → ONNX: the three networks face-align runs, converted on first use and
 * cached under a digest of their weights.
 */
import { createHash, randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { DiffmacError } from '@diffmac/base';
import { defaultCacheDir } from '../../io/default-cache-dir';
import type { OnnxGraphBuilder } from '../../onnx/graph-builder';
import { landmark68Graph } from './landmark-68';
import { recognitionGraph } from './recognition';
import { ssdMobilenetV1Graph } from './ssd-mobilenet-v1';
import { decodeWeights, readWeightFiles, type WeightMap } from './weights';

/** Bump when a converted graph changes, so cached files are rebuilt. */
export const FACE_API_CONVERTER_VERSION = '3';

/** The face-api models this converter understands. */
export type FaceApiModelName = 'ssd_mobilenetv1' | 'face_landmark_68' | 'face_recognition';

const graphs: Readonly<Record<FaceApiModelName, (w: WeightMap, options: { keepUint8: boolean }) => OnnxGraphBuilder>> = {
  ssd_mobilenetv1: ssdMobilenetV1Graph,
  face_landmark_68: landmark68Graph,
  face_recognition: recognitionGraph,
};

/** Options of {@link convertFaceApiModel}. */
export interface FaceApiConvertOptions {
  /** Folder with face-api's `*-weights_manifest.json` and `.bin` files (face-align passes its installed `@vladmandic/face-api/model`). */
  modelDir: string;
  /**
   * Where converted ONNX files are cached (default: {@link defaultCacheDir}). Files go to
   * `<cacheDir>/face-api/`. Pass `false` to convert in memory every time and write nothing.
   */
  cacheDir?: string | false;
  /**
   * How weights are stored in the graph: `'uint8'` (default) keeps face-api's uint8 codes and a
   * 256-entry table per tensor (Cast + Gather, folded by onnxruntime at load; files about 4×
   * smaller); `'float32'` stores the dequantised values. Both give TFJS's exact weight values.
   */
  weights?: 'uint8' | 'float32';
  signal?: AbortSignal;
}

/** A converted model: the ONNX bytes, where they are cached (if anywhere) and whether this call built them. */
export interface ConvertedModel {
  readonly model: FaceApiModelName;
  readonly bytes: Uint8Array;
  readonly path: string | undefined;
  readonly digest: string;
  readonly converted: boolean;
}

function checkModel(model: FaceApiModelName): void {
  if (!(model in graphs)) {
    throw new DiffmacError('UNKNOWN_FACE_API_MODEL', `Unknown face-api model ${String(model)}`, {
      argument: 'model',
      expected: Object.keys(graphs).join(' | '),
      received: String(model),
    });
  }
}

/**
 * Convert one face-api model to an ONNX graph (IR 7, opset 13; uint8 weights with dequantisation
 * nodes, or float32 ones), or load it from the cache. The cached file is named by a
 * digest of the source weights and the converter version, and is written atomically (temporary
 * file, then rename), so concurrent first uses are safe.
 *
 * @example
 * const { bytes, path } = await convertFaceApiModel('face_landmark_68', { modelDir: 'node_modules/@vladmandic/face-api/model' });
 * const session = await createSession(bytes);
 */
export async function convertFaceApiModel(model: FaceApiModelName, options: FaceApiConvertOptions): Promise<ConvertedModel> {
  checkModel(model);
  if (typeof options?.modelDir !== 'string' || options.modelDir.length === 0) {
    throw new DiffmacError('INVALID_ARGUMENT', 'convertFaceApiModel needs the folder of the face-api weights', {
      argument: 'modelDir',
      expected: 'a folder holding face-api model files',
      received: String(options?.modelDir),
    });
  }
  const storage = options.weights ?? 'uint8';
  if (storage !== 'uint8' && storage !== 'float32') {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected 'uint8' or 'float32' for weights, received ${String(storage)}`, {
      argument: 'weights',
      expected: "'uint8' | 'float32'",
      received: String(storage),
    });
  }
  options.signal?.throwIfAborted();
  const files = await readWeightFiles(options.modelDir, `${model}_model`);
  const hash = createHash('sha256').update(`diffmac face-api converter ${FACE_API_CONVERTER_VERSION}\n${model}\n${storage}\n`).update(files.manifestText);
  for (const s of files.shards) hash.update(s);
  const digest = hash.digest('hex');
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const path = cacheDir === false ? undefined : join(cacheDir, 'face-api', `${model}-${storage}-${digest.slice(0, 16)}.onnx`);
  if (path) {
    try {
      const cached = new Uint8Array(await readFile(path));
      return { model, bytes: cached, path, digest, converted: false };
    } catch {
      // not cached yet
    }
  }
  options.signal?.throwIfAborted();
  const bytes = graphs[model](decodeWeights(JSON.parse(files.manifestText), files.shards), { keepUint8: storage === 'uint8' }).toBytes();
  if (path) {
    await mkdir(dirname(path), { recursive: true });
    const tmp = `${path}.${process.pid}.${randomUUID()}.tmp`;
    try {
      await writeFile(tmp, bytes);
      await rename(tmp, path);
    } catch (cause) {
      await rm(tmp, { force: true });
      throw new DiffmacError('CACHE_WRITE_FAILED', `Cannot write the converted model to ${path}`, {
        argument: 'cacheDir',
        expected: 'a writable folder (or cacheDir: false)',
        received: String(cacheDir),
        cause,
      });
    }
  }
  return { model, bytes, path, digest, converted: true };
}
