import { Queue, type Job } from 'bullmq';
import { DiffmacError } from '@diffmac/base';
import { isJobDone } from './atomic-write';
import { redisOptions, type QueueConnection } from './connection';
import { DEFAULT_QUEUE_NAME, QUEUE_PREFIX, type DatasetJob, type StoredJobData } from './dataset-job';
import { queueStatus, type QueueStatus } from './queue-status';

/** Options of {@link createQueue}. */
export interface CreateQueueOptions {
  /** `redis://host:port/db` or parsed connection options. */
  connection: string | QueueConnection;
  /** BullMQ queue name (default `diffmac`). Workers must use the same. */
  name?: string;
  /** Tries per job before it counts as failed (default 3; typed input errors fail at once). */
  attempts?: number;
}

/** What {@link DatasetQueue.enqueue} did with each job. */
export interface EnqueueResult {
  /** Newly added. */
  added: string[];
  /** Already waiting or running (a re-run, or another producer, added them). */
  queued: string[];
  /** Finished: the output on disk names the job, so it is not added again. */
  done: string[];
  /** In the failed set from an earlier try (`retryFailed` requeues them). */
  failed: string[];
}

/** Progress of {@link DatasetQueue.waitFor}. */
export interface WaitProgressEvent {
  type: 'progress';
  done: number;
  failed: number;
  total: number;
  /** The job that just finished, when one did. */
  name?: string;
}

/** A failed job as the queue reports it. */
export interface FailedJob {
  id: string;
  name: string;
  reason: string;
  attempts: number;
}

/** What {@link DatasetQueue.waitFor} resolves to. */
export interface WaitResult {
  done: string[];
  failed: FailedJob[];
  /** Jobs that had vanished from Redis (a flushed or restarted server without persistence) and were added again. */
  readded: number;
}

/** A dataset queue on Redis: add jobs idempotently, wait for them, read its status. */
export interface DatasetQueue {
  readonly name: string;
  /** Add the jobs that are not finished and not already queued. */
  enqueue(jobs: readonly DatasetJob[], options?: { signal?: AbortSignal }): Promise<EnqueueResult>;
  /** Wait until every job is finished (its done file names it) or failed. */
  waitFor(jobs: readonly DatasetJob[], options?: { signal?: AbortSignal; pollMs?: number; onProgress?: (e: WaitProgressEvent) => void }): Promise<WaitResult>;
  /** Counts, throughput, ETA and the latest failures. */
  status(): Promise<QueueStatus>;
  /** Move every failed job back to waiting; resolves to how many. */
  retryFailed(): Promise<number>;
  close(): Promise<void>;
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

async function mapLimit<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        out[i] = await fn(items[i]!);
      }
    }),
  );
  return out;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(t);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/**
 * Open a dataset queue on Redis (BullMQ). Enqueuing is idempotent: job ids come from
 * `datasetJobId` (input path, content hash, run options), a job whose output on disk names it is
 * never added again, and one already waiting, running or failed is left as it is.
 *
 * @example
 * const queue = createQueue({ connection: 'redis://127.0.0.1:6379/0' });
 * await queue.enqueue(jobs);
 * const { failed } = await queue.waitFor(jobs, { onProgress: (e) => console.log(e.done, '/', e.total) });
 * await queue.close();
 */
