import { DiffmacError, describeValue } from '@diffmac/base';
import type { ByteSource } from './byte-source';
import { unpickle } from './pickle-machine';
import { PytorchCheckpoint } from './pytorch-checkpoint';
import { checkpointElementSize, type CheckpointStorage } from './tensor-ref';
import { torchPickleHooks } from './torch-pickle-hooks';

const MAGIC = 0x1950a86a20f9469cfc6cn;
const PROTOCOL_VERSION = 1001;

function noPickleHooks(what: string) {
  return torchPickleHooks(() => {
    throw new DiffmacError('CHECKPOINT_INVALID', `Storage inside the ${what} record`, { argument: 'file', expected: 'plain data', received: 'a storage' });
  });
}

/**
 * Whether the source looks like a tar file (PyTorch < 0.4 checkpoints were tar archives).
 *
 * @example
 * isTar(src); // false for torch.save output of any current PyTorch
 */
export function isTar(source: ByteSource): boolean {
  if (source.size < 262) return false;
  return new TextDecoder().decode(source.read(257, 5)) === 'ustar';
}

/**
 * Read a legacy (non-zip) `torch.save` file, as written with `_use_new_zipfile_serialization=False`:
 * magic number, protocol version and system-info pickles, the object pickle, the sorted storage
 * keys, then each storage as a little-endian int64 element count followed by its bytes. Only the
 * pickles and the 8-byte headers are read here; tensors are read on demand.
 *
 * @example
 * const ckpt = readLegacyCheckpoint(fileSource('lpips_v0.1_alex.pth'));
 */
export function readLegacyCheckpoint(source: ByteSource): PytorchCheckpoint {
  const magic = unpickle(source, 0, noPickleHooks('magic'));
  if (magic.value !== MAGIC && magic.value !== Number(MAGIC)) {
    throw new DiffmacError('CHECKPOINT_INVALID', 'Not a PyTorch checkpoint: wrong magic number', { argument: 'file', expected: 'the torch.save magic number', received: describeValue(magic.value) });
  }
  const version = unpickle(source, magic.end, noPickleHooks('protocol'));
  if (version.value !== PROTOCOL_VERSION) {
    throw new DiffmacError('CHECKPOINT_UNSUPPORTED', `Unsupported legacy checkpoint protocol ${describeValue(version.value)}`, { argument: 'file', expected: String(PROTOCOL_VERSION), received: describeValue(version.value) });
  }
  // Storage bytes are written little-endian on every machine, so the system-info record is skipped.
  const sysInfo = unpickle(source, version.end, noPickleHooks('system-info'));
  const storages = new Map<string, CheckpointStorage>();
  const hooks = torchPickleHooks((key, dtype, numel, location) => {
    const s: CheckpointStorage = { key, dtype, numel, location, littleEndian: true };
    storages.set(key, s);
    return s;
  });
  const main = unpickle(source, sysInfo.end, hooks);
  const root = hooks.finish(main.value);
  const keys = unpickle(source, main.end, noPickleHooks('storage-key'));
  if (!Array.isArray(keys.value) || !keys.value.every((k) => typeof k === 'string')) {
    throw new DiffmacError('CHECKPOINT_INVALID', 'Legacy checkpoint storage key list is malformed', { argument: 'file', expected: 'a list of storage keys', received: describeValue(keys.value) });
  }
  const offsets = new Map<string, number>();
  let pos = keys.end;
  for (const key of keys.value as string[]) {
    const storage = storages.get(key);
    if (!storage) throw new DiffmacError('CHECKPOINT_INVALID', `Legacy checkpoint lists storage ${key} that no tensor uses`, { argument: 'file', expected: 'a referenced storage key', received: key });
    const header = new DataView(source.read(pos, 8).slice().buffer);
    const count = Number(header.getBigInt64(0, true));
    if (count !== storage.numel) {
      throw new DiffmacError('CHECKPOINT_INVALID', `Legacy storage ${key} records ${count} elements, its tensors expect ${storage.numel}`, { argument: 'file', expected: String(storage.numel), received: String(count) });
    }
    offsets.set(key, pos + 8);
    pos += 8 + count * checkpointElementSize(storage.dtype);
    if (pos > source.size) throw new DiffmacError('CHECKPOINT_INVALID', `Legacy checkpoint truncated inside storage ${key}`, { argument: 'file', expected: `at least ${pos} bytes`, received: `${source.size} bytes` });
  }
  for (const key of storages.keys()) {
    if (!offsets.has(key)) throw new DiffmacError('CHECKPOINT_INVALID', `Legacy checkpoint has no data for storage ${key}`, { argument: 'file', expected: 'every storage in the key list', received: key });
  }
  return new PytorchCheckpoint('legacy', root, source, (storage, offset, length) => source.read((offsets.get(storage.key) as number) + offset, length));
}
