import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, symlink, utimes, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { evaluateFolders, EVAL_LOCK_FILE } from '../src/runner/evaluate-folders';
import { summarize } from '../src/runner/aggregate';
import { summarizeRows } from '../src/runner/run-summary';
import { psnr } from '../src/metrics/psnr';
import { type ColorImage } from '@diffmac/base';
import { readImage } from '@diffmac/core';

// Small deterministic images: gt/<i>.png and a restored copy with a few pixels changed.
async function png(file: string, seed: number, tweak = 0): Promise<void> {
  const data = Buffer.alloc(16 * 16 * 3);
  let s = seed * 2654435761;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = s >>> 24;
  }
  for (let i = 0; i < tweak; i++) data[i * 7] = (data[i * 7]! + 9) & 255;
  await sharp(data, { raw: { width: 16, height: 16, channels: 3 } }).png().toFile(file);
}

const tmp = (prefix: string) => mkdtemp(path.join(os.tmpdir(), `diffmac-${prefix}-`));
let gt: string;
let pred: string;
const NAMES = ['a', 'b', 'c', 'd', 'e', 'f'];

beforeAll(async () => {
  gt = await tmp('gt');
  pred = await tmp('pred');
  for (const [i, n] of NAMES.entries()) {
    await png(path.join(gt, `${n}.png`), i + 1);
    await png(path.join(pred, `${n}.png`), i + 1, 3 + i);
  }
});

describe('evaluateFolders: symbolic links (item 1)', () => {
  it('scores symlinked files and a symlinked folder like the files themselves', async () => {
    const linkedPred = await tmp('lpred');
    const linkedGt = await tmp('lgt');
    for (const n of NAMES) {
      await symlink(path.join(pred, `${n}.png`), path.join(linkedPred, `${n}.png`));
      await symlink(path.join(gt, `${n}.png`), path.join(linkedGt, `${n}.png`));
    }
    const direct = await evaluateFolders({ pred, gt, outDir: await tmp('o'), metrics: ['psnr'], workers: 0 });
    const linked = await evaluateFolders({ pred: linkedPred, gt: linkedGt, outDir: await tmp('o'), metrics: ['psnr'], workers: 0 });
    expect(linked.rows.filter((r) => r.ok)).toHaveLength(6);
    expect(linked.summary.psnr).toEqual(direct.summary.psnr);
    const folderLink = path.join(await tmp('fl'), 'restored');
    await symlink(pred, folderLink);
    const viaFolder = await evaluateFolders({ pred: folderLink, gt: linkedGt, outDir: await tmp('o'), metrics: ['psnr'], workers: 0 });
    expect(viaFolder.summary.psnr).toEqual(direct.summary.psnr);
    expect(viaFolder.complete).toBe(true);
  });
});

describe('evaluateFolders: empty and partial runs are not successes (items 2, 10, 13)', () => {
  it('refuses a run with nothing to score, naming both folders and what they hold, and creates nothing', async () => {
    const other = await tmp('other');
    for (const n of ['x', 'y']) await png(path.join(other, `${n}.png`), 9);
    const outDir = path.join(await tmp('o'), 'not-yet');
    const err = await evaluateFolders({ pred: other, gt, outDir, metrics: ['psnr'], workers: 0 }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: 'NOTHING_TO_SCORE' });
    expect((err as Error).message).toContain(other);
    expect((err as Error).message).toContain(gt);
    expect((err as Error).message).toContain('2 image(s)');
    expect((err as Error).message).toContain('6 image(s)');
    expect(existsSync(outDir)).toBe(false);
    await expect(evaluateFolders({ pred: await tmp('empty'), outDir, metrics: ['niqe'], workers: 0, models: { niqeParams: { mu: new Float64Array(36), cov: new Float64Array(36 * 36), gaussianWindow: new Float64Array(49) } } })).rejects.toMatchObject({ code: 'NOTHING_TO_SCORE' });
  });

  it('reports a subfolder, a dangling link, a folder named like an image and an ambiguous name, and is not complete', async () => {
    const p = await tmp('partial');
    for (const n of ['a', 'b', 'c']) await png(path.join(p, `${n}.png`), NAMES.indexOf(n) + 1, 2);
    await png(path.join(p, 'd.png'), 4, 2);
    await png(path.join(p, 'd.jpg'), 4, 2);
    await mkdir(path.join(p, 'nested'));
    await png(path.join(p, 'nested', 'e.png'), 5);
    await symlink(path.join(p, 'gone.png'), path.join(p, 'f.png'));
    await mkdir(path.join(p, 'g.png'));
    const r = await evaluateFolders({ pred: p, gt, outDir: await tmp('o'), metrics: ['psnr'], workers: 0 });
    expect(r.rows.map((x) => x.name)).toEqual(['a', 'b', 'c']);
    expect(r.ambiguous).toEqual(['d']);
    expect(r.missing).toEqual(['e', 'f']);
    expect(r.skipped).toEqual(['pred/f.png', 'pred/g.png', 'pred/nested']);
    expect(r.complete).toBe(false);
    const summary = JSON.parse(await readFile(r.files.summaryJson, 'utf8'));
    expect(summary.images.skipped.pred.map((s: { reason: string }) => s.reason)).toEqual(['dangling-symlink', 'subfolder', 'subfolder']);
  });

  it('refuses an --lq folder that does not exist', async () => {
    await expect(evaluateFolders({ pred, gt, lq: path.join(gt, 'nope'), outDir: await tmp('o'), metrics: ['psnr'], workers: 0 })).rejects.toMatchObject({ code: 'FOLDER_NOT_FOUND' });
  });

  it('checks the output folder before creating it: nothing is left inside --gt', async () => {
    const outDir = path.join(gt, 'eval', 'run1');
    await expect(evaluateFolders({ pred, gt, outDir, metrics: ['psnr'], workers: 0 })).rejects.toMatchObject({ code: 'OUTPUT_INSIDE_INPUT' });
    expect(existsSync(path.join(gt, 'eval'))).toBe(false);
  });
});

