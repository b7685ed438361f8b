#!/usr/bin/env node
// diffmac convert: conversion time and peak memory for each full-size checkpoint (seeded random
// weights, official key names, made by the test fixture generators), then the converted model's
// forward time (onnxruntime, 1 thread) against PyTorch eager (Debian python3-torch, 1 thread) on the
// same architecture and input size, one process, one machine.
// Each conversion runs in a fresh process, so its peak RSS is its own.
// Usage (from the repository root): npm run build -w @diffmac/base -w @diffmac/core && node packages/core/bench/convert.mjs
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { convertCheckpoint, createSession } from '../dist/index.js';

const here = path.dirname(fileURLToPath(import.meta.url));

// Child mode: convert one checkpoint in a fresh process and print the peak RSS above the baseline.
if (process.argv[2] === '--one') {
  // VmHWM (peak resident set) of this process image; getrusage's maxRSS would carry the parent's peak across exec.
  const hwm = () => Number(/VmHWM:\s+(\d+)/.exec(readFileSync('/proc/self/status', 'utf8'))?.[1] ?? 0);
  const base = hwm();
  const t0 = performance.now();
  await convertCheckpoint(process.argv[3], [process.argv[4]]);
  process.stdout.write(JSON.stringify({ ms: performance.now() - t0, baseMB: base / 1024, peakMB: hwm() / 1024 }));
  process.exit(0);
}

const dir = mkdtempSync(path.join(tmpdir(), 'convert-bench-'));
const py = (script, ...args) => execFileSync('/usr/bin/python3', [path.join(here, script), ...args], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
py('../test/fixtures/make-convert-fixtures.py', path.join(dir, 'a'), '0');
py('../test/fixtures/make-retinaface-fixtures.py', path.join(dir, 'b'), '0');
py('../test/fixtures/make-inception-fixtures.py', path.join(dir, 'c'), '0');
const torchMs = JSON.parse(py('convert_torch_bench.py'));

const kinds = [
  ['lpips-alex', 'a/alexnet.pth', [1, 3, 256, 256]],
  ['lpips-vgg', 'a/vgg16.pth', [1, 3, 256, 256]],
  ['arcface-resnet18', 'a/arcface_resnet18.pth', [1, 1, 128, 128]],
  ['inception-fid', 'c/inception.pth', [1, 3, 299, 299]],
  ['retinaface-mobilenet0.25', 'b/mobilenet0.25.pth', [1, 3, 480, 640]],
  ['retinaface-resnet50', 'b/resnet50.pth', [1, 3, 480, 640]],
];
const rows = [];
try {
  for (const [kind, file, shape] of kinds) {
    const ckpt = path.join(dir, file);
    const child = JSON.parse(execFileSync(process.execPath, [fileURLToPath(import.meta.url), '--one', kind, ckpt], { encoding: 'utf8' }));
    const { bytes } = await convertCheckpoint(kind, [ckpt]);
    const session = await createSession(bytes, { threads: 1 });
    const input = { data: new Float32Array(shape.reduce((a, b) => a * b, 1)).fill(0.1), shape };
    await session.run({ input });
    let best = Infinity;
    for (let i = 0; i < 5; i++) {
      const t = performance.now();
      await session.run({ input });
      best = Math.min(best, performance.now() - t);
    }
    await session.dispose();
    rows.push({ kind, checkpointMB: statSync(ckpt).size / 1e6, convertMs: child.ms, peakMB: child.peakMB, baseMB: child.baseMB, onnxMs: best, torchMs: torchMs[kind] });
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const f = (v, d = 1) => (v === undefined ? '–' : v.toFixed(d));
process.stdout.write(`load average ${loadavg().map((l) => l.toFixed(2)).join(' ')}\n\n`);
process.stdout.write('| kind | checkpoint MB | convert s | peak RSS MB (process after imports) | ONNX forward ms | PyTorch eager ms | ratio |\n| --- | ---: | ---: | ---: | ---: | ---: | ---: |\n');
for (const r of rows) {
  process.stdout.write(`| ${r.kind} | ${f(r.checkpointMB)} | ${f(r.convertMs / 1000, 2)} | ${f(r.peakMB)} (${f(r.baseMB)}) | ${f(r.onnxMs)} | ${f(r.torchMs)} | ${r.torchMs ? f(r.torchMs / r.onnxMs, 2) + '×' : '–'} |\n`);
}
