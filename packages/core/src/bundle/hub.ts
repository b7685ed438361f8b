/**
 * Resolve a Hugging Face Hub repository id to a local bundle folder, through
 * @huggingface/transformers' hub settings (host, path template, fetch), loaded only when needed.
 */
import { createWriteStream } from 'node:fs';
import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { homedir } from 'node:os';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DiffmacError } from '@diffmac/base';
import { sha256File } from './digest';
import { MANIFEST_FILE, parseBundleManifest } from './manifest';
import { resolveInsideBundle } from './paths';
import type { BundleProgressEvent } from './validate-bundle';
import { bundleLayoutHint } from './validate-bundle';

/** Options of {@link resolveHubBundle}. */
export interface HubBundleOptions {
  /** Download missing files from the Hub (default false: only the local cache is used). */
  allowNetwork?: boolean;
  /** Where hub bundles live locally (default `~/.cache/diffmac/bundles`); a repo `a/b` goes to `<cacheDir>/a/b`. */
  cacheDir?: string;
  /** Branch, tag or commit (default `'main'`). */
  revision?: string;
  /** A fetch to use instead of transformers' `env.fetch` (tests, proxies). */
  fetch?: (url: string) => Promise<{ ok: boolean; status: number; body: ReadableStream<Uint8Array> | null }>;
  signal?: AbortSignal;
  onProgress?: (event: BundleProgressEvent) => void;
}

const hubIdPattern = /^[A-Za-z0-9][\w.-]*\/[\w.-]+$/;

/**
 * Whether `value` looks like a Hub repository id (`owner/name`) rather than a path.
 *
 * @example
 * isHubId('diffmac/tiny-bundle'); // true
 */
export function isHubId(value: string): boolean {
  return hubIdPattern.test(value) && !value.startsWith('.') && !value.includes('..');
}

/**
 * The default local folder for hub bundles.
 *
 * @example
 * defaultBundleCacheDir(); // '/home/me/.cache/diffmac/bundles'
 */
export function defaultBundleCacheDir(): string {
  return join(homedir(), '.cache', 'diffmac', 'bundles');
}

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() ?? false;
}

async function loadTransformers(): Promise<typeof import('@huggingface/transformers')> {
  try {
    return await import('@huggingface/transformers');
  } catch (cause) {
    throw new DiffmacError(
      'OPTIONAL_DEPENDENCY_MISSING',
      'Resolving a hub id, tokenizer or text encoder needs @huggingface/transformers: npm install @huggingface/transformers',
      { argument: '@huggingface/transformers', expected: 'the package installed', received: 'not installed', cause },
    );
  }
}

/**
 * The local folder of hub bundle `id`: from the cache, downloading the manifest and every file it
 * lists when `allowNetwork` is true (each checked against its sha256, written atomically).
 * Without the network and without a cached copy it throws `BUNDLE_NETWORK_DISABLED` saying
 * which files to place where.
 *
 * @example
 * const dir = await resolveHubBundle('diffmac/tiny-bundle', { allowNetwork: true });
 */
export async function resolveHubBundle(id: string, options: HubBundleOptions = {}): Promise<string> {
  const [owner, name] = id.split('/') as [string, string];
  const root = join(options.cacheDir ?? defaultBundleCacheDir(), owner, name);
  const manifestPath = join(root, MANIFEST_FILE);
  if (!options.allowNetwork) {
    if (await exists(manifestPath)) return root;
    throw new DiffmacError(
      'BUNDLE_NETWORK_DISABLED',
      `No folder ${JSON.stringify(id)} exists, so it was read as a Hugging Face Hub id; that bundle is not cached and the network is not allowed. Either place its files in ${root}/ ` +
        `(${MANIFEST_FILE}, model_index.json, unet/model.onnx, vae_encoder/model.onnx, vae_decoder/model.onnx, text_encoder/model.onnx, ` +
        `tokenizer/tokenizer.json, tokenizer/tokenizer_config.json, scheduler/scheduler_config.json; ${bundleLayoutHint}), ` +
        'or pass allowNetwork: true (diffmac CLI: --allow-network) to download it from the Hugging Face Hub.',
      { argument: id, expected: `a cached bundle at ${root} or allowNetwork: true`, received: 'no cached bundle, network disallowed' },
    );
  }
  const transformers = await loadTransformers();
  const env = transformers.env;
  const revision = options.revision ?? 'main';
  const fetcher = options.fetch ?? ((url: string) => env.fetch(url));
  const base = `${env.remoteHost.replace(/\/?$/, '/')}${env.remotePathTemplate.replaceAll('{model}', id).replaceAll('{revision}', encodeURIComponent(revision))}`;

  const download = async (file: string, target: string): Promise<void> => {
    options.signal?.throwIfAborted();
    const url = `${base}${file}`;
    let response: Awaited<ReturnType<typeof fetcher>>;
    try {
      response = await fetcher(url);
    } catch (cause) {
      if (options.signal?.aborted) throw cause;
      const reason = (cause as { cause?: { code?: string } }).cause?.code ?? (cause as Error).message;
      throw new DiffmacError('BUNDLE_NETWORK_FAILED', `Could not reach ${url} (${reason}): check the network, or place the bundle's files in ${root}/ and run without --allow-network`, {
        argument: id,
        expected: 'a reachable Hugging Face Hub',
        received: String(reason),
        cause,
      });
    }
    if (!response.ok || !response.body) {
      throw new DiffmacError('BUNDLE_DOWNLOAD_FAILED', `Downloading ${url} failed with HTTP ${response.status}`, {
        argument: file,
        expected: 'HTTP 200',
        received: `HTTP ${response.status}`,
      });
    }
    await mkdir(dirname(target), { recursive: true });
    const partial = `${target}.partial`;
    try {
      await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>), createWriteStream(partial), options.signal ? { signal: options.signal } : {});
      await rename(partial, target);
    } catch (error) {
      await rm(partial, { force: true });
      throw error;
    }
  };

  if (!(await exists(manifestPath))) await download(MANIFEST_FILE, manifestPath);
  const { readFile } = await import('node:fs/promises');
  const manifest = parseBundleManifest(JSON.parse(await readFile(manifestPath, 'utf8')), manifestPath);
  const files = Object.entries(manifest.files);
  for (const [index, [file, digest]] of files.entries()) {
    const target = await resolveInsideBundle(root, file);
    if ((await exists(target)) && (await sha256File(target, options.signal)) === digest) continue;
    options.onProgress?.({ type: 'download', file, index, total: files.length, bytes: 0 });
    await download(file, target);
  }
  return root;
}
