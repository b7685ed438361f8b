/** The embedded learned upsampler: ESRGAN-medium through the one inference seam, tiled. */
import { createSession, type ModelSession } from '../inference/session';
import type { ColorImage } from '@diffmac/base';
import { esrganOnnx, type EsrganScale } from './esrgan-models';
import { upsampleTiled, type TileProgress } from './upsample-tiled';

/** Options of {@link createEsrganUpsampler}. */
export interface EsrganUpsamplerOptions {
  /** 2, 3 or 4 (default 4). */
  readonly scale?: EsrganScale;
  /** Tile side in input pixels (default 128): the network's memory is that of one tile. */
  readonly tileSize?: number;
  /** Overlap between tiles in input pixels (default 16), cross-faded. */
  readonly overlap?: number;
  /** onnxruntime intra-op threads (default: onnxruntime's). */
  readonly threads?: number;
  readonly signal?: AbortSignal;
}

/** A loaded upsampler; {@link EsrganUpsampler.dispose} frees its session. */
export interface EsrganUpsampler {
  readonly scale: EsrganScale;
  /** Upsample an RGB(A) image; 8-bit out. */
  upsample(image: ColorImage, options?: { signal?: AbortSignal; onProgress?: (event: TileProgress) => void }): Promise<ColorImage<Uint8Array>>;
  dispose(): Promise<void>;
}

/**
 * Load the shipped ESRGAN-medium model for `scale` (converted from its TFJS files on load) and
 * return a tiled upsampler for images of any size.
 *
 * @example
 * const up = await createEsrganUpsampler({ scale: 4 });
 * const big = await up.upsample(await readImage('small.png', { channels: 'rgb' }), { onProgress: (e) => bar(e.done / e.total) });
 * await up.dispose();
 */
export async function createEsrganUpsampler(options: EsrganUpsamplerOptions = {}): Promise<EsrganUpsampler> {
  const scale = options.scale ?? 4;
  const bytes = await esrganOnnx(scale, options.signal ? { signal: options.signal } : {});
  const session: ModelSession = await createSession(bytes, {
    name: `esrgan-medium-x${scale}`,
    ...(options.threads !== undefined ? { threads: options.threads } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  const input = session.inputs[0]!.name;
  const output = session.outputs[0]!.name;
  return {
    scale,
    upsample: (image, run = {}) =>
      upsampleTiled(
        image,
        async (tile, h, w) => (await session.run({ [input]: { data: tile, shape: [1, 3, h, w] } }))[output]!.data as Float32Array,
        {
          scale,
          ...(options.tileSize !== undefined ? { tileSize: options.tileSize } : {}),
          ...(options.overlap !== undefined ? { overlap: options.overlap } : {}),
          ...(run.signal ? { signal: run.signal } : {}),
          ...(run.onProgress ? { onProgress: run.onProgress } : {}),
        },
      ),
    dispose: () => session.dispose(),
  };
}
