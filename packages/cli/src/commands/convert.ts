import { mkdir } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { CHECKPOINT_KINDS, convertCheckpoint, writeFileAtomic, type CheckpointKind } from '@diffmac/core';
import type { Command } from '../command';
import { checkOutputs } from '../output-plan';
import { createProgressBar } from '../progress';
import { UsageError } from '../usage-error';

const kinds = Object.keys(CHECKPOINT_KINDS) as CheckpointKind[];

const usage = `Usage: diffmac convert <kind> <checkpoint.pth> -o <model.onnx> [--force] [--json]

Convert an official PyTorch checkpoint to ONNX in Node (no Python), in the contract the other
commands read. Parameters are read by key and shape; a checkpoint of another network is refused
with the key that does not fit.

Kinds:
${kinds.map((k) => `  ${k.padEnd(18)} ${CHECKPOINT_KINDS[k].checkpoint}\n  ${''.padEnd(18)} → ${CHECKPOINT_KINDS[k].contract}`).join('\n')}

Then, for example:
  diffmac eval <restored> <gt> --lpips-trunk lpips-alex.onnx --lpips-weights alex.pth
  diffmac eval <restored> <gt> --identity-model arcface.onnx

Options:
  -o, --out <file>   the .onnx to write (written atomically; never an input)
  --force            replace the output if it exists
  --json             print a JSON summary on stdout
  --quiet            no progress output`;

/** `diffmac convert`: official .pth checkpoints to ONNX. */
export const convertCommand: Command = {
  name: 'convert',
  summary: 'convert an official PyTorch checkpoint (.pth) to ONNX: LPIPS trunks, ArcFace, FID Inception, RetinaFace',
  usage,
  async run(argv, io, signal) {
    const { values, positionals } = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        out: { type: 'string', short: 'o' },
        force: { type: 'boolean', default: false },
        json: { type: 'boolean', default: false },
        quiet: { type: 'boolean', default: false },
      },
    });
    const [kind, ...files] = positionals;
    if (!kind) throw new UsageError(`expected a <kind>: ${kinds.join(', ')}`);
    if (!kinds.includes(kind as CheckpointKind)) throw new UsageError(`unknown kind ${JSON.stringify(kind)}; expected one of ${kinds.join(', ')}`);
    if (files.length === 0) throw new UsageError(`expected the checkpoint: ${CHECKPOINT_KINDS[kind as CheckpointKind].checkpoint}`);
    if (!values.out) throw new UsageError('missing -o <model.onnx>');
    const inputs = files.map((f) => path.resolve(io.cwd, f));
    const out = path.resolve(io.cwd, values.out);
    await checkOutputs([out], inputs, { force: values.force });
    const t0 = performance.now();
    const bar = createProgressBar(io, `convert ${kind}`, 1, { quiet: values.quiet || values.json });
    const converted = await convertCheckpoint(kind as CheckpointKind, inputs, {
      signal,
      onProgress: (e) => {
        if (e.type === 'tensor') bar.update(e.done / e.total, e.key);
        else if (e.type === 'serialise') bar.update(1, 'writing ONNX');
      },
    });
    await mkdir(path.dirname(out), { recursive: true });
    await writeFileAtomic(out, converted.bytes, { overwrite: values.force });
    const seconds = (performance.now() - t0) / 1000;
    bar.finish(`${kind}: ${(converted.bytes.length / 1e6).toFixed(1)} MB in ${seconds.toFixed(1)} s`);
    if (values.json) io.stdout.write(`${JSON.stringify({ kind, checkpoint: inputs, output: out, bytes: converted.bytes.length, contract: converted.contract, seconds }, null, 2)}\n`);
    else io.stdout.write(`${out}\n  ${converted.contract}\n`);
    return 0;
  },
};
