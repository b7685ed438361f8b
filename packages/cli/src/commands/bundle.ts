import { existsSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { DiffmacError } from '@diffmac/base';
import { writeTinyBundle, type TinyBundleKind } from '@diffmac/core/testing';
import { createBundleManifest, isHubId, loadBundle, type BundleManifest, type ModelBundle } from '@diffmac/core';
import { ExitCode, type CliIo, type Command } from '../command';
import { createProgressBar } from '../progress';
import { accepts, numberOption } from '../number-option';
import { UsageError } from '../usage-error';

const kinds: readonly TinyBundleKind[] = ['diffmac', 'diffusers', 'restorer'];

const usage = `Usage: diffmac bundle make-tiny <dir> [--seed N] [--kind diffmac|diffusers|restorer] [--resolution N] [--json]
       diffmac bundle check <dir | owner/name> [--allow-network] [--cache-dir <dir>] [--no-digests] [--json]
       diffmac bundle init <dir> [--resolution N] [--parameterization eps|v|x0] [--name S] [--json]

Model bundles: a diffusers ONNX folder (model_index.json, unet/, vae_encoder/, vae_decoder/,
text_encoder/, tokenizer/, scheduler/) plus diffmac.json naming each component's role, tensors,
parameterization, resolution and the sha256 of every file.

  make-tiny   write a tiny bundle with seeded random weights and real signatures (offline, < 1 MB)
  check       validate a bundle folder or Hub id: manifest, paths, digests, every ONNX signature
  init        write diffmac.json for models already in a folder (an Optimum diffusers ONNX export,
              DiffMAC parts, or one restorer model.onnx), reading tensors from the ONNX files

Options:
  --seed <n>           make-tiny: weight seed (default 0)
  --kind <kind>        make-tiny: ${kinds.join(' | ')} (default diffmac)
  --resolution <n>     make-tiny: face size in pixels, a multiple of 16 (default 64; restorer 512);
                       init: the bundle's face size (default from the UNet's latent size, else 512)
  --parameterization   init: eps | v | x0 (default from scheduler_config.json's prediction_type)
  --name <s>           init: bundle name (default the folder name)
  --allow-network      check: download a Hub bundle that is not cached
  --cache-dir <dir>    check: where Hub bundles are cached (default ~/.cache/diffmac/bundles)
  --no-digests         check: skip the sha256 check of every file
  --json               print one JSON object on stdout
  --quiet              no progress output

Exit code 1 when the bundle is invalid (the error names the file and the tensor).`;

function summary(manifest: BundleManifest) {
  return Object.entries(manifest.components).map(([name, c]) => ({
    name,
    role: c.role,
    path: c.path,
    inputs: (c.inputs ?? []).map((t) => `${t.name}:${t.dtype}[${t.shape.join(',')}]`),
    outputs: (c.outputs ?? []).map((t) => `${t.name}:${t.dtype}[${t.shape.join(',')}]`),
  }));
}

function printComponents(io: CliIo, manifest: BundleManifest): void {
  for (const c of summary(manifest)) {
    io.stdout.write(`  ${c.name.padEnd(13)} ${c.role.padEnd(13)} ${c.path}\n`);
    if (c.inputs.length > 0) io.stdout.write(`  ${''.padEnd(27)} in:  ${c.inputs.join(' ')}\n`);
    if (c.outputs.length > 0) io.stdout.write(`  ${''.padEnd(27)} out: ${c.outputs.join(' ')}\n`);
  }
}

async function makeTiny(argv: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      seed: { type: 'string', default: '0' },
      kind: { type: 'string', default: 'diffmac' },
      resolution: { type: 'string' },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`make-tiny expects one <dir>, received ${positionals.length}`);
  if (!kinds.includes(values.kind as TinyBundleKind)) throw new UsageError(`--kind must be one of ${kinds.join(', ')}, received ${JSON.stringify(values.kind)}`);
  const seed = numberOption('--seed', values.seed, accepts.integer)!;
  const resolution = numberOption('--resolution', values.resolution, accepts.integer);
  const dir = path.resolve(io.cwd, positionals[0]!);
  const manifest = await writeTinyBundle(dir, { seed, kind: values.kind as TinyBundleKind, ...(resolution === undefined ? {} : { resolution }) });
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ ok: true, dir, name: manifest.name, resolution: manifest.resolution, components: summary(manifest), files: manifest.files }, null, 2)}\n`);
  } else {
    io.stdout.write(`wrote ${manifest.name} bundle to ${dir} (seed ${seed}, ${manifest.resolution}px, ${Object.keys(manifest.files).length} files)\n`);
    printComponents(io, manifest);
  }
  return ExitCode.ok;
}

async function check(argv: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'allow-network': { type: 'boolean', default: false },
      'cache-dir': { type: 'string' },
      'no-digests': { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`check expects one <dir | owner/name>, received ${positionals.length}`);
  const target = positionals[0]!;
  const local = path.resolve(io.cwd, target);
  const bar = createProgressBar(io, 'check', 0, { quiet: values.quiet || values.json });
  let bundle: ModelBundle;
  try {
    // An existing folder is read as a folder; anything else that looks like owner/name is a Hub id.
    const isFolder = existsSync(local);
    bundle = await loadBundle(isFolder || !isHubId(target) ? local : target, {
      allowNetwork: values['allow-network'],
      ...(values['cache-dir'] ? { cacheDir: path.resolve(io.cwd, values['cache-dir']) } : {}),
      verifyDigests: !values['no-digests'],
      signal,
      onProgress: (e) => {
        if (e.type === 'digest') {
          bar.setTotal(e.total);
          bar.update(e.index + 1, e.file);
        }
      },
    });
  } catch (error) {
    if (!(error instanceof DiffmacError) || !values.json) throw error;
    io.stdout.write(`${JSON.stringify({ ok: false, error: { code: error.code, message: error.message, argument: error.argument ?? null } }, null, 2)}\n`);
    return ExitCode.failure;
  }
  bar.finish();
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ ok: true, root: bundle.root, source: bundle.source, name: bundle.manifest.name, resolution: bundle.manifest.resolution, parameterization: bundle.manifest.parameterization, components: summary(bundle.manifest) }, null, 2)}\n`);
  } else {
    io.stdout.write(`ok ${bundle.root}: ${bundle.componentNames.length} components, ${Object.keys(bundle.manifest.files).length} files${values['no-digests'] ? '' : ' (sha256 verified)'}\n`);
    printComponents(io, bundle.manifest);
  }
  return ExitCode.ok;
}

