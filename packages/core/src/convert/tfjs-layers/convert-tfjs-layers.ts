/**
 * TFJS layers model (`model.json` with `format: layers-model`, a Keras `Functional` or
 * `Sequential` topology, + `.bin` shards) → ONNX, on core's {@link OnnxGraphBuilder}. The graph
 * runs in NCHW: the input is `[batch, channels, height, width]`, Keras' channel axis becomes axis 1
 * and kernels are transposed from `[kh, kw, in, out]` to `[out, in, kh, kw]`.
 *
 * The layers read are those of the UpscalerJS ESRGAN/RDN/RRDN models and of plain Keras
 * convolutional networks: see {@link TFJS_LAYERS}. Anything else is `TFJS_LAYER_UNSUPPORTED`,
 * naming the layer.
 */
import { DiffmacError, type DiffmacErrorCode } from '@diffmac/base';
import { OnnxGraphBuilder } from '../../onnx/graph-builder';
import { decodeTfjsWeights, type TfjsManifestGroup, type TfjsWeight } from '../tfjs-weights/decode-weights';

/** Options of {@link convertTfjsLayers}. */
export interface ConvertTfjsLayersOptions {
  /** ONNX input name (default `'input'`). */
  readonly inputName?: string;
  /** ONNX output name (default `'output'`). */
  readonly outputName?: string;
  /** ONNX graph name (default `'tfjs-layers'`). */
  readonly graphName?: string;
  /** Extra ONNX `metadata_props`. */
  readonly metadata?: Readonly<Record<string, string>>;
}

/** A converted layers model: the `.onnx` bytes, its NCHW input and output, and the layers met. */
export interface ConvertedTfjsLayers {
  readonly bytes: Uint8Array;
  readonly input: { readonly name: string; readonly channels: number };
  readonly output: { readonly name: string; readonly channels: number };
  /** Keras layer classes met, with counts. */
  readonly layers: Readonly<Record<string, number>>;
}

/** The Keras layer classes this converter reads (`PixelShuffle<n>x` stands for any block size). */
export const TFJS_LAYERS: readonly string[] = [
  'InputLayer', 'Conv2D', 'Activation', 'ReLU', 'LeakyReLU', 'Add', 'Multiply', 'Concatenate', 'UpSampling2D', 'MultiplyBeta', 'PixelShuffle<n>x',
];

interface KerasLayer {
  readonly class_name: string;
  readonly name?: string;
  readonly config: Record<string, unknown> & { readonly name?: string };
  readonly inbound_nodes?: readonly (readonly (readonly [string, number, number, unknown?])[])[];
}

function layersError(code: DiffmacErrorCode, message: string, details: { argument?: string; expected?: string; received?: string } = {}): DiffmacError {
  return new DiffmacError(code, message, details);
}

/** Keras channels-last axis → NCHW axis (rank 4). */
function nchwAxis(axis: number, layer: string): number {
  const a = axis < 0 ? axis + 4 : axis;
  const map = [0, 2, 3, 1];
  if (!Number.isInteger(a) || a < 0 || a > 3) {
    throw layersError('TFJS_LAYER_UNSUPPORTED', `${layer}: axis ${axis} of a rank-4 tensor`, { argument: layer, expected: 'an axis in -4..3', received: String(axis) });
  }
  return map[a]!;
}

function pairOf(value: unknown, fallback: number): [number, number] {
  if (Array.isArray(value)) return [Number(value[0]), Number(value[1] ?? value[0])];
  if (typeof value === 'number') return [value, value];
  return [fallback, fallback];
}

function activation(b: OnnxGraphBuilder, x: string, kind: unknown, layer: string, alpha?: number): string {
  switch (kind ?? 'linear') {
    case 'linear':
      return x;
    case 'relu':
      return b.op('Relu', [x]);
    case 'sigmoid':
      return b.op('Sigmoid', [x]);
    case 'tanh':
      return b.op('Tanh', [x]);
    case 'elu':
      return b.op('Elu', [x], { alpha: 1 });
    case 'leaky_relu':
      return b.op('LeakyRelu', [x], { alpha: alpha ?? 0.3 });
    default:
      throw layersError('TFJS_LAYER_UNSUPPORTED', `${layer}: activation ${JSON.stringify(kind)} is not supported`, {
        argument: layer,
        expected: 'linear, relu, sigmoid, tanh, elu or leaky_relu',
        received: JSON.stringify(kind),
      });
  }
}

