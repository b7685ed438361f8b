#!/usr/bin/env node
// Standard normals per call of 16,384 float32 values ([1, 4, 64, 64], one SD latent), interleaved
// in one run: the portable generator drawn one value at a time (the old normal(out)), its batched
// normal(out), the torch-compatible generator, and torch.randn itself (Debian's python3-torch,
// one thread) as the peer. Prints min and median ns per value over the rounds and the load average.
//
//   npm run build -w @diffmac/base && node packages/base/bench/normals.mjs [--rounds 7]
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { createRng } from '../dist/index.js';

const rounds = Number(process.argv[process.argv.indexOf('--rounds') + 1]) || 7;
const N = 16384;
const CALLS = 200;
const out = new Float32Array(N);

function time(fn) {
  for (let k = 0; k < 20; k++) fn();
  const t0 = process.hrtime.bigint();
  for (let k = 0; k < CALLS; k++) fn();
  return Number(process.hrtime.bigint() - t0) / CALLS / N;
}

const portable = createRng(42);
const torchKind = createRng(42, { kind: 'torch' });
const sides = {
  'portable, one normalScalar() per value': () => { for (let i = 0; i < N; i++) out[i] = portable.normalScalar(); },
  'portable normal(out), batched': () => portable.normal(out),
  "createRng(seed, { kind: 'torch' }).normal(out)": () => torchKind.normal(out),
};
const torchScript = `
import time, torch, sys
torch.set_num_threads(1)
g = torch.Generator().manual_seed(42)
for _ in range(20): torch.randn(${N}, generator=g)
t = time.perf_counter_ns()
for _ in range(${CALLS}): torch.randn(${N}, generator=g)
print((time.perf_counter_ns() - t) / ${CALLS} / ${N})
`;
const results = Object.fromEntries([...Object.keys(sides), 'torch.randn (python3-torch, 1 thread)'].map((k) => [k, []]));
const load = [];
for (let r = 0; r < rounds; r++) {
  load.push(loadavg()[0]);
  for (const [name, fn] of Object.entries(sides)) results[name].push(time(fn));
  try {
    results['torch.randn (python3-torch, 1 thread)'].push(Number(execFileSync('/usr/bin/python3', ['-c', torchScript], { encoding: 'utf8' })));
  } catch {
    // no torch here: the peer column stays empty
  }
}
const stat = (a) => { const s = [...a].sort((x, y) => x - y); return { min: s[0], median: s[Math.floor(s.length / 2)] }; };
const torchMin = stat(results['torch.randn (python3-torch, 1 thread)']).min;
console.log(`| generator | min ns/value | median ns/value | vs torch.randn (min) |\n| --- | ---: | ---: | ---: |`);
for (const [name, values] of Object.entries(results)) {
  if (values.length === 0) continue;
  const { min, median } = stat(values);
  console.log(`| ${name} | ${min.toFixed(2)} | ${median.toFixed(2)} | ${torchMin ? (torchMin / min).toFixed(2) + '×' : '–'} |`);
}
console.log(`\n${rounds} interleaved rounds of ${CALLS} calls × ${N} values; load average during the run: ${Math.min(...load).toFixed(2)}–${Math.max(...load).toFixed(2)}`);
