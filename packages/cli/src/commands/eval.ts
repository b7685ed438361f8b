import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { evaluateFolders, jsonWithNonFinite, listProtocols, markdownTable, writeComparisonReport, type EvaluationResult, RUNNER_METRICS, type ProtocolName } from '@diffmac/eval';
import { ExitCode, type Command } from '../command';
import { metricModelOptions, metricModelUsage, readMetricModels } from '../metric-models';
import { createProgressBar } from '../progress';
import { accepts, numberOption } from '../number-option';
import { UsageError } from '../usage-error';

const protocols = listProtocols().map((p) => p.name);

const usage = `Usage: diffmac eval --pred <dir> [--pred <dir> ...] [--gt <dir>] [--metrics psnr,ssim] [--protocol basicsr] [options]

Score restored faces against ground truth matched by file name (the CelebA-Test layout), and
write results.jsonl, summary.json, per-image.csv, summary.csv, table.md and report.html.

Options:
  --pred <dir>          restored images; give it several times to compare methods: each is scored
                        into <out>/<folder name> and <out>/comparison.html shows them side by side
  --gt <dir>            ground truth (omit for no-reference metrics only)
  --lq <dir>            LQ inputs, shown in the HTML report's picture grid
  -o, --out <dir>       where results go (default: ./diffmac-eval/<pred folder name>, or ./diffmac-eval
                        with several --pred); never inside --gt or --pred
  --metrics <list>      comma-separated: ${RUNNER_METRICS.join(', ')}, fid (default psnr,ssim)
  --protocol <name>     ${protocols.join(' | ')} (default basicsr)
  --crop-border <n>     pixels cut from each edge for PSNR/SSIM/NIQE (default 0)
${metricModelUsage}
  --workers <n>         worker threads (default: cores; 0 = this thread)
  --resume              continue a stopped run in --out without losing or repeating rows
                        (images changed since, by size or modification time, are scored again)
  --force               replace the results of an earlier run in --out
  --method <name>       method name in tables (default: the pred folder's name)
  --json                print the summary as JSON on stdout
  --quiet               no progress output

Symbolic links to images (and to the folders) are followed. Exit code 1 when any image could not
be scored: a failure, a name with no counterpart, a name present twice (x.png and x.jpg), or an
entry that is not an image file (a subfolder, a dangling link); each is listed with its reason.
A run with nothing to score fails with NOTHING_TO_SCORE; a second run into an --out another run
is writing into fails with OUTPUT_LOCKED.`;

