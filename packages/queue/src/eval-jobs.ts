import { mkdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { DiffmacError } from '@diffmac/base';
import { readImage, sha256Bytes, sha256File } from '@diffmac/core';
import { createFidExtractor, createPairScorer, parseResultRow, resultRowJson, type EvaluateScoringBackend, type FidExtractor, type PairScorer, type PairScorerOptions, type ResultRow } from '@diffmac/eval';
import { writeFileAtomic } from './atomic-write';
import type { DatasetQueue, FailedJob, WaitProgressEvent } from './create-queue';
import type { JobContext, JobProcessor } from './create-worker';
import type { DatasetJob } from './dataset-job';
import { writeDoneFile } from './done-file';
import { canonicalJson, datasetJobId } from './job-id';

/** The job kind of one image scored by a worker. */
export const EVAL_JOB_KIND = 'eval';

/** The subfolder of an evaluation's output folder that holds the run's scoring config and one done file per image. */
export const EVAL_JOBS_FOLDER = 'queue-jobs';

/** What every worker needs to score an image of one run: the per-image metrics and FID's Inception. */
export interface EvalJobConfig {
  /** The per-image scorer (absent for an FID-only run). */
  scorer?: PairScorerOptions;
  /** The Inception ONNX (pytorch-fid contract) whose per-image features FID is computed from at merge time. */
  fidModel?: string;
}

/** The payload of an `eval` job. */
export interface EvalJobPayload {
  pred: string;
  gt?: string;
  /** The run's {@link EvalJobConfig} file on the shared storage, and the sha256 it must have. */
  config: string;
  configHash: string;
}

/** A typed array travels as `{ $typed, base64 }` so NIQE parameters and LPIPS weights survive JSON exactly. */
interface WireTyped {
  $typed: 'Float32Array' | 'Float64Array';
  base64: string;
}

function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_k, v: unknown) => {
    if (v instanceof Float32Array || v instanceof Float64Array) {
      return { $typed: v instanceof Float32Array ? 'Float32Array' : 'Float64Array', base64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('base64') } satisfies WireTyped;
    }
    return v;
  });
}

function decodeWire(text: string): unknown {
  return JSON.parse(text, (_k, v: unknown) => {
    const t = v as Partial<WireTyped> | null;
    if (t && typeof t === 'object' && typeof t.$typed === 'string' && typeof t.base64 === 'string') return decodeTyped(t.base64, t.$typed === 'Float64Array' ? 'Float64Array' : 'Float32Array');
    return v;
  });
}

function decodeTyped(base64: string, kind: 'Float32Array'): Float32Array;
function decodeTyped(base64: string, kind: 'Float32Array' | 'Float64Array'): Float32Array | Float64Array;
function decodeTyped(base64: string, kind: 'Float32Array' | 'Float64Array'): Float32Array | Float64Array {
  const bytes = Buffer.from(base64, 'base64');
  const copy = new ArrayBuffer(bytes.byteLength);
  new Uint8Array(copy).set(bytes);
  return kind === 'Float64Array' ? new Float64Array(copy) : new Float32Array(copy);
}

/** The content hash of a config: sha256 of its canonical JSON (typed arrays as plain arrays). */
function configHash(config: EvalJobConfig): string {
  return sha256Bytes(new TextEncoder().encode(canonicalJson(config)));
}

/** What an `eval` job writes last: the image's result row and, with FID, its Inception features. */
interface EvalDone {
  name: string;
  /** The row as `resultRowJson` writes it (non-finite scores as strings). */
  row: unknown;
  /** Float32 features, little-endian, base64. */
  features?: string;
}

/** Options of {@link createQueueScoring}. */
export interface QueueScoringOptions {
  queue: DatasetQueue;
  /** The evaluation's output folder (on storage every worker sees): the config and per-image done files go to its `queue-jobs/`. */
  outDir: string;
  /** The Inception ONNX when the run computes FID: each worker returns per-image features with the scores. */
  fidModel?: string;
  /** How often to look for finished images (default 500 ms). */
  pollMs?: number;
  /** Waiting progress (finished / failed / total images of the current batch). */
  onWait?: (event: WaitProgressEvent & { phase: 'score' | 'fid'; added: number }) => void;
}

/** A scoring backend for `evaluateFolders` that scores on queue workers; also says which jobs failed. */
export interface QueueScoring extends EvaluateScoringBackend {
  /** Jobs that failed (after their attempts), with the reason. */
  readonly failed: readonly FailedJob[];
}

