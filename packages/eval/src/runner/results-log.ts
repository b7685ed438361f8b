import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';

/** One scored image (or the reason it could not be scored), one line of `results.jsonl`. */
export type ResultRow =
  | { name: string; ok: true; scores: Record<string, number> }
  | { name: string; ok: false; code: string; message: string };

/**
 * The append-only log of per-image results that makes a run resumable: each row is one JSON line,
 * written with a single `write` and flushed to disk. On reopening, a torn last line (a kill in
 * the middle of a write) is cut off, so a resumed run neither loses nor duplicates rows.
 *
 * @example
 * const log = openResultsLog('eval/results.jsonl', { resume: true });
 * if (!log.done.has('0001')) log.append({ name: '0001', ok: true, scores: { psnr: 24.1 } });
 * log.close();
 */
export interface ResultsLog {
  /** Rows already in the log when it was opened, by name. */
  readonly done: ReadonlyMap<string, ResultRow>;
  append(row: ResultRow): void;
  close(): void;
}

/**
 * Open (and with `resume`, recover) a results log; without `resume` an existing log is replaced.
 *
 * @example
 * const log = openResultsLog('eval/results.jsonl', { resume: true });
 */
export function openResultsLog(file: string, options: { resume: boolean }): ResultsLog {
  const done = new Map<string, ResultRow>();
  if (options.resume && existsSync(file)) {
    const bytes = readFileSync(file);
    let keep = 0;
    // Only whole lines count: a line is complete when its newline was written.
    for (let start = 0, nl = bytes.indexOf(10); nl !== -1; start = nl + 1, nl = bytes.indexOf(10, start)) {
      const line = bytes.subarray(start, nl).toString('utf8');
      if (line.trim() !== '') {
        let row: ResultRow;
        try {
          row = JSON.parse(line) as ResultRow;
        } catch {
          break;
        }
        done.set(row.name, row);
      }
      keep = nl + 1;
    }
    if (keep < bytes.length) truncateSync(file, keep);
  }
  const fd = openSync(file, options.resume ? 'a' : 'w');
  return {
    done,
    append(row) {
      writeSync(fd, `${JSON.stringify(row)}\n`);
      fsyncSync(fd);
    },
    close() {
      closeSync(fd);
    },
  };
}
