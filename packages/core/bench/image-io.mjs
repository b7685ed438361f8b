#!/usr/bin/env node
// Image I/O benchmark: @diffmac/core (sharp + TypeScript conversions) against OpenCV + numpy
// (Debian python3-opencv) on the same files, one thread each.
// Usage (from packages/core): node bench/image-io.mjs [--quick] [--rounds N] [--skip-python]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'core-image-bench-'));
const out = path.join(here, '.image-io-bench.tmp.mjs');
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
try {
  await build({
    entryPoints: [path.join(here, 'image-io-bench.ts')],
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
  // Alternate the two sides for a few rounds and keep each case's best median, so a burst of load
  // on a shared machine does not land on one side only.
  const rounds = argv.includes('--rounds') ? Number(argv[argv.indexOf('--rounds') + 1]) : quick ? 1 : 3;
  let js;
  let py;
  const best = (a, b) => (a === undefined ? b : { ...b, cases: Object.fromEntries(Object.entries(b.cases).map(([k, v]) => [k, Math.min(v, a.cases[k])])) });
  for (let r = 0; r < rounds; r++) {
    js = best(js, JSON.parse(execFileSync(process.execPath, [out, '--out', dir, ...(quick ? ['--quick'] : [])], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })));
    if (!argv.includes('--skip-python')) {
      py = best(py, JSON.parse(execFileSync('python3', [path.join(here, 'image_io_opencv.py'), dir, String(js.runs)], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] })));
    }
  }
  console.log(`Node ${js.node}, sharp ${js.sharp}${py ? `; OpenCV ${py.opencv}, numpy ${py.numpy}` : ''}; ${js.size}×${js.size} RGB, best of ${rounds} rounds of the median of ${js.runs} runs, one thread\n`);
  console.log('| case | @diffmac/core ms | OpenCV/numpy ms | ratio (core / OpenCV) |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [name, ms] of Object.entries(js.cases)) {
    const peer = py?.cases[name];
    console.log(`| ${name} | ${ms.toFixed(2)} | ${peer === undefined ? '—' : peer.toFixed(2)} | ${peer === undefined ? '—' : (ms / peer).toFixed(2)} |`);
  }
} finally {
  rmSync(out, { force: true });
  rmSync(dir, { recursive: true, force: true });
}