describe('evaluateFolders: a perfect prediction (item 11)', () => {
  it('keeps BasicSR inf PSNR in the mean, with n and dropped truthful, through the log, summary.json and resume', async () => {
    const outDir = await tmp('o');
    const r = await evaluateFolders({ pred: gt, gt: pred, outDir, metrics: ['psnr', 'ssim'], workers: 0 });
    const self = await evaluateFolders({ pred: gt, gt, outDir: await tmp('o'), metrics: ['psnr', 'ssim'], workers: 0 });
    expect(self.summary.psnr).toMatchObject({ mean: Number.POSITIVE_INFINITY, n: 6, dropped: 0, invalid: 0 });
    expect(self.summary.ssim!.n).toBe(6);
    expect(JSON.parse(await readFile(self.files.summaryJson, 'utf8')).metrics.psnr).toMatchObject({ mean: 'Infinity', n: 6 });
    expect(await readFile(self.files.markdown, 'utf8')).toContain('| inf |');
    const resumed = await evaluateFolders({ pred: gt, gt, outDir: path.dirname(self.files.results), metrics: ['psnr', 'ssim'], workers: 0, resume: true });
    expect(resumed.rows).toEqual(self.rows);
    expect(resumed.summary.psnr!.mean).toBe(Number.POSITIVE_INFINITY);
    expect(Number.isFinite(r.summary.psnr!.mean)).toBe(true);
  });

  it('summarize counts NaN as invalid and keeps infinities, as numpy does', () => {
    const s = summarize([{ psnr: 30 }, { psnr: Number.POSITIVE_INFINITY }, { psnr: Number.NaN }, { psnr: 20 }]);
    expect(s.psnr).toMatchObject({ mean: Number.POSITIVE_INFINITY, n: 3, dropped: 0, invalid: 1 });
    expect(summarize([{ psnr: 30 }, { psnr: Number.NaN }]).psnr).toEqual({ mean: 30, std: 0, n: 1, dropped: 0, invalid: 1 });
  });

  it('summarizeRows applies the protocol drop rule written once (VQFR: identity under 1 degree)', () => {
    const rows = [0.5, 2, 4].map((deg, i) => ({ name: String(i), ok: true as const, scores: { deg } }));
    expect(summarizeRows(rows, 'vqfr').deg).toMatchObject({ mean: 3, n: 2, dropped: 1 });
    expect(summarizeRows(rows, 'basicsr').deg).toMatchObject({ mean: 6.5 / 3, n: 3, dropped: 0 });
  });
});

describe('evaluateFolders: one run per output folder (item 12)', () => {
  it('refuses a second run while the first holds the folder, and takes over a lock left by a dead process', async () => {
    const outDir = await tmp('o');
    const first = evaluateFolders({ pred, gt, outDir, metrics: ['psnr', 'ssim'], workers: 0 });
    await new Promise((r) => setTimeout(r, 30));
    const second = evaluateFolders({ pred, gt, outDir, metrics: ['psnr'], workers: 0, force: true });
    await expect(second).rejects.toMatchObject({ code: 'OUTPUT_LOCKED' });
    await expect(first).resolves.toMatchObject({ complete: true });
    expect(existsSync(path.join(outDir, EVAL_LOCK_FILE))).toBe(false);
    await writeFile(path.join(outDir, EVAL_LOCK_FILE), JSON.stringify({ pid: 2 ** 22 + 17, host: os.hostname(), started: 'then' }));
    await expect(evaluateFolders({ pred, gt, outDir, metrics: ['psnr', 'ssim'], workers: 0, resume: true })).resolves.toMatchObject({ complete: true });
  });

  it('refuses to replace an earlier run without resume or force', async () => {
    const outDir = await tmp('o');
    await evaluateFolders({ pred, gt, outDir, metrics: ['psnr'], workers: 0 });
    await expect(evaluateFolders({ pred, gt, outDir, metrics: ['ssim'], workers: 0 })).rejects.toMatchObject({ code: 'OUTPUT_EXISTS' });
    const replaced = await evaluateFolders({ pred, gt, outDir, metrics: ['ssim'], workers: 0, force: true });
    expect(Object.keys(replaced.summary)).toEqual(['ssim']);
  });
});

