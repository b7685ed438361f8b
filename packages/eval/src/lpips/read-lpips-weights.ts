/**
 * LPIPS linear weights as people have them: the `lpips` package's own `.pth` files
 * (`weights/v0.1/alex.pth`: keys `lin{k}.model.1.weight`, shape [1, C, 1, 1]), read through core's
 * PyTorch checkpoint reader, or JSON (an array of five vectors, or `{ lin_weights }`).
 */
import { readFile } from 'node:fs/promises';
import { DiffmacError } from '@diffmac/base';
import { readCheckpoint } from '@diffmac/core';

function isCheckpoint(bytes: Uint8Array): boolean {
  // A zip archive (torch.save since 1.6) or a pickle stream (the legacy format) — not JSON text.
  return (bytes[0] === 0x50 && bytes[1] === 0x4b) || bytes[0] === 0x80;
}

/** The five weight vectors from parsed JSON: an array, or `{ lin_weights: [...] | { lin0..lin4 } }`. */
function fromJson(parsed: unknown, file: string): Float32Array[] {
  const raw = (parsed !== null && typeof parsed === 'object' ? parsed : {}) as unknown[] | { lin_weights?: unknown[] | Record<string, unknown> };
  const lin = Array.isArray(raw) ? raw : raw.lin_weights;
  const w = Array.isArray(lin) ? lin : lin && Object.keys(lin).sort().map((k) => (lin as Record<string, unknown>)[k]);
  if (!Array.isArray(w) || w.length !== 5) {
    throw new DiffmacError('LPIPS_WEIGHTS_INVALID', `${file} does not hold five LPIPS linear weight vectors`, {
      argument: file,
      expected: 'an array of five vectors, or { lin_weights } as an array or lin0..lin4',
      received: Array.isArray(w) ? `${w.length} entries` : typeof parsed,
    });
  }
  return w.map((x) => Float32Array.from((x as unknown[]).flat(4) as number[]));
}

/**
 * Read LPIPS v0.1 linear weights from a `.pth` as the `lpips` package ships them, or from JSON.
 * A file that is neither, or a checkpoint without `lin0..lin4.model.1.weight`, is a typed error
 * naming the file and what was found.
 *
 * @example
 * const linearWeights = await readLpipsWeights('lpips/weights/v0.1/alex.pth'); // 5 vectors: 64, 192, 384, 256, 256
 * const lpips = await createLpips({ trunk: 'alexnet-taps.onnx', linearWeights, net: 'alex' });
 */
export async function readLpipsWeights(file: string): Promise<Float32Array[]> {
  let bytes: Uint8Array;
  try {
    bytes = new Uint8Array(await readFile(file));
  } catch (cause) {
    throw new DiffmacError('LPIPS_WEIGHTS_INVALID', `Cannot read the LPIPS weights ${file}`, { argument: file, expected: 'a readable .pth or JSON file', received: (cause as Error).message, cause });
  }
  if (isCheckpoint(bytes)) {
    const checkpoint = readCheckpoint(bytes);
    const names = checkpoint.tensors().map((t) => t.name);
    const weights: Float32Array[] = [];
    for (let k = 0; k < 5; k++) {
      const key = names.find((n) => n === `lin${k}.model.1.weight` || n.endsWith(`.lin${k}.model.1.weight`));
      if (key === undefined) {
        throw new DiffmacError('LPIPS_WEIGHTS_INVALID', `${file} has no lin${k}.model.1.weight (the lpips package's key for tap ${k})`, {
          argument: file,
          expected: 'lin0..lin4.model.1.weight',
          received: names.slice(0, 8).join(', ') || 'no tensors',
        });
      }
      const t = checkpoint.load(key, { as: 'float32' });
      weights.push(Float32Array.from(t.data as Float32Array));
    }
    return weights;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder().decode(bytes));
  } catch (cause) {
    throw new DiffmacError('LPIPS_WEIGHTS_INVALID', `${file} is neither a PyTorch checkpoint (.pth) nor JSON`, { argument: file, expected: "the lpips package's .pth, or JSON", received: `${bytes.length} bytes`, cause });
  }
  return fromJson(parsed, file);
}
