import { DiffmacError, describeValue } from '@diffmac/base';
import { isPickleTuple, type PickleHooks } from './pickle-machine';
import { CheckpointTensorRef, checkpointElementSize, type CheckpointDType, type CheckpointStorage } from './tensor-ref';

const STORAGE_TYPES: Record<string, CheckpointDType> = {
  FloatStorage: 'float32',
  DoubleStorage: 'float64',
  HalfStorage: 'float16',
  BFloat16Storage: 'bfloat16',
  LongStorage: 'int64',
  IntStorage: 'int32',
  ShortStorage: 'int16',
  CharStorage: 'int8',
  ByteStorage: 'uint8',
  BoolStorage: 'bool',
  UntypedStorage: 'uint8',
};

const NUMPY_CODES: Record<string, CheckpointDType> = {
  f2: 'float16',
  f4: 'float32',
  f8: 'float64',
  i1: 'int8',
  i2: 'int16',
  i4: 'int32',
  i8: 'int64',
  u1: 'uint8',
  b1: 'bool',
};

/** The callables and values a torch/numpy pickle may name; each is interpreted, never imported. */
type Global =
  | { readonly kind: 'storage-type'; readonly dtype: CheckpointDType; readonly name: string }
  | { readonly kind: 'ordered-dict' | 'rebuild-tensor' | 'rebuild-tensor-v2' | 'rebuild-parameter' | 'np-reconstruct' | 'np-ndarray' | 'np-dtype' | 'np-scalar' | 'codecs-encode'; readonly name: string };

/** A numpy dtype under construction (`numpy.dtype(code, False, True)` then BUILD with its byte order). */
class NumpyDType {
  littleEndian = true;
  constructor(readonly dtype: CheckpointDType) {}
}

/** A numpy array under construction (`_reconstruct(ndarray, (0,), b'b')` then BUILD with its state). */
class NumpyArrayBuilder {
  tensor: CheckpointTensorRef | undefined;
}

function forbidden(qualified: string): never {
  throw new DiffmacError('CHECKPOINT_FORBIDDEN_GLOBAL', `Refused pickle global ${qualified}: a checkpoint may only name tensors, storages, OrderedDict and numpy arrays`, {
    argument: 'file',
    expected: 'torch._utils._rebuild_tensor_v2, torch._utils._rebuild_parameter, torch.*Storage, collections.OrderedDict, numpy arrays',
    received: qualified,
  });
}

function invalid(message: string, received: unknown): never {
  throw new DiffmacError('CHECKPOINT_INVALID', message, { argument: 'file', expected: 'a PyTorch checkpoint', received: describeValue(received) });
}

function lookupGlobal(module: string, name: string): Global {
  const qualified = `${module}.${name}`;
  if (module === 'torch' && STORAGE_TYPES[name] !== undefined) return { kind: 'storage-type', dtype: STORAGE_TYPES[name], name: qualified };
  if (module === 'collections' && name === 'OrderedDict') return { kind: 'ordered-dict', name: qualified };
  if (module === 'torch._utils') {
    if (name === '_rebuild_tensor_v2') return { kind: 'rebuild-tensor-v2', name: qualified };
    if (name === '_rebuild_tensor') return { kind: 'rebuild-tensor', name: qualified };
    if (name === '_rebuild_parameter' || name === '_rebuild_parameter_with_state') return { kind: 'rebuild-parameter', name: qualified };
  }
  if (module === 'numpy.core.multiarray' || module === 'numpy._core.multiarray') {
    if (name === '_reconstruct') return { kind: 'np-reconstruct', name: qualified };
    if (name === 'scalar') return { kind: 'np-scalar', name: qualified };
  }
  if (module === 'numpy' && name === 'ndarray') return { kind: 'np-ndarray', name: qualified };
  if (module === 'numpy' && name === 'dtype') return { kind: 'np-dtype', name: qualified };
  if (module === '_codecs' && name === 'encode') return { kind: 'codecs-encode', name: qualified };
  return forbidden(qualified);
}

const isGlobal = (v: unknown): v is Global => typeof v === 'object' && v !== null && 'kind' in v && 'name' in v && !(v instanceof Map);

function intTuple(v: unknown, what: string): number[] {
  if (!isPickleTuple(v) && !Array.isArray(v)) invalid(`Checkpoint ${what} is not a tuple`, v);
  return (v as unknown[]).map((x) => {
    if (typeof x !== 'number' || !Number.isSafeInteger(x)) invalid(`Checkpoint ${what} holds a non-integer`, x);
    return x;
  });
}

function asStorage(v: unknown): CheckpointStorage {
  if (typeof v !== 'object' || v === null || !('key' in v) || !('numel' in v) || !('dtype' in v)) invalid('Checkpoint tensor is not built on a storage', v);
  return v as CheckpointStorage;
}

