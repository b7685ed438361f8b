import { mkdir, mkdtemp, readFile, symlink } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers';

let root: string;
async function png(file: string, v: number) {
  await sharp({ create: { width: 16, height: 16, channels: 3, background: { r: v, g: 255 - v, b: (v * 7) & 255 } } }).png().toFile(file);
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'diffmac-cli-partial-'));
  for (const d of ['gt', 'pred', 'linked']) await mkdir(path.join(root, d));
  for (const [i, n] of ['a', 'b', 'c'].entries()) {
    await png(path.join(root, 'gt', `${n}.png`), 40 * i);
    await png(path.join(root, 'pred', `${n}.png`), 40 * i + 3);
    await symlink(path.join(root, 'pred', `${n}.png`), path.join(root, 'linked', `${n}.png`));
  }
});

describe('diffmac eval: exit codes keep the help text promise (items 1, 2, 10, 12)', () => {
  it('scores a folder of symlinks', async () => {
    const r = await cli(['eval', '--pred', 'linked', '--gt', 'gt', '-o', 'out-linked', '--workers', '0', '--json', '--quiet'], { cwd: root });
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, metrics: { psnr: { n: 3 } } });
  });

  it('exits 1 naming both folders when nothing pairs up', async () => {
    const r = await cli(['eval', '--pred', 'pred', '--gt', path.join(root, 'pred', '..', 'linked', '..', 'out-none-gt'), '-o', 'out-none', '--workers', '0', '--quiet'], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[FOLDER_NOT_FOUND]');
    await mkdir(path.join(root, 'other'));
    await png(path.join(root, 'other', 'z.png'), 1);
    const n = await cli(['eval', '--pred', 'other', '--gt', 'gt', '-o', 'out-none', '--workers', '0', '--quiet'], { cwd: root });
    expect(n.code).toBe(1);
    expect(n.stderr).toMatch(/^diffmac eval: \[NOTHING_TO_SCORE\] Nothing to score: .*other holds 1 image\(s\); .*gt holds 3 image\(s\)/);
  });

  it('exits 1 when a name is ambiguous or a subfolder is skipped, and says so', async () => {
    const p = path.join(root, 'partial');
    await mkdir(path.join(p, 'nested'), { recursive: true });
    await png(path.join(p, 'a.png'), 3);
    await png(path.join(p, 'b.png'), 43);
    await png(path.join(p, 'b.jpg'), 43);
    await png(path.join(p, 'c.png'), 83);
    const r = await cli(['eval', '--pred', 'partial', '--gt', 'gt', '-o', 'out-partial', '--workers', '0', '--quiet'], { cwd: root });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('1 names are present twice under different extensions (not scored): b');
    expect(r.stderr).toContain('1 folder entries are not image files (not scored): pred/nested');
    expect(r.stderr).not.toContain('have no restored image');
  });

  it('refuses a second run into a finished --out without --resume or --force, and both together', async () => {
    const args = ['eval', '--pred', 'pred', '--gt', 'gt', '-o', 'out-twice', '--workers', '0', '--quiet'];
    expect((await cli(args, { cwd: root })).code).toBe(0);
    const again = await cli(args, { cwd: root });
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('[OUTPUT_EXISTS]');
    expect((await cli([...args, '--force'], { cwd: root })).code).toBe(0);
    expect((await cli([...args, '--resume'], { cwd: root })).code).toBe(0);
    expect((await cli([...args, '--resume', '--force'], { cwd: root })).code).toBe(2);
  });
});

describe('diffmac eval with several --pred writes a comparison page (item 7)', () => {
  it('scores each method into its own folder and writes comparison.html', async () => {
    const softer = path.join(root, 'softer');
    await mkdir(softer);
    for (const n of ['a', 'b', 'c']) await sharp(path.join(root, 'pred', `${n}.png`)).blur(1).png().toFile(path.join(softer, `${n}.png`));
    const r = await cli(['eval', '--pred', 'pred', '--pred', 'softer', '--gt', 'gt', '-o', 'out-compare', '--workers', '0', '--json', '--quiet'], { cwd: root });
    expect(r.code).toBe(0);
    const json = JSON.parse(r.stdout);
    expect(json.methods.map((m: { method: string }) => m.method)).toEqual(['pred', 'softer']);
    expect(json.comparison).toBe(path.join(root, 'out-compare', 'comparison.html'));
    const html = await readFile(json.comparison, 'utf8');
    expect(html).toContain('<table class="metrics">');
    expect((await readFile(path.join(root, 'out-compare', 'softer', 'summary.json'), 'utf8')).length).toBeGreaterThan(10);
    expect((await cli(['eval', '--pred', 'pred', '--pred', 'x/pred', '--gt', 'gt', '--quiet'], { cwd: root })).code).toBe(2);
  });
});