export function createQueue(options: CreateQueueOptions): DatasetQueue {
  const name = options.name ?? DEFAULT_QUEUE_NAME;
  const attempts = options.attempts ?? 3;
  if (!Number.isInteger(attempts) || attempts < 1) {
    throw new DiffmacError('INVALID_ARGUMENT', `attempts must be a positive integer, received ${attempts}`, { argument: 'attempts', expected: 'a positive integer', received: String(attempts) });
  }
  const queue = new Queue<StoredJobData, unknown, string>(name, { connection: redisOptions(options.connection, false), prefix: QUEUE_PREFIX });
  // Errors of the connection surface through the calls that fail; keep the emitter quiet.
  queue.on('error', () => undefined);
  const jobOptions = (id: string) => ({
    jobId: id,
    attempts,
    backoff: { type: 'exponential', delay: 1000 },
    removeOnComplete: false,
    removeOnFail: false,
  });
  const add = async (jobs: readonly DatasetJob[]) => {
    for (const part of chunks(jobs, 500)) {
      await queue.addBulk(part.map((j) => ({ name: j.kind, data: { name: j.name, donePath: j.donePath, payload: j.payload }, opts: jobOptions(j.id) })));
    }
  };
  const failure = (job: Job | undefined, id: string, fallbackName: string): FailedJob => ({
    id,
    name: (job?.data as StoredJobData | undefined)?.name ?? fallbackName,
    reason: job?.failedReason ?? 'failed',
    attempts: job?.attemptsMade ?? 0,
  });

  return {
    name,
    async enqueue(jobs, o = {}) {
      const result: EnqueueResult = { added: [], queued: [], done: [], failed: [] };
      const toAdd: DatasetJob[] = [];
      const states = await mapLimit(jobs, 32, async (j) => {
        o.signal?.throwIfAborted();
        if (await isJobDone(j.donePath, j.id)) return 'done' as const;
        return queue.getJobState(j.id);
      });
      for (const [i, j] of jobs.entries()) {
        const s = states[i]!;
        if (s === 'done') result.done.push(j.id);
        else if (s === 'failed') result.failed.push(j.id);
        else if (s === 'unknown') toAdd.push(j);
        else if (s === 'completed') {
          // Completed in Redis but its output is gone (deleted since): do it again.
          await queue.remove(j.id).catch(() => 0);
          toAdd.push(j);
        } else result.queued.push(j.id);
      }
      await add(toAdd);
      result.added.push(...toAdd.map((j) => j.id));
      return result;
    },

    async waitFor(jobs, o = {}) {
      const pollMs = o.pollMs ?? 500;
      const remaining = new Map(jobs.map((j) => [j.id, j]));
      const done: string[] = [];
      const failed = new Map<string, FailedJob>();
      let readded = 0;
      let round = 0;
      while (remaining.size > 0) {
        o.signal?.throwIfAborted();
        const pending = [...remaining.values()];
        const finished = await mapLimit(pending, 32, (j) => isJobDone(j.donePath, j.id));
        for (const [i, j] of pending.entries()) {
          if (!finished[i]) continue;
          remaining.delete(j.id);
          failed.delete(j.id);
          done.push(j.id);
          o.onProgress?.({ type: 'progress', done: done.length, failed: failed.size, total: jobs.length, name: j.name });
        }
        // Every few rounds ask Redis about the rest: failed ones stop the wait for them, lost ones are added again.
        if (round % 4 === 0 && remaining.size > 0) {
          try {
            const rest = [...remaining.values()];
            const states = await mapLimit(rest, 32, (j) => queue.getJobState(j.id));
            const lost: DatasetJob[] = [];
            for (const [i, j] of rest.entries()) {
              const s = states[i]!;
              if (s === 'failed') {
                if (!failed.has(j.id)) failed.set(j.id, failure(await queue.getJob(j.id), j.id, j.name));
              } else {
                failed.delete(j.id);
                if (s === 'unknown') lost.push(j);
              }
            }
            if (lost.length > 0) {
              await add(lost);
              readded += lost.length;
            }
            if (failed.size > 0 && failed.size === remaining.size) break;
            o.onProgress?.({ type: 'progress', done: done.length, failed: failed.size, total: jobs.length });
          } catch (error) {
            // Redis is unreachable (restarting): keep polling the files and ask again later.
            if (o.signal?.aborted) throw error;
          }
        }
        round += 1;
        if (remaining.size > 0) await sleep(pollMs, o.signal);
      }
      return { done, failed: [...failed.values()], readded };
    },

    status() {
      return queueStatus(queue);
    },

    async retryFailed() {
      const before = await queue.getJobCountByTypes('failed');
      await queue.retryJobs({ state: 'failed' });
      return before;
    },

    async close() {
      await queue.close();
    },
  };
}
