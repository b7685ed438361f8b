#!/usr/bin/env node
// PSNR + SSIM (RGB and Y) over 512² pairs: @diffmac/eval on one core and with worker threads on
// all cores, against BasicSR-equivalent numpy/cv2 code (basicsr_psnr_ssim.py, Debian python3-opencv
// and numpy) in one process, on the same machine in the same run.
// Usage (from packages/eval): node bench/run.mjs [--repeat N] [--pairs N] [--python /usr/bin/python3]
import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { goldenPath } from '../../../scripts/golden.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, d) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : d);
const repeat = opt('--repeat', '3');
const python = opt('--python', '/usr/bin/python3');
const g = goldenPath('metrics', 'images');
const all = [
  ['adele', 'P01_adele_blur'],
  ['julia_roberts', 'P02_julia_roberts_bicubic_x4'],
  ['justin_timberlake', 'P03_justin_timberlake_noise_s10'],
  ['paris_hilton', 'P04_paris_hilton_jpeg_q60'],
  ['cf0240', 'P05_cf0240_gfpgan_chain'],
  ['cf0717', 'P06_cf0717_blur_s1.5_jpeg_q80'],
].map(([gt, lq]) => `${g}/gt/${gt}.png,${g}/lq/${lq}.png`);
const pairs = all.slice(0, Number(opt('--pairs', String(all.length))));
const out = path.join(here, '.psnr-ssim-bench.tmp.mjs');
try {
  await build({
    entryPoints: [path.join(here, 'psnr-ssim-bench.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    logLevel: 'warning',
    conditions: ['@diffmac/source'],
    external: ['onnxruntime-node', 'sharp', '@huggingface/transformers', '@vladmandic/face-api', '@tensorflow/*', 'onnx-proto'],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  const cores = availableParallelism();
  const js = JSON.parse(execFileSync(process.execPath, [out, '--repeat', repeat, '--workers', String(cores), ...pairs], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  const py1 = JSON.parse(execFileSync(python, [path.join(here, 'basicsr_psnr_ssim.py'), '--threads', '1', '--repeat', repeat, ...pairs], { encoding: 'utf8' }));
  const pyN = JSON.parse(execFileSync(python, [path.join(here, 'basicsr_psnr_ssim.py'), '--threads', String(cores), '--repeat', repeat, ...pairs], { encoding: 'utf8' }));
  let maxDiff = 0;
  js.scores.forEach((s, i) => {
    for (const k of ['psnr', 'ssim', 'psnr_y', 'ssim_y']) maxDiff = Math.max(maxDiff, Math.abs(s[k] - py1.scores[i][k]));
  });
  const per = (s) => ((s / js.pairs) * 1000).toFixed(1);
  console.log(`${js.pairs} pairs of 512x512 (PSNR+SSIM, RGB and Y each), best of ${repeat}; ${cores} cores; Node ${js.node}; OpenCV ${py1.opencv}, numpy ${py1.numpy}\n`);
  console.log('| run | ms per pair | vs BasicSR (1 process) |');
  console.log('| --- | ---: | ---: |');
  console.log(`| BasicSR-equivalent numpy/cv2, cv2.setNumThreads(1) | ${per(py1.best_s)} | ${(pyN.best_s / py1.best_s).toFixed(2)}x |`);
  console.log(`| BasicSR-equivalent numpy/cv2, cv2.setNumThreads(${cores}) (one process) | ${per(pyN.best_s)} | 1.00x |`);
  console.log(`| @diffmac/eval, one core (main thread) | ${per(js.single_best_s)} | ${(pyN.best_s / js.single_best_s).toFixed(2)}x (vs 1-thread cv2: ${(py1.best_s / js.single_best_s).toFixed(2)}x) |`);
  console.log(`| @diffmac/eval, ${js.workers} worker threads | ${per(js.workers_best_s)} | ${(pyN.best_s / js.workers_best_s).toFixed(2)}x |`);
  console.log(`\nlargest |difference| of any score against the Python run: ${maxDiff.toExponential(2)}`);
} finally {
  rmSync(out, { force: true });
}
