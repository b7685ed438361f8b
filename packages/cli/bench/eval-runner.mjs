#!/usr/bin/env node
// Benchmark: `diffmac eval --metrics psnr,ssim` over 200 pairs of 512² faces against a BasicSR
// script doing the same job (basicsr_eval_folder.py, Debian's python3-opencv and numpy), on the
// same machine in the same run: wall time and peak memory (GNU time's max RSS), and whether the
// per-image values agree.
// Run from the repository root after `npx nx build @diffmac/cli`:
//   node packages/cli/bench/eval-runner.mjs [--pairs 200] [--workers 2]
// Memory bound alone (no Python run):  node packages/cli/bench/eval-runner.mjs --pairs 3000 --memory-only
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { goldenPath } from '../../../scripts/golden.mjs';

const { values } = parseArgs({ options: { pairs: { type: 'string', default: '200' }, workers: { type: 'string', default: String(os.availableParallelism()) }, 'memory-only': { type: 'boolean', default: false } } });
const n = Number(values.pairs);
const here = path.dirname(new URL(import.meta.url).pathname);
const root = path.resolve(here, '../../..');
const golden = goldenPath('metrics', 'images');
const work = mkdtempSync(path.join(os.tmpdir(), 'diffmac-eval-bench-'));
const gt = path.join(work, 'gt');
const pred = path.join(work, 'pred');
mkdirSync(gt);
mkdirSync(pred);
const lq = readdirSync(path.join(golden, 'lq')).sort();
const faces = readdirSync(path.join(golden, 'gt')).sort();
for (let i = 0; i < n; i++) {
  const face = faces[i % faces.length];
  const candidates = lq.filter((f) => f.includes(face.replace('.png', '')));
  const name = `${String(i).padStart(5, '0')}.png`;
  copyFileSync(path.join(golden, 'gt', face), path.join(gt, name));
  copyFileSync(path.join(golden, 'lq', candidates[Math.floor(i / faces.length) % candidates.length]), path.join(pred, name));
}

/** Run a command under GNU time; returns wall seconds and peak RSS in MiB. */
function measure(cmd, args) {
  try {
    execFileSync('/usr/bin/time', ['-o', path.join(work, 'time.txt'), '-f', '%e %M', cmd, ...args], { stdio: 'ignore' });
  } catch (e) {
    if (e.status !== 0) throw e;
  }
  const [wall, kb] = readFileSync(path.join(work, 'time.txt'), 'utf8').trim().split(/\s+/).map(Number);
  return { wall, rssMiB: kb / 1024 };
}

if (values['memory-only']) {
  // Only the bounded-memory claim: diffmac eval over many pairs, peak RSS.
  const m = measure(process.execPath, [path.join(root, 'packages/cli/dist/bin.js'), 'eval', '--pred', pred, '--gt', gt, '-o', path.join(work, 'ours'), '--metrics', 'psnr,ssim', '--workers', values.workers, '--quiet']);
  process.stdout.write(`diffmac eval over ${n} pairs of 512² faces, ${values.workers} workers: ${m.wall.toFixed(1)} s, peak RSS ${m.rssMiB.toFixed(0)} MiB\n`);
  rmSync(work, { recursive: true, force: true });
  process.exit(0);
}
const ours = measure(process.execPath, [path.join(root, 'packages/cli/dist/bin.js'), 'eval', '--pred', pred, '--gt', gt, '-o', path.join(work, 'ours'), '--metrics', 'psnr,ssim', '--workers', values.workers, '--quiet']);
const oursOne = measure(process.execPath, [path.join(root, 'packages/cli/dist/bin.js'), 'eval', '--pred', pred, '--gt', gt, '-o', path.join(work, 'ours1'), '--metrics', 'psnr,ssim', '--workers', '0', '--quiet']);
const theirs = measure('/usr/bin/python3', [path.join(here, 'basicsr_eval_folder.py'), pred, gt, path.join(work, 'basicsr.csv')]);

const parse = (file) => new Map(readFileSync(file, 'utf8').trim().split('\n').slice(1).map((l) => { const [name, p, s] = l.split(','); return [name, [Number(p), Number(s)]]; }));
const a = parse(path.join(work, 'ours', 'per-image.csv'));
const b = parse(path.join(work, 'basicsr.csv'));
let maxPsnr = 0;
let maxSsim = 0;
for (const [name, [p, s]] of b) {
  const [p2, s2] = a.get(name);
  maxPsnr = Math.max(maxPsnr, Math.abs(p - p2));
  maxSsim = Math.max(maxSsim, Math.abs(s - s2));
}
const row = (label, m) => `| ${label} | ${m.wall.toFixed(1)} | ${(m.wall / n * 1000).toFixed(0)} | ${m.rssMiB.toFixed(0)} | ${(theirs.wall / m.wall).toFixed(2)}× |`;
process.stdout.write([
  `${n} pairs of 512² faces, ${os.cpus()[0]?.model ?? 'cpu'}, ${os.availableParallelism()} cores, load ${os.loadavg()[0].toFixed(1)}`,
  '',
  '| run | wall s | ms / pair | peak RSS MiB | speed vs BasicSR script |',
  '| --- | ---: | ---: | ---: | ---: |',
  row('BasicSR-equivalent script (python3, cv2, numpy)', theirs),
  row(`diffmac eval, ${values.workers} worker threads`, ours),
  row('diffmac eval, in one thread (--workers 0)', oursOne),
  '',
  `Largest per-image difference: PSNR ${maxPsnr.toExponential(2)} dB, SSIM ${maxSsim.toExponential(2)}.`,
  '',
].join('\n'));
rmSync(work, { recursive: true, force: true });
