import { DiffmacError } from '@diffmac/base';
import type { Tensor } from '../inference/types';
import type { ByteSource } from './byte-source';
import { tensorFromSpan, type LoadTensorOptions } from './load-tensor';
import { checkpointElementSize, CheckpointTensorRef, type CheckpointDType, type CheckpointStorage } from './tensor-ref';

/** One tensor of a checkpoint as listed by {@link PytorchCheckpoint.tensors}: nothing read yet. */
export interface CheckpointTensorInfo {
  /** Dotted path from the root, e.g. `'params_ema.conv_first.weight'`. */
  readonly name: string;
  /** The same path as keys (dict keys and list indices). */
  readonly path: readonly (string | number)[];
  readonly dtype: CheckpointDType;
  readonly shape: readonly number[];
  /** In elements. */
  readonly strides: readonly number[];
  /** Storage offset in elements. */
  readonly offset: number;
  /** Key of the storage (tensors sharing a storage share the key). */
  readonly storage: string;
  readonly contiguous: boolean;
  /** Bytes the loaded tensor occupies in its stored type. */
  readonly byteLength: number;
  readonly ref: CheckpointTensorRef;
}

/** Reads `length` bytes at `byteOffset` inside a storage. */
export type StorageReader = (storage: CheckpointStorage, byteOffset: number, length: number) => Uint8Array;

/**
 * An opened `torch.save` file: the unpickled tree (`root`: `Map`s for dicts, arrays, numbers,
 * strings, {@link CheckpointTensorRef}s) and tensors read one at a time on demand, so a checkpoint
 * converts within about its own size in memory. Open with `openCheckpoint` or `readCheckpoint`;
 * `close()` releases the file.
 *
 * @example
 * const ckpt = await openCheckpoint('GFPGANv1.4.pth');
 * for (const t of ckpt.tensors()) console.log(t.name, t.dtype, t.shape);
 * const w = ckpt.load('params_ema.conv_body_first.weight', { as: 'float32' });
 * ckpt.close();
 */
export class PytorchCheckpoint {
  private index: Map<string, CheckpointTensorInfo> | undefined;

  constructor(
    /** `'zip'` (PyTorch ≥ 1.6 default) or `'legacy'` (`_use_new_zipfile_serialization=False`). */
    readonly format: 'zip' | 'legacy',
    /** The unpickled object. */
    readonly root: unknown,
    private readonly source: ByteSource,
    private readonly readStorage: StorageReader,
  ) {}

  /**
   * Every tensor reachable from the root, depth first in stored order (a tensor reachable twice
   * is listed at its first path).
   *
   * @example
   * ckpt.tensors().map((t) => t.name); // ['params_ema.conv.weight', ...]
   */
  tensors(): CheckpointTensorInfo[] {
    return [...this.tensorIndex().values()];
  }

  /**
   * The tensor reference at a dotted name, or a typed `CHECKPOINT_TENSOR_NOT_FOUND` error.
   *
   * @example
   * ckpt.ref('lin0.model.1.weight').shape; // [1, 64, 1, 1]
   */
  ref(name: string): CheckpointTensorRef {
    const info = this.tensorIndex().get(name);
    if (!info) {
      const names = [...this.tensorIndex().keys()];
      throw new DiffmacError('CHECKPOINT_TENSOR_NOT_FOUND', `No tensor ${name} in the checkpoint`, {
        argument: 'name',
        expected: names.length ? `one of ${names.slice(0, 8).join(', ')}${names.length > 8 ? `, ... (${names.length})` : ''}` : 'a checkpoint with tensors',
        received: name,
      });
    }
    return info.ref;
  }

  /**
   * Read one tensor (by dotted name or reference) into memory as a dense row-major tensor.
   *
   * @example
   * const { data, shape } = ckpt.load('mean', { as: 'float32' });
   */
  load(tensor: string | CheckpointTensorRef, options: LoadTensorOptions = {}): Tensor {
    const ref = typeof tensor === 'string' ? this.ref(tensor) : tensor;
    const es = checkpointElementSize(ref.dtype);
    const { first, end } = ref.span;
    if (end > ref.storage.numel) {
      throw new DiffmacError('CHECKPOINT_INVALID', `Tensor view reaches element ${end} of storage ${ref.storage.key}, which holds ${ref.storage.numel}`, {
        argument: 'file',
        expected: `a view inside ${ref.storage.numel} elements`,
        received: `elements ${first}..${end}`,
      });
    }
    const inline = ref.storage.inline;
    const bytes = inline ? inline.subarray(first * es, end * es) : this.readStorage(ref.storage, first * es, (end - first) * es);
    return tensorFromSpan(ref, bytes, ref.storage.littleEndian, options, !inline);
  }

  /** Release the file. Loading afterwards throws `CHECKPOINT_CLOSED`. */
  close(): void {
    this.source.close();
  }

  private tensorIndex(): Map<string, CheckpointTensorInfo> {
    if (this.index) return this.index;
    const index = new Map<string, CheckpointTensorInfo>();
    const seen = new Set<unknown>();
    const walk = (v: unknown, path: (string | number)[]): void => {
      if (v instanceof CheckpointTensorRef) {
        const name = path.join('.');
        if (seen.has(v) || index.has(name)) return;
        seen.add(v);
        index.set(name, {
          name,
          path,
          dtype: v.dtype,
          shape: v.shape,
          strides: v.strides,
          offset: v.offset,
          storage: v.storage.key,
          contiguous: v.contiguous,
          byteLength: v.numel * checkpointElementSize(v.dtype),
          ref: v,
        });
        return;
      }
      if (typeof v !== 'object' || v === null || seen.has(v)) return;
      seen.add(v);
      if (v instanceof Map) for (const [k, x] of v) walk(x, [...path, typeof k === 'string' || typeof k === 'number' ? k : String(k)]);
      else if (Array.isArray(v)) v.forEach((x, i) => walk(x, [...path, i]));
    };
    walk(this.root, []);
    this.index = index;
    return index;
  }
}
