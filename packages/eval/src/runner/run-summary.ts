import { dropBelowFor, getProtocol, type ProtocolName } from '../protocols/protocols';
import { summarize, type MetricStats } from './aggregate';
import type { ResultRow } from './results-log';

/**
 * The summary of a run's rows under a protocol: the scored rows reduced metric by metric with
 * the package's accumulator, the protocol's own drop rule applied (VQFR: identity angles under 1°,
 * counted in `dropped`). Failed rows are not in any metric. The one reduction path of the runner
 * (and of anything that merges runs, such as distributed workers' logs).
 *
 * @example
 * const summary = summarizeRows(rows, 'vqfr'); // { psnr: { mean, std, n, dropped, invalid }, deg: ... }
 */
export function summarizeRows(rows: readonly ResultRow[], protocol: ProtocolName): Record<string, MetricStats> {
  const p = getProtocol(protocol);
  const scored = rows.flatMap((r) => (r.ok ? [r.scores] : []));
  const names = new Set(scored.flatMap((s) => Object.keys(s)));
  const dropBelow: Record<string, number | undefined> = {};
  for (const m of names) dropBelow[m] = dropBelowFor(p, m);
  return summarize(scored, dropBelow);
}

/**
 * JSON text in which non-finite numbers survive: `Infinity`, `-Infinity` and `NaN` are written as
 * those strings (plain JSON would turn them into `null`, so a perfect PSNR would read as missing).
 *
 * @example
 * jsonWithNonFinite({ mean: Infinity }); // '{\n  "mean": "Infinity"\n}\n'
 */
export function jsonWithNonFinite(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v), 2)}\n`;
}
