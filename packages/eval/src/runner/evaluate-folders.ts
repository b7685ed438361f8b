import { existsSync } from 'node:fs';
import { mkdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DiffmacError, readImage, type ColorImage } from '@diffmac/core';
import { createFidExtractor, fidAgainst, readFidStats } from '../fid/fid';
import { htmlReport, type ReportGridEntry } from '../report/html-report';
import { markdownTable, perImageCsv, summaryCsv } from '../report/tables';
import { getProtocol, type ProtocolName } from '../protocols/protocols';
import { summarize, type MetricStats } from './aggregate';
import { pairFolders } from './pair-folders';
import { validateScorerOptions, type PairScorerOptions } from './pair-scorer';
import { openResultsLog, type ResultRow } from './results-log';
import { scorePairs } from './score-pairs';
import { thumbnailDataUri } from './thumbnail';
import { packageVersions } from './versions';

/** Options of {@link evaluateFolders}. */
export interface EvaluateFoldersOptions {
  /** Folder of restored images. */
  pred: string;
  /** Folder of ground truth (omit for an unpaired, no-reference run). */
  gt?: string;
  /** Folder of the LQ inputs, shown in the HTML report's grid when given. */
  lq?: string;
  /** Where results and reports go; must not be (or be inside) `gt` or `pred`. */
  outDir: string;
  metrics: readonly string[];
  protocol?: ProtocolName;
  /** Pixels cut from each edge for PSNR/SSIM/NIQE (default 0). */
  cropBorder?: number;
  /** Models and data some metrics need (NIQE parameters, LPIPS trunk and weights, FID's Inception and statistics). */
  models?: Pick<PairScorerOptions, 'niqeParams' | 'lpips'> & { fid?: FidModels };
  /** Worker threads (0 = this thread). Default: the number of cores. */
  workers?: number;
  /** Continue a run that stopped, keeping the rows already in `results.jsonl`. */
  resume?: boolean;
  /** Name of the method in tables (default: the pred folder's name). */
  method?: string;
  /** Images shown in the HTML grid (default 12, spread over the set). */
  gridSize?: number;
  signal?: AbortSignal;
  onProgress?: (event: EvaluateProgressEvent) => void;
}

/** FID over the whole set: an Inception ONNX (pytorch-fid contract) and reference statistics (`.npz` or JSON). */
export interface FidModels {
  model: string;
  reference: string;
}

/** Progress of {@link evaluateFolders}. */
export type EvaluateProgressEvent =
  | { type: 'start'; total: number; alreadyDone: number; threads: number }
  | { type: 'pair'; done: number; total: number; name: string; ok: boolean }
  | { type: 'fid'; done: number; total: number }
  | { type: 'report'; file: string };

/** What a finished run produced. */
export interface EvaluationResult {
  method: string;
  protocol: ProtocolName;
  summary: Record<string, MetricStats>;
  rows: ResultRow[];
  failed: number;
  missing: string[];
  extra: string[];
  files: { results: string; summaryJson: string; perImageCsv: string; summaryCsv: string; markdown: string; html: string };
}

async function isInside(child: string, parent: string): Promise<boolean> {
  const c = await realpath(child);
  const p = await realpath(parent);
  return c === p || c.startsWith(p + path.sep);
}

async function writeAtomic(file: string, text: string): Promise<void> {
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, text);
    await rename(tmp, file);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
}

/**
 * Score a folder of restored faces against ground truth (CelebA-Test layout) and write every
 * report: `results.jsonl` (append-only, the resume log), `summary.json`, `per-image.csv`,
 * `summary.csv`, `table.md` and a self-contained `report.html`. Unreadable or mismatched images
 * become failure rows with a reason; names that do not pair up are listed. A run stopped at any
 * moment continues with `resume: true` without losing or repeating rows.
 *
 * @example
 * const r = await evaluateFolders({ pred: 'out/restored', gt: 'celeba/hq', outDir: 'out/eval', metrics: ['psnr', 'ssim'] });
 * console.log(r.summary.psnr.mean, r.files.html);
 */
