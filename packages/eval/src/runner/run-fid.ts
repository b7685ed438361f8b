import { type ColorImage } from '@diffmac/base';
import { readImage } from '@diffmac/core';
import { createFidExtractor, FeatureStatsAccumulator, fidAgainst, readFidStats } from '../fid/fid';
import { frechetDistance } from '../fid/frechet';
import type { EvaluateProgressEvent, EvaluateScoringBackend, FidModels } from './evaluate-options';

/**
 * FID of a set of restored images against reference statistics, streaming one image at a time
 * (or reading the features a scoring backend computed elsewhere).
 *
 * @example
 * const { fid, n } = await runFid({ model: 'pt_inception.onnx', reference: 'ffhq.npz' }, files, {});
 */
export async function runFid(
  models: FidModels,
  files: readonly string[],
  options: { signal?: AbortSignal | undefined; onProgress?: ((event: EvaluateProgressEvent) => void) | undefined; scoring?: EvaluateScoringBackend | undefined },
): Promise<{ fid: number; n: number }> {
  const features = options.scoring?.fidFeatures;
  if (features) {
    const reference = await readFidStats(models.reference);
    const acc = new FeatureStatsAccumulator(reference.mu.length);
    let done = 0;
    for await (const f of features.call(options.scoring, files, options.signal ? { signal: options.signal } : {})) {
      options.signal?.throwIfAborted();
      acc.update(f);
      done += 1;
      options.onProgress?.({ type: 'fid', done, total: files.length });
    }
    return { fid: frechetDistance(acc.compute(), reference), n: done };
  }
  const extractor = await createFidExtractor({ model: models.model });
  try {
    const reference = await readFidStats(models.reference);
    let done = 0;
    async function* images(): AsyncGenerator<ColorImage> {
      for (const f of files) {
        yield await readImage(f, { channels: 'rgb' });
        done += 1;
        options.onProgress?.({ type: 'fid', done, total: files.length });
      }
    }
    const fid = await fidAgainst(images(), reference, extractor, options.signal ? { signal: options.signal } : {});
    return { fid, n: files.length };
  } finally {
    await extractor.dispose();
  }
}
