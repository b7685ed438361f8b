/**
 * PSNR + SSIM (RGB and Y) over 512² pairs: one core (main thread), and worker threads on all
 * cores (pairs split across a pool; per-pair scores merged). Prints JSON. Run through run.mjs.
 */
import { availableParallelism } from 'node:os';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import sharp from 'sharp';
import { ScoreAccumulator } from '../src/api/accumulator';
import { psnr } from '../src/metrics/psnr';
import { ssim } from '../src/metrics/ssim';
import type { ColorImage } from '@diffmac/base';

type Scores = { psnr: number; ssim: number; psnr_y: number; ssim_y: number };

function score(img: ColorImage, ref: ColorImage): Scores {
  return {
    psnr: psnr(img, ref),
    ssim: ssim(img, ref),
    psnr_y: psnr(img, ref, { yChannel: true }),
    ssim_y: ssim(img, ref, { yChannel: true }),
  };
}

async function read(file: string): Promise<ColorImage<Uint8Array>> {
  const { data, info } = await sharp(file).removeAlpha().raw().toBuffer({ resolveWithObject: true });
  return { width: info.width, height: info.height, channels: 3, data: new Uint8Array(data) };
}

if (!isMainThread) {
  const pairs = (workerData as { pairs: [ColorImage, ColorImage][] }).pairs;
  parentPort!.on('message', (msg: { indices: number[] }) => {
    const acc: Record<keyof Scores, ScoreAccumulator> = {
      psnr: new ScoreAccumulator('psnr'),
      ssim: new ScoreAccumulator('ssim'),
      psnr_y: new ScoreAccumulator('psnr-y'),
      ssim_y: new ScoreAccumulator('ssim-y'),
    };
    for (const i of msg.indices) {
      const [img, ref] = pairs[i]!;
      const s = score(img, ref);
      for (const k of Object.keys(acc) as (keyof Scores)[]) acc[k].update(s[k], String(i));
    }
    parentPort!.postMessage(Object.fromEntries(Object.entries(acc).map(([k, a]) => [k, a.state()])));
  });
} else {
  const argv = process.argv.slice(2);
  const opt = (name: string, d: string) => (argv.includes(name) ? argv[argv.indexOf(name) + 1]! : d);
  const repeat = Number(opt('--repeat', '3'));
  const workersN = Number(opt('--workers', String(availableParallelism())));
  const files = argv.filter((a) => a.includes(','));
  const pairs: [ColorImage, ColorImage][] = [];
  for (const f of files) {
    const [gt, lq] = f.split(',') as [string, string];
    pairs.push([await read(lq), await read(gt)]);
  }
  const scores = pairs.map(([a, b]) => score(a, b)); // warm-up + values
  const single: number[] = [];
  for (let r = 0; r < repeat; r++) {
    const t = performance.now();
    for (const [a, b] of pairs) score(a, b);
    single.push((performance.now() - t) / 1000);
  }
  const workers = Array.from({ length: workersN }, () => new Worker(new URL(import.meta.url), { workerData: { pairs } }));
  const runAll = () =>
    Promise.all(
      workers.map(
        (w, k) =>
          new Promise<Record<string, ReturnType<ScoreAccumulator['state']>>>((resolve) => {
            w.once('message', resolve);
            w.postMessage({ indices: pairs.map((_, i) => i).filter((i) => i % workersN === k) });
          }),
      ),
    );
  await runAll(); // warm-up
  const pooled: number[] = [];
  let merged: Record<string, number> = {};
  for (let r = 0; r < repeat; r++) {
    const t = performance.now();
    const states = await runAll();
    pooled.push((performance.now() - t) / 1000);
    merged = Object.fromEntries(
      ['psnr', 'ssim', 'psnr_y', 'ssim_y'].map((k) => {
        const acc = new ScoreAccumulator(states[0]![k]!.metric);
        for (const s of states) acc.merge(s[k]!);
        return [k, acc.compute().value];
      }),
    );
  }
  await Promise.all(workers.map((w) => w.terminate()));
  const best = (x: number[]) => Math.min(...x);
  process.stdout.write(
    JSON.stringify({ node: process.version, pairs: pairs.length, workers: workersN, single_best_s: best(single), workers_best_s: best(pooled), scores, merged_means: merged }),
  );
}
