import path from 'node:path';
import { writeFileAtomic } from '@diffmac/core';
import { comparisonReport, type ComparisonGridEntry } from '../report/comparison-report';
import { getProtocol, type ProtocolName } from '../protocols/protocols';
import type { MetricStats } from './aggregate';
import { findByStem } from './report-grid';
import type { ResultRow } from './results-log';
import { thumbnailDataUri } from './thumbnail';

/** One evaluated method for {@link writeComparisonReport}. */
export interface ComparisonRun {
  method: string;
  /** The folder of its restored images (for the picture grid). */
  pred: string;
  summary: Readonly<Record<string, MetricStats>>;
  rows: readonly ResultRow[];
  kind?: string;
  /** Its own HTML report (linked, relative to the comparison page). */
  report?: string;
}

/**
 * Write one comparison page for several evaluated methods of the same set: the metrics table, the
 * overlaid distributions and a picture grid of `gridSize` images spread over the set
 * (LQ | each method | GT, found by name in `lqDir`, each `pred` and `gtDir`), atomically.
 *
 * @example
 * await writeComparisonReport('eval/comparison.html', runs, { protocol: 'basicsr', gtDir: 'celeba/hq', lqDir: 'celeba/lq' });
 */
export async function writeComparisonReport(
  file: string,
  runs: readonly ComparisonRun[],
  options: { protocol: ProtocolName; title?: string; gtDir?: string | undefined; lqDir?: string | undefined; gridSize?: number },
): Promise<string> {
  const names = [...new Set(runs.flatMap((r) => r.rows.map((x) => x.name)))].sort();
  const size = Math.min(options.gridSize ?? 8, names.length);
  const grid: ComparisonGridEntry[] = [];
  for (let i = 0; i < size; i++) {
    const name = names[Math.floor((i * names.length) / size)]!;
    const methods: Record<string, string | undefined> = {};
    for (const r of runs) {
      const f = findByStem(r.pred, name);
      methods[r.method] = f ? await thumbnailDataUri(f, 128) : undefined;
    }
    const lqFile = options.lqDir ? findByStem(options.lqDir, name) : undefined;
    const gtFile = options.gtDir ? findByStem(options.gtDir, name) : undefined;
    const lq = lqFile ? await thumbnailDataUri(lqFile, 128) : undefined;
    const gt = gtFile ? await thumbnailDataUri(gtFile, 128) : undefined;
    grid.push({ name, methods, ...(lq ? { lq } : {}), ...(gt ? { gt } : {}) });
  }
  const p = getProtocol(options.protocol);
  const html = comparisonReport({
    title: options.title ?? `Comparison: ${runs.map((r) => r.method).join(', ')}`,
    protocol: options.protocol,
    protocolNote: p.description,
    methods: runs.map((r) => ({
      name: r.method,
      summary: r.summary,
      rows: r.rows,
      ...(r.kind ? { kind: r.kind } : {}),
      ...(r.report ? { report: path.relative(path.dirname(path.resolve(file)), path.resolve(r.report)) } : {}),
    })),
    grid,
    facts: [
      ...(options.gtDir ? [['ground truth', path.resolve(options.gtDir)] as [string, string]] : []),
      ...(options.lqDir ? [['LQ', path.resolve(options.lqDir)] as [string, string]] : []),
      ...runs.map((r) => [r.method, path.resolve(r.pred)] as [string, string]),
    ],
  });
  await writeFileAtomic(file, html);
  return file;
}
