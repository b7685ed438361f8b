import { copyFile, mkdtemp, readFile, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { evaluateFolders } from '../src/runner/evaluate-folders';
import { pairFolders } from '../src/runner/pair-folders';
import { openResultsLog } from '../src/runner/results-log';
import { workerScriptUrl } from '../src/runner/score-pairs';
import { goldenUrl } from '../../../scripts/golden.mjs';

const GOLDEN = goldenUrl('metrics').pathname;
interface GoldenPair { id: string; img: string; img2: string; results: { crop_border: number; test_y_channel: boolean; psnr: number; ssim: number }[] }
let golden: GoldenPair[];
let gt: string;
let pred: string;

beforeAll(async () => {
  golden = (JSON.parse(await readFile(path.join(GOLDEN, 'expected.json'), 'utf8')).psnr_ssim as GoldenPair[]).slice(0, 4);
  gt = await mkdtemp(path.join(os.tmpdir(), 'diffmac-gt-'));
  pred = await mkdtemp(path.join(os.tmpdir(), 'diffmac-pred-'));
  for (const p of golden) {
    const name = path.basename(p.img2);
    await copyFile(path.join(GOLDEN, p.img2), path.join(gt, name));
    await copyFile(path.join(GOLDEN, p.img), path.join(pred, name));
  }
});

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const goldenMean = (key: 'psnr' | 'ssim', y: boolean) => mean(golden.map((p) => p.results.find((r) => r.crop_border === 0 && r.test_y_channel === y)![key]));

describe('evaluateFolders', () => {
  it('reproduces BasicSR per-image values and reports the mean of per-image scores', async () => {
    const outDir = await mkdtemp(path.join(os.tmpdir(), 'diffmac-eval-'));
    const r = await evaluateFolders({ pred, gt, outDir, metrics: ['psnr', 'ssim', 'psnr-y', 'ssim-y'], workers: 0 });
    expect(r.failed).toBe(0);
    expect(r.summary.psnr!.n).toBe(4);
    expect(Math.abs(r.summary.psnr!.mean - goldenMean('psnr', false))).toBeLessThan(1e-9);
    expect(Math.abs(r.summary.ssim!.mean - goldenMean('ssim', false))).toBeLessThan(1e-7);
    expect(Math.abs(r.summary['psnr-y']!.mean - goldenMean('psnr', true))).toBeLessThan(1e-6);
    const table = await readFile(r.files.markdown, 'utf8');
    expect(table.split('\n')[0]).toBe('| Method | PSNR ↑ | SSIM ↑ | PSNR (Y) ↑ | SSIM (Y) ↑ |');
    expect(table).toContain('Protocol: `basicsr`');
    const csv = (await readFile(r.files.perImageCsv, 'utf8')).trim().split('\n');
    expect(csv[0]).toBe('name,psnr,ssim,psnr-y,ssim-y,error');
    expect(csv).toHaveLength(5);
    const summary = JSON.parse(await readFile(r.files.summaryJson, 'utf8'));
    expect(summary).toMatchObject({ protocol: 'basicsr', reduction: 'mean of per-image scores', images: { scored: 4, failed: 0 } });
    expect(summary.versions['@diffmac/eval']).toMatch(/^\d+\.\d+\.\d+/);
    const html = await readFile(r.files.html, 'utf8');
    expect(html).toContain('<h2>Summary</h2>');
    expect((html.match(/<img src="data:image\/jpeg;base64,/g) ?? []).length).toBe(8);
  });

  it('counts a corrupt or mis-sized image as a failure row with its reason, and lists missing and extra names', async () => {
    const p = await mkdtemp(path.join(os.tmpdir(), 'diffmac-pred-bad-'));
    const names = golden.map((g) => path.basename(g.img2));
    await copyFile(path.join(pred, names[0]!), path.join(p, names[0]!));
    await writeFile(path.join(p, names[1]!), 'garbage');
    await sharp(path.join(pred, names[2]!)).resize(100, 100).png().toFile(path.join(p, names[2]!));
    await copyFile(path.join(pred, names[0]!), path.join(p, 'stranger.png'));
    const outDir = await mkdtemp(path.join(os.tmpdir(), 'diffmac-eval-'));
    const r = await evaluateFolders({ pred: p, gt, outDir, metrics: ['psnr'], workers: 0 });
    expect(r.failed).toBe(2);
    expect(r.rows.filter((x) => !x.ok).map((x) => (x.ok ? '' : x.code)).sort()).toEqual(['IMAGE_DECODE_FAILED', 'SIZE_MISMATCH']);
    expect(r.missing).toEqual([path.parse(names[3]!).name]);
    expect(r.extra).toEqual(['stranger']);
    expect(r.summary.psnr!.n).toBe(1);
  });

  it('refuses to write into the ground-truth or restored folder', async () => {
    await expect(evaluateFolders({ pred, gt, outDir: path.join(gt, 'eval'), metrics: ['psnr'], workers: 0 })).rejects.toMatchObject({ code: 'OUTPUT_INSIDE_INPUT' });
    await expect(evaluateFolders({ pred, gt, outDir: pred, metrics: ['psnr'], workers: 0 })).rejects.toMatchObject({ code: 'OUTPUT_INSIDE_INPUT' });
  });

  it('rejects unknown metrics and protocols before reading any image', async () => {
    const outDir = await mkdtemp(path.join(os.tmpdir(), 'diffmac-eval-'));
    await expect(evaluateFolders({ pred, gt, outDir, metrics: ['psnrr'] })).rejects.toMatchObject({ code: 'UNKNOWN_METRIC' });
    await expect(evaluateFolders({ pred, gt, outDir, metrics: ['psnr'], protocol: 'x' as never })).rejects.toMatchObject({ code: 'UNKNOWN_PROTOCOL' });
  });

  it('resumes after a kill mid-write: a torn last line is dropped and nothing is lost or repeated', async () => {
    const full = await evaluateFolders({ pred, gt, outDir: await mkdtemp(path.join(os.tmpdir(), 'diffmac-eval-')), metrics: ['psnr', 'ssim'], workers: 0 });
    const outDir = await mkdtemp(path.join(os.tmpdir(), 'diffmac-eval-'));
    const first = await evaluateFolders({ pred, gt, outDir, metrics: ['psnr', 'ssim'], workers: 0 });
    const lines = (await readFile(first.files.results, 'utf8')).split('\n');
    // Keep two whole rows and half of the third, as a SIGKILL during a write would.
    await writeFile(first.files.results, `${lines[0]}\n${lines[1]}\n${lines[2]!.slice(0, 20)}`);
    let scored = 0;
    const resumed = await evaluateFolders({ pred, gt, outDir, metrics: ['psnr', 'ssim'], workers: 0, resume: true, onProgress: (e) => { if (e.type === 'pair') scored += 1; } });
    expect(scored).toBe(2);
    expect(resumed.rows).toEqual(full.rows);
    expect(await readFile(resumed.files.markdown, 'utf8')).toBe((await readFile(full.files.markdown, 'utf8')).replace(path.basename(full.files.markdown), path.basename(resumed.files.markdown)));
    const after = (await readFile(resumed.files.results, 'utf8')).trim().split('\n').map((l) => JSON.parse(l).name);
    expect(after.sort()).toEqual(full.rows.map((r) => r.name).sort());
  });

  it('refuses to resume a run made with other metrics', async () => {
    const outDir = await mkdtemp(path.join(os.tmpdir(), 'diffmac-eval-'));
    await evaluateFolders({ pred, gt, outDir, metrics: ['psnr'], workers: 0 });
    await expect(evaluateFolders({ pred, gt, outDir, metrics: ['ssim'], workers: 0, resume: true })).rejects.toMatchObject({ code: 'RESUME_MISMATCH' });
  });

  it('vqfr protocol matches channel statistics first, so PSNR changes', async () => {
    const a = await evaluateFolders({ pred, gt, outDir: await mkdtemp(path.join(os.tmpdir(), 'e-')), metrics: ['psnr'], workers: 0 });
    const b = await evaluateFolders({ pred, gt, outDir: await mkdtemp(path.join(os.tmpdir(), 'e-')), metrics: ['psnr'], workers: 0, protocol: 'vqfr' });
    expect(b.summary.psnr!.mean).not.toBeCloseTo(a.summary.psnr!.mean, 6);
  });

  // Worker threads run the built bundle (dist/eval-worker.js); CI builds before testing.
  it.skipIf(!workerScriptUrl() && process.env.CI !== 'true')('gives identical values with worker threads', async () => {
    expect(workerScriptUrl()).toBeDefined();
    const inThread = await evaluateFolders({ pred, gt, outDir: await mkdtemp(path.join(os.tmpdir(), 'e-')), metrics: ['psnr', 'ssim-y'], workers: 0 });
    let threads = -1;
    const pooled = await evaluateFolders({ pred, gt, outDir: await mkdtemp(path.join(os.tmpdir(), 'e-')), metrics: ['psnr', 'ssim-y'], workers: 2, onProgress: (e) => { if (e.type === 'start') threads = e.threads; } });
    expect(threads).toBe(2);
    expect(pooled.rows).toEqual(inThread.rows);
  });
});

describe('pairFolders and the results log', () => {
  it('pairs by stem across extensions', async () => {
    const a = await mkdtemp(path.join(os.tmpdir(), 'pa-'));
    const b = await mkdtemp(path.join(os.tmpdir(), 'pb-'));
    for (const f of ['1.png', '2.png', '3.jpg']) await writeFile(path.join(a, f), '');
    for (const f of ['1.jpg', '2.png', '4.png']) await writeFile(path.join(b, f), '');
    const r = await pairFolders(a, b);
    expect(r.pairs.map((p) => p.name)).toEqual(['1', '2']);
    expect(r.missing).toEqual(['4']);
    expect(r.extra).toEqual(['3']);
  });

  it('replaces the log without resume and keeps whole rows with it', async () => {
    const file = path.join(await mkdtemp(path.join(os.tmpdir(), 'log-')), 'results.jsonl');
    const log = openResultsLog(file, { resume: false });
    log.append({ name: 'a', ok: true, scores: { psnr: 1 } });
    log.close();
    expect(openResultsLog(file, { resume: true }).done.get('a')).toEqual({ name: 'a', ok: true, scores: { psnr: 1 } });
    expect(openResultsLog(file, { resume: false }).done.size).toBe(0);
  });
});

describe('evaluateFolders with FID over the set', () => {
  it('adds FID from an Inception-contract model and reference statistics, and needs them', async () => {
    const { OnnxGraphBuilder } = await import('@diffmac/core');
    const { FeatureStatsAccumulator, createFidExtractor } = await import('../src/fid/fid');
    const { readImage } = await import('@diffmac/core');
    const dir = await mkdtemp(path.join(os.tmpdir(), 'diffmac-fid-'));
    // A stand-in "Inception": per-channel means over a fixed 8×8 input.
    const b = new OnnxGraphBuilder();
    b.input('x', 'float32', ['n', 3, 8, 8]);
    b.output('pool', 'float32', ['n', 3]);
    b.node('ReduceMean', ['x'], ['pool'], { axes: [2, 3], keepdims: 0 });
    const model = path.join(dir, 'inception.onnx');
    await writeFile(model, b.toBytes());
    // Reference statistics of the ground truth itself, so the ground truth scores FID 0.
    const extractor = await createFidExtractor({ model });
    const acc = new FeatureStatsAccumulator(3);
    for (const p of golden) acc.update(await extractor.features(await readImage(path.join(gt, path.basename(p.img2)), { channels: 'rgb' }) as never));
    await extractor.dispose();
    const stats = acc.compute();
    const reference = path.join(dir, 'ref.json');
    await writeFile(reference, JSON.stringify({ mu: Array.from(stats.mu), sigma: Array.from(stats.sigma) }));

    const same = await evaluateFolders({ pred: gt, gt, outDir: path.join(dir, 'same'), metrics: ['psnr', 'fid'], workers: 0, models: { fid: { model, reference } } });
    expect(same.summary.fid!.n).toBe(4);
    expect(Math.abs(same.summary.fid!.mean)).toBeLessThan(1e-6);
    const lq = await evaluateFolders({ pred, gt, outDir: path.join(dir, 'lq'), metrics: ['fid'], workers: 0, models: { fid: { model, reference } } });
    expect(lq.summary.fid!.mean).toBeGreaterThan(1e-8);
    expect(Object.keys(lq.summary)).toEqual(['fid']);
    await expect(evaluateFolders({ pred, gt, outDir: path.join(dir, 'none'), metrics: ['fid'], workers: 0 })).rejects.toMatchObject({ code: 'MISSING_OPTION' });
  });
});
