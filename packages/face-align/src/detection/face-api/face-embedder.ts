import { assertColorImage, type ColorImage, DiffmacError, invalidArgument, squareResize, toRgb255 } from '@diffmac/base';
import { createSession, RECOGNITION_DIMENSION, RECOGNITION_INPUT_SIZE } from '@diffmac/core';
import { convertFaceApiModel, type FaceApiModelOptions } from './face-api-models';

/** Options of {@link createFaceEmbedder}. */
export interface FaceEmbedderOptions extends FaceApiModelOptions {
  /** Divide each descriptor by its L2 norm (default false: face-api's raw descriptor, norm ≈ 1.4). */
  normalize?: boolean;
  /** Faces per model run (default 16). */
  batchSize?: number;
  /** onnxruntime intra-op threads (default: all cores). */
  threads?: number;
}

/** Per-call options of {@link FaceEmbedder.embed}. */
export interface EmbedOptions {
  signal?: AbortSignal;
}

/** A face identity embedder: one fixed-length descriptor per face crop. */
export interface FaceEmbedder {
  /** Descriptors, one per face, in input order. */
  embed(faces: ColorImage[] | ColorImage, options?: EmbedOptions): Promise<Float32Array[]>;
  /** Descriptor length. */
  readonly dimension: 128;
  /** Whether descriptors are L2-normalised. */
  readonly normalized: boolean;
  /** Free the model session. */
  dispose(): Promise<void>;
}

/**
 * face-api's 128-D face recognition net (dlib's ResNet-34 descriptor), converted to ONNX on
 * first use and run through core's inference seam. Each face (ideally an aligned crop) is padded
 * to a square (centred) and resized to 150×150 as face-api does; batches run together.
 *
 * @example
 * const embedder = await createFaceEmbedder({ normalize: true });
 * const [a, b] = await embedder.embed([faceA, faceB]);
 * const cosine = a.reduce((s, v, i) => s + v * b[i], 0);
 * await embedder.dispose();
 */
export async function createFaceEmbedder(options: FaceEmbedderOptions = {}): Promise<FaceEmbedder> {
  const batchSize = options.batchSize ?? 16;
  if (!(Number.isInteger(batchSize) && batchSize > 0)) invalidArgument('batchSize', 'a positive integer', options.batchSize);
  const normalize = options.normalize ?? false;
  const { bytes } = await convertFaceApiModel('face_recognition', options);
  const session = await createSession(bytes, {
    name: 'face-api face_recognition',
    ...(options.threads === undefined ? {} : { threads: options.threads }),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  let disposed = false;
  const size = RECOGNITION_INPUT_SIZE;
  return {
    dimension: RECOGNITION_DIMENSION,
    normalized: normalize,
    async embed(faces: ColorImage[] | ColorImage, embedOptions: EmbedOptions = {}): Promise<Float32Array[]> {
      if (disposed) throw new DiffmacError('EMBEDDER_DISPOSED', 'This embedder was disposed', { argument: 'embedder' });
      const list = Array.isArray(faces) ? faces : [faces];
      list.forEach((f, i) => assertColorImage(f, Array.isArray(faces) ? `faces[${i}]` : 'faces'));
      const signal = embedOptions.signal;
      const out: Float32Array[] = [];
      for (let start = 0; start < list.length; start += batchSize) {
        signal?.throwIfAborted();
        const chunk = list.slice(start, start + batchSize);
        const input = new Float32Array(chunk.length * size * size * 3);
        chunk.forEach((face, k) => squareResize(toRgb255(face), { x: 0, y: 0, width: face.width, height: face.height }, size, true, input, k * size * size * 3));
        const result = await session.run({ image: { data: input, shape: [chunk.length, size, size, 3] } }, signal ? { signal } : {});
        const d = result.descriptor?.data as Float32Array;
        for (let k = 0; k < chunk.length; k++) {
          const v = d.slice(k * RECOGNITION_DIMENSION, (k + 1) * RECOGNITION_DIMENSION);
          if (normalize) {
            let s = 0;
            for (const x of v) s += x * x;
            const inv = s > 0 ? 1 / Math.sqrt(s) : 0;
            for (let j = 0; j < v.length; j++) v[j] = (v[j] as number) * inv;
          }
          out.push(v);
        }
      }
      return out;
    },
    async dispose(): Promise<void> {
      if (disposed) return;
      disposed = true;
      await session.dispose();
    },
  };
}
