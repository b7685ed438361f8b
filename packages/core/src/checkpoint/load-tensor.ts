import { DiffmacError } from '@diffmac/base';
import type { Tensor, TensorData, TensorDataType } from '../inference/types';
import { float16ToFloat32 } from '../tensor/float16';
import { checkpointElementSize, type CheckpointDType, type CheckpointTensorRef } from './tensor-ref';

/** Options of {@link PytorchCheckpoint.load}. */
export interface LoadTensorOptions {
  /** Convert the values to float32 (from float16/bfloat16/float64/integers); default: keep the stored type. */
  readonly as?: 'float32';
}

type Typed = Float32Array | Float64Array | Uint16Array | Int32Array | Int16Array | Int8Array | Uint8Array | BigInt64Array;

function typedView(dtype: CheckpointDType, buffer: ArrayBuffer, length: number): Typed {
  switch (dtype) {
    case 'float32':
      return new Float32Array(buffer, 0, length);
    case 'float64':
      return new Float64Array(buffer, 0, length);
    case 'float16':
    case 'bfloat16':
      return new Uint16Array(buffer, 0, length);
    case 'int64':
      return new BigInt64Array(buffer, 0, length);
    case 'int32':
      return new Int32Array(buffer, 0, length);
    case 'int16':
      return new Int16Array(buffer, 0, length);
    case 'int8':
      return new Int8Array(buffer, 0, length);
    default:
      return new Uint8Array(buffer, 0, length);
  }
}

function gather(src: Typed, ref: CheckpointTensorRef): Typed {
  const n = ref.numel;
  const out = new (src.constructor as new (n: number) => Typed)(n);
  const rank = ref.shape.length;
  const index = new Array<number>(rank).fill(0);
  let at = 0; // element offset relative to the span's first element
  for (let i = 0; i < n; i++) {
    (out as unknown as unknown[])[i] = (src as unknown as unknown[])[at];
    for (let d = rank - 1; d >= 0; d--) {
      index[d] = (index[d] as number) + 1;
      at += ref.strides[d] as number;
      if ((index[d] as number) < (ref.shape[d] as number)) break;
      at -= (ref.strides[d] as number) * (ref.shape[d] as number);
      index[d] = 0;
    }
  }
  return out;
}

function toFloat32(dtype: CheckpointDType, data: Typed): Float32Array {
  if (data instanceof Float32Array) return data;
  if (dtype === 'float16') return float16ToFloat32(data as Uint16Array);
  if (data instanceof BigInt64Array) return Float32Array.from(data, (v) => Number(v));
  return Float32Array.from(data as ArrayLike<number>);
}

/**
 * Materialise a checkpoint tensor from the bytes of its storage span (`span.first` to `span.end`
 * elements): byte order fixed, strided views gathered to row-major, bfloat16 widened to float32,
 * int16 to int32, bool kept as bytes. `owned`: `bytes` were read for this call alone (kept, not copied).
 *
 * @example
 * const t = tensorFromSpan(ref, bytes, true, { as: 'float32' });
 */
export function tensorFromSpan(ref: CheckpointTensorRef, bytes: Uint8Array, littleEndian: boolean, options: LoadTensorOptions = {}, owned = false): Tensor {
  const es = checkpointElementSize(ref.dtype);
  const { first, end } = ref.span;
  if (bytes.length !== (end - first) * es) {
    throw new DiffmacError('CHECKPOINT_INVALID', `Storage ${ref.storage.key} span is ${bytes.length} bytes, expected ${(end - first) * es}`, {
      argument: 'file',
      expected: `${(end - first) * es} bytes`,
      received: `${bytes.length} bytes`,
    });
  }
  // Never alias (or byte-swap) the source's memory; bytes freshly read for this call are ours to keep,
  // which saves a copy of every tensor (a converter then holds each weight once).
  const own = owned && bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
  if (!littleEndian && es > 1) for (let i = 0; i < own.length; i += es) own.subarray(i, i + es).reverse();
  const span = typedView(ref.dtype, own.buffer as ArrayBuffer, end - first);
  let data: Typed = ref.contiguous && ref.numel === end - first ? span : gather(span, ref);
  let dtype: TensorDataType;
  switch (ref.dtype) {
    case 'bfloat16': {
      const wide = new Uint32Array(data.length);
      for (let i = 0; i < data.length; i++) wide[i] = (data[i] as number) << 16;
      data = new Float32Array(wide.buffer);
      dtype = 'float32';
      break;
    }
    case 'int16':
      data = Int32Array.from(data as Int16Array);
      dtype = 'int32';
      break;
    default:
      dtype = ref.dtype;
  }
  if (options.as === 'float32') return { data: toFloat32(dtype === 'float32' ? 'float32' : ref.dtype, data), shape: [...ref.shape], dtype: 'float32' };
  return { data: data as TensorData, shape: [...ref.shape], dtype };
}
