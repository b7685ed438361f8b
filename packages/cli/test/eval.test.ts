import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, stat } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers';
import { goldenUrl } from '../../../scripts/golden.mjs';

const GOLDEN = goldenUrl('metrics', 'images').pathname;
const BIN = new URL('../dist/bin.js', import.meta.url).pathname;
// The four faces every golden copy has (the repository's leaves out the CodeFormer-derived ones).
const faces = ['adele', 'julia_roberts', 'justin_timberlake', 'paris_hilton'];
let root: string;
let gt: string;
let pred: string;

/** A CelebA-Test-like set of `n` pairs at 128²: ground truth and a degraded "restoration" (the golden LQ faces). */
async function makeSet(dir: string, n: number) {
  const lq = (await import('node:fs')).readdirSync(path.join(GOLDEN, 'lq'));
  await mkdir(path.join(dir, 'gt'), { recursive: true });
  await mkdir(path.join(dir, 'pred'), { recursive: true });
  for (let i = 0; i < n; i++) {
    const face = faces[i % faces.length]!;
    const lqFile = lq.filter((f) => f.includes(face))[Math.floor(i / faces.length) % 2]!;
    const name = `${String(i).padStart(5, '0')}.png`;
    await sharp(path.join(GOLDEN, 'gt', `${face}.png`)).resize(128, 128).png().toFile(path.join(dir, 'gt', name));
    await sharp(path.join(GOLDEN, 'lq', lqFile)).resize(128, 128).png().toFile(path.join(dir, 'pred', name));
  }
}

beforeAll(async () => {
  root = await mkdtemp(path.join(os.tmpdir(), 'diffmac-cli-eval-'));
  await makeSet(root, 8);
  gt = path.join(root, 'gt');
  pred = path.join(root, 'pred');
});

