import path from 'node:path';
import { writeFileAtomic } from '@diffmac/core';
import { htmlReport } from '../report/html-report';
import { markdownTable, perImageCsv, summaryCsv } from '../report/tables';
import { getProtocol, type ProtocolName } from '../protocols/protocols';
import type { MetricStats } from './aggregate';
import type { FolderPairing } from './pair-folders';
import { reportGrid } from './report-grid';
import type { ResultRow } from './results-log';
import { jsonWithNonFinite } from './run-summary';
import { packageVersions } from './versions';

/** The files a folder run writes besides `results.jsonl` and `run.json`. */
export interface RunReportFiles {
  summaryJson: string;
  perImageCsv: string;
  summaryCsv: string;
  markdown: string;
  html: string;
}

/** What {@link writeRunReports} needs. */
export interface RunReportsInput {
  outDir: string;
  method: string;
  protocol: ProtocolName;
  metrics: readonly string[];
  summary: Readonly<Record<string, MetricStats>>;
  /** Every row, in name order. */
  rows: readonly ResultRow[];
  pairing: FolderPairing;
  /** The run's folders and settings (`run.json`). */
  config: { pred: string; gt?: string | undefined; [key: string]: unknown };
  lqDir?: string | undefined;
  gridSize: number;
}

/**
 * Write a run's reports, each atomically: `summary.json` (with versions and what did not pair
 * up), `per-image.csv`, `summary.csv`, `table.md` and the self-contained `report.html`.
 *
 * @example
 * const files = await writeRunReports({ outDir, method, protocol: 'basicsr', metrics, summary, rows, pairing, config, gridSize: 12 });
 */
export async function writeRunReports(input: RunReportsInput): Promise<RunReportFiles> {
  const p = getProtocol(input.protocol);
  const failed = input.rows.filter((r) => !r.ok).length;
  const scored = input.rows.length - failed;
  const { pairing } = input;
  const versions = await packageVersions();
  const files: RunReportFiles = {
    summaryJson: path.join(input.outDir, 'summary.json'),
    perImageCsv: path.join(input.outDir, 'per-image.csv'),
    summaryCsv: path.join(input.outDir, 'summary.csv'),
    markdown: path.join(input.outDir, 'table.md'),
    html: path.join(input.outDir, 'report.html'),
  };
  const summaryJson = {
    method: input.method,
    protocol: input.protocol,
    protocolNote: p.description,
    protocolChanges: p.changes,
    reduction: 'mean of per-image scores',
    metrics: input.summary,
    images: { scored, failed, missing: pairing.missing, extra: pairing.extra, ambiguous: pairing.ambiguous, skipped: pairing.skipped },
    folders: input.config,
    versions,
    modelDigests: {},
  };
  await writeFileAtomic(files.summaryJson, jsonWithNonFinite(summaryJson));
  await writeFileAtomic(files.perImageCsv, perImageCsv(input.rows, input.metrics));
  await writeFileAtomic(files.summaryCsv, summaryCsv(input.summary));
  await writeFileAtomic(files.markdown, markdownTable([{ method: input.method, summary: input.summary }], input.protocol));
  const skippedNames = [...pairing.skipped.pred.map((s) => `restored/${s.name} (${s.reason})`), ...pairing.skipped.gt.map((s) => `ground truth/${s.name} (${s.reason})`)];
  const html = htmlReport({
    title: `${input.method}: ${input.metrics.join(', ')}`,
    protocol: input.protocol,
    protocolNote: `${p.description}. ${p.changes.join('; ')}`,
    summary: input.summary,
    rows: input.rows,
    grid: await reportGrid(pairing.pairs, { size: input.gridSize, lqDir: input.lqDir }),
    facts: [
      ['restored', input.config.pred],
      ['ground truth', input.config.gt ?? '(none: no-reference run)'],
      ['images', `${scored} scored, ${failed} failed, ${pairing.missing.length} missing, ${pairing.extra.length} extra, ${pairing.ambiguous.length} ambiguous, ${skippedNames.length} skipped`],
      ...Object.entries(versions).map(([k, v]) => [k, v] as [string, string]),
    ],
    missing: pairing.missing,
    extra: pairing.extra,
    ambiguous: pairing.ambiguous,
    skipped: skippedNames,
  });
  await writeFileAtomic(files.html, html);
  return files;
}
