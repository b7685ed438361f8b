import type { MetricStats } from '../runner/aggregate';
import type { ResultRow } from '../runner/results-log';
import { escapeXml } from './histogram-svg';
import { metricColumns } from './metric-columns';
import { overlayHistogramSvg, SERIES_COLOURS } from './overlay-histogram-svg';
import { formatScore } from './tables';

/** One method of a {@link comparisonReport}: its summary and per-image rows. */
export interface ComparedMethod {
  name: string;
  summary: Readonly<Record<string, MetricStats>>;
  rows: readonly ResultRow[];
  /** What kind of method it is (shown beside its name), e.g. `baseline` or `learned`. */
  kind?: string;
  /** Its own report, linked from the table. */
  report?: string;
}

/** One row of the comparison grid: thumbnails (data URIs) of LQ, each method's result, GT. */
export interface ComparisonGridEntry {
  name: string;
  lq?: string;
  gt?: string;
  /** By method name. */
  methods: Readonly<Record<string, string | undefined>>;
}

/** Everything {@link comparisonReport} shows. */
export interface ComparisonReportInput {
  title: string;
  protocol: string;
  protocolNote?: string;
  methods: readonly ComparedMethod[];
  grid: readonly ComparisonGridEntry[];
  facts?: readonly [string, string][];
}

/**
 * One self-contained HTML page comparing methods side by side (no scripts, no external files): the
 * metrics table of every method in the papers' column order with each column's best value in
 * bold, every metric's per-image distributions overlaid (one colour per method), and a picture
 * grid LQ | each method | GT with each method's scores under its picture.
 *
 * @example
 * await writeFile('comparison.html', comparisonReport({ title: 'CelebA-Test', protocol: 'basicsr', methods, grid }));
 */
export function comparisonReport(input: ComparisonReportInput): string {
  const cols = metricColumns(new Set(input.methods.flatMap((m) => Object.keys(m.summary))));
  const best = new Map<string, number>();
  for (const c of cols) {
    const values = input.methods.map((m) => m.summary[c.name]?.mean).filter((v): v is number => v !== undefined && !Number.isNaN(v));
    if (values.length > 1) best.set(c.name, c.higherIsBetter ? Math.max(...values) : Math.min(...values));
  }
  const colour = (k: number) => SERIES_COLOURS[k % SERIES_COLOURS.length]!;
  const swatch = (k: number) => `<span class="swatch" style="background:${colour(k)}"></span>`;
  const table = [
    `<table class="metrics"><thead><tr><th>Method</th>${cols.map((c) => `<th>${escapeXml(c.label)} ${c.higherIsBetter ? '↑' : '↓'}</th>`).join('')}<th>n</th></tr></thead><tbody>`,
    ...input.methods.map((m, k) => {
      const cells = cols.map((c) => {
        const s = m.summary[c.name];
        if (!s) return '<td>–</td>';
        const text = formatScore(s.mean, c.digits);
        return best.get(c.name) === s.mean ? `<td class="best"><strong>${text}</strong></td>` : `<td>${text}</td>`;
      });
      const n = Math.max(0, ...Object.values(m.summary).map((s) => s.n));
      const name = m.report ? `<a href="${escapeXml(m.report)}">${escapeXml(m.name)}</a>` : escapeXml(m.name);
      return `<tr><th scope="row">${swatch(k)}${name}${m.kind ? ` <span class="kind">${escapeXml(m.kind)}</span>` : ''}</th>${cells.join('')}<td>${n}</td></tr>`;
    }),
    '</tbody></table>',
  ].join('\n');
  const scoresOf = input.methods.map((m) => new Map(m.rows.flatMap((r) => (r.ok ? [[r.name, r.scores] as const] : []))));
  const charts = cols
    .map((c) => `<figure>${overlayHistogramSvg(input.methods.map((m, k) => ({ name: m.name, values: [...scoresOf[k]!.values()].map((s) => s[c.name] ?? Number.NaN).filter((v) => !Number.isNaN(v)) })), { title: c.label })}</figure>`)
    .join('\n');
  const img = (src: string | undefined, alt: string) => (src ? `<img src="${src}" alt="${escapeXml(alt)}" width="128" height="128">` : '<span class="none">–</span>');
  const gridHead = `<tr><th>Name</th><th>LQ</th>${input.methods.map((m, k) => `<th>${swatch(k)}${escapeXml(m.name)}</th>`).join('')}<th>GT</th></tr>`;
  const gridRows = input.grid
    .map((g) => {
      const cells = input.methods.map((m, k) => {
        const scores = scoresOf[k]!.get(g.name);
        const caption = scores ? cols.filter((c) => scores[c.name] !== undefined).map((c) => `${escapeXml(c.label)} ${formatScore(scores[c.name]!, c.digits)}`).join('<br>') : '';
        return `<td>${img(g.methods[m.name], `${g.name} ${m.name}`)}<div class="scores">${caption}</div></td>`;
      });
      return `<tr><th scope="row">${escapeXml(g.name)}</th><td>${img(g.lq, `${g.name} LQ`)}</td>${cells.join('')}<td>${img(g.gt, `${g.name} GT`)}</td></tr>`;
    })
    .join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeXml(input.title)}</title>
<style>
body { font-family: system-ui, sans-serif; margin: 2rem; color: #222; }
table { border-collapse: collapse; margin: 1rem 0; }
th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right; vertical-align: top; }
th:first-child, td:first-child { text-align: left; }
.best { background: #eef6ee; } .kind { color: #777; font-size: 0.8rem; font-weight: normal; }
.swatch { display: inline-block; width: 10px; height: 10px; margin-right: 6px; border-radius: 2px; }
dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; font-size: 0.9rem; }
dt { font-weight: 600; } dd { margin: 0; font-family: monospace; word-break: break-all; }
.charts { display: flex; flex-wrap: wrap; gap: 8px; } figure { margin: 0; }
.grid td { text-align: center; } .grid img { display: block; margin: auto; } .scores { font-size: 0.75rem; color: #444; }
.none { color: #999; }
</style>
</head>
<body>
<h1>${escapeXml(input.title)}</h1>
<p>Protocol <strong>${escapeXml(input.protocol)}</strong>${input.protocolNote ? `: ${escapeXml(input.protocolNote)}` : ''}. ${input.methods.length} methods; bold is the best value of each column.</p>
${input.facts?.length ? `<dl>${input.facts.map(([k, v]) => `<dt>${escapeXml(k)}</dt><dd>${escapeXml(v)}</dd>`).join('')}</dl>` : ''}
<h2>Metrics</h2>
${table}
<h2>Distributions</h2>
<div class="charts">${charts}</div>
<h2>Pictures</h2>
<table class="grid"><thead>${gridHead}</thead><tbody>
${gridRows}
</tbody></table>
</body>
</html>
`;
}
