import { DiffmacError } from '@diffmac/base';
import type { PytorchCheckpoint } from './pytorch-checkpoint';
import { CheckpointTensorRef } from './tensor-ref';

/** Keys that wrap a state dict in published checkpoints, in order of preference. */
export const STATE_DICT_KEYS = ['params_ema', 'params', 'state_dict', 'model', 'net_g', 'g_ema'] as const;

/**
 * The state dict of a checkpoint: the root when its values are tensors, else the first of
 * `keys` (default {@link STATE_DICT_KEYS}: BasicSR's `params_ema` before `params`, ...) that holds
 * one. Keys map to tensor references; non-tensor entries (e.g. `num_batches_tracked` stays, it is a
 * tensor; `_metadata` is not) are skipped.
 *
 * @example
 * const sd = findStateDict(await openCheckpoint('GFPGANv1.4.pth')); // params_ema
 * sd.get('conv_body_first.weight')?.shape;
 */
export function findStateDict(checkpoint: PytorchCheckpoint, keys: readonly string[] = STATE_DICT_KEYS): Map<string, CheckpointTensorRef> {
  const tensorsOf = (v: unknown): Map<string, CheckpointTensorRef> | undefined => {
    if (!(v instanceof Map)) return undefined;
    const out = new Map<string, CheckpointTensorRef>();
    for (const [k, x] of v) if (x instanceof CheckpointTensorRef) out.set(String(k), x);
    return out.size > 0 ? out : undefined;
  };
  const root = checkpoint.root;
  if (root instanceof Map) {
    for (const key of keys) {
      const found = tensorsOf(root.get(key));
      if (found) return found;
    }
    const direct = tensorsOf(root);
    if (direct) return direct;
  }
  throw new DiffmacError('CHECKPOINT_NO_STATE_DICT', 'The checkpoint holds no state dict', {
    argument: 'file',
    expected: `a dict of tensors, or one under ${keys.join(', ')}`,
    received: root instanceof Map ? `keys ${[...root.keys()].slice(0, 8).map(String).join(', ')}` : typeof root,
  });
}
