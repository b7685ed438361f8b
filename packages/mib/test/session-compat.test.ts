import { expect, it } from 'vitest';
import { createLearnedBottleneck, type BottleneckSession } from '../src/index';

// A structural copy of core's seam (packages/core/src/inference/types.ts). mib cannot import core,
// so this copy pins the contract: if it type-checks, core's sessions satisfy mib's interface
// without an adapter (packages/core/test/mib-onnx.test.ts checks the real one).
type TensorDataType = 'float32' | 'float64' | 'float16' | 'int8' | 'uint8' | 'int32' | 'int64' | 'bool';
type TensorData = Float32Array | Float64Array | Uint16Array | Int8Array | Uint8Array | Int32Array | BigInt64Array;
interface Tensor {
  readonly data: TensorData;
  readonly shape: readonly number[];
  readonly dtype?: TensorDataType;
}
interface TensorSignature {
  readonly name: string;
  readonly dtype: TensorDataType | 'unknown';
  readonly shape: readonly (number | string)[];
}
interface InferenceSession {
  readonly inputs: readonly TensorSignature[];
  readonly outputs: readonly TensorSignature[];
  run(feeds: Readonly<Record<string, Tensor>>, options?: { signal?: AbortSignal; outputs?: readonly string[] }): Promise<Record<string, Tensor>>;
  dispose(): Promise<void>;
}

it("core's InferenceSession shape is a BottleneckSession", async () => {
  const coreLike: InferenceSession = {
    inputs: [{ name: 'latent', dtype: 'float32', shape: ['batch', 2] }],
    outputs: [
      { name: 'mean', dtype: 'float32', shape: ['batch', 2] },
      { name: 'logvar', dtype: 'float32', shape: ['batch', 2] },
    ],
    async run(feeds) {
      const x = feeds.latent as Tensor;
      return { mean: { data: x.data, shape: x.shape }, logvar: { data: new Float32Array(2), shape: x.shape } };
    },
    async dispose() {},
  };
  const session: BottleneckSession = coreLike; // the compile-time check
  const out = await createLearnedBottleneck({ session }).compress({ data: new Float32Array([3, 4]), shape: [1, 2] }, { deterministic: true });
  expect(Array.from(out.z.data)).toEqual([3, 4]);
  expect(out.rateBits).toBeCloseTo(12.5 / Math.LN2, 12);
});
