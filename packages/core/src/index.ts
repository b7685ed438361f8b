export { DiffmacError, describeValue, invalidArgument } from './errors';
export type { InferenceSession, RunOptions, Tensor, TensorData, TensorDataType, TensorSignature } from './inference/types';
export type { ColorImage, ImagePixels, RasterImage } from './image/types';
