/** A model input or output as a session declares it (core's `TensorSignature` is one). */
export interface SessionSignature {
  readonly name: string;
  /** Symbolic dimensions are strings. */
  readonly shape?: readonly (number | string)[];
}

/** A tensor fed to a session: float32 data, row-major. */
export interface SessionFeed {
  readonly data: Float32Array;
  readonly shape: readonly number[];
}

/** A tensor a session returns (any typed array; the bottleneck accepts float32 and float64). */
export interface SessionOutput {
  readonly data: ArrayBufferView;
  readonly shape: readonly number[];
}

/**
 * The inference session a learned bottleneck runs, described structurally so core's
 * `InferenceSession` (from `createSession`) satisfies it without an adapter, and a test can pass a
 * few lines of TypeScript instead.
 *
 * @example
 * const session: BottleneckSession = {
 *   inputs: [{ name: 'latent', shape: ['batch', 4] }],
 *   outputs: [{ name: 'mean' }, { name: 'logvar' }],
 *   async run(feeds) {
 *     const x = feeds.latent!;
 *     return { mean: x, logvar: { data: new Float32Array(x.data.length), shape: x.shape } };
 *   },
 * };
 */
export interface BottleneckSession {
  readonly inputs?: readonly SessionSignature[];
  readonly outputs?: readonly SessionSignature[];
  run(feeds: Readonly<Record<string, SessionFeed>>, options?: { signal?: AbortSignal }): Promise<Record<string, SessionOutput>>;
}
