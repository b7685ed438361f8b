import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DiffmacError } from '@diffmac/base';
import { createQueue, createWorker, datasetJobId, imageSeed, isJobDone, parseQueueUrl, writeDoneFile, type DatasetJob, type WorkerEvent } from '../src/index';
import { startRedisServer, type RedisServer } from '../src/testing';

let redis: RedisServer;
let dir: string;

beforeAll(async () => {
  redis = await startRedisServer();
  dir = await mkdtemp(path.join(tmpdir(), 'diffmac-queue-'));
});

afterAll(async () => {
  await redis?.stop();
  await rm(dir, { recursive: true, force: true });
});

const jobsFor = (queueDir: string, names: string[], kind = 'write', options: unknown = {}): DatasetJob[] =>
  names.map((name) => ({
    id: datasetJobId({ kind, input: path.join(queueDir, `${name}.txt`), contentHash: name, options }),
    kind,
    name,
    donePath: path.join(queueDir, `${name}.json`),
    payload: { text: name.toUpperCase() },
  }));

describe('parseQueueUrl and job identity', () => {
  it('parses redis:// addresses and rejects others with a typed error', () => {
    expect(parseQueueUrl('redis://10.0.0.5:6380/2')).toEqual({ host: '10.0.0.5', port: 6380, db: 2 });
    expect(parseQueueUrl('rediss://u:p%40ss@h')).toEqual({ host: 'h', port: 6379, db: 0, username: 'u', password: 'p@ss', tls: true });
    for (const bad of ['http://h:1/0', 'redis://h:99999/0', 'redis://h:1/x', 'redis://h:1/16', 'nonsense']) {
      expect(() => parseQueueUrl(bad)).toThrowError(expect.objectContaining({ code: 'QUEUE_URL_INVALID' }));
    }
  });

  it('job ids change with the path, the content or any option; seeds with the run seed or name', () => {
    const base = { kind: 'restore', input: '/d/a.png', contentHash: 'h', options: { seed: 1, steps: 4 } };
    const id = datasetJobId(base);
    expect(datasetJobId({ ...base, options: { steps: 4, seed: 1 } })).toBe(id);
    expect(new Set([id, datasetJobId({ ...base, input: '/d/b.png' }), datasetJobId({ ...base, contentHash: 'g' }), datasetJobId({ ...base, options: { seed: 2, steps: 4 } })]).size).toBe(4);
    expect(imageSeed(7, 'a')).toBe(imageSeed(7, 'a'));
    expect(imageSeed(7, 'a')).not.toBe(imageSeed(7, 'b'));
    expect(imageSeed(7, 'a')).not.toBe(imageSeed(8, 'a'));
    expect(imageSeed(7, 'a')).toBeLessThan(2 ** 31);
  });
});

