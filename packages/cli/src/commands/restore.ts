import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DiffmacError } from '@diffmac/base';
import { createPresetPipeline, DEFAULT_PIXEL_LIMIT, imageToTensor, loadBundle, pipelinePresets, readImage, resizeBilinearNchw, samplerKind, tensorToImage, writeFileAtomic, writeImage, type ModelBundle, type Pipeline, type PipelineEvent, type PipelinePreset, type PresetPipelineOptions } from '@diffmac/core';
import { createDefaultDetector, createDetectorFromOnnx, createTiledDetector, type FaceDetector } from '@diffmac/face-align';
import { ExitCode, type CliIo, type Command } from '../command';
import { createProgressBar } from '../progress';
import { backgroundUpsamplers, loadBackgroundUpsampler, type LoadedBackgroundUpsampler } from '../restore/background-upsampler';
import { noModelMessage } from '../restore/no-model';
import { restorePhoto, type PhotoFaceRecord } from '../restore/restore-photo';
import { accepts, numberOption } from '../number-option';
import { assertOutputFolder, checkOutputs, planOutputs } from '../output-plan';
import { UsageError } from '../usage-error';

const colourFixes = ['adain', 'wavelet', 'none'] as const;

const usage = `Usage: diffmac restore <inputs...> -o <dir> --model <bundle-dir | owner/name> [options]

Restore faces with a DiffMAC pipeline: Stage I (diffusion with AdaIN alignment, or a one-pass
restorer) -> bottleneck -> Stage II diffusion -> colour fix. Each input is a photo: every face is
detected (embedded detector, offline; large photos also in 768 px tiles at native resolution), aligned to the FFHQ template at the bundle's resolution,
restored (faces batched) and pasted back with facexlib's soft mask. With --aligned each input is an
already-aligned face and detection is skipped. Writes <dir>/<name>.png and <dir>/<name>.json (faces,
boxes, landmarks, timings, seeds, model digests).

Options:
  -o, --out <dir>          output folder (created if missing)
  --model <dir | id>       model bundle folder, or a Hugging Face Hub id (also: DIFFMAC_MODEL)
  --preset <name>          ${pipelinePresets.join(' | ')} (default: diffmac, or one-pass for a restorer bundle)
  --restorer <dir>         one-pass restorer bundle for diffbir-like / difface-like
  --sampler <name>         Stage II sampler: euler, euler_ancestral, heun, lms, dpmpp_2m, dpmpp_2m_sde,
                           dpmpp_3m, dpmpp_3m_sde, unipc, deis, or a diffusers class (DDIMScheduler, ...)
  --steps <n>              Stage II steps (default 20)
  --stage1-steps <n>       Stage I steps (diffmac; default 20)
  --strength <s>           Stage II img2img strength in [0, 1] (default 0.5 diffmac, 1 otherwise)
  --guidance-scale <g>     classifier-free guidance of Stage II (default 1: off)
  --prompt <text>          prompt for text-conditioned backbones (default '')
  --negative-prompt <text> negative prompt (default '')
  --seed <n>               seed of the first face; face i uses seed + i (default 0)
  --fidelity <w>           CodeFormer fidelity weight in [0, 1] (default 0.5)
  --colour-fix <kind>      ${colourFixes.join(' | ')} (default: per preset)
  --aligned                inputs are aligned faces: skip detection and paste-back
  --upscale <s>            output scale of the photo (or aligned face), default 1
  --bg-upsampler <name>    ${backgroundUpsamplers.join(' | ')}: upsample the photo's background with the embedded
                           learned model (ESRGAN-medium ×2/×3/×4) before the faces are pasted back,
                           as GFPGAN does with Real-ESRGAN (default: Lanczos resize); needs --upscale > 1
  --no-faces               no face model: upsample whole photos with --bg-upsampler only (--upscale 2, 3 or 4)
  --detector <onnx>        a face detector ONNX instead of the embedded face-api one: RetinaFace
                           (diffmac convert retinaface-*), SCRFD with keypoints or YuNet, told apart by
                           its outputs
  --min-score <s>          detector score threshold (default 0.5)
  --batch <n>              faces per pipeline run (default 4)
  --allow-network          download a Hub bundle that is not cached
  --force                  replace outputs that exist (an input is never overwritten)
  --json                   print the summaries as one JSON array on stdout
  --quiet                  no progress output

Outputs never overwrite an input, and two inputs with one name (a/face.png, b/face.png) are refused
before anything runs. An input that fails (unreadable, not square with --aligned) is reported and
the others go on. Exit code 1 when any input failed, or when no model is available (the message
says what to download and where to put it).`;

