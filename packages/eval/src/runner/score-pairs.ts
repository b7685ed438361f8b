import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { WorkerJob } from './eval-worker';
import { createPairScorer, type PairScorerOptions } from './pair-scorer';
import type { ResultRow } from './results-log';

/**
 * Where the worker script is: next to the bundle (`dist/eval-worker.js`), or, when running from
 * the TypeScript sources, in the package's built `dist/`. Undefined when neither exists.
 *
 * @example
 * const threads = workerScriptUrl() ? 2 : 0;
 */
export function workerScriptUrl(): URL | undefined {
  for (const candidate of ['./eval-worker.js', '../../dist/eval-worker.js']) {
    const url = new URL(candidate, import.meta.url);
    if (existsSync(fileURLToPath(url))) return url;
  }
  return undefined;
}

/**
 * Score `jobs` with `workers` worker threads (one pair in flight per worker, so memory stays
 * bounded), or in this thread when `workers` is 0 or no worker script is built. Each finished row
 * goes to `onRow` as soon as it is ready, in completion order. Stops between pairs on abort.
 *
 * @example
 * await scorePairs(jobs, { metrics: ['psnr'], protocol: 'basicsr' }, { workers: 2, onRow: (r) => log.append(r) });
 */
export async function scorePairs(
  jobs: readonly WorkerJob[],
  scorer: PairScorerOptions,
  options: { workers: number; onRow: (row: ResultRow) => void; signal?: AbortSignal },
): Promise<{ threads: number }> {
  const script = options.workers > 0 ? workerScriptUrl() : undefined;
  if (!script || jobs.length === 0) {
    const s = createPairScorer(scorer);
    try {
      for (const job of jobs) {
        options.signal?.throwIfAborted();
        options.onRow(await scoreOne(s, job));
      }
    } finally {
      await s.dispose();
    }
    return { threads: 0 };
  }

  const count = Math.min(options.workers, jobs.length);
  let next = 0;
  const pool: Worker[] = [];
  try {
    await new Promise<void>((resolve, reject) => {
      let active = count;
      const onAbort = () => reject(options.signal?.reason ?? new Error('aborted'));
      options.signal?.addEventListener('abort', onAbort, { once: true });
      const feed = (w: Worker) => {
        if (options.signal?.aborted) return;
        if (next < jobs.length) w.postMessage(jobs[next++]);
        else {
          w.postMessage(null);
          active -= 1;
          if (active === 0) {
            options.signal?.removeEventListener('abort', onAbort);
            resolve();
          }
        }
      };
      for (let i = 0; i < count; i++) {
        const w = new Worker(script, { workerData: scorer, execArgv: workerExecArgv() });
        pool.push(w);
        w.on('message', (row: ResultRow) => {
          try {
            options.onRow(row);
          } catch (error) {
            reject(error);
            return;
          }
          feed(w);
        });
        w.on('error', reject);
        feed(w);
      }
    });
  } finally {
    await Promise.all(pool.map((w) => w.terminate()));
  }
  return { threads: count };
}

/**
 * The parent's Node flags without export conditions: the worker runs the built JavaScript, so a
 * source condition set for tests (`--conditions=@diffmac/source`) must not follow it there.
 */
function workerExecArgv(): string[] {
  const out: string[] = [];
  const argv = process.execArgv;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    if (a === '--conditions' || a === '-C') i += 1;
    else if (!a.startsWith('--conditions=') && !a.startsWith('-C=')) out.push(a);
  }
  return out;
}

async function scoreOne(s: ReturnType<typeof createPairScorer>, job: WorkerJob): Promise<ResultRow> {
  try {
    return { name: job.name, ok: true, scores: await s.score(job.pred, job.gt) };
  } catch (error) {
    const e = error as { code?: string; message?: string };
    return { name: job.name, ok: false, code: e.code ?? 'SCORE_FAILED', message: e.message ?? String(error) };
  }
}
