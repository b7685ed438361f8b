/**
 * Validate a bundle folder against its manifest: paths, files, digests, ONNX signatures and the
 * agreement between components, all before any inference.
 */
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { DiffmacError } from '@diffmac/base';
import type { TensorSignature } from '../inference/types';
import { readOnnxSignatureFile } from '../onnx/read-signature-file';
import { checkBundleComplete } from './bundle-completeness';
import { createBundleManifest } from './create-manifest';
import { loadClipTokenizer, tokenizerKind } from '../text/clip-tokenizer';
import { sha256File } from './digest';
import { MANIFEST_FILE, parseBundleManifest, type BundleManifest, type BundleTensorSpec } from './manifest';
import { resolveInsideBundle } from './paths';
import { bundleRoles } from './roles';
import { identityContract } from '../pipeline/identity-model';

/** Progress of {@link validateBundle} and `loadBundle`. */
export type BundleProgressEvent =
  | { type: 'digest'; file: string; index: number; total: number }
  | { type: 'signature'; component: string; file: string }
  | { type: 'download'; file: string; index: number; total: number; bytes: number }
  | { type: 'done'; components: number; files: number };

/** Options of {@link validateBundle}. */
export interface ValidateBundleOptions {
  /** Check every file's sha256 (default true). */
  verifyDigests?: boolean;
  signal?: AbortSignal;
  onProgress?: (event: BundleProgressEvent) => void;
}

/** What validation found: the manifest and each ONNX component's signature as the file declares it. */
export interface ValidatedBundle {
  readonly root: string;
  readonly manifest: BundleManifest;
  /** Absolute path of every component. */
  readonly paths: Readonly<Record<string, string>>;
  readonly signatures: Readonly<Record<string, { inputs: readonly TensorSignature[]; outputs: readonly TensorSignature[] }>>;
  /** `scheduler/scheduler_config.json`, parsed, when the bundle has a scheduler. */
  readonly schedulerConfig: Readonly<Record<string, unknown>> | undefined;
  /** `model_index.json`, parsed, when present. */
  readonly modelIndex: Readonly<Record<string, unknown>> | undefined;
}

/** The layout a user must place, for errors that tell them what goes where. */
export const bundleLayoutHint =
  'a bundle folder holds diffmac.json plus the diffusers ONNX layout: model_index.json, unet/model.onnx, vae_encoder/model.onnx, ' +
  'vae_decoder/model.onnx, text_encoder/model.onnx, tokenizer/ (vocab.json + merges.txt as Optimum exports it, or tokenizer.json), scheduler/scheduler_config.json ' +
  '(and for DiffMAC: cond_encoder/, mib/, unet_stage2/, identity/); a one-pass restorer is diffmac.json plus one .onnx file';

function missing(root: string, path: string, what: string): DiffmacError {
  return new DiffmacError('BUNDLE_MISSING_FILE', `Missing ${what}: place it at ${join(root, path)} (${bundleLayoutHint})`, {
    argument: path,
    expected: `a file at ${join(root, path)}`,
    received: 'no such file',
  });
}

async function kindOf(path: string): Promise<'file' | 'dir' | undefined> {
  const s = await stat(path).catch(() => undefined);
  return s === undefined ? undefined : s.isDirectory() ? 'dir' : 'file';
}

async function readJson(path: string, label: string): Promise<Record<string, unknown>> {
  const text = await readFile(path, 'utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (cause) {
    throw new DiffmacError('BUNDLE_MANIFEST_INVALID', `${label} is not valid JSON: ${(cause as Error).message}`, { argument: label, cause });
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new DiffmacError('BUNDLE_MANIFEST_INVALID', `${label} should hold a JSON object`, { argument: label, expected: 'a JSON object' });
  }
  return value as Record<string, unknown>;
}

function shapeText(shape: readonly (number | string)[]): string {
  return `[${shape.join(', ')}]`;
}

