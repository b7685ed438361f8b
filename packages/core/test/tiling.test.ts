import { describe, expect, it } from 'vitest';
import { DiffmacError, planTiles, runTiled, tileWeights, type Tensor, type TileProgressEvent } from '@diffmac/core';

function coverage(plan: ReturnType<typeof planTiles>): Int32Array {
  const count = new Int32Array(plan.width * plan.height);
  for (const t of plan.tiles) for (let y = t.y; y < t.y + t.height; y++) for (let x = t.x; x < t.x + t.width; x++) count[y * plan.width + x]!++;
  return count;
}

describe('planTiles', () => {
  it('covers the area with the fewest evenly spread tiles and at least the overlap', () => {
    for (const [size, tile, overlap] of [[100, 64, 16], [64, 64, 16], [65, 64, 16], [200, 32, 8], [513, 64, 0], [37, 8, 7]] as const) {
      const plan = planTiles({ width: size, height: 20 }, { width: tile, height: 64 }, overlap);
      expect(coverage(plan).every((c) => c >= 1)).toBe(true);
      const xs = plan.xs;
      expect(xs[0]).toBe(0);
      expect(xs[xs.length - 1]! + plan.tiles[0]!.width).toBe(size);
      for (let i = 1; i < xs.length; i++) expect(xs[i - 1]! + tile - xs[i]!).toBeGreaterThanOrEqual(overlap);
      // fewest: one tile fewer could not keep the overlap
      const n = xs.length;
      expect((n - 1) * (tile - overlap) + tile).toBeGreaterThanOrEqual(size);
      if (n > 1) expect((n - 2) * (tile - overlap) + tile).toBeLessThan(size);
      expect(plan.rows).toBe(1);
    }
  });

  it('gives one tile of the area’s own size when it fits', () => {
    const plan = planTiles({ width: 30, height: 10 }, 64, 16);
    expect(plan.tiles).toEqual([{ x: 0, y: 0, width: 30, height: 10 }]);
  });

  it('refuses bad arguments with typed errors', () => {
    expect(() => planTiles({ width: 10, height: 10 }, 8, 8)).toThrow(DiffmacError);
    expect(() => planTiles({ width: 0, height: 10 }, 8, 2)).toThrow(/size.width/);
    expect(() => planTiles({ width: 10, height: 10 }, 2.5, 0)).toThrow(/tile/);
  });
});

describe('tileWeights', () => {
  for (const ramp of ['linear', 'cosine'] as const) {
    it(`${ramp} weights sum to 1 across every overlap (partition of unity)`, () => {
      const plan = planTiles({ width: 50, height: 41 }, 16, 5);
      for (const scale of [1, 4]) {
        const W = plan.width * scale;
        const sum = new Float64Array(W * plan.height * scale);
        plan.tiles.forEach((t, i) => {
          const w = tileWeights(plan, i, { ramp, scale });
          const tw = t.width * scale;
          expect(w.length).toBe(tw * t.height * scale);
          for (let y = 0; y < t.height * scale; y++) for (let x = 0; x < tw; x++) sum[(t.y * scale + y) * W + t.x * scale + x]! += w[y * tw + x]!;
        });
        expect(sum.reduce((m, s) => Math.max(m, Math.abs(s - 1)), 0)).toBeLessThan(1e-6);
      }
    });
  }

  it('is 1 on the area border and ramps only towards neighbours', () => {
    const plan = planTiles({ width: 24, height: 8 }, 16, 8);
    const w0 = tileWeights(plan, 0, { ramp: 'linear' });
    expect(w0[0]).toBe(1);
    expect(w0[15]).toBeLessThan(0.1);
    const w1 = tileWeights(plan, 1, { ramp: 'linear' });
    expect(w1[0]).toBeLessThan(0.1);
    expect(w1[15]).toBe(1);
  });
});

