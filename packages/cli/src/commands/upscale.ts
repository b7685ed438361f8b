import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DiffmacError } from '@diffmac/base';
import { createEsrganUpsampler, readImage, writeImage, type EsrganScale, type EsrganUpsampler } from '@diffmac/core';
import type { Command } from '../command';
import { accepts, numberOption } from '../number-option';
import { assertOutputFolder, checkOutputs, planOutputs } from '../output-plan';
import { createProgressBar } from '../progress';
import { UsageError } from '../usage-error';

const usage = `Usage: diffmac upscale <image...> -o <dir> [--scale 4] [--json]

Upsample whole images with the learned super-resolution model @diffmac/core ships: ESRGAN-medium
(an RDN trained on DIV2K, from @upscalerjs/esrgan-medium, MIT), converted to ONNX on load and run
tile by tile, so any image size fits in memory. Writes <dir>/<image>.png. This is super-resolution,
not face restoration: it sharpens clean low-resolution images; it does not remove blur, noise or
JPEG artefacts (that is what a face model in \`diffmac restore\` is for).

Options:
  -o, --out <dir>        output folder (created if missing)
  --scale <n>            2, 3 or 4 (default 4)
  --tile <px>            tile side in input pixels (default 128; smaller uses less memory)
  --overlap <px>         overlap between tiles, cross-faded (default 16)
  --threads <n>          onnxruntime threads (default: all cores)
  --force                replace outputs that exist (an input is never overwritten)
  --json                 print a JSON summary on stdout
  --quiet                no progress output

An image that fails is reported with its reason and the others go on; exit code 1 when any failed.`;

/** `diffmac upscale`: the shipped ESRGAN upsampler on whole images. */
export const upscaleCommand: Command = {
  name: 'upscale',
  summary: 'upsample images ×2/×3/×4 with the embedded ESRGAN model (tiled, any size)',
  usage,
  async run(argv, io, signal) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        scale: { type: 'string' },
        tile: { type: 'string' },
        overlap: { type: 'string' },
        threads: { type: 'string' },
        force: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    });
    if (positionals.length === 0) throw new UsageError('expected at least one <image>');
    if (!values.out) throw new UsageError('missing -o <dir>');
    const scale = numberOption('--scale', values.scale, { check: (v) => v === 2 || v === 3 || v === 4, expected: '2, 3 or 4' }) ?? 4;
    const tileSize = numberOption('--tile', values.tile, accepts.integerIn(16, 2048)) ?? 128;
    const overlap = numberOption('--overlap', values.overlap, accepts.integerIn(0, 256)) ?? 16;
    if (overlap * 2 >= tileSize) throw new UsageError(`--overlap must be under half of --tile (${tileSize}), received ${overlap}`);
    const threads = numberOption('--threads', values.threads, accepts.integerIn(1, 256));
    const outDir = path.resolve(io.cwd, values.out);
    const plan = await planOutputs(positionals, io.cwd);
    await assertOutputFolder(outDir);
    const outputs = plan.map((p) => path.join(outDir, `${p.stem}.png`));
    await checkOutputs(outputs, plan.map((p) => p.input), { force: values.force });
    await mkdir(outDir, { recursive: true });

    const bar = createProgressBar(io, `upscale ×${scale}`, plan.length, { quiet: values.quiet || values.json });
    const done: { input: string; output: string; width: number; height: number; seconds: number }[] = [];
    const failed: { input: string; code: string; message: string }[] = [];
    let upsampler: EsrganUpsampler | undefined;
    try {
      upsampler = await createEsrganUpsampler({ scale: scale as EsrganScale, tileSize, overlap, signal, ...(threads !== undefined ? { threads } : {}) });
      for (const [n, { input }] of plan.entries()) {
        signal.throwIfAborted();
        const t0 = performance.now();
        try {
          const image = await readImage(input, { channels: 'auto', depth: 8 });
          const big = await upsampler.upsample(image, {
            signal,
            onProgress: (e) => bar.update(n + e.done / e.total, `${path.basename(input)} tile ${e.done}/${e.total}`),
          });
          await writeImage(outputs[n]!, big, { overwrite: values.force });
          done.push({ input, output: outputs[n]!, width: big.width, height: big.height, seconds: (performance.now() - t0) / 1000 });
          bar.update(n + 1, `${path.basename(input)} → ${big.width}×${big.height}`);
        } catch (error) {
          if (signal.aborted) throw error;
          const e = error as { code?: string; message?: string };
          failed.push({ input, code: e.code ?? 'UPSCALE_FAILED', message: e.message ?? String(error) });
          bar.update(n + 1, `${path.basename(input)}: failed`);
        }
      }
    } finally {
      await upsampler?.dispose();
    }
    bar.finish(`${done.length} image(s) upscaled ×${scale}${failed.length ? `, ${failed.length} failed` : ''}`);
    for (const f of failed) io.stderr.write(`diffmac upscale: ${f.input}: [${f.code}] ${f.message}\n`);
    if (done.length === 0) {
      throw new DiffmacError('NOTHING_UPSCALED', `None of the ${plan.length} image(s) could be read and upscaled (each reason is above)`, { argument: 'images', expected: 'at least one readable image', received: `${failed.length} failure(s)` });
    }
    if (values.json) io.stdout.write(`${JSON.stringify({ model: `esrgan-medium-x${scale}`, scale, images: done, failed }, null, 2)}\n`);
    else io.stdout.write(`${done.length} image(s) ×${scale} in ${outDir}\n`);
    return failed.length > 0 ? 1 : 0;
  },
};
