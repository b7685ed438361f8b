import { cp, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildTinyUnet, writeTinyBundle } from '../src/testing';
import { DiffmacError, OnnxGraphBuilder, loadBundle, sha256Bytes, type BundleManifest, type BundleProgressEvent } from '../src/index';

let work: string;
let tiny: string;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'diffmac-bundle-'));
  tiny = join(work, 'tiny');
  await writeTinyBundle(tiny, { seed: 1 });
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

/** A copy of the tiny bundle, changed by `edit`, for one bad-bundle case. */
async function variant(name: string, edit: (dir: string, manifest: BundleManifest) => Promise<BundleManifest | void>): Promise<string> {
  const dir = join(work, name);
  await cp(tiny, dir, { recursive: true });
  const manifest = JSON.parse(await readFile(join(dir, 'diffmac.json'), 'utf8')) as BundleManifest;
  const changed = (await edit(dir, manifest)) ?? manifest;
  await writeFile(join(dir, 'diffmac.json'), JSON.stringify(changed));
  return dir;
}

async function failure(dir: string, options = {}): Promise<DiffmacError> {
  try {
    await loadBundle(dir, options);
  } catch (e) {
    expect(e).toBeInstanceOf(DiffmacError);
    return e as DiffmacError;
  }
  throw new Error(`expected ${dir} to fail`);
}

describe('writeTinyBundle + loadBundle', () => {
  it('writes the diffusers ONNX layout plus diffmac.json with a digest per file', async () => {
    const manifest = JSON.parse(await readFile(join(tiny, 'diffmac.json'), 'utf8')) as BundleManifest;
    expect(Object.keys(manifest.files).sort()).toEqual(
      [
        'cond_encoder/model.onnx',
        'identity/model.onnx',
        'mib/model.onnx',
        'model_index.json',
        'scheduler/scheduler_config.json',
        'text_encoder/model.onnx',
        'tokenizer/tokenizer.json',
        'tokenizer/tokenizer_config.json',
        'unet/model.onnx',
        'unet_stage2/model.onnx',
        'vae_decoder/model.onnx',
        'vae_encoder/model.onnx',
      ].sort(),
    );
    const unetBytes = await readFile(join(tiny, 'unet/model.onnx'));
    expect(manifest.files['unet/model.onnx']).toBe(sha256Bytes(unetBytes));
    expect(manifest.components.unet!.inputs!.map((i) => i.name)).toEqual(['sample', 'timestep', 'encoder_hidden_states', 'cond_feature_0', 'cond_feature_1']);
    expect(manifest.resolution).toBe(64);
    const index = JSON.parse(await readFile(join(tiny, 'model_index.json'), 'utf8'));
    expect(index.unet).toEqual(['diffusers', 'OnnxRuntimeModel']);
  });

  it('is byte-reproducible from the seed', async () => {
    const again = join(work, 'again');
    const a = await writeTinyBundle(again, { seed: 1 });
    const b = JSON.parse(await readFile(join(tiny, 'diffmac.json'), 'utf8')) as BundleManifest;
    expect(a.files).toEqual(b.files);
    const c = await writeTinyBundle(join(work, 'other-seed'), { seed: 2 });
    expect(c.files['unet/model.onnx']).not.toBe(a.files['unet/model.onnx']);
  });

  it('loads, validates and runs end to end: cond encoder → UNet, VAE round trip, MIB', async () => {
    const events: BundleProgressEvent[] = [];
    const bundle = await loadBundle(tiny, { onProgress: (e) => events.push(e) });
    expect(events.filter((e) => e.type === 'digest')).toHaveLength(12);
    expect(events.at(-1)).toEqual({ type: 'done', components: 10, files: 12 });
    expect(bundle.schedulerConfig?._class_name).toBe('DDIMScheduler');
    expect(bundle.component('unet').parameterization).toBe('eps');
    expect(bundle.byRole('mib')?.inputs.map((i) => i.name)).toEqual(['latent', 'identity']);

    const lq = { data: new Float32Array(3 * 64 * 64).fill(0.1), shape: [1, 3, 64, 64] };
    const cond = await bundle.createSession('cond_encoder');
    const { features_0, features_1 } = await cond.run({ lq });
    const enc = await bundle.createSession('vae_encoder');
    const { latent_sample } = await enc.run({ sample: lq });
    const unet = await bundle.createSession('unet', { checkFinite: true });
    const { out_sample } = await unet.run({
      sample: latent_sample!,
      timestep: { data: new BigInt64Array([500n]), shape: [1] },
      encoder_hidden_states: { data: new Float32Array(16 * 32), shape: [1, 16, 32] },
      cond_feature_0: features_0!,
      cond_feature_1: features_1!,
    });
    expect(out_sample!.shape).toEqual([1, 4, 8, 8]);
    const dec = await bundle.createSession('vae_decoder');
    const { sample } = await dec.run({ latent_sample: out_sample! });
    expect(sample!.shape).toEqual([1, 3, 64, 64]);
    const mib = await bundle.createSession('mib');
    const { mean, logvar } = await mib.run({ latent: out_sample!, identity: { data: new Float32Array(512), shape: [1, 512] } });
    expect(mean!.shape).toEqual([1, 4, 8, 8]);
    expect(logvar!.shape).toEqual([1, 4, 8, 8]);
    for (const s of [cond, enc, unet, dec, mib]) await s.dispose();
    expect(() => bundle.component('nope')).toThrow(/unet/);
    await expect(bundle.createSession('scheduler')).rejects.toMatchObject({ code: 'BUNDLE_NOT_ONNX' });
  });

  it('writes the diffusers-only and one-file restorer kinds', async () => {
    const d = await writeTinyBundle(join(work, 'diffusers'), { kind: 'diffusers', parameterization: 'v' });
    expect(Object.keys(d.components).sort()).toEqual(['scheduler', 'text_encoder', 'tokenizer', 'unet', 'vae_decoder', 'vae_encoder']);
    const loaded = await loadBundle(join(work, 'diffusers'));
    expect(loaded.schedulerConfig?.prediction_type).toBe('v_prediction');
    const r = await writeTinyBundle(join(work, 'restorer'), { kind: 'restorer', resolution: 32 });
    expect(Object.keys(r.files)).toEqual(['model.onnx']);
    const restorer = await loadBundle(join(work, 'restorer'));
    expect(restorer.component('restorer').inputs.map((i) => [i.name, i.shape])).toEqual([
      ['input', [1, 3, 32, 32]],
      ['w', [1]],
    ]);
  });
});

