/**
 * The one inference seam: the only module in diffmac that imports onnxruntime.
 */
import { stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import * as ort from 'onnxruntime-node';
import { DiffmacError, invalidArgument } from '@diffmac/base';
import { readOnnxSignature } from '../onnx/model-signature';
import { readOnnxSignatureFile } from '../onnx/read-signature-file';
import { executionProvidersFor, type InferenceDevice } from './devices';
import { checkTensorsFinite } from './finite';
import type { InferenceSession, RunOptions, Tensor, TensorDataType, TensorSignature } from './types';
import { createFeedValidator, dataTypeOfTensor, type FeedValidator } from './validate-feeds';

/** How hard onnxruntime optimises the graph when it loads it. */
export type GraphOptimizationLevel = 'disabled' | 'basic' | 'extended' | 'all';

/** Options of {@link createSession}. */
export interface SessionOptions {
  /** Device from the one table in `devices.ts` (default `'cpu'`); an unknown one throws `UNKNOWN_DEVICE`. */
  device?: InferenceDevice | (string & {});
  /** Intra-op threads (default: the number of cores). */
  threads?: number;
  /** Inter-op threads (default: onnxruntime's). */
  interOpThreads?: number;
  /** Graph optimisation level (default `'all'`). */
  graphOptimization?: GraphOptimizationLevel;
  /** Check every float output of every run for NaN/Inf (default false; `run` can override). */
  checkFinite?: boolean;
  /** A label for errors (default: the file path, or `'model'` for bytes). */
  name?: string;
  /** Checked before the (uninterruptible) native load. */
  signal?: AbortSignal;
}

/** A session from {@link createSession}: the seam's {@link InferenceSession} plus where it runs. */
export interface ModelSession extends InferenceSession {
  /** The label errors use (file path or `options.name`). */
  readonly name: string;
  readonly device: InferenceDevice;
  /** Execution providers requested, in order. */
  readonly executionProviders: readonly string[];
}

const ortTypes: Readonly<Record<string, TensorDataType>> = {
  float32: 'float32',
  float64: 'float64',
  float16: 'float16',
  int8: 'int8',
  uint8: 'uint8',
  int32: 'int32',
  int64: 'int64',
  bool: 'bool',
};

function positiveInteger(value: number | undefined, argument: string): void {
  if (value !== undefined && (!Number.isInteger(value) || value < 1)) invalidArgument(argument, 'a positive integer', value);
}

function signatureFromMetadata(meta: readonly ort.InferenceSession.ValueMetadata[] | undefined): TensorSignature[] | undefined {
  if (!Array.isArray(meta)) return undefined;
  const out: TensorSignature[] = [];
  for (const m of meta) {
    if (!m.isTensor) return undefined;
    out.push({
      name: m.name,
      dtype: ortTypes[m.type] ?? 'unknown',
      shape: (m.shape as readonly (number | string)[]).map((d, i) => ((typeof d === 'number' && d < 0) || d === '' ? `unk_${i}` : d)),
    });
  }
  return out;
}

/** Backends this onnxruntime-node binary was built with (cpu, webgpu, cuda, dml, coreml, ...). */
function supportedBackends(): string[] | undefined {
  try {
    return ort.listSupportedBackends().map((b) => b.name);
  } catch {
    return undefined;
  }
}

function checkDeviceAvailable(device: string, provider: string): void {
  const supported = supportedBackends();
  if (!supported || supported.includes(provider)) return;
  const available = supported.join(', ');
  throw new DiffmacError(
    'DEVICE_UNAVAILABLE',
    `Device ${JSON.stringify(device)} needs the ${provider} execution provider, which this onnxruntime-node build does not have; available here: ${available}`,
    { argument: 'device', expected: `one of ${available}`, received: JSON.stringify(device) },
  );
}

function loadError(error: unknown, name: string): DiffmacError {
  const message = error instanceof Error ? error.message : String(error);
  if (/protobuf|pars|invalid model|modelproto|load model/i.test(message)) {
    return new DiffmacError('ONNX_CORRUPT', `${name} is not a loadable ONNX model: ${message}`, {
      argument: name,
      expected: 'a valid ONNX model',
      received: 'bytes onnxruntime could not load',
      cause: error,
    });
  }
  return new DiffmacError('SESSION_CREATE_FAILED', `Could not create a session for ${name}: ${message}`, { argument: name, cause: error });
}

/**
 * Load an ONNX model (a file path or its bytes) into a session on `device`.
 *
 * @example
 * const session = await createSession('unet/model.onnx', { device: 'cpu', threads: 4, checkFinite: true });
 * session.inputs.map((i) => i.name);                // ['sample', 'timestep', 'encoder_hidden_states']
 * const { out_sample } = await session.run({ sample, timestep, encoder_hidden_states });
 * await session.dispose();
 */
export async function createSession(model: string | Uint8Array, options: SessionOptions = {}): Promise<ModelSession> {
  if (typeof model !== 'string' && !(model instanceof Uint8Array)) invalidArgument('model', 'a file path or Uint8Array', model);
  const device = (options.device ?? 'cpu') as InferenceDevice;
  const executionProviders = executionProvidersFor(device);
  checkDeviceAvailable(device, executionProviders[0]!);
  positiveInteger(options.threads, 'options.threads');
  positiveInteger(options.interOpThreads, 'options.interOpThreads');
  const level = options.graphOptimization ?? 'all';
  if (!['disabled', 'basic', 'extended', 'all'].includes(level)) {
    invalidArgument('options.graphOptimization', "'disabled', 'basic', 'extended' or 'all'", level);
  }
  const name = options.name ?? (typeof model === 'string' ? model : 'model');
  options.signal?.throwIfAborted();
  if (typeof model === 'string') {
    const info = await stat(model).catch(() => undefined);
    if (!info?.isFile()) {
      throw new DiffmacError('MODEL_FILE_MISSING', `Model file ${model} does not exist`, { argument: name, expected: 'an existing .onnx file', received: 'no file' });
    }
  }
  const sessionOptions: ort.InferenceSession.SessionOptions = {
    executionProviders: [...executionProviders],
    graphOptimizationLevel: level,
    intraOpNumThreads: options.threads ?? availableParallelism(),
    ...(options.interOpThreads === undefined ? {} : { interOpNumThreads: options.interOpThreads }),
  };
  let native: ort.InferenceSession;
  try {
    native = typeof model === 'string' ? await ort.InferenceSession.create(model, sessionOptions) : await ort.InferenceSession.create(model, sessionOptions);
  } catch (error) {
    throw loadError(error, name);
  }
  let inputs = signatureFromMetadata(native.inputMetadata);
  let outputs = signatureFromMetadata(native.outputMetadata);
  // onnxruntime reports an undeclared shape as [] like a scalar's: the protobuf tells them apart.
  const ambiguous = [...(inputs ?? []), ...(outputs ?? [])].some((t) => t.shape.length === 0);
  if (!inputs || !outputs || ambiguous) {
    const parsed = typeof model === 'string' ? await readOnnxSignatureFile(model, name) : readOnnxSignature(model, name);
    inputs = [...parsed.inputs];
    outputs = [...parsed.outputs];
  }
  return new OrtSession(native, name, device, executionProviders, inputs, outputs, options.checkFinite ?? false);
}

class OrtSession implements ModelSession {
  private disposed = false;
  private readonly outputNames: ReadonlySet<string>;
  private readonly validate: FeedValidator;

  constructor(
    private readonly native: ort.InferenceSession,
    readonly name: string,
    readonly device: InferenceDevice,
    readonly executionProviders: readonly string[],
    readonly inputs: readonly TensorSignature[],
    readonly outputs: readonly TensorSignature[],
    private readonly checkFinite: boolean,
  ) {
    this.outputNames = new Set(outputs.map((o) => o.name));
    this.validate = createFeedValidator(inputs, name);
  }

  async run(feeds: Readonly<Record<string, Tensor>>, options: RunOptions = {}): Promise<Record<string, Tensor>> {
    if (this.disposed) throw new DiffmacError('SESSION_DISPOSED', `The session for ${this.name} was disposed`, { argument: 'session' });
    options.signal?.throwIfAborted();
    this.validate(feeds);
    const ortFeeds: Record<string, ort.Tensor> = {};
    for (const signature of this.inputs) {
      const feed = feeds[signature.name]!;
      ortFeeds[signature.name] = new ort.Tensor(dataTypeOfTensor(feed), feed.data as ort.Tensor.DataType, feed.shape as number[]);
    }
    let fetches: string[] | undefined;
    if (options.outputs) {
      fetches = [...options.outputs];
      for (const f of fetches) {
        if (!this.outputNames.has(f)) {
          const valid = [...this.outputNames].join(', ');
          throw new DiffmacError('SESSION_UNKNOWN_OUTPUT', `${this.name} has no output ${JSON.stringify(f)}; its outputs are ${valid}`, {
            argument: 'options.outputs',
            expected: `one of ${valid}`,
            received: JSON.stringify(f),
          });
        }
      }
    }
    let raw: ort.InferenceSession.ReturnType;
    try {
      raw = fetches ? await this.native.run(ortFeeds, fetches) : await this.native.run(ortFeeds);
    } catch (error) {
      throw new DiffmacError('SESSION_RUN_FAILED', `Running ${this.name} failed: ${(error as Error).message}`, { argument: this.name, cause: error });
    }
    options.signal?.throwIfAborted();
    const result: Record<string, Tensor> = {};
    for (const [key, value] of Object.entries(raw)) {
      result[key] = { data: value.data as Tensor['data'], shape: [...value.dims], dtype: ortTypes[value.type] ?? 'float32' };
    }
    if (options.checkFinite ?? this.checkFinite) checkTensorsFinite(result, this.name);
    return result;
  }

  async dispose(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    await this.native.release();
  }
}
