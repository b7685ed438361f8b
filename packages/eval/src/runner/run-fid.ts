import { readImage, type ColorImage } from '@diffmac/core';
import { createFidExtractor, fidAgainst, readFidStats } from '../fid/fid';
import type { EvaluateProgressEvent, FidModels } from './evaluate-options';

/**
 * FID of a set of restored images against reference statistics, streaming one image at a time.
 *
 * @example
 * const { fid, n } = await runFid({ model: 'pt_inception.onnx', reference: 'ffhq.npz' }, files, {});
 */
export async function runFid(
  models: FidModels,
  files: readonly string[],
  options: { signal?: AbortSignal | undefined; onProgress?: ((event: EvaluateProgressEvent) => void) | undefined },
): Promise<{ fid: number; n: number }> {
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
