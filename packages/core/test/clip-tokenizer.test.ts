import { readFileSync } from 'node:fs';
import { mkdtemp, writeFile, cp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ClipTokenizer, loadClipTokenizer, tokenizerKind } from '../src/index';
import { pythonFixture } from './python-fixture';

let dir = '';
let expected: { prompts: string[]; ids: number[][]; pad: number; dropped: string };

beforeAll(() => {
  dir = pythonFixture('make-clip-tokenizer.py', 'clip-tokenizer');
  expected = JSON.parse(readFileSync(join(dir, 'expected.json'), 'utf8')) as typeof expected;
});

describe('CLIP tokenizer from vocab.json + merges.txt', () => {
  it('gives exactly the ids of the Python CLIPTokenizer rules on every prompt', async () => {
    const tok = await loadClipTokenizer(dir);
    expect(expected.prompts.length).toBeGreaterThan(10);
    for (const [i, prompt] of expected.prompts.entries()) expect(tok.encode(prompt), JSON.stringify(prompt)).toEqual(expected.ids[i]);
  });

  it('reads the special tokens and max length from tokenizer_config.json (SD 2 pads with "!")', async () => {
    const tok = await loadClipTokenizer(dir);
    expect(tok.padTokenId).toBe(expected.pad);
    expect(tok.padTokenId).not.toBe(tok.eosTokenId);
    expect(tok.modelMaxLength).toBe(77);
    expect(await tokenizerKind(dir)).toBe('clip-bpe');
  });

  it('refuses a folder without the files with a typed error naming them', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'tok-'));
    try {
      await expect(tokenizerKind(empty)).rejects.toMatchObject({ code: 'TOKENIZER_MISSING_FILE' });
      await cp(join(dir, 'vocab.json'), join(empty, 'vocab.json'));
      await expect(loadClipTokenizer(empty)).rejects.toMatchObject({ code: 'TOKENIZER_MISSING_FILE', argument: 'merges.txt' });
      await writeFile(join(empty, 'merges.txt'), '#version: 0.2\na b c\n');
      await expect(loadClipTokenizer(empty)).rejects.toMatchObject({ code: 'TOKENIZER_INVALID' });
      expect(() => new ClipTokenizer({ vocab: { a: 0 }, merges: '#v\n' })).toThrow(/not in vocab.json/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