describe('bad bundles', () => {
  it('missing folder, manifest or file: BUNDLE_MISSING_FILE naming where to put it', async () => {
    expect((await failure(join(work, 'absent-folder'))).code).toBe('BUNDLE_MISSING_FILE');
    // A folder as exported, without diffmac.json, loads with the manifest inferred in memory (issue 13);
    // a folder with no models at all still names the manifest it lacks.
    const noManifest = join(work, 'no-manifest');
    await cp(tiny, noManifest, { recursive: true });
    await rm(join(noManifest, 'diffmac.json'));
    expect((await loadBundle(noManifest)).componentNames).toContain('unet');
    const nothing = join(work, 'no-models');
    await cp(join(tiny, 'scheduler'), join(nothing, 'notes'), { recursive: true });
    const e1 = await failure(nothing);
    expect(e1.code).toBe('BUNDLE_MISSING_FILE');
    expect(e1.message).toContain(join(nothing, 'diffmac.json'));
    const noUnet = await variant('no-unet', async (dir) => rm(join(dir, 'unet/model.onnx')));
    const e2 = await failure(noUnet);
    expect(e2.code).toBe('BUNDLE_MISSING_FILE');
    expect(e2.message).toContain(join(noUnet, 'unet/model.onnx'));
    const noTokenizerJson = await variant('no-tokenizer-json', async (dir) => rm(join(dir, 'tokenizer/tokenizer.json')));
    expect((await failure(noTokenizerJson)).argument).toBe('tokenizer/tokenizer.json');
  });

  it('invalid manifest JSON or fields: BUNDLE_MANIFEST_INVALID naming the field', async () => {
    const broken = await variant('broken-json', async () => undefined);
    await writeFile(join(broken, 'diffmac.json'), '{ "type": ');
    expect((await failure(broken)).code).toBe('BUNDLE_MANIFEST_INVALID');
    const badRole = await variant('bad-role', async (_d, m) => {
      (m.components.unet as { role: string }).role = 'unnet';
    });
    const e = await failure(badRole);
    expect(e.code).toBe('BUNDLE_MANIFEST_INVALID');
    expect(e.argument).toBe('components.unet.role');
    const noRequired = await variant('no-required', async (_d, m) => {
      m.components.unet!.inputs = m.components.unet!.inputs!.filter((i) => i.name !== 'timestep');
    });
    expect((await failure(noRequired)).message).toContain('"timestep"');
  });

  it('wrong input/output names: BUNDLE_WRONG_NAME naming the file and tensor', async () => {
    const wrongOut = await variant('wrong-output', async (_d, m) => {
      m.components.cond_encoder!.outputs![1]!.name = 'features_9';
    });
    const e = await failure(wrongOut);
    expect(e.code).toBe('BUNDLE_WRONG_NAME');
    expect(e.argument).toBe(`${join(wrongOut, 'cond_encoder/model.onnx')}:features_9`);
    expect(e.message).toContain('features_0, features_1');
    // Renaming an output a role requires is caught in the manifest itself.
    const required = await variant('wrong-required-output', async (_d, m) => {
      m.components.vae_decoder!.outputs![0]!.name = 'image';
    });
    const e0 = await failure(required);
    expect(e0.code).toBe('BUNDLE_MANIFEST_INVALID');
    expect(e0.message).toContain('"sample"');
    // A UNet file whose inputs differ from the manifest: swap in a UNet without condition inputs.
    const swapped = await variant('undeclared-input', async (dir, m) => {
      const bytes = buildTinyUnet({ seed: 1, conditionLevels: 0 }).bytes;
      await writeFile(join(dir, 'unet/model.onnx'), bytes);
      m.files['unet/model.onnx'] = sha256Bytes(bytes);
    });
    const e2 = await failure(swapped);
    expect(e2.code).toBe('BUNDLE_WRONG_NAME');
    expect(e2.message).toContain('cond_feature_0');
  });

  it('wrong dtypes and shapes: BUNDLE_WRONG_DTYPE / BUNDLE_WRONG_SHAPE', async () => {
    const dtype = await variant('wrong-dtype', async (_d, m) => {
      m.components.unet!.inputs!.find((i) => i.name === 'timestep')!.dtype = 'float32';
    });
    const e = await failure(dtype);
    expect(e.code).toBe('BUNDLE_WRONG_DTYPE');
    expect(e.expected).toBe('float32');
    expect(e.received).toBe('int64');
    const shape = await variant('wrong-shape', async (_d, m) => {
      m.components.vae_decoder!.inputs![0]!.shape = ['batch', 16, 'height', 'width'];
    });
    const e2 = await failure(shape);
    expect(e2.code).toBe('BUNDLE_WRONG_SHAPE');
    expect(e2.message).toContain('vae_decoder/model.onnx');
  });

  it('components that disagree: BUNDLE_INCONSISTENT', async () => {
    const dir = await variant('inconsistent', async (d, m) => {
      const unet = buildTinyUnet({ seed: 1, conditionLevels: 2, contextDim: 24 });
      await writeFile(join(d, 'unet/model.onnx'), unet.bytes);
      m.files['unet/model.onnx'] = sha256Bytes(unet.bytes);
      m.components.unet!.inputs = unet.inputs.map((i) => ({ name: i.name, dtype: i.dtype as 'float32', shape: [...i.shape] }));
    });
    const e = await failure(dir);
    expect(e.code).toBe('BUNDLE_INCONSISTENT');
    expect(e.message).toContain('encoder_hidden_states');
  });

  it('incomplete bundles are refused before inference: BUNDLE_INCOMPLETE / BUNDLE_INCONSISTENT (item 15)', async () => {
    const noDecoder = await variant('no-vae-decoder', async (d, m) => {
      delete m.components.vae_decoder;
      delete m.files['vae_decoder/model.onnx'];
      await rm(join(d, 'vae_decoder'), { recursive: true });
    });
    const e = await failure(noDecoder);
    expect(e.code).toBe('BUNDLE_INCOMPLETE');
    expect(e.message).toContain('vae_decoder');
    const noText = await variant('no-text-encoder', async (d, m) => {
      delete m.components.text_encoder;
      delete m.files['text_encoder/model.onnx'];
      await rm(join(d, 'text_encoder'), { recursive: true });
    });
    expect((await failure(noText)).message).toMatch(/no text_encoder component.*encoder_hidden_states/);
    const r63 = await variant('resolution-63', async (_d, m) => {
      m.resolution = 63;
    });
    const e63 = await failure(r63);
    expect(e63.code).toBe('BUNDLE_INCONSISTENT');
    expect(e63.message).toContain('resolution 63');
    const nothing = await variant('no-model', async (d, m) => {
      for (const k of Object.keys(m.components)) if (m.components[k]!.role === 'unet' || m.components[k]!.role === 'unet_stage2') delete m.components[k];
    });
    expect((await failure(nothing)).code).toBe('BUNDLE_INCOMPLETE');
  });

  it('a model file given where a bundle folder goes says so (item 18)', async () => {
    // An .onnx file is taken as a one-pass restorer; a UNet is not one, and the error says where it goes.
    const e = await failure(join(tiny, 'unet', 'model.onnx'));
    expect(e.code).toBe('BUNDLE_NOT_A_RESTORER');
    expect(e.message).toContain('bundle folder');
    const json = await failure(join(tiny, 'diffmac.json'));
    expect(json.code).toBe('BUNDLE_NOT_A_FOLDER');
    expect(json.message).toContain('is a file, not a bundle folder');
  });

  it('a network failure is a typed error, not a raw fetch TypeError (item 16)', async () => {
    const fetch = async () => {
      throw new TypeError('fetch failed', { cause: Object.assign(new Error('getaddrinfo ENOTFOUND huggingface.co'), { code: 'ENOTFOUND' }) });
    };
    const e = await loadBundle('someone/offline', { cacheDir: join(work, 'hub-cache-offline'), allowNetwork: true, fetch }).catch((x: unknown) => x);
    expect(e).toBeInstanceOf(DiffmacError);
    expect(e).toMatchObject({ code: 'BUNDLE_NETWORK_FAILED' });
    expect((e as Error).message).toContain('ENOTFOUND');
  });

  it('corrupt ONNX: ONNX_CORRUPT naming the file (digest skipped to reach the parser)', async () => {
    const dir = await variant('corrupt', async (d, m) => {
      const junk = new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0xff, 0x0f, 1, 2, 3]);
      await writeFile(join(d, 'mib/model.onnx'), junk);
      m.files['mib/model.onnx'] = sha256Bytes(junk);
    });
    const e = await failure(dir);
    expect(e.code).toBe('ONNX_CORRUPT');
    expect(e.message).toContain(join(dir, 'mib/model.onnx'));
  });

  it('digest mismatch: BUNDLE_DIGEST_MISMATCH with both digests; verifyDigests: false skips it', async () => {
    const dir = await variant('tampered', async (d) => {
      const b = new OnnxGraphBuilder();
      const x = b.input('x', 'float32', [1]);
      b.node('Relu', [x], ['y']);
      b.output('y', 'float32', [1]);
      await writeFile(join(d, 'identity/model.onnx'), b.toBytes());
    });
    const e = await failure(dir);
    expect(e.code).toBe('BUNDLE_DIGEST_MISMATCH');
    expect(e.argument).toBe('identity/model.onnx');
    expect(e.expected).toMatch(/^[0-9a-f]{64}$/);
    expect(e.received).not.toBe(e.expected);
    // Without digests the swapped file is still caught by its signature.
    expect((await failure(dir, { verifyDigests: false })).code).toBe('BUNDLE_WRONG_NAME');
  });

  it('paths escaping the bundle folder: BUNDLE_PATH_ESCAPE', async () => {
    await writeFile(join(work, 'outside.onnx'), new Uint8Array([1]));
    const dotdot = await variant('escape-dotdot', async (_d, m) => {
      m.components.mib!.path = '../outside.onnx';
    });
    expect((await failure(dotdot)).code).toBe('BUNDLE_PATH_ESCAPE');
    const absolute = await variant('escape-absolute', async (_d, m) => {
      m.files[join(work, 'outside.onnx')] = 'a'.repeat(64);
    });
    expect((await failure(absolute)).code).toBe('BUNDLE_PATH_ESCAPE');
    const linked = await variant('escape-symlink', async (d, m) => {
      await symlink(join(work, 'outside.onnx'), join(d, 'link.onnx'));
      m.files['link.onnx'] = 'a'.repeat(64);
    });
    const e = await failure(linked);
    expect(e.code).toBe('BUNDLE_PATH_ESCAPE');
    expect(e.argument).toBe('link.onnx');
  });

  it('NaN/Inf in model outputs: the seam names the bundle file and tensor', async () => {
    const bundle = await loadBundle(tiny, { session: { checkFinite: true } });
    const unet = await bundle.createSession('unet');
    const nan = new Float32Array(4 * 8 * 8).fill(Number.NaN);
    const err = await unet
      .run({
        sample: { data: nan, shape: [1, 4, 8, 8] },
        timestep: { data: new BigInt64Array([1n]), shape: [1] },
        encoder_hidden_states: { data: new Float32Array(32), shape: [1, 1, 32] },
        cond_feature_0: { data: new Float32Array(8 * 64), shape: [1, 8, 8, 8] },
        cond_feature_1: { data: new Float32Array(8 * 16), shape: [1, 8, 4, 4] },
      })
      .catch((e: DiffmacError) => e);
    expect((err as DiffmacError).code).toBe('MODEL_OUTPUT_NOT_FINITE');
    expect((err as DiffmacError).argument).toBe('out_sample');
    expect((err as DiffmacError).message).toContain('unet/model.onnx');
    await unet.dispose();
  });
});

