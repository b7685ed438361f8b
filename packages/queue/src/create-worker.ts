import os from 'node:os';
import { UnrecoverableError, WaitingError, Worker, type Job } from 'bullmq';
import { DiffmacError } from '@diffmac/base';
import { isJobDone } from './atomic-write';
import { redisOptions, type QueueConnection } from './connection';
import { DEFAULT_QUEUE_NAME, QUEUE_PREFIX, type StoredJobData } from './dataset-job';

/** What a processor is told about the job it runs. */
export interface JobContext {
  jobId: string;
  kind: string;
  /** The item's name (file stem). */
  name: string;
  /** The file to write last, atomically, with `{ queue: { jobId } }` (use `writeDoneFile`). */
  donePath: string;
  /** 1 on the first try. */
  attempt: number;
  /** `<host>:<pid>` of this worker process. */
  worker: string;
  /** Aborted when the worker stops; stop within one step and throw. */
  signal: AbortSignal;
  /** Report progress (sent to Redis at most twice a second, and to the worker's `onEvent`). */
  progress(detail: Record<string, unknown>): void;
}

/** Runs one kind of job. It must write `donePath` last (atomically), naming `ctx.jobId`. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- a processor map holds processors of every payload type
export type JobProcessor<P = any> = (payload: P, ctx: JobContext) => Promise<Record<string, unknown> | void>;

/** Events of a running worker. */
export type WorkerEvent =
  | { type: 'ready'; worker: string; queue: string; concurrency: number }
  | { type: 'job-start'; jobId: string; kind: string; name: string; attempt: number }
  | { type: 'job-progress'; jobId: string; name: string; detail: Record<string, unknown> }
  | { type: 'job-done'; jobId: string; name: string; ms: number; skipped: boolean }
  | { type: 'job-failed'; jobId: string; name: string; code: string; message: string; final: boolean }
  | { type: 'stalled'; jobId: string }
  | { type: 'error'; message: string }
  | { type: 'closed' };

/** Options of {@link createWorker}. */
export interface CreateWorkerOptions {
  connection: string | QueueConnection;
  /** BullMQ queue name (default `diffmac`). */
  name?: string;
  /** One processor per job kind. */
  processors: Readonly<Record<string, JobProcessor>>;
  /** Jobs run at once in this process (default 1). */
  concurrency?: number;
  /** A job's lock lasts this long and is renewed at half of it (default 30 000 ms). A killed worker's job is retried once the lock ran out. */
  lockDurationMs?: number;
  /** How often this worker looks for stalled jobs of dead workers (default 30 000 ms). */
  stalledIntervalMs?: number;
  /** A job stalled more often than this fails (default 5). */
  maxStalledCount?: number;
  /** Stop taking jobs, put running ones back to waiting and close. */
  signal?: AbortSignal;
  onEvent?: (event: WorkerEvent) => void;
}

/** A running worker. */
export interface DatasetWorker {
  /** `<host>:<pid>` */
  readonly id: string;
  /** Resolves when the worker has closed (after `close()` or an abort). */
  readonly closed: Promise<void>;
  /** Finish the running jobs and close. */
  close(): Promise<void>;
}

const PROGRESS_INTERVAL_MS = 500;

/**
 * Start a worker that takes dataset jobs from the queue and runs each with the processor of its
 * kind. A job whose done file already names it is completed without running (a finished image is
 * never redone); a processor that throws a `DiffmacError` (bad input, wrong model) fails the job at
 * once, other errors are retried. If the process dies, its job's lock runs out and another worker
 * takes the job after the stalled interval. Aborting `signal` puts the running jobs back to
 * waiting at once.
 *
 * @example
 * const worker = await createWorker({
 *   connection: 'redis://127.0.0.1:6379/0',
 *   concurrency: 2,
 *   processors: { restore: async (payload, ctx) => { ...; await writeDoneFile(ctx.donePath, summary, ctx); } },
 *   onEvent: (e) => console.log(e.type),
 * });
 * await worker.closed;
 */
