/**
 * Read an ONNX file's declared inputs and outputs from its protobuf, without onnxruntime.
 */
import { DiffmacError } from '@diffmac/base';
import type { TensorSignature } from '../inference/types';
import { dataTypeFromOnnx, onnx } from './proto';

/** What {@link readOnnxSignature} found in a model file. */
export interface OnnxModelSignature {
  /** Graph inputs that are not initialisers. */
  readonly inputs: readonly TensorSignature[];
  readonly outputs: readonly TensorSignature[];
  readonly irVersion: number;
  /** Opset version per domain (`''` is the default ONNX domain). */
  readonly opsets: Readonly<Record<string, number>>;
  readonly producerName: string;
  /** `metadata_props` entries. */
  readonly metadata: Readonly<Record<string, string>>;
}

type ValueInfo = InstanceType<typeof onnx.ValueInfoProto>;

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (v !== null && typeof v === 'object' && 'toNumber' in v) return (v as { toNumber(): number }).toNumber();
  return Number(v);
}

function signatureOf(info: ValueInfo): TensorSignature {
  const tensorType = info.type?.tensorType;
  const dims = tensorType?.shape?.dim ?? [];
  const signature: TensorSignature = {
    name: info.name,
    dtype: dataTypeFromOnnx(tensorType?.elemType),
    // A dimension with neither a size nor a name is unknown: `unk_<axis>` (never bound across inputs).
    shape: dims.map((d, i) => (d.dimParam ? d.dimParam : d.dimValue !== undefined && d.dimValue !== null ? toNumber(d.dimValue) : `unk_${i}`)),
  };
  return tensorType?.shape ? signature : { ...signature, unknownRank: true };
}

/**
 * Parse the input/output signature of ONNX model bytes. Throws `ONNX_CORRUPT` (naming `source`)
 * when the bytes are not a model protobuf with a graph.
 *
 * @example
 * const sig = readOnnxSignature(await fs.readFile('unet/model.onnx'), 'unet/model.onnx');
 * sig.inputs.map((i) => i.name); // ['sample', 'timestep', 'encoder_hidden_states']
 */
export function readOnnxSignature(bytes: Uint8Array, source = 'model'): OnnxModelSignature {
  let model: InstanceType<typeof onnx.ModelProto>;
  try {
    model = onnx.ModelProto.decode(bytes);
  } catch (cause) {
    throw new DiffmacError('ONNX_CORRUPT', `${source} is not a valid ONNX model: ${(cause as Error).message}`, {
      argument: source,
      expected: 'an ONNX ModelProto',
      received: `${bytes.length} bytes that do not decode`,
      cause,
    });
  }
  return onnxModelSignature(model, bytes.length, source);
}

/**
 * The signature of a decoded ModelProto (graph inputs that are initialisers left out). Throws
 * `ONNX_CORRUPT` naming `source` when there is no graph with outputs.
 *
 * @example
 * const sig = onnxModelSignature(onnx.ModelProto.decode(bytes), bytes.length, 'model.onnx');
 */
export function onnxModelSignature(model: InstanceType<typeof onnx.ModelProto>, byteLength: number, source: string): OnnxModelSignature {
  const graph = model.graph;
  if (!graph || (graph.output ?? []).length === 0 || toNumber(model.irVersion) <= 0) {
    throw new DiffmacError('ONNX_CORRUPT', `${source} is not a valid ONNX model: no graph with outputs`, {
      argument: source,
      expected: 'an ONNX ModelProto with a graph',
      received: `${byteLength} bytes without a graph`,
    });
  }
  const initialisers = new Set((graph.initializer ?? []).map((t) => t.name));
  const opsets: Record<string, number> = {};
  for (const o of model.opsetImport ?? []) opsets[o.domain ?? ''] = toNumber(o.version);
  const metadata: Record<string, string> = {};
  for (const m of model.metadataProps ?? []) metadata[m.key ?? ''] = m.value ?? '';
  return {
    inputs: (graph.input ?? []).filter((i) => !initialisers.has(i.name)).map((i) => signatureOf(i as ValueInfo)),
    outputs: (graph.output ?? []).map((o) => signatureOf(o as ValueInfo)),
    irVersion: toNumber(model.irVersion),
    opsets,
    producerName: model.producerName ?? '',
    metadata,
  };
}
