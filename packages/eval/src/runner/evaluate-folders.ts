import { mkdir, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { DiffmacError } from '@diffmac/base';
import { writeFileAtomic } from '@diffmac/core';
import type { ProtocolName } from '../protocols/protocols';
import type { MetricStats } from './aggregate';
import { validateEvaluateOptions, type EvaluateFoldersOptions } from './evaluate-options';
import { checkOutputFolder } from './output-folder';
import { pairFolders, type FolderPairing } from './pair-folders';
import { validateScorerOptions, type PairScorerOptions } from './pair-scorer';
import type { ResultRow } from './results-log';
import { acquireRunLock } from './run-lock';
import { runFid } from './run-fid';
import { summarizeRows } from './run-summary';
import { scoreRun } from './score-run';
import { writeRunReports, type RunReportFiles } from './write-reports';

export type { EvaluateFoldersOptions } from './evaluate-options';

/** What a finished run produced. */
export interface EvaluationResult {
  method: string;
  protocol: ProtocolName;
  summary: Record<string, MetricStats>;
  rows: ResultRow[];
  failed: number;
  missing: string[];
  extra: string[];
  /** Names present twice in a folder under different extensions (not scored). */
  ambiguous: string[];
  /** Folder entries not read: subfolders, dangling links (`pred/` or `gt/` prefixed). */
  skipped: string[];
  /** True when every image of both folders was paired and scored: nothing failed, missing, extra, ambiguous or skipped. */
  complete: boolean;
  files: { results: string } & RunReportFiles;
}

/** The lock file that keeps two runs out of one output folder. */
export const EVAL_LOCK_FILE = 'eval.lock';

/**
 * Score a folder of restored faces against ground truth (CelebA-Test layout) and write every
 * report: `results.jsonl` (append-only, the resume log), `summary.json`, `per-image.csv`,
 * `summary.csv`, `table.md` and a self-contained `report.html`. Symbolic links are followed.
 * Unreadable or mismatched images become failure rows with a reason; names that do not pair up,
 * names present twice and entries that are not images are listed, and `complete` says whether
 * anything was left out. Every option is checked, and the output folder too, before anything is
 * created; a run with nothing to score is `NOTHING_TO_SCORE`; a second run into a folder another
 * run holds is `OUTPUT_LOCKED`; an earlier run's folder needs `resume` or `force`
 * (`OUTPUT_EXISTS`). A run stopped at any moment continues with `resume: true` without losing or
 * repeating rows; rows of images changed since are scored again.
 *
 * @example
 * const r = await evaluateFolders({ pred: 'out/restored', gt: 'celeba/hq', outDir: 'out/eval', metrics: ['psnr', 'ssim'] });
 * console.log(r.summary.psnr.mean, r.complete, r.files.html);
 */
export async function evaluateFolders(options: EvaluateFoldersOptions): Promise<EvaluationResult> {
  validateEvaluateOptions(options);
  const protocol = options.protocol ?? 'basicsr';
  const metrics = [...options.metrics];
  const wantFid = metrics.includes('fid');
  const fidModels = options.models?.fid;
  if (wantFid && !fidModels) {
    throw new DiffmacError('MISSING_OPTION', 'fid needs an Inception ONNX model and reference statistics', { argument: 'models.fid', expected: '{ model, reference }', received: 'undefined' });
  }
  const perImage = metrics.filter((m) => m !== 'fid');
  const { fid: _fid, ...pairModels } = options.models ?? {};
  const scorerOptions: PairScorerOptions = { metrics: perImage, protocol, cropBorder: options.cropBorder ?? 0, ...pairModels };
  if (perImage.length > 0 || !wantFid) validateScorerOptions(scorerOptions);
  if (options.lq !== undefined) await assertFolder(options.lq, 'lq');
  const pairing = await pairFolders(options.pred, options.gt);
  if (pairing.pairs.length === 0) throw nothingToScore(options, pairing);
  await checkOutputFolder(options.outDir, [
    ['ground-truth', options.gt],
    ['restored', options.pred],
    ['LQ', options.lq],
  ]);

  await mkdir(options.outDir, { recursive: true });
  const lock = await acquireRunLock(options.outDir, EVAL_LOCK_FILE);
  try {
    const runFile = path.join(options.outDir, 'run.json');
    const resultsFile = path.join(options.outDir, 'results.jsonl');
    const config = { pred: path.resolve(options.pred), gt: options.gt && path.resolve(options.gt), metrics, protocol, cropBorder: scorerOptions.cropBorder };
    const before = await readFile(runFile, 'utf8').catch(() => undefined);
    if (options.resume && before !== undefined && before.trim() !== JSON.stringify(config, null, 2)) {
      throw new DiffmacError('RESUME_MISMATCH', `Cannot resume: ${runFile} was made with other folders, metrics or protocol`, { argument: 'resume', expected: before.trim(), received: JSON.stringify(config) });
    }
    const earlier = before !== undefined || (await stat(resultsFile).catch(() => undefined)) !== undefined;
    if (earlier && !options.resume && !options.force) {
      throw new DiffmacError('OUTPUT_EXISTS', `${options.outDir} holds an earlier evaluation: continue it with resume (--resume), replace it with force (--force), or choose another output folder`, {
        argument: 'outDir',
        expected: 'a new folder, resume or force',
        received: `a folder with ${before !== undefined ? 'run.json' : 'results.jsonl'}`,
      });
    }
    await writeFileAtomic(runFile, `${JSON.stringify(config, null, 2)}\n`);
    const rows = await scoreRun({
      pairs: pairing.pairs,
      resultsFile,
      resume: options.resume ?? false,
      scorer: perImage.length > 0 ? scorerOptions : undefined,
      workers: options.workers ?? os.availableParallelism(),
      scoring: options.scoring,
      signal: options.signal,
      onProgress: options.onProgress,
    });
    const summary = summarizeRows(rows, protocol);
    if (wantFid && fidModels) {
      const byName = new Map(pairing.pairs.map((p) => [p.name, p.pred]));
      const value = await runFid(fidModels, rows.filter((r) => r.ok).map((r) => byName.get(r.name)!), options);
      summary.fid = { mean: value.fid, std: 0, n: value.n, dropped: 0, invalid: 0 };
    }
    const method = options.method ?? path.basename(path.resolve(options.pred));
    const files = await writeRunReports({ outDir: options.outDir, method, protocol, metrics, summary, rows, pairing, config, lqDir: options.lq, gridSize: options.gridSize ?? 12 });
    options.onProgress?.({ type: 'report', file: files.html });
    const failed = rows.filter((r) => !r.ok).length;
    const skipped = [...pairing.skipped.pred.map((s) => `pred/${s.name}`), ...pairing.skipped.gt.map((s) => `gt/${s.name}`)];
    const complete = failed === 0 && pairing.missing.length === 0 && pairing.extra.length === 0 && pairing.ambiguous.length === 0 && skipped.length === 0;
    return { method, protocol, summary, rows, failed, missing: pairing.missing, extra: pairing.extra, ambiguous: pairing.ambiguous, skipped, complete, files: { results: resultsFile, ...files } };
  } finally {
    await lock.release();
  }
}

async function assertFolder(dir: string, argument: string): Promise<void> {
  const info = await stat(dir).catch(() => undefined);
  if (!info) throw new DiffmacError('FOLDER_NOT_FOUND', `The ${argument} folder ${dir} does not exist`, { argument, expected: 'an existing folder', received: dir });
  if (!info.isDirectory()) throw new DiffmacError('NOT_A_FOLDER', `The ${argument} folder ${dir} is a file`, { argument, expected: 'a folder', received: 'a file' });
}

/** The typed error of a run that would score nothing, saying what each folder holds. */
function nothingToScore(options: EvaluateFoldersOptions, pairing: FolderPairing): DiffmacError {
  const some = (xs: readonly string[]) => (xs.length ? `: ${xs.slice(0, 5).join(', ')}${xs.length > 5 ? ', ...' : ''}` : '');
  const skippedOf = (s: FolderPairing['skipped']['pred']) => (s.length ? ` and ${s.length} entries that are not image files (${s.slice(0, 3).map((x) => `${x.name}: ${x.reason}`).join(', ')})` : '');
  const parts = [`${options.pred} holds ${pairing.found.pred} image(s)${skippedOf(pairing.skipped.pred)}`];
  if (options.gt !== undefined) {
    parts.push(`${options.gt} holds ${pairing.found.gt} image(s)${skippedOf(pairing.skipped.gt)}`);
    if (pairing.missing.length) parts.push(`${pairing.missing.length} ground-truth name(s) have no restored image${some(pairing.missing)}`);
    if (pairing.extra.length) parts.push(`${pairing.extra.length} restored name(s) have no ground truth${some(pairing.extra)}`);
  }
  if (pairing.ambiguous.length) parts.push(`${pairing.ambiguous.length} name(s) are present twice under different extensions${some(pairing.ambiguous)}`);
  return new DiffmacError('NOTHING_TO_SCORE', `Nothing to score: ${parts.join('; ')}. Images pair up by file name without extension.`, {
    argument: options.gt !== undefined ? 'pred, gt' : 'pred',
    expected: 'at least one restored image (with a ground truth of the same name)',
    received: `${pairing.found.pred} restored, ${pairing.found.gt} ground-truth image(s), 0 pairs`,
  });
}
