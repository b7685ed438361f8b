import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { DiffmacError } from '@diffmac/base';

/**
 * Random-access bytes: a file read on demand or a buffer already in memory. Readers of
 * checkpoints and archives take one, so a 350 MB checkpoint is never held whole in memory.
 */
export interface ByteSource {
  /** Total size in bytes. */
  readonly size: number;
  /** Exactly `length` bytes from `offset`; throws `CHECKPOINT_INVALID` past the end. */
  read(offset: number, length: number): Uint8Array;
  /** Release the file (a no-op for buffers). */
  close(): void;
}

function outOfRange(offset: number, length: number, size: number, label: string): never {
  throw new DiffmacError('CHECKPOINT_INVALID', `Truncated ${label}: needed bytes ${offset}..${offset + length}, the file has ${size}`, {
    argument: 'file',
    expected: `at least ${offset + length} bytes`,
    received: `${size} bytes`,
  });
}

/**
 * A {@link ByteSource} over bytes in memory (reads are views, not copies).
 *
 * @example
 * const src = bytesSource(new Uint8Array(await readFile('model.pth')));
 */
export function bytesSource(bytes: Uint8Array, label = 'file'): ByteSource {
  return {
    size: bytes.length,
    read(offset, length) {
      if (!(offset >= 0 && length >= 0 && offset + length <= bytes.length)) outOfRange(offset, length, bytes.length, label);
      return bytes.subarray(offset, offset + length);
    },
    close() {},
  };
}

/**
 * A {@link ByteSource} over a file, read on demand with positioned reads. Call `close()` when done.
 *
 * @example
 * const src = fileSource('model.pth');
 * const head = src.read(0, 4);
 * src.close();
 */
export function fileSource(path: string): ByteSource {
  let fd: number | undefined;
  try {
    fd = openSync(path, 'r');
  } catch (cause) {
    const code = (cause as NodeJS.ErrnoException).code;
    throw new DiffmacError(code === 'ENOENT' ? 'CHECKPOINT_NOT_FOUND' : 'CHECKPOINT_INVALID', `Cannot open checkpoint ${path}: ${code ?? String(cause)}`, {
      argument: 'file',
      expected: 'a readable file',
      received: path,
      cause,
    });
  }
  const stat = fstatSync(fd);
  if (!stat.isFile()) {
    closeSync(fd);
    throw new DiffmacError('CHECKPOINT_INVALID', `Not a file: ${path}`, { argument: 'file', expected: 'a file', received: path });
  }
  const size = stat.size;
  const handle = fd;
  let open = true;
  return {
    size,
    read(offset, length) {
      if (!open) throw new DiffmacError('CHECKPOINT_CLOSED', `Checkpoint ${path} was closed`, { argument: 'file' });
      if (!(offset >= 0 && length >= 0 && offset + length <= size)) outOfRange(offset, length, size, path);
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const n = readSync(handle, out, done, length - done, offset + done);
        if (n <= 0) outOfRange(offset, length, offset + done, path);
        done += n;
      }
      return out;
    },
    close() {
      if (open) closeSync(handle);
      open = false;
    },
  };
}