/**
 * Score an evaluation on queue workers: pass it as `evaluateFolders({ ..., scoring })`. Each
 * image becomes one idempotent `eval` job (its id from the restored image's path, the sha256 of
 * both images and the run's config); workers (`createWorker` with {@link createEvalProcessor})
 * write each image's result row, and with FID its Inception features, to a done file. The rows
 * are handed to the runner as they finish, so `results.jsonl`, the summary and the HTML report
 * are the runner's own, and FID's statistics are accumulated from the per-image features at merge
 * time in the same order as a local run: the result equals a local evaluation. A job that fails
 * after its attempts becomes a failure row `QUEUE_JOB_FAILED` (for FID: the error
 * `QUEUE_JOBS_FAILED`).
 *
 * @example
 * const queue = createQueue({ connection: 'redis://10.0.0.5:6379/0' });
 * const scoring = createQueueScoring({ queue, outDir: '/shared/eval' });
 * const result = await evaluateFolders({ pred: '/shared/restored', gt: '/shared/hq', outDir: '/shared/eval', metrics: ['psnr', 'ssim'], scoring });
 */
export function createQueueScoring(options: QueueScoringOptions): QueueScoring {
  const jobsDir = path.join(path.resolve(options.outDir), EVAL_JOBS_FOLDER);
  const failed: FailedJob[] = [];
  /** Jobs made by scorePairs, by restored-image path: their done files hold the features too. */
  const known = new Map<string, DatasetJob<EvalJobPayload>>();

  const writeConfig = async (config: EvalJobConfig) => {
    const hash = configHash(config);
    const file = path.join(jobsDir, `config-${hash.slice(0, 16)}.json`);
    await mkdir(jobsDir, { recursive: true });
    await writeFileAtomic(file, `${encodeWire(config)}\n`);
    return { file, hash };
  };

  const makeJob = async (name: string, pred: string, gt: string | undefined, config: { file: string; hash: string }, signal?: AbortSignal): Promise<DatasetJob<EvalJobPayload>> => {
    const contentHash = gt === undefined ? await sha256File(pred, signal) : `${await sha256File(pred, signal)}:${await sha256File(gt, signal)}`;
    return {
      id: datasetJobId({ kind: EVAL_JOB_KIND, input: pred, contentHash, options: { config: config.hash, gt: gt ?? null, outDir: jobsDir } }),
      kind: EVAL_JOB_KIND,
      name,
      donePath: path.join(jobsDir, `${name}.${config.hash.slice(0, 12)}.json`),
      payload: { pred, ...(gt !== undefined ? { gt } : {}), config: config.file, configHash: config.hash },
    };
  };

  const run = async (jobs: DatasetJob<EvalJobPayload>[], phase: 'score' | 'fid', signal: AbortSignal | undefined, onDone: (job: DatasetJob<EvalJobPayload>) => Promise<void>) => {
    const sig = signal ? { signal } : {};
    const { added } = await options.queue.enqueue(jobs, sig);
    const byName = new Map(jobs.map((j) => [j.name, j]));
    let chain = Promise.resolve();
    const waited = await options.queue.waitFor(jobs, {
      ...sig,
      ...(options.pollMs !== undefined ? { pollMs: options.pollMs } : {}),
      onProgress: (e) => {
        options.onWait?.({ ...e, phase, added: added.length });
        const job = e.name !== undefined ? byName.get(e.name) : undefined;
        if (job) chain = chain.then(() => onDone(job));
      },
    });
    await chain;
    return waited.failed;
  };

  return {
    failed,
    async scorePairs(pairs, scorer, o) {
      const config = await writeConfig({ scorer, ...(options.fidModel ? { fidModel: options.fidModel } : {}) });
      const jobs: DatasetJob<EvalJobPayload>[] = [];
      for (const p of pairs) {
        o.signal?.throwIfAborted();
        const job = await makeJob(p.name, p.pred, p.gt, config, o.signal);
        jobs.push(job);
        known.set(p.pred, job);
      }
      const lost = await run(jobs, 'score', o.signal, async (job) => o.onRow(await readDone(job).then((d) => parseResultRow(JSON.stringify(d.row)))));
      for (const f of lost) {
        failed.push(f);
        o.onRow({ name: f.name, ok: false, code: 'QUEUE_JOB_FAILED', message: `${f.reason} (after ${f.attempts} attempt(s); \`diffmac queue retry-failed\` requeues it)` });
      }
    },

    async *fidFeatures(files, o) {
      if (!options.fidModel) {
        throw new DiffmacError('MISSING_OPTION', 'FID on the queue needs the Inception model: pass fidModel to createQueueScoring', { argument: 'fidModel', expected: 'an Inception ONNX path', received: 'undefined' });
      }
      let fidOnly: { file: string; hash: string } | undefined;
      const jobs: DatasetJob<EvalJobPayload>[] = [];
      for (const file of files) {
        o.signal?.throwIfAborted();
        // Images scored in this run carry their features already; others (an FID-only run, rows kept by resume) get a features-only job.
        let job = known.get(file);
        if (!job) {
          fidOnly ??= await writeConfig({ fidModel: options.fidModel });
          job = await makeJob(path.parse(file).name, file, undefined, fidOnly, o.signal);
        }
        jobs.push(job);
      }
      const lost = await run(jobs, 'fid', o.signal, async () => undefined);
      if (lost.length > 0) {
        failed.push(...lost);
        throw new DiffmacError('QUEUE_JOBS_FAILED', `FID needs every image's features, but ${lost.length} job(s) failed: ${lost.slice(0, 3).map((f) => `${f.name}: ${f.reason}`).join('; ')}. Requeue them with \`diffmac queue retry-failed\` and run again with --resume`, {
          argument: 'fid',
          expected: 'features of every image',
          received: `${lost.length} failed job(s)`,
        });
      }
      for (const job of jobs) {
        const done = await readDone(job);
        if (typeof done.features !== 'string') {
          throw new DiffmacError('QUEUE_NOT_DONE', `${job.donePath} has no FID features`, { argument: 'fid', expected: 'features in the done file', received: 'none' });
        }
        yield decodeTyped(done.features, 'Float32Array');
      }
    },
  };
}

