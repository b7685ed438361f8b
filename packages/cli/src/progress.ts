import type { CliIo } from './command';

/** Draws progress of one long task on stderr: a bar with ETA on a terminal, plain lines otherwise. */
export interface ProgressBar {
  /** Report that `done` of `total` items are finished; `detail` names the current item. */
  update(done: number, detail?: string): void;
  /** Change the total (when it becomes known late). */
  setTotal(total: number): void;
  /** Finish the bar (a terminal keeps the last state on its own line). */
  finish(summary?: string): void;
}

/**
 * Format seconds as m:ss or h:mm:ss.
 *
 * @example
 * formatDuration(3725); // '1:02:05'
 */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '--:--';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const r = String(s % 60).padStart(2, '0');
  return h > 0 ? `${h}:${String(m).padStart(2, '0')}:${r}` : `${m}:${r}`;
}

/**
 * A progress bar for `label` over `total` items, written to `io.stderr` (stdout stays clean for
 * `--json`). On a TTY it redraws one line at most ten times a second; elsewhere it prints a line
 * per item, or every 5% when there are more than 100 items. `quiet` draws nothing.
 *
 * @example
 * const bar = createProgressBar(io, 'degrade', files.length);
 * bar.update(1, '00001.png');
 * bar.finish('3 written');
 */
export function createProgressBar(io: CliIo, label: string, total: number, options: { quiet?: boolean; now?: () => number } = {}): ProgressBar {
  const now = options.now ?? (() => performance.now());
  const tty = Boolean(io.stderr.isTTY);
  const started = now();
  let lastDraw = -Infinity;
  let lastPlainPct = -1;
  let count = total;
  let lastLine = '';

  const line = (done: number, detail: string) => {
    const elapsed = (now() - started) / 1000;
    const eta = done > 0 && count > 0 ? (elapsed / done) * (count - done) : Number.NaN;
    const pct = count > 0 ? Math.floor((100 * done) / count) : 0;
    return { pct, text: `${label} ${done}/${count} ${pct}% elapsed ${formatDuration(elapsed)} eta ${formatDuration(eta)}${detail ? ` ${detail}` : ''}`, elapsed, eta };
  };

  return {
    setTotal(t) {
      count = t;
    },
    update(done, detail = '') {
      if (options.quiet) return;
      const { pct, elapsed, eta } = line(done, detail);
      if (tty) {
        if (now() - lastDraw < 100 && done < count) return;
        lastDraw = now();
        const width = Math.max(10, Math.min(30, (io.stderr.columns ?? 80) - 60));
        const filled = count > 0 ? Math.round((width * done) / count) : 0;
        const bar = `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
        const text = `${label} ${bar} ${done}/${count} ${String(pct).padStart(3)}% ${formatDuration(elapsed)} eta ${formatDuration(eta)} ${detail}`;
        const cols = io.stderr.columns ?? 100;
        lastLine = text.length > cols - 1 ? text.slice(0, cols - 1) : text;
        io.stderr.write(`\r\x1b[2K${lastLine}`);
        return;
      }
      const step = count > 100 ? 5 : 0;
      if (step === 0 || pct >= lastPlainPct + step || done === count) {
        lastPlainPct = pct;
        io.stderr.write(`${line(done, detail).text}\n`);
      }
    },
    finish(summary) {
      if (options.quiet) return;
      const elapsed = formatDuration((now() - started) / 1000);
      if (tty) io.stderr.write(`\r\x1b[2K${lastLine ? `${lastLine}\n` : ''}`);
      io.stderr.write(`${label}: ${summary ?? 'done'} in ${elapsed}\n`);
    },
  };
}
