export { DiffmacError, describeValue, invalidArgument } from './errors';
export type { InferenceSession, RunOptions, Tensor, TensorData, TensorDataType, TensorSignature } from './inference/types';