/** `diffmac eval`: score a folder of restored faces. */
export const evalCommand: Command = {
  name: 'eval',
  summary: 'score restored faces against ground truth (PSNR, SSIM, LPIPS, identity, ...) and write reports',
  usage,
  async run(argv, io, signal) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        pred: { type: 'string', multiple: true },
        gt: { type: 'string' },
        lq: { type: 'string' },
        out: { type: 'string', short: 'o' },
        metrics: { type: 'string', default: 'psnr,ssim' },
        protocol: { type: 'string', default: 'basicsr' },
        'crop-border': { type: 'string', default: '0' },
        ...metricModelOptions,
        workers: { type: 'string' },
        resume: { type: 'boolean', default: false },
        force: { type: 'boolean', default: false },
        method: { type: 'string' },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    });
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${JSON.stringify(positionals[0])}; folders go after --pred and --gt`);
    if (!values.pred || values.pred.length === 0) throw new UsageError('missing --pred <dir>');
    const metrics = values.metrics.split(',').map((m) => m.trim()).filter(Boolean);
    const valid = [...RUNNER_METRICS, 'fid'];
    for (const m of metrics) if (!valid.includes(m)) throw new UsageError(`unknown metric ${JSON.stringify(m)}; valid: ${valid.join(', ')}`);
    if (!protocols.includes(values.protocol as ProtocolName)) throw new UsageError(`--protocol must be one of ${protocols.join(', ')}, received ${JSON.stringify(values.protocol)}`);
    const cropBorder = numberOption('--crop-border', values['crop-border'], accepts.nonNegativeInteger) ?? 0;
    const workers = numberOption('--workers', values.workers, accepts.nonNegativeInteger) ?? os.availableParallelism();

    if (values.resume && values.force) throw new UsageError('--resume continues the run in --out and --force replaces it: choose one');
    const resolve = (p: string) => path.resolve(io.cwd, p);
    const preds = values.pred.map(resolve);
    const several = preds.length > 1;
    if (several && values.method) throw new UsageError('--method names one method; with several --pred each is named after its folder');
    const names = preds.map((p) => path.basename(p));
    const twice = names.find((n, i) => names.indexOf(n) !== i);
    if (twice !== undefined) throw new UsageError(`two --pred folders are named ${JSON.stringify(twice)}; each method is named after its folder, so give them different names`);
    const outRoot = resolve(values.out ?? (several ? 'diffmac-eval' : path.join('diffmac-eval', names[0]!)));
    const models = await readMetricModels(values, io.cwd);

    const results: EvaluationResult[] = [];
    for (const [k, pred] of preds.entries()) {
      const outDir = several ? path.join(outRoot, names[k]!) : outRoot;
      const bar = createProgressBar(io, several ? `eval (${names[k]})` : 'eval', 0, { quiet: values.quiet });
      const result = await evaluateFolders({
        pred,
        ...(values.gt ? { gt: resolve(values.gt) } : {}),
        ...(values.lq ? { lq: resolve(values.lq) } : {}),
        outDir,
        metrics,
        protocol: values.protocol as ProtocolName,
        cropBorder,
        models,
        workers,
        resume: values.resume,
        force: values.force,
        ...(values.method ? { method: values.method } : {}),
        signal,
        onProgress: (e) => {
          if (e.type === 'start') {
            bar.setTotal(e.total);
            if (e.alreadyDone > 0) bar.update(e.alreadyDone, '(resumed)');
          }
          if (e.type === 'pair') bar.update(e.done, `${e.name}${e.ok ? '' : ' (failed)'}`);
        },
      });
      bar.finish(`${result.rows.length - result.failed} scored, ${result.failed} failed`);
      for (const r of result.rows) if (!r.ok) io.stderr.write(`diffmac eval: ${r.name}: [${r.code}] ${r.message}\n`);
      if (result.missing.length) io.stderr.write(`diffmac eval: ${result.missing.length} ground-truth images have no restored image: ${result.missing.slice(0, 10).join(', ')}${result.missing.length > 10 ? ', ...' : ''}\n`);
      const list = (xs: readonly string[]) => `${xs.slice(0, 10).join(', ')}${xs.length > 10 ? ', ...' : ''}`;
      if (result.extra.length) io.stderr.write(`diffmac eval: ${result.extra.length} restored images have no ground truth: ${list(result.extra)}\n`);
      if (result.ambiguous.length) io.stderr.write(`diffmac eval: ${result.ambiguous.length} names are present twice under different extensions (not scored): ${list(result.ambiguous)}\n`);
      if (result.skipped.length) io.stderr.write(`diffmac eval: ${result.skipped.length} folder entries are not image files (not scored): ${list(result.skipped)}\n`);
      results.push(result);
    }
    const protocol = values.protocol as ProtocolName;
    let comparison: string | undefined;
    if (several) {
      comparison = await writeComparisonReport(
        path.join(outRoot, 'comparison.html'),
        results.map((r, k) => ({ method: r.method, pred: preds[k]!, summary: r.summary, rows: r.rows, report: r.files.html })),
        { protocol, gtDir: values.gt ? resolve(values.gt) : undefined, lqDir: values.lq ? resolve(values.lq) : undefined },
      );
    }
    const complete = results.every((r) => r.complete);
    const one = (result: EvaluationResult) => ({ ok: result.complete, method: result.method, protocol: result.protocol, metrics: result.summary, failed: result.failed, missing: result.missing, extra: result.extra, ambiguous: result.ambiguous, skipped: result.skipped, files: result.files });
    if (values.json) {
      io.stdout.write(jsonWithNonFinite(several ? { ok: complete, protocol, methods: results.map(one), comparison } : one(results[0]!)));
    } else if (several) {
      io.stdout.write(markdownTable(results.map((r) => ({ method: r.method, summary: r.summary })), protocol));
      io.stdout.write(`\nComparison: ${comparison}\n${results.map((r) => `Report (${r.method}): ${r.files.html}`).join('\n')}\n`);
    } else {
      io.stdout.write(await readFile(results[0]!.files.markdown, 'utf8'));
      io.stdout.write(`\nReport: ${results[0]!.files.html}\n`);
    }
    return complete ? ExitCode.ok : ExitCode.failure;
  },
};