function compareTensors(
  file: string,
  kind: 'input' | 'output',
  declared: readonly BundleTensorSpec[],
  actual: readonly TensorSignature[],
): void {
  for (const spec of declared) {
    const found = actual.find((a) => a.name === spec.name);
    if (!found) {
      throw new DiffmacError(
        'BUNDLE_WRONG_NAME',
        `${file}: the manifest declares ${kind} ${JSON.stringify(spec.name)}, but the model's ${kind}s are ${actual.map((a) => a.name).join(', ')}`,
        { argument: `${file}:${spec.name}`, expected: `${kind} ${JSON.stringify(spec.name)}`, received: actual.map((a) => a.name).join(', ') },
      );
    }
    if (found.dtype !== spec.dtype) {
      throw new DiffmacError('BUNDLE_WRONG_DTYPE', `${file}: ${kind} ${JSON.stringify(spec.name)} is ${found.dtype}, the manifest says ${spec.dtype}`, {
        argument: `${file}:${spec.name}`,
        expected: spec.dtype,
        received: found.dtype,
      });
    }
    if (found.unknownRank) continue;
    const sameRank = found.shape.length === spec.shape.length;
    const sameDims = sameRank && spec.shape.every((d, i) => (typeof d === 'number' ? found.shape[i] === d : typeof found.shape[i] === 'string'));
    if (!sameDims) {
      throw new DiffmacError(
        'BUNDLE_WRONG_SHAPE',
        `${file}: ${kind} ${JSON.stringify(spec.name)} has shape ${shapeText(found.shape)}, the manifest says ${shapeText(spec.shape)}`,
        { argument: `${file}:${spec.name}`, expected: shapeText(spec.shape), received: shapeText(found.shape) },
      );
    }
  }
  if (kind === 'input') {
    const undeclared = actual.filter((a) => !declared.some((d) => d.name === a.name));
    if (undeclared.length > 0) {
      throw new DiffmacError(
        'BUNDLE_WRONG_NAME',
        `${file}: the model has input ${JSON.stringify(undeclared[0]!.name)} that the manifest does not declare`,
        { argument: `${file}:${undeclared[0]!.name}`, expected: declared.map((d) => d.name).join(', '), received: actual.map((a) => a.name).join(', ') },
      );
    }
  }
}

function dimOf(sig: ValidatedBundle['signatures'][string] | undefined, kind: 'inputs' | 'outputs', name: string, axis: number): number | undefined {
  const t = sig?.[kind].find((s) => s.name === name);
  const d = t === undefined ? undefined : t.shape[axis < 0 ? t.shape.length + axis : axis];
  return typeof d === 'number' ? d : undefined;
}

function checkAgreement(manifest: BundleManifest, signatures: ValidatedBundle['signatures']): void {
  const byRole = (role: string) => Object.entries(manifest.components).filter(([, c]) => c.role === role).map(([n]) => signatures[n]);
  const pairs: [string, number | undefined, string, number | undefined][] = [];
  for (const unet of [...byRole('unet'), ...byRole('unet_stage2')]) {
    for (const dec of byRole('vae_decoder')) {
      pairs.push(['unet sample channels', dimOf(unet, 'inputs', 'sample', 1), 'vae_decoder latent_sample channels', dimOf(dec, 'inputs', 'latent_sample', 1)]);
    }
    for (const enc of byRole('vae_encoder')) {
      // latent_parameters holds mean and log-variance: twice the latent channels.
      const parameters = dimOf(enc, 'outputs', 'latent_parameters', 1);
      const encoded = dimOf(enc, 'outputs', 'latent_sample', 1) ?? (parameters === undefined ? undefined : parameters / 2);
      pairs.push(['unet sample channels', dimOf(unet, 'inputs', 'sample', 1), 'vae_encoder latent channels', encoded]);
    }
    for (const te of byRole('text_encoder')) {
      pairs.push([
        'unet encoder_hidden_states width',
        dimOf(unet, 'inputs', 'encoder_hidden_states', -1),
        'text_encoder last_hidden_state width',
        dimOf(te, 'outputs', 'last_hidden_state', -1),
      ]);
    }
  }
  // An identity model must have a contract the pipeline can feed (grey or RGB face in, [N, D] out).
  for (const [name, c] of Object.entries(manifest.components)) {
    if (c.role === 'identity' && signatures[name]) identityContract(signatures[name], name);
  }
  for (const [a, av, b, bv] of pairs) {
    if (av !== undefined && bv !== undefined && av !== bv) {
      throw new DiffmacError('BUNDLE_INCONSISTENT', `The bundle's components disagree: ${a} is ${av} but ${b} is ${bv}`, {
        argument: a,
        expected: String(bv),
        received: String(av),
      });
    }
  }
}

