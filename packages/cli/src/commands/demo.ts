import { mkdir, writeFile } from 'node:fs/promises';
import { DiffmacError } from '@diffmac/base';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { degradeFolder, evaluateFolders, markdownTable, writeComparisonReport, type ComparisonRun, type MetricStats } from '@diffmac/eval';
import { ExitCode, type Command } from '../command';
import { baselines, type Baseline } from '../demo/baselines';
import { metricModelOptions, metricModelUsage, readMetricModels } from '../metric-models';
import { miniSetDir } from '../demo/mini-set';
import { SR_SCALE, superResolutionTrack } from '../demo/sr-track';
import { createProgressBar } from '../progress';
import { listImages } from '@diffmac/eval';
import { restoreCommand } from './restore';
import { accepts, numberOption } from '../number-option';
import { UsageError } from '../usage-error';

const METRICS = ['psnr', 'ssim', 'idcos'];

const usage = `Usage: diffmac demo [-o <dir>] [--seed 0] [--model <bundle>] [--json]

The newcomer's main job, offline: take the bundled mini-set of HQ faces (public-domain NASA
portrait, aligned to 512²), degrade it with the gfpgan preset, restore it with the built-in
methods (${baselines.map((b) => `${b.name}${b.kind === 'learned' ? ' [learned]' : ''}`).join(', ')}), score every method with ${METRICS.join(', ')}
(identity from the embedded face embedder), and write one table, an HTML report per method and comparison.html with every method side by side.
A second, super-resolution track shrinks the HQ faces ×${SR_SCALE} and compares bicubic with the embedded
learned model (ESRGAN-medium) enlarging them back (table-sr.md, comparison-sr.html).
A restorer you configure joins the table (--model), and LPIPS / NIQE / FID join when you point at
their weights or parameters.

Options:
  -o, --out <dir>   work folder (default ./diffmac-demo)
  --seed <n>        degradation and restoration seed (default 0)
  --model <bundle>  also restore with this model bundle (as \`diffmac restore --aligned\`)
  --preset <name>   pipeline preset for --model (default: the bundle's)
${metricModelUsage}
  --workers <n>     worker threads for scoring (default: cores)
  --json            print a JSON summary on stdout
  --quiet           no progress output`;

