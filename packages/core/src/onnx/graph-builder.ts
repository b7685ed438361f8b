/**
 * A low-level ONNX graph builder over onnx-proto: declare inputs, outputs, initialisers and nodes,
 * then serialise to the bytes of a valid `.onnx` file (opset 13, IR version 7 by default).
 */
import { DiffmacError, invalidArgument } from '@diffmac/base';
import type { TensorDataType } from '../inference/types';
import { onnx, onnxElementType } from './proto';

/** A dimension of a declared input or output: a fixed size, or a symbolic name such as `'batch'`. */
export type OnnxDim = number | string;

/** A constant tensor value for an attribute (e.g. `Constant`'s `value`). */
export interface OnnxTensorValue {
  readonly data: Float32Array | Float64Array | Int32Array | BigInt64Array | Uint8Array | Int8Array | readonly number[];
  readonly dims: readonly number[];
  /** Defaults to what `data`'s type implies (a plain number array is float32). */
  readonly dtype?: TensorDataType;
}

/**
 * An explicitly typed attribute value. Plain values are inferred (integer number → int,
 * fractional number → float, string → string, arrays likewise, {@link OnnxTensorValue} → tensor);
 * wrap a value with {@link onnxAttr} when inference would pick the wrong type (`alpha: 1` as a float).
 */
export type OnnxTypedAttribute =
  | { readonly kind: 'int'; readonly value: number | bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'string'; readonly value: string }
  | { readonly kind: 'ints'; readonly value: readonly (number | bigint)[] }
  | { readonly kind: 'floats'; readonly value: readonly number[] }
  | { readonly kind: 'strings'; readonly value: readonly string[] }
  | { readonly kind: 'tensor'; readonly value: OnnxTensorValue };

/** Any attribute value a node accepts. */
export type OnnxAttributeValue =
  | number
  | bigint
  | string
  | readonly number[]
  | readonly bigint[]
  | readonly string[]
  | OnnxTensorValue
  | OnnxTypedAttribute;

/**
 * Constructors for explicitly typed attributes.
 *
 * @example
 * builder.node('LeakyRelu', [x], [y], { alpha: onnxAttr.float(1) });
 */
export const onnxAttr = {
  int: (value: number | bigint): OnnxTypedAttribute => ({ kind: 'int', value }),
  float: (value: number): OnnxTypedAttribute => ({ kind: 'float', value }),
  string: (value: string): OnnxTypedAttribute => ({ kind: 'string', value }),
  ints: (value: readonly (number | bigint)[]): OnnxTypedAttribute => ({ kind: 'ints', value }),
  floats: (value: readonly number[]): OnnxTypedAttribute => ({ kind: 'floats', value }),
  strings: (value: readonly string[]): OnnxTypedAttribute => ({ kind: 'strings', value }),
  tensor: (value: OnnxTensorValue): OnnxTypedAttribute => ({ kind: 'tensor', value }),
} as const;

/** Options of {@link OnnxGraphBuilder}. */
export interface OnnxGraphBuilderOptions {
  /** Graph name (default `'diffmac'`). */
  name?: string;
  /** Default-domain opset version (default 13). */
  opset?: number;
  /** ONNX IR version (default 7). */
  irVersion?: number;
  /** Written to `producer_name` (default `'diffmac'`). */
  producerName?: string;
  /** Extra `metadata_props` entries. */
  metadata?: Readonly<Record<string, string>>;
}

/** Options of {@link OnnxGraphBuilder.node}. */
export interface OnnxNodeOptions {
  /** Node name (default: a unique name from the op type). */
  name?: string;
  /** Operator domain (default: the ONNX default domain). */
  domain?: string;
}

/** Options of {@link OnnxGraphBuilder.op}. */
export interface OnnxOpOptions extends OnnxNodeOptions {
  /** Prefix of the output's fresh name (default: the op type in lower case); the node is named `<output>_node`. */
  output?: string;
}

const typeCodes = new Set(Object.values(onnxElementType));
const utf8 = new TextEncoder();

function dtypeOf(data: OnnxTensorValue['data']): TensorDataType {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Int32Array) return 'int32';
  if (data instanceof BigInt64Array) return 'int64';
  if (data instanceof Uint8Array) return 'uint8';
  if (data instanceof Int8Array) return 'int8';
  return 'float32';
}

