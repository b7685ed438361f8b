/**
 * Load a model bundle (a folder, or a Hub id) after validating all of it.
 */
import { stat } from 'node:fs/promises';
import { DiffmacError } from '@diffmac/base';
import { createSession, type ModelSession, type SessionOptions } from '../inference/session';
import type { TensorSignature } from '../inference/types';
import { isHubId, resolveHubBundle, type HubBundleOptions } from './hub';
import type { BundleComponentSpec, BundleManifest, Parameterization } from './manifest';
import type { BundleRole } from './roles';
import { validateBundle, type ValidateBundleOptions, type ValidatedBundle } from './validate-bundle';

/** Options of {@link loadBundle}. */
export interface LoadBundleOptions extends ValidateBundleOptions, Omit<HubBundleOptions, 'signal' | 'onProgress'> {
  /** Defaults for every session `createSession` opens (device, threads, checkFinite, ...). */
  session?: Omit<SessionOptions, 'name' | 'signal'>;
}

/** One validated component. */
export interface BundleComponent {
  readonly name: string;
  readonly role: BundleRole;
  /** Absolute path of the ONNX file, JSON file or folder. */
  readonly path: string;
  readonly spec: BundleComponentSpec;
  /** The ONNX file's declared inputs and outputs (empty for the tokenizer and scheduler). */
  readonly inputs: readonly TensorSignature[];
  readonly outputs: readonly TensorSignature[];
  /** What the component predicts (backbones): its own or the bundle's parameterisation. */
  readonly parameterization: Parameterization;
}

/**
 * A validated bundle. Sessions are created on demand through the one inference seam.
 *
 * @example
 * const bundle = await loadBundle('models/tiny');
 * const unet = await bundle.createSession('unet');
 */
export class ModelBundle {
  readonly root: string;
  readonly manifest: BundleManifest;
  readonly source: 'folder' | 'hub';
  readonly schedulerConfig: Readonly<Record<string, unknown>> | undefined;
  readonly modelIndex: Readonly<Record<string, unknown>> | undefined;
  private readonly validated: ValidatedBundle;
  private readonly sessionDefaults: Omit<SessionOptions, 'name' | 'signal'>;

  constructor(validated: ValidatedBundle, source: 'folder' | 'hub', sessionDefaults: Omit<SessionOptions, 'name' | 'signal'> = {}) {
    this.validated = validated;
    this.root = validated.root;
    this.manifest = validated.manifest;
    this.source = source;
    this.schedulerConfig = validated.schedulerConfig;
    this.modelIndex = validated.modelIndex;
    this.sessionDefaults = sessionDefaults;
  }

  /** Component names, in manifest order. */
  get componentNames(): readonly string[] {
    return Object.keys(this.manifest.components);
  }

  /**
   * Whether the bundle has component `name`.
   *
   * @example
   * if (bundle.has('mib')) { ... }
   */
  has(name: string): boolean {
    return Object.hasOwn(this.manifest.components, name);
  }

  /**
   * The first component with role `role`, if any.
   *
   * @example
   * const unet = bundle.byRole('unet');
   */
  byRole(role: BundleRole): BundleComponent | undefined {
    const name = this.componentNames.find((n) => this.manifest.components[n]!.role === role);
    return name === undefined ? undefined : this.component(name);
  }

  /**
   * Component `name`; throws `BUNDLE_NO_COMPONENT` listing the ones there are.
   *
   * @example
   * bundle.component('unet').inputs.map((i) => i.name);
   */
  component(name: string): BundleComponent {
    if (!this.has(name)) {
      const valid = this.componentNames.join(', ');
      throw new DiffmacError('BUNDLE_NO_COMPONENT', `The bundle ${this.root} has no component ${JSON.stringify(name)}; it has ${valid}`, {
        argument: 'name',
        expected: `one of ${valid}`,
        received: JSON.stringify(name),
      });
    }
    const spec = this.manifest.components[name]!;
    const sig = this.validated.signatures[name];
    return {
      name,
      role: spec.role,
      path: this.validated.paths[name]!,
      spec,
      inputs: sig?.inputs ?? [],
      outputs: sig?.outputs ?? [],
      parameterization: spec.parameterization ?? this.manifest.parameterization,
    };
  }

  /**
   * Open an inference session for ONNX component `name` through the seam.
   *
   * @example
   * const unet = await bundle.createSession('unet', { checkFinite: true });
   */
  async createSession(name: string, options: Omit<SessionOptions, 'name'> = {}): Promise<ModelSession> {
    const component = this.component(name);
    if (component.spec.inputs === undefined) {
      throw new DiffmacError('BUNDLE_NOT_ONNX', `Component ${JSON.stringify(name)} (${component.role}) is not an ONNX model`, { argument: 'name' });
    }
    return createSession(component.path, { ...this.sessionDefaults, ...options, name: `${this.root}/${component.spec.path}` });
  }
}

/**
 * Load a bundle from a folder or a Hugging Face Hub id, validating the manifest, every file's
 * digest and every ONNX signature first (see `validateBundle`). A hub id is resolved only
 * through the local cache unless `allowNetwork` is true.
 *
 * @example
 * const bundle = await loadBundle('models/tiny');
 * const unet = await bundle.createSession('unet');
 * const remote = await loadBundle('someone/diffmac-sd21', { allowNetwork: true, onProgress: console.log });
 */
export async function loadBundle(dirOrHubId: string, options: LoadBundleOptions = {}): Promise<ModelBundle> {
  if (typeof dirOrHubId !== 'string' || dirOrHubId === '') {
    throw new DiffmacError('INVALID_ARGUMENT', 'Expected a bundle folder or hub id for dirOrHubId', { argument: 'dirOrHubId', expected: 'a folder or owner/name' });
  }
  const isDir = (await stat(dirOrHubId).catch(() => undefined))?.isDirectory() ?? false;
  let root = dirOrHubId;
  let source: 'folder' | 'hub' = 'folder';
  if (!isDir && isHubId(dirOrHubId)) {
    root = await resolveHubBundle(dirOrHubId, options);
    source = 'hub';
  }
  let validated: ValidatedBundle;
  try {
    validated = await validateBundle(root, options);
  } catch (error) {
    // A damaged cached copy would fail the same way forever: say how to get a fresh one.
    if (source === 'hub' && error instanceof DiffmacError && error.code !== 'ABORT_ERR') {
      throw new DiffmacError(error.code, `${error.message}. The cached copy of ${dirOrHubId} in ${root} is damaged: delete that folder and run again with --allow-network (allowNetwork: true) to download it afresh`, {
        ...(error.argument === undefined ? {} : { argument: error.argument }),
        ...(error.expected === undefined ? {} : { expected: error.expected }),
        ...(error.received === undefined ? {} : { received: error.received }),
        cause: error,
      });
    }
    throw error;
  }
  return new ModelBundle(validated, source, options.session);
}
