import { DiffmacError, describeValue } from '@diffmac/base';

/** One tile: a rectangle in the planned grid. */
export interface TileRect {
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** How {@link planTiles} covers an area: tiles in row-major order, `columns × rows` of them. */
export interface TilePlan {
  readonly width: number;
  readonly height: number;
  readonly columns: number;
  readonly rows: number;
  /** Left edge of each column and top edge of each row. */
  readonly xs: readonly number[];
  readonly ys: readonly number[];
  readonly tiles: readonly TileRect[];
}

/** Shape of the blending ramp across an overlap. Both ramps sum to 1 across a two-tile overlap. */
export type BlendRamp = 'linear' | 'cosine';

function positiveInt(name: string, value: unknown): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a positive integer for ${name}, received ${describeValue(value)}`, {
      argument: name,
      expected: 'a positive integer',
      received: describeValue(value),
    });
  }
  return value;
}

/** Start offsets of tiles of length `tile` covering `size` with at least `overlap` shared cells. */
function axisStarts(size: number, tile: number, overlap: number): number[] {
  if (size <= tile) return [0];
  const n = Math.ceil((size - overlap) / (tile - overlap));
  const stride = (size - tile) / (n - 1);
  return Array.from({ length: n }, (_, i) => Math.round(i * stride));
}

/**
 * Cover a `width × height` area with overlapping tiles of at most `tile` cells: the fewest tiles
 * with at least `overlap` cells shared between neighbours, spread evenly so the last tile ends
 * on the edge. An area no larger than a tile gets one tile of its own size.
 *
 * @example
 * const plan = planTiles({ width: 100, height: 64 }, 64, 16); // 2 columns × 1 row, xs [0, 36]
 */
export function planTiles(size: { width: number; height: number }, tile: number | { width: number; height: number }, overlap: number): TilePlan {
  const width = positiveInt('size.width', size?.width);
  const height = positiveInt('size.height', size?.height);
  const tw = positiveInt(typeof tile === 'number' ? 'tile' : 'tile.width', typeof tile === 'number' ? tile : tile?.width);
  const th = positiveInt(typeof tile === 'number' ? 'tile' : 'tile.height', typeof tile === 'number' ? tile : tile?.height);
  if (typeof overlap !== 'number' || !Number.isInteger(overlap) || overlap < 0 || overlap >= Math.min(tw, th)) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected an integer in [0, ${Math.min(tw, th)}) for overlap, received ${describeValue(overlap)}`, {
      argument: 'overlap',
      expected: `an integer in [0, ${Math.min(tw, th)})`,
      received: describeValue(overlap),
    });
  }
  const xs = axisStarts(width, tw, overlap);
  const ys = axisStarts(height, th, overlap);
  const cw = Math.min(tw, width);
  const ch = Math.min(th, height);
  const tiles: TileRect[] = [];
  for (const y of ys) for (const x of xs) tiles.push({ x, y, width: cw, height: ch });
  return { width, height, columns: xs.length, rows: ys.length, xs, ys, tiles };
}

function ramp(t: number, kind: BlendRamp): number {
  return kind === 'linear' ? t : 0.5 - 0.5 * Math.cos(Math.PI * t);
}

/** Weights along one axis for the tile starting at starts[i], at `scale` output cells per grid cell. */
function axisWeights(starts: readonly number[], i: number, length: number, scale: number, kind: BlendRamp): Float32Array {
  const n = Math.round(length * scale);
  const out = new Float32Array(n).fill(1);
  const start = starts[i]!;
  const prev = starts[i - 1];
  const next = starts[i + 1];
  const left = prev === undefined ? 0 : Math.round((prev + length - start) * scale);
  const right = next === undefined ? 0 : Math.round((start + length - next) * scale);
  for (let k = 0; k < n; k++) {
    let w = 1;
    if (k < left) w *= ramp((k + 0.5) / left, kind);
    if (k >= n - right) w *= ramp((n - k - 0.5) / right, kind);
    out[k] = w;
  }
  return out;
}

/**
 * Blending weights of tile `index` of `plan`, row-major `height × width` at `scale` output pixels
 * per grid cell (8 when tiles planned on a latent grid blend decoded pixels). Weights ramp from
 * near 0 to 1 across each overlap with a neighbour and are 1 elsewhere (also along the area's
 * border), so two overlapping tiles' weights sum to 1 and blended results are seamless.
 *
 * @example
 * const w = tileWeights(plan, 0, { ramp: 'cosine', scale: 8 });
 */
export function tileWeights(plan: TilePlan, index: number, options: { ramp?: BlendRamp; scale?: number } = {}): Float32Array {
  const tile = plan.tiles[index];
  if (tile === undefined) {
    throw new DiffmacError('INVALID_ARGUMENT', `Expected a tile index in [0, ${plan.tiles.length}) for index, received ${describeValue(index)}`, {
      argument: 'index',
      expected: `an integer in [0, ${plan.tiles.length})`,
      received: describeValue(index),
    });
  }
  const kind = options.ramp ?? 'cosine';
  const scale = options.scale ?? 1;
  const wx = axisWeights(plan.xs, index % plan.columns, tile.width, scale, kind);
  const wy = axisWeights(plan.ys, Math.floor(index / plan.columns), tile.height, scale, kind);
  const out = new Float32Array(wx.length * wy.length);
  for (let y = 0; y < wy.length; y++) for (let x = 0; x < wx.length; x++) out[y * wx.length + x] = wy[y]! * wx[x]!;
  return out;
}
