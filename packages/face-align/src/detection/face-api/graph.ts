import { DiffmacError } from '@diffmac/core';

/** A weight as decoded from face-api: float32 values and, if it was stored quantised, the uint8 codes. */
export interface StoredWeight {
  readonly values: Float32Array;
  readonly quantized?: { readonly codes: Uint8Array; readonly scale: number; readonly min: number };
}

/** Element types the converter writes. */
export type GraphDataType = 'float32' | 'uint8' | 'int64';

/** A constant tensor stored in the graph. */
export interface GraphInitializer {
  readonly name: string;
  readonly dims: readonly number[];
  readonly dtype: GraphDataType;
  readonly data: Float32Array | Uint8Array | BigInt64Array;
}

/** A graph input or output: float32 with fixed or symbolic (string) dimensions. */
export interface GraphValue {
  readonly name: string;
  readonly dtype: GraphDataType;
  readonly shape: readonly (number | string)[];
}

/** Attribute values the converter uses. */
export type GraphAttribute = number | readonly number[] | string | { readonly float: number };

/** One operator node. */
export interface GraphNode {
  readonly op: string;
  readonly inputs: readonly string[];
  readonly outputs: readonly string[];
  readonly name: string;
  readonly attributes: Readonly<Record<string, GraphAttribute>>;
}

/** A whole ONNX graph, before serialisation (IR 7, opset 13). */
export interface GraphSpec {
  readonly name: string;
  readonly inputs: readonly GraphValue[];
  readonly outputs: readonly GraphValue[];
  readonly initializers: readonly GraphInitializer[];
  readonly nodes: readonly GraphNode[];
}

/**
 * Collects nodes and initialisers with unique names. Network descriptions call it op by op.
 *
 * @example
 * const g = new GraphBuilder('tiny');
 * const x = g.input('x', [1, 3]);
 * g.output(g.node('Relu', [x]), [1, 3]);
 */
export class GraphBuilder {
  readonly #name: string;
  readonly #keepUint8: boolean;
  readonly #inputs: GraphValue[] = [];
  readonly #outputs: GraphValue[] = [];
  readonly #initializers: GraphInitializer[] = [];
  readonly #nodes: GraphNode[] = [];
  readonly #used = new Set<string>();

  /** `keepUint8`: store uint8-quantised weights as uint8 plus Cast/Mul/Add nodes (onnxruntime folds them at load). */
  constructor(name: string, options: { keepUint8?: boolean } = {}) {
    this.#name = name;
    this.#keepUint8 = options.keepUint8 ?? false;
  }

  /** A fresh name starting with `base`. */
  unique(base: string): string {
    let name = base;
    for (let i = 1; this.#used.has(name); i++) name = `${base}_${i}`;
    this.#used.add(name);
    return name;
  }

  input(name: string, shape: readonly (number | string)[], dtype: GraphDataType = 'float32'): string {
    const n = this.unique(name);
    this.#inputs.push({ name: n, dtype, shape: [...shape] });
    return n;
  }

  /** Declare `value` a graph output named `name` (adds an Identity when the names differ). */
  output(value: string, shape: readonly (number | string)[], name = value, dtype: GraphDataType = 'float32'): string {
    let out = value;
    if (name !== value) {
      this.#used.add(name);
      this.#nodes.push({ op: 'Identity', inputs: [value], outputs: [name], name: `${name}_identity`, attributes: {} });
      out = name;
    }
    this.#outputs.push({ name: out, dtype, shape: [...shape] });
    return out;
  }

  /** A float32 (or uint8 / int64) constant. */
  constant(base: string, dims: readonly number[], data: Float32Array | Uint8Array | BigInt64Array): string {
    const size = dims.reduce((a, b) => a * b, 1);
    if (size !== data.length) {
      throw new DiffmacError('GRAPH_SHAPE', `Constant ${base} has ${data.length} values for dims [${dims.join(', ')}]`, {
        argument: 'data',
        expected: `${size} values`,
        received: `${data.length}`,
      });
    }
    const dtype: GraphDataType = data instanceof Float32Array ? 'float32' : data instanceof Uint8Array ? 'uint8' : 'int64';
    const name = this.unique(base);
    this.#initializers.push({ name, dims: [...dims], dtype, data });
    return name;
  }

  /**
   * A weight: float32 values, or, when the builder keeps uint8 and the weight was stored
   * quantised, its uint8 codes looked up in a 256-entry float32 table (`Gather`), the table
   * holding `fround(k · scale + min)` as TFJS computes it, so both storages give the same values.
   */
  weight(base: string, dims: readonly number[], w: StoredWeight): string {
    if (this.#keepUint8 && w.quantized) {
      const { codes, scale, min } = w.quantized;
      const table = Float32Array.from({ length: 256 }, (_, k) => k * scale + min);
      const indices = this.node('Cast', [this.constant(`${base}_q`, dims, codes)], { to: 6 });
      return this.node('Gather', [this.constant(`${base}_table`, [256], table), indices], { axis: 0 }, 1, base);
    }
    return this.constant(base, dims, w.values);
  }

  /** An int64 vector constant (shapes, axes, pads). */
  int64s(base: string, values: readonly number[]): string {
    return this.constant(base, [values.length], BigInt64Array.from(values.map((v) => BigInt(v))));
  }

  /** A float32 scalar constant. */
  scalar(base: string, value: number): string {
    return this.constant(base, [], Float32Array.of(value));
  }

  /** Append a node with one output (or `outputs` of them); returns the first output's name. */
  node(op: string, inputs: readonly string[], attributes: Record<string, GraphAttribute> = {}, outputs = 1, base = op.toLowerCase()): string {
    const outs = Array.from({ length: outputs }, (_, i) => this.unique(outputs === 1 ? base : `${base}_out${i}`));
    this.#nodes.push({ op, inputs: [...inputs], outputs: outs, name: this.unique(`${base}_node`), attributes });
    return outs[0] as string;
  }

  /** Append a node with several outputs; returns all output names. */
  nodeN(op: string, inputs: readonly string[], attributes: Record<string, GraphAttribute>, outputs: number, base = op.toLowerCase()): string[] {
    const outs = Array.from({ length: outputs }, (_, i) => this.unique(`${base}_out${i}`));
    this.#nodes.push({ op, inputs: [...inputs], outputs: outs, name: this.unique(`${base}_node`), attributes });
    return outs;
  }

  build(): GraphSpec {
    return {
      name: this.#name,
      inputs: [...this.#inputs],
      outputs: [...this.#outputs],
      initializers: [...this.#initializers],
      nodes: [...this.#nodes],
    };
  }
}
