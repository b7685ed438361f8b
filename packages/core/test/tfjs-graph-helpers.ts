/**
 * Test helpers for the TFJS graph converter: run a graph model in TFJS's pure-JS CPU backend
 * (the reference) and the converted ONNX in onnxruntime on the same input.
 */
import { createRequire } from 'node:module';
import { createSession, convertTfjsGraph, type TfjsManifestGroup } from '../src/index';

const require = createRequire(import.meta.url);
export const tf = require('@tensorflow/tfjs') as typeof import('@tensorflow/tfjs');

export interface GraphModelJson {
  format?: string;
  modelTopology: { node: unknown[]; library?: unknown; versions?: unknown };
  weightsManifest: TfjsManifestGroup[];
  signature?: unknown;
  userDefinedMetadata?: unknown;
  [key: string]: unknown;
}

let cpuReady: Promise<void> | undefined;
export function useCpu(): Promise<void> {
  cpuReady ??= (async () => {
    await tf.setBackend('cpu');
    await tf.ready();
  })();
  return cpuReady;
}

function concat(shards: readonly Uint8Array[]): ArrayBuffer {
  const n = shards.reduce((a, s) => a + s.byteLength, 0);
  const out = new Uint8Array(n);
  let at = 0;
  for (const s of shards) {
    out.set(s, at);
    at += s.byteLength;
  }
  return out.buffer;
}

/** Load a graph model into TFJS from memory. */
export async function loadTfjsGraph(json: GraphModelJson, shards: readonly Uint8Array[]) {
  await useCpu();
  const artifacts = {
    modelTopology: json.modelTopology,
    format: json.format ?? 'graph-model',
    weightSpecs: json.weightsManifest.flatMap((g) => g.weights ?? []),
    weightData: concat(shards),
    ...(json.signature ? { signature: json.signature } : {}),
    ...(json.userDefinedMetadata ? { userDefinedMetadata: json.userDefinedMetadata } : {}),
  };
  return tf.loadGraphModel({ load: async () => artifacts } as never);
}

export interface ParityResult {
  /** Per output: max abs difference, max abs reference value. */
  readonly outputs: Record<string, { maxAbs: number; maxRef: number; shape: number[] }>;
}

/**
 * Run `json` in TFJS (CPU) and its ONNX conversion on `input` (NHWC) and compare every output.
 * `tfOutputs` maps ONNX output name → TF node name (the converter's defaults when omitted).
 */
export async function graphParity(
  json: GraphModelJson,
  shards: readonly Uint8Array[],
  input: Float32Array,
  shape: number[],
  outputs?: Record<string, string>,
): Promise<ParityResult> {
  const converted = convertTfjsGraph(json, shards, outputs ? { outputs } : {});
  const model = await loadTfjsGraph(json, shards);
  const session = await createSession(converted.bytes);
  try {
    const onnxOut = await session.run({ [converted.inputs[0]!.name]: { data: input, shape } });
    const names = outputs ?? Object.fromEntries(converted.outputs.map((o) => [o, o]));
    const tfNames = Object.values(names);
    const x = tf.tensor(input, shape);
    const refs = (await model.executeAsync(x, tfNames)) as import('@tensorflow/tfjs').Tensor | import('@tensorflow/tfjs').Tensor[];
    const list = Array.isArray(refs) ? refs : [refs];
    const result: ParityResult['outputs'] = {};
    for (const [k, onnxName] of Object.keys(names).entries()) {
      const ref = list[k]!.dataSync() as Float32Array;
      const got = onnxOut[onnxName]!.data as Float32Array;
      if (ref.length !== got.length) throw new Error(`${onnxName}: ${got.length} values vs TFJS ${ref.length}`);
      let maxAbs = 0;
      let maxRef = 0;
      for (let i = 0; i < ref.length; i++) {
        maxAbs = Math.max(maxAbs, Math.abs(Number(ref[i]) - Number(got[i])));
        maxRef = Math.max(maxRef, Math.abs(Number(ref[i])));
      }
      result[onnxName] = { maxAbs, maxRef, shape: list[k]!.shape };
    }
    tf.dispose([x, ...list]);
    return { outputs: result };
  } finally {
    model.dispose();
    await session.dispose();
  }
}
