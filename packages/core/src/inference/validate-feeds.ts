/**
 * Check feeds against a model's declared inputs before anything reaches native code.
 */
import { DiffmacError, type DiffmacErrorCode } from '@diffmac/base';
import type { Tensor, TensorDataType, TensorSignature } from './types';

const storage: Readonly<Record<TensorDataType, string>> = {
  float32: 'Float32Array',
  float64: 'Float64Array',
  float16: 'Uint16Array',
  int8: 'Int8Array',
  uint8: 'Uint8Array',
  int32: 'Int32Array',
  int64: 'BigInt64Array',
  bool: 'Uint8Array',
};

/**
 * The element type of a tensor: its `dtype`, or what its data's type implies.
 *
 * @example
 * dataTypeOfTensor({ data: new BigInt64Array(1), shape: [1] }); // 'int64'
 */
export function dataTypeOfTensor(tensor: Tensor): TensorDataType {
  if (tensor.dtype) return tensor.dtype;
  const d = tensor.data;
  if (d instanceof Float32Array) return 'float32';
  if (d instanceof Float64Array) return 'float64';
  if (d instanceof BigInt64Array) return 'int64';
  if (d instanceof Int32Array) return 'int32';
  if (d instanceof Uint8Array) return 'uint8';
  if (d instanceof Int8Array) return 'int8';
  if (d instanceof Uint16Array) return 'float16';
  return 'float32';
}

function fail(code: DiffmacErrorCode, model: string, tensor: string, what: string, expected: string, received: string): never {
  throw new DiffmacError(code, `${model}: input ${JSON.stringify(tensor)} ${what}: expected ${expected}, received ${received}`, {
    argument: tensor,
    expected,
    received,
  });
}

/** A checker for one model's inputs, built once per session (see {@link createFeedValidator}). */
export type FeedValidator = (feeds: Readonly<Record<string, Tensor>>) => void;

/**
 * Build a checker for `inputs` that throws a typed error naming the tensor if feeds do not
 * match: a missing or unknown name (`SESSION_MISSING_INPUT`, `SESSION_UNKNOWN_INPUT`), a wrong
 * element type or storage (`SESSION_INPUT_DTYPE`), or a wrong rank, fixed dimension,
 * inconsistent symbolic dimension or data length (`SESSION_INPUT_SHAPE`). The per-model work
 * (name sets, expected storage) is done here once, so each call costs a few microseconds.
 *
 * @example
 * const check = createFeedValidator(session.inputs, 'unet/model.onnx');
 * check({ sample, timestep }); // throws: missing encoder_hidden_states
 */
export function createFeedValidator(inputs: readonly TensorSignature[], model: string): FeedValidator {
  const names = new Set(inputs.map((i) => i.name));
  const count = inputs.length;
  const described = inputs.map((i) => `a ${i.dtype} tensor of shape [${i.shape.join(', ')}]`);
  const hasSymbols = inputs.some((i) => i.shape.some((d) => typeof d === 'string' && !d.startsWith('unk_')));
  return (feeds) => {
    if (feeds === null || typeof feeds !== 'object') {
      throw new DiffmacError('SESSION_FEEDS', `${model}: feeds must be an object of tensors`, { argument: 'feeds', expected: 'an object' });
    }
    for (const key in feeds) {
      if (!Object.hasOwn(feeds, key)) continue;
      if (!names.has(key)) fail('SESSION_UNKNOWN_INPUT', model, key, 'is not an input of this model', `one of ${[...names].join(', ')}`, JSON.stringify(key));
    }
    const symbols = hasSymbols ? new Map<string, { size: number; tensor: string }>() : undefined;
    for (let k = 0; k < count; k++) {
      const signature = inputs[k]!;
      const feed = feeds[signature.name];
      if (feed === undefined) fail('SESSION_MISSING_INPUT', model, signature.name, 'is missing', described[k]!, 'nothing');
      checkFeed(signature, feed, model, symbols);
    }
  };
}

function checkFeed(signature: TensorSignature, feed: Tensor, model: string, symbols: Map<string, { size: number; tensor: string }> | undefined): void {
  if (feed === null || typeof feed !== 'object' || !ArrayBuffer.isView(feed.data) || !Array.isArray(feed.shape)) {
    fail('SESSION_INPUT_DTYPE', model, signature.name, 'is not a tensor', '{ data: TypedArray, shape: number[] }', typeof feed);
  }
  const dtype = dataTypeOfTensor(feed);
  const ctor = (feed.data as object).constructor.name;
  if (storage[dtype] === undefined || ctor !== storage[dtype]) {
    fail('SESSION_INPUT_DTYPE', model, signature.name, `has ${ctor} storage for dtype ${dtype}`, storage[dtype] ?? 'a known dtype', ctor);
  }
  if (signature.dtype !== 'unknown' && dtype !== signature.dtype) {
    fail('SESSION_INPUT_DTYPE', model, signature.name, 'has the wrong element type', signature.dtype, dtype);
  }
  const shape = feed.shape;
  const expected = signature.shape;
  let size = 1;
  for (let axis = 0; axis < shape.length; axis++) {
    const d = shape[axis]!;
    if (!Number.isInteger(d) || d < 0) fail('SESSION_INPUT_SHAPE', model, signature.name, 'has an invalid shape', 'non-negative integer dims', `[${shape.join(', ')}]`);
    size *= d;
  }
  if (size !== feed.data.length) {
    fail('SESSION_INPUT_SHAPE', model, signature.name, `holds ${feed.data.length} values for shape [${shape.join(', ')}]`, `${size} values`, String(feed.data.length));
  }
  if (signature.unknownRank) return;
  if (shape.length !== expected.length) {
    fail('SESSION_INPUT_SHAPE', model, signature.name, 'has the wrong rank', `rank ${expected.length} [${expected.join(', ')}]`, `[${shape.join(', ')}]`);
  }
  for (let axis = 0; axis < expected.length; axis++) {
    const dim = expected[axis]!;
    const got = shape[axis]!;
    if (typeof dim === 'number') {
      if (dim !== got) fail('SESSION_INPUT_SHAPE', model, signature.name, `has the wrong size on axis ${axis}`, `[${expected.join(', ')}]`, `[${shape.join(', ')}]`);
      continue;
    }
    if (!symbols || dim.startsWith('unk_')) continue;
    const bound = symbols.get(dim);
    if (bound === undefined) symbols.set(dim, { size: got, tensor: signature.name });
    else if (bound.size !== got) {
      fail('SESSION_INPUT_SHAPE', model, signature.name, `disagrees on dimension "${dim}" (axis ${axis}) with input "${bound.tensor}"`, `${dim} = ${bound.size}`, `[${shape.join(', ')}]`);
    }
  }
}

/**
 * Check `feeds` against `inputs` once (see {@link createFeedValidator} for the errors).
 *
 * @example
 * validateFeeds(session.inputs, { sample, timestep }, 'unet/model.onnx'); // throws: missing encoder_hidden_states
 */
export function validateFeeds(inputs: readonly TensorSignature[], feeds: Readonly<Record<string, Tensor>>, model: string): void {
  createFeedValidator(inputs, model)(feeds);
}
