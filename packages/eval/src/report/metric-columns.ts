/** How a metric column is named, ordered and read in tables. */
export interface MetricColumn {
  name: string;
  /** Column header as papers print it. */
  label: string;
  higherIsBetter: boolean;
  /** Decimal places in tables. */
  digits: number;
}

/**
 * The column order of the CelebA-Test tables in GFPGAN / CodeFormer / VQFR papers: LPIPS, FID,
 * NIQE, Deg., LMD, then PSNR and SSIM. Metrics not listed here follow in name order.
 */
const ORDER: readonly MetricColumn[] = [
  { name: 'lpips', label: 'LPIPS', higherIsBetter: false, digits: 4 },
  { name: 'fid', label: 'FID', higherIsBetter: false, digits: 2 },
  { name: 'niqe', label: 'NIQE', higherIsBetter: false, digits: 3 },
  { name: 'deg', label: 'Deg.', higherIsBetter: false, digits: 2 },
  { name: 'idcos', label: 'IDS', higherIsBetter: true, digits: 4 },
  { name: 'lmd', label: 'LMD', higherIsBetter: false, digits: 2 },
  { name: 'psnr', label: 'PSNR', higherIsBetter: true, digits: 2 },
  { name: 'ssim', label: 'SSIM', higherIsBetter: true, digits: 4 },
  { name: 'psnr-y', label: 'PSNR (Y)', higherIsBetter: true, digits: 2 },
  { name: 'ssim-y', label: 'SSIM (Y)', higherIsBetter: true, digits: 4 },
];

/**
 * Columns for `names` in the papers' order.
 *
 * @example
 * metricColumns(['ssim', 'psnr', 'lpips']).map((c) => c.label); // ['LPIPS', 'PSNR', 'SSIM']
 */
export function metricColumns(names: Iterable<string>): MetricColumn[] {
  const wanted = new Set(names);
  const known = ORDER.filter((c) => wanted.has(c.name));
  const rest = [...wanted]
    .filter((n) => !ORDER.some((c) => c.name === n))
    .sort()
    .map((name) => ({ name, label: name, higherIsBetter: true, digits: 4 }));
  return [...known, ...rest];
}
