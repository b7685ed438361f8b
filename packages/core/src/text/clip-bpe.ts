/**
 * The byte-level BPE of OpenAI's CLIP as `transformers.CLIPTokenizer` (the slow, Python tokenizer
 * the Stable Diffusion pipelines use) runs it: text cleaned as its BasicTokenizer does when ftfy
 * is absent (NFC, control characters dropped, whitespace collapsed, spaces around CJK ideographs,
 * lower case), split with CLIP's pattern, each piece's UTF-8 bytes mapped to printable characters
 * and merged by rank with `</w>` ending the word.
 */

/** CLIP's split pattern (compiled per call site; JS regexes with /g keep state). */
const PATTERN_SOURCE = String.raw`<\|startoftext\|>|<\|endoftext\|>|'s|'t|'re|'ve|'m|'ll|'d|[\p{L}]+|[\p{N}]|[^\s\p{L}\p{N}]+`;

/**
 * GPT-2/CLIP's reversible byte → printable character table (`bytes_to_unicode`).
 *
 * @example
 * clipByteEncoder()[32]; // 'Ġ'
 */
export function clipByteEncoder(): string[] {
  const bs: number[] = [];
  for (let b = 0x21; b <= 0x7e; b++) bs.push(b);
  for (let b = 0xa1; b <= 0xac; b++) bs.push(b);
  for (let b = 0xae; b <= 0xff; b++) bs.push(b);
  const table = new Array<string>(256);
  for (const b of bs) table[b] = String.fromCodePoint(b);
  let n = 0;
  for (let b = 0; b < 256; b++) if (table[b] === undefined) table[b] = String.fromCodePoint(256 + n++);
  return table;
}

function isCjk(cp: number): boolean {
  return (
    (cp >= 0x4e00 && cp <= 0x9fff) ||
    (cp >= 0x3400 && cp <= 0x4dbf) ||
    (cp >= 0x20000 && cp <= 0x2a6df) ||
    (cp >= 0x2a700 && cp <= 0x2b73f) ||
    (cp >= 0x2b740 && cp <= 0x2b81f) ||
    (cp >= 0x2b820 && cp <= 0x2ceaf) ||
    (cp >= 0xf900 && cp <= 0xfaff) ||
    (cp >= 0x2f800 && cp <= 0x2fa1f)
  );
}

/**
 * Clean text as transformers' BasicTokenizer (do_lower_case, no accent stripping, no punctuation
 * split) and join its tokens with single spaces, which is what CLIPTokenizer then splits.
 *
 * @example
 * clipCleanText('  A\tPhoto\u0000 '); // 'a photo'
 */
export function clipCleanText(text: string): string {
  let out = '';
  for (const ch of text) {
    const cp = ch.codePointAt(0) as number;
    if (ch === ' ' || ch === '\t' || ch === '\n' || ch === '\r' || /\p{Zs}/u.test(ch)) {
      out += ' ';
      continue;
    }
    if (cp === 0 || cp === 0xfffd || /\p{C}/u.test(ch)) continue;
    out += isCjk(cp) ? ` ${ch} ` : ch;
  }
  // NFC after cleaning as BasicTokenizer does, then whitespace split and lower-case per token
  return out
    .normalize('NFC')
    // eslint-disable-next-line no-control-regex -- Python's str.split() whitespace includes the file/group/record/unit separators
    .split(/[ \t\n\r\f\v\u001c-\u001f\u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/)
    .filter((t) => t.length > 0)
    .map((t) => t.toLowerCase())
    .join(' ');
}

/**
 * Split cleaned text into CLIP's pre-tokens (before the byte mapping).
 *
 * @example
 * clipPreTokens("it's 2 faces!"); // ['it', "'s", '2', 'faces', '!']
 */
export function clipPreTokens(text: string): string[] {
  return [...text.matchAll(new RegExp(PATTERN_SOURCE, 'giu'))].map((m) => m[0]);
}

/**
 * Merge one byte-mapped word by BPE rank (lowest rank first), the last symbol marked `</w>`;
 * `cache` memoises words.
 *
 * @example
 * clipBpe('face', ranks, new Map()); // ['face</w>'] when the merges build the whole word
 */
export function clipBpe(word: string, ranks: ReadonlyMap<string, number>, cache: Map<string, string[]>): string[] {
  const cached = cache.get(word);
  if (cached) return cached;
  const chars = [...word];
  let parts = [...chars.slice(0, -1), `${chars[chars.length - 1] ?? ''}</w>`];
  while (parts.length > 1) {
    let best = Number.POSITIVE_INFINITY;
    let first = '';
    let second = '';
    for (let i = 0; i < parts.length - 1; i++) {
      const rank = ranks.get(`${parts[i]} ${parts[i + 1]}`);
      if (rank !== undefined && rank < best) {
        best = rank;
        first = parts[i] as string;
        second = parts[i + 1] as string;
      }
    }
    if (best === Number.POSITIVE_INFINITY) break;
    const merged: string[] = [];
    for (let i = 0; i < parts.length; ) {
      if (parts[i] === first && i < parts.length - 1 && parts[i + 1] === second) {
        merged.push(first + second);
        i += 2;
      } else {
        merged.push(parts[i] as string);
        i += 1;
      }
    }
    parts = merged;
  }
  cache.set(word, parts);
  return parts;
}