async function init(argv: string[], io: CliIo, signal: AbortSignal): Promise<number> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      resolution: { type: 'string' },
      parameterization: { type: 'string' },
      name: { type: 'string' },
      json: { type: 'boolean', default: false },
      quiet: { type: 'boolean', default: false },
    },
  });
  if (positionals.length !== 1) throw new UsageError(`init expects one <dir>, received ${positionals.length}`);
  const p = values.parameterization;
  if (p !== undefined && p !== 'eps' && p !== 'v' && p !== 'x0') throw new UsageError(`--parameterization must be eps, v or x0, received ${JSON.stringify(p)}`);
  const resolution = numberOption('--resolution', values.resolution, accepts.integer);
  const dir = path.resolve(io.cwd, positionals[0]!);
  const manifest = await createBundleManifest(dir, {
    signal,
    ...(resolution === undefined ? {} : { resolution }),
    ...(p === undefined ? {} : { parameterization: p }),
    ...(values.name === undefined ? {} : { name: values.name }),
  });
  if (values.json) {
    io.stdout.write(`${JSON.stringify({ ok: true, dir, name: manifest.name, resolution: manifest.resolution, parameterization: manifest.parameterization, components: summary(manifest), files: manifest.files }, null, 2)}\n`);
  } else {
    io.stdout.write(`wrote ${path.join(dir, 'diffmac.json')}: ${Object.keys(manifest.components).length} components, ${Object.keys(manifest.files).length} files, ${manifest.resolution}px, ${manifest.parameterization}\n`);
    printComponents(io, manifest);
  }
  return ExitCode.ok;
}

/** `diffmac bundle`: write tiny bundles, write manifests and validate bundles. */
export const bundleCommand: Command = {
  name: 'bundle',
  summary: 'make a tiny model bundle, write a manifest for a model folder, or check a bundle',
  usage,
  async run(argv, io, signal) {
    const [sub, ...rest] = argv;
    if (sub === 'make-tiny') return makeTiny(rest, io);
    if (sub === 'check') return check(rest, io, signal);
    if (sub === 'init') return init(rest, io, signal);
    throw new UsageError(`expected a subcommand make-tiny, check or init, received ${sub === undefined ? 'nothing' : JSON.stringify(sub)}`);
  },
};
