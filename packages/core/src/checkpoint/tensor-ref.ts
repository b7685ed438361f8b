import { DiffmacError } from '@diffmac/base';

/** Element types a checkpoint tensor can have (PyTorch storage types and numpy dtypes). */
export type CheckpointDType = 'float32' | 'float64' | 'float16' | 'bfloat16' | 'int64' | 'int32' | 'int16' | 'int8' | 'uint8' | 'bool';

const ELEMENT_SIZE: Record<CheckpointDType, number> = {
  float32: 4,
  float64: 8,
  float16: 2,
  bfloat16: 2,
  int64: 8,
  int32: 4,
  int16: 2,
  int8: 1,
  uint8: 1,
  bool: 1,
};

/**
 * Bytes per element of a checkpoint dtype.
 *
 * @example
 * checkpointElementSize('float16'); // 2
 */
export function checkpointElementSize(dtype: CheckpointDType): number {
  return ELEMENT_SIZE[dtype];
}

/** One storage of a checkpoint (`archive/data/<key>` in the zip format): located, not read. */
export interface CheckpointStorage {
  readonly key: string;
  readonly dtype: CheckpointDType;
  /** Elements in the storage. */
  readonly numel: number;
  /** Where it lived when saved, e.g. `'cpu'`, `'cuda:0'` (it is read to the CPU either way). */
  readonly location: string;
  /** Byte order of the stored elements. */
  readonly littleEndian: boolean;
  /** Bytes held inside the pickle itself (numpy arrays); absent for file storages. */
  readonly inline?: Uint8Array;
}

/**
 * A tensor as the pickle describes it: a strided view (`offset`, `shape`, `strides`, all in
 * elements) of a storage. Nothing is read until the checkpoint loads it.
 *
 * @example
 * const ref = checkpoint.ref('params_ema.conv_first.weight');
 * ref.shape; // [64, 3, 3, 3]
 */
export class CheckpointTensorRef {
  constructor(
    readonly storage: CheckpointStorage,
    readonly offset: number,
    readonly shape: readonly number[],
    readonly strides: readonly number[],
    readonly requiresGrad = false,
  ) {
    const ok =
      Number.isSafeInteger(offset) &&
      offset >= 0 &&
      shape.length === strides.length &&
      shape.every((d) => Number.isSafeInteger(d) && d >= 0) &&
      strides.every((s) => Number.isSafeInteger(s) && s >= 0);
    if (!ok) {
      throw new DiffmacError('CHECKPOINT_INVALID', 'Checkpoint tensor has a malformed view', {
        argument: 'file',
        expected: 'non-negative integer offset, sizes and strides of equal rank',
        received: `offset ${offset}, size [${shape.join(', ')}], stride [${strides.join(', ')}]`,
      });
    }
  }

  get dtype(): CheckpointDType {
    return this.storage.dtype;
  }

  /** Number of elements of the view. */
  get numel(): number {
    return this.shape.reduce((a, b) => a * b, 1);
  }

  /** Whether the view is row-major contiguous (dims of size 1 ignored). */
  get contiguous(): boolean {
    let expected = 1;
    for (let i = this.shape.length - 1; i >= 0; i--) {
      const d = this.shape[i] as number;
      if (d !== 1 && this.strides[i] !== expected) return false;
      expected *= d;
    }
    return true;
  }

  /** The element range `[first, end)` of the storage this view touches (empty views touch none). */
  get span(): { readonly first: number; readonly end: number } {
    if (this.numel === 0) return { first: this.offset, end: this.offset };
    let last = this.offset;
    for (let i = 0; i < this.shape.length; i++) last += ((this.shape[i] as number) - 1) * (this.strides[i] as number);
    return { first: this.offset, end: last + 1 };
  }
}

/**
 * Whether a value from a checkpoint tree is a tensor reference.
 *
 * @example
 * if (isCheckpointTensor(value)) console.log(value.shape);
 */
export function isCheckpointTensor(value: unknown): value is CheckpointTensorRef {
  return value instanceof CheckpointTensorRef;
}
