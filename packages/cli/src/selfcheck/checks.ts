import { DiffmacError } from '@diffmac/base';
import { createSession } from '@diffmac/core';
import { MibError, createGaussianChannel, stableDiffusionAlphasCumprod } from '@diffmac/mib';
import { SchedulerError } from '@diffmac/scheduler';
import { buildTinyUnet } from '@diffmac/core/testing';
import { createSession as createTinySession } from '@diffmac/core';
import { convertFaceApiModel } from '@diffmac/face-align';
import { psnr as evalPsnr, ssim as evalSsim } from '@diffmac/eval';
import { alignFace, ffhqTemplate, pasteBack } from '@diffmac/face-align';
import { writeTinyBundle } from '@diffmac/core/testing';
import { createPresetPipeline, loadBundle } from '@diffmac/core';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One offline check of one package; `run` resolves to a short description of what it saw. */
export interface SelfCheck {
  package: string;
  name: string;
  run(signal: AbortSignal): Promise<string>;
}

export interface SelfCheckResult {
  package: string;
  name: string;
  ok: boolean;
  detail: string;
  ms: number;
}

function errorShape(make: () => Error & { code: string }): string {
  const e = make();
  if (!e.code) throw new Error('typed error has no code');
  return `typed errors carry codes (${e.code})`;
}

