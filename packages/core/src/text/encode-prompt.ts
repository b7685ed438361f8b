/**
 * Text prompts → text-encoder hidden states, through @huggingface/transformers' tokenizer (loaded
 * only here) and the bundle's text encoder run through the one inference seam.
 */
import { DiffmacError } from '@diffmac/base';
import type { ModelBundle } from '../bundle/load-bundle';
import type { InferenceSession, Tensor } from '../inference/types';
import { loadClipTokenizer, tokenizerKind } from './clip-tokenizer';

/** The little of a tokenizer prompt encoding needs. */
interface PromptTokenizer {
  encode(text: string): number[];
  readonly eos: number | undefined;
  readonly pad: number | undefined;
  readonly maxLength: number | undefined;
}

/**
 * The bundle's tokenizer: CLIP's BPE from `vocab.json` + `merges.txt` (Optimum's and diffusers'
 * layout, no `tokenizer.json`), or @huggingface/transformers' AutoTokenizer for a `tokenizer.json`.
 */
async function openTokenizer(dir: string): Promise<PromptTokenizer> {
  if ((await tokenizerKind(dir)) === 'clip-bpe') {
    const clip = await loadClipTokenizer(dir);
    return { encode: (t) => clip.encode(t), eos: clip.eosTokenId, pad: clip.padTokenId, maxLength: clip.modelMaxLength };
  }
  let transformers: typeof import('@huggingface/transformers');
  try {
    transformers = await import('@huggingface/transformers');
  } catch (cause) {
    throw new DiffmacError('OPTIONAL_DEPENDENCY_MISSING', 'Reading a tokenizer.json needs @huggingface/transformers: npm install @huggingface/transformers', {
      argument: '@huggingface/transformers',
      cause,
    });
  }
  const tokenizer = await transformers.AutoTokenizer.from_pretrained(dir, { local_files_only: true });
  const configured = Number((tokenizer as unknown as { model_max_length?: number }).model_max_length);
  return {
    encode: (t) => tokenizer.encode(t),
    eos: tokenizer.eos_token_id,
    pad: Number.isInteger(tokenizer.pad_token_id) ? tokenizer.pad_token_id : tokenizer.eos_token_id,
    maxLength: Number.isInteger(configured) && configured > 0 ? configured : undefined,
  };
}

/** Options of {@link encodePrompt}. */
export interface EncodePromptOptions {
  /** Token length (default: the tokenizer's `model_max_length`, capped at 77). */
  maxLength?: number;
  /** A session for the text encoder to reuse (default: one opened from the bundle and disposed). */
  session?: InferenceSession;
  signal?: AbortSignal;
}

/** What {@link encodePrompt} returns. */
export interface EncodedPrompt {
  /** `last_hidden_state`: float32 [batch, length, width], what a UNet takes as `encoder_hidden_states`. */
  readonly hiddenStates: Tensor;
  /** `pooler_output` when the encoder has one. */
  readonly pooled: Tensor | undefined;
  /** The token ids fed to the encoder ([batch, length], the encoder's id dtype). */
  readonly inputIds: Tensor;
}

/**
 * Tokenise `prompts` with the bundle's `tokenizer/` (CLIP's BPE from vocab.json + merges.txt as
 * Optimum exports it, or @huggingface/transformers' AutoTokenizer for a tokenizer.json; read from the
 * folder, no network) and run the bundle's text encoder.
 *
 * @example
 * const bundle = await loadBundle('models/tiny');
 * const { hiddenStates } = await encodePrompt(bundle, ['a high quality photo of a face', '']);
 * hiddenStates.shape; // [2, 16, 32]
 */
export async function encodePrompt(bundle: ModelBundle, prompts: string | readonly string[], options: EncodePromptOptions = {}): Promise<EncodedPrompt> {
  const list = typeof prompts === 'string' ? [prompts] : [...prompts];
  if (list.length === 0 || !list.every((p) => typeof p === 'string')) {
    throw new DiffmacError('INVALID_ARGUMENT', 'Expected a string or a non-empty array of strings for prompts', { argument: 'prompts', expected: 'string | string[]' });
  }
  const tokenizerComponent = bundle.byRole('tokenizer');
  const encoderComponent = bundle.byRole('text_encoder');
  if (!tokenizerComponent || !encoderComponent) {
    throw new DiffmacError('BUNDLE_NO_COMPONENT', `The bundle ${bundle.root} needs a tokenizer and a text_encoder to encode prompts`, {
      argument: 'bundle',
      expected: 'tokenizer/ and text_encoder/ components',
      received: bundle.componentNames.join(', '),
    });
  }
  options.signal?.throwIfAborted();
  const tokenizer = await openTokenizer(tokenizerComponent.path);
  const maxLength = options.maxLength ?? Math.min(tokenizer.maxLength ?? 77, 77);
  // Truncate as Python's tokenizers do for CLIP: keep the end token, then pad to maxLength.
  const eos = tokenizer.eos;
  const pad = tokenizer.pad ?? eos ?? 0;
  const flat = new Array<number>(list.length * maxLength);
  list.forEach((prompt, row) => {
    let ids = tokenizer.encode(prompt);
    if (ids.length > maxLength) {
      ids = eos !== undefined && ids[ids.length - 1] === eos ? [...ids.slice(0, maxLength - 1), eos] : ids.slice(0, maxLength);
    }
    for (let i = 0; i < maxLength; i++) flat[row * maxLength + i] = i < ids.length ? ids[i]! : pad;
  });
  const idsInput = encoderComponent.inputs.find((i) => i.name === 'input_ids');
  const shape = [list.length, maxLength];
  const inputIds: Tensor =
    idsInput?.dtype === 'int64'
      ? { data: BigInt64Array.from(flat, (v) => BigInt(v)), shape, dtype: 'int64' }
      : { data: Int32Array.from(flat), shape, dtype: 'int32' };
  const session = options.session ?? (await bundle.createSession(encoderComponent.name));
  try {
    const out = await session.run({ input_ids: inputIds }, options.signal ? { signal: options.signal } : {});
    const hiddenStates = out.last_hidden_state;
    if (!hiddenStates) throw new DiffmacError('BUNDLE_WRONG_NAME', `${encoderComponent.path} returned no last_hidden_state`, { argument: 'last_hidden_state' });
    return { hiddenStates, pooled: out.pooler_output, inputIds };
  } finally {
    if (!options.session) await session.dispose();
  }
}
