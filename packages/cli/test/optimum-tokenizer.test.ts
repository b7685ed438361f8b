/**
 * Optimum's Stable Diffusion exports ship the tokenizer as vocab.json + merges.txt (+ configs), with
 * no tokenizer.json. `bundle check` opens it exactly as `restore` does (check ≡ run), and restore
 * runs, with and without a prompt.
 */
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { cli } from './helpers';

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'diffmac-optimum-tok-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A CLIP BPE tokenizer folder in Optimum's layout, small enough for the tiny text encoder's 64 ids. */
async function writeClipTokenizer(folder: string): Promise<void> {
  for (const f of await readdir(folder)) await rm(path.join(folder, f));
  const vocab: Record<string, number> = { '!': 0, '<|startoftext|>': 1, '<|endoftext|>': 2 };
  'abcdefghijklmnopqrstuvwxyz'.split('').forEach((c, i) => {
    vocab[c] = 3 + 2 * i;
    vocab[`${c}</w>`] = 4 + 2 * i;
  });
  await writeFile(path.join(folder, 'vocab.json'), JSON.stringify(vocab));
  await writeFile(path.join(folder, 'merges.txt'), '#version: 0.2\n');
  await writeFile(path.join(folder, 'tokenizer_config.json'), JSON.stringify({ model_max_length: 77, bos_token: '<|startoftext|>', eos_token: '<|endoftext|>', unk_token: '<|endoftext|>', pad_token: '<|endoftext|>' }));
  await writeFile(path.join(folder, 'special_tokens_map.json'), JSON.stringify({ bos_token: '<|startoftext|>', eos_token: '<|endoftext|>' }));
}

describe("Optimum's tokenizer folder (no tokenizer.json)", () => {
  it('bundle init → bundle check → restore, with and without a prompt; a folder with neither layout fails at check', async () => {
    const bundle = path.join(dir, 'sd');
    expect((await cli(['bundle', 'make-tiny', bundle, '--seed', '3'])).code).toBe(0);
    await writeClipTokenizer(path.join(bundle, 'tokenizer'));
    await rm(path.join(bundle, 'diffmac.json'));
    const init = await cli(['bundle', 'init', bundle, '--resolution', '64']);
    expect(init.code, init.stderr).toBe(0);
    expect((await cli(['bundle', 'check', bundle])).code).toBe(0);
    const face = path.join(dir, 'face.png');
    await sharp(new URL('../assets/mini-set/astronaut.jpg', import.meta.url).pathname).resize(64, 64).png().toFile(face);
    for (const prompt of [[], ['--prompt', 'a face']]) {
      const r = await cli(['restore', face, '-o', path.join(dir, `out${prompt.length}`), '--model', bundle, '--aligned', '--stage1-steps', '2', '--steps', '2', ...prompt]);
      expect(r.code, r.stderr).toBe(0);
    }
    // Neither tokenizer.json nor vocab.json + merges.txt: check says so, as restore would.
    await rm(path.join(bundle, 'tokenizer', 'merges.txt'));
    await rm(path.join(bundle, 'diffmac.json'));
    expect((await cli(['bundle', 'init', bundle, '--resolution', '64'])).code).toBe(0);
    const check = await cli(['bundle', 'check', bundle]);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(/TOKENIZER_MISSING_FILE/);
  }, 120_000);
});
