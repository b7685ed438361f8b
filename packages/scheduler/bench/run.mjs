#!/usr/bin/env node
// Run the scheduler step benchmark: bundle bench/step-bench.ts with esbuild, time every scheduler
// in Node, time the same steps on torch CPU (bench/diffusers_step_bench.py), print a markdown
// table with the ratios. Usage (from packages/scheduler):
//   node bench/run.mjs [--skip-python] [--json out.json]
//   node bench/run.mjs --merge run1.json run2.json ...   (table of the per-entry fastest of saved runs)
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));

function fastestOf(records) {
  const out = {};
  for (const r of records) for (const [k, v] of Object.entries(r ?? {})) out[k] = out[k] === undefined ? v : Math.min(out[k], v);
  return out;
}

function printTable(js, py, runs) {
  const fmt = (v) => (v === undefined ? '–' : v < 0.1 ? v.toFixed(3) : v.toFixed(2));
  const ratio = (ref, ms) => (ref === undefined || ms === undefined ? '–' : `${(ref / ms).toFixed(1)}×`);
  console.log(`Node ${js.node}; Python side: ${py.impl}${py.torch ? `, torch ${py.torch}, ${py.threads} thread(s)` : ''}; fastest of ${runs} run(s)\n`);
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
}

const mergeAt = process.argv.indexOf('--merge');
if (mergeAt > 0) {
  const runs = process.argv.slice(mergeAt + 1).map((f) => JSON.parse(readFileSync(f, 'utf8')));
  const js = {
    node: runs[0].js.node,
    ms_per_step: fastestOf(runs.map((r) => r.js.ms_per_step)),
    out_ms_per_step: fastestOf(runs.map((r) => r.js.out_ms_per_step)),
    functional_ms_per_step: fastestOf(runs.map((r) => r.js.functional_ms_per_step)),
  };
  const py = { ...runs[0].py, ms_per_step: fastestOf(runs.map((r) => r.py.ms_per_step)) };
  printTable(js, py, runs.length);
} else {
  const { build } = await import('esbuild');
  const dir = mkdtempSync(path.join(tmpdir(), 'scheduler-bench-'));
  const out = path.join(dir, 'step-bench.mjs');
  try {
    await build({ entryPoints: [path.join(here, 'step-bench.ts')], bundle: true, platform: 'node', format: 'esm', target: 'node20', outfile: out, logLevel: 'warning' });
    const js = JSON.parse(execFileSync(process.execPath, [out], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'], env: process.env }));
    let py = { impl: 'not run', ms_per_step: {} };
    if (!process.argv.includes('--skip-python')) {
      py = JSON.parse(execFileSync('python3', [path.join(here, 'diffusers_step_bench.py')], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] }));
    }
    const jsonAt = process.argv.indexOf('--json');
    if (jsonAt > 0 && process.argv[jsonAt + 1]) writeFileSync(process.argv[jsonAt + 1], JSON.stringify({ js, py }, null, 1));
    printTable(js, py, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
