import { DiffmacError, describeValue } from '@diffmac/base';
import type { Tensor } from '../inference/types';
import { cropNchw } from './crop-pad';
import { assertFloat32, assertShape, formatShape } from './shape';
import { planTiles, tileWeights, type BlendRamp, type TileRect } from './tiling';

/** Progress of {@link runTiled}: one event after each finished tile. */
export interface TileProgressEvent {
  readonly type: 'tile';
  /** Tiles finished so far (1-based). */
  readonly tile: number;
  readonly tiles: number;
  readonly rect: TileRect;
}

/** Options of {@link runTiled}. Sizes are in grid cells; the grid is the input divided by `inputScale`. */
export interface RunTiledOptions {
  /** Largest tile, in grid cells. */
  tile: number | { width: number; height: number };
  /** Least overlap between neighbouring tiles, in grid cells (default 0). */
  overlap?: number;
  /** Input pixels per grid cell (default 1; 8 when an encoder's tiles are planned on the latent grid). */
  inputScale?: number;
  /** Output pixels per grid cell (default 1; 8 for a decoder on the latent grid). */
  outputScale?: number;
  /** Blending ramp across overlaps (default `cosine`). */
  ramp?: BlendRamp;
  signal?: AbortSignal;
  onProgress?: (event: TileProgressEvent) => void;
}

/**
 * Run `fn` on overlapping tiles of a planar float32 `[1, C, H, W]` tensor and blend the results
 * into one `[1, C', H·s, W·s]` tensor (s = outputScale / inputScale), weighting each tile with
 * {@link tileWeights} and normalising by the summed weights, so seams do not show. `fn` gets the
 * cropped input tile and must return `[1, C', h·s, w·s]`. The signal is checked before each tile.
 * With a single tile the result is `fn`'s output unchanged.
 *
 * @example
 * const out = await runTiled(latents, (t) => decode(t), { tile: 64, overlap: 16, outputScale: 8 });
 */
export async function runTiled(
  input: Tensor,
  fn: (tile: Tensor, rect: TileRect, index: number) => Promise<Tensor>,
  options: RunTiledOptions,
): Promise<Tensor> {
  const [, , height, width] = assertShape(input, [1, null, null, null], 'input') as [number, number, number, number];
  assertFloat32(input, 'input');
  const inS = options.inputScale ?? 1;
  const outS = options.outputScale ?? 1;
  for (const [name, v] of [['inputScale', inS], ['outputScale', outS]] as const) {
    if (!Number.isInteger(v) || v < 1) {
      throw new DiffmacError('INVALID_ARGUMENT', `Expected a positive integer for ${name}, received ${describeValue(v)}`, {
        argument: name,
        expected: 'a positive integer',
        received: describeValue(v),
      });
    }
  }
  if (width % inS !== 0 || height % inS !== 0) {
    throw new DiffmacError('TENSOR_SHAPE_MISMATCH', `Expected input height and width divisible by inputScale ${inS}, received ${formatShape(input.shape)}`, {
      argument: 'input',
      expected: `height and width divisible by ${inS}`,
      received: formatShape(input.shape),
    });
  }
  const plan = planTiles({ width: width / inS, height: height / inS }, options.tile, options.overlap ?? 0);
  const outW = plan.width * outS;
  const outH = plan.height * outS;
  const total = plan.tiles.length;
  let acc: Float32Array | undefined;
  let channels = 0;
  const weightSum = new Float32Array(outW * outH);
  for (const [index, rect] of plan.tiles.entries()) {
    options.signal?.throwIfAborted();
    const crop = total === 1 ? input : cropNchw(input, { x: rect.x * inS, y: rect.y * inS, width: rect.width * inS, height: rect.height * inS });
    const result = await fn(crop, rect, index);
    const tw = rect.width * outS;
    const th = rect.height * outS;
    const [, c] = assertShape(result, [1, index === 0 ? null : channels, th, tw], `tile ${index} output`) as [number, number];
    const data = assertFloat32(result, `tile ${index} output`);
    if (total === 1) {
      options.onProgress?.({ type: 'tile', tile: 1, tiles: 1, rect });
      return result;
    }
    if (acc === undefined) {
      channels = c;
      acc = new Float32Array(c * outW * outH);
    }
    const weights = tileWeights(plan, index, { ramp: options.ramp ?? 'cosine', scale: outS });
    const ox = rect.x * outS;
    const oy = rect.y * outS;
    for (let y = 0; y < th; y++) {
      const rowOut = (oy + y) * outW + ox;
      for (let x = 0; x < tw; x++) weightSum[rowOut + x]! += weights[y * tw + x]!;
      for (let k = 0; k < c; k++) {
        const base = k * outW * outH + rowOut;
        const src = (k * th + y) * tw;
        for (let x = 0; x < tw; x++) acc[base + x]! += data[src + x]! * weights[y * tw + x]!;
      }
    }
    options.onProgress?.({ type: 'tile', tile: index + 1, tiles: total, rect });
  }
  const out = acc!;
  const plane = outW * outH;
  for (let k = 0; k < channels; k++) for (let p = 0; p < plane; p++) out[k * plane + p]! /= weightSum[p]!;
  return { data: out, shape: [1, channels, outH, outW] };
}
