import type { MetricStats } from '../runner/aggregate';
import type { ResultRow } from '../runner/results-log';
import { metricColumns } from './metric-columns';

/**
 * A score for a table: fixed digits, and `inf` / `-inf` / `nan` as numpy prints them.
 *
 * @example
 * formatScore(Infinity, 2); // 'inf'
 */
export function formatScore(v: number, digits: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return v.toFixed(digits);
}

function csvCell(v: string | number): string {
  const s = String(v);
  return /[",\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/**
 * Per-image CSV: one row per image in name order, one column per metric, then `error`.
 *
 * @example
 * perImageCsv(rows, ['psnr', 'ssim']); // "name,PSNR,SSIM,error\n0001,24.1,0.71,\n"
 */
export function perImageCsv(rows: readonly ResultRow[], metrics: readonly string[]): string {
  const cols = metricColumns(metrics);
  const lines = [['name', ...cols.map((c) => c.name), 'error'].join(',')];
  for (const r of [...rows].sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const cells = r.ok ? cols.map((c) => (r.scores[c.name] === undefined ? '' : String(r.scores[c.name]))) : cols.map(() => '');
    lines.push([csvCell(r.name), ...cells, r.ok ? '' : csvCell(`${r.code}: ${r.message}`)].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * Aggregate CSV: one row per metric with mean, std, n and direction.
 *
 * @example
 * summaryCsv({ psnr: { mean: 24, std: 1, n: 2, dropped: 0, invalid: 0 } }); // "metric,mean,std,n,higher_is_better\npsnr,24,1,2,true\n"
 */
export function summaryCsv(summary: Readonly<Record<string, MetricStats>>): string {
  const cols = metricColumns(Object.keys(summary));
  const lines = ['metric,mean,std,n,higher_is_better'];
  for (const c of cols) {
    const s = summary[c.name]!;
    lines.push([c.name, s.mean, s.std, s.n, c.higherIsBetter].join(','));
  }
  return `${lines.join('\n')}\n`;
}

/**
 * A Markdown table in the papers' column order, one row per method, arrows giving each
 * metric's direction, and the protocol named under it.
 *
 * @example
 * markdownTable([{ method: 'bicubic', summary }], 'basicsr');
 */
export function markdownTable(rows: readonly { method: string; summary: Readonly<Record<string, MetricStats>> }[], protocol: string): string {
  const names = new Set(rows.flatMap((r) => Object.keys(r.summary)));
  const cols = metricColumns(names);
  const head = `| Method | ${cols.map((c) => `${c.label} ${c.higherIsBetter ? '↑' : '↓'}`).join(' | ')} |`;
  const rule = `| --- | ${cols.map(() => '---:').join(' | ')} |`;
  const body = rows.map((r) => `| ${r.method} | ${cols.map((c) => (r.summary[c.name] ? formatScore(r.summary[c.name]!.mean, c.digits) : '–')).join(' | ')} |`);
  const n = Math.max(0, ...rows.flatMap((r) => Object.values(r.summary).map((s) => s.n)));
  return `${[head, rule, ...body].join('\n')}\n\nProtocol: \`${protocol}\`; mean of per-image scores over ${n} images.\n`;
}
