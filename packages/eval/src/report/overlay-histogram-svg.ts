import { escapeXml } from './histogram-svg';

/** Distinct, colour-blind-safe line colours (Okabe–Ito), one per series in order. */
export const SERIES_COLOURS: readonly string[] = ['#0072B2', '#E69F00', '#009E73', '#D55E00', '#CC79A7', '#56B4E9', '#F0E442', '#000000'];

/**
 * One inline SVG with the histograms of several series over a shared range (20 bins), each drawn
 * as an outline in its own colour with its mean marked, and a legend: the distributions of one
 * metric across methods, overlaid. Non-finite values are left out (their count is in the legend).
 *
 * @example
 * overlayHistogramSvg([{ name: 'bicubic', values: [24, 25] }, { name: 'ours', values: [27, 28] }], { title: 'PSNR' });
 */
export function overlayHistogramSvg(series: readonly { name: string; values: readonly number[] }[], options: { title: string; bins?: number; width?: number; height?: number }): string {
  const bins = options.bins ?? 20;
  const width = options.width ?? 420;
  const legendH = 16 * series.length;
  const height = (options.height ?? 180) + legendH;
  const esc = escapeXml(options.title);
  const finite = series.map((s) => s.values.filter(Number.isFinite));
  const all = finite.flat();
  if (all.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${esc}: no values"><text x="10" y="20">${esc}: no values</text></svg>`;
  let lo = Math.min(...all);
  let hi = Math.max(...all);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const counts = finite.map((vs) => {
    const c = new Array<number>(bins).fill(0);
    for (const v of vs) c[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]! += 1;
    return c;
  });
  const top = Math.max(1, ...counts.flat());
  const padL = 30;
  const plotW = width - padL - 10;
  const plotTop = 22;
  const plotH = height - legendH - plotTop - 28;
  const bw = plotW / bins;
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));
  const y = (c: number) => plotTop + plotH - (c / top) * plotH;
  const paths = counts.map((c, k) => {
    const colour = SERIES_COLOURS[k % SERIES_COLOURS.length]!;
    let d = `M${padL},${y(0).toFixed(1)}`;
    c.forEach((n, i) => {
      d += ` L${(padL + i * bw).toFixed(1)},${y(n).toFixed(1)} L${(padL + (i + 1) * bw).toFixed(1)},${y(n).toFixed(1)}`;
    });
    d += ` L${(padL + plotW).toFixed(1)},${y(0).toFixed(1)}`;
    const vs = finite[k]!;
    const mean = vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : Number.NaN;
    const mx = padL + ((mean - lo) / (hi - lo)) * plotW;
    const marker = Number.isFinite(mx) ? `<line x1="${mx.toFixed(1)}" x2="${mx.toFixed(1)}" y1="${plotTop}" y2="${plotTop + plotH}" stroke="${colour}" stroke-dasharray="4 3" stroke-width="1.5"/>` : '';
    return `<path d="${d}" fill="${colour}" fill-opacity="0.12" stroke="${colour}" stroke-width="1.8"><title>${escapeXml(series[k]!.name)}</title></path>${marker}`;
  });
  const legend = series.map((s, k) => {
    const colour = SERIES_COLOURS[k % SERIES_COLOURS.length]!;
    const vs = finite[k]!;
    const left = s.values.length - vs.length;
    const mean = vs.length ? fmt(vs.reduce((a, b) => a + b, 0) / vs.length) : '–';
    const ly = height - legendH + 12 + 16 * k - 4;
    return `<rect x="${padL}" y="${ly - 9}" width="14" height="10" fill="${colour}"/><text x="${padL + 20}" y="${ly}" font-size="11" font-family="sans-serif">${escapeXml(s.name)} (n=${vs.length}${left ? `, ${left} non-finite` : ''}, mean ${mean})</text>`;
  });
  const axisY = plotTop + plotH;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${esc}: distributions of ${series.length} methods">`,
    `<text x="${padL}" y="14" font-size="12" font-family="sans-serif">${esc}</text>`,
    ...paths,
    `<line x1="${padL}" x2="${padL + plotW}" y1="${axisY}" y2="${axisY}" stroke="#333"/>`,
    `<text x="${padL}" y="${axisY + 14}" font-size="11" font-family="sans-serif">${fmt(lo)}</text>`,
    `<text x="${padL + plotW}" y="${axisY + 14}" font-size="11" font-family="sans-serif" text-anchor="end">${fmt(hi)}</text>`,
    `<text x="4" y="${axisY}" font-size="11" font-family="sans-serif">0</text><text x="4" y="${plotTop + 8}" font-size="11" font-family="sans-serif">${top}</text>`,
    ...legend,
    '</svg>',
  ].join('');
}
