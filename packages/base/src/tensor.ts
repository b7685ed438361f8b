/** Element types a tensor can hold, named as ONNX names them. */
export type TensorDataType = 'float32' | 'float64' | 'float16' | 'int8' | 'uint8' | 'int32' | 'int64' | 'bool';

/** Typed-array storage for each {@link TensorDataType} (float16 is stored as raw Uint16 bits). */
export type TensorData = Float32Array | Float64Array | Uint16Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;

/**
 * A dense row-major tensor: plain data, so any `{ data, shape }` object is one. Every diffmac
 * package passes tensors in this one shape (`Tensor<Float32Array>` where only float32 makes sense).
 *
 * @example
 * const latent: Tensor<Float32Array> = { data: new Float32Array(4 * 64 * 64), shape: [1, 4, 64, 64] };
 */
export interface Tensor<D extends TensorData = TensorData> {
  readonly data: D;
  readonly shape: readonly number[];
  /** Defaults to what `data`'s type implies (Float32Array → float32, ...). */
  readonly dtype?: TensorDataType;
}
