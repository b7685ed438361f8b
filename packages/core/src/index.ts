/**
 * diffmac runtime: tensors, seeded RNG, the one ONNX inference seam, model bundles, image I/O and the restoration pipeline on aligned faces.
 *
 * @packageDocumentation
 * @module @diffmac/core
 */
// The error class, Tensor and image types, and RNGs live in @diffmac/base; re-exported here for one release.
export { DiffmacError, describeValue, invalidArgument, type DiffmacErrorCode } from '@diffmac/base';
export type { InferenceSession, RunOptions, Tensor, TensorData, TensorDataType, TensorSignature } from './inference/types';
// Inference seam (ONNX Runtime sessions) and the ONNX graph builder
export { createSession, type GraphOptimizationLevel, type ModelSession, type SessionOptions } from './inference/session';
export { executionProvidersByDevice, executionProvidersFor, inferenceDevices, type InferenceDevice } from './inference/devices';
export { checkTensorsFinite } from './inference/finite';
export { createFeedValidator, dataTypeOfTensor, validateFeeds, type FeedValidator } from './inference/validate-feeds';
export {
  OnnxGraphBuilder,
  onnxAttr,
  type OnnxAttributeValue,
  type OnnxDim,
  type OnnxGraphBuilderOptions,
  type OnnxNodeOptions,
  type OnnxOpOptions,
  type OnnxTensorValue,
  type OnnxTypedAttribute,
} from './onnx/graph-builder';
export { onnxModelSignature, readOnnxSignature, type OnnxModelSignature } from './onnx/model-signature';
export { readOnnxSignatureFile } from './onnx/read-signature-file';
export { dataTypeFromOnnx, onnxElementType } from './onnx/proto';
export {
  convertFaceApiModel,
  FACE_API_CONVERTER_VERSION,
  type ConvertedModel,
  type FaceApiConvertOptions,
  type FaceApiModelName,
} from './convert/face-api/convert-model';
export { LANDMARK_INPUT_SIZE } from './convert/face-api/landmark-68';
export { RECOGNITION_DIMENSION, RECOGNITION_INPUT_SIZE } from './convert/face-api/recognition';
export { SSD_INPUT_SIZE } from './convert/face-api/ssd-mobilenet-v1';
export { defaultCacheDir } from './io/default-cache-dir';
export { bundleRoleNames, bundleRoles, type BundleRole, type BundleRoleSpec } from './bundle/roles';
export {
  MANIFEST_FILE,
  parseBundleManifest,
  type BundleComponentSpec,
  type BundleManifest,
  type BundleTensorSpec,
  type Parameterization,
} from './bundle/manifest';
export { resolveInsideBundle } from './bundle/paths';
export { sha256Bytes, sha256File } from './bundle/digest';
export { bundleLayoutHint, validateBundle, type BundleProgressEvent, type ValidateBundleOptions, type ValidatedBundle } from './bundle/validate-bundle';
export { defaultBundleCacheDir, isHubId, resolveHubBundle, type HubBundleOptions } from './bundle/hub';
export { ModelBundle, loadBundle, type BundleComponent, type LoadBundleOptions } from './bundle/load-bundle';
export { createBundleManifest, type CreateBundleManifestOptions } from './bundle/create-manifest';
export { ClipTokenizer, loadClipTokenizer, tokenizerKind, type ClipTokenizerFiles } from './text/clip-tokenizer';
export { clipBpe, clipByteEncoder, clipCleanText, clipPreTokens } from './text/clip-bpe';
export { encodePrompt, type EncodePromptOptions, type EncodedPrompt } from './text/encode-prompt';
export type { ColorImage, ImagePixels, RasterImage } from '@diffmac/base';
// Tensors, tiling, RNG re-export, image I/O and the VAE
export { assertFloat32, assertShape, assertTensor, formatShape, shapeSize } from './tensor/shape';
export { hwcToNchw, nchwToHwc } from './tensor/layout';
export { signedToUnit, unitToSigned } from './tensor/range';
export { float32ToUint16, float32ToUint8, uint16ToFloat32, uint8ToFloat32 } from './tensor/dtype';
export { roundHalfEven } from '@diffmac/base';
export { bgrToRgb, rgbToBgr, swapRedBlueNchw } from './tensor/channel-order';
export {
  imageToTensor,
  imagesToTensor,
  tensorToImage,
  tensorToImages,
  type ImageToTensorOptions,
  type TensorToImageOptions,
  type ValueRange,
} from './tensor/image-tensor';
export { planTiles, tileWeights, type BlendRamp, type TilePlan, type TileRect } from './tensor/tiling';
export { cropNchw, padNchwEdge } from './tensor/crop-pad';
export { runTiled, type RunTiledOptions, type TileProgressEvent } from './tensor/run-tiled';
export { createRng, randn, type NoiseSource, type Rng } from '@diffmac/base';
export { float16ToFloat32, float32ToFloat16, halfToNumber, numberToHalf } from './tensor/float16';
// PyTorch checkpoints: restricted unpickler, zip and legacy torch.save formats, lazy tensors
export { bytesSource, fileSource, type ByteSource } from './checkpoint/byte-source';
export { isZip, readZipDirectory, readZipEntry, type ZipEntry } from './checkpoint/zip-directory';
export { isPickleTuple, pickleOpcodeName, unpickle, type PickleHooks, type PickleTuple, type Unpickled } from './checkpoint/pickle-machine';
export { CheckpointTensorRef, checkpointElementSize, isCheckpointTensor, type CheckpointDType, type CheckpointStorage } from './checkpoint/tensor-ref';
export { PytorchCheckpoint, type CheckpointTensorInfo, type StorageReader } from './checkpoint/pytorch-checkpoint';
export type { LoadTensorOptions } from './checkpoint/load-tensor';
export { openCheckpoint, readCheckpoint, type OpenCheckpointOptions } from './checkpoint/open-checkpoint';
export { STATE_DICT_KEYS, findStateDict } from './checkpoint/find-state-dict';
export { assertRasterImage } from '@diffmac/base';
export {
  DEFAULT_PIXEL_LIMIT,
  readImage,
  type DecodedImage,
  type ReadImageChannels,
  type ReadImageOptions,
  type ReadImagePixels,
  type ReadImageResult,
} from './image/read-image';
export { encodeImage, formatFromPath, writeImage, type EncodeImageOptions, type ImageFormat } from './image/write-image';
export { writeFileAtomic, writeFailureReason, type WriteFileAtomicOptions } from './io/write-file-atomic';
export { encodeLatents, type EncodeLatentsOptions } from './vae/encode-latents';
export { decodeLatents, type DecodeLatentsOptions } from './vae/decode-latents';
export type { VaeOptions, VaeProgressEvent } from './vae/vae-session';
// pipeline: Restorer → Bottleneck → Refiner → colour fix on aligned faces
export { ADAIN_EPSILON, adainColourFix, colourFix, waveletColourFix, waveletDecompose, type ColourFixKind, type ColourFixOptions, type WaveletColourFixOptions } from './colour/colour-fix';
export type { PipelineEvent, PipelineStage, RefineContext, Refiner, Restorer, StageContext } from './pipeline/types';
export { resizeBilinearNchw, type FloatTensor } from './pipeline/tensor-ops';
export { UNET_BASE_INPUTS, conditionMap, createDenoiser, createUnetModel, encodeConditions, integerTimestep, predictionType, type UnetModelOptions } from './pipeline/unet-model';
export { adainAlignInPlace, adainGuidance, type AdainGuidanceOptions, type GuidedDenoiser } from './pipeline/guidance';
export { eulerSigmas, img2imgStart, samplerKind, sigmaOfTimestep, type PipelineSampler } from './pipeline/schedule';
export { createDiffusionRestorer, type AlignmentOptions, type DiffusionRestorer, type DiffusionRestorerOptions } from './pipeline/diffusion-restorer';
export { createOnePassRestorer, type OnePassKind, type OnePassRestorer, type OnePassRestorerOptions } from './pipeline/one-pass-restorer';
export { createDiffusionRefiner, type DiffusionRefiner, type DiffusionRefinerOptions } from './pipeline/diffusion-refiner';
export { createPipeline, type IdentityFunction, type Pipeline, type PipelineOptions, type PipelineResult, type PipelineRunOptions } from './pipeline/pipeline';
export { createPresetPipeline, pipelinePresets, type PipelinePreset, type PresetPipelineOptions } from './pipeline/presets';
// TFJS model conversion (weights manifests, graph models → ONNX)
export {
  decodeTfjsWeights,
  type TfjsManifestEntry,
  type TfjsManifestGroup,
  type TfjsQuantization,
  type TfjsWeight,
} from './convert/tfjs-weights/decode-weights';
export { readTfjsModelFiles, type TfjsModelFiles } from './convert/tfjs-weights/read-model-files';
export { convertTfjsGraph, TFJS_GRAPH_OPS, type ConvertTfjsGraphOptions, type ConvertedTfjsGraph } from './convert/tfjs-graph/convert-tfjs-graph';
export { convertTfjsLayers, TFJS_LAYERS, type ConvertTfjsLayersOptions, type ConvertedTfjsLayers } from './convert/tfjs-layers/convert-tfjs-layers';

// Learned upsampling: the shipped ESRGAN-medium models, tiled inference for any image size
export { ESRGAN_MEDIUM_SHA256, esrganModelDir, esrganOnnx, type EsrganScale } from './upscale/esrgan-models';
export { createEsrganUpsampler, type EsrganUpsampler, type EsrganUpsamplerOptions } from './upscale/esrgan-upsampler';
export { tileStarts, upsampleTiled, type TileProgress, type TileRunner, type UpsampleTiledOptions } from './upscale/upsample-tiled';

// PyTorch checkpoints → ONNX (diffmac convert)
export { CHECKPOINT_KINDS, convertCheckpoint, type CheckpointKind, type ConvertCheckpointOptions, type ConvertedCheckpoint, type ConvertProgressEvent } from './convert/pytorch/convert-checkpoint';
export { StateDictWeights } from './convert/pytorch/state-dict-weights';

// Deprecated here: the tiny test fixtures moved to the `@diffmac/core/testing` subpath. These re-exports stay for one
// release so existing imports keep working; import them from '@diffmac/core/testing'.
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
