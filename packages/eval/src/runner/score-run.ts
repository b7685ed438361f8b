import { stat } from 'node:fs/promises';
import type { EvaluateProgressEvent, EvaluateScoringBackend } from './evaluate-options';
import type { ImagePair } from './pair-folders';
import type { PairScorerOptions } from './pair-scorer';
import { openResultsLog, type ResultRow } from './results-log';
import { scorePairs } from './score-pairs';

/** Options of {@link scoreRun}. */
export interface ScoreRunOptions {
  pairs: readonly ImagePair[];
  /** The append-only log (`results.jsonl`). */
  resultsFile: string;
  /** Keep the log's rows whose images are unchanged (same size and modification time). */
  resume: boolean;
  /** The per-image metrics; with none, each pair becomes an empty row (an FID-only run). */
  scorer: PairScorerOptions | undefined;
  workers: number;
  /** Score elsewhere instead of in local worker threads. */
  scoring?: EvaluateScoringBackend | undefined;
  signal?: AbortSignal | undefined;
  onProgress?: ((event: EvaluateProgressEvent) => void) | undefined;
}

/**
 * The contents stamp of a pair: each file's size and modification time. A resumed run reuses a
 * logged row only when its stamp is the same, so an image rewritten since is scored again.
 *
 * @example
 * await pairStamp({ name: 'a', pred: 'out/a.png', gt: 'hq/a.png' }); // '48213:1733220000000|51022:1733100000000'
 */
export async function pairStamp(pair: ImagePair): Promise<string> {
  const one = async (f: string) => {
    const s = await stat(f);
    return `${s.size}:${s.mtimeMs}`;
  };
  return pair.gt === undefined ? one(pair.pred) : `${await one(pair.pred)}|${await one(pair.gt)}`;
}

/**
 * The scoring step of a folder run: open (and with `resume`, recover) the results log, keep the
 * rows still valid, score the rest in worker threads, log each row as it finishes. Resolves to
 * one row per pair, in name order.
 *
 * @example
 * const rows = await scoreRun({ pairs, resultsFile: 'eval/results.jsonl', resume: false, scorer: { metrics: ['psnr'], protocol: 'basicsr' }, workers: 2 });
 */
export async function scoreRun(options: ScoreRunOptions): Promise<ResultRow[]> {
  const stamps = new Map<string, string>();
  for (const p of options.pairs) stamps.set(p.name, await pairStamp(p));
  const log = openResultsLog(options.resultsFile, { resume: options.resume });
  const rows = new Map<string, ResultRow>();
  for (const [name, row] of log.done) if (stamps.has(name) && row.stamp === stamps.get(name)) rows.set(name, row);
  const todo = options.pairs.filter((p) => !rows.has(p.name)).map((p) => (p.gt ? { name: p.name, pred: p.pred, gt: p.gt } : { name: p.name, pred: p.pred }));
  const total = options.pairs.length;
  options.onProgress?.({ type: 'start', total, alreadyDone: rows.size, threads: todo.length > 0 && options.scorer ? Math.min(options.workers, todo.length) : 0 });
  const keep = (row: ResultRow) => {
    const stamped = { ...row, stamp: stamps.get(row.name)! };
    log.append(stamped);
    rows.set(row.name, stamped);
    options.onProgress?.({ type: 'pair', done: rows.size, total, name: row.name, ok: row.ok });
  };
  try {
    const signal = options.signal ? { signal: options.signal } : {};
    if (options.scorer && options.scoring) await options.scoring.scorePairs(todo, options.scorer, { onRow: keep, ...signal });
    else if (options.scorer) {
      await scorePairs(todo, options.scorer, { workers: options.workers, ...signal, onRow: keep });
    } else for (const p of todo) keep({ name: p.name, ok: true, scores: {} });
  } finally {
    log.close();
  }
  return [...rows.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}