interface ImageSummary {
  input: string;
  output: string;
  mode: 'photo' | 'aligned';
  /** The background upsampler, when one ran. */
  backgroundUpsampler?: string;
  width: number;
  height: number;
  preset: string;
  pipeline: string;
  faces: PhotoFaceRecord[];
  seeds: number[];
  timings: Record<string, number>;
  model: { root: string; name: string; source: string; resolution: number; digests: Record<string, string> };
}

async function openBundle(model: string, allowNetwork: boolean, io: CliIo): Promise<ModelBundle | undefined> {
  try {
    return await loadBundle(path.isAbsolute(model) || !/^[\w.-]+\/[\w.-]+$/.test(model) ? path.resolve(io.cwd, model) : await localOrHub(model, io), { allowNetwork });
  } catch (error) {
    if (error instanceof DiffmacError && ['BUNDLE_MISSING_FILE', 'BUNDLE_NETWORK_DISABLED', 'INVALID_ARGUMENT'].includes(error.code)) {
      io.stderr.write(noModelMessage(model, error.message));
      return undefined;
    }
    throw error;
  }
}

async function localOrHub(model: string, io: CliIo): Promise<string> {
  const { stat } = await import('node:fs/promises');
  const local = path.resolve(io.cwd, model);
  return (await stat(local).catch(() => undefined))?.isDirectory() ? local : model;
}

