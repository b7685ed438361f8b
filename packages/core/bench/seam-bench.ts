/**
 * Two measurements, printed as JSON on stdout (run through `node bench/run.mjs`):
 *
 * 1. Seam overhead: the same graph run through `createSession(...).run` and through a raw
 *    onnxruntime-node `InferenceSession.run` (tensors built per call, as a caller would), with
 *    identical session options, interleaved call by call, median of many calls.
 * 2. One UNet forward at a realistic width (320 channels, SD's base width; latent 2x4x64x64,
 *    text context 2x77x1024) built by the graph builder; its bytes, inputs and output are written
 *    to `--out` so `unet_torch_bench.py` can time the same network in PyTorch eager and check
 *    that both agree.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-node';
import { createRng } from '@diffmac/base';
import { buildTinyUnet } from '../src/testing';
import { createSession, type Tensor } from '../src/index';

const args = process.argv.slice(2);
const outDir = args[args.indexOf('--out') + 1] ?? '.';
const threads = Number(args.includes('--threads') ? args[args.indexOf('--threads') + 1] : 1);
const quick = args.includes('--quick');

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}

function randn(shape: number[], seed: string): Tensor {
  const data = new Float32Array(shape.reduce((a, b) => a * b, 1));
  createRng(seed).normal(data);
  return { data, shape };
}

interface Case {
  name: string;
  hidden: number;
  contextDim: number;
  latent: number;
  batch: number;
  sequence: number;
  calls: number;
}

async function overhead(c: Case) {
  const unet = buildTinyUnet({ hidden: c.hidden, contextDim: c.contextDim, seed: c.name });
  const feeds: Record<string, Tensor> = {
    sample: randn([c.batch, 4, c.latent, c.latent], 'sample'),
    timestep: { data: new BigInt64Array([500n]), shape: [1] },
    encoder_hidden_states: randn([c.batch, c.sequence, c.contextDim], 'context'),
  };
  const options = { intraOpNumThreads: threads, graphOptimizationLevel: 'all' as const, executionProviders: ['cpu'] };
  const raw = await ort.InferenceSession.create(unet.bytes, options);
  const seam = await createSession(unet.bytes, { threads, graphOptimization: 'all' });
  // The seam's own native session, called directly: isolates the wrapper's cost from the
  // session-to-session variance of two native sessions (bench-only access to a private field).
  const own = (seam as unknown as { native: ort.InferenceSession }).native;
  const ortFeeds = () => {
    const f: Record<string, ort.Tensor> = {};
    for (const [k, t] of Object.entries(feeds)) f[k] = new ort.Tensor(k === 'timestep' ? 'int64' : 'float32', t.data as Float32Array, t.shape as number[]);
    return f;
  };
  const runs: Record<'raw' | 'own' | 'seam', () => Promise<unknown>> = {
    raw: () => raw.run(ortFeeds()),
    own: () => own.run(ortFeeds()),
    seam: () => seam.run(feeds),
  };
  const names = Object.keys(runs) as (keyof typeof runs)[];
  for (let i = 0; i < 5; i++) for (const n of names) await runs[n]();
  const ms: Record<string, number[]> = { raw: [], own: [], seam: [] };
  for (let i = 0; i < c.calls; i++) {
    for (let j = 0; j < names.length; j++) {
      const n = names[(i + j) % names.length]!;
      const t0 = performance.now();
      await runs[n]();
      ms[n]!.push(performance.now() - t0);
    }
  }
  await raw.release();
  await seam.dispose();
  const r = median(ms.raw!);
  const o = median(ms.own!);
  const s = median(ms.seam!);
  // Paired per-round differences cancel the slow drift of a shared machine.
  const pairedOwn = median(ms.seam!.map((v, i) => v - ms.own![i]!));
  const pairedRaw = median(ms.seam!.map((v, i) => v - ms.raw![i]!));
  return { case: c.name, calls: c.calls, raw_ms: r, own_ms: o, seam_ms: s, overhead_pct: (pairedRaw / r) * 100, wrapper_pct: (pairedOwn / o) * 100, wrapper_us: pairedOwn * 1000 };
}

async function realistic() {
  const hidden = 320;
  const contextDim = 1024;
  const unet = buildTinyUnet({ hidden, contextDim, seed: 'realistic' });
  const feeds: Record<string, Tensor> = {
    sample: randn([2, 4, 64, 64], 'sample'),
    timestep: { data: new BigInt64Array([981n]), shape: [1] },
    encoder_hidden_states: randn([2, 77, contextDim], 'context'),
  };
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'unet.onnx'), unet.bytes);
  writeFileSync(join(outDir, 'sample.f32'), feeds.sample!.data as Float32Array);
  writeFileSync(join(outDir, 'context.f32'), feeds.encoder_hidden_states!.data as Float32Array);
  const session = await createSession(unet.bytes, { threads, graphOptimization: 'all' });
  let out = await session.run(feeds);
  const times: number[] = [];
  for (let i = 0; i < (quick ? 3 : 10); i++) {
    const t0 = performance.now();
    out = await session.run(feeds);
    times.push(performance.now() - t0);
  }
  writeFileSync(join(outDir, 'out_sample.f32'), out.out_sample!.data as Float32Array);
  await session.dispose();
  return { hidden, contextDim, latent: [2, 4, 64, 64], context: [2, 77, contextDim], params: unet.bytes.byteLength / 4, ms: median(times), runs: times.length };
}

const cases: Case[] = [
  { name: 'small (8 ch, 8x8 latent)', hidden: 8, contextDim: 32, latent: 8, batch: 1, sequence: 16, calls: quick ? 200 : 2000 },
  { name: 'medium (64 ch, 32x32 latent)', hidden: 64, contextDim: 256, latent: 32, batch: 1, sequence: 77, calls: quick ? 30 : 300 },
  { name: 'realistic (320 ch, 2x4x64x64 latent)', hidden: 320, contextDim: 1024, latent: 64, batch: 2, sequence: 77, calls: quick ? 3 : 12 },
];
const seam = [];
for (const c of cases) seam.push(await overhead(c));
const unet = await realistic();
process.stdout.write(`${JSON.stringify({ node: process.version, ort: ort.env.versions.common, threads, seam, unet })}\n`);