export async function createWorker(options: CreateWorkerOptions): Promise<DatasetWorker> {
  const id = `${os.hostname()}:${process.pid}`;
  const name = options.name ?? DEFAULT_QUEUE_NAME;
  const concurrency = options.concurrency ?? 1;
  if (!Number.isInteger(concurrency) || concurrency < 1) {
    throw new DiffmacError('INVALID_ARGUMENT', `concurrency must be a positive integer, received ${concurrency}`, { argument: 'concurrency', expected: 'a positive integer', received: String(concurrency) });
  }
  const emit = (e: WorkerEvent) => options.onEvent?.(e);
  const stop = new AbortController();

  const handle = async (job: Job<StoredJobData, unknown, string>, token?: string): Promise<unknown> => {
    const jobId = job.id!;
    const { name: item, donePath, payload } = job.data;
    const started = performance.now();
    if (await isJobDone(donePath, jobId)) {
      emit({ type: 'job-done', jobId, name: item, ms: performance.now() - started, skipped: true });
      return { skipped: true, worker: id };
    }
    const processor = options.processors[job.name];
    if (!processor) throw new UnrecoverableError(`[QUEUE_UNKNOWN_KIND] this worker has no processor for ${JSON.stringify(job.name)} jobs (it has ${Object.keys(options.processors).join(', ')})`);
    const attempt = (job.attemptsMade ?? 0) + 1;
    emit({ type: 'job-start', jobId, kind: job.name, name: item, attempt });
    let lastSent = 0;
    const ctx: JobContext = {
      jobId,
      kind: job.name,
      name: item,
      donePath,
      attempt,
      worker: id,
      signal: stop.signal,
      progress(detail) {
        emit({ type: 'job-progress', jobId, name: item, detail });
        const now = performance.now();
        if (now - lastSent >= PROGRESS_INTERVAL_MS) {
          lastSent = now;
          job.updateProgress(detail).catch(() => undefined);
        }
      },
    };
    try {
      const result = await processor(payload, ctx);
      if (!(await isJobDone(donePath, jobId))) {
        throw new DiffmacError('QUEUE_NOT_DONE', `The ${job.name} processor returned without writing ${donePath} naming job ${jobId}`, { argument: 'processor', expected: 'a done file', received: 'none' });
      }
      emit({ type: 'job-done', jobId, name: item, ms: performance.now() - started, skipped: false });
      return { ...(result ?? {}), worker: id };
    } catch (error) {
      if (stop.signal.aborted) {
        // Stopping: hand the job back without spending an attempt.
        await job.moveToWait(token).catch(() => undefined);
        throw new WaitingError();
      }
      const e = error as { code?: unknown; message?: string };
      const code = typeof e.code === 'string' ? e.code : 'JOB_FAILED';
      const message = e.message ?? String(error);
      const final = error instanceof DiffmacError || error instanceof UnrecoverableError || attempt >= (job.opts.attempts ?? 1);
      emit({ type: 'job-failed', jobId, name: item, code, message, final });
      // Typed errors are about the input or the model: trying again gives the same result.
      if (error instanceof DiffmacError) throw new UnrecoverableError(`[${code}] ${message}`);
      throw error;
    }
  };

  const worker = new Worker<StoredJobData, unknown, string>(name, handle, {
    connection: redisOptions(options.connection, true),
    prefix: QUEUE_PREFIX,
    concurrency,
    lockDuration: options.lockDurationMs ?? 30_000,
    stalledInterval: options.stalledIntervalMs ?? 30_000,
    maxStalledCount: options.maxStalledCount ?? 5,
    autorun: false,
  });
  worker.on('error', (error) => emit({ type: 'error', message: error.message }));
  worker.on('stalled', (jobId) => emit({ type: 'stalled', jobId }));

  let closing: Promise<void> | undefined;
  const close = () =>
    (closing ??= (async () => {
      await worker.close();
      emit({ type: 'closed' });
    })());
  const onAbort = () => {
    stop.abort(options.signal?.reason);
    void close();
  };
  if (options.signal?.aborted) onAbort();
  options.signal?.addEventListener('abort', onAbort, { once: true });

  await worker.waitUntilReady();
  const running = worker.run();
  emit({ type: 'ready', worker: id, queue: name, concurrency });
  const closed = running.then(
    () => close(),
    async (error: unknown) => {
      await close();
      throw error;
    },
  ).finally(() => options.signal?.removeEventListener('abort', onAbort));
  return { id, closed, close };
}
