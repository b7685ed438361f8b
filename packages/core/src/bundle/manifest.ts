/**
 * `diffmac.json`: the manifest that names each component's role, tensors, parameterisation,
 * resolution and file digests. Parsed strictly, with a typed error per problem.
 */
import { DiffmacError } from '@diffmac/base';
import type { TensorDataType } from '../inference/types';
import { bundleRoleNames, bundleRoles, type BundleRole } from './roles';

/** The manifest's file name inside a bundle folder. */
export const MANIFEST_FILE = 'diffmac.json';

/** What a diffusion backbone predicts. */
export type Parameterization = 'eps' | 'v' | 'x0';

/** A tensor as the manifest declares it; strings are symbolic dimensions. */
export interface BundleTensorSpec {
  name: string;
  dtype: TensorDataType;
  shape: (number | string)[];
}

/** One component of a bundle. */
export interface BundleComponentSpec {
  role: BundleRole;
  /** Path relative to the bundle folder: an ONNX file, the scheduler JSON, or the tokenizer folder. */
  path: string;
  /** Declared inputs (ONNX components). */
  inputs?: BundleTensorSpec[];
  /** Declared outputs (ONNX components). */
  outputs?: BundleTensorSpec[];
  /** What a backbone predicts (UNet roles; default: the bundle's). */
  parameterization?: Parameterization;
}

/** The parsed `diffmac.json`. */
export interface BundleManifest {
  type: 'diffmac-bundle';
  version: 1;
  name: string;
  /** Face resolution in pixels the bundle works at (e.g. 512). */
  resolution: number;
  /** What the backbones predict unless a component says otherwise. */
  parameterization: Parameterization;
  /** Pixels per latent pixel (8 for SD VAEs). */
  latentScaleFactor?: number;
  /** The VAE's `scaling_factor` (0.18215 for SD 1/2). */
  vaeScalingFactor?: number;
  /** Components by name (usually the role name; a name is also the folder in the diffusers layout). */
  components: Record<string, BundleComponentSpec>;
  /** sha256 (hex) of every file, by path relative to the bundle folder. */
  files: Record<string, string>;
}

const dtypes: readonly string[] = ['float32', 'float64', 'float16', 'int8', 'uint8', 'int32', 'int64', 'bool'];

