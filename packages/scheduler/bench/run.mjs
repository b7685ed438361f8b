#!/usr/bin/env node
// Run the scheduler step benchmark: bundle bench/step-bench.ts with esbuild, time every scheduler
// in Node, time the same steps on torch CPU (bench/diffusers_step_bench.py), print a markdown
// table with the ratios. Usage (from packages/scheduler): node bench/run.mjs [--skip-python]
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = path.dirname(fileURLToPath(import.meta.url));
const dir = mkdtempSync(path.join(tmpdir(), 'scheduler-bench-'));
const out = path.join(dir, 'step-bench.mjs');
try {
  await build({ entryPoints: [path.join(here, 'step-bench.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: out, logLevel: 'warning' });
  const js = JSON.parse(execFileSync(process.execPath, [out], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: process.env }));
  let py = { impl: 'not run', ms_per_step: {} };
  if (!process.argv.includes('--skip-python')) {
    py = JSON.parse(execFileSync('python3', [path.join(here, 'diffusers_step_bench.py')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
  }
  const fmt = (v) => (v === undefined ? '–' : v < 0.1 ? v.toFixed(3) : v.toFixed(2));
  console.log(`Node ${js.node}; Python side: ${py.impl}${py.torch ? `, torch ${py.torch}, ${py.threads} thread(s)` : ''}\n`);
  const ratio = (ref, ms) => (ref === undefined || ms === undefined ? '–' : `${(ref / ms).toFixed(1)}×`);
  console.log('| scheduler | torch (diffusers step) ms/step | @diffmac class ms/step | speed-up | with `options.out` ms/step | speed-up |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const [name, ms] of Object.entries(js.ms_per_step)) {
    const ref = py.ms_per_step[name];
    const out = js.out_ms_per_step?.[name];
    console.log(`| ${name} | ${fmt(ref)} | ${fmt(ms)} | ${ratio(ref, ms)} | ${fmt(out)} | ${ratio(ref, out)} |`);
  }
  console.log('\n| functional sampler | ms/step (sampler only, free denoiser) |');
  console.log('| --- | ---: |');
  for (const [name, ms] of Object.entries(js.functional_ms_per_step)) console.log(`| ${name} | ${fmt(ms)} |`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
