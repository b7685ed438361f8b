/**
 * Test fixtures of @diffmac/core: tiny random-weight ONNX models of every bundle role, a whole tiny
 * bundle on disk, and a tiny tokenizer. They prove wiring and shapes, never a real model's output.
 *
 * @example
 * import { writeTinyBundle } from '@diffmac/core/testing';
 * await writeTinyBundle(dir, { seed: 1 }); // a whole tiny bundle of every role
 *
 * @packageDocumentation
 * @module @diffmac/core/testing
 */
export { conv2d, linear, randomWeights, silu, type Conv2dOptions, type LayerContext } from './onnx/tiny-layers';
export { buildTinyModel, tinyModelRoles, type TinyModelOptionsByRole } from './onnx/tiny/build-tiny-model';
export type { TinyModel, TinyModelBaseOptions, TinyModelRole } from './onnx/tiny/common';
export { buildTinyUnet, type TinyUnetOptions } from './onnx/tiny/unet';
export { buildTinyVaeDecoder, buildTinyVaeEncoder, type TinyVaeOptions } from './onnx/tiny/vae';
export { buildTinyTextEncoder, type TinyTextEncoderOptions } from './onnx/tiny/text-encoder';
export { buildTinyCondEncoder, type TinyCondEncoderOptions } from './onnx/tiny/cond-encoder';
export { buildTinyMib, type TinyMibOptions } from './onnx/tiny/mib';
export { buildTinyRestorer, type TinyRestorerOptions } from './onnx/tiny/restorer';
export { buildTinyDetector, tinyDetectorStrides, type TinyDetectorOptions } from './onnx/tiny/detector';
export { buildTinyIdentity, type TinyIdentityOptions } from './onnx/tiny/identity';
export { writeTinyBundle, type TinyBundleKind, type WriteTinyBundleOptions } from './bundle/write-tiny-bundle';
export { tinyTokenizerFiles, tinyTokenizerSpecial, tinyTokenizerVocabSize } from './text/tiny-tokenizer';
