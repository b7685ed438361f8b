/**
 * A tiny word-level tokenizer in the Hugging Face `tokenizer.json` format, CLIP-like: lower-case,
 * whitespace/punctuation split, `<|startoftext|>` … `<|endoftext|>`, padded with `<|endoftext|>`.
 */

/** The words of the tiny vocabulary (after the four special tokens). */
const words = (
  'a an the of and with in on face photo portrait person man woman child old young smiling ' +
  'high quality detailed sharp clean natural skin eyes hair light realistic restored blurry noisy ' +
  'low resolution jpeg artifacts best masterpiece , . !'
).split(' ');

/** Ids of the special tokens. */
export const tinyTokenizerSpecial = { unk: 0, bos: 1, eos: 2, pad: 2 } as const;

/** Number of ids the tiny tokenizer can produce (the tiny text encoder's `vocabSize`). */
export const tinyTokenizerVocabSize = words.length + 3;

/**
 * The `tokenizer.json` and `tokenizer_config.json` objects of the tiny tokenizer.
 *
 * @example
 * const { tokenizer, config } = tinyTokenizerFiles(16);
 * await writeFile('tokenizer/tokenizer.json', JSON.stringify(tokenizer));
 */
export function tinyTokenizerFiles(modelMaxLength = 16): { tokenizer: Record<string, unknown>; config: Record<string, unknown> } {
  const vocab: Record<string, number> = { '<|unk|>': 0, '<|startoftext|>': 1, '<|endoftext|>': 2 };
  words.forEach((w, i) => (vocab[w] = i + 3));
  const special = (id: number, content: string) => ({ id, content, single_word: false, lstrip: false, rstrip: false, normalized: false, special: true });
  const tokenizer = {
    version: '1.0',
    truncation: null,
    padding: null,
    added_tokens: [special(0, '<|unk|>'), special(1, '<|startoftext|>'), special(2, '<|endoftext|>')],
    normalizer: { type: 'Lowercase' },
    pre_tokenizer: { type: 'BertPreTokenizer' },
    model: { type: 'WordLevel', vocab, unk_token: '<|unk|>' },
    post_processor: {
      type: 'TemplateProcessing',
      single: [{ SpecialToken: { id: '<|startoftext|>', type_id: 0 } }, { Sequence: { id: 'A', type_id: 0 } }, { SpecialToken: { id: '<|endoftext|>', type_id: 0 } }],
      pair: [
        { SpecialToken: { id: '<|startoftext|>', type_id: 0 } },
        { Sequence: { id: 'A', type_id: 0 } },
        { Sequence: { id: 'B', type_id: 0 } },
        { SpecialToken: { id: '<|endoftext|>', type_id: 0 } },
      ],
      special_tokens: {
        '<|startoftext|>': { id: '<|startoftext|>', ids: [1], tokens: ['<|startoftext|>'] },
        '<|endoftext|>': { id: '<|endoftext|>', ids: [2], tokens: ['<|endoftext|>'] },
      },
    },
    decoder: { type: 'WordPiece', prefix: '##', cleanup: true },
  };
  const config = {
    tokenizer_class: 'CLIPTokenizer',
    model_max_length: modelMaxLength,
    bos_token: '<|startoftext|>',
    eos_token: '<|endoftext|>',
    pad_token: '<|endoftext|>',
    unk_token: '<|unk|>',
    do_lower_case: true,
    clean_up_tokenization_spaces: true,
  };
  return { tokenizer, config };
}