/** The checks `diffmac selfcheck` runs, one or more per package. */
export const selfChecks: readonly SelfCheck[] = [
  { package: '@diffmac/scheduler', name: 'loads', run: async () => errorShape(() => new SchedulerError('SELFCHECK', 'x')) },
  {
    package: '@diffmac/mib',
    name: 'gaussian channel rate (SD 2.1 schedule)',
    run: async () => {
      // Rate of x_t = √ᾱ·x0 + √(1−ᾱ)·ε for unit-variance x0 is −½·log2(1 − ᾱ_t); solve back for t.
      const alphas = stableDiffusionAlphasCumprod();
      const channel = createGaussianChannel({ alphasCumprod: alphas });
      for (const t of [0, 250, 500, 999]) {
        const closed = -0.5 * Math.log2(1 - alphas[t]!);
        if (Math.abs(channel.rateAt(t) - closed) > 1e-12 * closed) throw new Error(`rate at t=${t} is ${channel.rateAt(t)}, closed form ${closed}`);
        if (channel.timestepForRate(closed).timestep !== t) throw new Error(`solving ${closed} bits did not return t=${t}`);
      }
      errorShape(() => new MibError('SELFCHECK', 'x'));
      return `rate ${channel.rateAt(0).toFixed(3)} → ${channel.rateAt(999).toFixed(5)} bits/element over t = 0..999, matches the closed form`;
    },
  },
  { package: '@diffmac/core', name: 'loads', run: async () => errorShape(() => new DiffmacError('SELFCHECK', 'x')) },
  {
    package: '@diffmac/core',
    name: 'tiny UNet through the seam',
    run: async (signal) => {
      // Built in memory by the ONNX graph builder, run once through createSession.
      const unet = buildTinyUnet({ seed: 0 });
      const session = await createTinySession(unet.bytes, { threads: 1, checkFinite: true, name: 'tiny-unet', signal });
      try {
        const out = await session.run(
          {
            sample: { data: new Float32Array(4 * 8 * 8).fill(0.5), shape: [1, 4, 8, 8] },
            timestep: { data: new BigInt64Array([500n]), shape: [1] },
            encoder_hidden_states: { data: new Float32Array(4 * 32).fill(0.1), shape: [1, 4, 32] },
          },
          { signal },
        );
        const y = out.out_sample;
        if (!y || y.shape.join('x') !== '1x4x8x8') throw new Error(`out_sample shape ${y?.shape.join('x')}, expected 1x4x8x8`);
        return `${(unet.bytes.byteLength / 1e3).toFixed(1)} kB UNet, out_sample 1x4x8x8 finite`;
      } finally {
        await session.dispose();
      }
    },
  },
  {
    package: '@diffmac/core',
    name: 'diffmac pipeline on a tiny bundle (seeded, deterministic)',
    run: async (signal) => {
      // Stage I (diffusion + AdaIN) → learned MIB → Stage II → AdaIN colour fix on a 64² face, twice with one seed.
      const dir = await mkdtemp(join(tmpdir(), 'diffmac-selfcheck-'));
      try {
        await writeTinyBundle(dir, { seed: 0 });
        const pipeline = await createPresetPipeline(await loadBundle(dir), { preset: 'diffmac', stage1Steps: 2, steps: 4, session: { threads: 1 }, signal });
        try {
          const face = { data: new Float32Array(3 * 64 * 64).map((_, k) => Math.sin(k / 97) * 0.8), shape: [1, 3, 64, 64] };
          const a = await pipeline.run(face, { seed: 1, signal });
          const b = await pipeline.run(face, { seed: 1, signal });
          if (a.image.shape.join('x') !== '1x3x64x64') throw new Error(`output shape ${a.image.shape.join('x')}, expected 1x3x64x64`);
          if (!a.image.data.every((v, k) => v === b.image.data[k] && v >= -1 && v <= 1)) throw new Error('two runs with one seed differ, or leave [-1, 1]');
          return `${pipeline.name}: 64² face in ${a.timings.total.toFixed(0)} ms, ${a.compressed!.rateBitsPerElement.toFixed(2)} bits/element through the MIB, same seed → same output`;
        } finally {
          await pipeline.dispose();
        }
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
  },
  {
    package: '@diffmac/face-align',
    name: 'embedded face-api landmark net converts to ONNX and runs',
    run: async (signal) => {
      // In memory (cacheDir: false): converts face-api's uint8 weights, runs one grey 112² face.
      const { bytes } = await convertFaceApiModel('face_landmark_68', { cacheDir: false, signal });
      const session = await createSession(bytes, { threads: 1, signal });
      try {
        const out = await session.run({ image: { data: new Float32Array(112 * 112 * 3).fill(128), shape: [1, 112, 112, 3] } }, { signal });
        const lm = out.landmarks;
        if (!lm || lm.shape.join('x') !== '1x136') throw new Error(`landmarks shape ${lm?.shape.join('x')}, expected 1x136`);
        if (!Array.from(lm.data as Float32Array).every((v) => Number.isFinite(v) && v > -0.5 && v < 1.5)) throw new Error('landmarks outside the crop');
        return `${(bytes.byteLength / 1e6).toFixed(1)} MB ONNX graph, 68 points from a 112² crop`;
      } finally {
        await session.dispose();
      }
    },
  },
  {
    package: '@diffmac/face-align',
    name: 'align and paste back a synthetic face',
    run: async () => {
      // Landmarks = the 512 template scaled by 0.25 and moved by (40, 30): the matrix must undo exactly that.
      const w = 240, h = 200;
      const data = new Uint8Array(w * h * 3);
      for (let i = 0; i < w * h; i++) data.set([(i % w) & 255, Math.floor(i / w) & 255, (i * 7) & 255], i * 3);
      const photo = { width: w, height: h, channels: 3 as const, data };
      const landmarks = ffhqTemplate(512).map(([x, y]) => [x * 0.25 + 40, y * 0.25 + 30] as const);
      const { face, matrix } = alignFace(photo, landmarks, { size: 512 });
      const want = [4, 0, -160, 0, 4, -120];
      const err = Math.max(...matrix.map((v, i) => Math.abs(v - want[i]!)));
      if (err > 1e-4) throw new Error(`matrix ${matrix.map((v) => v.toFixed(6)).join(', ')}, expected ${want.join(', ')}`);
      const pasted = pasteBack(photo, [{ restored: face, matrix }]);
      let maxDiff = 0;
      for (let y = 80; y < 110; y++) for (let x = 90; x < 140; x++) for (let c = 0; c < 2; c++) maxDiff = Math.max(maxDiff, Math.abs(pasted.data[(y * w + x) * 3 + c]! - data[(y * w + x) * 3 + c]!));
      if (maxDiff > 2) throw new Error(`pasting the unchanged crop back moved the face centre by ${maxDiff} levels`);
      return `matrix within ${err.toExponential(1)} of the known similarity, round trip within ${maxDiff} level(s)`;
    },
  },
  {
    package: '@diffmac/eval',
    name: 'PSNR and SSIM of a generated pair against closed forms',
    run: async () => {
      // Constant images a = 50, b = 53: PSNR = 10 log10(255² / 9); SSIM = (2ab + C1) / (a² + b² + C1) (zero variance).
      const solid = (v: number) => ({ width: 32, height: 32, channels: 3 as const, data: new Uint8Array(32 * 32 * 3).fill(v) });
      const p = evalPsnr(solid(50), solid(53), { cropBorder: 0, yChannel: false });
      const wantP = 10 * Math.log10((255 * 255) / 9);
      if (Math.abs(p - wantP) > 1e-12) throw new Error(`PSNR ${p}, closed form ${wantP}`);
      const c1 = (0.01 * 255) ** 2;
      const s = evalSsim(solid(50), solid(53), { cropBorder: 4, yChannel: false });
      const wantS = (2 * 50 * 53 + c1) / (50 * 50 + 53 * 53 + c1);
      if (Math.abs(s - wantS) > 1e-12) throw new Error(`SSIM ${s}, closed form ${wantS}`);
      return `PSNR ${p.toFixed(4)} dB and SSIM ${s.toFixed(6)} match the closed forms`;
    },
  },
];
