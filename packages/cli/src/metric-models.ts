import path from 'node:path';
import { readLpipsWeights, type NiqeParams } from '@diffmac/eval';
import { readJsonOption } from './read-json-option';
import { UsageError } from './usage-error';

/** The command-line options that point metrics at their weights or parameters. */
export const metricModelOptions = {
  'niqe-params': { type: 'string' },
  'lpips-trunk': { type: 'string' },
  'lpips-weights': { type: 'string' },
  'fid-model': { type: 'string' },
  'fid-stats': { type: 'string' },
  'identity-model': { type: 'string' },
} as const;

/** Help lines for {@link metricModelOptions}. */
export const metricModelUsage = `  --niqe-params <json>  NIQE pristine parameters { mu, cov, gaussianWindow } (or BasicSR's
                        mu_pris_param, cov_pris_param, gaussian_window) as JSON: enables niqe
  --lpips-trunk <onnx>  LPIPS trunk (RGB in [-1,1], five taps out) and
  --lpips-weights <file> its five linear weights: the lpips package's .pth (weights/v0.1/alex.pth), or JSON: enable lpips
  --fid-model <onnx>    Inception (pytorch-fid contract: [N,3,S,S] RGB in [0,1] in, [N,D] out;
                        diffmac convert inception-fid makes one) and
  --fid-stats <file>    reference statistics (.npz with mu and sigma, BasicSR's .pth with mean
                        and cov, or JSON): enable fid
  --identity-model <onnx> ArcFace for idcos/deg instead of the embedded 128-D net: the BFR papers'
                        grey ResNet-18 [N,1,128,128] or an insightface export [N,3,112,112]`;

/** What metrics need beyond images, read from the files the options name. */
export interface MetricModels {
  niqeParams?: NiqeParams;
  lpips?: { trunk: string; linearWeights: Float32Array[] };
  fid?: { model: string; reference: string };
  /** idcos/deg's ArcFace ONNX file (grey 128 or insightface 112, told apart by its signature). */
  identityModel?: string;
}

/**
 * Read the NIQE parameters and LPIPS weights the options point at (paths relative to `cwd`).
 *
 * @example
 * const models = await readMetricModels(values, io.cwd); // { niqeParams?, lpips?, fid? }
 */
export async function readMetricModels(
  values: { 'niqe-params'?: string; 'lpips-trunk'?: string; 'lpips-weights'?: string; 'fid-model'?: string; 'fid-stats'?: string; 'identity-model'?: string },
  cwd: string,
): Promise<MetricModels> {
  if (Boolean(values['lpips-trunk']) !== Boolean(values['lpips-weights'])) throw new UsageError('--lpips-trunk and --lpips-weights go together');
  if (Boolean(values['fid-model']) !== Boolean(values['fid-stats'])) throw new UsageError('--fid-model and --fid-stats go together');
  const resolve = (p: string) => path.resolve(cwd, p);
  const models: MetricModels = {};
  if (values['niqe-params']) {
    const parsed = await readJsonOption('--niqe-params', values['niqe-params'], cwd);
    const raw = (parsed !== null && typeof parsed === 'object' ? parsed : {}) as Record<string, number[] | number[][] | undefined>;
    const mu = raw.mu ?? raw.mu_pris_param;
    const cov = raw.cov ?? raw.cov_pris_param;
    const window = raw.gaussianWindow ?? raw.gaussian_window;
    if (!mu || !cov || !window) throw new UsageError("--niqe-params must hold mu, cov and gaussianWindow (or BasicSR's mu_pris_param, cov_pris_param, gaussian_window)");
    const flat = (x: number[] | number[][]) => Float64Array.from((x as unknown[]).flat(2) as number[]);
    models.niqeParams = { mu: flat(mu), cov: flat(cov), gaussianWindow: flat(window) };
  }
  if (values['lpips-trunk'] && values['lpips-weights']) {
    // The lpips package's .pth (lin0..lin4.model.1.weight), or JSON: five vectors, or { lin_weights }.
    models.lpips = { trunk: resolve(values['lpips-trunk']), linearWeights: await readLpipsWeights(resolve(values['lpips-weights'])) };
  }
  if (values['fid-model'] && values['fid-stats']) models.fid = { model: resolve(values['fid-model']), reference: resolve(values['fid-stats']) };
  if (values['identity-model']) models.identityModel = resolve(values['identity-model']);
  return models;
}
