import { randomUUID } from 'node:crypto';
import { link, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { DiffmacError } from '@diffmac/base';

/** Options of {@link writeFileAtomic}. */
export interface WriteFileAtomicOptions {
  /**
   * Replace an existing file (default true). With false an existing file is never touched and the
   * write fails with `OUTPUT_EXISTS` (the check and the write are one atomic step).
   */
  overwrite?: boolean;
}

/**
 * Write a file so that no reader ever sees it half-written: the bytes go to a temporary file in
 * the same folder, are flushed, then renamed over `file` (or, with `overwrite: false`, hard-linked
 * into place, which fails when `file` exists). On any failure the temporary file is removed and
 * an existing `file` is left as it was. Errors: `OUTPUT_EXISTS`, `FILE_WRITE_FAILED` (naming the
 * file and the reason: a read-only folder, a full disk, a missing folder).
 *
 * @example
 * await writeFileAtomic('out/summary.json', JSON.stringify(summary));
 * await writeFileAtomic('out/face.png', bytes, { overwrite: false });
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array, options: WriteFileAtomicOptions = {}): Promise<void> {
  const target = path.resolve(file);
  const temp = path.join(path.dirname(target), `.${path.basename(target)}.${randomUUID()}.tmp`);
  let created = false;
  try {
    const handle = await open(temp, 'wx');
    created = true;
    try {
      await handle.writeFile(data);
      await handle.sync();
    } finally {
      await handle.close();
    }
    if (options.overwrite === false) {
      await link(temp, target);
      await unlink(temp);
    } else await rename(temp, target);
    created = false;
  } catch (cause) {
    if (created) await unlink(temp).catch(() => undefined);
    const code = (cause as { code?: string }).code;
    if (code === 'EEXIST' && options.overwrite === false) {
      throw new DiffmacError('OUTPUT_EXISTS', `Refusing to overwrite ${file}: it already exists (remove it, choose another output folder, or pass --force)`, {
        argument: 'path',
        expected: 'a file name not in use',
        received: file,
        cause,
      });
    }
    throw new DiffmacError('FILE_WRITE_FAILED', `Could not write ${file}: ${writeFailureReason(code, path.dirname(target), cause)}`, {
      argument: 'path',
      expected: 'a writable file path',
      received: file,
      cause,
    });
  }
}

/**
 * One clear sentence for a failed write, from its errno code.
 *
 * @example
 * writeFailureReason('EACCES', 'out', err); // 'the folder out is not writable (EACCES)'
 */
export function writeFailureReason(code: string | undefined, dir: string, cause: unknown): string {
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') return `the folder ${dir} is not writable (${code})`;
  if (code === 'ENOSPC') return `the disk holding ${dir} is full (ENOSPC)`;
  if (code === 'ENOENT') return `the folder ${dir} does not exist (ENOENT)`;
  if (code === 'ENOTDIR') return `a part of ${dir} is a file, not a folder (ENOTDIR)`;
  if (code === 'EISDIR') return 'a folder of that name is in the way (EISDIR)';
  return cause instanceof Error ? cause.message : String(cause);
}
