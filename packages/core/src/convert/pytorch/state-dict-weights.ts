import { DiffmacError } from '@diffmac/base';
import { findStateDict } from '../../checkpoint/find-state-dict';
import type { PytorchCheckpoint } from '../../checkpoint/pytorch-checkpoint';
import type { CheckpointTensorRef } from '../../checkpoint/tensor-ref';

/**
 * The parameters of one network, read by key from a checkpoint's state dict and checked against the
 * shapes the architecture needs. Every key taken is recorded, so {@link StateDictWeights.finish} can
 * refuse keys the architecture does not have (other than the ones a published file is known to carry,
 * such as classifier heads). A `module.` prefix (DataParallel) is removed.
 *
 * @example
 * const w = new StateDictWeights(ckpt, 'arcface-resnet18');
 * const kernel = w.take('conv1.weight', [64, 1, 3, 3]);
 * w.finish([/^fc\.|num_batches_tracked$/]);
 */
export class StateDictWeights {
  private readonly refs = new Map<string, CheckpointTensorRef>();
  private readonly used = new Set<string>();

  constructor(
    private readonly checkpoint: PytorchCheckpoint,
    /** Named in errors: what the checkpoint is being read as. */
    readonly kind: string,
    /** Called after each tensor is read: its key, how many were read, how many the state dict has. */
    private readonly onTake?: (key: string, taken: number, total: number) => void,
  ) {
    for (const [key, ref] of findStateDict(checkpoint)) this.refs.set(key.startsWith('module.') ? key.slice(7) : key, ref);
  }

  /** Whether the state dict has `key`. */
  has(key: string): boolean {
    return this.refs.has(key);
  }

  /** Every key of the state dict (without a `module.` prefix). */
  get keys(): readonly string[] {
    return [...this.refs.keys()];
  }

  /**
   * The float32 values of `key`, which must have exactly `shape`; a missing key is
   * `CHECKPOINT_TENSOR_NOT_FOUND`, another shape `CHECKPOINT_SHAPE_MISMATCH`, both naming the key.
   */
  take(key: string, shape: readonly number[]): Float32Array {
    const ref = this.refs.get(key);
    if (!ref) {
      throw new DiffmacError('CHECKPOINT_TENSOR_NOT_FOUND', `${this.kind}: the checkpoint has no ${key} (is it a ${this.kind} checkpoint?)`, {
        argument: key,
        expected: `a tensor of shape [${shape.join(', ')}]`,
        received: 'no such key',
      });
    }
    if (ref.shape.length !== shape.length || ref.shape.some((d, i) => d !== shape[i])) {
      throw new DiffmacError('CHECKPOINT_SHAPE_MISMATCH', `${this.kind}: ${key} has shape [${ref.shape.join(', ')}], the architecture needs [${shape.join(', ')}]`, {
        argument: key,
        expected: `[${shape.join(', ')}]`,
        received: `[${ref.shape.join(', ')}]`,
      });
    }
    this.used.add(key);
    const data = this.checkpoint.load(ref, { as: 'float32' }).data as Float32Array;
    this.onTake?.(key, this.used.size, this.refs.size);
    return data;
  }

  /**
   * Check that every key was taken, except those matching `skip` (keys the published files carry
   * that the converted network does not use); otherwise `CHECKPOINT_UNEXPECTED_KEY` names the first.
   */
  finish(skip: readonly RegExp[] = []): void {
    const left = [...this.refs.keys()].filter((k) => !this.used.has(k) && !skip.some((r) => r.test(k)));
    if (left.length > 0) {
      throw new DiffmacError('CHECKPOINT_UNEXPECTED_KEY', `${this.kind}: the checkpoint has ${left.length} key(s) the architecture does not use, first ${left[0]}`, {
        argument: left[0]!,
        expected: `only ${this.kind} parameters`,
        received: left.slice(0, 5).join(', '),
      });
    }
  }
}
