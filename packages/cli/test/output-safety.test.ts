import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers';
import { goldenUrl } from '../../../scripts/golden.mjs';

const gtDir = fileURLToPath(goldenUrl('metrics', 'images', 'gt'));
const alignDir = fileURLToPath(goldenUrl('align'));
let dir: string;
let tiny: string;
let face: string;
const digest = async (f: string) => createHash('sha256').update(await readFile(f)).digest('hex');
const fast = ['--stage1-steps', '1', '--steps', '1', '--quiet'];

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'diffmac-safety-'));
  tiny = path.join(dir, 'tiny');
  expect((await cli(['bundle', 'make-tiny', tiny, '--seed', '1'])).code).toBe(0);
  face = path.join(dir, 'adele.png');
  await sharp(path.join(gtDir, (await readdir(gtDir)).filter((f) => f.endsWith('.png')).sort()[0]!)).resize(64, 64).png().toFile(face);
}, 120_000);

describe('diffmac restore never writes over an input, and refuses name collisions (items 8, 9)', () => {
  it('refuses -o equal to the input folder and leaves the input as it was', async () => {
    const s = path.join(dir, 's');
    await mkdir(s);
    await copyFile(face, path.join(s, 'adele.png'));
    const before = await digest(path.join(s, 'adele.png'));
    for (const force of [[], ['--force']]) {
      const r = await cli(['restore', 'adele.png', '--aligned', '-o', '.', '--model', tiny, ...fast, ...force], { cwd: s });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('[OUTPUT_IS_INPUT]');
    }
    expect(await digest(path.join(s, 'adele.png'))).toBe(before);
    expect(await readdir(s)).toEqual(['adele.png']);
  });

  it('refuses two inputs with one output name before writing anything', async () => {
    for (const [a, b] of [['a/face.png', 'b/face.png'], ['x.png', 'x.jpg']] as const) {
      const root = await mkdtemp(path.join(dir, 'col-'));
      for (const f of [a, b]) {
        await mkdir(path.dirname(path.join(root, f)), { recursive: true });
        await sharp(face).toFile(path.join(root, f));
      }
      const r = await cli(['restore', a, b, '--aligned', '-o', 'out', '--model', tiny, ...fast], { cwd: root });
      expect(r.code).toBe(1);
      expect(r.stderr).toContain('[OUTPUT_NAME_COLLISION]');
      expect(existsSync(path.join(root, 'out'))).toBe(false);
    }
  });

  it('refuses a folder given as an input image', async () => {
    const r = await cli(['restore', dir, '--aligned', '-o', path.join(dir, 'o-folder'), '--model', tiny, ...fast]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[NOT_A_FILE]');
  });

  it('reports a non-square --aligned input and an --upscale too large to read back, and restores the rest (item 18)', async () => {
    const root = await mkdtemp(path.join(dir, 'mixed-'));
    await sharp(face).resize(240, 30, { fit: 'fill' }).toFile(path.join(root, 'wide.png'));
    await sharp({ create: { width: 1300, height: 1300, channels: 3, background: '#888' } }).png().toFile(path.join(root, 'big.png'));
    await copyFile(face, path.join(root, 'good.png'));
    const r = await cli(['restore', 'wide.png', 'big.png', 'good.png', '--aligned', '--upscale', '8', '-o', 'out', '--model', tiny, ...fast], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/wide\.png: \[NOT_AN_ALIGNED_FACE\] .*240×30/);
    expect(r.stderr).toMatch(/big\.png: \[OUTPUT_TOO_LARGE\] .*10400×10400/);
    expect((await readdir(path.join(root, 'out'))).sort()).toEqual(['good.json', 'good.png']);
  }, 120_000);
});

describe('diffmac align never writes over an input, and keeps align.json current (items 9, 14)', () => {
  const expected = JSON.parse(readFileSync(path.join(alignDir, 'expected.json'), 'utf8')) as { cases: { id: string; input: string; faces: { landmarks: number[][] }[] }[] };
  const c = expected.cases.find((k) => k.id === 'A2')!;
  const landmarks = c.faces.map((f) => f.landmarks);

  it('refuses two photos with one name, and a photo whose crop name is another input', async () => {
    const root = await mkdtemp(path.join(dir, 'al-'));
    await writeFile(path.join(root, 'lm.json'), JSON.stringify(landmarks));
    for (const f of ['a/photo.png', 'b/photo.png']) {
      await mkdir(path.dirname(path.join(root, f)), { recursive: true });
      await copyFile(path.join(alignDir, c.input), path.join(root, f));
    }
    const r = await cli(['align', 'a/photo.png', 'b/photo.png', '-o', 'out', '--landmarks', 'lm.json', '--quiet'], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[OUTPUT_NAME_COLLISION]');
    await copyFile(path.join(alignDir, c.input), path.join(root, 'x.png'));
    await copyFile(face, path.join(root, 'x_face0.png'));
    const before = await digest(path.join(root, 'x_face0.png'));
    const s = await cli(['align', 'x.png', 'x_face0.png', '-o', '.', '--landmarks', 'lm.json', '--quiet'], { cwd: root });
    expect(s.code).toBe(1);
    expect(s.stderr).toContain('[OUTPUT_IS_INPUT]');
    expect(await digest(path.join(root, 'x_face0.png'))).toBe(before);
  });

  it('a bad photo is reported in align.json and the others are aligned; a second run needs --force', async () => {
    const root = await mkdtemp(path.join(dir, 'al-'));
    await writeFile(path.join(root, 'lm.json'), JSON.stringify(landmarks));
    await copyFile(path.join(alignDir, c.input), path.join(root, 'one.png'));
    await writeFile(path.join(root, 'broken.png'), 'not a png');
    await copyFile(path.join(alignDir, c.input), path.join(root, 'two.png'));
    const args = ['align', 'one.png', 'broken.png', 'two.png', '-o', 'out', '--landmarks', 'lm.json', '--quiet'];
    const r = await cli(args, { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/broken\.png: \[IMAGE_DECODE_FAILED\]/);
    const json = JSON.parse(await readFile(path.join(root, 'out', 'align.json'), 'utf8'));
    expect(json.photos.map((p: { photo: string }) => path.basename(p.photo))).toEqual(['one.png', 'two.png']);
    expect(json.failed).toMatchObject([{ code: 'IMAGE_DECODE_FAILED' }]);
    expect(json.photos[1].faces).toHaveLength(2);
    const again = await cli(args, { cwd: root });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('[OUTPUT_EXISTS]');
    const forced = await cli([...args, '--force'], { cwd: root });
    expect(forced.code).toBe(1);
    expect(forced.stderr).not.toContain('OUTPUT_EXISTS');
  });
});