/**
 * A lone ONNX file is taken as a one-pass restorer: one RGB image in (`[N, 3, H, W]`, plus at most a
 * fidelity weight of one value, as CodeFormer's `weight`) and an RGB image out. Anything else (a
 * UNet, a VAE part) is `BUNDLE_NOT_A_RESTORER`, before any session is made.
 */
function checkLooksLikeRestorer(file: string, manifest: BundleManifest): void {
  const component = Object.values(manifest.components)[0]!;
  const inputs = component.inputs ?? [];
  const outputs = component.outputs ?? [];
  const isImage = (t: BundleTensorSpec) => t.shape.length === 4 && t.shape[1] === 3 && (t.dtype === 'float32' || t.dtype === 'float16');
  const images = inputs.filter(isImage);
  const others = inputs.filter((t) => !isImage(t));
  const weightOnly = others.every((t) => t.shape.length <= 1 && (t.shape.length === 0 || t.shape[0] === 1 || typeof t.shape[0] === 'string'));
  if (images.length !== 1 || others.length > 1 || !weightOnly || !outputs.some(isImage)) {
    const described = inputs.map((t) => `${t.name} ${t.dtype}[${t.shape.join(', ')}]`).join(', ');
    throw new DiffmacError('BUNDLE_NOT_A_RESTORER', `${file} is not a one-pass face restorer (it takes ${described}): a single .onnx file must take one RGB image [N, 3, H, W] (and at most a fidelity weight) and return one; a diffusion model's parts go in a bundle folder with its diffmac.json (${bundleLayoutHint})`, {
      argument: file,
      expected: 'an image-to-image ONNX model: [N, 3, H, W] in and out',
      received: described,
    });
  }
}

/**
 * Validate the bundle folder `root`: the manifest, that every path stays inside the folder,
 * that every file exists and matches its sha256, that every ONNX file parses and declares the
 * manifest's input/output names, dtypes and shapes, that the components agree (latent
 * channels, text width), and that nothing the pipeline needs is missing (`BUNDLE_INCOMPLETE`:
 * a latent UNet without its VAE, a text-conditioned one without text encoder and tokenizer) and the
 * resolution fits the models (a multiple of the latent scale factor). Typed errors name the file and the tensor.
 *
 * @example
 * const checked = await validateBundle('models/tiny', { onProgress: (e) => console.log(e.type) });
 */
