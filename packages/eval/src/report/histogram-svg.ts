/**
 * An inline SVG histogram of `values` (20 bins), with the mean marked. Self-contained: no
 * scripts, no external resources.
 *
 * @example
 * const svg = histogramSvg([24.1, 25.3, 22.8], { title: 'PSNR' });
 */
export function histogramSvg(values: readonly number[], options: { title: string; bins?: number; width?: number; height?: number }): string {
  const bins = options.bins ?? 20;
  const width = options.width ?? 320;
  const height = options.height ?? 160;
  const finite = values.filter(Number.isFinite);
  const esc = escapeXml(options.title);
  if (finite.length === 0) return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${esc}: no values"><text x="10" y="20">${esc}: no values</text></svg>`;
  let lo = Math.min(...finite);
  let hi = Math.max(...finite);
  if (lo === hi) {
    lo -= 0.5;
    hi += 0.5;
  }
  const counts = new Array<number>(bins).fill(0);
  for (const v of finite) counts[Math.min(bins - 1, Math.floor(((v - lo) / (hi - lo)) * bins))]! += 1;
  const top = Math.max(...counts);
  const padL = 30;
  const padB = 28;
  const plotW = width - padL - 10;
  const plotH = height - padB - 22;
  const bw = plotW / bins;
  const bars = counts
    .map((c, i) => {
      const h = (c / top) * plotH;
      return `<rect x="${(padL + i * bw).toFixed(1)}" y="${(22 + plotH - h).toFixed(1)}" width="${Math.max(1, bw - 1).toFixed(1)}" height="${h.toFixed(1)}" fill="#4a78c2"><title>${c}</title></rect>`;
    })
    .join('');
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const mx = padL + ((mean - lo) / (hi - lo)) * plotW;
  const fmt = (v: number) => (Math.abs(v) >= 100 ? v.toFixed(0) : Math.abs(v) >= 1 ? v.toFixed(2) : v.toFixed(3));
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" role="img" aria-label="${esc} histogram">`,
    `<text x="${padL}" y="14" font-size="12" font-family="sans-serif">${esc} (n=${finite.length}, mean ${fmt(mean)})</text>`,
    bars,
    `<line x1="${mx.toFixed(1)}" x2="${mx.toFixed(1)}" y1="22" y2="${22 + plotH}" stroke="#c23" stroke-width="1.5"/>`,
    `<line x1="${padL}" x2="${padL + plotW}" y1="${22 + plotH}" y2="${22 + plotH}" stroke="#333"/>`,
    `<text x="${padL}" y="${height - 8}" font-size="11" font-family="sans-serif">${fmt(lo)}</text>`,
    `<text x="${padL + plotW}" y="${height - 8}" font-size="11" font-family="sans-serif" text-anchor="end">${fmt(hi)}</text>`,
    `<text x="4" y="${22 + plotH}" font-size="11" font-family="sans-serif">0</text><text x="4" y="30" font-size="11" font-family="sans-serif">${top}</text>`,
    '</svg>',
  ].join('');
}

/**
 * Escape text for XML/HTML.
 *
 * @example
 * escapeXml('a < b'); // 'a &lt; b'
 */
export function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}