function contiguousStrides(shape: readonly number[], fortran: boolean): number[] {
  const strides = new Array<number>(shape.length).fill(0);
  let s = 1;
  const order = fortran ? shape.map((_, i) => i) : shape.map((_, i) => shape.length - 1 - i);
  for (const i of order) {
    strides[i] = s;
    s *= shape[i] as number;
  }
  return strides;
}

function latin1Bytes(s: string): Uint8Array {
  const out = new Uint8Array(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c > 255) invalid('Non-latin-1 character in encoded bytes', s.slice(i, i + 1));
    out[i] = c;
  }
  return out;
}

function scalarValue(dtype: NumpyDType, bytes: Uint8Array): number | bigint | boolean {
  const size = checkpointElementSize(dtype.dtype);
  if (bytes.length !== size) invalid(`numpy scalar needs ${size} bytes`, bytes);
  const view = new DataView(bytes.buffer, bytes.byteOffset, size);
  const le = dtype.littleEndian;
  switch (dtype.dtype) {
    case 'float64':
      return view.getFloat64(0, le);
    case 'float32':
      return view.getFloat32(0, le);
    case 'int64':
      return view.getBigInt64(0, le);
    case 'int32':
      return view.getInt32(0, le);
    case 'int16':
      return view.getInt16(0, le);
    case 'int8':
      return view.getInt8(0);
    case 'uint8':
      return view.getUint8(0);
    case 'bool':
      return view.getUint8(0) !== 0;
    default:
      return invalid(`Unsupported numpy scalar dtype ${dtype.dtype}`, dtype.dtype);
  }
}

/** Hooks for torch's pickles plus the post-pass that swaps finished numpy arrays for tensor refs. */
export interface TorchPickleHooks extends PickleHooks {
  /** Replace numpy array builders in the unpickled tree by their tensors. */
  finish(root: unknown): unknown;
}

/**
 * The unpickler hooks for `torch.save` files: storages through `storageFor` (called once per
 * key), tensors and parameters as {@link CheckpointTensorRef}s, OrderedDicts as `Map`s, numpy arrays
 * (as in BasicSR's FID statistics) as tensors with inline storage. Any other global is refused.
 *
 * @example
 * const hooks = torchPickleHooks((key, dtype, numel, location) => ({ key, dtype, numel, location, littleEndian: true }));
 */
