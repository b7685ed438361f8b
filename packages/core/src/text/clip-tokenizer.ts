import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { DiffmacError } from '@diffmac/base';
import { clipBpe, clipByteEncoder, clipCleanText, clipPreTokens } from './clip-bpe';

/** The files of a CLIP tokenizer folder as Optimum and diffusers ship them (no `tokenizer.json`). */
export interface ClipTokenizerFiles {
  /** `vocab.json`: token → id. */
  readonly vocab: Readonly<Record<string, number>>;
  /** `merges.txt` as text (first line `#version: ...`). */
  readonly merges: string;
  /** `tokenizer_config.json` (bos/eos/unk/pad tokens, `model_max_length`). */
  readonly config?: Readonly<Record<string, unknown>>;
  /** `special_tokens_map.json` (read when the config does not name a token). */
  readonly specialTokens?: Readonly<Record<string, unknown>>;
}

/** CLIP keeps the first 49152 − 256 − 2 merges of `merges.txt` (after its version line). */
const MAX_MERGES = 49152 - 256 - 2;

function tokenText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && value !== null && typeof (value as { content?: unknown }).content === 'string') return (value as { content: string }).content;
  return undefined;
}

function bad(message: string, argument: string, expected: string, received: string): never {
  throw new DiffmacError('TOKENIZER_INVALID', message, { argument, expected, received });
}

/**
 * CLIP's tokenizer built from `vocab.json` + `merges.txt` + `tokenizer_config.json`, giving the
 * ids `transformers.CLIPTokenizer` gives (`<|startoftext|>` … `<|endoftext|>`, unknown pieces as
 * the unk token). Text is cleaned as the Python tokenizer does without ftfy (see `clipCleanText`).
 *
 * @example
 * const tok = await loadClipTokenizer('models/sd21-base/tokenizer');
 * tok.encode('a photo of a face'); // [49406, 320, 1125, 539, 320, 1710, 49407]
 */
export class ClipTokenizer {
  readonly bosTokenId: number;
  readonly eosTokenId: number;
  readonly padTokenId: number;
  readonly unkTokenId: number;
  /** `model_max_length` of the config (77 for CLIP), capped at 77 when absent or absurd. */
  readonly modelMaxLength: number;
  private readonly vocab: ReadonlyMap<string, number>;
  private readonly ranks: ReadonlyMap<string, number>;
  private readonly specials: readonly string[];
  private readonly byteEncoder = clipByteEncoder();

  constructor(files: ClipTokenizerFiles) {
    if (typeof files.vocab !== 'object' || files.vocab === null) bad('vocab.json must hold an object of token → id', 'vocab.json', 'an object', typeof files.vocab);
    const vocab = new Map<string, number>();
    for (const [token, id] of Object.entries(files.vocab)) {
      if (!Number.isInteger(id) || id < 0) bad(`vocab.json: id of ${JSON.stringify(token)} is not a non-negative integer`, 'vocab.json', 'integer ids', String(id));
      vocab.set(token, id);
    }
    this.vocab = vocab;
    const lines = files.merges.replace(/\r\n/g, '\n').trim().split('\n').slice(1, MAX_MERGES + 1);
    const ranks = new Map<string, number>();
    lines.forEach((line, rank) => {
      const parts = line.split(' ');
      if (parts.length !== 2) bad(`merges.txt line ${rank + 2} is not two symbols`, 'merges.txt', '"first second"', JSON.stringify(line.slice(0, 40)));
      ranks.set(line, rank);
    });
    this.ranks = ranks;
    const pick = (key: string, fallback: string): string => tokenText(files.config?.[key]) ?? tokenText(files.specialTokens?.[key]) ?? fallback;
    const idOf = (key: string, token: string): number => {
      const id = vocab.get(token);
      if (id === undefined) bad(`The ${key} ${JSON.stringify(token)} is not in vocab.json`, 'tokenizer_config.json', `a token of vocab.json for ${key}`, JSON.stringify(token));
      return id;
    };
    const bos = pick('bos_token', '<|startoftext|>');
    const eos = pick('eos_token', '<|endoftext|>');
    const unk = pick('unk_token', '<|endoftext|>');
    const pad = pick('pad_token', '<|endoftext|>');
    this.bosTokenId = idOf('bos_token', bos);
    this.eosTokenId = idOf('eos_token', eos);
    this.unkTokenId = idOf('unk_token', unk);
    this.padTokenId = idOf('pad_token', pad);
    this.specials = [...new Set([bos, eos, unk, pad])].sort((a, b) => b.length - a.length);
    const max = Number(files.config?.model_max_length);
    this.modelMaxLength = Number.isInteger(max) && max > 0 && max < 1e6 ? max : 77;
  }

