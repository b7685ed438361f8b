import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tinyTokenizerSpecial, writeTinyBundle } from '../src/testing';
import { DiffmacError, encodePrompt, loadBundle, type ModelBundle } from '../src/index';

let work: string;
let bundle: ModelBundle;

beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'diffmac-text-'));
  await writeTinyBundle(join(work, 'tiny'), { seed: 3, kind: 'diffusers' });
  bundle = await loadBundle(join(work, 'tiny'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe('encodePrompt', () => {
  it('tokenises offline with AutoTokenizer from tokenizer/ and runs the text encoder', async () => {
    const { hiddenStates, pooled, inputIds } = await encodePrompt(bundle, ['a high quality photo of a face', '']);
    expect(inputIds.shape).toEqual([2, 16]);
    expect(inputIds.dtype).toBe('int32');
    const ids = Array.from(inputIds.data as Int32Array);
    expect(ids[0]).toBe(tinyTokenizerSpecial.bos);
    expect(ids.slice(1, 8)).not.toContain(0); // every word is in the vocabulary
    expect(ids[8]).toBe(tinyTokenizerSpecial.eos);
    expect(ids.slice(16, 18)).toEqual([tinyTokenizerSpecial.bos, tinyTokenizerSpecial.eos]);
    expect(ids.slice(18, 32).every((v) => v === tinyTokenizerSpecial.pad)).toBe(true);
    expect(hiddenStates.shape).toEqual([2, 16, 32]);
    expect(pooled?.shape).toEqual([2, 32]);
    const h = hiddenStates.data as Float32Array;
    // Position 1 holds 'a' in the first prompt and the end token in the second: different states.
    const diff = Math.max(...Array.from({ length: 32 }, (_, k) => Math.abs(h[32 + k]! - h[16 * 32 + 32 + k]!)));
    expect(diff).toBeGreaterThan(1e-4);
  });

  it('is case-insensitive like CLIP, maps unknown words to unk, and reuses a given session', async () => {
    const session = await bundle.createSession('text_encoder');
    const a = await encodePrompt(bundle, 'A PHOTO', { session });
    const b = await encodePrompt(bundle, 'a photo', { session, maxLength: 8 });
    expect(Array.from(a.inputIds.data as Int32Array).slice(0, 4)).toEqual(Array.from(b.inputIds.data as Int32Array).slice(0, 4));
    expect(b.hiddenStates.shape).toEqual([1, 8, 32]);
    // Too long: truncated to maxLength keeping the end token, as CLIP's Python tokenizer does.
    const long = await encodePrompt(bundle, 'a photo of a face with eyes and hair and skin', { session, maxLength: 6 });
    expect(Array.from(long.inputIds.data as Int32Array)).toHaveLength(6);
    expect((long.inputIds.data as Int32Array)[0]).toBe(tinyTokenizerSpecial.bos);
    expect((long.inputIds.data as Int32Array)[5]).toBe(tinyTokenizerSpecial.eos);
    expect((long.inputIds.data as Int32Array)[4]).not.toBe(tinyTokenizerSpecial.eos);
    const unk = await encodePrompt(bundle, 'zebra', { session });
    expect((unk.inputIds.data as Int32Array)[1]).toBe(tinyTokenizerSpecial.unk);
    await session.dispose();
  });

  it('rejects bad prompts and bundles without a text encoder', async () => {
    await expect(encodePrompt(bundle, [])).rejects.toBeInstanceOf(DiffmacError);
    await writeTinyBundle(join(work, 'restorer'), { kind: 'restorer', resolution: 32 });
    const restorer = await loadBundle(join(work, 'restorer'));
    await expect(encodePrompt(restorer, 'a face')).rejects.toMatchObject({ code: 'BUNDLE_NO_COMPONENT' });
  });
});