export function torchPickleHooks(storageFor: (key: string, dtype: CheckpointDType, numel: number, location: string) => CheckpointStorage): TorchPickleHooks {
  const storages = new Map<string, CheckpointStorage>();
  let inlineCount = 0;
  const tensorFrom = (args: readonly unknown[], what: string): CheckpointTensorRef => {
    const [storage, offset, size, stride, requiresGrad] = args;
    if (typeof offset !== 'number') invalid(`${what}: storage offset is not an integer`, offset);
    return new CheckpointTensorRef(asStorage(storage), offset, intTuple(size, 'tensor size'), intTuple(stride, 'tensor stride'), requiresGrad === true);
  };
  return {
    global: lookupGlobal,
    persistentLoad(pid) {
      if (!isPickleTuple(pid) || pid[0] !== 'storage' || pid.length < 5) invalid('Unknown persistent id in checkpoint', pid);
      const [, type, key, location, numel, view] = pid;
      if (!isGlobal(type) || type.kind !== 'storage-type') invalid('Persistent id without a storage type', type);
      if (typeof key !== 'string' || typeof numel !== 'number' || !Number.isSafeInteger(numel) || numel < 0) invalid('Malformed storage persistent id', pid);
      if (view !== undefined && view !== null) {
        throw new DiffmacError('CHECKPOINT_UNSUPPORTED', 'Checkpoint uses storage views (PyTorch < 0.4); re-save it with a current PyTorch', {
          argument: 'file',
          expected: 'storages without view metadata',
          received: describeValue(view),
        });
      }
      const known = storages.get(key);
      if (known) {
        if (known.dtype !== type.dtype) invalid(`Storage ${key} is used as both ${known.dtype} and ${type.dtype}`, key);
        return known;
      }
      const made = storageFor(key, type.dtype, numel, typeof location === 'string' ? location : 'cpu');
      storages.set(key, made);
      return made;
    },
    call(fn, args) {
      if (!isGlobal(fn)) invalid('REDUCE on a value that is not an allowed callable', fn);
      switch (fn.kind) {
        case 'ordered-dict': {
          const d = new Map<unknown, unknown>();
          const items = args[0];
          if (Array.isArray(items)) for (const pair of items) if (Array.isArray(pair) && pair.length === 2) d.set(pair[0], pair[1]);
          return d;
        }
        case 'rebuild-tensor-v2':
        case 'rebuild-tensor':
          return tensorFrom(args, fn.name);
        case 'rebuild-parameter': {
          const data = args[0];
          if (!(data instanceof CheckpointTensorRef)) invalid(`${fn.name} without a tensor`, data);
          return new CheckpointTensorRef(data.storage, data.offset, data.shape, data.strides, args[1] === true);
        }
        case 'codecs-encode': {
          const [s, encoding] = args;
          if (typeof s !== 'string' || (encoding !== 'latin1' && encoding !== 'latin-1')) invalid('_codecs.encode is only allowed as (str, "latin1")', encoding);
          return latin1Bytes(s);
        }
        case 'np-reconstruct': {
          if (!isGlobal(args[0]) || args[0].kind !== 'np-ndarray') invalid('numpy _reconstruct of something other than ndarray', args[0]);
          return new NumpyArrayBuilder();
        }
        case 'np-dtype': {
          const code = args[0];
          const dtype = typeof code === 'string' ? NUMPY_CODES[code] : undefined;
          if (dtype === undefined) {
            throw new DiffmacError('CHECKPOINT_UNSUPPORTED', `Unsupported numpy dtype ${describeValue(code)} in checkpoint`, {
              argument: 'file',
              expected: `one of ${Object.keys(NUMPY_CODES).join(', ')}`,
              received: describeValue(code),
            });
          }
          return new NumpyDType(dtype);
        }
        case 'np-scalar': {
          const [dtype, raw] = args;
          if (!(dtype instanceof NumpyDType)) invalid('numpy scalar without a dtype', dtype);
          const bytes = typeof raw === 'string' ? latin1Bytes(raw) : raw;
          if (!(bytes instanceof Uint8Array)) invalid('numpy scalar without bytes', raw);
          return scalarValue(dtype, bytes);
        }
        default:
          return invalid(`${fn.name} is not callable`, fn.name);
      }
    },
    build(target, state) {
      if (target instanceof Map) return; // OrderedDict attributes such as `_metadata`: not needed
      if (target instanceof CheckpointTensorRef) return; // parameter state (`_rebuild_parameter_with_state`)
      if (target instanceof NumpyDType) {
        if (!isPickleTuple(state) || typeof state[1] !== 'string') invalid('Malformed numpy dtype state', state);
        target.littleEndian = state[1] !== '>';
        return;
      }
      if (target instanceof NumpyArrayBuilder) {
        if (!isPickleTuple(state) || state.length !== 5) invalid('Malformed numpy array state', state);
        const [, shapeTuple, dtype, fortran, raw] = state;
        if (!(dtype instanceof NumpyDType)) invalid('numpy array state without a dtype', dtype);
        const shape = intTuple(shapeTuple, 'numpy shape');
        const bytes = typeof raw === 'string' ? latin1Bytes(raw) : raw;
        if (!(bytes instanceof Uint8Array)) {
          throw new DiffmacError('CHECKPOINT_UNSUPPORTED', 'numpy object arrays are not tensors', { argument: 'file', expected: 'a numeric numpy array', received: describeValue(raw) });
        }
        const numel = shape.reduce((a, b) => a * b, 1);
        if (bytes.length !== numel * checkpointElementSize(dtype.dtype)) invalid(`numpy array of ${numel} ${dtype.dtype} holds ${bytes.length} bytes`, bytes);
        const storage: CheckpointStorage = { key: `numpy:${inlineCount++}`, dtype: dtype.dtype, numel, location: 'cpu', littleEndian: dtype.littleEndian, inline: bytes };
        target.tensor = new CheckpointTensorRef(storage, 0, shape, contiguousStrides(shape, fortran === true));
        return;
      }
      invalid('BUILD on a value that is not an allowed object', target);
    },
    finish(root) {
      const done = new Map<unknown, unknown>();
      const fix = (v: unknown): unknown => {
        if (v instanceof NumpyArrayBuilder) {
          if (!v.tensor) invalid('numpy array without state', v);
          return v.tensor;
        }
        if (v instanceof NumpyDType || isGlobal(v)) invalid('A bare pickle global is not checkpoint data', v);
        if (typeof v !== 'object' || v === null) return v;
        if (done.has(v)) return done.get(v);
        done.set(v, v);
        if (v instanceof Map) {
          for (const [k, x] of v) v.set(k, fix(x));
        } else if (Array.isArray(v)) {
          if (Object.isFrozen(v)) {
            const fixed = Object.freeze(v.map(fix));
            done.set(v, fixed);
            return fixed;
          }
          for (let i = 0; i < v.length; i++) v[i] = fix(v[i]);
        }
        return v;
      };
      return fix(root);
    },
  };
}