  /**
   * The ids of `text` without the start and end tokens.
   *
   * @example
   * tok.tokenize('A photo'); // [320, 1125]
   */
  tokenize(text: string): number[] {
    const ids: number[] = [];
    const cache = new Map<string, string[]>();
    for (const segment of this.splitSpecial(text)) {
      if (segment.special !== undefined) {
        ids.push(segment.special);
        continue;
      }
      for (const piece of clipPreTokens(clipCleanText(segment.text))) {
        const mapped = [...new TextEncoder().encode(piece)].map((b) => this.byteEncoder[b] as string).join('');
        for (const token of clipBpe(mapped, this.ranks, cache)) ids.push(this.vocab.get(token) ?? this.unkTokenId);
      }
    }
    return ids;
  }

  /**
   * `<|startoftext|>` + the ids of `text` + `<|endoftext|>`, as `tokenizer(text)` in Python.
   *
   * @example
   * tok.encode(''); // [49406, 49407]
   */
  encode(text: string): number[] {
    return [this.bosTokenId, ...this.tokenize(text), this.eosTokenId];
  }

  private splitSpecial(text: string): { text: string; special?: number }[] {
    const out: { text: string; special?: number }[] = [];
    let rest = text;
    for (;;) {
      let at = -1;
      let found = '';
      for (const s of this.specials) {
        const i = rest.indexOf(s);
        if (i >= 0 && (at < 0 || i < at)) {
          at = i;
          found = s;
        }
      }
      if (at < 0) break;
      if (at > 0) out.push({ text: rest.slice(0, at) });
      out.push({ text: found, special: this.vocab.get(found) as number });
      rest = rest.slice(at + found.length);
    }
    if (rest.length > 0) out.push({ text: rest });
    return out;
  }
}

async function readText(path: string, label: string): Promise<string> {
  try {
    return await readFile(path, 'utf8');
  } catch (cause) {
    throw new DiffmacError('TOKENIZER_MISSING_FILE', `The tokenizer folder lacks ${label}: ${path}`, { argument: label, expected: `a file at ${path}`, received: 'no such file', cause });
  }
}

function parseJson(text: string, label: string): Record<string, unknown> {
  try {
    const value = JSON.parse(text) as unknown;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value as Record<string, unknown>;
  } catch {
    // reported below
  }
  return bad(`${label} is not a JSON object`, label, 'a JSON object', `${text.length} characters`);
}

/**
 * Which tokenizer a folder holds: `tokenizer.json` (read by @huggingface/transformers), or CLIP's
 * `vocab.json` + `merges.txt` (read by {@link ClipTokenizer}). Throws `TOKENIZER_MISSING_FILE`
 * naming the files when it holds neither; `bundle check` and a run call this alike.
 *
 * @example
 * await tokenizerKind('models/sd21-base/tokenizer'); // 'clip-bpe'
 */
export async function tokenizerKind(dir: string): Promise<'tokenizer-json' | 'clip-bpe'> {
  const isFile = async (p: string) => (await stat(p).catch(() => undefined))?.isFile() ?? false;
  if (await isFile(join(dir, 'tokenizer.json'))) return 'tokenizer-json';
  if ((await isFile(join(dir, 'vocab.json'))) && (await isFile(join(dir, 'merges.txt')))) return 'clip-bpe';
  throw new DiffmacError('TOKENIZER_MISSING_FILE', `The tokenizer folder ${dir} holds neither tokenizer.json nor vocab.json + merges.txt`, {
    argument: dir,
    expected: 'tokenizer.json, or vocab.json + merges.txt (+ tokenizer_config.json)',
    received: 'neither',
  });
}

/**
 * Load CLIP's tokenizer from a folder with `vocab.json`, `merges.txt` and optionally
 * `tokenizer_config.json` / `special_tokens_map.json` (the layout of Optimum's SD exports).
 *
 * @example
 * const tok = await loadClipTokenizer('models/sd-turbo/tokenizer');
 */
export async function loadClipTokenizer(dir: string): Promise<ClipTokenizer> {
  const vocab = parseJson(await readText(join(dir, 'vocab.json'), 'vocab.json'), 'vocab.json') as Record<string, number>;
  const merges = await readText(join(dir, 'merges.txt'), 'merges.txt');
  const optional = async (name: string) => {
    const text = await readFile(join(dir, name), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : parseJson(text, name);
  };
  const config = await optional('tokenizer_config.json');
  const specialTokens = await optional('special_tokens_map.json');
  return new ClipTokenizer({ vocab, merges, ...(config ? { config } : {}), ...(specialTokens ? { specialTokens } : {}) });
}
