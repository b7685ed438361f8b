#!/usr/bin/env node
// Pipeline overhead (one 512² face through the tiny bundle) and whole-photo overhead (align +
// paste-back) against facexlib's helper maths in OpenCV (bench/pipeline_facexlib.py).
// Usage (from packages/core): node bench/pipeline.mjs [--threads N] [--repeats N] [--skip-python]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { goldenPath } from '../../../scripts/golden.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const threads = argv.includes('--threads') ? argv[argv.indexOf('--threads') + 1] : '1';
const repeats = argv.includes('--repeats') ? argv[argv.indexOf('--repeats') + 1] : '5';
const out = path.join(here, '.pipeline-bench.tmp.mjs');
const photoOut = path.join(here, '.pipeline-photo-bench.tmp.mjs');
const photo = goldenPath('align', 'inputs', 'gfpgan_10045.png');
const work = mkdtempSync(path.join(tmpdir(), 'pipeline-photo-'));
const options = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  logLevel: 'warning',
  conditions: ['@diffmac/source'],
  external: ['onnxruntime-node', 'sharp', '@huggingface/transformers', '@tensorflow/*', '@vladmandic/*'],
  banner: { js: "import { createRequire as __diffmacCreateRequire } from 'node:module'; const require = __diffmacCreateRequire(import.meta.url);" },
};
try {
  await build({ ...options, entryPoints: [path.join(here, 'pipeline-bench.ts')], outfile: out });
  const js = JSON.parse(execFileSync(process.execPath, [out, '--threads', threads, '--repeats', repeats], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], cwd: path.join(here, '..') }));
  console.log(`Node ${js.node}, ${js.threads} intra-op thread(s), median of ${js.repeats} runs\n`);
  console.log('| one 512² face, tiny bundle | session runs | pipeline ms | session ms | pipeline − sessions ms | share of total |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of js.results) {
    console.log(`| ${r.case} | ${r.calls} | ${r.total_ms.toFixed(1)} | ${r.session_ms.toFixed(1)} | ${r.overhead_ms.toFixed(1)} | ${r.overhead_pct.toFixed(1)}% |`);
  }

  await build({ ...options, entryPoints: [path.join(here, 'pipeline-photo-bench.mjs')], outfile: photoOut });
  const ts = JSON.parse(execFileSync(process.execPath, [photoOut, '--photo', photo, '--out', work, '--size', '512', '--upscale', '2', '--repeats', repeats], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], cwd: path.join(here, '..') }));
  console.log(`\nWhole photo: ${path.basename(photo)} (${ts.width}x${ts.height}), ${ts.faces} face(s), 512² crops, upscale 2, fastest of ${repeats}\n`);
  let py;
  if (!argv.includes('--skip-python')) {
    py = JSON.parse(execFileSync('python3', [path.join(here, 'pipeline_facexlib.py'), photo, path.join(work, 'landmarks.json'), '512', '2', repeats], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  }
  const ratio = (a, b) => (b === undefined ? '—' : `${(a / b).toFixed(2)}×`);
  console.log('| step | diffmac ms | facexlib maths (OpenCV) ms | diffmac / facexlib |');
  console.log('| --- | ---: | ---: | ---: |');
  console.log(`| detect (embedded face-api SSD, ONNX) | ${ts.detect_ms.toFixed(1)} | — (RetinaFace not available offline) | — |`);
  console.log(`| align (similarity LMEDS + warp), all faces | ${ts.align_ms.toFixed(1)} | ${py ? py.align_ms.toFixed(1) : '—'} | ${ratio(ts.align_ms, py?.align_ms)} |`);
  console.log(`| paste-back (inverse warp, masks, blur, blend, Lanczos upscale) | ${ts.paste_ms.toFixed(1)} | ${py ? py.paste_ms.toFixed(1) : '—'} | ${ratio(ts.paste_ms, py?.paste_ms)} |`);
  console.log(`| align + paste | ${(ts.align_ms + ts.paste_ms).toFixed(1)} | ${py ? (py.align_ms + py.paste_ms).toFixed(1) : '—'} | ${ratio(ts.align_ms + ts.paste_ms, py ? py.align_ms + py.paste_ms : undefined)} |`);
} finally {
  rmSync(out, { force: true });
  rmSync(photoOut, { force: true });
  rmSync(work, { recursive: true, force: true });
}