/** `diffmac restore`: restore every face of photos (or aligned faces) with a pipeline preset. */
export const restoreCommand: Command = {
  name: 'restore',
  summary: 'restore faces in photos or aligned crops with a DiffMAC pipeline (writes images + JSON)',
  usage,
  async run(argv, io, signal) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        model: { type: 'string' },
        preset: { type: 'string' },
        restorer: { type: 'string' },
        sampler: { type: 'string' },
        steps: { type: 'string' },
        'stage1-steps': { type: 'string' },
        strength: { type: 'string' },
        'guidance-scale': { type: 'string' },
        prompt: { type: 'string' },
        'negative-prompt': { type: 'string' },
        seed: { type: 'string' },
        fidelity: { type: 'string' },
        'colour-fix': { type: 'string' },
        aligned: { type: 'boolean', default: false },
        upscale: { type: 'string' },
        'bg-upsampler': { type: 'string' },
        'no-faces': { type: 'boolean', default: false },
        'min-score': { type: 'string' },
        detector: { type: 'string' },
        batch: { type: 'string' },
        'allow-network': { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    });
    if (positionals.length === 0) throw new UsageError('expected at least one input image');
    if (!values.out) throw new UsageError('missing -o <dir>');
    const preset = values.preset as PipelinePreset | undefined;
    if (preset !== undefined && !pipelinePresets.includes(preset)) throw new UsageError(`--preset must be one of ${pipelinePresets.join(', ')}, received ${JSON.stringify(preset)}`);
    if (values.sampler !== undefined) {
      try {
        samplerKind(values.sampler);
      } catch (e) {
        throw new UsageError(`--sampler: ${(e as Error).message}`);
      }
    }
    const colour = values['colour-fix'];
    if (colour !== undefined && !(colourFixes as readonly string[]).includes(colour)) throw new UsageError(`--colour-fix must be one of ${colourFixes.join(', ')}, received ${JSON.stringify(colour)}`);
    const steps = numberOption('--steps', values.steps, accepts.integerIn(1, 1000));
    const stage1Steps = numberOption('--stage1-steps', values['stage1-steps'], accepts.integerIn(1, 1000));
    const strength = numberOption('--strength', values.strength, { check: (v) => v >= 0 && v <= 1, expected: 'a number in [0, 1]' });
    const guidanceScale = numberOption('--guidance-scale', values['guidance-scale'], { check: (v) => v >= 0, expected: 'a number >= 0' });
    const seed = numberOption('--seed', values.seed, accepts.integer) ?? 0;
    const fidelity = numberOption('--fidelity', values.fidelity, { check: (v) => v >= 0 && v <= 1, expected: 'a number in [0, 1]' });
    const upscale = numberOption('--upscale', values.upscale, { check: (v) => v > 0 && v <= 8, expected: 'a number in (0, 8]' }) ?? 1;
    const minScore = numberOption('--min-score', values['min-score'], { check: (v) => v >= 0 && v < 1, expected: 'a number in [0, 1)' }) ?? 0.5;
    const batch = numberOption('--batch', values.batch, accepts.integerIn(1, 64)) ?? 4;

    const bgUpsampler = values['bg-upsampler'];
    if (bgUpsampler !== undefined && !(backgroundUpsamplers as readonly string[]).includes(bgUpsampler)) {
      throw new UsageError(`--bg-upsampler must be one of ${backgroundUpsamplers.join(', ')}, received ${JSON.stringify(bgUpsampler)}`);
    }
    if (bgUpsampler !== undefined && upscale <= 1) throw new UsageError('--bg-upsampler needs --upscale above 1 (the background is only upsampled when the photo is)');
    if (bgUpsampler !== undefined && values.aligned) throw new UsageError('--bg-upsampler applies to whole photos, not to --aligned faces');
    if (values['no-faces'] && bgUpsampler === undefined) throw new UsageError('--no-faces needs --bg-upsampler esrgan (it only upsamples the whole photo)');
    if (values['no-faces'] && ![2, 3, 4].includes(upscale)) throw new UsageError(`--no-faces upsamples by the model's own factor: --upscale must be 2, 3 or 4, received ${upscale}`);

    const outDir = path.resolve(io.cwd, values.out);
    const plan = await planOutputs(positionals, io.cwd);
    await assertOutputFolder(outDir);
    await checkOutputs(
      plan.flatMap((p) => [path.join(outDir, `${p.stem}.png`), path.join(outDir, `${p.stem}.json`)]),
      plan.map((p) => p.input),
      { force: values.force },
    );

    if (values['no-faces']) return upsampleOnly(plan, outDir, upscale, values.force, Boolean(values.json), values.quiet || Boolean(values.json), io, signal);

    const model = values.model ?? io.env.DIFFMAC_MODEL;
    if (model === undefined || model === '') {
      io.stderr.write(noModelMessage(undefined, undefined));
      return ExitCode.failure;
    }
    const bundle = await openBundle(model, values['allow-network'], io);
    if (!bundle) return ExitCode.failure;
    let restorerBundle: ModelBundle | undefined;
    if (values.restorer !== undefined) {
      restorerBundle = await openBundle(values.restorer, values['allow-network'], io);
      if (!restorerBundle) return ExitCode.failure;
    }
    await mkdir(outDir, { recursive: true });

    const presetOptions: PresetPipelineOptions = {
      ...(preset ? { preset } : {}),
      ...(restorerBundle ? { restorerBundle } : {}),
      ...(values.sampler ? { sampler: values.sampler } : {}),
      ...(steps !== undefined ? { steps } : {}),
      ...(stage1Steps !== undefined ? { stage1Steps } : {}),
      ...(strength !== undefined ? { strength } : {}),
      ...(guidanceScale !== undefined ? { guidanceScale } : {}),
      ...(values.prompt !== undefined ? { prompt: values.prompt } : {}),
      ...(values['negative-prompt'] !== undefined ? { negativePrompt: values['negative-prompt'] } : {}),
      ...(fidelity !== undefined ? { fidelity } : {}),
      ...(colour !== undefined ? { colourFix: colour as (typeof colourFixes)[number] } : {}),
      signal,
    };
    const quiet = values.quiet || values.json;
    const bar = createProgressBar(io, 'restore', positionals.length, { quiet });
    const tty = Boolean(io.stderr.isTTY);
    const resolution = bundle.manifest.resolution;
    let pipeline: Pipeline | undefined;
    let detector: FaceDetector | undefined;
    let background: LoadedBackgroundUpsampler | undefined;
    const summaries: ImageSummary[] = [];
    const failures: { input: string; code: string; message: string }[] = [];
    try {
      // A detector file is opened (and checked) before any photo, so a wrong file fails once, up front.
      if (values.detector && !values.aligned) detector = await createDetectorFromOnnx(path.resolve(io.cwd, values.detector), { minScore });
      pipeline = await createPresetPipeline(bundle, presetOptions);
      if (bgUpsampler === 'esrgan') background = await loadBackgroundUpsampler(upscale, { signal });
      for (const [n, { input: file, stem: name }] of plan.entries()) {
        signal.throwIfAborted();
        try {
          const started = performance.now();
          const decoded = await readImage(file, { channels: 'rgb', depth: 8 });
          const outFile = path.join(outDir, `${name}.png`);
          checkOutputSize(file, decoded, upscale, values.aligned);
          const readMs = performance.now() - started;
          const progress = (e: PipelineEvent, face = 0, faces = 1) => {
            if (!tty || e.type !== 'step') return;
            bar.update(n, `${path.basename(file)} face ${face + 1}/${faces} ${e.stage} step ${e.index + 1}/${e.total}`);
          };
          let summary: ImageSummary;
          const base = {
            input: file,
            output: outFile,
            width: decoded.width,
            height: decoded.height,
            preset: preset ?? pipeline.name,
            pipeline: pipeline.name,
            model: { root: bundle.root, name: bundle.manifest.name, source: bundle.source, resolution, digests: { ...bundle.manifest.files } },
          };
          if (values.aligned) {
            let x = imageToTensor(decoded, { range: 'signed', channels: 'rgb' });
            if (decoded.width !== resolution || decoded.height !== resolution) x = resizeBilinearNchw(x, resolution, resolution);
            const t0 = performance.now();
            const result = await pipeline.run(x, { seed, signal, onProgress: (e) => progress(e) });
            const t1 = performance.now();
            const outW = Math.round(decoded.width * upscale), outH = Math.round(decoded.height * upscale);
            const back = outW !== resolution || outH !== resolution ? resizeBilinearNchw(result.image, outH, outW) : result.image;
            await writeImage(outFile, tensorToImage(back, { range: 'signed', depth: 8 }), { overwrite: values.force });
            summary = {
              ...base,
              mode: 'aligned',
              faces: [{ index: 0, box: [0, 0, decoded.width, decoded.height], score: 1, landmarks5: [], seed }],
              seeds: [seed],
              timings: { read: readMs, pipeline: t1 - t0, ...stageTimings(result.timings), total: performance.now() - started },
            };
          } else {
            detector ??= createTiledDetector(await createDefaultDetector({ minScore }));
            const photo = await restorePhoto(decoded, {
              pipeline,
              detector,
              size: resolution,
              upscale,
              seed,
              minScore,
              batch,
              signal,
              onProgress: progress,
              ...(background ? { upsampler: background.upsample } : {}),
            });
            await writeImage(outFile, photo.image, { overwrite: values.force });
            summary = {
              ...base,
              mode: 'photo',
              ...(background ? { backgroundUpsampler: `esrgan-medium-x${background.scale}` } : {}),
              faces: photo.faces,
              seeds: photo.faces.map((f) => f.seed),
              timings: {
                read: readMs,
                detectAlign: photo.timings.detectAlign,
                pipeline: photo.timings.pipeline,
                ...stageTimings(photo.timings.stages),
                paste: photo.timings.paste,
                total: performance.now() - started,
              },
            };
          }
          await writeFileAtomic(path.join(outDir, `${name}.json`), `${JSON.stringify(summary, null, 2)}\n`, { overwrite: values.force });
          summaries.push(summary);
          bar.update(n + 1, `${path.basename(file)}: ${summary.faces.length} face(s)`);
        } catch (error) {
          if (signal.aborted) throw error;
          const e = error as { code?: string; message?: string };
          failures.push({ input: file, code: e.code ?? 'RESTORE_FAILED', message: e.message ?? String(error) });
          bar.update(n + 1, `${path.basename(file)}: failed`);
        }
      }
    } finally {
      await pipeline?.dispose().catch(() => undefined);
      await detector?.dispose();
      await background?.dispose();
    }
    const total = summaries.reduce((s, r) => s + r.faces.length, 0);
    bar.finish(`${total} face(s) restored${failures.length ? `, ${failures.length} input(s) failed` : ''}`);
    for (const f of failures) io.stderr.write(`diffmac restore: ${f.input}: [${f.code}] ${f.message}\n`);
    if (summaries.length === 0) {
      throw new DiffmacError('NOTHING_RESTORED', `None of the ${plan.length} input(s) could be restored (each reason is above)`, { argument: 'inputs', expected: 'at least one readable image', received: `${failures.length} failure(s)` });
    }
    if (values.json) io.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
    else io.stdout.write(`${total} face(s) in ${summaries.length} image(s) restored into ${outDir} (${pipeline!.name}, summaries in <name>.json)\n`);
    return failures.length === 0 ? ExitCode.ok : ExitCode.failure;
  },
};

