import { closeSync, fsyncSync, openSync, writeSync } from 'node:fs';
import { mkdir, readdir, realpath } from 'node:fs/promises';
import path from 'node:path';
import { createRng, DiffmacError, type ColorImage } from '@diffmac/base';
import { readImage, writeFailureReason, writeImage } from '@diffmac/core';
import { degradeImage, type JpegRoundTrip } from './degrade-image';
import { scanImageFolder } from '../image/scan-image-folder';
import { realpathNearest } from '../runner/output-folder';
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
  /** Replace an earlier set in the output folder (without it, a folder holding a manifest or any of the LQ names is refused). */
  force?: boolean;
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
 * preset, written as `<out>/<name>.png` (each atomically), and every drawn parameter appended to
 * `<out>/manifest.jsonl` as each image is done, so a stopped run's manifest lists every image it
 * wrote. Symbolic links are followed. Unreadable files are reported in `failures` (and in the
 * manifest) and the rest go on, never skipped silently. Checked before anything is written: an
 * HQ folder with no images (`NOTHING_TO_DEGRADE`), the HQ folder as output (`OUTPUT_IS_INPUT`),
 * two sources with one output name (`DUPLICATE_NAME`), and an earlier set in the output folder
 * (`OUTPUT_EXISTS`, unless `force`).
 *
 * @example
 * const { records, failures } = await degradeFolder('celeba/hq', 'celeba/lq', { preset: 'gfpgan', seed: 0 });
 */
export async function degradeFolder(hqDir: string, outDir: string, options: DegradeFolderOptions = {}): Promise<DegradeFolderResult> {
  const preset = options.preset ?? 'gfpgan';
  degradationPreset(preset);
  const seed = options.seed ?? 0;
  const scan = await scanImageFolder(hqDir);
  const sources = scan.images;
  if (sources.length === 0) {
    const other = scan.skipped.length ? ` (it holds ${scan.skipped.map((x) => `${x.name}: ${x.reason}`).slice(0, 5).join(', ')})` : '';
    throw new DiffmacError('NOTHING_TO_DEGRADE', `The HQ folder ${hqDir} holds no image files${other}; expected ${['.png', '.jpg', '.webp', '...'].join(', ')}`, {
      argument: 'hqDir',
      expected: 'a folder with at least one image',
      received: `0 images${scan.skipped.length ? `, ${scan.skipped.length} other entries` : ''}`,
    });
  }
  if ((await realpathNearest(outDir)) === (await realpath(hqDir))) {
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
  const manifestPath = path.join(outDir, 'manifest.jsonl');
  const existing = new Set(await readdir(outDir).catch(() => [] as string[]));
  const clash = existing.has('manifest.jsonl') ? 'manifest.jsonl' : sources.map((s) => `${path.parse(s).name}.png`).find((o) => existing.has(o));
  if (clash !== undefined && !options.force) {
    throw new DiffmacError('OUTPUT_EXISTS', `${outDir} already holds ${clash} (an earlier set?): pass force (--force) to replace it, or choose another output folder`, {
      argument: 'outDir',
      expected: 'a folder without an earlier set',
      received: `a folder with ${clash}`,
    });
  }
  await mkdir(outDir, { recursive: true });
  // One write per line, flushed: a stopped run leaves whole lines for every image written.
  let manifest: number;
  try {
    manifest = openSync(manifestPath, 'w');
  } catch (cause) {
    throw new DiffmacError('FILE_WRITE_FAILED', `Cannot write ${manifestPath}: ${writeFailureReason((cause as { code?: string }).code, outDir, cause)}`, { argument: 'outDir', expected: 'a writable folder', received: outDir, cause });
  }
  const note = (line: object) => {
    writeSync(manifest, `${JSON.stringify(line)}\n`);
    fsyncSync(manifest);
  };

  const records: DegradationRecord[] = [];
  const failures: DegradationFailure[] = [];
  options.onProgress?.({ type: 'start', total: sources.length });
  try {
    for (const [index, source] of sources.entries()) {
      options.signal?.throwIfAborted();
      const output = `${path.parse(source).name}.png`;
      try {
        const hq = await readImage(path.join(hqDir, source), { channels: 'rgb' });
        const { image, params } = await degradeOne(hq, { source, index, seed, preset, ...(options.jpeg ? { jpeg: options.jpeg } : {}) });
        await writeImage(path.join(outDir, output), image);
        const record: DegradationRecord = { source, output, index, seed, width: hq.width, height: hq.height, ...params };
        note(record);
        records.push(record);
        options.onProgress?.({ type: 'image', index, total: sources.length, source, ok: true });
      } catch (error) {
        if (options.signal?.aborted) throw error;
        const e = error as { code?: string; message?: string };
        const failure = { source, code: e.code ?? 'DEGRADE_FAILED', message: e.message ?? String(error) };
        note({ ...failure, failed: true });
        failures.push(failure);
        options.onProgress?.({ type: 'image', index, total: sources.length, source, ok: false });
      }
    }
  } finally {
    closeSync(manifest);
  }
  options.onProgress?.({ type: 'done', written: records.length, failed: failures.length });
  return { records, failures, manifestPath };
}
