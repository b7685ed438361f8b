import { readFileSync } from 'node:fs';
import { open, unlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DiffmacError } from '@diffmac/base';
import { writeFailureReason } from '@diffmac/core';

/** A held lock on an output folder; `release` removes the lock file. */
export interface RunLock {
  readonly file: string;
  release(): Promise<void>;
}

interface LockInfo {
  pid: number;
  host: string;
  started: string;
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as { code?: string }).code === 'EPERM';
  }
}

/**
 * Take the lock file `<dir>/<name>` so that two runs never write into one folder: created with
 * `O_EXCL`, holding this process's id, host and start time. A second run gets `OUTPUT_LOCKED`
 * naming the first. A lock left by a process that no longer exists on this host (a `kill -9`) is
 * taken over, so `--resume` after a crash just works.
 *
 * @example
 * const lock = await acquireRunLock('eval/out', 'eval.lock');
 * try { ... } finally { await lock.release(); }
 */
export async function acquireRunLock(dir: string, name: string): Promise<RunLock> {
  const file = path.join(dir, name);
  const info: LockInfo = { pid: process.pid, host: os.hostname(), started: new Date().toISOString() };
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const handle = await open(file, 'wx');
      try {
        await handle.writeFile(`${JSON.stringify(info)}\n`);
      } finally {
        await handle.close();
      }
      let released = false;
      return {
        file,
        async release() {
          if (released) return;
          released = true;
          await unlink(file).catch(() => undefined);
        },
      };
    } catch (error) {
      const code = (error as { code?: string }).code;
      if (code !== 'EEXIST') {
        throw new DiffmacError('FILE_WRITE_FAILED', `Cannot create the lock file ${file}: ${writeFailureReason(code, dir, error)}`, { argument: 'outDir', expected: 'a writable folder', received: dir, cause: error });
      }
      let holder: Partial<LockInfo> = {};
      try {
        holder = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockInfo>;
      } catch {
        // A lock being written this instant, or damaged: treat it as held.
      }
      const stale = attempt === 0 && holder.host === info.host && typeof holder.pid === 'number' && holder.pid !== process.pid && !alive(holder.pid);
      if (stale) {
        await unlink(file).catch(() => undefined);
        continue;
      }
      const who = holder.pid ? `process ${holder.pid} on ${holder.host ?? '?'}, started ${holder.started ?? '?'}` : 'another run';
      throw new DiffmacError('OUTPUT_LOCKED', `Another run (${who}) is writing into ${dir}; wait for it to finish or choose another output folder. If no run is active, delete ${file}`, {
        argument: 'outDir',
        expected: 'a folder no other run is writing into',
        received: `locked by ${who}`,
      });
    }
  }
  throw new DiffmacError('OUTPUT_LOCKED', `Could not take the lock ${file}`, { argument: 'outDir', expected: 'a folder no other run is writing into', received: dir });
}