/**
 * Convert a TFJS layers model (parsed `model.json` and its shards, as {@link readTfjsModelFiles}
 * gives them) to ONNX bytes. Missing, unused or mis-shaped weights are `TFJS_WEIGHTS_MISMATCH`
 * naming the weight; unknown layers are `TFJS_LAYER_UNSUPPORTED` naming the layer.
 *
 * @example
 * const { json, shards } = await readTfjsModelFiles('node_modules/@upscalerjs/esrgan-medium/models/x4/model.json');
 * const { bytes } = convertTfjsLayers(json, shards); // input [N, 3, H, W] 0–255 → output [N, 3, 4H, 4W]
 * const session = await createSession(bytes);
 */
export function convertTfjsLayers(json: unknown, shards: readonly Uint8Array[], options: ConvertTfjsLayersOptions = {}): ConvertedTfjsLayers {
  const model = json as { format?: string; modelTopology?: Record<string, unknown>; weightsManifest?: readonly TfjsManifestGroup[] };
  if (typeof model !== 'object' || model === null || typeof model.modelTopology !== 'object' || model.modelTopology === null) {
    throw layersError('TFJS_MODEL_FILES', 'Expected a TFJS layers model.json (modelTopology + weightsManifest)', { argument: 'json', expected: 'a layers-model model.json', received: typeof json });
  }
  if (model.format !== undefined && model.format !== 'layers-model') {
    throw layersError('TFJS_MODEL_FILES', `Expected a layers model, received format ${JSON.stringify(model.format)} (graph models go through convertTfjsGraph)`, {
      argument: 'json.format',
      expected: '"layers-model"',
      received: JSON.stringify(model.format),
    });
  }
  const topology = (model.modelTopology['model_config'] ?? model.modelTopology) as { class_name?: string; config?: unknown };
  const layers = topologyLayers(topology);
  const weights = decodeTfjsWeights(model.weightsManifest ?? [], shards);
  const used = new Set<string>();
  const weight = (layer: string, key: string, shape: readonly number[] | undefined): TfjsWeight => {
    const found = weights.get(`${layer}/${key}`) ?? [...weights.values()].find((w) => w.name.endsWith(`/${layer}/${key}`));
    if (!found) throw layersError('TFJS_WEIGHTS_MISMATCH', `${layer}: weight ${layer}/${key} is missing from the manifest`, { argument: `${layer}/${key}`, expected: 'a weight in weightsManifest', received: 'missing' });
    if (shape && (found.shape.length !== shape.length || found.shape.some((d, i) => shape[i]! >= 0 && d !== shape[i]))) {
      throw layersError('TFJS_WEIGHTS_MISMATCH', `${layer}: weight ${found.name} has shape [${found.shape.join(', ')}], expected [${shape.join(', ')}]`, {
        argument: found.name,
        expected: `[${shape.join(', ')}]`,
        received: `[${found.shape.join(', ')}]`,
      });
    }
    used.add(found.name);
    return found;
  };

  const b = new OnnxGraphBuilder({ name: options.graphName ?? 'tfjs-layers', ...(options.metadata ? { metadata: options.metadata } : {}) });
  const values = new Map<string, { name: string; channels: number }>();
  const counts: Record<string, number> = {};
  const inputName = options.inputName ?? 'input';
  let input: { name: string; channels: number } | undefined;
  let last: { name: string; channels: number } | undefined;

  for (const layer of layers) {
    const name = layer.config.name ?? layer.name ?? `layer_${values.size}`;
    const cls = layer.class_name;
    counts[cls] = (counts[cls] ?? 0) + 1;
    const inbound = (layer.inbound_nodes?.[0] ?? []).map(([from]) => {
      const v = values.get(from);
      if (!v) throw layersError('TFJS_LAYER_UNSUPPORTED', `${name} reads ${from}, which no earlier layer produced`, { argument: name, expected: 'layers in topological order', received: from });
      return v;
    });
    // A Sequential model lists no inbound nodes: each layer reads the previous one.
    const args = inbound.length > 0 ? inbound : last ? [last] : [];
    let out: { name: string; channels: number };
    if (cls === 'InputLayer') {
      const shape = (layer.config['batch_input_shape'] ?? layer.config['batchInputShape']) as (number | null)[] | undefined;
      const channels = Number(shape?.[3] ?? 3);
      if (input) throw layersError('TFJS_LAYER_UNSUPPORTED', `${name}: a second input; only single-input models are converted`, { argument: name, expected: 'one InputLayer', received: 'two' });
      out = { name: b.input(inputName, 'float32', ['batch', channels, 'height', 'width']), channels };
      input = out;
    } else {
      if (args.length === 0) {
        // A Sequential model whose first layer carries the input shape.
        const shape = layer.config['batch_input_shape'] as (number | null)[] | undefined;
        const channels = Number(shape?.[3] ?? 3);
        input = { name: b.input(inputName, 'float32', ['batch', channels, 'height', 'width']), channels };
        args.push(input);
      }
      out = convertLayer(b, cls, name, layer.config, args, weight);
    }
    values.set(name, out);
    last = out;
  }
  const unused = [...weights.keys()].filter((k) => !used.has(k));
  if (unused.length > 0) {
    throw layersError('TFJS_WEIGHTS_MISMATCH', `The manifest holds weights no layer reads: ${unused.slice(0, 5).join(', ')}`, { argument: unused[0], expected: 'every weight read by a layer', received: `${unused.length} unused` });
  }
  const outputLayer = outputLayerName(topology) ?? [...values.keys()].at(-1);
  const result = outputLayer ? values.get(outputLayer) : undefined;
  if (!input || !result) throw layersError('TFJS_MODEL_FILES', 'The model has no input or no output layer', { argument: 'json.modelTopology', expected: 'an input and an output layer', received: `${layers.length} layers` });
  const outputName = options.outputName ?? 'output';
  b.node('Identity', [result.name], [outputName]);
  b.output(outputName, 'float32', ['batch', result.channels, 'out_height', 'out_width']);
  return { bytes: b.toBytes(), input: { name: inputName, channels: input.channels }, output: { name: outputName, channels: result.channels }, layers: counts };
}