describe('abort', () => {
  it('an aborted signal stops validation', async () => {
    const controller = new AbortController();
    controller.abort();
    await expect(loadBundle(tiny, { signal: controller.signal })).rejects.toMatchObject({ name: 'AbortError' });
  });
});

describe('hub ids', () => {
  it('without the network and without a cached copy, says exactly which files to place where', async () => {
    const cacheDir = join(work, 'hub-cache');
    const e = await failure('someone/tiny-bundle', { cacheDir });
    expect(e.code).toBe('BUNDLE_NETWORK_DISABLED');
    expect(e.message).toContain(join(cacheDir, 'someone', 'tiny-bundle'));
    expect(e.message).toContain('unet/model.onnx');
    expect(e.message).toContain('allowNetwork');
  });

  it('uses a cached copy offline, and downloads through the hub settings when allowed', async () => {
    const cacheDir = join(work, 'hub-cache-2');
    const urls: string[] = [];
    const fetch = async (url: string) => {
      urls.push(url);
      if (url.includes('/missing/')) return { ok: false, status: 404, body: null };
      const file = url.split('/resolve/main/')[1]!;
      const bytes = await readFile(join(tiny, file)).catch(() => undefined);
      if (!bytes) return { ok: false, status: 404, body: null };
      return { ok: true, status: 200, body: new Blob([bytes]).stream() };
    };
    const bundle = await loadBundle('someone/tiny', { cacheDir, allowNetwork: true, fetch });
    expect(bundle.source).toBe('hub');
    expect(urls[0]).toBe('https://huggingface.co/someone/tiny/resolve/main/diffmac.json');
    expect(urls).toHaveLength(13);
    const offline = await loadBundle('someone/tiny', { cacheDir });
    expect(offline.root).toBe(join(cacheDir, 'someone', 'tiny'));
    // A stale cached file: offline it fails its digest; online only that file is fetched again.
    await writeFile(join(cacheDir, 'someone', 'tiny', 'mib', 'model.onnx'), new Uint8Array([9, 9, 9]));
    const stale = await failure('someone/tiny', { cacheDir });
    expect(stale.code).toBe('BUNDLE_DIGEST_MISMATCH');
    expect(stale.message).toContain(`delete that folder`);
    expect(stale.message).toContain(join(cacheDir, 'someone', 'tiny'));
    const before = urls.length;
    await loadBundle('someone/tiny', { cacheDir, allowNetwork: true, fetch });
    expect(urls.slice(before)).toEqual(['https://huggingface.co/someone/tiny/resolve/main/mib/model.onnx']);
    const missing = await loadBundle('someone/missing', { cacheDir, allowNetwork: true, fetch }).catch((e: DiffmacError) => e);
    expect((missing as DiffmacError).code).toBe('BUNDLE_DOWNLOAD_FAILED');
  });
});

