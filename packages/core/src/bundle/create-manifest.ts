/**
 * Write `diffmac.json` for a folder that already holds models (an Optimum diffusers ONNX export,
 * DiffMAC parts, or one restorer .onnx): components from the folder layout, tensors read from the
 * ONNX files, parameterisation from the scheduler config, sha256 of every file.
 */
import { readdir, readFile, rename, stat, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { DiffmacError, invalidArgument } from '@diffmac/base';
import { readOnnxSignatureFile } from '../onnx/read-signature-file';
import { sha256File } from './digest';
import { MANIFEST_FILE, type BundleComponentSpec, type BundleManifest, type BundleTensorSpec, type Parameterization } from './manifest';
import { bundleRoleNames, bundleRoles, type BundleRole } from './roles';
import { bundleLayoutHint, type BundleProgressEvent } from './validate-bundle';

/** Options of {@link createBundleManifest}. */
export interface CreateBundleManifestOptions {
  /** Bundle name (default: the folder's name). */
  name?: string;
  /** Face resolution in pixels (default: 8 × the UNet's fixed latent size, a restorer's fixed input size, else 512). */
  resolution?: number;
  /** Default: from `scheduler/scheduler_config.json`'s `prediction_type`, else `'eps'`. */
  parameterization?: Parameterization;
  /**
   * Role of a lone ONNX file at the top of the folder (default `'restorer'`): `model.onnx`, or one
   * `.onnx` file of any name, as facefusion ships its restorers (`gfpgan_1.4.onnx`, `codeformer.onnx`).
   */
  singleModelRole?: BundleRole;
  /** The top-level ONNX file to take as the single model when the folder holds several (a file name in `dir`). */
  modelFile?: string;
  /** Write `diffmac.json` (default true); false only returns the manifest. */
  write?: boolean;
  signal?: AbortSignal;
  onProgress?: (event: BundleProgressEvent) => void;
}

/**
 * The one top-level ONNX file of a single-model folder: `requested` when given, else `model.onnx`,
 * else the only `*.onnx` file; several candidates without `requested` are `BUNDLE_AMBIGUOUS_MODEL`.
 */
async function singleModelFile(dir: string, requested: string | undefined): Promise<string | undefined> {
  if (requested !== undefined) {
    if (!(await isFile(join(dir, requested)))) {
      throw new DiffmacError('BUNDLE_MISSING_FILE', `The model file ${join(dir, requested)} does not exist`, { argument: requested, expected: 'an ONNX file in the folder', received: 'missing' });
    }
    return requested;
  }
  if (await isFile(join(dir, 'model.onnx'))) return 'model.onnx';
  const onnx: string[] = [];
  for (const f of await readdir(dir)) if (f.endsWith('.onnx') && (await isFile(join(dir, f)))) onnx.push(f);
  if (onnx.length > 1) {
    throw new DiffmacError('BUNDLE_AMBIGUOUS_MODEL', `${dir} holds several ONNX files (${onnx.sort().join(', ')}): pass the one to use as the model (--model ${join(dir, onnx[0]!)}), or keep one per folder`, {
      argument: dir,
      expected: 'one .onnx file at the top of the folder',
      received: onnx.join(', '),
    });
  }
  return onnx[0];
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function listFiles(root: string, folder: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await readdir(dir, { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && !entry.name.endsWith('.partial')) out.push(relative(root, path).split(sep).join('/'));
    }
  };
  await walk(join(root, folder));
  return out.sort();
}

function parameterizationOf(config: Record<string, unknown> | undefined): Parameterization {
  const p = config?.prediction_type;
  return p === 'v_prediction' ? 'v' : p === 'sample' ? 'x0' : 'eps';
}

async function readJsonIfAny(path: string): Promise<Record<string, unknown> | undefined> {
  if (!(await isFile(path))) return undefined;
  try {
    return JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>;
  } catch (cause) {
    throw new DiffmacError('BUNDLE_MANIFEST_INVALID', `${path} is not valid JSON`, { argument: path, cause });
  }
}

/**
 * Build (and by default write) `diffmac.json` for the models already in `dir`. Each role folder
 * with a `model.onnx` (`unet/`, `vae_encoder/`, `mib/`, ...) becomes a component with every input
 * and output its ONNX file declares; `tokenizer/` and `scheduler/scheduler_config.json` are added
 * when present; every file under them (external weight files included) and `model_index.json`
 * get a sha256. A folder with only a top-level `model.onnx`, or one `.onnx` file of any name (as
 * facefusion names its restorers), becomes a one-model bundle.
 *
 * @example
 * // An Optimum export of SD 2.1-base, downloaded by hand:
 * const manifest = await createBundleManifest('models/sd21-base', { resolution: 512 });
 * const bundle = await loadBundle('models/sd21-base');
 */
export async function createBundleManifest(dir: string, options: CreateBundleManifestOptions = {}): Promise<BundleManifest> {
  const { signal } = options;
  if (!(await stat(dir).catch(() => undefined))?.isDirectory()) {
    throw new DiffmacError('BUNDLE_MISSING_FILE', `The bundle folder ${dir} does not exist`, { argument: dir, expected: 'a folder', received: 'no such folder' });
  }
  const single = options.singleModelRole ?? 'restorer';
  if (!bundleRoleNames.includes(single) || bundleRoles[single].kind !== 'onnx') {
    invalidArgument('options.singleModelRole', 'an ONNX role', single);
  }
  const components: Record<string, BundleComponentSpec> = {};
  const files: string[] = [];
  for (const role of bundleRoleNames) {
    const kind = bundleRoles[role].kind;
    if (kind === 'onnx' && (await isFile(join(dir, role, 'model.onnx')))) {
      components[role] = { role, path: `${role}/model.onnx` };
      files.push(...(await listFiles(dir, role)));
    }
  }
  if ((await stat(join(dir, 'tokenizer')).catch(() => undefined))?.isDirectory()) {
    components.tokenizer = { role: 'tokenizer', path: 'tokenizer' };
    files.push(...(await listFiles(dir, 'tokenizer')));
  }
  if (await isFile(join(dir, 'scheduler', 'scheduler_config.json'))) {
    components.scheduler = { role: 'scheduler', path: 'scheduler/scheduler_config.json' };
    files.push(...(await listFiles(dir, 'scheduler')));
  }
  if (Object.keys(components).length === 0 || options.modelFile !== undefined) {
    const model = await singleModelFile(dir, options.modelFile);
    if (model !== undefined) {
      for (const key of Object.keys(components)) delete components[key];
      files.length = 0;
      components[single] = { role: single, path: model };
      files.push(model);
      // External weights beside it (model.onnx.data, model.onnx_data, ...).
      for (const f of await readdir(dir)) if (f.startsWith(model) && f !== model && (await isFile(join(dir, f)))) files.push(f);
    }
  }
  if (Object.keys(components).length === 0) {
    throw new DiffmacError('BUNDLE_MISSING_FILE', `No models found in ${dir}: ${bundleLayoutHint}`, {
      argument: dir,
      expected: 'role folders with model.onnx, or one model.onnx',
      received: 'none',
    });
  }
  if (await isFile(join(dir, 'model_index.json'))) files.push('model_index.json');

  const toSpecs = (list: readonly { name: string; dtype: string; shape: readonly (number | string)[] }[], file: string): BundleTensorSpec[] =>
    list.map((t) => {
      if (t.dtype === 'unknown') {
        throw new DiffmacError('BUNDLE_WRONG_DTYPE', `${file}: tensor ${JSON.stringify(t.name)} has an element type diffmac does not support`, { argument: `${file}:${t.name}` });
      }
      return { name: t.name, dtype: t.dtype as BundleTensorSpec['dtype'], shape: [...t.shape] };
    });
  for (const [name, component] of Object.entries(components)) {
    if (bundleRoles[component.role].kind !== 'onnx') continue;
    signal?.throwIfAborted();
    const file = join(dir, component.path);
    options.onProgress?.({ type: 'signature', component: name, file: component.path });
    const sig = await readOnnxSignatureFile(file);
    component.inputs = toSpecs(sig.inputs, file);
    component.outputs = toSpecs(sig.outputs, file);
  }
  const digests: Record<string, string> = {};
  for (const [index, file] of files.entries()) {
    signal?.throwIfAborted();
    options.onProgress?.({ type: 'digest', file, index, total: files.length });
    digests[file] = await sha256File(join(dir, file), signal);
  }
  const schedulerConfig = await readJsonIfAny(join(dir, 'scheduler', 'scheduler_config.json'));
  const vaeConfig = (await readJsonIfAny(join(dir, 'vae_decoder', 'config.json'))) ?? (await readJsonIfAny(join(dir, 'vae_encoder', 'config.json')));
  const hasVae = components.vae_decoder !== undefined || components.vae_encoder !== undefined;
  const latent = components.unet?.inputs?.find((t) => t.name === 'sample')?.shape[2];
  // A restorer with a fixed input size works at that size.
  const restorerSide = Object.values(components).find((c) => c.role === 'restorer')?.inputs?.find((t) => t.shape.length === 4)?.shape[2];
  const resolution = options.resolution ?? (typeof latent === 'number' ? latent * (hasVae ? 8 : 1) : typeof restorerSide === 'number' ? restorerSide : 512);
  if (!Number.isInteger(resolution) || resolution < 1) invalidArgument('options.resolution', 'a positive integer', resolution);
  const parameterization = options.parameterization ?? parameterizationOf(schedulerConfig);
  const name = options.name ?? (dir.split(/[\\/]/).filter(Boolean).pop() ?? 'bundle');
  const scaling = typeof vaeConfig?.scaling_factor === 'number' ? vaeConfig.scaling_factor : 0.18215;
  const manifest: BundleManifest = {
    type: 'diffmac-bundle',
    version: 1,
    name,
    resolution,
    parameterization,
    ...(hasVae ? { latentScaleFactor: 8, vaeScalingFactor: scaling } : {}),
    components,
    files: digests,
  };
  if (options.write !== false) {
    const target = join(dir, MANIFEST_FILE);
    await writeFile(`${target}.partial`, `${JSON.stringify(manifest, null, 2)}\n`);
    await rename(`${target}.partial`, target);
  }
  return manifest;
}