function rawBytes(data: OnnxTensorValue['data'], dtype: TensorDataType, label: string): Uint8Array {
  const n = data.length;
  let typed: ArrayBufferView;
  switch (dtype) {
    case 'float32':
      typed = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
      break;
    case 'float64':
      typed = data instanceof Float64Array ? data : Float64Array.from(data as ArrayLike<number>);
      break;
    case 'int32':
      typed = data instanceof Int32Array ? data : Int32Array.from(data as ArrayLike<number>);
      break;
    case 'int64':
      typed = data instanceof BigInt64Array ? data : BigInt64Array.from(Array.from(data as ArrayLike<number>, (v) => BigInt(Math.trunc(v))));
      break;
    case 'uint8':
    case 'bool':
      typed = data instanceof Uint8Array ? data : Uint8Array.from(data as ArrayLike<number>);
      break;
    case 'int8':
      typed = data instanceof Int8Array ? data : Int8Array.from(data as ArrayLike<number>);
      break;
    default:
      return invalidArgument(`${label}.dtype`, 'float32, float64, int32, int64, uint8, int8 or bool', dtype, 'ONNX_BUILDER_DTYPE');
  }
  if (typed.byteLength === 0 && n !== 0) throw new DiffmacError('ONNX_BUILDER_DTYPE', `Could not encode ${label}`);
  return new Uint8Array(typed.buffer.slice(typed.byteOffset, typed.byteOffset + typed.byteLength) as ArrayBuffer);
}

function checkDims(dims: readonly number[], count: number, label: string): void {
  if (!Array.isArray(dims) || dims.some((d) => !Number.isInteger(d) || d < 0)) {
    invalidArgument(`${label}.dims`, 'an array of non-negative integers', dims, 'ONNX_BUILDER_DIMS');
  }
  const size = dims.reduce((a, b) => a * b, 1);
  if (size !== count) {
    throw new DiffmacError('ONNX_BUILDER_DIMS', `Expected ${size} values for ${label} of dims [${dims.join(', ')}], received ${count}`, {
      argument: label,
      expected: `${size} values`,
      received: String(count),
    });
  }
}

/** Build an onnx TensorProto from plain data (raw little-endian bytes). */
function tensorProto(name: string, value: OnnxTensorValue, label: string): InstanceType<typeof onnx.TensorProto> {
  const dtype = value.dtype ?? dtypeOf(value.data);
  checkDims(value.dims, value.data.length, label);
  return onnx.TensorProto.create({
    name,
    dims: [...value.dims],
    dataType: onnxElementType[dtype],
    rawData: rawBytes(value.data, dtype, label),
  });
}

function isTensorValue(v: unknown): v is OnnxTensorValue {
  return typeof v === 'object' && v !== null && 'data' in v && 'dims' in v;
}

function isTyped(v: unknown): v is OnnxTypedAttribute {
  return typeof v === 'object' && v !== null && 'kind' in v && 'value' in v;
}

function toTyped(value: OnnxAttributeValue, label: string): OnnxTypedAttribute {
  if (isTyped(value)) return value;
  if (isTensorValue(value)) return { kind: 'tensor', value };
  if (typeof value === 'bigint') return { kind: 'int', value };
  if (typeof value === 'number') return Number.isInteger(value) ? { kind: 'int', value } : { kind: 'float', value };
  if (typeof value === 'string') return { kind: 'string', value };
  if (Array.isArray(value)) {
    if (value.every((v) => typeof v === 'string')) return { kind: 'strings', value: value as string[] };
    if (value.every((v) => typeof v === 'bigint' || (typeof v === 'number' && Number.isInteger(v)))) {
      return { kind: 'ints', value: value as (number | bigint)[] };
    }
    if (value.every((v) => typeof v === 'number')) return { kind: 'floats', value: value as number[] };
  }
  return invalidArgument(label, 'a number, bigint, string, array of those, or tensor value', value, 'ONNX_BUILDER_ATTRIBUTE');
}

function intValue(v: number | bigint, label: string): number {
  const n = typeof v === 'bigint' ? Number(v) : v;
  if (!Number.isSafeInteger(n)) invalidArgument(label, 'a safe integer', v, 'ONNX_BUILDER_ATTRIBUTE');
  return n;
}