describe('evaluateFolders: resume re-scores changed images (item 18)', () => {
  it('keys logged rows on size and modification time', async () => {
    const p = await tmp('changing');
    for (const [i, n] of NAMES.entries()) await png(path.join(p, `${n}.png`), i + 1, 3 + i);
    const outDir = await tmp('o');
    await evaluateFolders({ pred: p, gt, outDir, metrics: ['psnr'], workers: 0 });
    await png(path.join(p, 'c.png'), 3, 40);
    await utimes(path.join(p, 'c.png'), new Date(), new Date(Date.now() + 5000));
    let scored: string[] = [];
    const r = await evaluateFolders({ pred: p, gt, outDir, metrics: ['psnr'], workers: 0, resume: true, onProgress: (e) => { if (e.type === 'pair') scored.push(e.name); } });
    expect(scored).toEqual(['c']);
    const want = psnr((await readImage(path.join(p, 'c.png'), { channels: 'rgb' })) as ColorImage, (await readImage(path.join(gt, 'c.png'), { channels: 'rgb' })) as ColorImage);
    const row = r.rows.find((x) => x.name === 'c')!;
    expect(row.ok && row.scores.psnr).toBe(want);
    scored = [];
    await evaluateFolders({ pred: p, gt, outDir, metrics: ['psnr'], workers: 0, resume: true, onProgress: (e) => { if (e.type === 'pair') scored.push(e.name); } });
    expect(scored).toEqual([]);
  });
});

describe('evaluateFolders: every option is checked (item 17)', () => {
  it.each([
    [null, 'INVALID_ARGUMENT'],
    [{}, 'MISSING_OPTION'],
    [{ pred: 'p', outDir: 'o', metrics: ['psnr'], workers: 1.5 }, 'INVALID_ARGUMENT'],
    [{ pred: 'p', outDir: 'o', metrics: ['psnr'], workers: -1 }, 'INVALID_ARGUMENT'],
    [{ pred: 'p', outDir: 'o', metrics: ['psnr'], cropBorder: Number.NaN }, 'INVALID_ARGUMENT'],
    [{ pred: 'p', outDir: 'o', metrics: 'psnr' }, 'INVALID_ARGUMENT'],
    [{ pred: 'p', outDir: 'o', metrics: ['psnr'], resume: 'yes' }, 'INVALID_ARGUMENT'],
    [{ pred: 'p', outDir: 'o', metrics: ['psnr'], resume: true, force: true }, 'CONFLICTING_OPTIONS'],
    [{ pred: 'p', outDir: 'o', metrics: ['psnr'], onProgress: 3 }, 'INVALID_ARGUMENT'],
    [{ pred: 'p', outDir: 'o', metrics: ['psnr'], wokers: 2 }, 'UNKNOWN_OPTION'],
  ])('%j is refused with %s at once', async (options, code) => {
    await expect(evaluateFolders(options as never)).rejects.toMatchObject({ code });
  });

  it('refuses a file given as a folder', async () => {
    await expect(evaluateFolders({ pred: path.join(pred, 'a.png'), gt, outDir: await tmp('o'), metrics: ['psnr'], workers: 0 })).rejects.toMatchObject({ code: 'NOT_A_FOLDER' });
    await expect(evaluateFolders({ pred: path.join(pred, 'nope'), gt, outDir: await tmp('o'), metrics: ['psnr'], workers: 0 })).rejects.toMatchObject({ code: 'FOLDER_NOT_FOUND' });
  });
});

afterAll(async () => {
  await rm(path.join(gt, 'eval'), { recursive: true, force: true });
});

describe('evaluateFolders: a scoring backend replaces local scoring (for distributed runs)', () => {
  it('takes rows from the backend and writes the same summary as a local run', async () => {
    const { createPairScorer } = await import('../src/runner/pair-scorer');
    const seen: string[] = [];
    const backend = {
      async scorePairs(jobs: readonly { name: string; pred: string; gt?: string }[], scorer: never, o: { onRow: (r: never) => void }) {
        const s = createPairScorer(scorer);
        for (const j of [...jobs].reverse()) {
          seen.push(j.name);
          o.onRow({ name: j.name, ok: true, scores: await s.score(j.pred, j.gt) } as never);
        }
        await s.dispose();
      },
    };
    const local = await evaluateFolders({ pred, gt, outDir: await tmp('o'), metrics: ['psnr', 'ssim'], workers: 0 });
    const remote = await evaluateFolders({ pred, gt, outDir: await tmp('o'), metrics: ['psnr', 'ssim'], workers: 0, scoring: backend as never });
    expect(seen).toEqual([...NAMES].reverse());
    expect(remote.summary).toEqual(local.summary);
    await expect(evaluateFolders({ pred, gt, outDir: await tmp('o'), metrics: ['psnr'], scoring: {} as never })).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', argument: 'scoring' });
  });
});
