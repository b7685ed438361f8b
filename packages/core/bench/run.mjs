#!/usr/bin/env node
// Core benchmarks: the inference seam's overhead over raw onnxruntime-node, and one UNet forward
// at a realistic width against PyTorch eager (bench/unet_torch_bench.py, Debian python3-torch).
// Usage (from packages/core): node bench/run.mjs [--threads N] [--quick] [--skip-python]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'core-bench-'));
// The bundle sits next to the sources so that its external imports (onnxruntime-node) resolve.
const out = path.join(here, '.seam-bench.tmp.mjs');
const argv = process.argv.slice(2);
const threads = argv.includes('--threads') ? argv[argv.indexOf('--threads') + 1] : '1';
try {
  await build({
    entryPoints: [path.join(here, 'seam-bench.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    logLevel: 'warning',
    conditions: ['@diffmac/source'],
    external: ['onnxruntime-node', 'sharp', '@huggingface/transformers'],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  const args = [out, '--out', dir, '--threads', threads, ...(argv.includes('--quick') ? ['--quick'] : [])];
  const js = JSON.parse(execFileSync(process.execPath, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], cwd: path.join(here, '..') }));
  console.log(`Node ${js.node}, onnxruntime-node ${js.ort}, ${js.threads} intra-op thread(s)\n`);
  const pct = (v) => `${v >= 0 ? '+' : ''}${v.toFixed(1)}%`;
  console.log('| graph (median of interleaved calls) | raw ort session ms | seam\'s own native session, raw call ms | createSession().run ms | seam − own session (median paired difference) | seam − separate raw session |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const s of js.seam) {
    console.log(`| ${s.case}, ${s.calls} calls | ${s.raw_ms.toFixed(3)} | ${s.own_ms.toFixed(3)} | ${s.seam_ms.toFixed(3)} | ${pct(s.wrapper_pct)} (${s.wrapper_us.toFixed(1)} µs) | ${pct(s.overhead_pct)} |`);
  }
  const u = js.unet;
  let py = undefined;
  if (!argv.includes('--skip-python')) {
    py = JSON.parse(
      execFileSync('python3', [path.join(here, 'unet_torch_bench.py'), dir, '--threads', threads, ...(argv.includes('--quick') ? ['--quick'] : [])], {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'inherit'],
      }),
    );
  }
  console.log(`\nUNet forward, width ${u.hidden}, latent ${u.latent.join('x')}, context ${u.context.join('x')} (~${(u.params / 1e6).toFixed(1)} M params)\n`);
  console.log('| runtime | ms per forward | ratio |');
  console.log('| --- | ---: | ---: |');
  console.log(`| onnxruntime-node through the seam | ${u.ms.toFixed(1)} | 1.00 |`);
  if (py) console.log(`| PyTorch ${py.torch} eager (${py.threads} thread(s)) | ${py.ms.toFixed(1)} | ${(py.ms / u.ms).toFixed(2)} |`);
  if (py) console.log(`\nmax |onnxruntime − torch| on out_sample: ${py.max_abs_diff.toExponential(2)}`);
} finally {
  rmSync(dir, { recursive: true, force: true });
  rmSync(out, { force: true });
}
