import { DiffmacError } from '@diffmac/base';
import { bytesSource, fileSource, type ByteSource } from './byte-source';
import type { PytorchCheckpoint } from './pytorch-checkpoint';
import { isTar, readLegacyCheckpoint } from './read-legacy-checkpoint';
import { readZipCheckpoint } from './read-zip-checkpoint';
import { isZip } from './zip-directory';

/** Options of {@link openCheckpoint}. */
export interface OpenCheckpointOptions {
  /** Checked before the file is opened. */
  readonly signal?: AbortSignal;
}

function readSource(source: ByteSource): PytorchCheckpoint {
  try {
    if (isZip(source)) return readZipCheckpoint(source);
    if (isTar(source)) {
      throw new DiffmacError('CHECKPOINT_UNSUPPORTED', 'Tar-format checkpoint (PyTorch < 0.4): load and re-save it with a current PyTorch', {
        argument: 'file',
        expected: 'a torch.save zip or legacy pickle file',
        received: 'a tar archive',
      });
    }
    const head = source.size > 0 ? source.read(0, 1)[0] : undefined;
    if (head !== 0x80) {
      throw new DiffmacError('CHECKPOINT_INVALID', 'Not a PyTorch checkpoint: neither a zip archive nor a pickle', {
        argument: 'file',
        expected: 'a torch.save file (zip, or legacy pickle starting with 0x80)',
        received: head === undefined ? 'an empty file' : `first byte 0x${head.toString(16).padStart(2, '0')}`,
      });
    }
    return readLegacyCheckpoint(source);
  } catch (error) {
    source.close();
    if (error instanceof DiffmacError) throw error;
    throw new DiffmacError('CHECKPOINT_INVALID', `Corrupt checkpoint: ${String(error)}`, { argument: 'file', expected: 'a torch.save file', received: String(error), cause: error });
  }
}

/**
 * Open a PyTorch checkpoint (`torch.save` output, zip or legacy format) without executing
 * anything from it. Only the pickle is read now; tensors load one at a time on demand.
 * Errors are `DiffmacError`s: `CHECKPOINT_NOT_FOUND`, `CHECKPOINT_INVALID`,
 * `CHECKPOINT_UNSUPPORTED`, `CHECKPOINT_FORBIDDEN_GLOBAL` (naming the global),
 * `CHECKPOINT_FORBIDDEN_OPCODE` (naming the opcode).
 *
 * @example
 * const ckpt = await openCheckpoint('weights/lpips_alex.pth');
 * try { const w = ckpt.load('lin0.model.1.weight'); } finally { ckpt.close(); }
 */
export async function openCheckpoint(path: string, options: OpenCheckpointOptions = {}): Promise<PytorchCheckpoint> {
  options.signal?.throwIfAborted();
  return readSource(fileSource(path));
}

/**
 * Read a PyTorch checkpoint already in memory (the bytes are not copied; keep them unchanged).
 *
 * @example
 * const ckpt = readCheckpoint(new Uint8Array(await readFile('fid_stats.pth')));
 * const mean = ckpt.load('mean', { as: 'float32' });
 */
export function readCheckpoint(bytes: Uint8Array): PytorchCheckpoint {
  return readSource(bytesSource(bytes));
}
