import { existsSync } from 'node:fs';
import { mkdtemp, readFile, readdir, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers';
import { goldenUrl } from '../../../scripts/golden.mjs';

const GT = goldenUrl('metrics', 'images', 'gt').pathname;
let hq: string;

beforeAll(async () => {
  hq = await mkdtemp(path.join(os.tmpdir(), 'diffmac-cli-hq-'));
  for (const f of ['adele.png', 'paris_hilton.png']) await sharp(path.join(GT, f)).resize(96, 96).png().toFile(path.join(hq, f));
});

describe('diffmac degrade', () => {
  it('writes the LQ set and manifest, reports progress on stderr and a JSON summary on stdout', async () => {
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'diffmac-cli-lq-')), 'lq');
    const r = await cli(['degrade', hq, '-o', out, '--seed', '4', '--preset', 'codeformer', '--json']);
    expect(r.code).toBe(0);
    const summary = JSON.parse(r.stdout);
    expect(summary).toMatchObject({ ok: true, preset: 'codeformer', seed: 4, written: 2, failures: [] });
    expect((await readdir(out)).sort()).toEqual(['adele.png', 'manifest.jsonl', 'paris_hilton.png']);
    expect(r.stderr).toContain('degrade 2/2 100%');
    const manifest = (await readFile(path.join(out, 'manifest.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l));
    expect(manifest.map((m) => [m.source, m.preset, m.seed])).toEqual([
      ['adele.png', 'codeformer', 4],
      ['paris_hilton.png', 'codeformer', 4],
    ]);
  });

  it('exits 1 and names the file when an image is corrupt', async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), 'diffmac-cli-hq-bad-'));
    await sharp(path.join(GT, 'adele.png')).resize(64, 64).png().toFile(path.join(dir, 'ok.png'));
    await writeFile(path.join(dir, 'torn.jpg'), Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0, 16]));
    const out = await mkdtemp(path.join(os.tmpdir(), 'diffmac-cli-lq-'));
    const r = await cli(['degrade', dir, '-o', out, '--quiet']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/torn\.jpg: \[IMAGE_DECODE_FAILED\]/);
    expect(r.stdout).toContain('1 LQ images');
  });

  it('refuses to write into the HQ folder', async () => {
    const r = await cli(['degrade', hq, '-o', hq]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('OUTPUT_IS_INPUT');
  });

  it('rejects a bad preset, a bad seed and a missing output with exit code 2', async () => {
    expect((await cli(['degrade', hq, '-o', '/tmp/x', '--preset', 'bsrgan'])).stderr).toContain('--preset must be one of gfpgan, codeformer, difface-grid');
    expect((await cli(['degrade', hq, '-o', '/tmp/x', '--seed', '1.5'])).code).toBe(2);
    expect((await cli(['degrade', hq])).code).toBe(2);
  });
});

describe('diffmac degrade: nothing silent, nothing lost (items 1, 2, 14)', () => {
  it('follows symlinked images, and refuses an HQ folder with no images (exit 1, typed)', async () => {
    const linked = await mkdtemp(path.join(os.tmpdir(), 'diffmac-cli-hq-linked-'));
    for (const f of ['adele.png', 'paris_hilton.png']) await symlink(path.join(hq, f), path.join(linked, f));
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'diffmac-cli-lq-')), 'lq');
    const r = await cli(['degrade', linked, '-o', out, '--json', '--quiet']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout)).toMatchObject({ ok: true, written: 2 });
    const empty = await mkdtemp(path.join(os.tmpdir(), 'diffmac-cli-hq-empty-'));
    const e = await cli(['degrade', empty, '-o', path.join(empty, '..', `${path.basename(empty)}-out`), '--quiet']);
    expect(e.code).toBe(1);
    expect(e.stderr).toMatch(/^diffmac degrade: \[NOTHING_TO_DEGRADE\] The HQ folder .* holds no image files/);
    expect(existsSync(`${empty}-out`)).toBe(false);
  });

  it('a stopped run leaves a manifest line for every image it wrote; a second run into the folder needs --force', async () => {
    const many = await mkdtemp(path.join(os.tmpdir(), 'diffmac-cli-hq-many-'));
    for (let i = 0; i < 12; i++) await sharp(path.join(GT, 'adele.png')).resize(64, 64).png().toFile(path.join(many, `f${String(i).padStart(2, '0')}.png`));
    const out = path.join(await mkdtemp(path.join(os.tmpdir(), 'diffmac-cli-lq-')), 'lq');
    const controller = new AbortController();
    let seen = 0;
    const { degradeFolder } = await import('@diffmac/eval');
    await expect(degradeFolder(many, out, { seed: 1, signal: controller.signal, onProgress: (ev) => { if (ev.type === 'image' && ++seen === 5) controller.abort(); } })).rejects.toThrow();
    const pngs = (await readdir(out)).filter((f) => f.endsWith('.png')).sort();
    const lines = (await readFile(path.join(out, 'manifest.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).output).sort();
    expect(pngs.length).toBe(5);
    expect(lines).toEqual(pngs);
    expect((await readdir(out)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const again = await cli(['degrade', many, '-o', out, '--quiet']);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('[OUTPUT_EXISTS]');
    expect((await cli(['degrade', many, '-o', out, '--quiet', '--force'])).code).toBe(0);
    expect((await readFile(path.join(out, 'manifest.jsonl'), 'utf8')).trim().split('\n')).toHaveLength(12);
  });
});
