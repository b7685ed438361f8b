/**
 * The ONNX protobuf classes (onnx-proto is CommonJS, so it is imported whole) and the mapping
 * between ONNX element types and diffmac's {@link TensorDataType} names.
 */
import onnxProto from 'onnx-proto';
import type { TensorDataType } from '../inference/types';

/** The generated `onnx` protobuf namespace (ModelProto, GraphProto, NodeProto, ...). */
export const onnx = onnxProto.onnx;

/** ONNX `TensorProto.DataType` code for each diffmac element type. */
export const onnxElementType: Readonly<Record<TensorDataType, number>> = {
  float32: 1,
  uint8: 2,
  int8: 3,
  int32: 6,
  int64: 7,
  bool: 9,
  float16: 10,
  float64: 11,
};

/**
 * The diffmac element type of an ONNX `TensorProto.DataType` code, or `'unknown'`.
 *
 * @example
 * dataTypeFromOnnx(1); // 'float32'
 */
export function dataTypeFromOnnx(code: number | null | undefined): TensorDataType | 'unknown' {
  for (const [name, value] of Object.entries(onnxElementType)) if (value === code) return name as TensorDataType;
  return 'unknown';
}
