import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { loadBundle } from '../src/index';
import { stageWiring } from '../src/pipeline/stage-wiring';
import { writeTinyBundle } from '../src/testing';

const dirs: string[] = [];
async function tiny(kind: 'diffmac' | 'diffusers') {
  const dir = await mkdtemp(path.join(tmpdir(), `wiring-${kind}-`));
  dirs.push(dir);
  await writeTinyBundle(dir, { kind, seed: 3 });
  return loadBundle(dir);
}
afterAll(async () => {
  for (const d of dirs) await rm(d, { recursive: true, force: true });
});

describe('stageWiring reads the manifest, not tensor shapes', () => {
  it('a DiffMAC bundle: latent (declares a VAE) and controlled (condition inputs + cond_encoder)', async () => {
    const bundle = await tiny('diffmac');
    const w = stageWiring(bundle, 'unet');
    expect(w.latent).toBe(true);
    expect(w.conditionInputs.length).toBeGreaterThan(0);
    expect(w.controlled).toBe(true);
  });

  it('a diffusers bundle: latent, no condition inputs, not controlled', async () => {
    const w = stageWiring(await tiny('diffusers'), 'unet');
    expect(w).toEqual({ latent: true, conditionInputs: [], controlled: false });
  });

  it('condition inputs without a cond_encoder role are not fed', async () => {
    const bundle = await tiny('diffmac');
    const { cond_encoder: _dropped, ...components } = bundle.manifest.components;
    const pretend = { ...bundle, manifest: { ...bundle.manifest, components }, byRole: (r: string) => (r === 'cond_encoder' ? undefined : bundle.byRole(r as never)), component: (n: string) => bundle.component(n) };
    const w = stageWiring(pretend as never, 'unet');
    expect(w.conditionInputs.length).toBeGreaterThan(0);
    expect(w.controlled).toBe(false);
  });
});