/**
 * Refuse, before any inference, an input whose output would be wrong or unreadable: with
 * `--aligned` a face that is not square (it would be squashed to the model's square), and an
 * output over the pixel limit `readImage` accepts (so the tool can read back what it writes).
 */
function checkOutputSize(file: string, image: { width: number; height: number }, upscale: number, aligned: boolean): void {
  if (aligned && image.width !== image.height) {
    throw new DiffmacError('NOT_AN_ALIGNED_FACE', `${file} is ${image.width}×${image.height}; an aligned face is square (run it without --aligned to detect and align its faces)`, {
      argument: '--aligned',
      expected: 'a square aligned face',
      received: `${image.width}×${image.height}`,
    });
  }
  const w = Math.round(image.width * upscale), h = Math.round(image.height * upscale);
  if (w * h > DEFAULT_PIXEL_LIMIT) {
    throw new DiffmacError('OUTPUT_TOO_LARGE', `${file} at --upscale ${upscale} would be ${w}×${h} (${w * h} pixels), over the ${DEFAULT_PIXEL_LIMIT}-pixel limit images are read with; use a smaller --upscale`, {
      argument: '--upscale',
      expected: `an output of at most ${DEFAULT_PIXEL_LIMIT} pixels`,
      received: `${w}×${h}`,
    });
  }
}