describe('diffmac eval', () => {
  it('prints the Markdown table and where the report is, and writes every output', async () => {
    const out = path.join(root, 'eval-a');
    const r = await cli(['eval', '--pred', pred, '--gt', gt, '-o', out, '--metrics', 'psnr,ssim,psnr-y', '--workers', '0']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('| Method | PSNR ↑ | SSIM ↑ | PSNR (Y) ↑ |');
    expect(r.stdout).toContain(`Report: ${path.join(out, 'report.html')}`);
    expect(r.stderr).toContain('eval 8/8 100%');
    for (const f of ['results.jsonl', 'summary.json', 'per-image.csv', 'summary.csv', 'table.md', 'report.html']) expect((await stat(path.join(out, f))).size).toBeGreaterThan(0);
  });

  it('--json gives machine-readable summary; --protocol vqfr changes PSNR', async () => {
    const a = JSON.parse((await cli(['eval', '--pred', pred, '--gt', gt, '-o', path.join(root, 'j1'), '--workers', '0', '--json', '--quiet'])).stdout);
    const b = JSON.parse((await cli(['eval', '--pred', pred, '--gt', gt, '-o', path.join(root, 'j2'), '--workers', '0', '--json', '--quiet', '--protocol', 'vqfr'])).stdout);
    expect(a).toMatchObject({ ok: true, protocol: 'basicsr', failed: 0, metrics: { psnr: { n: 8 }, ssim: { n: 8 } } });
    expect(b.protocol).toBe('vqfr');
    expect(b.metrics.psnr.mean).not.toBeCloseTo(a.metrics.psnr.mean, 6);
  });

  it('scores FID over the set with --fid-model and --fid-stats', async () => {
    const { OnnxGraphBuilder } = await import('@diffmac/core');
    const { writeFile } = await import('node:fs/promises');
    const b = new OnnxGraphBuilder();
    b.input('x', 'float32', ['n', 3, 8, 8]);
    b.output('pool', 'float32', ['n', 3]);
    b.node('ReduceMean', ['x'], ['pool'], { axes: [2, 3], keepdims: 0 });
    const model = path.join(root, 'inception.onnx');
    await writeFile(model, b.toBytes());
    const stats = path.join(root, 'stats.json');
    await writeFile(stats, JSON.stringify({ mu: [0.5, 0.4, 0.4], sigma: [0.01, 0, 0, 0, 0.01, 0, 0, 0, 0.01] }));
    const r = await cli(['eval', '--pred', pred, '--gt', gt, '-o', path.join(root, 'fid'), '--metrics', 'psnr,fid', '--fid-model', model, '--fid-stats', stats, '--workers', '0', '--json', '--quiet']);
    expect(r.stderr).toBe('');
    const summary = JSON.parse(r.stdout);
    expect(summary.metrics.fid.n).toBe(8);
    expect(summary.metrics.fid.mean).toBeGreaterThan(0);
    expect((await cli(['eval', '--pred', pred, '--gt', gt, '--metrics', 'fid', '--fid-model', model])).code).toBe(2);
  });

  it('rejects unknown metrics or protocols with exit code 2, and writing into the ground truth with 1', async () => {
    expect((await cli(['eval', '--pred', pred, '--gt', gt, '--metrics', 'psnr,sharpness'])).code).toBe(2);
    expect((await cli(['eval', '--pred', pred, '--gt', gt, '--protocol', 'papers'])).code).toBe(2);
    expect((await cli(['eval', '--gt', gt])).code).toBe(2);
    const r = await cli(['eval', '--pred', pred, '--gt', gt, '-o', path.join(gt, 'results'), '--workers', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('OUTPUT_INSIDE_INPUT');
  });

  // Kills a real `diffmac eval` process, so it needs the built binary (CI builds before testing).
  it.skipIf(!existsSync(BIN) && process.env.CI !== 'true')('SIGKILL mid-run, then --resume: the same final table as an uninterrupted run', async () => {
    const set = await mkdtemp(path.join(os.tmpdir(), 'diffmac-kill-'));
    await makeSet(set, 36);
    const args = (out: string) => [BIN, 'eval', '--pred', path.join(set, 'pred'), '--gt', path.join(set, 'gt'), '-o', out, '--metrics', 'psnr,ssim,ssim-y', '--workers', '1', '--quiet'];
    const run = (argv: string[], killAfterRows?: number) =>
      new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
        const child = spawn(process.execPath, argv, { stdio: 'ignore' });
        let timer: NodeJS.Timeout | undefined;
        if (killAfterRows !== undefined) {
          const results = path.join(argv[argv.indexOf('-o') + 1]!, 'results.jsonl');
          timer = setInterval(async () => {
            const rows = existsSync(results) ? (await readFile(results, 'utf8')).split('\n').length - 1 : 0;
            if (rows >= killAfterRows) child.kill('SIGKILL');
          }, 5);
        }
        child.on('exit', (code, signal) => {
          if (timer) clearInterval(timer);
          resolve({ code, signal });
        });
      });

    const whole = path.join(set, 'whole');
    expect((await run(args(whole))).code).toBe(0);
    const killed = path.join(set, 'killed');
    const first = await run(args(killed), 10);
    expect(first.signal).toBe('SIGKILL');
    const partial = (await readFile(path.join(killed, 'results.jsonl'), 'utf8')).split('\n').length - 1;
    expect(partial).toBeGreaterThan(0);
    expect(partial).toBeLessThan(36);
    expect((await run([...args(killed), '--resume'])).code).toBe(0);

    const table = (dir: string) => readFile(path.join(dir, 'table.md'), 'utf8');
    expect(await table(killed)).toBe(await table(whole));
    expect(await readFile(path.join(killed, 'per-image.csv'), 'utf8')).toBe(await readFile(path.join(whole, 'per-image.csv'), 'utf8'));
    const names = (await readFile(path.join(killed, 'results.jsonl'), 'utf8')).trim().split('\n').map((l) => JSON.parse(l).name);
    expect(new Set(names).size).toBe(36);
    expect(names).toHaveLength(36);
  }, 180_000);
});
