/**
 * The face-api models face-align runs: core's face-api → ONNX converter, reading the weights
 * that ship inside the installed `@vladmandic/face-api` package unless told otherwise.
 */
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { type ConvertedModel, convertFaceApiModel as convertWithCore, type FaceApiConvertOptions, type FaceApiModelName } from '@diffmac/core';

/** Options shared by everything that converts face-api models on first use. */
export interface FaceApiModelOptions extends Omit<FaceApiConvertOptions, 'modelDir'> {
  /** Folder with face-api's `*-weights_manifest.json` and `.bin` files (default: the installed `@vladmandic/face-api/model`). */
  modelDir?: string;
}

/**
 * The folder of the installed `@vladmandic/face-api` package's weights.
 *
 * @example
 * faceApiModelDir(); // '/…/node_modules/@vladmandic/face-api/model'
 */
export function faceApiModelDir(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@vladmandic/face-api/package.json')), 'model');
}

/**
 * Convert one face-api model to ONNX (or load it from the cache) with core's converter, reading
 * the weights of the installed `@vladmandic/face-api` unless `modelDir` is given.
 *
 * @example
 * const { bytes, path } = await convertFaceApiModel('face_landmark_68');
 * const session = await createSession(bytes);
 */
export function convertFaceApiModel(model: FaceApiModelName, options: FaceApiModelOptions = {}): Promise<ConvertedModel> {
  return convertWithCore(model, { ...options, modelDir: options.modelDir ?? faceApiModelDir() });
}