function attributeProto(name: string, value: OnnxAttributeValue, label: string) {
  const T = onnx.AttributeProto.AttributeType;
  const typed = toTyped(value, label);
  switch (typed.kind) {
    case 'int':
      return onnx.AttributeProto.create({ name, type: T.INT, i: intValue(typed.value, label) });
    case 'float':
      return onnx.AttributeProto.create({ name, type: T.FLOAT, f: typed.value });
    case 'string':
      return onnx.AttributeProto.create({ name, type: T.STRING, s: utf8.encode(typed.value) });
    case 'ints':
      return onnx.AttributeProto.create({ name, type: T.INTS, ints: typed.value.map((v) => intValue(v, label)) });
    case 'floats':
      return onnx.AttributeProto.create({ name, type: T.FLOATS, floats: [...typed.value] });
    case 'strings':
      return onnx.AttributeProto.create({ name, type: T.STRINGS, strings: typed.value.map((s) => utf8.encode(s)) });
    case 'tensor':
      return onnx.AttributeProto.create({ name, type: T.TENSOR, t: tensorProto('', typed.value, label) });
  }
}

function valueInfo(name: string, dtype: TensorDataType, shape: readonly OnnxDim[]) {
  return onnx.ValueInfoProto.create({
    name,
    type: {
      tensorType: {
        elemType: onnxElementType[dtype],
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  });
}

/**
 * Builds one ONNX model in memory. Names are checked for uniqueness as they are declared;
 * {@link OnnxGraphBuilder.uniqueName} hands out fresh intermediate names.
 *
 * @example
 * const b = new OnnxGraphBuilder();
 * const x = b.input('x', 'float32', ['batch', 3]);
 * const w = b.initializer('w', new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2]);
 * b.node('MatMul', [x, w], ['y']);
 * b.output('y', 'float32', ['batch', 2]);
 * const bytes = b.toBytes(); // a valid .onnx file
 */
export class OnnxGraphBuilder {
  readonly opset: number;
  readonly irVersion: number;
  private readonly graphName: string;
  private readonly producerName: string;
  private readonly metadata: Readonly<Record<string, string>>;
  private readonly inputs: ReturnType<typeof valueInfo>[] = [];
  private readonly outputs: ReturnType<typeof valueInfo>[] = [];
  private readonly initializers: InstanceType<typeof onnx.TensorProto>[] = [];
  private readonly nodes: InstanceType<typeof onnx.NodeProto>[] = [];
  private readonly names = new Set<string>();
  private readonly counters = new Map<string, number>();
  private readonly domains = new Map<string, number>();

  constructor(options: OnnxGraphBuilderOptions = {}) {
    this.opset = options.opset ?? 13;
    this.irVersion = options.irVersion ?? 7;
    if (!Number.isInteger(this.opset) || this.opset < 1) invalidArgument('options.opset', 'a positive integer', options.opset);
    if (!Number.isInteger(this.irVersion) || this.irVersion < 3) invalidArgument('options.irVersion', 'an integer ≥ 3', options.irVersion);
    this.graphName = options.name ?? 'diffmac';
    this.producerName = options.producerName ?? 'diffmac';
    this.metadata = options.metadata ?? {};
  }

  /**
   * A name not used yet in this graph, derived from `prefix` (`conv`, `conv_1`, `conv_2`, ...).
   *
   * @example
   * const h = b.uniqueName('hidden'); // 'hidden', then 'hidden_1'
   */
  uniqueName(prefix = 't'): string {
    let n = this.counters.get(prefix) ?? 0;
    let name = n === 0 ? prefix : `${prefix}_${n}`;
    while (this.names.has(name)) name = `${prefix}_${++n}`;
    this.counters.set(prefix, n + 1);
    this.names.add(name);
    return name;
  }

  private claim(name: string, label: string): string {
    if (typeof name !== 'string' || name.length === 0) invalidArgument(label, 'a non-empty string', name, 'ONNX_BUILDER_NAME');
    if (this.names.has(name) && !this.isUnclaimedOutput(name)) {
      throw new DiffmacError('ONNX_BUILDER_DUPLICATE_NAME', `The name ${JSON.stringify(name)} (${label}) is already used in this graph`, {
        argument: label,
        expected: 'a name not used yet',
        received: JSON.stringify(name),
      });
    }
    this.names.add(name);
    return name;
  }

  /** Names reserved through uniqueName() that no node has produced yet may be produced once. */
  private readonly produced = new Set<string>();
  private isUnclaimedOutput(name: string): boolean {
    return !this.produced.has(name) && !this.inputs.some((i) => i.name === name) && !this.initializers.some((i) => i.name === name);
  }

  /**
   * Whether a value of this name is defined yet (a graph input, an initializer or a node output).
   *
   * @example
   * b.hasValue('x'); // true once b.input('x', ...) ran
   */
  hasValue(name: string): boolean {
    return this.produced.has(name);
  }

  /**
   * Declare a graph input. Symbolic dimensions are strings. Returns `name`.
   *
   * @example
   * const sample = b.input('sample', 'float32', ['batch', 4, 'height', 'width']);
   */
  input(name: string, dtype: TensorDataType, shape: readonly OnnxDim[]): string {
    this.checkDtype(dtype, `input ${name}`);
    this.claim(name, 'input');
    this.produced.add(name);
    this.inputs.push(valueInfo(name, dtype, shape));
    return name;
  }

  /**
   * Declare a graph output (a value some node produces). Returns `name`.
   *
   * @example
   * b.output('out_sample', 'float32', ['batch', 4, 'height', 'width']);
   */
  output(name: string, dtype: TensorDataType, shape: readonly OnnxDim[]): string {
    this.checkDtype(dtype, `output ${name}`);
    if (this.outputs.some((o) => o.name === name)) {
      throw new DiffmacError('ONNX_BUILDER_DUPLICATE_NAME', `Output ${JSON.stringify(name)} is declared twice`, { argument: 'output' });
    }
    this.outputs.push(valueInfo(name, dtype, shape));
    return name;
  }

  /**
   * Add a constant tensor (weights). `data`'s type sets the element type unless `dtype` is
   * given (a plain number array is float32). Returns the initialiser's name.
   *
   * @example
   * const w = b.initializer(b.uniqueName('w'), new Float32Array(16), [4, 4]);
   * const axes = b.initializer('axes', new BigInt64Array([1n]), [1]);
   */
  initializer(name: string, data: OnnxTensorValue['data'], dims: readonly number[], dtype?: TensorDataType): string {
    if (dtype !== undefined) this.checkDtype(dtype, `initializer ${name}`);
    const proto = tensorProto(name, dtype === undefined ? { data, dims } : { data, dims, dtype }, `initializer ${name}`);
    this.claim(name, 'initializer');
    this.produced.add(name);
    this.initializers.push(proto);
    return name;
  }

  /**
   * Add float weights stored as uint8 with per-tensor affine quantisation, followed by a
   * `DequantizeLinear` node. Returns the name of the dequantised float32 value.
   *
   * @example
   * const w = b.quantizedInitializer('w', weights, [64, 64]); // 4x smaller file
   */
  quantizedInitializer(name: string, data: Float32Array | readonly number[], dims: readonly number[]): string {
    checkDims(dims, data.length, `initializer ${name}`);
    let lo = 0;
    let hi = 0;
    for (let i = 0; i < data.length; i++) {
      const v = data[i]!;
      if (!Number.isFinite(v)) invalidArgument(`initializer ${name}[${i}]`, 'a finite number', v, 'ONNX_BUILDER_VALUE');
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    const scale = hi > lo ? (hi - lo) / 255 : 1;
    const zero = Math.min(255, Math.max(0, Math.round(-lo / scale)));
    const q = new Uint8Array(data.length);
    for (let i = 0; i < data.length; i++) q[i] = Math.min(255, Math.max(0, Math.round(data[i]! / scale + zero)));
    const qName = this.initializer(this.uniqueName(`${name}_quantized`), q, dims);
    const sName = this.initializer(this.uniqueName(`${name}_scale`), new Float32Array([scale]), []);
    const zName = this.initializer(this.uniqueName(`${name}_zero_point`), new Uint8Array([zero]), []);
    this.node('DequantizeLinear', [qName, sName, zName], [name]);
    return name;
  }

  /**
   * Add a node. Outputs must be new names (or names reserved by {@link uniqueName} not yet
   * produced); an empty input name marks an omitted optional input. Returns the output names.
   *
   * @example
   * const [y] = b.node('Conv', [x, w, bias], [b.uniqueName('conv')], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] });
   */
  node(
    opType: string,
    inputs: readonly string[],
    outputs: readonly string[],
    attributes: Readonly<Record<string, OnnxAttributeValue | undefined>> = {},
    options: OnnxNodeOptions = {},
  ): string[] {
    if (typeof opType !== 'string' || opType.length === 0) invalidArgument('opType', 'a non-empty operator name', opType, 'ONNX_BUILDER_NODE');
    for (const input of inputs) {
      if (input !== '' && !this.produced.has(input)) {
        throw new DiffmacError('ONNX_BUILDER_UNKNOWN_VALUE', `${opType} reads ${JSON.stringify(input)}, which no input, initializer or node defines`, {
          argument: 'inputs',
          expected: 'a defined value name',
          received: JSON.stringify(input),
        });
      }
    }
    if (outputs.length === 0) invalidArgument('outputs', 'at least one output name', outputs, 'ONNX_BUILDER_NODE');
    for (const output of outputs) {
      if (this.produced.has(output)) {
        throw new DiffmacError('ONNX_BUILDER_DUPLICATE_NAME', `${JSON.stringify(output)} is produced twice`, { argument: 'outputs' });
      }
      if (!this.names.has(output)) this.claim(output, 'node output');
      this.produced.add(output);
    }
    const attribute = Object.entries(attributes)
      .filter((e): e is [string, OnnxAttributeValue] => e[1] !== undefined)
      .map(([key, value]) => attributeProto(key, value, `${opType}.${key}`));
    const domain = options.domain ?? '';
    if (domain !== '' && !this.domains.has(domain)) this.domains.set(domain, 1);
    this.nodes.push(
      onnx.NodeProto.create({
        opType,
        domain,
        input: [...inputs],
        output: [...outputs],
        name: options.name ?? this.uniqueName(`${opType.toLowerCase()}_node`),
        attribute,
      }),
    );
    return [...outputs];
  }

  /**
   * Use an operator domain other than the default at `version` (e.g. `'com.microsoft'`).
   *
   * @example
   * b.useDomain('com.microsoft', 1);
   */
  useDomain(domain: string, version: number): void {
    this.domains.set(domain, version);
  }

  /**
   * Add a one-output node whose output gets a fresh name derived from `options.output` (default:
   * the op type in lower case), and name the node after it. Returns the output name. The shorthand
   * converters use for most nodes; {@link node} remains for fixed or several output names.
   *
   * @example
   * const h = b.op('Conv', [x, w], { kernel_shape: [3, 3], pads: [1, 1, 1, 1] }, { output: 'conv1' }); // 'conv1'
   * const y = b.op('Relu', [h]); // 'relu'
   */
  op(opType: string, inputs: readonly string[], attributes: Readonly<Record<string, OnnxAttributeValue | undefined>> = {}, options: OnnxOpOptions = {}): string {
    const prefix = options.output ?? (typeof opType === 'string' ? opType.toLowerCase() : 'op');
    const output = this.uniqueName(prefix);
    const name = options.name ?? this.uniqueName(`${prefix}_node`);
    return this.node(opType, inputs, [output], attributes, options.domain === undefined ? { name } : { name, domain: options.domain })[0]!;
  }

  /**
   * Add a constant tensor under a fresh name derived from `prefix` ({@link initializer} with
   * {@link uniqueName}). Returns the name.
   *
   * @example
   * const axes = b.constant('axes', new BigInt64Array([2n, 3n]), [2]); // 'axes', then 'axes_1'
   * const half = b.constant('half', new Float32Array([0.5]), []);
   */
  constant(prefix: string, data: OnnxTensorValue['data'], dims: readonly number[], dtype?: TensorDataType): string {
    return this.initializer(this.uniqueName(prefix), data, dims, dtype);
  }

  /**
   * The model as an onnx-proto `ModelProto`.
   *
   * @example
   * const model = b.toModelProto(); model.graph?.node?.length;
   */
  toModelProto(): InstanceType<typeof onnx.ModelProto> {
    const missing = this.outputs.filter((o) => !this.produced.has(o.name));
    if (missing.length > 0) {
      throw new DiffmacError('ONNX_BUILDER_UNKNOWN_VALUE', `Output ${JSON.stringify(missing[0]!.name)} is declared but nothing produces it`, {
        argument: 'output',
      });
    }
    if (this.outputs.length === 0) throw new DiffmacError('ONNX_BUILDER_NO_OUTPUT', 'A graph needs at least one output');
    return onnx.ModelProto.create({
      irVersion: this.irVersion,
      producerName: this.producerName,
      opsetImport: [{ domain: '', version: this.opset }, ...[...this.domains].map(([domain, version]) => ({ domain, version }))],
      metadataProps: Object.entries(this.metadata).map(([key, value]) => ({ key, value })),
      graph: onnx.GraphProto.create({
        name: this.graphName,
        input: this.inputs,
        output: this.outputs,
        initializer: this.initializers,
        node: this.nodes,
      }),
    });
  }

  /**
   * Serialise to the bytes of a `.onnx` file.
   *
   * @example
   * await fs.writeFile('model.onnx', b.toBytes());
   */
  toBytes(): Uint8Array {
    return onnx.ModelProto.encode(this.toModelProto()).finish();
  }

  private checkDtype(dtype: TensorDataType, label: string): void {
    if (!typeCodes.has(onnxElementType[dtype])) {
      invalidArgument(`${label} dtype`, Object.keys(onnxElementType).join(', '), dtype, 'ONNX_BUILDER_DTYPE');
    }
  }
}
