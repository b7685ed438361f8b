/**
 * The shapes of the one inference seam. Everything that runs a model in diffmac (pipelines,
 * detectors, learned metrics, bottlenecks) talks to an {@link InferenceSession}; only
 * `createSession` (in `session.ts`) touches onnxruntime.
 */

import type { Tensor, TensorDataType } from '@diffmac/base';

// The tensor types live in @diffmac/base; core re-exports them.
export type { Tensor, TensorData, TensorDataType } from '@diffmac/base';

/** A model input or output as the ONNX file declares it; symbolic dimensions are strings. */
export interface TensorSignature {
  readonly name: string;
  readonly dtype: TensorDataType | 'unknown';
  readonly shape: readonly (number | string)[];
  /** The model declares no shape at all (any rank is accepted; `shape` is then empty). */
  readonly unknownRank?: boolean;
}

/** Per-call options of {@link InferenceSession.run}. */
export interface RunOptions {
  /** Checked before the call starts; an aborted run rejects with an AbortError. */
  signal?: AbortSignal;
  /** Only fetch these outputs (default: all). */
  outputs?: readonly string[];
  /** Check float outputs for NaN/Inf and throw `MODEL_OUTPUT_NOT_FINITE` (default: the session's setting). */
  checkFinite?: boolean;
}

/** A loaded model. Reuse one per model; call `dispose()` when done. */
export interface InferenceSession {
  /** Inputs as declared by the model. */
  readonly inputs: readonly TensorSignature[];
  /** Outputs as declared by the model. */
  readonly outputs: readonly TensorSignature[];
  /** Run the model. Feeds are checked against `inputs` (names, dtypes, ranks, fixed dims) first. */
  run(feeds: Readonly<Record<string, Tensor>>, options?: RunOptions): Promise<Record<string, Tensor>>;
  /** Free the native session. Further `run` calls reject with code `SESSION_DISPOSED`. */
  dispose(): Promise<void>;
}
