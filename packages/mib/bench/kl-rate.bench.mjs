#!/usr/bin/env node
// KL rate of a batch of SD-sized posteriors: @diffmac/mib's klToStandardNormal (float64 terms,
// expm1 form, compensated sums) against the straightforward float32 port a framework would run
// (Σ ½(μ² + e^lv − 1 − lv) accumulated in float32), measured in the same run.
// Run from the repo root after a build:  npx nx build @diffmac/mib && node packages/mib/bench/kl-rate.bench.mjs
import { klToStandardNormal } from '../dist/index.js';

const batch = 4;
const perImage = 4 * 64 * 64;
const n = batch * perImage;
// Deterministic posteriors close to the prior (small KL per element: where precision matters).
const mean = new Float32Array(n);
const logVar = new Float32Array(n);
let s = 12345;
const u = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) + 0.5) / 4294967296;
for (let i = 0; i < n; i++) {
  mean[i] = (u() - 0.5) * 0.02;
  logVar[i] = (u() - 0.5) * 0.02;
}
const posterior = { mean: { data: mean, shape: [batch, 4, 64, 64] }, logVar: { data: logVar, shape: [batch, 4, 64, 64] } };

function naiveFloat32() {
  const f = Math.fround;
  const out = [];
  for (let b = 0; b < batch; b++) {
    let acc = 0;
    for (let i = b * perImage; i < (b + 1) * perImage; i++) {
      const m = mean[i];
      const lv = logVar[i];
      acc = f(acc + f(0.5 * f(f(f(m * m) + f(Math.exp(lv))) - 1 - lv)));
    }
    out.push(acc);
  }
  return out;
}

// Reference: float64 expm1 terms, pairwise sums (independent of the implementation's Neumaier sums).
function pairwise(values, lo, hi) {
  if (hi - lo <= 8) {
    let t = 0;
    for (let i = lo; i < hi; i++) t += values[i];
    return t;
  }
  const mid = (lo + hi) >> 1;
  return pairwise(values, lo, mid) + pairwise(values, mid, hi);
}
const terms = new Float64Array(n);
for (let i = 0; i < n; i++) terms[i] = 0.5 * (mean[i] * mean[i] + Math.expm1(logVar[i]) - logVar[i]);
const reference = Array.from({ length: batch }, (_, b) => pairwise(terms, b * perImage, (b + 1) * perImage));

function time(fn, reps = 30) {
  for (let i = 0; i < 3; i++) fn();
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) fn();
  return Number(process.hrtime.bigint() - t0) / 1e6 / reps;
}
const relErr = (got) => Math.max(...got.map((g, b) => Math.abs(g - reference[b]) / reference[b]));

const mibMs = time(() => klToStandardNormal(posterior));
const naiveMs = time(naiveFloat32);
const mibErr = relErr(Array.from(klToStandardNormal(posterior).bitsPerImage, (bits) => bits * Math.LN2));
const naiveErr = relErr(naiveFloat32());
process.stdout.write(
  [
    `| implementation (batch ${batch} × 4×64×64) | ms per call | relative error of per-image KL |`,
    '| --- | ---: | ---: |',
    `| @diffmac/mib klToStandardNormal | ${mibMs.toFixed(2)} | ${mibErr.toExponential(1)} |`,
    `| naive float32 (peer) | ${naiveMs.toFixed(2)} | ${naiveErr.toExponential(1)} |`,
    `| ratio mib / peer | ${(mibMs / naiveMs).toFixed(2)}× | ${(naiveErr / mibErr).toExponential(1)}× smaller error |`,
  ].join('\n') + '\n',
);
