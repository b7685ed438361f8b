import { createEsrganUpsampler, type EsrganScale, type EsrganUpsampler } from '@diffmac/core';
import type { BackgroundUpsampler } from '@diffmac/face-align';

/** The background upsamplers `diffmac restore --bg-upsampler` takes. */
export const backgroundUpsamplers = ['esrgan'] as const;

/** A loaded background upsampler for `restore`; call {@link LoadedBackgroundUpsampler.dispose} when done. */
export interface LoadedBackgroundUpsampler {
  /** The factor the model upsamples by (the paste-back then resizes to `--upscale` with Lanczos, as GFPGAN does). */
  readonly scale: EsrganScale;
  /** face-align's hook: the whole photo upsampled, before the faces are pasted back. */
  readonly upsample: BackgroundUpsampler;
  dispose(): Promise<void>;
}

/**
 * The ESRGAN model for an `--upscale` factor: the shipped scale at or above it (2, 3 or 4), as
 * GFPGAN runs Real-ESRGAN ×2 and resizes to `--upscale`.
 *
 * @example
 * esrganScaleFor(2.5); // 3
 */
function esrganScaleFor(upscale: number): EsrganScale {
  return Math.min(4, Math.max(2, Math.ceil(upscale))) as EsrganScale;
}

/**
 * Load the embedded ESRGAN as `restore`'s background upsampler for `upscale`.
 *
 * @example
 * const bg = await loadBackgroundUpsampler(2, { signal });
 * await restoreFaces(photo, { ..., upscale: 2, upsampler: bg.upsample });
 */
export async function loadBackgroundUpsampler(upscale: number, options: { signal?: AbortSignal; onTile?: (done: number, total: number) => void } = {}): Promise<LoadedBackgroundUpsampler> {
  const scale = esrganScaleFor(upscale);
  const model: EsrganUpsampler = await createEsrganUpsampler({ scale, ...(options.signal ? { signal: options.signal } : {}) });
  return {
    scale,
    upsample: (photo, _upscale, ctx) =>
      model.upsample(photo, {
        ...(ctx.signal ? { signal: ctx.signal } : {}),
        ...(options.onTile ? { onProgress: (e: { done: number; total: number }) => options.onTile!(e.done, e.total) } : {}),
      }),
    dispose: () => model.dispose(),
  };
}