function stageTimings(t: Readonly<Record<string, number | undefined>>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const [k, v] of Object.entries(t)) if (k !== 'total' && v !== undefined) out[`stage.${k}`] = v;
  return out;
}

/**
 * `restore --no-faces --bg-upsampler esrgan`: no face model, each whole photo upsampled by the
 * embedded ESRGAN, written with a JSON summary like the face path's.
 */
async function upsampleOnly(
  plan: readonly { input: string; stem: string }[],
  outDir: string,
  upscale: number,
  force: boolean,
  json: boolean,
  quiet: boolean,
  io: CliIo,
  signal: AbortSignal,
): Promise<number> {
  await mkdir(outDir, { recursive: true });
  const bar = createProgressBar(io, `restore --no-faces ×${upscale}`, plan.length, { quiet });
  const summaries: { input: string; output: string; mode: 'upsample'; width: number; height: number; backgroundUpsampler: string; timings: Record<string, number> }[] = [];
  const failures: { input: string; code: string; message: string }[] = [];
  let upsampler: LoadedBackgroundUpsampler | undefined;
  try {
    upsampler = await loadBackgroundUpsampler(upscale, { signal });
    for (const [n, { input, stem }] of plan.entries()) {
      signal.throwIfAborted();
      const started = performance.now();
      try {
        const decoded = await readImage(input, { channels: 'rgb', depth: 8 });
        checkOutputSize(input, decoded, upscale, false);
        const image = await upsampler.upsample(decoded, upscale, { signal });
        const output = path.join(outDir, `${stem}.png`);
        await writeImage(output, image, { overwrite: force });
        const summary = { input, output, mode: 'upsample' as const, width: decoded.width, height: decoded.height, backgroundUpsampler: `esrgan-medium-x${upsampler.scale}`, timings: { total: performance.now() - started } };
        await writeFileAtomic(path.join(outDir, `${stem}.json`), `${JSON.stringify(summary, null, 2)}\n`, { overwrite: force });
        summaries.push(summary);
        bar.update(n + 1, `${path.basename(input)} → ${image.width}×${image.height}`);
      } catch (error) {
        if (signal.aborted) throw error;
        const e = error as { code?: string; message?: string };
        failures.push({ input, code: e.code ?? 'RESTORE_FAILED', message: e.message ?? String(error) });
        bar.update(n + 1, `${path.basename(input)}: failed`);
      }
    }
  } finally {
    await upsampler?.dispose();
  }
  bar.finish(`${summaries.length} photo(s) upsampled${failures.length ? `, ${failures.length} failed` : ''}`);
  for (const f of failures) io.stderr.write(`diffmac restore: ${f.input}: [${f.code}] ${f.message}\n`);
  if (summaries.length === 0) {
    throw new DiffmacError('NOTHING_RESTORED', `None of the ${plan.length} input(s) could be upsampled (each reason is above)`, { argument: 'inputs', expected: 'at least one readable image', received: `${failures.length} failure(s)` });
  }
  if (json) io.stdout.write(`${JSON.stringify(summaries, null, 2)}\n`);
  else io.stdout.write(`${summaries.length} photo(s) upsampled ×${upscale} by the embedded ESRGAN (no face model) into ${outDir}\n`);
  return failures.length === 0 ? ExitCode.ok : ExitCode.failure;
}
