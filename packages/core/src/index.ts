export { DiffmacError, describeValue, invalidArgument } from './errors';
export type { InferenceSession, RunOptions, Tensor, TensorData, TensorDataType, TensorSignature } from './inference/types';
// core-A: inference seam and ONNX builder
export { createSession, type GraphOptimizationLevel, type ModelSession, type SessionOptions } from './inference/session';
export { executionProvidersByDevice, executionProvidersFor, inferenceDevices, type InferenceDevice } from './inference/devices';
export { checkTensorsFinite } from './inference/finite';
export { dataTypeOfTensor, validateFeeds } from './inference/validate-feeds';
export {
  OnnxGraphBuilder,
  onnxAttr,
  type OnnxAttributeValue,
  type OnnxDim,
  type OnnxGraphBuilderOptions,
  type OnnxNodeOptions,
  type OnnxTensorValue,
  type OnnxTypedAttribute,
} from './onnx/graph-builder';
export { readOnnxSignature, type OnnxModelSignature } from './onnx/model-signature';
export { dataTypeFromOnnx, onnxElementType } from './onnx/proto';
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
export type { ColorImage, ImagePixels, RasterImage } from './image/types';