async function readDone(job: DatasetJob): Promise<EvalDone> {
  return JSON.parse(await readFile(job.donePath, 'utf8')) as EvalDone;
}

/** The models a worker loaded for one config. */
interface LoadedEval {
  scorer: PairScorer | undefined;
  extractor: FidExtractor | undefined;
}

/** The `eval` processor of a worker, and how to free what it loaded. */
export interface EvalProcessor {
  processor: JobProcessor<EvalJobPayload>;
  /** Free the scorers and Inception sessions loaded so far. */
  dispose(): Promise<void>;
}

/**
 * The processor a worker runs for `eval` jobs (register it as `processors: { eval: p.processor }`).
 * It loads each run's scorer and Inception once (by config hash, checked against the config file)
 * and for each image writes its result row, as a local run would make it (an image that cannot be
 * scored is a failure row, not a failed job), and with FID the image's features, to the job's
 * done file.
 *
 * @example
 * const evalJobs = createEvalProcessor();
 * const worker = await createWorker({ connection, processors: { eval: evalJobs.processor } });
 * await worker.closed;
 * await evalJobs.dispose();
 */
export function createEvalProcessor(): EvalProcessor {
  const loaded = new Map<string, Promise<LoadedEval>>();
  const load = (payload: EvalJobPayload) => {
    let entry = loaded.get(payload.configHash);
    if (!entry) {
      entry = (async () => {
        const text = await readFile(payload.config, 'utf8').catch((cause: unknown) => {
          throw new DiffmacError('FILE_NOT_FOUND', `The evaluation config ${payload.config} cannot be read on this machine (${(cause as Error).message}); workers must see the output folder at the same path`, {
            argument: 'config',
            expected: 'a readable file on the shared storage',
            received: payload.config,
            cause,
          });
        });
        const config = decodeWire(text) as EvalJobConfig;
        const hash = configHash(config);
        if (hash !== payload.configHash) {
          throw new DiffmacError('QUEUE_CONFIG_MISMATCH', `The evaluation config ${payload.config} changed since the job was enqueued`, { argument: 'config', expected: payload.configHash, received: hash });
        }
        return {
          scorer: config.scorer && config.scorer.metrics.length > 0 ? createPairScorer(config.scorer) : undefined,
          extractor: config.fidModel ? await createFidExtractor({ model: config.fidModel }) : undefined,
        };
      })();
      loaded.set(payload.configHash, entry);
      // A config that failed to load is tried afresh by the next job.
      entry.catch(() => loaded.delete(payload.configHash));
    }
    return entry;
  };

  const processor = async (payload: EvalJobPayload, ctx: JobContext) => {
    const { scorer, extractor } = await load(payload);
    let row: ResultRow;
    if (scorer) {
      try {
        row = { name: ctx.name, ok: true, scores: await scorer.score(payload.pred, payload.gt) };
      } catch (error) {
        if (ctx.signal.aborted) throw error;
        const e = error as { code?: string; message?: string };
        row = { name: ctx.name, ok: false, code: e.code ?? 'SCORE_FAILED', message: e.message ?? String(error) };
      }
    } else row = { name: ctx.name, ok: true, scores: {} };
    ctx.progress({ stage: 'scored', ok: row.ok });
    let features: string | undefined;
    if (extractor && row.ok) {
      const f = await extractor.features(await readImage(payload.pred, { channels: 'rgb' }), { signal: ctx.signal });
      features = Buffer.from(f.buffer, f.byteOffset, f.byteLength).toString('base64');
    }
    const done: EvalDone = { name: ctx.name, row: JSON.parse(resultRowJson(row)), ...(features !== undefined ? { features } : {}) };
    await writeDoneFile(ctx.donePath, done as unknown as Record<string, unknown>, ctx);
    return { ok: row.ok };
  };

  return {
    processor,
    async dispose() {
      const all = await Promise.allSettled(loaded.values());
      loaded.clear();
      for (const r of all) {
        if (r.status !== 'fulfilled') continue;
        await r.value.scorer?.dispose();
        await r.value.extractor?.dispose();
      }
    },
  };
}
