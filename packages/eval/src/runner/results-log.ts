import { closeSync, existsSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';

/**
 * One scored image (or the reason it could not be scored), one line of `results.jsonl`. `stamp`
 * identifies the input files' contents when the row was made (size and modification time), so a
 * resumed run re-scores an image that changed since.
 */
export type ResultRow =
  | { name: string; ok: true; scores: Record<string, number>; stamp?: string }
  | { name: string; ok: false; code: string; message: string; stamp?: string };

/**
 * One JSON line for a row. JSON has no infinities: a non-finite score (BasicSR's PSNR of identical
 * images is `inf`) is written as the string `"Infinity"`, `"-Infinity"` or `"NaN"` and read back
 * as that number by {@link parseResultRow}.
 *
 * @example
 * resultRowJson({ name: 'a', ok: true, scores: { psnr: Infinity } }); // '{"name":"a","ok":true,"scores":{"psnr":"Infinity"}}'
 */
export function resultRowJson(row: ResultRow): string {
  return JSON.stringify(row, (_key, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v));
}

/**
 * Parse one line written by {@link resultRowJson}; throws on a line that is not a row.
 *
 * @example
 * parseResultRow('{"name":"a","ok":true,"scores":{"psnr":"Infinity"}}').scores.psnr; // Infinity
 */
export function parseResultRow(line: string): ResultRow {
  const row = JSON.parse(line) as ResultRow;
  if (row === null || typeof row !== 'object' || typeof row.name !== 'string' || typeof row.ok !== 'boolean') throw new SyntaxError('not a result row');
  if (row.ok) {
    const scores = row.scores as Record<string, unknown>;
    for (const [k, v] of Object.entries(scores)) if (typeof v === 'string') scores[k] = Number(v);
  }
  return row;
}

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
          row = parseResultRow(line);
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
      writeSync(fd, `${resultRowJson(row)}\n`);
      fsyncSync(fd);
    },
    close() {
      closeSync(fd);
    },
  };
}
