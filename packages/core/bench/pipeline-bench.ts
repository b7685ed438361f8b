/**
 * Pipeline overhead, printed as JSON on stdout (run through `node bench/pipeline.mjs`): one 512²
 * face through the tiny DiffMAC bundle (`writeTinyBundle(..., { resolution: 512 })`) with each
 * preset, timing every session `run` through the preset's `instrument` hook. Overhead = pipeline
 * wall time − the sum of session run times (everything the pipeline adds: samplers, AdaIN guidance,
 * noise, tensor conversions, VAE tiling, colour fix).
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createRng } from '@diffmac/base';
import { writeTinyBundle } from '../src/testing';
import { createPresetPipeline, loadBundle, type InferenceSession, type PresetPipelineOptions } from '../src/index';

const args = process.argv.slice(2);
const threads = Number(args.includes('--threads') ? args[args.indexOf('--threads') + 1] : 1);
const repeats = Number(args.includes('--repeats') ? args[args.indexOf('--repeats') + 1] : 5);

function median(a: number[]): number {
  const s = [...a].sort((x, y) => x - y);
  return s[Math.floor(s.length / 2)]!;
}

const dir = mkdtempSync(join(tmpdir(), 'pipeline-bench-'));
try {
  await writeTinyBundle(join(dir, 'tiny'), { resolution: 512, seed: 1 });
  await writeTinyBundle(join(dir, 'restorer'), { kind: 'restorer', resolution: 512, seed: 2 });
  const bundle = await loadBundle(join(dir, 'tiny'), { session: { threads } });
  const restorerBundle = await loadBundle(join(dir, 'restorer'), { session: { threads } });
  const face = { data: new Float32Array(3 * 512 * 512), shape: [1, 3, 512, 512] };
  createRng('face').normal(face.data);
  for (let i = 0; i < face.data.length; i++) face.data[i] = Math.tanh(face.data[i]! * 0.5);
  const cases: { name: string; options: PresetPipelineOptions }[] = [
    { name: 'diffmac (Stage I 20 steps + AdaIN, MIB, Stage II 20×0.5, AdaIN fix)', options: { preset: 'diffmac', stage1Steps: 20, steps: 20 } },
    { name: 'diffmac, no colour fix', options: { preset: 'diffmac', stage1Steps: 20, steps: 20, colourFix: 'none' } },
    { name: 'diffmac, dpmpp_2m + wavelet fix', options: { preset: 'diffmac', stage1Steps: 20, steps: 20, sampler: 'dpmpp_2m', colourFix: 'wavelet' } },
    { name: 'diffbir-like (one-pass, 20 steps, wavelet fix)', options: { preset: 'diffbir-like', restorerBundle, steps: 20 } },
    { name: 'difface-like (one-pass, channel t=400, 20 steps)', options: { preset: 'difface-like', restorerBundle, steps: 20 } },
    { name: 'one-pass (CodeFormer-like 512²)', options: { preset: 'one-pass', fidelity: 0.5 } },
  ];
  const results = [];
  for (const c of cases) {
    let sessionMs = 0;
    let calls = 0;
    const instrument = (s: InferenceSession): InferenceSession => ({
      inputs: s.inputs,
      outputs: s.outputs,
      dispose: () => s.dispose(),
      async run(feeds, options) {
        const t0 = performance.now();
        const out = await s.run(feeds, options);
        sessionMs += performance.now() - t0;
        calls++;
        return out;
      },
    });
    const pipeline = await createPresetPipeline(c.options.preset === 'one-pass' ? restorerBundle : bundle, { ...c.options, instrument, session: { threads } });
    await pipeline.run(face, { seed: 0 }); // warm-up
    const totals: number[] = [];
    const sessions: number[] = [];
    const overheads: number[] = [];
    let perRunCalls = 0;
    for (let r = 0; r < repeats; r++) {
      sessionMs = 0;
      calls = 0;
      const t0 = performance.now();
      await pipeline.run(face, { seed: r });
      const total = performance.now() - t0;
      totals.push(total);
      sessions.push(sessionMs);
      overheads.push(total - sessionMs);
      perRunCalls = calls;
    }
    await pipeline.dispose();
    const total = median(totals);
    const overhead = median(overheads);
    results.push({ case: c.name, calls: perRunCalls, total_ms: total, session_ms: median(sessions), overhead_ms: overhead, overhead_pct: (100 * overhead) / total });
  }
  process.stdout.write(`${JSON.stringify({ node: process.version, threads, repeats, results })}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
