import { DiffmacError } from '@diffmac/base';
import type { ByteSource } from './byte-source';
import { unpickle } from './pickle-machine';
import { PytorchCheckpoint } from './pytorch-checkpoint';
import { torchPickleHooks } from './torch-pickle-hooks';
import { checkpointElementSize } from './tensor-ref';
import { readZipDirectory, readZipEntry, type ZipEntry } from './zip-directory';
import { bytesSource } from './byte-source';

/**
 * Read a zip-format `torch.save` file (PyTorch ≥ 1.6): `<name>/data.pkl` unpickled with the
 * restricted hooks, `<name>/byteorder` honoured (little when absent), storages `<name>/data/<key>`
 * located for reading on demand.
 *
 * @example
 * const ckpt = readZipCheckpoint(fileSource('model.pth'));
 */
export function readZipCheckpoint(source: ByteSource): PytorchCheckpoint {
  const entries = readZipDirectory(source);
  const pkl = entries.find((e) => /^[^/]+\/data\.pkl$/.test(e.name)) ?? entries.find((e) => e.name === 'data.pkl' || e.name.endsWith('/data.pkl'));
  if (!pkl) {
    throw new DiffmacError('CHECKPOINT_INVALID', 'Zip file holds no data.pkl: not a torch.save checkpoint', {
      argument: 'file',
      expected: 'a torch.save zip with <name>/data.pkl',
      received: entries.slice(0, 5).map((e) => e.name).join(', ') || 'an empty zip',
    });
  }
  const prefix = pkl.name.slice(0, pkl.name.length - 'data.pkl'.length);
  const byName = new Map(entries.map((e) => [e.name, e]));
  const orderEntry = byName.get(`${prefix}byteorder`);
  const order = orderEntry ? new TextDecoder().decode(readZipEntry(source, orderEntry)).trim() : 'little';
  if (order !== 'little' && order !== 'big') {
    throw new DiffmacError('CHECKPOINT_INVALID', `Unknown byteorder record ${JSON.stringify(order)}`, { argument: 'file', expected: '"little" or "big"', received: order });
  }
  const littleEndian = order === 'little';
  const files = new Map<string, ZipEntry>();
  const hooks = torchPickleHooks((key, dtype, numel, location) => {
    const entry = byName.get(`${prefix}data/${key}`);
    if (!entry) {
      throw new DiffmacError('CHECKPOINT_INVALID', `Checkpoint storage ${key} is missing from the archive`, { argument: 'file', expected: `${prefix}data/${key}`, received: 'no such member' });
    }
    if (entry.size < numel * checkpointElementSize(dtype)) {
      throw new DiffmacError('CHECKPOINT_INVALID', `Checkpoint storage ${key} holds ${entry.size} bytes, fewer than ${numel} ${dtype} elements`, {
        argument: 'file',
        expected: `${numel * checkpointElementSize(dtype)} bytes`,
        received: `${entry.size} bytes`,
      });
    }
    files.set(key, entry);
    return { key, dtype, numel, location, littleEndian };
  });
  const { value } = unpickle(bytesSource(readZipEntry(source, pkl), pkl.name), 0, hooks);
  const root = hooks.finish(value);
  return new PytorchCheckpoint('zip', root, source, (storage, offset, length) => readZipEntry(source, files.get(storage.key) as ZipEntry, offset, length));
}
