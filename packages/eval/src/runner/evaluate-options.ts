import { DiffmacError, describeValue, invalidArgument } from '@diffmac/base';
import { getProtocol, type ProtocolName } from '../protocols/protocols';
import type { PairScorerOptions } from './pair-scorer';
import type { ResultRow } from './results-log';

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
  models?: Pick<PairScorerOptions, 'niqeParams' | 'lpips' | 'identityModel'> & { fid?: FidModels };
  /** Worker threads (0 = this thread). Default: the number of cores. */
  workers?: number;
  /** Continue a run that stopped, keeping the rows already in `results.jsonl` whose images did not change. */
  resume?: boolean;
  /** Replace the results of an earlier run in `outDir` (without it, or `resume`, such a folder is refused). */
  force?: boolean;
  /** Name of the method in tables (default: the pred folder's name). */
  method?: string;
  /** Images shown in the HTML grid (default 12, spread over the set). */
  gridSize?: number;
  /**
   * Score somewhere else (distributed workers, for example): replaces the local worker-thread
   * scoring and, for FID, the local Inception pass. Rows and features come back here, and the
   * summary and reports are written by this runner as for a local run.
   */
  scoring?: EvaluateScoringBackend;
  signal?: AbortSignal;
  onProgress?: (event: EvaluateProgressEvent) => void;
}

/** A scoring backend for {@link EvaluateFoldersOptions.scoring}. */
export interface EvaluateScoringBackend {
  /** Score `jobs` with `scorer` and hand each finished row to `onRow` (in any order). */
  scorePairs(jobs: readonly { name: string; pred: string; gt?: string }[], scorer: PairScorerOptions, options: { onRow: (row: ResultRow) => void; signal?: AbortSignal }): Promise<unknown>;
  /** The Inception features of `files`, one vector per image, for FID. */
  fidFeatures?(files: readonly string[], options: { signal?: AbortSignal }): AsyncIterable<Float32Array>;
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

const KNOWN = new Set(['pred', 'gt', 'lq', 'outDir', 'metrics', 'protocol', 'cropBorder', 'models', 'workers', 'resume', 'force', 'method', 'gridSize', 'scoring', 'signal', 'onProgress']);

/**
 * Check every option of {@link evaluateFolders} before anything is read or created: each wrong
 * value is a typed error naming the option, what it accepts and what arrived (so
 * `{ workers: 1.5 }` fails at once instead of never settling).
 *
 * @example
 * validateEvaluateOptions({ pred: 'restored', gt: 'hq', outDir: 'eval', metrics: ['psnr'] });
 */
export function validateEvaluateOptions(options: unknown): asserts options is EvaluateFoldersOptions {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) invalidArgument('options', 'an options object { pred, outDir, metrics, ... }', options);
  const o = options as Record<string, unknown>;
  for (const key of Object.keys(o)) {
    if (!KNOWN.has(key) && o[key] !== undefined) {
      throw new DiffmacError('UNKNOWN_OPTION', `Unknown option ${JSON.stringify(key)} of evaluateFolders; valid: ${[...KNOWN].join(', ')}`, { argument: key, expected: [...KNOWN].join(', '), received: JSON.stringify(key) });
    }
  }
  const folder = (key: string, required: boolean) => {
    const v = o[key];
    if (v === undefined && !required) return;
    if (typeof v !== 'string' || v === '') invalidArgument(key, 'a folder path (non-empty string)', v, v === undefined ? 'MISSING_OPTION' : 'INVALID_ARGUMENT');
  };
  folder('pred', true);
  folder('gt', false);
  folder('lq', false);
  folder('outDir', true);
  if (!Array.isArray(o.metrics) || o.metrics.some((m) => typeof m !== 'string')) invalidArgument('metrics', 'an array of metric names', o.metrics, o.metrics === undefined ? 'MISSING_OPTION' : 'INVALID_ARGUMENT');
  if (o.protocol !== undefined) getProtocol(o.protocol as string);
  const integer = (key: string, lo: number, hi: number) => {
    const v = o[key];
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= lo && v <= hi)) invalidArgument(key, `an integer in [${lo}, ${hi}]`, v);
  };
  integer('cropBorder', 0, 65535);
  integer('workers', 0, 1024);
  integer('gridSize', 0, 10000);
  for (const key of ['resume', 'force']) if (o[key] !== undefined && typeof o[key] !== 'boolean') invalidArgument(key, 'true or false', o[key]);
  if (o.resume === true && o.force === true) {
    throw new DiffmacError('CONFLICTING_OPTIONS', 'resume continues the run in outDir and force replaces it: choose one', { argument: 'resume', expected: 'resume or force, not both', received: 'both' });
  }
  if (o.method !== undefined && (typeof o.method !== 'string' || o.method.trim() === '')) invalidArgument('method', 'a non-empty name', o.method);
  if (o.models !== undefined && (o.models === null || typeof o.models !== 'object')) invalidArgument('models', 'an object { niqeParams?, lpips?, fid? }', o.models);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) invalidArgument('signal', 'an AbortSignal', o.signal);
  if (o.onProgress !== undefined && typeof o.onProgress !== 'function') invalidArgument('onProgress', 'a function', o.onProgress);
  if (o.scoring !== undefined && (o.scoring === null || typeof (o.scoring as { scorePairs?: unknown }).scorePairs !== 'function')) invalidArgument('scoring', 'a backend { scorePairs, fidFeatures? }', o.scoring);
  const fid = (o.models as { fid?: unknown } | undefined)?.fid;
  if (fid !== undefined) {
    const f = fid as Partial<FidModels> | null;
    if (f === null || typeof f !== 'object' || typeof f.model !== 'string' || typeof f.reference !== 'string') {
      throw new DiffmacError('INVALID_ARGUMENT', `Expected models.fid to be { model, reference } file paths, received ${describeValue(fid)}`, { argument: 'models.fid', expected: '{ model, reference }', received: describeValue(fid) });
    }
  }
}