export async function evaluateFolders(options: EvaluateFoldersOptions): Promise<EvaluationResult> {
  const protocol = options.protocol ?? 'basicsr';
  const metrics = [...options.metrics];
  // FID scores the set, not each image: it runs after the per-image metrics.
  const wantFid = metrics.includes('fid');
  const fidModels = options.models?.fid;
  if (wantFid && !fidModels) {
    throw new DiffmacError('MISSING_OPTION', 'fid needs an Inception ONNX model and reference statistics', { argument: 'models.fid', expected: '{ model, reference }', received: 'undefined' });
  }
  const perImage = metrics.filter((m) => m !== 'fid');
  const { fid: _fid, ...pairModels } = options.models ?? {};
  const scorerOptions: PairScorerOptions = { metrics: perImage, protocol, cropBorder: options.cropBorder ?? 0, ...pairModels };
  if (perImage.length > 0 || !wantFid) validateScorerOptions(scorerOptions);
  const protocolInfo = getProtocol(protocol);
  const pairing = await pairFolders(options.pred, options.gt);
  await mkdir(options.outDir, { recursive: true });
  for (const [label, dir] of [['ground-truth', options.gt], ['restored', options.pred]] as const) {
    if (dir !== undefined && (await isInside(options.outDir, dir))) {
      throw new DiffmacError('OUTPUT_INSIDE_INPUT', `Refusing to write the evaluation into the ${label} folder ${dir}: choose another --out`, {
        argument: 'outDir',
        expected: `a folder outside ${dir}`,
        received: options.outDir,
      });
    }
  }

  const runFile = path.join(options.outDir, 'run.json');
  const runConfig = { pred: path.resolve(options.pred), gt: options.gt && path.resolve(options.gt), metrics, protocol, cropBorder: scorerOptions.cropBorder };
  if (options.resume && existsSync(runFile)) {
    const before = JSON.parse(await readFile(runFile, 'utf8'));
    if (JSON.stringify(before) !== JSON.stringify(runConfig)) {
      throw new DiffmacError('RESUME_MISMATCH', `Cannot resume: ${runFile} was made with other folders, metrics or protocol`, {
        argument: 'resume',
        expected: JSON.stringify(before),
        received: JSON.stringify(runConfig),
      });
    }
  }
  await writeAtomic(runFile, `${JSON.stringify(runConfig, null, 2)}\n`);

  const resultsFile = path.join(options.outDir, 'results.jsonl');
  const log = openResultsLog(resultsFile, { resume: options.resume ?? false });
  const wanted = new Set(pairing.pairs.map((p) => p.name));
  const rows = new Map<string, ResultRow>([...log.done].filter(([name]) => wanted.has(name)));
  const todo = pairing.pairs.filter((p) => !rows.has(p.name)).map((p) => (p.gt ? { name: p.name, pred: p.pred, gt: p.gt } : { name: p.name, pred: p.pred }));
  const total = pairing.pairs.length;
  const workers = options.workers ?? os.availableParallelism();
  options.onProgress?.({ type: 'start', total, alreadyDone: rows.size, threads: todo.length > 0 ? Math.min(workers, todo.length) : 0 });
  try {
    if (perImage.length > 0) await scorePairs(todo, scorerOptions, {
      workers,
      ...(options.signal ? { signal: options.signal } : {}),
      onRow: (row) => {
        log.append(row);
        rows.set(row.name, row);
        options.onProgress?.({ type: 'pair', done: rows.size, total, name: row.name, ok: row.ok });
      },
    });
    else for (const p of todo) rows.set(p.name, { name: p.name, ok: true, scores: {} });
  } finally {
    log.close();
  }

  const ordered = [...rows.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  // VQFR's rule: identity angles under 1° are left out of the mean (and counted).
  const dropDeg = protocolInfo.identityDropBelowDegrees;
  const dropBelow: Record<string, number> = dropDeg === undefined ? {} : { deg: protocolInfo.identityUnit === 'degrees' ? dropDeg : (dropDeg * Math.PI) / 180 };
  const summary = summarize(ordered.flatMap((r) => (r.ok ? [r.scores] : [])), dropBelow);
  if (wantFid && fidModels) {
    const value = await setFid(fidModels, ordered.filter((r) => r.ok).map((r) => pairing.pairs.find((p) => p.name === r.name)!.pred), options);
    summary.fid = { mean: value.fid, std: 0, n: value.n, dropped: 0 };
  }
  const failed = ordered.filter((r) => !r.ok).length;
  const method = options.method ?? path.basename(path.resolve(options.pred));
  const versions = await packageVersions();
  const files = {
    results: resultsFile,
    summaryJson: path.join(options.outDir, 'summary.json'),
    perImageCsv: path.join(options.outDir, 'per-image.csv'),
    summaryCsv: path.join(options.outDir, 'summary.csv'),
    markdown: path.join(options.outDir, 'table.md'),
    html: path.join(options.outDir, 'report.html'),
  };
  const summaryJson = {
    method,
    protocol,
    protocolNote: protocolInfo.description,
    protocolChanges: protocolInfo.changes,
    reduction: 'mean of per-image scores',
    metrics: summary,
    images: { scored: ordered.length - failed, failed, missing: pairing.missing, extra: pairing.extra, ambiguous: pairing.ambiguous },
    folders: runConfig,
    versions,
    modelDigests: {},
  };
  await writeAtomic(files.summaryJson, `${JSON.stringify(summaryJson, null, 2)}\n`);
  await writeAtomic(files.perImageCsv, perImageCsv(ordered, metrics));
  await writeAtomic(files.summaryCsv, summaryCsv(summary));
  await writeAtomic(files.markdown, markdownTable([{ method, summary }], protocol));

  const gridSize = Math.min(options.gridSize ?? 12, pairing.pairs.length);
  const grid: ReportGridEntry[] = [];
  for (let i = 0; i < gridSize; i++) {
    const p = pairing.pairs[Math.floor((i * pairing.pairs.length) / gridSize)]!;
    const lqFile = options.lq ? await findByStem(options.lq, p.name) : undefined;
    const restored = await thumbnailDataUri(p.pred);
    if (!restored) continue;
    const lq = lqFile ? await thumbnailDataUri(lqFile) : undefined;
    const gt = p.gt ? await thumbnailDataUri(p.gt) : undefined;
    grid.push({ name: p.name, restored, ...(lq ? { lq } : {}), ...(gt ? { gt } : {}) });
  }
  const html = htmlReport({
    title: `${method}: ${metrics.join(', ')}`,
    protocol,
    protocolNote: `${protocolInfo.description}. ${protocolInfo.changes.join('; ')}`,
    summary,
    rows: ordered,
    grid,
    facts: [
      ['restored', runConfig.pred],
      ['ground truth', runConfig.gt ?? '(none: no-reference run)'],
      ['images', `${ordered.length - failed} scored, ${failed} failed, ${pairing.missing.length} missing, ${pairing.extra.length} extra`],
      ...Object.entries(versions).map(([k, v]) => [k, v] as [string, string]),
    ],
    missing: pairing.missing,
    extra: pairing.extra,
  });
  await writeAtomic(files.html, html);
  options.onProgress?.({ type: 'report', file: files.html });
  return { method, protocol, summary, rows: ordered, failed, missing: pairing.missing, extra: pairing.extra, files };
}

/** FID of the restored images against the reference statistics, streaming one image at a time. */
async function setFid(models: FidModels, files: readonly string[], options: EvaluateFoldersOptions): Promise<{ fid: number; n: number }> {
  const extractor = await createFidExtractor({ model: models.model });
  try {
    const reference = await readFidStats(models.reference);
    let done = 0;
    async function* images(): AsyncGenerator<ColorImage> {
      for (const f of files) {
        yield (await readImage(f, { channels: 'rgb' })) as ColorImage;
        options.onProgress?.({ type: 'fid', done: ++done, total: files.length });
      }
    }
    const fid = await fidAgainst(images(), reference, extractor, options.signal ? { signal: options.signal } : {});
    return { fid, n: files.length };
  } finally {
    await extractor.dispose();
  }
}

async function findByStem(dir: string, stem: string): Promise<string | undefined> {
  for (const ext of ['.png', '.jpg', '.jpeg', '.webp']) {
    const f = path.join(dir, stem + ext);
    if (existsSync(f)) return f;
  }
  return undefined;
}
