import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createRng } from '@diffmac/base';
import { OnnxGraphBuilder, writeImage } from '@diffmac/core';
import { evaluateFolders, parseResultRow } from '@diffmac/eval';
import { createEvalProcessor, createQueue, createQueueScoring, createWorker, EVAL_JOBS_FOLDER } from '../src/index';
import { startRedisServer, type RedisServer } from '../src/testing';

let redis: RedisServer;
let dir: string;
let pred: string;
let gt: string;
let inception: string;
let stats: string;

/** A seeded 32×32 RGB image: a smooth gradient plus noise of amplitude `noise`. */
function image(seed: number, noise: number) {
  const rng = createRng(seed);
  const rand = () => rng.uniform();
  const data = new Uint8Array(32 * 32 * 3);
  for (let i = 0; i < 32 * 32; i++) for (let c = 0; c < 3; c++) data[i * 3 + c] = Math.max(0, Math.min(255, Math.round(((i % 32) * 6 + c * 40) % 256 + (rand() - 0.5) * noise)));
  return { width: 32, height: 32, channels: 3 as const, data };
}

beforeAll(async () => {
  redis = await startRedisServer();
  dir = await mkdtemp(path.join(tmpdir(), 'diffmac-queue-eval-'));
  pred = path.join(dir, 'pred');
  gt = path.join(dir, 'gt');
  await mkdir(pred);
  await mkdir(gt);
  for (let i = 0; i < 7; i++) {
    const name = `${String(i).padStart(3, '0')}.png`;
    await writeImage(path.join(gt, name), image(i, 0));
    // 003 is identical to its ground truth: PSNR is infinite, which must survive the trip through the queue.
    await writeImage(path.join(pred, name), image(i, i === 3 ? 0 : 10 + 8 * i));
  }
  // A stand-in Inception with the pytorch-fid contract: [N,3,S,S] in, the channel means [N,3] out.
  const b = new OnnxGraphBuilder();
  b.input('x', 'float32', ['n', 3, 8, 8]);
  b.output('pool', 'float32', ['n', 3]);
  b.node('ReduceMean', ['x'], ['pool'], { axes: [2, 3], keepdims: 0 });
  inception = path.join(dir, 'inception.onnx');
  await writeFile(inception, b.toBytes());
  stats = path.join(dir, 'stats.json');
  await writeFile(stats, JSON.stringify({ mu: [0.5, 0.4, 0.4], sigma: [0.01, 0, 0, 0, 0.01, 0, 0, 0, 0.01] }));
});

afterAll(async () => {
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

const sortedLines = async (file: string) => (await readFile(file, 'utf8')).trim().split('\n').sort();

describe('createQueueScoring / createEvalProcessor', () => {
  it('an evaluation scored on queue workers equals the local one: rows, summary, FID, reports', async () => {
    const metrics = ['psnr', 'ssim', 'fid'];
    const models = { fid: { model: inception, reference: stats } };
    const local = await evaluateFolders({ pred, gt, outDir: path.join(dir, 'local'), metrics, models, workers: 0 });

    const queue = createQueue({ connection: redis.url, name: 'eval' });
    const evalJobs = createEvalProcessor();
    const workers = await Promise.all([0, 1].map(() => createWorker({ connection: redis.url, name: 'eval', concurrency: 2, processors: { eval: evalJobs.processor } })));
    const waits: string[] = [];
    const outDir = path.join(dir, 'queued');
    const scoring = createQueueScoring({ queue, outDir, fidModel: inception, pollMs: 50, onWait: (e) => waits.push(e.phase) });
    const queued = await evaluateFolders({ pred, gt, outDir, metrics, models, scoring });

    expect(queued.rows).toEqual(local.rows);
    expect(queued.rows.find((r) => r.name === '003')).toMatchObject({ ok: true, scores: { psnr: Infinity } });
    expect(queued.summary).toEqual(local.summary);
    expect(queued.summary.fid!.n).toBe(7);
    expect(queued.summary.fid!.mean).toBeGreaterThan(0);
    expect(scoring.failed).toEqual([]);
    expect(waits).toContain('score');
    expect(waits).toContain('fid');
    expect(await sortedLines(queued.files.results)).toEqual(await sortedLines(local.files.results));
    for (const f of ['summary.json', 'table.md', 'per-image.csv', 'summary.csv'] as const) {
      expect(await readFile(path.join(outDir, f), 'utf8'), f).toBe(await readFile(path.join(dir, 'local', f), 'utf8'));
    }
    // One done file per image plus the run's config, each naming its job.
    const done = JSON.parse(await readFile(path.join(outDir, EVAL_JOBS_FOLDER, (await import('node:fs')).readdirSync(path.join(outDir, EVAL_JOBS_FOLDER)).find((f) => f.startsWith('000.'))!), 'utf8'));
    expect(done.queue.jobId).toMatch(/^eval-[0-9a-f]{64}$/);
    const { stamp: _stamp, ...row0 } = local.rows[0]!;
    expect(parseResultRow(JSON.stringify(done.row))).toEqual(row0);

    // FID-only: no per-image metrics, features-only jobs; the FID equals the local one.
    const fidLocal = await evaluateFolders({ pred, gt, outDir: path.join(dir, 'fid-local'), metrics: ['fid'], models, workers: 0 });
    const fidQueued = await evaluateFolders({ pred, gt, outDir: path.join(dir, 'fid-queued'), metrics: ['fid'], models, scoring: createQueueScoring({ queue, outDir: path.join(dir, 'fid-queued'), fidModel: inception, pollMs: 50 }) });
    expect(fidQueued.summary).toEqual(fidLocal.summary);

    const status = await queue.status();
    expect(status).toMatchObject({ waiting: 0, active: 0, failed: 0, done: 14 });
    await Promise.all(workers.map((w) => w.close()));
    await evalJobs.dispose();
    await queue.close();
  });

  it('an unreadable restored image is a failure row, as in a local run, not a failed job', async () => {
    const bad = path.join(dir, 'bad-pred');
    await mkdir(bad);
    await writeFile(path.join(bad, '000.png'), 'not a png');
    await writeImage(path.join(bad, '001.png'), image(1, 30));
    const local = await evaluateFolders({ pred: bad, gt, outDir: path.join(dir, 'bad-local'), metrics: ['psnr'], workers: 0 });
    const queue = createQueue({ connection: redis.url, name: 'eval-bad' });
    const evalJobs = createEvalProcessor();
    const worker = await createWorker({ connection: redis.url, name: 'eval-bad', processors: { eval: evalJobs.processor } });
    const outDir = path.join(dir, 'bad-queued');
    const queued = await evaluateFolders({ pred: bad, gt, outDir, metrics: ['psnr'], scoring: createQueueScoring({ queue, outDir, pollMs: 50 }) });
    expect(queued.rows).toEqual(local.rows);
    expect(queued.rows[0]).toMatchObject({ ok: false, code: 'IMAGE_DECODE_FAILED' });
    expect(queued.complete).toBe(false);
    expect((await queue.status()).failed).toBe(0);
    await worker.close();
    await evalJobs.dispose();
    await queue.close();
  });
});