export async function validateBundle(root: string, options: ValidateBundleOptions = {}): Promise<ValidatedBundle> {
  const { signal, onProgress } = options;
  signal?.throwIfAborted();
  let rootKind = await kindOf(root);
  let inMemory: BundleManifest | undefined;
  if (rootKind === 'file' && root.toLowerCase().endsWith('.onnx')) {
    // One ONNX file given directly (a facefusion restorer, an export of any name): a one-model bundle
    // described in memory from the file's own signature, nothing written beside it.
    inMemory = await createBundleManifest(dirname(root), { write: false, modelFile: basename(root), ...(signal ? { signal } : {}) });
    checkLooksLikeRestorer(root, inMemory);
    root = dirname(root);
    rootKind = 'dir';
  }
  if (rootKind === 'file') {
    throw new DiffmacError('BUNDLE_NOT_A_FOLDER', `${root} is a file, not a bundle folder or an .onnx model: put it in a folder and run \`diffmac bundle init <that folder>\` to write its diffmac.json (${bundleLayoutHint})`, {
      argument: root,
      expected: 'a bundle folder',
      received: 'a file',
    });
  }
  if (rootKind !== 'dir') {
    throw new DiffmacError('BUNDLE_MISSING_FILE', `The bundle folder ${root} does not exist (${bundleLayoutHint})`, {
      argument: root,
      expected: 'a bundle folder',
      received: 'no such folder',
    });
  }
  const manifestPath = join(root, MANIFEST_FILE);
  if (inMemory === undefined && (await kindOf(manifestPath)) !== 'file') {
    // A folder as exported (Optimum's SD layout, or one restorer .onnx of any name) without diffmac.json:
    // the manifest is inferred in memory as `bundle init` would write it (init stays for pinning digests).
    try {
      inMemory = await createBundleManifest(root, { write: false, ...(signal ? { signal } : {}) });
    } catch (error) {
      if (error instanceof DiffmacError && error.code === 'BUNDLE_MISSING_FILE') throw missing(root, MANIFEST_FILE, `the manifest ${MANIFEST_FILE}`);
      throw error;
    }
  }
  const manifest = inMemory ?? parseBundleManifest(await readJson(manifestPath, manifestPath), manifestPath);

  const files = Object.keys(manifest.files);
  const resolved = new Map<string, string>();
  for (const file of files) resolved.set(file, await resolveInsideBundle(root, file));
  const paths: Record<string, string> = {};
  for (const [name, component] of Object.entries(manifest.components)) {
    paths[name] = await resolveInsideBundle(root, component.path);
    const kind = bundleRoles[component.role].kind;
    const present = await kindOf(paths[name]);
    if (present !== (kind === 'folder' ? 'dir' : 'file')) throw missing(root, component.path, `the ${component.role} component ${JSON.stringify(name)}`);
    const listed = kind === 'folder' ? files.some((f) => f.startsWith(`${component.path.replace(/\/$/, '')}/`)) : manifest.files[component.path] !== undefined;
    if (!listed) {
      throw new DiffmacError('BUNDLE_MANIFEST_INVALID', `${manifestPath}: files has no sha256 for ${component.path} (component ${name})`, {
        argument: `files[${JSON.stringify(component.path)}]`,
        expected: 'a sha256 for every component file',
        received: 'nothing',
      });
    }
  }
  for (const [index, file] of files.entries()) {
    signal?.throwIfAborted();
    const path = resolved.get(file)!;
    if ((await kindOf(path)) !== 'file') throw missing(root, file, `the file ${file} listed in ${MANIFEST_FILE}`);
    if (options.verifyDigests === false) continue;
    onProgress?.({ type: 'digest', file, index, total: files.length });
    const digest = await sha256File(path, signal);
    if (digest !== manifest.files[file]) {
      throw new DiffmacError('BUNDLE_DIGEST_MISMATCH', `${join(root, file)}: sha256 is ${digest}, the manifest says ${manifest.files[file]}`, {
        argument: file,
        expected: manifest.files[file]!,
        received: digest,
      });
    }
  }
  const signatures: Record<string, { inputs: readonly TensorSignature[]; outputs: readonly TensorSignature[] }> = {};
  let schedulerConfig: Record<string, unknown> | undefined;
  for (const [name, component] of Object.entries(manifest.components)) {
    signal?.throwIfAborted();
    const kind = bundleRoles[component.role].kind;
    if (kind === 'json') {
      schedulerConfig = await readJson(paths[name]!, join(root, component.path));
      if (typeof schedulerConfig._class_name !== 'string') {
        throw new DiffmacError('BUNDLE_MANIFEST_INVALID', `${join(root, component.path)} has no "_class_name" (the diffusers scheduler class)`, {
          argument: component.path,
          expected: 'a diffusers scheduler_config.json',
        });
      }
      continue;
    }
    if (kind !== 'onnx') continue;
    onProgress?.({ type: 'signature', component: name, file: component.path });
    const sig = await readOnnxSignatureFile(paths[name]!, join(root, component.path));
    compareTensors(join(root, component.path), 'input', component.inputs ?? [], sig.inputs);
    compareTensors(join(root, component.path), 'output', component.outputs ?? [], sig.outputs);
    signatures[name] = { inputs: sig.inputs, outputs: sig.outputs };
  }
  checkAgreement(manifest, signatures);
  checkBundleComplete(manifest, signatures, root);
  // The tokenizer is opened exactly as prompt encoding opens it (check ≡ run): CLIP's BPE files, or a tokenizer.json.
  for (const [name, component] of Object.entries(manifest.components)) {
    if (component.role !== 'tokenizer') continue;
    if ((await tokenizerKind(paths[name]!)) === 'clip-bpe') await loadClipTokenizer(paths[name]!);
  }
  const indexPath = join(root, 'model_index.json');
  const modelIndex = (await kindOf(indexPath)) === 'file' ? await readJson(indexPath, indexPath) : undefined;
  onProgress?.({ type: 'done', components: Object.keys(manifest.components).length, files: files.length });
  return { root, manifest, paths, signatures, schedulerConfig, modelIndex };
}