describe('createBundleManifest', () => {
  it('rebuilds diffmac.json from the folder layout, the ONNX files and the digests', async () => {
    const dir = join(work, 'init');
    const original = await writeTinyBundle(dir, { seed: 4, parameterization: 'v' });
    await rm(join(dir, 'diffmac.json'));
    const { createBundleManifest } = await import('../src/index');
    const made = await createBundleManifest(dir, { resolution: 64 });
    expect(made.files).toEqual(original.files);
    expect(Object.keys(made.components).sort()).toEqual(Object.keys(original.components).sort());
    for (const [name, c] of Object.entries(original.components)) {
      expect(made.components[name]!.path).toBe(c.path);
      expect(made.components[name]!.inputs).toEqual(c.inputs);
      expect(made.components[name]!.outputs).toEqual(c.outputs);
    }
    expect(made.parameterization).toBe('v'); // from scheduler_config.json's prediction_type
    expect(made.resolution).toBe(64);
    const bundle = await loadBundle(dir);
    expect(bundle.manifest.name).toBe('init');
  });

  it('makes a one-model bundle from a lone model.onnx, and refuses a folder without models', async () => {
    const { createBundleManifest } = await import('../src/index');
    const { buildTinyRestorer } = await import('../src/testing');
    const dir = join(work, 'lone');
    await writeTinyBundle(join(work, 'lone-src'), { kind: 'restorer', resolution: 32 });
    await cp(join(work, 'lone-src', 'model.onnx'), join(dir, 'model.onnx'), { recursive: true });
    const made = await createBundleManifest(dir, { write: false });
    expect(made.components.restorer!.inputs!.map((i) => i.name)).toEqual(['input', 'w']);
    await expect(readdir(dir)).resolves.toEqual(['model.onnx']); // write: false wrote nothing
    expect((await loadBundle(dir)).component('restorer').path).toBe(join(dir, 'model.onnx')); // inferred in memory
    await createBundleManifest(dir);
    expect((await loadBundle(dir)).component('restorer').path).toBe(join(dir, 'model.onnx'));
    expect(buildTinyRestorer).toBeTypeOf('function');
    const empty = join(work, 'empty-init');
    await cp(join(work, 'lone-src', 'diffmac.json'), join(empty, 'notes.json'), { recursive: true });
    await expect(createBundleManifest(empty)).rejects.toMatchObject({ code: 'BUNDLE_MISSING_FILE' });
  });
});
