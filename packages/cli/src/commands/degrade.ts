import path from 'node:path';
import { parseArgs } from 'node:util';
import { degradationPresets, degradeFolder, type DegradationPresetName } from '@diffmac/eval';
import { ExitCode, type Command } from '../command';
import { createProgressBar } from '../progress';
import { accepts, numberOption } from '../number-option';
import { UsageError } from '../usage-error';

const presets = Object.keys(degradationPresets) as DegradationPresetName[];

const usage = `Usage: diffmac degrade <hq-dir> -o <out-dir> [--preset gfpgan] [--seed 0] [--json]

Make a CelebA-Test-style LQ set: every image of <hq-dir> is degraded (blur, downsample, noise,
JPEG, resize back) with a seeded preset and written as <out-dir>/<name>.png; every drawn parameter
goes to <out-dir>/manifest.jsonl, so any image can be regenerated alone.

Options:
  -o, --out <dir>     output folder (must not be <hq-dir>)
  --preset <name>     ${presets.join(' | ')} (default gfpgan)
${presets.map((p) => `                        ${p}: ${degradationPresets[p].description}`).join('\n')}
  --seed <n>          run seed (default 0)
  --force             replace an earlier set in <out-dir>
  --json              print a JSON summary on stdout
  --quiet             no progress output

JPEG goes through sharp (libjpeg-turbo), whose bytes differ slightly from OpenCV's encoder.
Symbolic links are followed. manifest.jsonl grows as each image is written, so a stopped run still
describes every LQ image it made. Exit code 1 when any image could not be read or degraded (each
is listed with its reason, and the others go on) or when <hq-dir> holds no images.`;

/** `diffmac degrade`: synthesise LQ faces from HQ faces with a seeded preset. */
export const degradeCommand: Command = {
  name: 'degrade',
  summary: 'make a CelebA-Test-style LQ set from HQ faces (seeded presets)',
  usage,
  async run(argv, io, signal) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        preset: { type: 'string', default: 'gfpgan' },
        seed: { type: 'string', default: '0' },
        force: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    });
    if (positionals.length !== 1) throw new UsageError(`expected one <hq-dir>, received ${positionals.length}`);
    if (!values.out) throw new UsageError('missing -o <out-dir>');
    if (!presets.includes(values.preset as DegradationPresetName)) throw new UsageError(`--preset must be one of ${presets.join(', ')}, received ${JSON.stringify(values.preset)}`);
    const seed = numberOption('--seed', values.seed, accepts.integer) ?? 0;
    const hqDir = path.resolve(io.cwd, positionals[0]!);
    const outDir = path.resolve(io.cwd, values.out);

    const bar = createProgressBar(io, 'degrade', 0, { quiet: values.quiet });
    let done = 0;
    const result = await degradeFolder(hqDir, outDir, {
      preset: values.preset as DegradationPresetName,
      seed,
      force: values.force,
      signal,
      onProgress: (e) => {
        if (e.type === 'start') bar.setTotal(e.total);
        if (e.type === 'image') bar.update(++done, `${e.source}${e.ok ? '' : ' (failed)'}`);
      },
    });
    bar.finish(`${result.records.length} written, ${result.failures.length} failed`);
    for (const f of result.failures) io.stderr.write(`diffmac degrade: ${f.source}: [${f.code}] ${f.message}\n`);
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ ok: result.failures.length === 0, preset: values.preset, seed, outDir, manifest: result.manifestPath, written: result.records.length, failures: result.failures }, null, 2)}\n`);
    } else {
      io.stdout.write(`${result.records.length} LQ images in ${outDir}, parameters in ${result.manifestPath}\n`);
    }
    return result.failures.length === 0 ? ExitCode.ok : ExitCode.failure;
  },
};
