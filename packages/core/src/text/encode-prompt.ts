/**
 * Text prompts → text-encoder hidden states, through @huggingface/transformers' tokenizer (loaded
 * only here) and the bundle's text encoder run through the one inference seam.
 */
import { DiffmacError } from '../errors';
import type { ModelBundle } from '../bundle/load-bundle';
import type { InferenceSession, Tensor } from '../inference/types';

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
 * Tokenise `prompts` with the bundle's `tokenizer/` (AutoTokenizer from @huggingface/transformers,
 * read from the folder, no network) and run the bundle's text encoder.
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
  let transformers: typeof import('@huggingface/transformers');
  try {
    transformers = await import('@huggingface/transformers');
  } catch (cause) {
    throw new DiffmacError('OPTIONAL_DEPENDENCY_MISSING', 'Encoding prompts needs @huggingface/transformers: npm install @huggingface/transformers', {
      argument: '@huggingface/transformers',
      cause,
    });
  }
  const tokenizer = await transformers.AutoTokenizer.from_pretrained(tokenizerComponent.path, { local_files_only: true });
  const configured = Number((tokenizer as unknown as { model_max_length?: number }).model_max_length);
  const maxLength = options.maxLength ?? (Number.isInteger(configured) && configured > 0 ? Math.min(configured, 77) : 77);
  // Truncate as Python's tokenizers do for CLIP: keep the end token, then pad to maxLength.
  const eos = tokenizer.eos_token_id;
  const pad = Number.isInteger(tokenizer.pad_token_id) ? tokenizer.pad_token_id : eos;
  const flat = new Array<number>(list.length * maxLength);
  list.forEach((prompt, row) => {
    let ids = tokenizer.encode(prompt);
    if (ids.length > maxLength) {
      const endsWithEos = Number.isInteger(eos) && ids[ids.length - 1] === eos;
      ids = endsWithEos ? [...ids.slice(0, maxLength - 1), eos] : ids.slice(0, maxLength);
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
