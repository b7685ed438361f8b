import type { MetricStats } from '../runner/aggregate';
import type { ResultRow } from '../runner/results-log';
import { escapeXml, histogramSvg } from './histogram-svg';
import { metricColumns } from './metric-columns';
import { formatScore } from './tables';

/** One row of the picture grid: data URIs of small JPEG/PNG crops. */
export interface ReportGridEntry {
  name: string;
  lq?: string;
  restored: string;
  gt?: string;
}

/** Everything the HTML report shows. */
export interface HtmlReportInput {
  title: string;
  protocol: string;
  protocolNote?: string;
  summary: Readonly<Record<string, MetricStats>>;
  rows: readonly ResultRow[];
  grid: readonly ReportGridEntry[];
  /** Free-form facts shown under the title (folders, versions, digests). */
  facts: readonly [string, string][];
  missing?: readonly string[];
  extra?: readonly string[];
  /** Names present twice in one folder under different extensions (not scored). */
  ambiguous?: readonly string[];
  /** Folder entries that were not read (subfolders, dangling links), with the reason. */
  skipped?: readonly string[];
}

/**
 * A self-contained HTML report (no scripts, no external files): the aggregate table in the papers'
 * column order, per-metric histograms, a grid of LQ / restored / GT crops with their scores, the
 * failures, and what did not pair up.
 *
 * @example
 * await writeFile('report.html', htmlReport({ title: 'bicubic on CelebA-Test', protocol: 'basicsr', ... }));
 */
export function htmlReport(input: HtmlReportInput): string {
  const cols = metricColumns(Object.keys(input.summary));
  const ok = input.rows.filter((r): r is Extract<ResultRow, { ok: true }> => r.ok);
  const failed = input.rows.filter((r): r is Extract<ResultRow, { ok: false }> => !r.ok);
  const byName = new Map(ok.map((r) => [r.name, r.scores]));
  const table = [
    '<table class="summary"><thead><tr><th>Metric</th><th>Mean</th><th>Std</th><th>n</th></tr></thead><tbody>',
    ...cols.map((c) => {
      const s = input.summary[c.name]!;
      return `<tr><td>${escapeXml(c.label)} ${c.higherIsBetter ? '↑' : '↓'}</td><td>${formatScore(s.mean, c.digits)}</td><td>${formatScore(s.std, c.digits)}</td><td>${s.n}${s.dropped ? ` (${s.dropped} dropped)` : ''}${s.invalid ? ` (${s.invalid} NaN)` : ''}</td></tr>`;
    }),
    '</tbody></table>',
  ].join('\n');
  const charts = cols.map((c) => `<figure>${histogramSvg(ok.map((r) => r.scores[c.name] ?? Number.NaN), { title: c.label })}</figure>`).join('\n');
  const img = (src: string | undefined, alt: string) => (src ? `<img src="${src}" alt="${escapeXml(alt)}" width="160" height="160">` : '<span class="none">–</span>');
  const grid = input.grid
    .map((g) => {
      const scores = byName.get(g.name);
      const caption = scores ? cols.filter((c) => scores[c.name] !== undefined).map((c) => `${escapeXml(c.label)} ${formatScore(scores[c.name]!, c.digits)}`).join(' · ') : '';
      return `<tr><th scope="row">${escapeXml(g.name)}</th><td>${img(g.lq, `${g.name} LQ`)}</td><td>${img(g.restored, `${g.name} restored`)}</td><td>${img(g.gt, `${g.name} GT`)}</td><td class="scores">${caption}</td></tr>`;
    })
    .join('\n');
  const list = (title: string, names: readonly string[] | undefined) =>
    names && names.length ? `<h2>${escapeXml(title)} (${names.length})</h2><p class="names">${names.slice(0, 200).map(escapeXml).join(', ')}${names.length > 200 ? ' …' : ''}</p>` : '';
  const failures = failed.length
    ? `<h2>Could not be scored (${failed.length})</h2><ul>${failed.map((f) => `<li><code>${escapeXml(f.name)}</code>: [${escapeXml(f.code)}] ${escapeXml(f.message)}</li>`).join('')}</ul>`
    : '';
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(input.title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; max-width: 1100px; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; }
th:first-child, td:first-child { text-align: left; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; font-size: 0.9rem; }
dt { font-weight: 600; } dd { margin: 0; font-family: monospace; word-break: break-all; }
.charts { display: flex; flex-wrap: wrap; gap: 8px; } figure { margin: 0; }
.grid img { image-rendering: auto; display: block; } .grid td { text-align: center; } .scores { font-size: 0.85rem; text-align: left !important; }
.none { color: #999; } .names { font-family: monospace; font-size: 0.85rem; }
</style>
</head>
<body>
<h1>${escapeXml(input.title)}</h1>
<p>Protocol <strong>${escapeXml(input.protocol)}</strong>${input.protocolNote ? `: ${escapeXml(input.protocolNote)}` : ''}</p>
<dl>${input.facts.map(([k, v]) => `<dt>${escapeXml(k)}</dt><dd>${escapeXml(v)}</dd>`).join('')}</dl>
<h2>Summary</h2>
${table}
<h2>Distributions</h2>
<div class="charts">${charts}</div>
<h2>Images</h2>
<table class="grid"><thead><tr><th>Name</th><th>LQ</th><th>Restored</th><th>GT</th><th>Scores</th></tr></thead><tbody>
${grid}
</tbody></table>
${failures}
${list('Ground truth with no restored image', input.missing)}
${list('Restored images with no ground truth', input.extra)}
${list('Names present twice in one folder (not scored)', input.ambiguous)}
${list('Folder entries not read', input.skipped)}
</body>
</html>
`;
}
