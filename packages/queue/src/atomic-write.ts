import { readFile } from 'node:fs/promises';
import { writeFileAtomic as coreWriteFileAtomic } from '@diffmac/core';

/**
 * Write a file so that readers only ever see the old or the complete new content: core's
 * `writeFileAtomic` (a temporary file in the same folder, flushed to disk, then renamed over the
 * target). A killed process leaves at most a stray hidden `.tmp` file, never a truncated output.
 *
 * @example
 * await writeFileAtomic('out/0001.json', JSON.stringify(summary));
 */
export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await coreWriteFileAtomic(file, data);
}

/** The marker every finished job's last file carries: `{ "queue": { "jobId": ... } }`. */
export interface DoneMarker {
  queue: { jobId: string; [k: string]: unknown };
}

/**
 * Whether `file` is the finished output of job `jobId`: it exists, parses as JSON and names the
 * job in its `queue.jobId`. A partial, foreign or missing file is not done.
 *
 * @example
 * if (await isJobDone('out/0001.json', job.id)) return; // never redo a finished image
 */
export async function isJobDone(file: string, jobId: string): Promise<boolean> {
  try {
    const json = JSON.parse(await readFile(file, 'utf8')) as Partial<DoneMarker>;
    return json.queue?.jobId === jobId;
  } catch {
    return false;
  }
}
