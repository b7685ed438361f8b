/**
 * Worker-thread entry of the evaluation runner: builds one scorer from the plain options it is
 * given, then scores one pair per message and answers with a result row.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { createPairScorer, type PairScorerOptions } from './pair-scorer';
import type { ResultRow } from './results-log';

export interface WorkerJob {
  name: string;
  pred: string;
  gt?: string;
}

const port = parentPort;
if (port) {
  const scorer = createPairScorer(workerData as PairScorerOptions);
  port.on('message', async (job: WorkerJob | null) => {
    if (job === null) {
      await scorer.dispose();
      port.close();
      return;
    }
    let row: ResultRow;
    try {
      row = { name: job.name, ok: true, scores: await scorer.score(job.pred, job.gt) };
    } catch (error) {
      const e = error as { code?: string; message?: string };
      row = { name: job.name, ok: false, code: e.code ?? 'SCORE_FAILED', message: e.message ?? String(error) };
    }
    port.postMessage(row);
  });
}