function bad(source: string, where: string, expected: string, value: unknown): never {
  const received = value === undefined ? 'nothing' : JSON.stringify(value)?.slice(0, 80) ?? String(value);
  throw new DiffmacError('BUNDLE_MANIFEST_INVALID', `${source}: ${where} should be ${expected}, received ${received}`, {
    argument: where,
    expected,
    received,
  });
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function tensorSpecs(value: unknown, where: string, source: string): BundleTensorSpec[] {
  if (!Array.isArray(value)) bad(source, where, 'an array of { name, dtype, shape }', value);
  return value.map((t, i) => {
    const w = `${where}[${i}]`;
    if (!isRecord(t)) bad(source, w, 'an object { name, dtype, shape }', t);
    if (typeof t.name !== 'string' || t.name === '') bad(source, `${w}.name`, 'a non-empty string', t.name);
    if (typeof t.dtype !== 'string' || !dtypes.includes(t.dtype)) bad(source, `${w}.dtype`, `one of ${dtypes.join(', ')}`, t.dtype);
    if (!Array.isArray(t.shape) || !t.shape.every((d) => (typeof d === 'number' && Number.isInteger(d) && d >= 0) || (typeof d === 'string' && d !== ''))) {
      bad(source, `${w}.shape`, 'an array of non-negative integers and symbolic names', t.shape);
    }
    return { name: t.name, dtype: t.dtype as TensorDataType, shape: [...(t.shape as (number | string)[])] };
  });
}

function parameterization(value: unknown, where: string, source: string): Parameterization {
  if (value !== 'eps' && value !== 'v' && value !== 'x0') bad(source, where, "'eps', 'v' or 'x0'", value);
  return value;
}

/**
 * Validate a parsed `diffmac.json` object and return it typed. Throws `BUNDLE_MANIFEST_INVALID`
 * naming the field.
 *
 * @example
 * const manifest = parseBundleManifest(JSON.parse(text), 'bundles/tiny/diffmac.json');
 */
export function parseBundleManifest(value: unknown, source = MANIFEST_FILE): BundleManifest {
  if (!isRecord(value)) bad(source, 'the manifest', 'a JSON object', value);
  if (value.type !== 'diffmac-bundle') bad(source, 'type', '"diffmac-bundle"', value.type);
  if (value.version !== 1) bad(source, 'version', '1', value.version);
  if (typeof value.name !== 'string') bad(source, 'name', 'a string', value.name);
  if (typeof value.resolution !== 'number' || !Number.isInteger(value.resolution) || value.resolution < 1) {
    bad(source, 'resolution', 'a positive integer', value.resolution);
  }
  const param = parameterization(value.parameterization, 'parameterization', source);
  for (const key of ['latentScaleFactor', 'vaeScalingFactor'] as const) {
    if (value[key] !== undefined && (typeof value[key] !== 'number' || !(value[key] > 0))) bad(source, key, 'a positive number', value[key]);
  }
  if (!isRecord(value.components) || Object.keys(value.components).length === 0) bad(source, 'components', 'a non-empty object', value.components);
  if (!isRecord(value.files)) bad(source, 'files', 'an object of path → sha256', value.files);
  const files: Record<string, string> = {};
  for (const [path, digest] of Object.entries(value.files)) {
    if (typeof digest !== 'string' || !/^[0-9a-f]{64}$/.test(digest)) bad(source, `files[${JSON.stringify(path)}]`, 'a lower-case hex sha256', digest);
    files[path] = digest;
  }
  const components: Record<string, BundleComponentSpec> = {};
  for (const [name, raw] of Object.entries(value.components)) {
    const where = `components.${name}`;
    if (!isRecord(raw)) bad(source, where, 'an object', raw);
    if (typeof raw.role !== 'string' || !(bundleRoleNames as readonly string[]).includes(raw.role)) {
      bad(source, `${where}.role`, `one of ${bundleRoleNames.join(', ')}`, raw.role);
    }
    const role = raw.role as BundleRole;
    if (typeof raw.path !== 'string' || raw.path === '') bad(source, `${where}.path`, 'a relative path', raw.path);
    const spec: BundleComponentSpec = { role, path: raw.path };
    if (bundleRoles[role].kind === 'onnx') {
      spec.inputs = tensorSpecs(raw.inputs, `${where}.inputs`, source);
      spec.outputs = tensorSpecs(raw.outputs, `${where}.outputs`, source);
      for (const required of bundleRoles[role].inputs) {
        if (!spec.inputs.some((t) => t.name === required)) bad(source, `${where}.inputs`, `to include ${JSON.stringify(required)} (role ${role})`, spec.inputs.map((t) => t.name));
      }
      for (const required of bundleRoles[role].outputs) {
        const names = typeof required === 'string' ? [required] : required;
        if (!spec.outputs.some((t) => names.includes(t.name))) {
          bad(source, `${where}.outputs`, `to include ${names.map((n) => JSON.stringify(n)).join(' or ')} (role ${role})`, spec.outputs.map((t) => t.name));
        }
      }
    }
    if (raw.parameterization !== undefined) spec.parameterization = parameterization(raw.parameterization, `${where}.parameterization`, source);
    components[name] = spec;
  }
  const manifest: BundleManifest = {
    type: 'diffmac-bundle',
    version: 1,
    name: value.name,
    resolution: value.resolution as number,
    parameterization: param,
    components,
    files,
  };
  if (value.latentScaleFactor !== undefined) manifest.latentScaleFactor = value.latentScaleFactor as number;
  if (value.vaeScalingFactor !== undefined) manifest.vaeScalingFactor = value.vaeScalingFactor as number;
  return manifest;
}