describe('runTiled', () => {
  const H = 13;
  const W = 29;
  const input: Tensor = { data: Float32Array.from({ length: 2 * H * W }, (_, i) => Math.sin(i * 0.37) + (i % 7)), shape: [1, 2, H, W] };

  it('reproduces a pointwise function exactly, with an upscale, across seams', async () => {
    // fn: nearest-neighbour upscale ×2 of (a + 2b, a - b): depends only on the pixel, so tiling must not show
    const fn = async (t: Tensor): Promise<Tensor> => {
      const [, , h, w] = t.shape as number[];
      const d = t.data as Float32Array;
      const out = new Float32Array(2 * 4 * h! * w!);
      for (let y = 0; y < 2 * h!; y++) for (let x = 0; x < 2 * w!; x++) {
        const p = (y >> 1) * w! + (x >> 1);
        const a = d[p]!;
        const b = d[h! * w! + p]!;
        out[y * 2 * w! + x] = a + 2 * b;
        out[4 * h! * w! + y * 2 * w! + x] = a - b;
      }
      return { data: out, shape: [1, 2, 2 * h!, 2 * w!] };
    };
    const whole = await fn(input);
    const events: TileProgressEvent[] = [];
    const tiled = await runTiled(input, fn, { tile: 8, overlap: 3, outputScale: 2, onProgress: (e) => events.push(e) });
    expect(tiled.shape).toEqual([1, 2, 2 * H, 2 * W]);
    const a = whole.data as Float32Array;
    const b = tiled.data as Float32Array;
    let maxErr = 0;
    for (let i = 0; i < a.length; i++) maxErr = Math.max(maxErr, Math.abs(a[i]! - b[i]!));
    expect(maxErr).toBeLessThan(1e-5);
    const plan = events.length;
    expect(plan).toBeGreaterThan(4);
    expect(events.map((e) => e.tile)).toEqual(Array.from({ length: plan }, (_, i) => i + 1));
  });

  it('blends differing tiles smoothly (no jump larger than the tile offset) and handles inputScale', async () => {
    // Each tile adds its own constant: the blend must pass from one to the next gradually.
    let call = 0;
    const fn = async (t: Tensor): Promise<Tensor> => {
      const [, , h, w] = t.shape as number[];
      const k = call++;
      return { data: new Float32Array((h! / 2) * (w! / 2)).fill(k * 10), shape: [1, 1, h! / 2, w! / 2] };
    };
    const ramp: Tensor = { data: new Float32Array(1 * 8 * 64), shape: [1, 1, 8, 64] };
    const out = await runTiled(ramp, fn, { tile: 16, overlap: 8, inputScale: 2, ramp: 'cosine' });
    expect(out.shape).toEqual([1, 1, 4, 32]);
    const row = Array.from((out.data as Float32Array).subarray(0, 32));
    for (let i = 1; i < row.length; i++) {
      expect(row[i]!).toBeGreaterThanOrEqual(row[i - 1]! - 1e-4);
      expect(row[i]! - row[i - 1]!).toBeLessThan(4);
    }
    expect(row[0]).toBe(0);
    expect(row[31]).toBeCloseTo((call - 1) * 10, 4);
  });

  it('checks tile outputs, honours the signal, and refuses indivisible sizes', async () => {
    const bad = async (): Promise<Tensor> => ({ data: new Float32Array(4), shape: [1, 1, 2, 2] });
    await expect(runTiled(input, bad, { tile: 8, overlap: 2 })).rejects.toMatchObject({ code: 'TENSOR_SHAPE_MISMATCH' });
    const controller = new AbortController();
    let calls = 0;
    const id = async (t: Tensor): Promise<Tensor> => {
      calls++;
      controller.abort();
      return t;
    };
    await expect(runTiled(input, id, { tile: 8, overlap: 2, signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
    expect(calls).toBe(1);
    await expect(runTiled(input, id, { tile: 8, inputScale: 2 })).rejects.toMatchObject({ code: 'TENSOR_SHAPE_MISMATCH' });
  });
});
