/**
 * A tiny writer of TFJS graph-model JSON for op tests: placeholders, constants (seeded random or
 * given) and op nodes with TF-style attributes, packed with their weight bytes.
 */
import { createRng, type TfjsManifestEntry } from '../src/index';
import type { GraphModelJson } from './tfjs-graph-helpers';

type AttrInput = string | number | boolean | number[] | string[] | { type: string };

function b64(s: string): string {
  return Buffer.from(s, 'utf8').toString('base64');
}

function attr(v: AttrInput): unknown {
  if (typeof v === 'string') return { s: b64(v) };
  if (typeof v === 'boolean') return { b: v };
  if (typeof v === 'number') return Number.isInteger(v) ? { i: String(v) } : { f: v };
  if (Array.isArray(v)) return v.every((x) => typeof x === 'string') ? { list: { s: (v as string[]).map(b64) } } : { list: { i: (v as number[]).map(String) } };
  return v;
}

/** Builds one graph. */
export class TfGraphFixture {
  private readonly nodes: unknown[] = [];
  private readonly weights: TfjsManifestEntry[] = [];
  private readonly bytes: Uint8Array[] = [];
  private readonly rng;

  constructor(seed = 1) {
    this.rng = createRng(seed);
  }

  placeholder(name: string, shape: number[]): string {
    this.nodes.push({ name, op: 'Placeholder', attr: { dtype: { type: 'DT_FLOAT' }, shape: { shape: { dim: shape.map((s) => ({ size: String(s) })) } } } });
    return name;
  }

  /** A float32 constant: given values, or uniform in [-scale, scale]. */
  floats(name: string, shape: number[], values?: number[], scale = 1): string {
    const n = shape.reduce((a, b) => a * b, 1);
    const data = values ? Float32Array.from(values) : Float32Array.from({ length: n }, () => (2 * this.rng.uniform() - 1) * scale);
    this.constNode(name, shape, 'DT_FLOAT');
    this.weights.push({ name, shape, dtype: 'float32' });
    this.bytes.push(new Uint8Array(data.buffer));
    return name;
  }

  ints(name: string, shape: number[], values: number[]): string {
    this.constNode(name, shape, 'DT_INT32');
    this.weights.push({ name, shape, dtype: 'int32' });
    this.bytes.push(new Uint8Array(Int32Array.from(values).buffer));
    return name;
  }

  private constNode(name: string, shape: number[], dtype: string): void {
    this.nodes.push({ name, op: 'Const', attr: { value: { tensor: { dtype, tensorShape: { dim: shape.map((s) => ({ size: String(s) })) } } }, dtype: { type: dtype } } });
  }

  op(name: string, op: string, inputs: string[], attrs: Record<string, AttrInput> = {}): string {
    const a: Record<string, unknown> = { T: { type: 'DT_FLOAT' } };
    for (const [k, v] of Object.entries(attrs)) a[k] = attr(v);
    this.nodes.push({ name, op, input: inputs, attr: a });
    return name;
  }

  /** The model JSON and its single shard. */
  build(): [GraphModelJson, Uint8Array[]] {
    const total = this.bytes.reduce((a, b) => a + b.byteLength, 0);
    const shard = new Uint8Array(total);
    let at = 0;
    for (const b of this.bytes) {
      shard.set(b, at);
      at += b.byteLength;
    }
    return [
      { format: 'graph-model', modelTopology: { node: this.nodes, library: {}, versions: {} }, weightsManifest: [{ paths: ['w.bin'], weights: this.weights }] },
      [shard],
    ];
  }
}