function topologyLayers(topology: { class_name?: string; config?: unknown }): KerasLayer[] {
  const config = topology.config as { layers?: KerasLayer[] } | KerasLayer[] | undefined;
  const layers = Array.isArray(config) ? config : config?.layers;
  if (!Array.isArray(layers) || layers.length === 0) {
    throw layersError('TFJS_MODEL_FILES', 'The model topology lists no layers', { argument: 'json.modelTopology', expected: 'a Functional or Sequential config with layers', received: String(topology.class_name) });
  }
  return layers;
}

function outputLayerName(topology: { config?: unknown }): string | undefined {
  const outputs = (topology.config as { output_layers?: readonly (readonly [string, number, number])[] } | undefined)?.output_layers;
  if (Array.isArray(outputs) && outputs.length > 1) {
    throw layersError('TFJS_LAYER_UNSUPPORTED', `The model has ${outputs.length} outputs; only single-output models are converted`, { argument: 'output_layers', expected: 'one output', received: String(outputs.length) });
  }
  return Array.isArray(outputs) ? outputs[0]?.[0] : undefined;
}

type WeightLookup = (layer: string, key: string, shape: readonly number[] | undefined) => TfjsWeight;

function convertLayer(
  b: OnnxGraphBuilder,
  cls: string,
  name: string,
  config: Record<string, unknown>,
  args: readonly { name: string; channels: number }[],
  weight: WeightLookup,
): { name: string; channels: number } {
  const x = args[0]!;
  const pixelShuffle = /^PixelShuffle(\d+)x$/.exec(cls);
  if (pixelShuffle) {
    const block = Number(pixelShuffle[1]);
    return { name: b.op('DepthToSpace', [x.name], { blocksize: block, mode: 'DCR' }, { output: name }), channels: x.channels / (block * block) };
  }
  switch (cls) {
    case 'Conv2D': {
      if ((config['data_format'] ?? 'channels_last') !== 'channels_last') {
        throw layersError('TFJS_LAYER_UNSUPPORTED', `${name}: data_format ${String(config['data_format'])}`, { argument: name, expected: 'channels_last', received: String(config['data_format']) });
      }
      const [kh, kw] = pairOf(config['kernel_size'], 1);
      const strides = pairOf(config['strides'], 1);
      const dilations = pairOf(config['dilation_rate'], 1);
      const groups = Number(config['groups'] ?? 1);
      const filters = Number(config['filters']);
      const kernel = weight(name, 'kernel', [kh, kw, x.channels / groups, filters]);
      // [kh, kw, in, out] → [out, in, kh, kw]
      const cin = x.channels / groups;
      const src = kernel.values as Float32Array;
      const w = new Float32Array(src.length);
      for (let i = 0; i < kh; i++) for (let j = 0; j < kw; j++) for (let c = 0; c < cin; c++) for (let o = 0; o < filters; o++) {
        w[((o * cin + c) * kh + i) * kw + j] = src[((i * kw + j) * cin + c) * filters + o]!;
      }
      const inputs = [x.name, b.constant(`${name}_w`, w, [filters, cin, kh, kw])];
      if (config['use_bias'] !== false) inputs.push(b.constant(`${name}_b`, weight(name, 'bias', [filters]).values as Float32Array, [filters]));
      const padding = config['padding'] ?? 'valid';
      if (padding !== 'same' && padding !== 'valid') {
        throw layersError('TFJS_LAYER_UNSUPPORTED', `${name}: padding ${JSON.stringify(padding)}`, { argument: name, expected: "'same' or 'valid'", received: JSON.stringify(padding) });
      }
      const conv = b.op('Conv', inputs, {
        kernel_shape: [kh, kw],
        strides,
        dilations,
        group: groups,
        auto_pad: padding === 'same' ? 'SAME_UPPER' : 'VALID',
      }, { output: `${name}_conv` });
      return { name: activation(b, conv, config['activation'], name), channels: filters };
    }
    case 'Activation':
      return { name: activation(b, x.name, config['activation'], name), channels: x.channels };
    case 'ReLU': {
      if (config['max_value'] != null || Number(config['threshold'] ?? 0) !== 0 || Number(config['negative_slope'] ?? 0) !== 0) {
        throw layersError('TFJS_LAYER_UNSUPPORTED', `${name}: ReLU with max_value, threshold or negative_slope`, { argument: name, expected: 'a plain ReLU', received: JSON.stringify(config) });
      }
      return { name: b.op('Relu', [x.name], {}, { output: name }), channels: x.channels };
    }
    case 'LeakyReLU':
      return { name: activation(b, x.name, 'leaky_relu', name, Number(config['alpha'] ?? 0.3)), channels: x.channels };
    case 'Add':
    case 'Multiply': {
      let acc = x.name;
      for (const other of args.slice(1)) acc = b.op(cls === 'Add' ? 'Add' : 'Mul', [acc, other.name], {}, { output: name });
      return { name: acc, channels: x.channels };
    }
    case 'MultiplyBeta':
      return { name: b.op('Mul', [x.name, b.constant(`${name}_beta`, new Float32Array([0.2]), [])], {}, { output: name }), channels: x.channels };
    case 'Concatenate': {
      const axis = nchwAxis(Number(config['axis'] ?? -1), name);
      const channels = axis === 1 ? args.reduce((s, a) => s + a.channels, 0) : x.channels;
      return { name: b.op('Concat', args.map((a) => a.name), { axis }, { output: name }), channels };
    }
    case 'UpSampling2D': {
      const [sh, sw] = pairOf(config['size'], 2);
      const interpolation = config['interpolation'] ?? 'nearest';
      const scales = b.constant(`${name}_scales`, new Float32Array([1, 1, sh, sw]), [4]);
      const attrs =
        interpolation === 'nearest'
          ? { mode: 'nearest', coordinate_transformation_mode: 'asymmetric', nearest_mode: 'floor' }
          : interpolation === 'bilinear'
            ? { mode: 'linear', coordinate_transformation_mode: 'half_pixel' }
            : undefined;
      if (!attrs) throw layersError('TFJS_LAYER_UNSUPPORTED', `${name}: interpolation ${JSON.stringify(interpolation)}`, { argument: name, expected: "'nearest' or 'bilinear'", received: JSON.stringify(interpolation) });
      return { name: b.op('Resize', [x.name, '', scales], attrs, { output: name }), channels: x.channels };
    }
    default:
      throw layersError('TFJS_LAYER_UNSUPPORTED', `Layer ${name} is a ${cls}, which the layers converter does not read`, { argument: name, expected: TFJS_LAYERS.join(', '), received: cls });
  }
}
