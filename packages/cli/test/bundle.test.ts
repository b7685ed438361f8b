import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers';

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'diffmac-cli-bundle-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('diffmac bundle', () => {
  it('make-tiny writes a bundle that check validates', async () => {
    const made = await cli(['bundle', 'make-tiny', 'tiny', '--seed', '5'], { cwd: work });
    expect(made.code).toBe(0);
    expect(made.stdout).toContain(`wrote tiny-diffmac bundle to ${join(work, 'tiny')}`);
    expect(made.stdout).toContain('out_sample:float32');
    const manifest = JSON.parse(await readFile(join(work, 'tiny', 'diffmac.json'), 'utf8'));
    expect(manifest.components.unet.role).toBe('unet');
    const checked = await cli(['bundle', 'check', 'tiny', '--quiet'], { cwd: work });
    expect(checked.code).toBe(0);
    expect(checked.stdout).toContain('10 components, 12 files (sha256 verified)');
  });

  it('--json output for make-tiny and check', async () => {
    const made = await cli(['bundle', 'make-tiny', join(work, 'r'), '--kind', 'restorer', '--resolution', '32', '--json']);
    expect(made.code).toBe(0);
    const summary = JSON.parse(made.stdout);
    expect(summary.components.map((c: { role: string }) => c.role)).toEqual(['restorer']);
    const checked = await cli(['bundle', 'check', join(work, 'r'), '--json']);
    expect(JSON.parse(checked.stdout)).toMatchObject({ ok: true, resolution: 32, components: [{ name: 'restorer', inputs: ['input:float32[1,3,32,32]', 'w:float32[1]'] }] });
  });

  it('check fails with exit 1 and the typed error on a tampered bundle', async () => {
    await cli(['bundle', 'make-tiny', join(work, 'bad'), '--kind', 'diffusers']);
    await writeFile(join(work, 'bad', 'vae_decoder', 'model.onnx'), new Uint8Array([1, 2, 3]));
    const r = await cli(['bundle', 'check', join(work, 'bad')]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[BUNDLE_DIGEST_MISMATCH]');
    expect(r.stderr).toContain('vae_decoder/model.onnx');
    const j = await cli(['bundle', 'check', join(work, 'bad'), '--json', '--no-digests']);
    expect(j.code).toBe(1);
    expect(JSON.parse(j.stdout).error.code).toBe('ONNX_CORRUPT');
  });

  it('an uncached Hub id without --allow-network says where to put the files', async () => {
    const r = await cli(['bundle', 'check', 'someone/not-here', '--cache-dir', join(work, 'cache')], { cwd: work });
    expect(r.code).toBe(1);
    expect(r.stderr).toContain('[BUNDLE_NETWORK_DISABLED]');
    expect(r.stderr).toContain(join(work, 'cache', 'someone', 'not-here'));
  });

  it('init writes diffmac.json for a folder of models that check then accepts', async () => {
    await cli(['bundle', 'make-tiny', join(work, 'plain'), '--kind', 'diffusers']);
    await rm(join(work, 'plain', 'diffmac.json'));
    // Without diffmac.json the folder is still checked, with the manifest inferred as restore infers it (check ≡ run).
    expect((await cli(['bundle', 'check', join(work, 'plain')])).code).toBe(0);
    const r = await cli(['bundle', 'init', 'plain', '--resolution', '64', '--name', 'sd-like'], { cwd: work });
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('6 components, 8 files, 64px, eps');
    const checked = await cli(['bundle', 'check', join(work, 'plain'), '--json']);
    expect(JSON.parse(checked.stdout)).toMatchObject({ ok: true, name: 'sd-like', resolution: 64 });
    expect((await cli(['bundle', 'init', 'plain', '--parameterization', 'flow'], { cwd: work })).code).toBe(2);
  });

  it('usage errors exit 2', async () => {
    expect((await cli(['bundle'])).code).toBe(2);
    expect((await cli(['bundle', 'make-tiny'])).code).toBe(2);
    expect((await cli(['bundle', 'make-tiny', 'x', '--seed', 'abc'], { cwd: work })).code).toBe(2);
    expect((await cli(['bundle', 'make-tiny', 'x', '--kind', 'sdxl'], { cwd: work })).code).toBe(2);
  });
});
