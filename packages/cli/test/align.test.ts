import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readImage } from '@diffmac/core';
import { cli } from './helpers';
import { goldenUrl } from '../../../scripts/golden.mjs';

const alignDir = fileURLToPath(goldenUrl('align'));
const expected = JSON.parse(await readFile(path.join(alignDir, 'expected.json'), 'utf8')) as {
  cases: { id: string; input: string; faces: { landmarks: number[][]; aligned_crop: string; affine_matrix: number[][] }[] }[];
};

describe('diffmac align', () => {
  it('with --landmarks writes the facexlib crops and a JSON of matrices', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'diffmac-align-'));
    const c = expected.cases.find((k) => k.id === 'A2')!;
    const lm = path.join(dir, 'lm.json');
    await writeFile(lm, JSON.stringify({ [path.basename(c.input)]: c.faces.map((f) => f.landmarks) }));
    const out = path.join(dir, 'out');
    const r = await cli(['align', path.join(alignDir, c.input), '-o', out, '--landmarks', lm, '--json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { photos: { faces: { file: string; matrix: number[]; inverse: number[]; landmarks5: number[][] }[] }[] };
    expect(json.photos[0]!.faces).toHaveLength(2);
    for (const [i, f] of json.photos[0]!.faces.entries()) {
      const want = c.faces[i]!;
      expect(Math.abs(f.matrix[0]! - want.affine_matrix[0]![0]!)).toBeLessThan(1e-6);
      expect(Math.abs(f.matrix[5]! - want.affine_matrix[1]![2]!)).toBeLessThan(1e-3);
      const crop = await readImage(f.file);
      const gold = await readImage(path.join(alignDir, want.aligned_crop));
      let maxDiff = 0;
      for (let k = 0; k < crop.data.length; k++) maxDiff = Math.max(maxDiff, Math.abs(crop.data[k]! - gold.data[k]!));
      expect(maxDiff).toBeLessThanOrEqual(2);
    }
    const onDisk = JSON.parse(await readFile(path.join(out, 'align.json'), 'utf8'));
    expect(onDisk.photos[0].faces[1].landmarks5).toEqual(c.faces[1]!.landmarks);
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['align'])).code).toBe(2);
    expect((await cli(['align', 'x.png'])).code).toBe(2);
    expect((await cli(['align', 'x.png', '-o', 'o', '--size', 'big'])).code).toBe(2);
    expect((await cli(['align', 'x.png', '-o', 'o', '--border', 'wrap'])).code).toBe(2);
  });

  it('with the embedded detector finds the golden faces near their landmarks', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'diffmac-align-'));
    const c = expected.cases.find((k) => k.id === 'A1')!;
    const r = await cli(['align', path.join(alignDir, c.input), '-o', dir, '--size', '128', '--json']);
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout) as { photos: { faces: { landmarks5: number[][] }[] }[] };
    const faces = json.photos[0]!.faces;
    expect(faces.length).toBeGreaterThanOrEqual(1);
    const want = c.faces[0]!.landmarks;
    const best = Math.min(...faces.map((f) => Math.max(...f.landmarks5.map((p, i) => Math.hypot(p[0]! - want[i]![0]!, p[1]! - want[i]![1]!)))));
    // the golden landmarks were placed by hand: allow a fifth of the eye distance
    const eyes = Math.hypot(want[0]![0]! - want[1]![0]!, want[0]![1]! - want[1]![1]!);
    expect(best).toBeLessThan(0.2 * eyes);
  }, 120_000);

  it('with --overlay writes the photo with each face drawn on it', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'diffmac-align-overlay-'));
    const c = expected.cases.find((k) => k.id === 'A1')!;
    const input = path.join(alignDir, c.input);
    const r = await cli(['align', input, '-o', dir, '--size', '128', '--overlay', '--json', '--quiet']);
    expect(r.code).toBe(0);
    const photo = JSON.parse(r.stdout).photos[0] as { overlay: string; faces: { box: number[] }[] };
    expect(photo.overlay).toBe(path.join(dir, `${path.parse(c.input).name}_overlay.png`));
    const drawn = await readImage(photo.overlay, { channels: 'rgb', depth: 8 });
    const original = await readImage(input, { channels: 'rgb', depth: 8 });
    expect([drawn.width, drawn.height]).toEqual([original.width, original.height]);
    // The box's top edge is drawn in green; away from the faces the photo is unchanged.
    const [x1, y1, x2] = photo.faces[0]!.box.map(Math.round) as [number, number, number];
    const at = (img: typeof drawn, x: number, y: number) => Array.from(img.data.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3));
    const edge = at(drawn, Math.round((x1 + x2) / 2), y1);
    expect(edge[1]).toBeGreaterThan(200);
    expect(edge[0]).toBeLessThan(160);
    expect(at(drawn, 1, original.height - 2)).toEqual(at(original, 1, original.height - 2));
  }, 120_000);
});
