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
export type { ColorImage, ImagePixels, RasterImage } from './image/types';
