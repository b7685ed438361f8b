import { mkdir, realpath, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { createRng, DiffmacError, readImage, writeImage, type ColorImage } from '@diffmac/core';
import { degradeImage, type JpegRoundTrip } from './degrade-image';
import { listImages } from '../image/scan-image-folder';
import { degradationPreset, type DegradationParams, type DegradationPresetName } from './presets';

/** One line of `manifest.jsonl`: everything needed to regenerate that image alone. */
export interface DegradationRecord extends DegradationParams {
  /** HQ file name (in the HQ folder). */
  source: string;
  /** LQ file name written in the output folder. */
  output: string;
  /** Position of the file in name order (the DifFace grid uses it). */
  index: number;
  /** Run seed; the image's stream is `createRng(seed).fork(source)`. */
  seed: number;
  width: number;
  height: number;
}

/** A file that could not be degraded, with the reason. */
export interface DegradationFailure {
  source: string;
  code: string;
  message: string;
}

/** Progress of {@link degradeFolder}. */
export type DegradeProgressEvent =
  | { type: 'start'; total: number }
  | { type: 'image'; index: number; total: number; source: string; ok: boolean }
  | { type: 'done'; written: number; failed: number };

/** Options of {@link degradeFolder}. */
export interface DegradeFolderOptions {
  preset?: DegradationPresetName;
  seed?: number;
  signal?: AbortSignal;
  onProgress?: (event: DegradeProgressEvent) => void;
  /** JPEG codec (default: sharp). */
  jpeg?: JpegRoundTrip;
}

/** What {@link degradeFolder} did. */
export interface DegradeFolderResult {
  records: DegradationRecord[];
  failures: DegradationFailure[];
  manifestPath: string;
}

/**
 * Draw the parameters of image `source` (at position `index`) and degrade it: the same stream
 * whether it is made with the whole folder or alone.
 *
 * @example
 * const { image, params } = await degradeOne(hq, { source: '00001.png', index: 0, seed: 0, preset: 'gfpgan' });
 */
export async function degradeOne(
  hq: ColorImage<Uint8Array>,
  at: { source: string; index: number; seed: number; preset: DegradationPresetName; jpeg?: JpegRoundTrip },
): Promise<{ image: ColorImage<Uint8Array>; params: DegradationParams }> {
  const rng = createRng(at.seed).fork(at.source);
  const params = degradationPreset(at.preset).draw(rng, at.index);
  const image = await degradeImage(hq, params, at.jpeg ? { noise: rng, jpeg: at.jpeg } : { noise: rng });
  return { image, params };
}

/**
 * Make a CelebA-Test-style LQ set from a folder of HQ faces: every image degraded with a seeded
 * preset, written as `<out>/<name>.png`, and every drawn parameter written to `<out>/manifest.jsonl`
 * (atomically, when the run ends). Unreadable files are reported in `failures`, never skipped
 * silently. Refuses to write into the HQ folder.
 *
 * @example
 * const { records, failures } = await degradeFolder('celeba/hq', 'celeba/lq', { preset: 'gfpgan', seed: 0 });
 */
export async function degradeFolder(hqDir: string, outDir: string, options: DegradeFolderOptions = {}): Promise<DegradeFolderResult> {
  const preset = options.preset ?? 'gfpgan';
  degradationPreset(preset);
  const seed = options.seed ?? 0;
  const sources = await listImages(hqDir);
  await mkdir(outDir, { recursive: true });
  if ((await realpath(outDir)) === (await realpath(hqDir))) {
    throw new DiffmacError('OUTPUT_IS_INPUT', `Refusing to write LQ images into the HQ folder ${hqDir}: choose another output folder`, {
      argument: 'outDir',
      expected: 'a folder other than the HQ folder',
      received: outDir,
    });
  }
  const stems = new Map<string, string>();
  for (const s of sources) {
    const stem = path.parse(s).name;
    const clash = stems.get(stem);
    if (clash) throw new DiffmacError('DUPLICATE_NAME', `${clash} and ${s} would both be written as ${stem}.png`, { argument: 'hqDir' });
    stems.set(stem, s);
  }

  const records: DegradationRecord[] = [];
  const failures: DegradationFailure[] = [];
  options.onProgress?.({ type: 'start', total: sources.length });
  for (const [index, source] of sources.entries()) {
    options.signal?.throwIfAborted();
    const output = `${path.parse(source).name}.png`;
    try {
      const hq = (await readImage(path.join(hqDir, source), { channels: 'rgb' })) as ColorImage<Uint8Array>;
      const { image, params } = await degradeOne(hq, { source, index, seed, preset, ...(options.jpeg ? { jpeg: options.jpeg } : {}) });
      await writeImage(path.join(outDir, output), image);
      records.push({ source, output, index, seed, width: hq.width, height: hq.height, ...params });
      options.onProgress?.({ type: 'image', index, total: sources.length, source, ok: true });
    } catch (error) {
      if (options.signal?.aborted) throw error;
      const e = error as { code?: string; message?: string };
      failures.push({ source, code: e.code ?? 'DEGRADE_FAILED', message: e.message ?? String(error) });
      options.onProgress?.({ type: 'image', index, total: sources.length, source, ok: false });
    }
  }

  const manifestPath = path.join(outDir, 'manifest.jsonl');
  const lines = [...records.map((r) => JSON.stringify(r)), ...failures.map((f) => JSON.stringify({ ...f, failed: true }))];
  const tmp = `${manifestPath}.${process.pid}.tmp`;
  try {
    await writeFile(tmp, lines.length ? `${lines.join('\n')}\n` : '');
    await rename(tmp, manifestPath);
  } catch (error) {
    await rm(tmp, { force: true });
    throw error;
  }
  options.onProgress?.({ type: 'done', written: records.length, failed: failures.length });
  return { records, failures, manifestPath };
}
