#!/usr/bin/env node
// Align + warp + paste-back of one face in a 1024² photo: @diffmac/face-align against facexlib's
// steps on OpenCV (align_paste_opencv.py, Debian python3-opencv), same photo, same machine, one run.
// Usage (from packages/face-align): node bench/run.mjs [--runs 20] [--python /usr/bin/python3]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';
import { goldenPath } from '../../../scripts/golden.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, fallback) => (argv.includes(name) ? argv[argv.indexOf(name) + 1] : fallback);
const runs = opt('--runs', '20');
const python = opt('--python', '/usr/bin/python3');
const golden = goldenPath('align');
const dir = mkdtempSync(path.join(tmpdir(), 'face-align-bench-'));
const photo = path.join(dir, 'photo-1024.png');
const out = path.join(here, '.align-paste-bench.tmp.mjs');
try {
  const cv = JSON.parse(execFileSync(python, [path.join(here, 'align_paste_opencv.py'), golden, photo, runs], { encoding: 'utf8' }));
  await build({
    entryPoints: [path.join(here, 'align-paste-bench.ts')],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: out,
    logLevel: 'warning',
    conditions: ['@diffmac/source'],
    external: ['onnxruntime-node', 'sharp', '@huggingface/transformers', 'onnx-proto'],
    banner: { js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);" },
  });
  const js = JSON.parse(execFileSync(process.execPath, ['--max-old-space-size=2048', out, photo, JSON.stringify(cv.landmarks), runs], { encoding: 'utf8', cwd: path.join(here, '..') }));
  console.log(`Node ${js.node} vs OpenCV ${cv.opencv} (${cv.threads} threads), 1024x1024 photo, one face, 512² crop, median of ${runs} runs\n`);
  console.log('| step | OpenCV / facexlib wall ms | ours wall ms | wall ratio (ours / OpenCV) | OpenCV CPU ms | ours CPU ms | CPU ratio |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: | ---: |');
  const rows = [
    ['similarity estimate (LMEDS)', 'estimate_ms'],
    ['512² crop warp', 'warp_ms'],
    ['paste-back (inverse warp, mask, erode, blur, blend)', 'paste_ms'],
    ['align + warp + paste-back, end to end', 'total_ms'],
  ];
  const f = (v) => v.toFixed(2);
  for (const [label, key] of rows) {
    const [cw, cc] = cv[key], [jw, jc] = js[key];
    console.log(`| ${label} | ${f(cw)} | ${f(jw)} | ${f(jw / cw)}× | ${f(cc)} | ${f(jc)} | ${f(jc / cc)}× |`);
  }
} finally {
  rmSync(out, { force: true });
  rmSync(dir, { recursive: true, force: true });
}