describe('createQueue / createWorker on a real Redis', () => {
  it('enqueues idempotently, runs every job once, skips finished ones and reports status', async () => {
    const qdir = await mkdtemp(path.join(dir, 'basic-'));
    const queue = createQueue({ connection: redis.url, name: 'basic' });
    const jobs = jobsFor(qdir, ['a', 'b', 'c', 'd', 'e']);
    await writeDoneFile(jobs[4]!.donePath, { text: 'E' }, { jobId: jobs[4]!.id, worker: 'earlier', attempt: 1 });
    const first = await queue.enqueue(jobs);
    expect(first.added.length).toBe(4);
    expect(first.done).toEqual([jobs[4]!.id]);
    const again = await queue.enqueue(jobs);
    expect(again.added).toEqual([]);
    expect(again.queued.length).toBe(4);

    const runs: string[] = [];
    const events: WorkerEvent[] = [];
    const controller = new AbortController();
    const worker = await createWorker({
      connection: redis.url,
      name: 'basic',
      concurrency: 2,
      signal: controller.signal,
      onEvent: (e) => events.push(e),
      processors: {
        write: async (payload: { text: string }, ctx) => {
          runs.push(ctx.name);
          ctx.progress({ step: 1, total: 1 });
          await writeDoneFile(ctx.donePath, { text: payload.text }, ctx);
        },
      },
    });
    const progress: number[] = [];
    const waited = await queue.waitFor(jobs, { pollMs: 50, onProgress: (e) => progress.push(e.done) });
    expect(waited.done.length).toBe(5);
    expect(waited.failed).toEqual([]);
    expect(runs.sort()).toEqual(['a', 'b', 'c', 'd']);
    expect(progress.at(-1)).toBe(5);
    expect(JSON.parse(await readFile(jobs[0]!.donePath, 'utf8'))).toMatchObject({ text: 'A', queue: { jobId: jobs[0]!.id, worker: worker.id, attempt: 1 } });
    expect(events.some((e) => e.type === 'job-progress')).toBe(true);

    const status = await queue.status();
    expect(status).toMatchObject({ name: 'basic', waiting: 0, active: 0, done: 4, failed: 0 });
    expect(status.throughputPerMinute).toBeGreaterThan(0);
    expect(status.etaSeconds).toBe(0);
    const rerun = await queue.enqueue(jobs);
    expect(rerun.added).toEqual([]);
    expect(rerun.done.length).toBe(5);

    controller.abort();
    await worker.closed;
    expect(events.at(-1)).toEqual({ type: 'closed' });
    await queue.close();
  });

  it('fails a job on a typed error at once, and retry-failed requeues it', async () => {
    const qdir = await mkdtemp(path.join(dir, 'fail-'));
    const queue = createQueue({ connection: redis.url, name: 'failing' });
    const jobs = jobsFor(qdir, ['good', 'bad']);
    await queue.enqueue(jobs);
    let allowBad = false;
    let badTries = 0;
    const worker = await createWorker({
      connection: redis.url,
      name: 'failing',
      processors: {
        write: async (payload: { text: string }, ctx) => {
          if (ctx.name === 'bad' && !allowBad) {
            badTries += 1;
            throw new DiffmacError('IMAGE_DECODE_FAILED', 'not an image', { argument: 'input' });
          }
          await writeDoneFile(ctx.donePath, { text: payload.text }, ctx);
        },
      },
    });
    const waited = await queue.waitFor(jobs, { pollMs: 50 });
    expect(waited.done).toEqual([jobs[0]!.id]);
    expect(waited.failed).toEqual([expect.objectContaining({ id: jobs[1]!.id, name: 'bad', reason: '[IMAGE_DECODE_FAILED] not an image', attempts: 1 })]);
    expect(badTries).toBe(1);
    const status = await queue.status();
    expect(status.failed).toBe(1);
    expect(status.failures[0]).toMatchObject({ name: 'bad', reason: '[IMAGE_DECODE_FAILED] not an image' });
    expect((await queue.enqueue(jobs)).failed).toEqual([jobs[1]!.id]);

    allowBad = true;
    expect(await queue.retryFailed()).toBe(1);
    const again = await queue.waitFor(jobs, { pollMs: 50 });
    expect(again.done.length).toBe(2);
    expect(await isJobDone(jobs[1]!.donePath, jobs[1]!.id)).toBe(true);
    await worker.close();
    await queue.close();
  });

  it('a worker killed with SIGKILL mid-job: the job is taken by another worker after the lock runs out, once', async () => {
    const qdir = await mkdtemp(path.join(dir, 'stalled-'));
    const queue = createQueue({ connection: redis.url });
    const jobs = jobsFor(qdir, ['slow'], 'sleep').map((j) => ({ ...j, payload: { ms: 60_000 } }));
    await queue.enqueue(jobs);
    const script = fileURLToPath(new URL('./fixtures/sleepy-worker.mjs', import.meta.url));
    const child = spawn(process.execPath, [script, redis.url, '1000'], { stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('start slow')) resolve();
      });
      child.on('exit', (code) => reject(new Error(`worker exited early (${code}): ${out}`)));
    });
    child.kill('SIGKILL');
    expect((await queue.status()).active).toBe(1);

    const started: string[] = [];
    const worker = await createWorker({
      connection: redis.url,
      lockDurationMs: 1000,
      stalledIntervalMs: 500,
      onEvent: (e) => {
        if (e.type === 'job-start') started.push(e.name);
      },
      processors: { sleep: async (_p, ctx) => writeDoneFile(ctx.donePath, { by: 'rescuer' }, ctx) },
    });
    const t0 = Date.now();
    const waited = await queue.waitFor(jobs, { pollMs: 100 });
    expect(waited.done).toEqual([jobs[0]!.id]);
    expect(started).toEqual(['slow']);
    expect(Date.now() - t0).toBeLessThan(15_000);
    const done = JSON.parse(await readFile(jobs[0]!.donePath, 'utf8'));
    expect(done).toMatchObject({ by: 'rescuer', queue: { attempt: 1 } });
    expect(await queue.status()).toMatchObject({ active: 0, failed: 0 });
    await worker.close();
    await queue.close();
  });

  it('survives a Redis restart: queued jobs persist and the worker reconnects', async () => {
    const qdir = await mkdtemp(path.join(dir, 'restart-'));
    const queue = createQueue({ connection: redis.url, name: 'restart' });
    const jobs = jobsFor(qdir, ['r1', 'r2', 'r3']);
    await queue.enqueue(jobs);
    await redis.restart();
    const worker = await createWorker({
      connection: redis.url,
      name: 'restart',
      processors: { write: async (p: { text: string }, ctx) => writeDoneFile(ctx.donePath, { text: p.text }, ctx) },
    });
    const waited = await queue.waitFor(jobs, { pollMs: 100 });
    expect(waited.done.length).toBe(3);
    expect(waited.readded).toBe(0);
    await worker.close();
    await queue.close();
  });
});

it('startRedisServer says how to install redis-server when it is missing', async () => {
  await expect(startRedisServer({ binary: path.join(dir ?? tmpdir(), 'no-such-redis-server') })).rejects.toMatchObject({ code: 'REDIS_NOT_INSTALLED', message: expect.stringContaining('apt-get install -y redis-server') });
  await writeFile(path.join(dir, 'x'), '');
});