/** `diffmac demo`: degrade → restore (baselines) → evaluate → report, on embedded data. */
export const demoCommand: Command = {
  name: 'demo',
  summary: 'run the whole evaluation job on the bundled mini-set, offline (what `npm start` runs)',
  usage,
  async run(argv, io, signal) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o', default: 'diffmac-demo' },
        seed: { type: 'string', default: '0' },
        workers: { type: 'string' },
        model: { type: 'string' },
        preset: { type: 'string' },
        ...metricModelOptions,
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}`);
    const seed = numberOption('--seed', values.seed, accepts.integer) ?? 0;
    const workers = numberOption('--workers', values.workers, accepts.nonNegativeInteger) ?? os.availableParallelism();
    const out = path.resolve(io.cwd, values.out);
    const models = await readMetricModels(values, io.cwd);
    const metrics = [...METRICS, ...(models.lpips ? ['lpips'] : []), ...(models.niqeParams ? ['niqe'] : []), ...(models.fid ? ['fid'] : [])];
    const methods: Baseline[] = [...baselines];
    if (values.model) {
      const model = values.model;
      methods.push({
        name: path.basename(path.resolve(io.cwd, model)),
        kind: 'learned',
        description: `the model bundle ${model} (diffmac restore --aligned)`,
        async run(lqDir, outDir, runSignal) {
          const inputs = (await listImages(lqDir)).map((f) => path.join(lqDir, f));
          const argv = [...inputs, '-o', outDir, '--model', model, '--aligned', '--seed', String(seed), '--quiet', '--force', ...(values.preset ? ['--preset', values.preset] : [])];
          const code = await restoreCommand.run(argv, { ...io, stdout: io.stderr }, runSignal ?? signal);
          if (code !== 0) throw new DiffmacError('RESTORE_FAILED', `diffmac restore with --model ${model} exited with code ${code} (its message is above)`, { argument: '--model', received: model });
        },
      });
    }
    const hq = miniSetDir();
    const lq = path.join(out, 'lq');
    await mkdir(out, { recursive: true });

    const say = (line: string) => {
      if (!values.quiet) io.stderr.write(`${line}\n`);
    };
    say(`demo: HQ mini-set ${hq}`);
    const degradeBar = createProgressBar(io, 'degrade (gfpgan)', 0, { quiet: values.quiet });
    let n = 0;
    const degraded = await degradeFolder(hq, lq, {
      preset: 'gfpgan',
      seed,
      // The demo's work folder is its own: a second demo run replaces the first.
      force: true,
      signal,
      onProgress: (e) => {
        if (e.type === 'start') degradeBar.setTotal(e.total);
        if (e.type === 'image') degradeBar.update(++n, e.source);
      },
    });
    degradeBar.finish(`${degraded.records.length} LQ faces in ${lq}`);
    if (degraded.failures.length) {
      throw new DiffmacError('DEGRADE_FAILED', `Could not degrade ${degraded.failures.map((f) => `${f.source} (${f.code})`).join(', ')}`, { argument: 'mini-set' });
    }

    const rows: { method: string; summary: Record<string, MetricStats>; report: string; failed: number }[] = [];
    const runs: ComparisonRun[] = [];
    for (const baseline of methods) {
      signal.throwIfAborted();
      const restored = path.join(out, 'restored', baseline.name);
      say(`restore (${baseline.name}): ${baseline.description}`);
      await baseline.run(lq, restored, signal);
      const bar = createProgressBar(io, `eval (${baseline.name})`, 0, { quiet: values.quiet });
      const result = await evaluateFolders({
        pred: restored,
        gt: hq,
        lq,
        outDir: path.join(out, 'eval', baseline.name),
        metrics,
        models,
        protocol: 'basicsr',
        workers,
        method: baseline.name,
        // The demo's work folder is its own: a second demo run replaces the first.
        force: true,
        signal,
        onProgress: (e) => {
          if (e.type === 'start') bar.setTotal(e.total);
          if (e.type === 'pair') bar.update(e.done, e.name);
        },
      });
      bar.finish(`${result.rows.length - result.failed} scored`);
      rows.push({ method: baseline.name, summary: result.summary, report: result.files.html, failed: result.failed });
      runs.push({ method: baseline.name, pred: restored, summary: result.summary, rows: result.rows, report: result.files.html, kind: baseline.kind });
    }

    // The super-resolution track: what the embedded learned model is trained for (clean faces shrunk ×2).
    say(`super-resolution track: the HQ faces shrunk ×${SR_SCALE} with bicubic, enlarged back by bicubic and by the embedded ESRGAN`);
    const sr = await superResolutionTrack(hq, path.join(out, 'sr'), signal);
    const srRows: { method: string; summary: Record<string, MetricStats>; failed: number }[] = [];
    const srRuns: ComparisonRun[] = [];
    for (const m of sr.methods) {
      const result = await evaluateFolders({
        pred: m.dir,
        gt: hq,
        lq: sr.lq,
        outDir: path.join(out, 'sr', 'eval', m.kind === 'learned' ? 'esrgan' : 'bicubic'),
        metrics,
        models,
        protocol: 'basicsr',
        workers,
        method: m.name,
        force: true,
        signal,
      });
      srRows.push({ method: m.name, summary: result.summary, failed: result.failed });
      srRuns.push({ method: m.name, pred: m.dir, summary: result.summary, rows: result.rows, report: result.files.html, kind: m.kind });
    }
    const srTable = markdownTable(srRows, 'basicsr');
    const srComparison = await writeComparisonReport(path.join(out, 'comparison-sr.html'), srRuns, { protocol: 'basicsr', title: `diffmac demo: super-resolution ×${SR_SCALE} on the mini-set`, gtDir: hq, lqDir: sr.lq });
    await writeFile(path.join(out, 'table-sr.md'), srTable);

    const table = markdownTable(rows.map((r) => ({ method: r.method, summary: r.summary })), 'basicsr');
    const tableFile = path.join(out, 'table.md');
    await writeFile(tableFile, table);
    const failed = rows.reduce((a, r) => a + r.failed, 0) + srRows.reduce((a, r) => a + r.failed, 0);
    const comparison = await writeComparisonReport(path.join(out, 'comparison.html'), runs, { protocol: 'basicsr', title: `diffmac demo: ${runs.length} methods on the mini-set`, gtDir: hq, lqDir: lq });
    if (values.json) {
      io.stdout.write(`${JSON.stringify({ ok: failed === 0, seed, preset: 'gfpgan', hq, lq, table: tableFile, comparison, methods: rows, superResolution: { scale: SR_SCALE, lq: sr.lq, comparison: srComparison, methods: srRows } }, null, 2)}\n`);
    } else {
      io.stdout.write(
        [
          '',
          `Restoration track: the mini-set degraded with the gfpgan preset (blur, downsampling, noise, JPEG).`,
          table,
          `Learned: ${methods.filter((m) => m.kind === 'learned').map((m) => m.name).join(', ')}; the rest are baselines without a model.`,
          'No face-restoration model ships (their weights cannot be redistributed): ESRGAN is a super-resolution',
          'model, so it does not undo blur, noise and JPEG, and it does not beat the baselines here. To restore',
          'faces, give a model: diffmac demo --model <bundle> (see docs/tasks/bring-your-own-weights.md).',
          '',
          `Super-resolution track: the HQ faces shrunk ×${SR_SCALE} with bicubic, the task ESRGAN is trained for.`,
          srTable,
          "Identity (IDS) is the cosine of face-align's embedded 128-D face embeddings.",
          '',
          `Comparison of all methods: ${comparison}`,
          `Super-resolution comparison: ${srComparison}`,
          'HTML reports:',
          ...rows.map((r) => `  ${r.method}: ${r.report}`),
          '',
        ].join('\n'),
      );
    }
    return failed === 0 ? ExitCode.ok : ExitCode.failure;
  },
};
